"""Hostile input in events, sources and data files: every name, count, text, link and span is
bounded at its own line, `make check` reports whatever would break a build, and what reaches the
exports is safe to open."""

from __future__ import annotations

import csv
import io
import json
import re
import time

import pytest

from conftest import ROOT, Site, entry
from test_events import TYPES
from test_hostile_input import check, problem_lines
from test_places import PLACES
from tracker.model.charts import bar_chart
from tracker.model.links import link_of, split_source

BAD = "content/entries/2014-06-22-x.md"


@pytest.fixture
def site(tmp_path):
    site = Site(tmp_path)
    site.write("data/places.yaml", PLACES)
    site.write("data/event_types.yaml", TYPES)
    return site


def one_event(**fields: str) -> str:
    """An `events:` value of one event: type battle in Anbar, plus `fields`."""
    lines = ["", "  - type: battle"] + [f"    {key}: {value}" for key, value in fields.items()]
    return "\n".join(lines)


def test_an_event_with_a_thousand_actors_is_an_error_at_its_line_and_writes_nothing_for_them(site):
    actors = "[" + ", ".join(f"Group {n}" for n in range(1000)) + "]"
    site.write(
        "entries/2014-06-22-x.md",
        entry("X", "2014-06-22", provinces="[Anbar]", events=one_event(province="Anbar", actors=actors)),
    )
    lines = problem_lines(check(site))
    assert f"{BAD}:8: error: event: actors: 1000 names; at most 100 per event" in lines, lines
    result = site.build()
    assert result.returncode == 0 and "Traceback" not in result.stderr
    assert site.output.joinpath("2014/06/22/x/index.html").is_file()  # the entry is kept
    assert not list(site.output.glob("actors/group-*"))
    size = sum(p.stat().st_size for p in site.output.rglob("*") if p.is_file())
    assert size < 5_000_000  # the sample-sized site, not hundreds of megabytes


def test_events_names_obey_the_entry_lists_rules_at_their_own_line(site):
    long_name = "A" * 300
    site.write(
        "entries/2014-06-22-x.md",
        entry(
            "X",
            "2014-06-22",
            provinces="[Anbar]",
            events=one_event(province="Anbar", actors=f"[ISIS, '!!!', {long_name}]")
            + one_event(place="'!!!'", province="Anbar")
            + one_event(province=long_name),
        ),
    )
    lines = problem_lines(check(site))
    assert f"{BAD}:8: error: event: actor: '!!!' has no letter or digit to make a URL from" in lines, lines
    assert f"{BAD}:8: error: event: actor: name of 300 characters; at most 150" in lines
    assert f"{BAD}:10: error: event: place: '!!!' has no letter or digit to make a URL from" in lines
    assert f"{BAD}:13: error: event: province: name of 300 characters; at most 150" in lines
    assert not [line for line in lines if "output path" in line]
    assert site.build().returncode == 0


def test_a_name_whose_url_slug_is_too_long_for_a_folder_is_an_error_at_its_line(site):
    long = "ش" * 140  # 140 characters, but a slug of 280 bytes (each letter becomes "sh")
    site.write(
        "entries/2014-06-22-x.md",
        entry(
            "X",
            "2014-06-22",
            provinces="[Anbar]",
            actors=f"[{long}]",
            events=one_event(province="Anbar", actors=f"[{long}]"),
        ),
    )
    lines = problem_lines(check(site))
    message = f"'{long}' makes a URL slug of 280 bytes; at most 200"
    assert f"{BAD}:5: error: actors: {message}" in lines, lines
    assert not [line for line in lines if "output path" in line]


def test_an_entry_and_its_events_name_at_most_a_hundred_terms_of_a_kind(site):
    own = "[" + ", ".join(f"Own {n}" for n in range(60)) + "]"
    more = "[" + ", ".join(f"More {n}" for n in range(50)) + "]"
    site.write(
        "entries/2014-06-22-x.md",
        entry("X", "2014-06-22", actors=own, events=one_event(province="Anbar", actors=more)),
    )
    lines = problem_lines(check(site))
    assert (
        f"{BAD}:6: error: event: with this event the entry names more than 100 actors; event left out"
        in lines
    )


