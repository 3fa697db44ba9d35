"""Events: the `events:` front matter checked line by line, tallied on term pages, and exported as
CSV, JSON and a JSON Feed, the same on every build."""

from __future__ import annotations

import csv
import io
import json

import pytest

from conftest import ROOT, Site, entry
from test_hostile_input import check, problem_lines
from test_places import PLACES
from test_workflow import tree

TYPES = (ROOT / "content/data/event_types.yaml").read_text(encoding="utf-8")
QAIM = """
  - type: battle
    sub_type: armed clash
    place: Al-Qaim
    actors: [ISIL, ISF]
    fatalities: 34
  - type: explosions
    sub_type: air strike
    province: Anbar
    actors: [ISF]"""
MOSUL = """
  - type: Battles
    place: Mosul
    actors: [ISIS, Peshmerga, ISF]
    fatalities: 5
    date: 2014-06-20
    claim: disputed
    source: https://example.org/mosul-report
    notes: Figures from a hospital, "unconfirmed\""""
JULY = """
  - type: violence against civilians
    sub_type: abduction
    place: Qaim
    actors: [ISIS]
    fatalities: 2"""


def write_fixture(site: Site) -> None:
    site.write("data/places.yaml", PLACES)
    site.write("data/event_types.yaml", TYPES)
    site.write(
        "entries/2014-06-21-qaim.md", entry("Qaim falls", "2014-06-21", provinces="[Anbar]", events=QAIM)
    )
    site.write(
        "entries/2014-06-22-mosul.md",
        entry("Mosul, again", "2014-06-22", covers="2014-06-20/2014-06-21", events=MOSUL, tags="[city]"),
    )
    site.write(
        "entries/2014-07-02-july.md", entry("July in Qaim", "2014-07-02", summary="Two dead.", events=JULY)
    )
    for status in ("draft", "hidden"):
        site.write(
            f"entries/2014-06-25-{status}.md",
            entry(f"The {status}", "2014-06-25", status=status, events=QAIM),
        )


@pytest.fixture
def site(tmp_path):
    site = Site(tmp_path)
    write_fixture(site)
    return site


def event_lines(site, events, **fields):
    """Problems of `make check` with one entry whose events are `events`."""
    site.write(
        "entries/2014-06-22-x.md",
        entry("X", "2014-06-22", covers="2014-06-20/2014-06-21", events=events, **fields),
    )
    return problem_lines(check(site))


BAD = "content/entries/2014-06-22-x.md"


