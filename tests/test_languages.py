"""Languages: the theme's words from gettext catalogues, dates and numbers by locale, right to
left, vocabulary names per language, and a bilingual site (each language's pages, feeds, sitemap
and search apart, translations linked both ways)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import urljoin

import feedparser
import pytest
import yaml
from bs4 import BeautifulSoup

from conftest import ROOT, Site, built_once, entry, head_on
from test_browser import browser  # noqa: F401 - a fixture: the browser tests' Chromium
from tracker.model import language
from tracker.model.language import Language, catalogue_problems, language_problems
from tracker.model.translations import alternates, retranslated, translations
from tracker.model.vocabulary import load_vocabulary
from tracker.problems import Reporter


@pytest.fixture(autouse=True)
def english_afterwards():
    """A build makes its language the one in use: the tests after these start from English."""
    yield
    language.use(language.ENGLISH)


# Dates, numbers, words


def test_dates_follow_the_locale_the_site_chooses_for_a_language():
    day = dt.date(2014, 6, 21)
    assert Language.of("ar", "ar_IQ").day(day) == "21 حزيران 2014"  # Iraq's and the Levant's months
    assert Language.of("ar").day(day) == "21 يونيو 2014"  # elsewhere
    assert Language.of("uk").day(day) == "21 червня 2014"
    assert Language.of("uk").month(day) == "червень 2014"  # a month standing alone
    assert Language.of("en").day(day) == "21 June 2014"
    assert Language.of("ar", "ar_IQ", "native").day(day) == "٢١ حزيران ٢٠١٤"


def test_numbers_take_the_locale_s_separators_and_the_chosen_digits():
    assert Language.of("en").number(12345) == "12,345"
    assert Language.of("uk").number(12345) == "12\u00a0345"
    assert Language.of("ar", "ar_IQ").number(12345) == "12,345"
    assert Language.of("ar", "ar_IQ", "native").number(12345) == "١٢٬٣٤٥"


def test_the_shipped_catalogues_translate_every_word_of_the_theme():
    catalogues = str(ROOT / "theme" / "translations")
    for code in ("ar", "uk"):
        found = Language.of(code, catalogues=catalogues)
        assert found.catalogue, code
        assert found.missing == (), f"{code}: {found.missing[:5]}"
        assert found.gettext("Skip to content") != "Skip to content"
    # Plurals by the language's rules: Arabic's six forms, Ukrainian's three.
    ar = Language.of("ar", catalogues=catalogues)
    forms = [ar.ngettext("%(n)s entry", "%(n)s entries", n) % {"n": n} for n in (1, 2, 3, 11, 100)]
    assert forms == ["1 تقرير", "2 تقريران", "3 تقارير", "11 تقريرًا", "100 تقرير"]
    uk = Language.of("uk", catalogues=catalogues)
    forms = [uk.ngettext("%(n)s entry", "%(n)s entries", n) % {"n": n} for n in (1, 2, 5, 21)]
    assert forms == ["1 запис", "2 записи", "5 записів", "21 запис"]


def test_a_word_a_catalogue_leaves_untranslated_is_listed_at_its_line(tmp_path):
    folder = tmp_path / "fr" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    (folder / "messages.po").write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=utf-8\\n"\n\n'
        'msgid "Archives"\nmsgstr "Archives"\n\nmsgid "Subscribe"\nmsgstr ""\n',
        encoding="utf-8",
    )
    found = Language.of("fr", catalogues=str(tmp_path))
    assert found.gettext("Subscribe") == "Subscribe"  # English stands in
    assert language_problems(found) == [
        (str(folder / "messages.po"), 8, "not translated, shown in English: 'Subscribe'")
    ]
    # A translation that would break its page (a misspelt placeholder, a stray %) is left out.
    (folder / "messages.po").write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=utf-8\\n"\n\n'
        '#, python-format\nmsgid "Week %(number)s, %(year)s"\nmsgstr "Semaine %(numbr)s, %(year)s"\n\n'
        'msgid "Search"\nmsgstr "Recherche 100%"\n',
        encoding="utf-8",
    )
    broken = Language.of("fr", catalogues=str(tmp_path))
    assert broken.gettext("Search") == "Search" and broken.gettext("Week %(number)s, %(year)s").startswith(
        "Week"
    )
    assert [(line, text.split(":")[0]) for _, line, text in catalogue_problems(broken)] == [
        (6, "translation left out, shown in English"),
        (9, "translation left out, shown in English"),
    ]
    assert language_problems(Language.of("de", catalogues=str(tmp_path))) == [
        ("settings", 0, "the theme has no catalogue for 'de': its words are in English")
    ]


# Vocabulary names


def test_a_term_s_name_in_the_site_s_language_shows_and_every_name_resolves(tmp_path):
    path = tmp_path / "provinces.yaml"
    path.write_text('- name: Anbar\n  names: {ar: "الأنبار", uk: "Анбар"}\n  aliases: [Al Anbar]\n', "utf-8")
    for code, shown in (("en", "Anbar"), ("ar", "الأنبار"), ("uk", "Анбар")):
        reporter = Reporter([])
        vocabulary = load_vocabulary(str(path), "province", reporter, str.lower, code)
        assert reporter.problems == []
        (term,) = vocabulary.terms
        assert (term.name, term.slug, term.key) == (shown, "anbar", "anbar")  # the URL stays
        for spelling in ("Anbar", "الأنبار", "Анбар", "al anbar"):
            assert vocabulary.resolve(spelling) is term


def test_names_that_are_not_a_mapping_of_names_are_an_error_at_their_line(tmp_path):
    path = tmp_path / "provinces.yaml"
    path.write_text("- name: Anbar\n  names: [الأنبار]\n- name: Ninewa\n  names: {ar: [a, b]}\n", "utf-8")
    reporter = Reporter([])
    load_vocabulary(str(path), "province", reporter, str.lower, "ar")
    assert [(p.line, p.severity) for p in reporter.problems] == [(2, "error"), (4, "error")]


# Translations (the model)


def test_entries_with_one_slug_are_translations_and_each_links_the_others():
    en = dataclasses.replace(head_on("2014-06-21"), slug="qaim", url="2014/06/21/qaim/")
    ar = dataclasses.replace(en, path="ar-qaim.md", lang="ar")
    alone = dataclasses.replace(head_on("2014-06-22"), slug="mosul", url="2014/06/22/mosul/", lang="ar")
    found = translations([en, ar, alone], "en")
    assert found["qaim"] == {"ar": "2014/06/21/qaim/", "en": "2014/06/21/qaim/"}
    assert retranslated(translations([en], "en"), found, [en], "en") == {en.path}
    assert retranslated(found, found, [en], "en") == set()
    (other,) = alternates(("en", "ar"), "en", "https://x.org", {"ar": "2014/06/21/qaim/"})
    assert (other.code, other.name, other.same) == ("ar", "العربية", True)
    assert (other.href, other.absolute) == ("ar/2014/06/21/qaim/", "https://x.org/ar/2014/06/21/qaim/")
    (back,) = alternates(("en", "ar"), "ar", "https://x.org", {})  # no translation: the home stands in
    assert (back.href, back.absolute, back.same) == ("../", "https://x.org/", False)


# A bilingual site

PROVINCES = """\
- name: Anbar
  names: {ar: "الأنبار"}
  iso: IQ-AN
