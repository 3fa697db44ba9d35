"""The gazetteer: places checked like the vocabulary, entries' places resolved through it, and a
place putting its entry in its province."""

from __future__ import annotations

import pytest

from conftest import ROOT, Site, entry
from test_hostile_input import check, problem_lines
from test_workflow import tree

PLACES = """\
- name: Qaim
  aliases: [Al-Qaim, Husaybah]
  province: Anbar
  lat: 34.37
  lon: 41.09
  kind: border town
- name: Mosul
  province: Nineveh
  lat: 36.34
  lon: 43.13
"""


@pytest.fixture
def site(tmp_path):
    site = Site(tmp_path)
    site.write("data/places.yaml", PLACES)
    return site


@pytest.mark.parametrize(
    "text, line, message",
    [
        (
            PLACES + "- name: al-qaim\n  province: Anbar\n  lat: 1\n  lon: 1\n",
            11,
            "error: duplicate place name 'al-qaim' (already an alias of 'Qaim' at line 1)",
        ),
        (
            PLACES + "- name: Rawa\n  aliases: [Husaybah]\n  province: Anbar\n  lat: 34.48\n  lon: 41.91\n",
            11,
            "error: alias 'Husaybah' of 'Rawa' is already claimed by 'Qaim' at line 1",
        ),
        (
            PLACES + "- name: Rawa\n  province: Anbarr\n  lat: 34.48\n  lon: 41.91\n",
            12,
            "error: unknown province 'Anbarr' (did you mean 'Anbar'?)",
        ),
        (
            PLACES + "- name: Rawa\n  province: Anbar\n  lon: 41.91\n",
            11,
            "error: place 'Rawa' has no 'lat' (latitude)",
        ),
        (
            PLACES + "- name: Rawa\n  province: Anbar\n  lat: north\n  lon: 41.91\n",
            13,
            "error: lat: 'north' is not a number (decimal degrees, e.g. 34.37)",
        ),
        (
            PLACES + "- name: Rawa\n  province: Anbar\n  lat: 34.48\n  lon: 241.91\n",
            14,
            "error: lon: 241.91 is out of range (longitude from -180 to 180)",
        ),
        (
            PLACES + "- name: Rawa\n  provnce: Anbar\n  lat: 34.48\n  lon: 41.91\n",
            12,
            "warning: unknown key 'provnce' (did you mean 'province'?)",
        ),
        (PLACES + "- name: Rawa\n  lat: 34.48\n  lon: 41.91\n", 11, "error: place 'Rawa' has no 'province'"),
    ],
)
def test_every_problem_in_the_gazetteer_is_a_line(site, text, line, message):
    site.write("data/places.yaml", text)
    site.write("entries/2014-06-21-a.md", entry("A", "2014-06-21", provinces="[Anbar]"))
    lines = problem_lines(check(site))
    assert f"content/data/places.yaml:{line}: {message}" in lines, lines


def test_a_place_by_its_alias_is_shown_by_its_name_and_puts_the_entry_in_its_province(site):
    site.write(
        "entries/2014-06-21-border.md",
        entry("Border town falls", "2014-06-21", provinces="[Ninewa]", places="[husaybah, Mosul, Rawa]"),
    )
    result = site.build()
    assert result.returncode == 0
    assert "content/entries/2014-06-21-border.md:5: warning: unknown place 'Rawa'" in problem_lines(result)
    page = site.html("2014/06/21/border/index.html")
    places = page.find("span", string="Places:").parent.get_text()
    assert places == "Places: Qaim, Mosul, Rawa (not in the gazetteer)"
    provinces = [a.get_text() for a in page.find("span", string="Provinces:").parent.select("a")]
    assert provinces == ["Ninewa", "Anbar"]  # named first, implied after
    anbar = site.html("provinces/anbar/index.html")
    assert "Border town falls" in anbar.select_one("main").get_text()
    assert "Border town falls" in (site.output / "provinces/anbar/rss.xml").read_text()


def test_make_check_says_which_place_put_an_entry_in_a_province(site):
    site.write(
        "entries/2014-06-21-border.md",
        entry("Border town falls", "2014-06-21", provinces="[Ninewa]", places="[Husaybah]"),
    )
    lines = problem_lines(check(site))
    assert "content/entries/2014-06-21-border.md:5: info: place 'Qaim' puts the entry in Anbar" in lines


def test_a_site_without_a_gazetteer_keeps_places_as_written(tmp_path):
    site = Site(tmp_path)
    site.write("entries/2014-06-21-a.md", entry("A", "2014-06-21", provinces="[Anbar]", places="[Qaim]"))
    result = site.build()
    assert result.returncode == 0 and "place" not in result.stderr
    assert "Places: Qaim" in site.html("2014/06/21/a/index.html").get_text()
    assert [a.get_text() for a in site.html("2014/06/21/a/index.html").select(".terms a")] == ["Anbar"]