@pytest.mark.parametrize(
    "events, line, message",
    [
        (
            "\n  - type: battel\n    place: Qaim",
            6,
            "error: event: unknown type 'battel' (did you mean 'Battles'?)",
        ),
        (
            "\n  - type: battle\n    sub_type: armd clash\n    place: Qaim",
            7,
            "error: event: unknown sub_type 'armd clash' of 'Battles' (did you mean 'Armed clash'?)",
        ),
        (
            "\n  - type: battle\n    sub_type: suicide bomb\n    place: Qaim",
            7,
            "error: event: unknown sub_type 'suicide bomb' of 'Battles' "
            "('suicide bomb' is a sub-type of 'Explosions/Remote violence')",
        ),
        (
            "\n  - type: battle\n    place: Qaim\n    fatalities: -3",
            8,
            "error: event: fatalities: '-3' is not a whole number of 0 or more (for an estimate or a range, "
            "record the lowest figure reported and the rest in notes, as ACLED does)",
        ),
        (
            "\n  - type: battle\n    place: Qaim\n    fatalities: 2.5",
            8,
            "error: event: fatalities: '2.5' is not a whole number of 0 or more (for an estimate or a range, "
            "record the lowest figure reported and the rest in notes, as ACLED does)",
        ),
        (
            "\n  - type: battle\n    place: Qaimm\n    province: Anbar",
            7,
            "warning: unknown place 'Qaimm' (did you mean 'Qaim'?)",
        ),
        (
            "\n  - type: battle\n    province: Anbarr",
            7,
            "warning: unknown province 'Anbarr' (did you mean 'Anbar'?)",
        ),
        (
            "\n  - type: battle\n    place: Qaim\n    actors: [ISSI]",
            8,
            "warning: unknown actor 'ISSI' (did you mean 'ISIS'?)",
        ),
        (
            "\n  - type: battle\n    place: Qaim\n    date: 2014-06-12",
            8,
            "error: event: date 2014-06-12 is outside the entry's date (2014-06-22) "
            "and what it covers (2014-06-20 to 2014-06-21)",
        ),
        (
            "\n  - type: battle\n    place: Qaim\n    date: June",
            8,
            "error: event: date: invalid date 'June' (expected YYYY-MM-DD)",
        ),
        (
            "\n  - type: battle\n    place: Qaim\n    fatalites: 3",
            8,
            "error: event: unknown key 'fatalites' (did you mean 'fatalities'?)",
        ),
        (
            "\n  - type: battle\n    place: Qaim\n    province: Ninewa",
            8,
            "error: event: place 'Qaim' is in Anbar, not Ninewa",
        ),
        (
            "\n  - type: battle\n    actors: [ISIS]",
            6,
            "error: event: no province: give 'province', or a 'place' of the gazetteer",
        ),
        (
            "\n  - type: battle\n    place: Qaim\n    claim: rumoured",
            8,
            "error: event: unknown claim 'rumoured' (expected one of: reported, confirmed, disputed)",
        ),
        ("\n  - place: Qaim", 6, "error: event: missing required field 'type'"),
        (
            " battle at Qaim",
            5,
            "error: events: expected a list of events ('- type: ...'), found 'battle at Qaim'",
        ),
        (
            "\n  - [battle, Qaim]",
            6,
            "error: events: each event must be a mapping of 'key: value' lines, found a list",
        ),
    ],
)
def test_every_bad_event_is_a_line_and_the_entry_stays(site, events, line, message):
    lines = event_lines(site, events)
    assert f"{BAD}:{line}: {message}" in lines, lines


def test_an_event_with_an_error_is_left_out_and_a_strict_build_fails(site):
    site.write(
        "entries/2014-06-22-x.md",
        entry("X", "2014-06-22", events=QAIM + "\n  - type: battel\n    place: Qaim"),
    )
    result = site.build()
    assert "2014-06-22-x.md:14: error: event: unknown type 'battel'" in result.stderr
    assert site.output.joinpath("2014/06/22/x/index.html").exists()  # the entry is kept
    rows = list(csv.DictReader(io.StringIO((site.output / "data/events.csv").read_text(encoding="utf-8"))))
    assert [r["event_id"] for r in rows if "/x/" in r["entry_url"]] == ["2014-06-22-x-1", "2014-06-22-x-2"]
    assert site.build("-e", "TRACKER_STRICT=true").returncode != 0


def test_a_site_without_its_own_event_types_uses_the_built_in_ones(tmp_path):
    site = Site(tmp_path)
    site.write(
        "entries/2014-06-22-x.md",
        entry("X", "2014-06-22", provinces="[Anbar]", events="\n  - type: battle\n    province: Anbar"),
    )
    lines = problem_lines(check(site))
    assert not any("event" in line for line in lines), lines  # ACLED's types, built in
    assert site.build().returncode == 0
    assert rows_of(site, "events.csv")[0]["event_type"] == "Battles"
    site.write("data/event_types.yaml", "- name: Clash\n")  # the site's own types replace them
    lines = problem_lines(check(site))
    assert any("unknown type 'battle'" in line for line in lines), lines
    off = site.build("-e", "TRACKER_EVENT_TYPES=null")
    assert "the site has no event types (TRACKER_EVENT_TYPES)" in off.stderr


def rows_of(site, name):
    data = (site.output / "data" / name).read_bytes()
    if name.endswith(".csv"):
        assert data.endswith(b"\r\n") and b"\r\n" in data.split(b"\r\n", 1)[0] + b"\r\n"
        return list(csv.DictReader(io.StringIO(data.decode("utf-8"), newline="")))
    return json.loads(data)


