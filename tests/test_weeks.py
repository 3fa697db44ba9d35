"""Week pages and the weekly feed: a page per ISO 8601 week with entries, linked from entries, month
archives and the home page; one feed item per finished week."""

import datetime as dt
import xml.etree.ElementTree as ET

import feedparser
import pytest
from bs4 import BeautifulSoup

from conftest import built_once, entry, head_on
from tracker.model.figures import Fatalities
from tracker.model.lists import SiteLists, week_key
from tracker.model.weeks import Week, finished, link_of, tallies, weeks

EVENTS = """
  - type: battles
    province: Anbar
    actors: [ISIS, ISF]
    fatalities: {figure}
  - type: explosions
    province: Ninewa
    actors: [ISIS]"""


def write_fixture(site):
    # Monday 29 December 2014 is in week 1 of ISO year 2015; 4 January 2015 (a Sunday) too.
    for day, figure in (("2014-12-22", 3), ("2014-12-29", 4), ("2015-01-01", 6), ("2015-01-04", 1)):
        site.write(
            f"entries/{day}.md",
            entry(
                f"Brief of {day}",
                day,
                provinces="[Anbar, Ninewa]",
                actors="[ISIS]",
                events=EVENTS.format(figure=figure),
                summary=f"What happened on {day}.",
            ),
        )
    site.write("entries/2015-01-13.md", entry("Brief of 13 January", "2015-01-13", provinces="[Kirkuk]"))


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    return built_once(tmp_path_factory, "weeks", write_fixture)


def test_a_page_per_iso_week_with_entries_newest_first(built):
    weeks_folder = sorted(p.name for p in (built.output / "weeks").iterdir() if p.is_dir())
    assert weeks_folder == ["2014-W52", "2015-W01", "2015-W03"]
    soup = built.html("weeks/2015-W01/index.html")
    assert soup.h1.get_text(" ", strip=True) == "Week 1, 2015 29 December 2014 – 4 January 2015"
    titles = [h.get_text(strip=True) for h in soup.select("ol.entries h3")]
    assert titles == ["Brief of 2015-01-04", "Brief of 2015-01-01", "Brief of 2014-12-29"]
    assert "What happened on 2015-01-01." in soup.select_one("ol.entries").get_text()


def test_a_week_counts_its_events_by_province_and_actor_with_the_no_figure_rule(built):
    soup = built.html("weeks/2015-W01/index.html")
    summary = soup.select_one(".week-summary").get_text(" ", strip=True)
    assert summary == "3 entries, 6 events reported; fatalities: at least 11 (3 events without a figure)."
    tables = {t.caption.get_text(strip=True): t for t in soup.select("table.week-tally")}
    provinces = tables["Events by province, 29 December 2014 – 4 January 2015"]
    rows = [[c.get_text(strip=True) for c in r.select("th, td")] for r in provinces.tbody.select("tr")]
    assert rows == [["Anbar", "3", "11"], ["Ninewa", "3", "no figure given"]]
    actors = tables["Events by actor, 29 December 2014 – 4 January 2015"]
    rows = [[c.get_text(strip=True) for c in r.select("th, td")] for r in actors.tbody.select("tr")]
    assert rows == [["ISIS", "6", "at least 11 (3 events without a figure)"], ["ISF", "3", "11"]]
    assert provinces.select_one("a")["href"].endswith("/provinces/anbar/")


def test_weeks_link_the_weeks_either_side(built):
    soup = built.html("weeks/2015-W01/index.html")
    assert soup.select_one('a[rel="prev"]')["href"].endswith("/weeks/2014-W52/")
    assert soup.select_one('a[rel="next"]')["href"].endswith("/weeks/2015-W03/")
    first = built.html("weeks/2014-W52/index.html")
    assert first.select_one('a[rel="prev"]') is None


def test_entries_months_and_the_home_link_their_weeks(built):
    entry_page = built.html("2014/12/29/2014-12-29/index.html")
    assert entry_page.select_one("a.week-link")["href"].endswith("/weeks/2015-W01/")
    assert entry_page.select_one("a.week-link").get_text() == "Week 1, 2015"
    december = built.html("2014/12/index.html")
    assert [a["href"].rsplit("/", 2)[1] for a in december.select("nav.weeks a")] == ["2014-W52", "2015-W01"]
    january = built.html("2015/01/index.html")
    assert [a.get_text() for a in january.select("nav.weeks a")] == ["Week 1, 2015", "Week 3, 2015"]
    home = built.html("index.html")
    assert home.select_one("section.week p.more a")["href"].endswith("/weeks/2015-W03/")


def test_the_weekly_feed_has_one_item_per_finished_week_with_the_week_s_content(built):
    for name in ("rss.xml", "atom.xml"):
        feed = feedparser.parse((built.output / "weeks" / name).read_bytes())
        assert not feed.bozo, feed.get("bozo_exception")
        # The week of the newest entry (2015-W03) is not finished: no item yet.
        assert [item.title for item in feed.entries] == [
            "Week 1, 2015: 29 December 2014 – 4 January 2015",
            "Week 52, 2014: 22–28 December 2014",
        ]
        first = feed.entries[0]
        assert first.link == "http://127.0.0.1:8000/weeks/2015-W01/"
        body = first.content[0].value if name == "atom.xml" else first.description
        soup = BeautifulSoup(body, "html.parser")
        assert "at least 11 (3 events without a figure)" in soup.get_text()
        assert all(a["href"].startswith("http://127.0.0.1:8000/") for a in soup.select("a"))
        # Dated by the newest entry of the week, not by the day of the build.
        assert first.published_parsed[:3] == (2015, 1, 4)


