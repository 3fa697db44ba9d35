"""The province map and activity charts as units."""

import datetime as dt
import json
from pathlib import Path
from types import SimpleNamespace

from pelican.settings import DEFAULT_CONFIG

from conftest import PROVINCES
from tracker.build import site_slugify
from tracker.model.charts import BOTTOM, TOP, activity, value_ticks
from tracker.model.geo import Projection, load_map, path_data, shade
from tracker.model.vocabulary import load_vocabulary
from tracker.problems import Reporter

SQUARE = [[0, 0], [10, 0], [10, 10], [0, 10], [0, 0]]
HOLE = [[4, 4], [6, 4], [6, 6], [4, 6], [4, 4]]


def feature(props, geometry):
    return {"type": "Feature", "properties": props, "geometry": geometry}


def write_map(tmp_path, features):
    path = tmp_path / "map.geojson"
    path.write_text(
        '{"type":"FeatureCollection","features":[\n' + ",\n".join(json.dumps(f) for f in features) + "\n]}\n"
    )
    return str(path)


def provinces(tmp_path, text=PROVINCES):
    path = tmp_path / "provinces.yaml"
    path.write_text(text, encoding="utf-8")
    reporter = Reporter()
    return load_vocabulary(str(path), "province", reporter, site_slugify(DEFAULT_CONFIG)), reporter


def test_features_match_by_iso_code_then_name_or_alias_and_misses_are_warnings(tmp_path):
    vocabulary, reporter = provinces(tmp_path)
    path = write_map(
        tmp_path,
        [
            feature(
                {"iso_3166_2": "IQ-AN", "name": "Al-Anbar"}, {"type": "Polygon", "coordinates": [SQUARE]}
            ),
            feature({"name": "Nineveh"}, {"type": "MultiPolygon", "coordinates": [[SQUARE], [SQUARE, HOLE]]}),
            feature({"name": "Atlantis"}, {"type": "Polygon", "coordinates": [SQUARE]}),
        ],
    )
    result = load_map(path, vocabulary, reporter)
    assert sorted(result.shapes) == ["anbar", "ninewa"]
    assert len(result.shapes["ninewa"]) == 2
    problems = [(p.line, p.severity, p.message) for p in reporter.problems]
    assert (4, "warning", "map feature 3 ('Atlantis') matches no province (by ISO code or name)") in problems
    assert any(
        p.path.endswith("provinces.yaml") and "province 'Kirkuk' has no shape" in p.message
        for p in reporter.problems
    )


def test_a_province_marked_off_the_map_is_not_a_warning(tmp_path):
    vocabulary, reporter = provinces(tmp_path, "- name: Anbar\n  iso: IQ-AN\n- name: Halabja\n  map: false\n")
    result = load_map(
        write_map(tmp_path, [feature({"iso": "IQ-AN"}, {"type": "Polygon", "coordinates": [SQUARE]})]),
        vocabulary,
        reporter,
    )
    assert reporter.problems == [] and [t.name for t in result.unmapped] == ["Halabja"]


def test_paths_draw_every_ring_so_holes_stay_holes():
    projection = Projection.fit([[SQUARE]], 100)
    assert projection.point(0, 10) == (0, 0)
    d = path_data([[SQUARE, HOLE], [SQUARE]], projection, 0)
    assert d.count("M") == 3 and d.count("Z") == 3  # outer, hole, second polygon


def test_shades_go_by_share_of_the_busiest_province():
    assert [shade(n, 8) for n in (0, 1, 2, 3, 5, 8)] == [0, 1, 1, 1, 2, 3]


def test_activity_is_weekly_under_a_year_and_monthly_beyond():
    def at(*days):
        return [SimpleNamespace(date=dt.datetime(2014, 6, 2) + dt.timedelta(days=d)) for d in days]

    weekly = activity(at(0, 1, 15))
    assert weekly.unit == "week" and [b.count for b in weekly.bars] == [2, 0, 1]
    assert weekly.bars[0].height > weekly.bars[2].height > weekly.bars[1].height == 0
    monthly = activity(at(0, 400))
    assert monthly.unit == "month" and len(monthly.bars) == 14 and sum(b.count for b in monthly.bars) == 2
    assert activity([]) is None


def test_the_value_axis_has_round_ticks_from_zero_and_bars_on_its_scale():
    assert value_ticks(1) == [0, 1] and value_ticks(5) == [0, 1, 2, 3, 4, 5]
    assert value_ticks(7) == [0, 2, 4, 6, 8] and value_ticks(27) == [0, 10, 20, 30]
    assert value_ticks(250) == [0, 50, 100, 150, 200, 250]
    days = [SimpleNamespace(date=dt.datetime(2014, 6, 2) + dt.timedelta(days=d)) for d in (0, 1, 2, 8)]
    chart = activity(days)
    assert [t.text for t in chart.ticks] == ["0", "1", "2", "3"]
    top, zero = chart.ticks[-1].at, chart.ticks[0].at
    assert (zero, top) == (BOTTOM, TOP)
    assert chart.bars[0].y == top and chart.bars[1].y == round(BOTTOM - (BOTTOM - TOP) / 3, 1)
    assert [t.text for t in chart.periods] == ["2 Jun", "9 Jun"]