def test_a_malformed_link_is_text_with_a_warning_and_breaks_no_build(site):
    site.write(
        "entries/2014-06-22-x.md",
        entry(
            "X",
            "2014-06-22",
            provinces="[Anbar]",
            sources='["Report <https://[oops/report>", "http://example.org:99999/x"]',
            events=one_event(province="Anbar", source="https://[oops/report"),
        ),
    )
    lines = problem_lines(check(site))
    assert (
        f"{BAD}:5: warning: source 'Report <https://[oops/report>' is not a valid link; shown without a link"
        in lines
    ), lines
    assert (
        f"{BAD}:9: warning: event: source 'https://[oops/report' is not a valid link; shown as text" in lines
    )
    result = site.build()
    assert result.returncode == 0 and "Traceback" not in result.stderr and "CRITICAL" not in result.stderr
    page = site.html("2014/06/22/x/index.html")
    assert "https://[oops/report" in page.get_text() and not page.select('a[href*="[oops"]')
    assert not page.select('a[href*="99999"]')


@pytest.mark.parametrize("character", ["\ufffe", "\uffff"])
def test_a_noncharacter_in_a_body_is_an_error_make_check_finds(site, character):
    site.write(
        "entries/2014-06-22-x.md",
        entry("X", "2014-06-22", provinces="[Anbar]", body=f"Text\n\nmore {character} text"),
    )
    site.write("entries/2014-06-23-y.md", entry("Y", "2014-06-23", provinces="[Anbar]"))
    lines = problem_lines(check(site))
    name = f"U+{ord(character):04X}"
    assert f"{BAD}:8: error: noncharacter {name} at column 6 is not allowed; remove it" in lines, lines
    result = site.build()
    assert result.returncode == 0 and "Traceback" not in result.stderr
    assert "<title>Y</title>" in (site.output / "rss.xml").read_text(encoding="utf-8")


def test_exports_never_carry_a_spreadsheet_formula_and_json_keeps_the_text(site):
    site.write(
        "entries/2014-06-22-x.md",
        entry(
            "X",
            "2014-06-22",
            provinces="[Anbar]",
            tags="['=1+1']",
            summary='\'=HYPERLINK("http://evil.example", "click")\'',
            events=one_event(
                province="Anbar",
                actors="[\"=cmd|' /C calc'!A0\", '@SUM(1+1)']",
                source="'@SUM(1+1)*cmd|x'",
                notes='"\\t=1+1"',
            )
            + one_event(province="Anbar", notes="'+1+1'", source="'-2+3'"),
        ),
    )
    assert site.build().returncode == 0
    data = site.output / "data"
    for name in ("events.csv", "entries.csv"):
        rows = list(csv.reader(io.StringIO((data / name).read_text(encoding="utf-8"))))
        for row in rows[1:]:
            for cell in row:
                assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), (name, cell)
    events = list(csv.DictReader(io.StringIO((data / "events.csv").read_text(encoding="utf-8"))))
    assert events[0]["actor1"] == "'=cmd|' /C calc'!A0" and events[0]["actor2"] == "'@SUM(1+1)"
    assert events[0]["notes"] == "'=1+1" and events[1]["notes"] == "'+1+1" and events[1]["source"] == "'-2+3"
    entries = list(csv.DictReader(io.StringIO((data / "entries.csv").read_text(encoding="utf-8"))))
    assert entries[0]["tags"] == "'=1+1" and entries[0]["summary"].startswith("'=HYPERLINK(")
    as_json = json.loads((data / "events.json").read_text(encoding="utf-8"))
    assert as_json[0]["actor1"] == "=cmd|' /C calc'!A0" and as_json[1]["notes"] == "+1+1"
    assert "spreadsheet" in site.html("data/index.html").get_text()


def test_negative_coordinates_stay_numbers_in_the_csv(site):
    site.write("data/places.yaml", PLACES + "- name: South\n  province: Anbar\n  lat: -33.4\n  lon: -70.6\n")
    site.write("entries/2014-06-22-x.md", entry("X", "2014-06-22", events=one_event(place="South")))
    assert site.build().returncode == 0
    rows = list(csv.DictReader(io.StringIO((site.output / "data/events.csv").read_text(encoding="utf-8"))))
    assert (rows[0]["latitude"], rows[0]["longitude"]) == ("-33.4", "-70.6")


def test_link_checks_take_time_linear_in_the_length_of_the_text():
    # The old pattern backtracked: a 2,000-character source (the most a source may have) took
    # tens of milliseconds, so a thousand of them took a minute; these take milliseconds. The
    # bound below only guards against a hang.
    hostile = ["https://a" + " " * 1990 + "x", "https://" + "a/" * 995 + " ", "mailto:" + "a" * 1990 + " @"]
    started = time.monotonic()
    for _ in range(1000):
        for text in hostile:
            assert link_of(text) == ""
            split_source(text)
    for text in (" " * 2_000_000 + "<a", "x <" + "a" * 2_000_000):  # split_source has no length limit
        split_source(text)
    assert time.monotonic() - started < 20
    assert split_source("Niqash <https://example.org/n>") == ("Niqash", "https://example.org/n")
    assert link_of("https://[oops/report") == "" and link_of("mailto:desk@example.org")