def test_events_csv_and_json_hold_one_row_per_event_with_acled_columns(site):
    site.build()
    rows = rows_of(site, "events.csv")
    assert list(rows[0]) == [
        "event_id", "event_date", "year", "event_type", "sub_event_type", "actor1", "actor2", "assoc_actors",
        "admin1", "location", "latitude", "longitude", "fatalities", "claim", "source", "notes",
        "entry_url", "entry_title",
    ]  # fmt: skip
    assert [r["event_id"] for r in rows] == [
        "2014-06-22-mosul-1",
        "2014-06-21-qaim-1",
        "2014-06-21-qaim-2",
        "2014-07-02-july-1",
    ]
    mosul, battle, strike, july = rows
    assert mosul == {
        "event_id": "2014-06-22-mosul-1",
        "event_date": "2014-06-20",
        "year": "2014",
        "event_type": "Battles",
        "sub_event_type": "",
        "actor1": "ISIS",
        "actor2": "Peshmerga",
        "assoc_actors": "ISF",
        "admin1": "Ninewa",
        "location": "Mosul",
        "latitude": "36.34",
        "longitude": "43.13",
        "fatalities": "5",
        "claim": "disputed",
        "source": "https://example.org/mosul-report",
        "notes": 'Figures from a hospital, "unconfirmed"',
        "entry_url": "http://127.0.0.1:8000/2014/06/22/mosul/",
        "entry_title": "Mosul, again",
    }
    assert (battle["location"], battle["actor1"], battle["fatalities"], battle["claim"]) == (
        "Qaim",
        "ISIS",
        "34",
        "reported",
    )
    columns = ("sub_event_type", "admin1", "location", "latitude", "fatalities")
    assert [strike[c] for c in columns] == ["Air/drone strike", "Anbar", "", "", ""]
    assert (
        july["event_type"] == "Violence against civilians"
        and july["sub_event_type"] == "Abduction/forced disappearance"
    )
    assert (
        b'"Figures from a hospital, ""unconfirmed"""' in (site.output / "data/events.csv").read_bytes()
    )  # RFC 4180
    as_json = rows_of(site, "events.json")
    assert [r["event_id"] for r in as_json] == [r["event_id"] for r in rows]
    assert (
        as_json[0]["assoc_actors"] == ["ISF"]
        and as_json[0]["fatalities"] == 5
        and as_json[0]["latitude"] == 36.34
    )
    assert as_json[2]["fatalities"] is None and as_json[2]["latitude"] is None


def test_entries_csv_and_json_list_published_entries_only(site):
    site.build()
    rows = rows_of(site, "entries.csv")
    assert [r["title"] for r in rows] == ["Qaim falls", "Mosul, again", "July in Qaim"]  # oldest first
    qaim, mosul, july = rows
    assert (qaim["events"], qaim["fatalities"], qaim["provinces"], qaim["actors"]) == (
        "2",
        "34",
        "Anbar",
        "ISIS; ISF",
    )
    assert qaim["events_without_figure"] == "1"  # the air strike gives none: 34 is a minimum
    assert (mosul["fatalities"], mosul["events_without_figure"]) == ("5", "0")
    assert (mosul["covers_from"], mosul["covers_to"], mosul["tags"]) == ("2014-06-20", "2014-06-21", "city")
    # an event's place, province and actors are the entry's own, as if it had named them
    assert (mosul["provinces"], mosul["actors"], mosul["places"]) == (
        "Ninewa",
        "ISIS; Peshmerga; ISF",
        "Mosul",
    )
    assert july["summary"] == "Two dead." and july["date"] == "2014-07-02T12:00:00+03:00"
    as_json = rows_of(site, "entries.json")
    assert [r["url"] for r in as_json] == [r["url"] for r in rows]
    assert as_json[1]["actors"] == ["ISIS", "Peshmerga", "ISF"] and as_json[0]["events"] == 2
    everything = b"".join(
        (site.output / "data" / n).read_bytes()
        for n in ("events.csv", "events.json", "entries.csv", "entries.json")
    )
    assert b"The draft" not in everything and b"The hidden" not in everything