- name: Ninewa
  names: {ar: "نينوى"}
  aliases: [Nineveh]
"""
ACTORS = """\
- name: ISIS
  names: {ar: "تنظيم الدولة الإسلامية"}
  aliases: [ISIL, داعش]
  kind: insurgent
- name: ISF
  names: {ar: "القوات الأمنية العراقية"}
  kind: state
"""
ARABIC_SETTINGS = {
    "SITENAME": "متابعة العراق",
    "SITESUBTITLE": "موجز أمني يومي",
    "AUTHOR": "فريق المتابعة",
    "TRACKER_LICENSE": "رخصة المشاع الإبداعي، نَسب المُصنَّف 4.0 دولي",
}
OPTIONS = (
    "-e",
    'TRACKER_LANGUAGES=["en", "ar"]',
    'TRACKER_LOCALES={"ar": "ar_IQ"}',
    "TRACKER_LANGUAGE_SETTINGS=" + json.dumps({"ar": ARABIC_SETTINGS}),
    'TRACKER_MAP=""',
    'FEED_DOMAIN="https://tracker.example"',
)
EVENT_EN = "\n  - type: battle\n    province: Anbar\n    actors: [ISIS, ISF]\n    fatalities: 21"
EVENT_AR = (
    "\n  - type: battle\n    province: الأنبار"
    "\n    actors: [داعش, القوات الأمنية العراقية]\n    fatalities: 21"
)


def write_bilingual(site: Site) -> None:
    site.write("data/provinces.yaml", PROVINCES)
    site.write("data/actors.yaml", ACTORS)
    site.write(
        "entries/2014/2014-06-21-qaim.md",
        entry(
            "Insurgents take al-Qaim",
            "2014-06-21",
            "Fighting at the border.",
            provinces="[Anbar]",
            actors="[ISIS, ISF]",
            events=EVENT_EN,
        ),
    )
    site.write(
        "entries/2014/ar/2014-06-21-qaim.md",
        entry(
            "المسلحون يسيطرون على القائم",
            "2014-06-21",
            "قتال عند الحدود مع سوريا.",
            slug="qaim",
            lang="ar",
            provinces="[الأنبار]",
            actors="[داعش, القوات الأمنية العراقية]",
            events=EVENT_AR,
        ),
    )
    site.write(
        "entries/2014/ar/2014-06-23-mosul.md",
        entry(
            "هدوء حذر في المَوْصِل",
            "2014-06-23",
            "عاد الهدوء إلى أحياء المَوْصِل الشرقية بعد ليلة من القصف.",
            lang="ar",
            provinces="[نينوى]",
            actors="[داعش]",
        ),
    )
    site.write(
        "entries/2014/2014-06-24-kirkuk.md",
        entry("Quiet in Ninewa", "2014-06-24", "A quiet day.", provinces="[Nineveh]", actors="[ISF]"),
    )


@pytest.fixture(scope="module")
def bilingual(tmp_path_factory) -> Site:
    site = built_once(tmp_path_factory, "bilingual", write_bilingual)
    result = site.build(*OPTIONS)
    assert result.returncode == 0, result.stderr
    assert "ar/: Done: 2 entries published" in result.stdout + result.stderr
    return site


def links(page, selector="link[hreflang]") -> dict[str, str]:
    return {tag["hreflang"]: tag["href"] for tag in page.select(selector)}


def test_each_language_s_pages_are_apart_and_right_to_left_where_the_language_is(bilingual):
    ar, en = bilingual.html("ar/index.html"), bilingual.html("index.html")
    assert (ar.html["lang"], ar.html["dir"]) == ("ar", "rtl")
    assert (en.html["lang"], en.html["dir"]) == ("en", "ltr")
    assert ar.select_one(".site-name").get_text() == "متابعة العراق"
    titles = [a.get_text() for a in ar.select("main .entry-title a, main .headline a")]
    assert "هدوء حذر في المَوْصِل" in titles and not any("Quiet" in t for t in titles)
    assert not (bilingual.output / "ar/2014/06/24").exists()  # an English entry is not in Arabic
    assert not (bilingual.output / "2014/06/23").exists()  # nor an Arabic one in English


def test_translations_link_each_other_both_ways_and_the_sitemap_says_so(bilingual):
    base = "https://tracker.example"
    ar = bilingual.html("ar/2014/06/21/qaim/index.html")
    en = bilingual.html("2014/06/21/qaim/index.html")
    pair = {"ar": f"{base}/ar/2014/06/21/qaim/", "en": f"{base}/2014/06/21/qaim/"}
    assert links(ar) == pair == links(en)
    assert [(a["hreflang"], a.get_text()) for a in en.select("nav.languages a")] == [("ar", "العربية")]
    assert en.select_one("nav.languages a")["href"].endswith("/ar/2014/06/21/qaim/")
    # An entry without a translation has no alternate; its switch leads to the other home.
    alone = bilingual.html("ar/2014/06/23/mosul/index.html")
    assert links(alone) == {}
    assert alone.select_one("nav.languages a")["href"].rstrip("/").endswith("..")
    # The pages every language has pair up too.
    assert links(bilingual.html("ar/provinces/anbar/index.html")) == {
        "ar": f"{base}/ar/provinces/anbar/",
        "en": f"{base}/provinces/anbar/",
    }
    namespace = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}
    for folder in ("", "ar/"):
        tree = ET.parse(bilingual.output / folder / "sitemap.xml")
        for url in tree.getroot().findall("s:url", namespace):
            if url.findtext("s:loc", namespaces=namespace).endswith("2014/06/21/qaim/"):
                found = {x.get("hreflang"): x.get("href") for x in url.findall("x:link", namespace)}
                assert found == pair
                break
        else:
            pytest.fail(f"{folder}sitemap.xml does not list the entry")


def test_arabic_pages_carry_arabic_dates_and_names_and_no_english_word_of_the_theme(bilingual):
    page = bilingual.html("ar/2014/06/21/qaim/index.html")
    text = page.select_one("main").get_text(" ", strip=True)
    assert "21 حزيران 2014" in text
    assert "الأنبار" in text and "تنظيم الدولة الإسلامية" in text
    assert "Anbar" not in text and "ISIS" not in text
    leaks = {}
    for path in sorted((bilingual.output / "ar").rglob("*.html")):
        words = english_words(bilingual.html(str(path.relative_to(bilingual.output))))
        if words:
            leaks[str(path.relative_to(bilingual.output))] = sorted(words)[:10]
    assert leaks == {}


# Words a page may show in Latin letters whatever its language: formats, names of standards and
# tools, and what a code block or an address says.
LATIN_ALLOWED = {
    "RSS", "Atom", "JSON", "Feed", "CSV", "UTF", "RFC", "OPML", "ISO", "ACLED", "pandas", "R",
    "Excel", "LibreOffice", "Wikidata", "null", "UTC", "YYYY", "MM", "DD", "JavaScript", "URL",
    # values the data files hold, which the data page quotes
    "Battles", "Armed", "clash", "reported", "confirmed", "disputed",
}  # fmt: skip


def english_words(page) -> set[str]:
    """The Latin-letter words a page shows or says to assistive technology, outside code and
    addresses."""
    page = BeautifulSoup(str(page), "html.parser")
    # (A term's other names, in any language, and its ISO code are the vocabulary's, not the theme's.)
    for tag in page.select(
        "code, pre, script, style, a.copy-link, [lang]:not(html), .aliases, .aliases-cell"
    ):
        tag.decompose()
    texts = [page.get_text(" ")]
    for attribute in ("aria-label", "title", "placeholder", "alt", "data-label"):
        texts += [tag[attribute] for tag in page.select(f"[{attribute}]")]
    # A token with a digit, "_", "." or "-" inside is an identifier, a file name or a code
    # (events_without_figure, events.csv, IQ-AN), not a word.
    words = set(re.findall(r"[A-Za-z][\w.-]*[A-Za-z0-9]", " ".join(texts)))
    return {w for w in words if w not in LATIN_ALLOWED and not re.search(r"[\d_.-]", w)}


def test_an_arabic_entry_tagged_with_arabic_names_lands_on_its_terms_pages(bilingual):
    anbar = bilingual.html("ar/provinces/anbar/index.html")
    assert anbar.select_one("h1").get_text() == "الأنبار"
    assert [a.get_text() for a in anbar.select(".term-entries .entry-title a")] == [
        "المسلحون يسيطرون على القائم"
    ]
    ninewa = bilingual.html("ar/provinces/ninewa/index.html")
    assert [a.get_text() for a in ninewa.select(".term-entries .entry-title a")] == ["هدوء حذر في المَوْصِل"]
    isis = bilingual.html("ar/actors/isis/index.html")
    assert len(isis.select(".term-entries .entry-title a")) == 2
    english = bilingual.html("provinces/ninewa/index.html")
    assert [a.get_text() for a in english.select(".term-entries .entry-title a")] == ["Quiet in Ninewa"]


def test_each_language_s_feeds_hold_its_entries_only(bilingual):
    for folder, lang, titles in (
        ("", "en", {"Insurgents take al-Qaim", "Quiet in Ninewa"}),
        ("ar/", "ar", {"المسلحون يسيطرون على القائم", "هدوء حذر في المَوْصِل"}),
    ):
        for name in ("rss.xml", "atom.xml"):
            feed = feedparser.parse((bilingual.output / folder / name).read_bytes())
            assert not feed.bozo, (folder, name, feed.get("bozo_exception"))
            assert {e.title for e in feed.entries} == titles
            assert feed.feed.get("language", lang) == lang
            assert all(e.link.startswith(f"https://tracker.example/{folder}") for e in feed.entries)
        rss = ET.parse(bilingual.output / folder / "rss.xml").getroot()
        assert rss.findtext("channel/language") == lang
        json_feed = json.loads((bilingual.output / folder / "feed.json").read_text("utf-8"))
        assert {i["title"] for i in json_feed["items"]} == titles and json_feed["language"] == lang


def test_each_language_has_its_own_search_index(bilingual):
    for folder, lang in (("", "en"), ("ar/", "ar")):
        shards = sorted((bilingual.output / folder / "pagefind").glob("*/pagefind-entry.json"))
        assert shards, folder
        for shard in shards:
            assert list(json.loads(shard.read_text())["languages"]) == [lang], shard


def test_a_language_without_a_catalogue_is_said_by_make_check(tmp_path):
    site = Site(tmp_path)
    site.write("entries/2014/2014-06-21-a.md", entry())
    result = site.build("-e", 'DEFAULT_LANG="de"', "TRACKER_CHECK=true")
    assert "settings: info: the theme has no catalogue for 'de': its words are in English" in result.stderr
    result = site.build("-e", 'DEFAULT_LANG="ar"', "TRACKER_CHECK=true")
    assert "not translated" not in result.stderr and "no catalogue" not in result.stderr


def test_an_entry_in_a_language_the_site_does_not_have_is_an_error_at_its_line(tmp_path):
    site = Site(tmp_path)
    path = site.write("entries/2014/2014-06-21-a.md", entry(lang="fr"))
    result = site.build(*OPTIONS)
    assert (
        f"{Path(path).relative_to(tmp_path)}:4: error: lang: unknown language 'fr' "
        "(this site's languages: en, ar; TRACKER_LANGUAGES lists them)"
    ) in result.stderr


# In Chromium: right to left, accessibility, search

ARABIC_PAGES = {"home": "ar/", "entry": "ar/2014/06/21/qaim/", "province": "ar/provinces/anbar/"}


@pytest.fixture(scope="module")
def served_bilingual(bilingual):
    from test_search import serving

    with serving(bilingual.output) as base:
        yield base


@pytest.mark.parametrize("scheme", ("light", "dark"))
@pytest.mark.parametrize("width", (390, 1280))
@pytest.mark.parametrize("name", list(ARABIC_PAGES))
def test_arabic_pages_fit_the_screen_and_pass_axe(served_bilingual, browser, name, width, scheme):  # noqa: F811
    from test_browser import AXE

    context = browser.new_context(viewport={"width": width, "height": 900}, color_scheme=scheme)
    try:
        page = context.new_page()
        problems = []
        page.on("console", lambda msg: problems.append(msg.text) if msg.type == "error" else None)
        page.goto(served_bilingual + ARABIC_PAGES[name], wait_until="load")
        assert page.evaluate("[document.documentElement.lang, document.documentElement.dir]") == ["ar", "rtl"]
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), name
        page.add_script_tag(path=str(AXE))
        violations = page.evaluate(
            "async () => (await axe.run(document)).violations.map("
            "v => ({id: v.id, nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}))"
        )
        assert violations == [] and problems == [], f"{name} at {width}px, {scheme}: {violations} {problems}"
    finally:
        context.close()


@pytest.mark.parametrize("width", (390, 1280))
def test_right_to_left_pages_mirror_what_means_direction(served_bilingual, browser, width):  # noqa: F811
    context = browser.new_context(viewport={"width": width, "height": 900})
    try:
        page = context.new_page()
        page.goto(served_bilingual + "ar/2014/06/21/qaim/", wait_until="load")
        # The earlier entry on the start side (right), the later one on the end side (left).
        pair = page.locator(".neighbours .pair").first
        older, newer = pair.locator(".older").bounding_box(), pair.locator(".newer").bounding_box()
        link = pair.locator(".newer a").bounding_box()
        main = page.locator("main").bounding_box()
        if abs(older["y"] - newer["y"]) < 2:  # side by side
            assert newer["x"] + newer["width"] <= older["x"] + 1
        else:  # stacked on a phone: each starts on the right
            assert abs((link["x"] + link["width"]) - (main["x"] + main["width"])) < 40
        # Text starts on the right: the title's right edge is the main column's.
        title = page.locator("h1").bounding_box()
        assert abs((title["x"] + title["width"]) - (main["x"] + main["width"])) < 40
        # A chip list reads from the right: its first chip is right of its second.
        page.goto(served_bilingual + "ar/", wait_until="load")
        chips = page.locator(".lead .chips .chip")
        assert chips.count() > 1
        assert chips.nth(0).bounding_box()["x"] > chips.nth(1).bounding_box()["x"]
        # The English page is left to right.
        page.goto(served_bilingual + "2014/06/21/qaim/", wait_until="load")
        assert page.evaluate("getComputedStyle(document.querySelector('main')).direction") == "ltr"
    finally:
        context.close()


@pytest.mark.parametrize("query", ("المَوْصِل", "الموصل", "موصل"))
def test_the_arabic_search_finds_an_arabic_entry_with_or_without_marks_and_article(
    served_bilingual,
    browser,  # noqa: F811 - the fixture imported above
    query,
):
    context = browser.new_context(viewport={"width": 390, "height": 900})
    try:
        page = context.new_page()
        page.goto(f"{served_bilingual}ar/search/?q={query}", wait_until="load")
        page.wait_for_function(
            "(() => { const s = document.getElementById('search-status').textContent;"
            " return s && !s.includes('…'); })()"
        )
        titles = page.locator(".search-result h2").all_inner_texts()
        assert "هدوء حذر في المَوْصِل" in titles, (query, titles, page.locator("#search-status").inner_text())
        assert not re.search(r"[A-Za-z]{3,}", page.locator("#search-status").inner_text())
    finally:
        context.close()


# A new country's bilingual tracker from real boundaries


def test_a_new_site_in_two_languages_names_its_provinces_in_both_from_the_boundaries_file(tmp_path):
    """`make new-site LANGUAGES=en,uk` and `make boundaries` on Natural Earth's admin-1 file: the
    oblasts get their Ukrainian names from the file (one it gives two oblasts is left out), an
    entry in Ukrainian tagged with them lands on the Ukrainian oblast's page, dated in Ukrainian."""
    from test_map_labels import CUT
    from test_newsite import make

    site = tmp_path / "site"
    made = make("new-site", f"DIR={site}", "COUNTRY=UA", "WORD=Oblast", "LANGUAGES=en,uk")
    assert made.returncode == 0, made.stderr
    assert "TRACKER_LANGUAGES = ['en', 'uk']" in (site / "pelicanconf.py").read_text()
    named = make("boundaries", f"SITE={site}", f"FILE={CUT}")
    assert named.returncode == 0, named.stderr
    assert "names in the site's other languages" in named.stdout
    provinces = yaml.safe_load((site / "content/data/provinces.yaml").read_text(encoding="utf-8"))
    ukrainian = {p["name"]: p.get("names", {}).get("uk") for p in provinces}
    assert ukrainian["Kharkiv"] == "Харківська область"
    assert ukrainian["Lviv"] == "Львівська область"
    assert sum(1 for name in ukrainian.values() if name) >= 20
    (site / "content/data/actors.yaml").write_text(
        '- name: Russian Armed Forces\n  names: {uk: "Збройні сили РФ"}\n  kind: state\n', encoding="utf-8"
    )
    (site / "content/entries/2024").mkdir(parents=True)
    (site / "content/entries/2024/2024-06-01-kharkiv-uk.md").write_text(
        entry("Удари по Харкову", "2024-06-01", "Нічні удари по місту.", lang="uk", slug="kharkiv",
              provinces="[Харківська область]", actors="[Збройні сили РФ]", summary="Удари.",
              sources='["Обласна адміністрація"]'),
        encoding="utf-8",
    )  # fmt: skip
    output = tmp_path / "output"
    built = make("html", f"SITE={site}", f"OUTPUTDIR={output}")
    assert built.returncode == 0, built.stderr
    assert "uk/: Done: 1 entry published" in built.stdout + built.stderr
    page = BeautifulSoup((output / "uk/provinces/kharkiv/index.html").read_text("utf-8"), "html.parser")
    assert page.html["lang"] == "uk" and page.select_one("h1").get_text() == "Харківська область"
    assert [a.get_text() for a in page.select(".term-entries .entry-title a")] == ["Удари по Харкову"]
    entry_page = (output / "uk/2024/06/01/kharkiv/index.html").read_text("utf-8")
    assert "1 червня 2024" in entry_page