def test_invalid_geojson_is_a_warning_per_feature_with_its_number_name_and_line(tmp_path):
    vocabulary, reporter = provinces(tmp_path)
    path = write_map(
        tmp_path,
        [
            feature(
                {"iso": "IQ-AN"},
                {"type": "Polygon", "coordinates": [[[0, 0, 120], [10, 0, 80], [10, 10, 5], [0, 0, 1]]]},
            ),
            feature(
                {"name": "Kirkuk"}, {"type": "Polygon", "coordinates": [[["a", "b"], [1, 1], [2, 2], [0, 0]]]}
            ),
            feature(
                {"name": "Ninewa"},
                {"type": "Polygon", "coordinates": [[[0, 0], [123456789, 1], [2, 2], [0, 0]]]},
            ),
            {"type": "Feature", "properties": ["not", "a", "mapping"], "geometry": None},
            feature({"name": ["Kirkuk"]}, {"type": "Polygon", "coordinates": [SQUARE]}),
            feature(
                {"name": "Ninewa"}, {"type": "Polygon", "coordinates": [[[0, 0], [500, 95], [2, 2], [0, 0]]]}
            ),
            "not a feature",
        ],
    )
    Path(path).write_text(
        Path(path).read_text().replace("123456789", "1e999")
    )  # valid JSON, an infinite float
    result = load_map(path, vocabulary, reporter)
    assert sorted(result.shapes) == ["anbar"]  # an elevation is allowed and dropped
    assert result.shapes["anbar"][0][0][0] == (0.0, 0.0)
    problems = [(p.line, p.message) for p in reporter.problems if p.path == path]
    assert (
        3,
        'map feature 2 (\'Kirkuk\'): position ["a", "b"] is not [longitude, latitude] in numbers; not drawn',
    ) in problems
    assert any(
        line == 4 and message.startswith("map feature 3 ('Ninewa'): position [Infinity, 1]")
        for line, message in problems
    )
    assert (5, "map feature 4 ('unnamed') matches no province (by ISO code or name)") in problems
    assert (6, "map feature 5 ('unnamed') matches no province (by ISO code or name)") in problems
    assert (
        7,
        "map feature 6 ('Ninewa'): position [500, 95] "
        "is outside longitude -180..180, latitude -90..90; not drawn",
    ) in problems
    assert (8, "map feature 7 is not a GeoJSON Feature; not drawn") in problems


def test_unreadable_geojson_is_one_error_line(tmp_path):
    vocabulary, _ = provinces(tmp_path)
    for text, message in (
        (
            '{"type": "FeatureCollection", "features": [NaN]}',
            "invalid GeoJSON: NaN is not a number GeoJSON allows",
        ),
        ("[" * 100000 + "]" * 100000, "invalid GeoJSON: nested too deeply"),
        ('{"features": ', "invalid GeoJSON: Expecting value"),
    ):
        path = tmp_path / "bad.geojson"
        path.write_text(text)
        reporter = Reporter()
        assert load_map(str(path), vocabulary, reporter) is None
        assert [p.message for p in reporter.problems] == [message]
    reporter = Reporter()
    assert load_map(str(tmp_path), vocabulary, reporter) is None
    assert [p.message for p in reporter.problems] == [
        "map file is a folder (setting TRACKER_MAP names a GeoJSON file)"
    ]


def test_map_labels_never_overlap_never_cover_a_neighbour_and_the_busiest_come_first():
    from tracker.model.geo import Label
    from tracker.model.maps import Drawing, Shape, drawn_labels, label_box
    from tracker.model.terms import TermLink

    def shape(key, label, text, small=False):
        return Shape(TermLink("province", key, text, key, key + "/", True), key, "", label, text, small)

    big = shape("big", Label(100, 50, 200, 100), "Sulaymaniyah")
    small = shape("small", Label(130, 50, 30, 20), "Kirkuk", small=True)
    edge = shape("edge", Label(5, 90, 60, 20), "Zakarpattia")
    drawing = Drawing(300, 100, (big, small, edge))
    # Sulaymaniyah's long name would lie over Kirkuk's point, naming the wrong province: it moves
    # a line up or down; and nothing overlaps.
    shown = drawn_labels(drawing, {}, 12)
    assert set(shown) == {"big", "small", "edge"} and shown["big"].y != 50
    boxes = [label_box(s.label, s.text, 12, s.small, 300) for s in (big, small, edge)]
    assert shown["edge"].x > 5 and boxes[2][0] >= 0  # kept on the map, not cut off
    # With no room above or below, the shaded (busier) province keeps its label.
    cramped = Drawing(300, 60, (big, small))
    assert set(drawn_labels(cramped, {"small": 3}, 12)) == {"small"}
    assert set(drawn_labels(cramped, {"big": 3}, 12)) == {"big"}