def test_no_figure_is_never_zero_in_exports_tallies_and_map_titles(site):
    site.write(
        "data/provinces.geojson", (ROOT / "content/data/provinces.geojson").read_text(encoding="utf-8")
    )
    unknown = "\n  - type: battle\n    province: Kirkuk\n  - type: explosions\n    province: Kirkuk"
    site.write("entries/2014-07-01-kirkuk.md", entry("No toll yet", "2014-07-01", events=unknown))
    assert site.build().returncode == 0
    rows = {r["title"]: r for r in rows_of(site, "entries.csv")}
    assert (rows["No toll yet"]["fatalities"], rows["No toll yet"]["events_without_figure"]) == ("", "2")
    as_json = {r["title"]: r for r in rows_of(site, "entries.json")}
    assert (
        as_json["No toll yet"]["fatalities"] is None and as_json["No toll yet"]["events_without_figure"] == 2
    )
    assert (
        as_json["July in Qaim"]["fatalities"] == 2 and as_json["July in Qaim"]["events_without_figure"] == 0
    )
    kirkuk = " ".join(
        site.html("provinces/kirkuk/index.html").select_one(".events-summary").get_text().split()
    )
    assert "2 events recorded; reported fatalities: no figure given" in kirkuk
    charts = site.html("provinces/kirkuk/index.html").select(".events-summary figure.chart figcaption")
    assert [c.get_text()[:10] for c in charts] == ["Events per"]  # no chart of fatalities never given
    anbar = site.html("provinces/anbar/index.html").select(".events-summary figure.chart")[1]
    assert "Highest: at least 34 (June 2014)" in " ".join(anbar.figcaption.get_text().split())
    first = site.html("index.html").select_one(".where figure.map")  # the events map
    titles = {a["data-province"]: a.title.get_text() for a in first.select("svg a.region")}
    assert titles["kirkuk"].startswith("Kirkuk: 2 events, reported fatalities: no figure given")
    assert titles["anbar"].startswith("Anbar: 3 events, reported fatalities: at least 36 (1 event without")
    assert "0 reported" not in " ".join(titles.values())
    assert "No figure is not zero" in site.html("data/index.html").get_text()


def test_term_pages_tally_events_and_chart_them_by_month(site):
    site.build()
    anbar = site.html("provinces/anbar/index.html")
    summary = anbar.select_one(".events-summary")
    assert "3 events recorded; reported fatalities: at least 36 (1 event without a figure)" in " ".join(
        summary.get_text().split()
    )
    months = [[c.get_text() for c in tr.find_all(["th", "td"])] for tr in summary.select("table tbody tr")]
    assert months == [["June 2014", "2", "at least 34"], ["July 2014", "1", "2"]]
    assert [c.get("aria-label", "")[:40] for c in summary.select("figure.chart svg")] == [
        "Bar chart: events per month in Anbar, Ju",
        "Bar chart: reported fatalities per month",
    ]
    table = anbar.select_one(".term-events table.events")
    dates = [tr.select_one("td.date").get_text() for tr in table.select("tbody tr:not(.month)")]
    assert dates == ["2 Jul 2014", "21 Jun 2014", "21 Jun 2014"]  # newest first
    assert [th.get_text() for th in table.select("tbody tr.month th")] == ["July 2014", "June 2014"]
    peshmerga = site.html("actors/peshmerga/index.html")  # named only by an event
    assert "1 event recorded; reported fatalities: 5" in " ".join(
        peshmerga.select_one(".events-summary").get_text().split()
    )
    assert peshmerga.select_one(".term-entries a[href$='2014/06/22/mosul/']")
    qaim = site.html("places/qaim/index.html")
    assert "2 events recorded; reported fatalities: 36" in " ".join(
        qaim.select_one(".events-summary").get_text().split()
    )
    assert site.html("provinces/kirkuk/index.html").select_one(".events-summary") is None