def test_every_free_text_field_has_a_length_limit(site):
    site.write(
        "entries/2014-06-22-x.md",
        entry(
            "T" * 201,
            "2014-06-22",
            summary="S" * 2001,
            correction="C" * 2001,
            updated="2014-06-23",
            author="A" * 151,
            sources='["' + "s" * 2001 + '"]',
        ),
    )
    lines = problem_lines(check(site))
    for line, message in (
        (2, "title: 201 characters; at most 200"),
        (4, "summary: 2,001 characters; at most 2,000"),
        (5, "correction: 2,001 characters; at most 2,000"),
        (7, "author: 151 characters; at most 150"),
        (8, "sources: a source of 2,001 characters; at most 2,000"),
    ):
        assert f"{BAD}:{line}: error: {message}" in lines, lines


def test_front_matter_has_a_time_limit_like_markdown(site):
    many = "".join(one_event(province="Anbar", notes=f"note {n}") for n in range(200))
    site.write("entries/2014-06-22-x.md", entry("X", "2014-06-22", provinces="[Anbar]", events=many))
    result = site.build("-e", "TRACKER_FRONT_MATTER_TIME_LIMIT=0.001")
    assert (
        f"{BAD}:1: error: the front matter took more than 0.001 s to read (TRACKER_FRONT_MATTER_TIME_LIMIT)"
        in problem_lines(result)
    ), result.stderr
    assert site.build().returncode == 0 and (site.output / "2014/06/22/x/index.html").is_file()


def test_covers_has_a_maximum_span_and_long_spans_chart_by_year(site):
    site.write(
        "entries/2014-06-22-x.md",
        entry("X", "2014-06-22", provinces="[Anbar]", covers="1000-01-01/2999-12-31"),
    )
    site.write(
        "entries/2014-06-23-y.md",
        entry("Y", "2014-06-23", provinces="[Anbar]", covers="2013-06-23/2014-06-23"),
    )
    lines = problem_lines(check(site))
    assert f"{BAD}:5: error: covers: covers 730,485 days; at most 366 (TRACKER_COVERS_MAX_DAYS)" in lines, (
        lines
    )
    assert not [line for line in lines if "2014-06-23-y.md" in line]  # a year in review is fine
    chart = bar_chart(
        {__import__("datetime").date(1014, 6, 1): 1, __import__("datetime").date(2014, 6, 1): 2}
    )
    assert chart.unit == "year" and len(chart.bars) == 1001


def test_dates_coordinates_and_sub_types_are_read_as_documented(site):
    site.write(
        "data/places.yaml",
        PLACES
        + "- name: Odd\n  province: Anbar\n  lat: 3_3.4\n  lon: 1e1\n"
        + "- name: Eastern\n  province: Anbar\n  lat: ٣٤.٣٧\n  lon: 41.\n"
        + "- name: Short\n  province: Anbar\n  lat: .5\n  lon: +41.5\n",
    )
    site.write(
        "data/event_types.yaml",
        "- name: Battles\n  aliases: [battle]\n  sub_types:\n    - Armed clash\n"
        "    - name: Ambush\n      aliases: [~]\n    - name: Raid\n      aliases: [[a]]\n    - [x]\n",
    )
    site.write(
        "entries/2014-06-22-x.md",
        entry(
            "X",
            "2014-06-22",
            provinces="[Anbar]",
            events=one_event(province="Anbar", date="20140622")
            + one_event(province="Anbar", sub_type="None"),
        ),
    )
    lines = problem_lines(check(site))
    places, types = "content/data/places.yaml", "content/data/event_types.yaml"
    assert f"{places}:13: error: lat: '3_3.4' is not a number (decimal degrees, e.g. 34.37)" in lines, lines
    assert f"{places}:14: error: lon: '1e1' is not a number (decimal degrees, e.g. 34.37)" in lines
    assert f"{places}:17: error: lat: '٣٤.٣٧' is not a number (decimal degrees, e.g. 34.37)" in lines
    assert not [line for line in lines if f"{places}:18:" in line or f"{places}:2" in line]  # `41.`, `.5`
    assert (
        f"{types}:8: error: aliases of a sub-type of 'Battles': list items must be names, found a list"
        in lines
    )
    assert (
        f"{types}:9: error: a sub-type of 'Battles' must be a name, or a mapping with 'name' and 'aliases'"
        in lines
    )
    assert f"{BAD}:8: error: event: date: invalid date '20140622' (expected YYYY-MM-DD)" in lines
    # `aliases: [~]` names no alias: a sub-type written "None" is unknown.
    assert f"{BAD}:11: error: event: unknown sub_type 'None' of 'Battles'" in lines


