"""Feeds of real sites, read back with feedparser, and the pages that advertise them."""

import re
import xml.etree.ElementTree as ET

import feedparser
import pytest

from conftest import built_once, entry

BASE = "http://127.0.0.1:8000"
HOSTILE = '<script>alert(1)</script> & "quoted" Mosul'


def write_fixture(site):
    site.write(
        "entries/2014-06-01-anbar.md",
        entry(title="Anbar one", date="2014-06-01", provinces="[Al Anbar]", actors="[ISIL]"),
    )
    site.write(
        "entries/2014-06-02-mosul.md",
        entry(
            title="Mosul two",
            date="2014-06-02 10:30",
            provinces="[Nineveh, anbar]",
            actors="[Daesh, Peshmerga]",
            updated="2014-06-04",
            correction="The number of *displaced* was wrong.",
            covers="2014-06-01/2014-06-02",
            sources='["Provincial council <https://example.org/council?a=1&b=2>", "A witness"]',
            summary="A *short* summary.",
            body="Full **body** text.",
        ),
    )
    site.write(
        "entries/2014-06-03-kirkuk.md",
        entry(title="Kirkuk three", date="2014-06-03", provinces="[Ta'mim]", actors="[Peshmerga]"),
    )
    site.write(
        "entries/2014-06-04-hostile.md",
        entry(title="'" + HOSTILE.replace("'", "''") + "'", date="2014-06-04", provinces="[Ninewa]"),
    )
    site.write(
        "entries/2014-06-05-draft.md",
        entry(title="Draft entry", date="2014-06-05", status="draft", provinces="[Anbar]", actors="[ISIS]"),
    )
    site.write(
        "entries/2014-06-06-hidden.md",
        entry(title="Hidden entry", date="2014-06-06", status="hidden", provinces="[Anbar]", actors="[ISIS]"),
    )
    site.write(
        "entries/2014-06-07-typo.md", entry(title="Typo entry", date="2014-06-07", provinces="[Anbarr]")
    )


def parse(site, relative):
    feed = feedparser.parse((site.output / relative).read_bytes())
    assert not feed.bozo, (relative, feed.get("bozo_exception"))
    return feed