def test_adding_a_place_to_the_gazetteer_rebuilds_to_a_clean_build(site, tmp_path):
    site.write("entries/2014-06-21-a.md", entry("A", "2014-06-21", provinces="[Anbar]", places="[Tal Afar]"))
    assert site.build().returncode == 0
    assert "Tal Afar" not in site.html("provinces/ninewa/index.html").select_one("main").get_text()
    site.write(
        "data/places.yaml", PLACES + "- name: Tal Afar\n  province: Ninewa\n  lat: 36.38\n  lon: 42.45\n"
    )
    assert site.build().returncode == 0
    assert "A" in [h.get_text() for h in site.html("provinces/ninewa/index.html").select(".entry-title")]
    kept, site.output = site.output, tmp_path / "clean"
    assert site.build("-e", "TRACKER_CACHE=null").returncode == 0
    assert tree(kept) == tree(site.output)


def test_every_named_place_has_a_page_feeds_and_a_row_in_the_indexes(site):
    site.write(
        "entries/2014-06-21-border.md",
        entry(
            "Border town falls", "2014-06-21", provinces="[Anbar]", actors="[ISIS]", places="[Al-Qaim, Rawa]"
        ),
    )
    site.write(
        "entries/2014-06-22-city.md",
        entry("City quiet", "2014-06-22", provinces="[Ninewa]", places="[Mosul]"),
    )
    assert site.build("-e", 'SITEURL="https://example.org"').returncode == 0
    page = site.html("places/qaim/index.html")
    assert page.select_one("h1").get_text() == "Qaim"
    profile = {dt.get_text(): dt.find_next("dd").get_text() for dt in page.select("dl.profile dt")}
    assert profile["Province"] == "Anbar" and profile["Coordinates"] == "34.37° N, 41.09° E"
    assert "Also written: Al-Qaim, Husaybah" in page.get_text()
    assert "1 entry; first mention 21 June 2014" in " ".join(page.get_text().split())
    assert [a.get_text() for a in page.select(".counted a")] == ["ISIS"]
    assert "Border town falls" in (site.output / "places/qaim/rss.xml").read_text()
    assert "Border town falls" in (site.output / "places/qaim/atom.xml").read_text()
    unknown = site.html("places/rawa/index.html")
    assert "Not in the gazetteer" in unknown.get_text()
    assert not (site.output / "places/rawa/rss.xml").exists()  # as for unknown provinces: no feed
    index = site.html("places/index.html")
    groups = {
        h.get_text(): [a.get_text() for a in h.find_next("ol").select("a")] for h in index.select("main h2")
    }
    assert groups == {"Anbar": ["Qaim"], "Ninewa": ["Mosul"], "Not in the gazetteer": ["Rawa"]}
    anbar = site.html("provinces/anbar/index.html")
    assert [s.find("h2").get_text() for s in anbar.select("section.counted")][0] == "Places in Anbar"
    entry_page = site.html("2014/06/21/border/index.html")
    assert [a["href"] for a in entry_page.select(".terms a.place")] == [
        "../../../../places/qaim/",
        "../../../../places/rawa/",
    ]
    opml = (site.output / "feeds.opml").read_text()
    assert '<outline text="Places"' in opml and "places/qaim/rss.xml" in opml
    assert "Places" in [h.get_text() for h in site.html("feeds/index.html").select("h2")]
    assert "places/qaim/" in (site.output / "sitemap.xml").read_text()


def test_a_place_outside_its_province_on_the_map_is_a_warning(site):
    for name in ("provinces.geojson", "provinces.yaml"):
        site.write(f"data/{name}", (ROOT / "content/data" / name).read_text(encoding="utf-8"))
    wrong = PLACES.replace("lat: 34.37\n  lon: 41.09", "lat: 36.34\n  lon: 43.0")  # Qaim put in Ninewa
    site.write(
        "data/places.yaml",
        wrong + "- name: Taji\n  province: Baghdad\n  lat: 33.53\n  lon: 44.26\n  map: false\n",
    )
    site.write(
        "entries/2014-06-21-a.md", entry("A", "2014-06-21", provinces="[Anbar]", places="[Qaim, Taji]")
    )
    lines = problem_lines(check(site))
    assert (
        "content/data/places.yaml:4: warning: place 'Qaim' (36.34, 43) lies outside Anbar on the map" in lines
    )
    assert not [line for line in lines if "Taji" in line and "warning" in line]  # map: false


def test_adding_a_place_to_an_entry_rebuilds_to_a_clean_build(site, tmp_path):
    site.write("entries/2014-06-21-a.md", entry("A", "2014-06-21", provinces="[Ninewa]", places="[Mosul]"))
    site.write("entries/2014-06-22-b.md", entry("B", "2014-06-22", provinces="[Ninewa]"))
    assert site.build().returncode == 0
    site.write(
        "entries/2014-06-22-b.md", entry("B", "2014-06-22", provinces="[Ninewa]", places="[Mosul, Qaim]")
    )
    assert site.build().returncode == 0
    assert [h.get_text() for h in site.html("places/mosul/index.html").select(".entry-title")] == ["B", "A"]
    assert "B" in [h.get_text() for h in site.html("provinces/anbar/index.html").select(".entry-title")]
    kept, site.output = site.output, tmp_path / "clean"
    assert site.build("-e", "TRACKER_CACHE=null").returncode == 0
    assert tree(kept) == tree(site.output)