def test_make_check_checks_every_language_and_says_each_problem_once(tmp_path):
    site = Site(tmp_path)
    write_bilingual(site)
    site.write(
        "entries/2014/ar/2014-06-25-mosul-again.md",
        entry("عنوان آخر", "2014-06-25", "نص.", lang="ar", slug="mosul", provinces="[نينوى]"),
    )  # a second Arabic entry with the first's slug: an error only the Arabic build sees
    site.write("entries/2014/2014-06-26-x.md", entry("X", "2014-06-26", provinces="[Anbarr]"))
    result = site.build(*OPTIONS, "TRACKER_CHECK=true")
    assert result.returncode == 1
    assert result.stderr.count("unknown province 'Anbarr'") == 1  # said by the first language's check
    assert "2014-06-25-mosul-again.md" in result.stderr and "slug" in result.stderr
    assert not site.output.exists()  # a check writes nothing, in any language


def test_a_language_the_site_no_longer_has_loses_its_folder(tmp_path):
    site = Site(tmp_path)
    write_bilingual(site)
    assert site.build(*OPTIONS).returncode == 0
    assert (site.output / "ar/index.html").is_file()
    one = [o for o in OPTIONS if not o.startswith("TRACKER_LANGUAGES")] + ['TRACKER_LANGUAGES=["en"]']
    assert site.build(*one).returncode == 0
    assert not (site.output / "ar").exists()
    assert not site.html("index.html").select("nav.languages")


def test_without_a_site_address_another_language_links_from_its_own_folder(tmp_path):
    site = Site(tmp_path)
    write_bilingual(site)
    options = [o for o in OPTIONS if not o.startswith("FEED_DOMAIN")] + ["RELATIVE_URLS=false", 'SITEURL=""']
    assert site.build(*options).returncode == 0
    page = site.html("ar/index.html")
    links = [
        a["href"]
        for a in page.select("header nav:not(.languages) a, main a")
        if not a["href"].startswith("http")
    ]
    assert len(links) > 5 and all(href.startswith("/ar/") for href in links), links
    assert urljoin("https://x.org/ar/", page.select_one("nav.languages a")["href"]) == "https://x.org/"
    assert site.html("ar/search/index.html").select_one("form#search")["data-bundle"] == "/ar/pagefind/"