def test_an_entry_page_lists_its_events(site):
    site.build()
    page = site.html("2014/06/22/mosul/index.html")
    cells = [td.get_text(" ", strip=True) for td in page.select(".entry-events table.events tbody td")]
    assert cells == ["20 Jun 2014", "Battles", "Mosul , Ninewa", "ISIS ; Peshmerga ; ISF", "5", "disputed",
                     'example.org Figures from a hospital, "unconfirmed"']  # fmt: skip
    assert page.select_one(".entry-events a[href='https://example.org/mosul-report']")
    hidden = site.html("2014/06/25/hidden/index.html")  # its page is built; its events are in no list
    assert [td.get_text() for td in hidden.select(".entry-events td.date")] == ["25 Jun 2014", "25 Jun 2014"]
    assert "Peshmerga" in page.select_one(".terms").parent.get_text()  # named by its event


FEED_ITEM_KEYS = {"id", "url", "title", "content_html", "summary", "date_published", "date_modified"} | {
    "authors",
    "tags",
    "_tracker",
}


def test_the_json_feed_is_a_json_feed_1_1_and_is_autodiscovered(site):
    site.build()
    feed = json.loads((site.output / "feed.json").read_text(encoding="utf-8"))
    assert feed["version"] == "https://jsonfeed.org/version/1.1"
    assert isinstance(feed["title"], str) and feed["title"]
    assert feed["feed_url"] == "http://127.0.0.1:8000/feed.json" and feed["home_page_url"].startswith("http")
    assert isinstance(feed["items"], list) and [i["title"] for i in feed["items"]] == [
        "July in Qaim",
        "Mosul, again",
        "Qaim falls",
    ]
    for item in feed["items"]:
        assert isinstance(item["id"], str) and item["id"] and item["url"].startswith("http://127.0.0.1:8000/")
        assert isinstance(item["content_html"], str) and "<p>" in item["content_html"]
        assert item["date_published"].startswith("2014-") and item["date_published"][10] == "T"
        assert set(item) <= FEED_ITEM_KEYS
    assert feed["items"][0]["summary"] == "Two dead." and feed["items"][1]["tags"] == ["city"]
    assert feed["items"][1]["_tracker"]["events"] == 1
    home = site.html("index.html")
    link = home.select_one('link[rel=alternate][type="application/feed+json"]')
    assert link["href"] == "http://127.0.0.1:8000/feed.json"
    assert site.html("feeds/index.html").select_one('a[href="http://127.0.0.1:8000/feed.json"]')


def test_the_data_page_lists_the_files_their_columns_and_the_licence(site):
    site.build()
    page = site.html("data/index.html")
    files = {a.get_text(): a["href"] for a in page.select(".data-files a")}
    assert set(files) == {"events.csv", "events.json", "entries.csv", "entries.json", "feed.json"}
    rows = {tr.th.get_text(): tr.select("td")[-1].get_text() for tr in page.select(".data-files tbody tr")}
    assert rows["events.csv"] == "4" and rows["entries.json"] == "3"
    columns = [dt.get_text() for dt in page.select(".columns dt")]
    assert (
        columns[:3] == ["event_id", "event_date", "year"]
        and "entry_title" in columns
        and "fatalities" in columns
    )
    assert page.select_one('a[rel=license][href="https://creativecommons.org/licenses/by/4.0/"]')
    assert page.select_one("footer a[href$='data/']")
    unlicensed = site.build("-e", "TRACKER_LICENSE=null")
    assert unlicensed.returncode == 0
    assert "states no licence" in site.html("data/index.html").get_text()