def test_the_weekly_feed_carries_what_rss_and_atom_require(built):
    rss = ET.fromstring((built.output / "weeks/rss.xml").read_bytes()).find("channel")
    for tag in ("title", "link", "description", "lastBuildDate"):
        assert rss.findtext(tag), tag
    for item in rss.findall("item"):
        for tag in ("title", "link", "guid", "pubDate", "description"):
            assert item.findtext(tag), tag
    atom = ET.fromstring((built.output / "weeks/atom.xml").read_bytes())
    ns = {"a": "http://www.w3.org/2005/Atom"}
    for tag in ("a:id", "a:title", "a:updated"):
        assert atom.findtext(tag, namespaces=ns), tag
    assert atom.find("a:link[@rel='self']", ns).get("href") == "http://127.0.0.1:8000/weeks/atom.xml"
    for item in atom.findall("a:entry", ns):
        for tag in ("a:id", "a:title", "a:updated", "a:content"):
            assert item.findtext(tag, namespaces=ns), tag
    soup = built.html("weeks/2015-W03/index.html")
    assert soup.select_one('link[rel="alternate"][href$="/weeks/rss.xml"]') is not None


def test_no_week_pages_when_the_setting_is_empty(site):
    write_fixture(site)
    result = site.build("-e", 'TRACKER_WEEK_SAVE_AS=""')
    assert result.returncode == 0, result.stderr
    assert not (site.output / "weeks").exists()
    assert site.html("2015/01/index.html").select_one("nav.weeks") is None
    assert site.html("2015/01/13/2015-01-13/index.html").select_one("a.week-link") is None


# The model, on its own


def test_iso_weeks_across_the_turn_of_the_year():
    assert week_key(dt.date(2014, 12, 29)) == ("week", 2015, 1)
    assert week_key(dt.date(2021, 1, 3)) == ("week", 2020, 53)
    week = Week(2020, 53, "w/", "w/index.html")
    assert (week.first, week.last, week.name) == (dt.date(2020, 12, 28), dt.date(2021, 1, 3), "2020-W53")
    assert week.days == "28 December 2020 – 3 January 2021"
    assert Week(2014, 27, "", "").days == "30 June – 6 July 2014"
    assert Week(2014, 25, "", "").days == "16–22 June 2014"
    patterns = ("weeks/{date:%G}-W{date:%V}/", "weeks/{date:%G}-W{date:%V}/index.html")
    assert link_of(dt.date(2021, 1, 3), patterns) == (
        "Week 53, 2020",
        "weeks/2020-W53/",
        "28 December 2020 – 3 January 2021",
    )
    assert link_of(dt.date(2021, 1, 3), None) is None


def test_weeks_newest_first_and_the_newest_week_is_not_finished():
    lists = SiteLists(lambda s: s).build(
        [head_on("2014-06-16"), head_on("2014-06-30"), head_on("2014-07-01")]
    )
    found = weeks(lists, ("w/{date:%G-%V}/", "w/{date:%G-%V}/index.html"))
    assert [w.name for w in found] == ["2014-W27", "2014-W25"]
    assert found[0].older == ("Week 25, 2014", "w/2014-25/") and found[0].newer is None
    assert [w.name for w in finished(found, lists)] == ["2014-W25"]
    assert weeks(lists, None) == []


def test_tallies_count_events_busiest_first_and_keep_missing_figures_apart():
    from tracker.model.record import EventFact
    from tracker.model.terms import TermLink

    links = {
        k: TermLink(kind, k, k.title(), k, f"{k}/", True)
        for kind, k in (("province", "anbar"), ("province", "diyala"))
    }
    heads = [
        head_on(
            "2014-06-16",
            events=(
                EventFact("2014-06-16", "battles", "anbar", None, ("isis",), 5),
                EventFact("2014-06-16", "battles", "diyala", None, ("isis",), None),
            ),
        ),
        head_on(
            "2014-06-17",
            events=(
                EventFact("2014-06-17", "battles", "diyala", None, (), 2),
                EventFact("2014-06-17", "battles", "nowhere", None, (), 2),
            ),
        ),
    ]
    found = tallies(heads, "province", links)
    assert [(t.link.name, t.events, t.fatalities) for t in found] == [
        ("Diyala", 2, Fatalities(2, 2, 1)),
        ("Anbar", 1, Fatalities(5, 1, 0)),
    ]


def test_the_subscribe_page_offers_the_weekly_feed(built):
    links = [a["href"] for a in built.html("feeds/index.html").select("main a")]
    assert "http://127.0.0.1:8000/weeks/rss.xml" in links and "http://127.0.0.1:8000/weeks/atom.xml" in links