def titles(feed):
    return [item.title for item in feed.entries]


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The fixture site, built once for the tests that only read what was written."""
    return built_once(tmp_path_factory, "feeds", write_fixture)


def test_every_feed_parses_and_holds_exactly_its_entries(built):
    site, result = built, built.result
    assert result.returncode == 0, result.stderr
    feeds = sorted(
        p.relative_to(site.output).as_posix() for p in site.output.rglob("*.xml") if p.name != "sitemap.xml"
    )
    assert feeds == sorted(
        ["rss.xml", "atom.xml", "weeks/rss.xml", "weeks/atom.xml"]
        + [
            f"{kind}/{slug}/{fmt}.xml"
            for kind, slug in (
                ("provinces", "anbar"),
                ("provinces", "ninewa"),
                ("provinces", "kirkuk"),
                ("actors", "isis"),
                ("actors", "peshmerga"),
            )
            for fmt in ("rss", "atom")
        ]
    )  # no feed for unknown terms, none for terms without entries
    for relative in feeds:
        text = parse(site, relative)
        assert "Draft entry" not in titles(text) and "Hidden entry" not in titles(text)
    assert titles(parse(site, "rss.xml")) == ["Typo entry", HOSTILE, "Kirkuk three", "Mosul two", "Anbar one"]
    for fmt in ("rss", "atom"):
        assert titles(parse(site, f"provinces/anbar/{fmt}.xml")) == ["Mosul two", "Anbar one"]
        assert titles(parse(site, f"provinces/ninewa/{fmt}.xml")) == [HOSTILE, "Mosul two"]
        assert titles(parse(site, f"actors/isis/{fmt}.xml")) == ["Mosul two", "Anbar one"]
        assert titles(parse(site, f"actors/peshmerga/{fmt}.xml")) == ["Kirkuk three", "Mosul two"]


def test_items_carry_links_ids_dates_authors_content_and_categories(built):
    site = built
    permalink = f"{BASE}/2014/06/02/mosul/"
    rss = {item.title: item for item in parse(site, "rss.xml").entries}["Mosul two"]
    atom = {item.title: item for item in parse(site, "atom.xml").entries}["Mosul two"]
    assert rss.link == atom.link == rss.id == atom.id == permalink
    assert f'<guid isPermaLink="true">{permalink}</guid>' in (site.output / "rss.xml").read_text(
        encoding="utf-8"
    )
    assert rss.published == "Mon, 02 Jun 2014 10:30:00 +0300"
    assert atom.published == "2014-06-02T10:30:00+03:00" and atom.updated == "2014-06-04T12:00:00+03:00"
    assert rss.author == atom.author == "Tracker desk"
    assert "<em>short</em>" in rss.summary and "<em>short</em>" in atom.summary
    assert (
        "<strong>body</strong>" in rss.content[0].value and "<strong>body</strong>" in atom.content[0].value
    )
    categories = [(tag.term, tag.scheme) for tag in rss.tags]
    assert categories == [
        ("Ninewa", f"{BASE}/provinces/"),
        ("Anbar", f"{BASE}/provinces/"),
        ("ISIS", f"{BASE}/actors/"),
        ("Peshmerga", f"{BASE}/actors/"),
    ]
    assert [(t.term, t.scheme) for t in atom.tags] == categories
    channel = parse(site, "provinces/anbar/rss.xml").feed
    assert channel.link == f"{BASE}/provinces/anbar/" and channel.title == "Iraq Daily Tracker: Anbar"


def test_feeds_are_deterministic_and_dated_by_their_newest_item(site, tmp_path):
    write_fixture(site)
    assert site.build().returncode == 0
    first = {p.relative_to(site.output): p.read_bytes() for p in site.output.rglob("*") if p.is_file()}
    site.output = tmp_path / "second"
    assert site.build().returncode == 0
    second = {p.relative_to(site.output): p.read_bytes() for p in site.output.rglob("*") if p.is_file()}
    assert first.keys() == second.keys()
    assert [path for path in first if first[path] != second[path]] == []
    rss = parse(site, "provinces/anbar/rss.xml").feed
    assert rss.updated == "Wed, 04 Jun 2014 12:00:00 +0300"  # the newest item's `updated`, not the clock


def test_hostile_title_is_escaped_once_everywhere(built):
    site = built
    raw = (site.output / "rss.xml").read_text(encoding="utf-8")
    assert '&lt;script&gt;alert(1)&lt;/script&gt; &amp; "quoted" Mosul' in raw
    assert "&amp;lt;" not in raw and "<script>" not in raw
    assert HOSTILE in titles(parse(site, "atom.xml"))
    page = site.html("2014/06/04/hostile/index.html")
    assert page.h1.get_text() == HOSTILE
    assert [(s.get("src", ""), s.string) for s in page.find_all("script")] == [
        ("../../../../theme/js/copy-link.js", None)
    ]  # the theme's own script only
    assert HOSTILE in [
        a.get_text() for a in site.html("provinces/ninewa/index.html").select("ol.entries .entry-title a")
    ]


def test_feed_max_items_and_summary_only_feeds(site):
    write_fixture(site)
    assert site.build("-e", "FEED_MAX_ITEMS=2", "TRACKER_FEED_FULL_CONTENT=false").returncode == 0
    feed = parse(site, "rss.xml")
    assert titles(feed) == ["Typo entry", HOSTILE]
    assert all("content" not in item for item in feed.entries)


def test_every_page_advertises_existing_feeds_own_feeds_first(built):
    site = built
    site_feeds = [
        ("application/rss+xml", f"{BASE}/rss.xml"),
        ("application/atom+xml", f"{BASE}/atom.xml"),
        ("application/feed+json", f"{BASE}/feed.json"),
    ]
    pages = sorted(p.relative_to(site.output).as_posix() for p in site.output.rglob("*.html"))
    assert "provinces/anbar/index.html" in pages and "provinces/anbarr/index.html" in pages
    for relative in pages:
        head = site.html(relative).head
        links = [(link["type"], link["href"]) for link in head.find_all("link", rel="alternate")]
        match = re.match(r"(provinces|actors|weeks)/[^/]+/", relative)
        own = []
        if match and match.group(1) == "weeks":  # a week page: the weekly feed
            own = [
                ("application/rss+xml", f"{BASE}/weeks/rss.xml"),
                ("application/atom+xml", f"{BASE}/weeks/atom.xml"),
            ]
        elif match and (site.output / match.group(0) / "rss.xml").is_file():
            own = [
                ("application/rss+xml", f"{BASE}/{match.group(0)}rss.xml"),
                ("application/atom+xml", f"{BASE}/{match.group(0)}atom.xml"),
            ]
        assert links == own + site_feeds, relative
        for _, href in links:
            assert (site.output / href.removeprefix(BASE + "/")).is_file(), (relative, href)


def test_subscribe_page_and_opml_list_every_feed(built):
    site = built
    opml = ET.parse(site.output / "feeds.opml").getroot()
    groups = {group.get("text"): [o.get("xmlUrl") for o in group] for group in opml.find("body")}
    assert groups == {
        "Site": [f"{BASE}/rss.xml"],
        "Provinces": [f"{BASE}/provinces/{s}/rss.xml" for s in ("anbar", "kirkuk", "ninewa")],
        "Actors": [f"{BASE}/actors/{s}/rss.xml" for s in ("isis", "peshmerga")],
    }
    for urls in groups.values():
        for url in urls:
            assert (site.output / url.removeprefix(BASE + "/")).is_file()
    page = site.html("feeds/index.html")
    rows = {row.th.get_text(): row.select_one(".count").get_text() for row in page.select("main tbody tr")}
    assert rows == {"Anbar": "2", "Kirkuk": "1", "Ninewa": "2", "ISIS": "2", "Peshmerga": "2"}


def test_strict_build_needs_an_absolute_address(site):
    write_fixture(site)
    site.write(
        "entries/2014-06-07-typo.md", entry(title="Typo entry", date="2014-06-07", provinces="[Anbar]")
    )
    result = site.build("-e", "TRACKER_STRICT=true", 'FEED_DOMAIN=""', 'SITEURL="/tracker"')
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert (
        "settings: error: SITEURL (or FEED_DOMAIN) '/tracker' is not an absolute http(s) address"
        in result.stderr
    )
    result = site.build("-e", 'FEED_DOMAIN=""')
    assert result.returncode == 0 and "settings: warning: SITEURL (or FEED_DOMAIN) ''" in result.stderr
    assert not list(site.output.rglob("*.xml"))  # no feeds, and no sitemap without an absolute address
    assert site.html("index.html").head.find("link", rel="alternate") is None  # nothing links a missing feed


def test_a_date_only_entry_is_dated_noon_in_the_site_zone_so_its_day_holds_west_of_it(built):
    rss = {item.title: item for item in parse(built, "rss.xml").entries}
    assert rss["Anbar one"].published == "Sun, 01 Jun 2014 12:00:00 +0300"
    page = built.html("2014/06/01/anbar/index.html")
    assert "12:00" not in page.select_one("main").get_text()  # a day given alone is shown as a day
    assert page.select_one("p.byline time")["datetime"] == "2014-06-01"


def test_items_carry_the_coverage_sources_and_correction_in_both_formats(built):
    for fmt in ("rss", "atom"):
        item = {i.title: i for i in parse(built, f"{fmt}.xml").entries}["Mosul two"]
        content = item.content[0].value
        assert "Covering 1 June 2014 to 2 June 2014." in content
        assert '<a href="https://example.org/council?a=1&amp;b=2">Provincial council</a>' in content
        assert "<li>A witness</li>" in content
        assert "Correction, 4 June 2014:</strong> The number of *displaced* was wrong." in content
        plain = {i.title: i for i in parse(built, f"{fmt}.xml").entries}["Kirkuk three"].content[0].value
        assert "Covering" not in plain and "Sources" not in plain and "Correction" not in plain


def test_a_term_feed_gives_its_items_their_own_guids_and_the_site_feed_the_permalinks(built):
    permalink = f"{BASE}/2014/06/02/mosul/"
    site_ids = {i.title: i.id for i in parse(built, "rss.xml").entries}
    anbar = {i.title: i for i in parse(built, "provinces/anbar/rss.xml").entries}
    isis = {i.title: i for i in parse(built, "actors/isis/atom.xml").entries}
    assert site_ids["Mosul two"] == permalink
    assert anbar["Mosul two"].id == permalink + "#province-anbar" and anbar["Mosul two"].link == permalink
    assert isis["Mosul two"].id == permalink + "#actor-isis" and isis["Mosul two"].link == permalink
    text = (built.output / "provinces/anbar/rss.xml").read_text(encoding="utf-8")
    assert f'<guid isPermaLink="false">{permalink}#province-anbar</guid>' in text
