"""A term at a glance: its last 7 days and its month so far, and entries and events under their months."""

import datetime as dt

import pytest

from conftest import built_once, entry, head_on
from tracker.model.figures import Fatalities
from tracker.model.glance import glances, windows
from tracker.model.lists import SiteLists
from tracker.model.periods import month_groups
from tracker.model.record import EventFact


def fact(day, province, actors=(), fatalities=None):
    return EventFact(day, "battles", province, None, tuple(actors), fatalities)


def test_the_windows_end_on_the_newest_entry_and_compare_like_with_like():
    assert windows(dt.date(2014, 7, 30)) == [
        (dt.date(2014, 7, 24), dt.date(2014, 7, 30)),
        (dt.date(2014, 7, 17), dt.date(2014, 7, 23)),
        (dt.date(2014, 7, 1), dt.date(2014, 7, 30)),
        (dt.date(2014, 6, 1), dt.date(2014, 6, 30)),  # June has no 30 July: to its last day
    ]
    assert windows(dt.date(2015, 3, 31))[3] == (dt.date(2015, 2, 1), dt.date(2015, 2, 28))


def test_a_glance_counts_entries_by_their_day_and_events_by_the_day_each_happened():
    heads = [
        head_on("2014-06-10", ["anbar"], ["isis"], (fact("2014-06-10", "anbar", ["isis"], 4),)),
        head_on("2014-07-20", ["anbar"], ["isis"], (fact("2014-07-20", "anbar", ["isis"], 2),)),
        # reported on the 30th, happened on the 22nd: counts in the 7 days before
        head_on(
            "2014-07-30",
            ["anbar", "diyala"],
            [],
            (fact("2014-07-22", "diyala", [], None), fact("2014-07-29", "anbar", [], 5)),
        ),
    ]
    found = glances(SiteLists(lambda s: s).build(heads))
    anbar = found[("province", "anbar")]
    assert (anbar.week.entries, anbar.week.events, anbar.week.fatalities) == (1, 1, Fatalities(5, 1, 0))
    assert (anbar.week.entries_before, anbar.week.events_before) == (1, 1)
    assert anbar.week.trend == "same" and anbar.week.label == "Last 7 days"
    assert (anbar.month.label, anbar.month.before) == ("July 2014 so far", "the same days of June 2014")
    assert (anbar.month.entries, anbar.month.events, anbar.month.events_before) == (2, 2, 1)
    assert anbar.month.trend == "up"
    diyala = found[("province", "diyala")]
    assert (diyala.week.events, diyala.week.events_before, diyala.week.trend) == (0, 1, "down")
    assert diyala.week.entries == 1 and not diyala.week.fatalities.known
    assert found[("actor", "isis")].week.events == 0 and found[("actor", "isis")].week.events_before == 1


def test_a_term_quiet_for_months_has_no_glance_and_an_empty_site_none():
    heads = [head_on("2014-01-02", ["kirkuk"]), head_on("2014-07-30", ["anbar"])]
    found = glances(SiteLists(lambda s: s).build(heads))
    assert ("province", "kirkuk") not in found and ("province", "anbar") in found
    assert glances(SiteLists(lambda s: s)) == {}


def test_entries_fall_under_their_months_newest_first():
    heads = [head_on(d) for d in ("2014-07-30", "2014-07-01", "2014-06-30", "2013-06-30")]
    assert [(label, [h.path for h in group]) for label, group in month_groups(heads, lambda h: h.date)] == [
        ("July 2014", ["2014-07-30", "2014-07-01"]),
        ("June 2014", ["2014-06-30"]),
        ("June 2013", ["2013-06-30"]),
    ]


EVENT = """
  - type: battles
    province: {province}
    actors: [ISIS]
    fatalities: {n}"""


def write_fixture(site):
    for day, province, n in (
        ("2014-06-20", "Anbar", 7),
        ("2014-07-10", "Anbar", 3),
        ("2014-07-28", "Anbar", 2),
        ("2014-07-30", "Ninewa", 1),
    ):
        site.write(
            f"entries/{day}.md",
            entry(
                f"Brief {day}",
                day,
                provinces=f"[{province}]",
                actors="[ISIS]",
                events=EVENT.format(province=province, n=n),
            ),
        )
    site.write("entries/2014-01-05.md", entry("Old Kirkuk brief", "2014-01-05", provinces="[Kirkuk]"))


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    return built_once(tmp_path_factory, "glance", write_fixture)


def test_a_term_page_says_this_week_and_this_month_before_its_entries(built):
    soup = built.html("provinces/anbar/index.html")
    glance = soup.select_one("header .glance")
    rows = {d.dt.get_text(strip=True): " ".join(d.dd.get_text().split()) for d in glance.select("dl > div")}
    assert rows == {
        "Last 7 days": "1 event, 1 entry, 2 fatalities ▲ up from 0 in the 7 days before",
        "July 2014 so far": "2 events, 2 entries, 5 fatalities ▲ up from 1 in the same days of June 2014",
    }
    assert glance.find_next("section", class_="term-entries") is not None  # before the entries
    quiet = built.html("provinces/kirkuk/index.html").select_one("header .glance")
    assert "No entry and no event in the last 7 days or this month." in quiet.get_text()


def test_a_term_page_groups_its_entries_and_events_under_months(built):
    soup = built.html("actors/isis/index.html")
    entries = soup.select_one(".term-entries")
    assert [h.get_text() for h in entries.select("h3.month")] == ["July 2014", "June 2014"]
    july = entries.select("h3.month")[0].find_next_sibling("ol")
    assert [h.get_text(strip=True) for h in july.select("h4")] == [
        "Brief 2014-07-30",
        "Brief 2014-07-28",
        "Brief 2014-07-10",
    ]
    groups = soup.select("table.events tbody")
    assert [g.select_one("tr.month th").get_text() for g in groups] == ["July 2014", "June 2014"]
    assert [len(g.select("tr")) - 1 for g in groups] == [3, 1]


def test_a_new_entry_elsewhere_rerenders_only_the_terms_whose_glance_changed(site):
    write_fixture(site)
    assert site.build().returncode == 0
    kirkuk = (site.output / "provinces/kirkuk/index.html").stat().st_mtime_ns
    anbar = (site.output / "provinces/anbar/index.html").read_text()
    site.write("entries/2014-07-31.md", entry("Brief 2014-07-31", "2014-07-31", provinces="[Ninewa]"))
    assert site.build().returncode == 0
    assert (site.output / "provinces/kirkuk/index.html").stat().st_mtime_ns == kirkuk  # quiet: untouched
    # Anbar's last 7 days (25-31 July) still hold its 28 July: its glance, and its page, are unchanged.
    assert (site.output / "provinces/anbar/index.html").read_text() == anbar
    site.write("entries/2014-08-05.md", entry("Brief 2014-08-05", "2014-08-05", provinces="[Ninewa]"))
    assert site.build().returncode == 0
    after = site.html("provinces/anbar/index.html").select_one("header .glance").get_text(" ", strip=True)
    assert "August 2014 so far" in after and "0 events" in after