def test_the_home_map_counts_events_and_the_entries_map_is_behind_a_switch(site):
    site.write(
        "data/provinces.geojson", (ROOT / "content/data/provinces.geojson").read_text(encoding="utf-8")
    )
    site.build()
    home = site.html("index.html")
    first = home.select_one(".where figure.map")
    assert first.figcaption.get_text().startswith("Events recorded in each province")
    assert "Events per province, fewer to more" in first.figcaption.get_text()
    titles = {a["data-province"]: a.title.get_text() for a in first.select("svg a.region")}
    assert titles["anbar"] == (
        "Anbar: 3 events, reported fatalities: at least 36 (1 event without a figure), 3 Jun – 2 Jul 2014"
    )
    assert titles["kirkuk"].startswith("Kirkuk: 0 events")
    assert [t.get_text() for t in first.select("a.place-label text")]  # labelled like the other
    switch = home.select_one("details.events-map")
    assert switch.summary.get_text().startswith("Map of entries")
    assert switch.select_one("figcaption").get_text().startswith("Entries naming each province")
    assert len(home.select("[id=hatch]")) == 1 and home.select_one("#entries-map-caption")
    assert site.html("provinces/index.html").select_one("details.events-map svg")
    week = home.select_one("section.week")
    assert week.select_one("thead").get_text(" ", strip=True).startswith("Province Events")
    assert "1 event recorded in 1 entry" in week.select_one(".note").get_text()


def test_exports_are_byte_identical_across_builds_and_after_an_incremental_rebuild(site, tmp_path):
    site.build()
    names = ["data/events.csv", "data/events.json", "data/entries.csv", "data/entries.json", "feed.json"]
    first = {n: (site.output / n).read_bytes() for n in names}
    other = Site(tmp_path / "again")
    write_fixture(other)
    other.build()
    assert {n: (other.output / n).read_bytes() for n in names} == first
    # add an event to one entry; the rebuild equals a clean build of the same content
    site.write(
        "entries/2014-07-02-july.md",
        entry("July in Qaim", "2014-07-02", summary="Two dead.", events=JULY + QAIM),
    )
    site.build()
    assert len(rows_of(site, "events.csv")) == 6
    clean = tmp_path / "clean"
    kept, site.output = site.output, clean
    site.build()
    assert tree(kept) == tree(clean)


def test_a_site_without_data_or_json_feed_writes_neither_and_removes_the_old_ones(site):
    site.build()
    assert (site.output / "data/events.csv").is_file() and (site.output / "feed.json").is_file()
    result = site.build("-e", "TRACKER_DATA=false", 'TRACKER_FEED_JSON=""')
    assert result.returncode == 0, result.stderr
    assert not (site.output / "data").exists() and not (site.output / "feed.json").exists()
    home = site.html("index.html")
    assert home.select_one("footer a[href$='data/']") is None
    assert home.select_one('link[type="application/feed+json"]') is None
    assert site.html("provinces/anbar/index.html").select_one(
        ".events-summary"
    )  # the pages keep their events


def test_an_event_source_is_a_link_only_when_it_is_a_web_address(site):
    hostile = "\n  - type: battle\n    place: Qaim\n    source: javascript:alert(1)"
    hostile += "\n    notes: <script>x()</script>"
    site.write("entries/2014-06-23-x.md", entry("X", "2014-06-23", events=hostile))
    site.build()
    page = site.html("2014/06/23/x/index.html")
    cell = page.select(".entry-events table.events tbody td")[-1]
    assert cell.find("a") is None and cell.find("script") is None
    assert cell.get_text(" ", strip=True) == "javascript:alert(1) <script>x()</script>"


def test_an_entrys_events_keep_their_order_past_nine(site):
    events = "".join(f"\n  - type: battle\n    place: Qaim\n    fatalities: {n}" for n in range(1, 12))
    site.write("entries/2014-06-23-many.md", entry("Many", "2014-06-23", events=events))
    site.build()
    ids = [r["event_id"] for r in rows_of(site, "events.csv") if "/many/" in r["entry_url"]]
    assert ids == [f"2014-06-23-many-{n}" for n in range(1, 12)]
    page = site.html("2014/06/23/many/index.html")
    assert [td.get_text() for td in page.select(".entry-events td.count")] == [str(n) for n in range(1, 12)]
    rows = site.html("places/qaim/index.html").select(".term-events tbody tr")
    mine = [tr.select_one("td.count").get_text() for tr in rows if tr.select_one("a[href*='/many/']")]
    assert mine == [str(n) for n in range(11, 0, -1)]  # newest first: the last recorded first