def test_an_empty_item_in_a_list_is_nothing_and_breaks_no_entry(site):
    site.write("entries/2014-06-22-x.md", entry("X", "2014-06-22", provinces="\n  - Anbar\n  -\n  - ~"))
    assert problem_lines(check(site)) == []
    assert site.build().returncode == 0
    assert [a.get_text() for a in site.html("2014/06/22/x/index.html").select(".terms a.province")] == [
        "Anbar"
    ]


def test_plain_text_summaries_carry_no_markup(site):
    site.write(
        "entries/2014-06-22-x.md",
        entry("X", "2014-06-22", provinces="[Anbar]", summary="'Quoting `<script>alert(2)</script>` & more'"),
    )
    assert site.build().returncode == 0
    feed = json.loads((site.output / "feed.json").read_text(encoding="utf-8"))
    assert "<script" not in feed["items"][0]["summary"] and "& more" in feed["items"][0]["summary"]
    rows = list(csv.DictReader(io.StringIO((site.output / "data/entries.csv").read_text(encoding="utf-8"))))
    assert "<script" not in rows[0]["summary"] and rows[0]["summary"].startswith("Quoting")


def test_plain_text_keeps_every_character_that_is_not_markup(site):
    site.write(
        "entries/2014-06-22-x.md",
        entry("X", "2014-06-22", provinces="[Anbar]", summary="'Killed: fewer than 10 (< 10), wounded > 5'"),
    )
    assert site.build().returncode == 0
    feed = json.loads((site.output / "feed.json").read_text(encoding="utf-8"))
    assert feed["items"][0]["summary"] == "Killed: fewer than 10 (< 10), wounded > 5"


@pytest.mark.parametrize(
    "setting, message",
    [
        ("/etc/passwd", "'/etc/passwd' is not inside the content folder (give a path relative to it)"),
        (
            "../../secret.yaml",
            "'../../secret.yaml' is not inside the content folder (give a path relative to it)",
        ),
        ("data/link.yaml", "'data/link.yaml' leads outside the content folder (a symbolic link?)"),
    ],
)
def test_settings_that_name_files_stay_inside_the_content_folder(site, tmp_path, setting, message):
    secret = tmp_path / "secret.yaml"
    secret.write_text("- name: Secret\n  province: Anbar\n  lat: 1\n  lon: 1\n")
    (site.content / "data/link.yaml").symlink_to(secret)
    result = site.build("-e", f"TRACKER_PLACES={json.dumps(setting)}")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert problem_lines(result) == [
        f"settings: error: TRACKER_PLACES: {message}",
        "1 error, 0 warnings in 1 file",
    ]
    assert not site.output.exists()


def test_a_file_setting_with_a_nul_is_one_line(site):
    result = site.build("-e", 'TRACKER_ACTORS="data/a\\u0000b.yaml"')
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
    assert problem_lines(result)[0].startswith(
        "settings: error: TRACKER_ACTORS: 'data/a\\x00b.yaml' is not a file name"
    )


def test_only_event_types_keep_their_sub_types_as_yaml(site):
    site.write("data/actors.yaml", "- name: ISIS\n  sub_types: Wilayat Anbar\n")
    site.write("entries/2014-06-22-x.md", entry("X", "2014-06-22", actors="[ISIS]"))
    assert site.build().returncode == 0
    page = (site.output / "actors/isis/index.html").read_text(encoding="utf-8")
    assert "Node" not in page and "Wilayat Anbar" in page


def test_a_place_outside_the_map_is_a_warning_and_is_not_drawn(site):
    site.write(
        "data/provinces.geojson", (ROOT / "content/data/provinces.geojson").read_text(encoding="utf-8")
    )
    site.write("data/places.yaml", PLACES + "- name: Far\n  province: Anbar\n  lat: 60.5\n  lon: 170.2\n")
    site.write("entries/2014-06-22-x.md", entry("X", "2014-06-22", places="[Far, Qaim]"))
    lines = problem_lines(check(site))
    assert (
        "content/data/places.yaml:13: warning: "
        "place 'Far' (60.5, 170.2) lies outside the map; not drawn on it" in lines
    )
    assert site.build().returncode == 0
    for page in ("index.html", "2014/06/22/x/index.html", "places/far/index.html"):
        svg = (site.output / page).read_text(encoding="utf-8")
        for x, y in re.findall(r'<circle[^>]*cx="([\d.-]+)"[^>]*cy="([\d.-]+)"', svg):
            assert -1 <= float(x) <= 601 and -1 <= float(y) <= 601, (page, x, y)
