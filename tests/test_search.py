"""Search: the Pagefind index of the published entries and the search page, in real Chromium."""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import http.server
import io
import json
import threading
from types import SimpleNamespace
from urllib.parse import quote

import pytest
from pelican import Pelican

from conftest import Site, built_once, entry, indexed_text
from test_browser import QuietHandler, browser, open_page  # noqa: F401 - `browser` is a fixture
from test_workflow import tree
from tracker.devserver import Builds, SearchRefresher, rebuild
from tracker.model.search import arabic_spellings, document
from tracker.model.vocabulary import Term
from tracker.session import Session

AXE_RUN = (
    "async () => (await axe.run(document)).violations.map("
    "v => ({id: v.id, nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}))"
)


def write_entries(site: Site) -> None:
    site.write(
        "entries/2014-06-21-qaim.md",
        entry(
            "Insurgents take Qaim",
            "2014-06-21",
            "Fighting near the Waleed crossing and Rutba; the convoy turned back.",
            provinces="[Anbar]",
            actors="[ISIS, ISF]",
        ),
    )
    site.write(
        "entries/2014-06-25-bashir.md",
        entry(
            "Peshmerga hold Bashir",
            "2014-06-25",
            "Peshmerga units held the village south of Kirkuk city. Convoy after convoy, convoy on convoy: "
            "every convoy of supplies reached the convoy depot.",
            provinces="[Nineveh]",  # named by an alias
            actors="[Peshmerga]",
        ),
    )
    site.write(
        "entries/2014-07-02-mosul.md",
        entry(
            "Quiet day in Mosul",
            "2014-07-02",
            "Markets reopened; a convoy of aid trucks entered from the east.",
            provinces="[Ninewa]",
            actors="[ISF]",
        ),
    )
    site.write(
        "entries/2014-07-03-draft.md",
        entry("Unfinished", "2014-07-03", "Zanzibarite notes.", provinces="[Anbar]", status="draft"),
    )
    site.write(
        "entries/2014-07-04-hidden.md",
        entry("Withheld", "2014-07-04", "Quetzalcoatlus notes.", provinces="[Anbar]", status="hidden"),
    )


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    return built_once(tmp_path_factory, "search", write_entries)


@contextlib.contextmanager
def serving(folder):
    handler = functools.partial(QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()


@pytest.fixture(scope="module")
def served(small):
    with serving(small.output) as base:
        yield base


def search(browser, base, query: str, width: int = 1280, scheme: str = "light"):  # noqa: F811
    """Open the search page at `?query`; (context, page, titles of the results, problems, requests)."""
    context = browser.new_context(viewport={"width": width, "height": 900}, color_scheme=scheme)
    page = context.new_page()
    requests, problems = [], []
    page.on("request", lambda request: requests.append(request.url))
    page.on("console", lambda msg: problems.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: problems.append(str(exc)))
    page.goto(f"{base}search/?{query}", wait_until="load")
    page.wait_for_function("/match|Type a word/.test(document.getElementById('search-status').textContent)")
    titles = page.locator(".search-result h2").all_inner_texts()
    return context, page, titles, problems, requests


def test_the_index_holds_the_published_entries_only_in_a_shard_per_quarter_the_newest_by_month(small):
    bundle = small.output / "pagefind"
    counts = {
        shard.name: json.loads((shard / "pagefind-entry.json").read_text())["languages"]["en"]["page_count"]
        for shard in bundle.iterdir()
    }
    assert counts == {"2014-q2": 2, "2014-07": 1}  # not the draft, not the hidden entry
    assert (bundle / "2014-07/pagefind.js").is_file()  # the newest shard loads Pagefind
    assert not (bundle / "2014-q2/pagefind.js").exists()  # the others are merged into it
    assert not list(bundle.rglob("pagefind-ui*"))  # the page has its own interface
    page = small.html("search/index.html")
    form = page.select_one("form#search")
    assert (form["data-bundle"], form["data-shards"]) == ("../pagefind/", "2014-07 2014-q2")
    assert "Search needs JavaScript" in page.select_one("noscript").get_text()
    links = {a["href"] for a in page.select("noscript a")}
    assert links == {"../provinces/", "../actors/", "../archives/"}
    header = small.html("2014/06/21/qaim/index.html").select_one("header.site form.site-search")
    assert header["action"] == "../../../../search/" and header.select_one("input")["name"] == "q"


def test_a_record_holds_its_text_its_filters_and_every_alias():
    one = SimpleNamespace(
        title="Qaim",
        slug="qaim",
        url="2014/06/21/qaim/",
        date=dt.datetime(2014, 6, 21, 15, tzinfo=dt.timezone(dt.timedelta(hours=3))),
        content="<p>Body <b>text</b></p>",
        summary="",
        description="<p>Body text</p>",
        sources=(),
        correction=None,
        provinces=[Term("Ninewa", "ninewa", ("Nineveh", "Ninawa"))],
        actors=[Term("ISIS", "isis", ("Daesh",), {"local_name": "الدولة الإسلامية"})],
        places=[],
    )
    html = document(one, "2014-q2", "en")
    assert '<p data-pagefind-filter="province">Ninewa</p>' in html
    assert '<p data-pagefind-filter="actor">ISIS</p>' in html
    assert '<p data-pagefind-filter="year">2014</p>' in html
    assert '<p data-pagefind-filter="month">2014-06</p>' in html
    assert '<p data-pagefind-filter="shard">2014-q2</p>' in html
    assert '<p data-pagefind-sort="date">2014-06-21T12:00:00Z 2014/06/21/qaim/</p>' in html
    assert (
        "Ninewa (also Nineveh, Ninawa)" in html
        and "ISIS (also Daesh, الدولة الإسلامية, الدولة الاسلامية, دولة اسلامية)" in html
    )
    assert "<p>Body <b>text</b></p>" in html
    assert '<p data-pagefind-meta="summary">Body text</p>' in html
    # the brief, a mark, title and date, a mark, then the other names: excerpts come from the brief
    assert html.index("Body") < html.index("\u2042") < html.index("<h1>Qaim") < html.rindex("\u2042")
    assert html.rindex("\u2042") < html.index("ISIS (also Daesh")


def test_a_word_in_one_entry_finds_that_entry_first(served, browser):  # noqa: F811
    context, page, titles, problems, _ = search(browser, served, "q=Rutba")
    try:
        assert titles[0] == "Insurgents take Qaim"
        assert page.locator(".search-result mark").first.inner_text().startswith("Rutba")
        chips = page.locator(".search-result").first.locator(".chip a")
        assert chips.all_text_contents() == ["Province: Anbar", "Actor: ISIS", "Actor: ISF"]
        assert chips.first.get_attribute("href").endswith("/provinces/anbar/")
        assert problems == []
    finally:
        context.close()


def test_an_alias_finds_the_entries_of_its_term(served, browser):  # noqa: F811
    context, page, titles, problems, _ = search(browser, served, "q=Daesh")
    try:
        assert titles == ["Insurgents take Qaim"]  # tagged ISIS; no entry says "Daesh"
    finally:
        context.close()
    context, page, titles, problems, _ = search(browser, served, "q=Nineveh")
    try:
        assert sorted(titles) == ["Peshmerga hold Bashir", "Quiet day in Mosul"]
    finally:
        context.close()


def test_an_alias_shows_an_excerpt_of_the_brief_never_the_alias_list(served, browser):  # noqa: F811
    for query in ("q=Daesh", "q=Ninawa", "q=Insurgents"):  # an alias, another alias, a headline word
        context, page, titles, problems, _ = search(browser, served, query)
        try:
            excerpts = page.locator(".search-result .excerpt").all_inner_texts()
            assert excerpts and all(text.strip() for text in excerpts), (query, excerpts)
            for text in excerpts:
                assert "(also" not in text and "Actors:" not in text and "Provinces:" not in text, (
                    query,
                    text,
                )
            assert problems == []
        finally:
            context.close()
    context, page, titles, problems, _ = search(browser, served, "q=Rutba")
    try:  # a word of the brief: its excerpt, with the word marked
        assert (
            "Fighting near the Waleed crossing" in page.locator(".search-result .excerpt").first.inner_text()
        )
    finally:
        context.close()


def test_an_excerpt_shows_the_entrys_text_and_never_runs_it_as_markup(tmp_path, browser):  # noqa: F811
    site = Site(tmp_path)
    site.write(
        "entries/2014-06-21-code.md",
        entry(
            "Markup quoted",
            "2014-06-21",
            "The zanzibarite report quoted `<img src=x onerror=alert(1)>` and said fewer than <10 died.",
            provinces="[Anbar]",
        ),
    )
    assert site.build().returncode == 0
    with serving(site.output) as base:
        context, page, titles, problems, _ = search(browser, base, "q=zanzibarite")
        try:
            excerpt = page.locator(".search-result .excerpt").first
            assert "<img src=x onerror=alert(1)>" in excerpt.inner_text() and "<10" in excerpt.inner_text()
            assert excerpt.locator("img").count() == 0 and problems == []
        finally:
            context.close()


def test_a_local_name_in_the_vocabulary_finds_its_entries(served, browser):  # noqa: F811
    context, page, titles, problems, _ = search(browser, served, "q=" + quote("نينوى"))
    try:
        assert sorted(titles) == ["Peshmerga hold Bashir", "Quiet day in Mosul"]  # Ninewa's Arabic name
        assert problems == []
    finally:
        context.close()


def test_the_province_filter_returns_exactly_that_provinces_entries(served, browser):  # noqa: F811
    context, page, titles, problems, _ = search(browser, served, "province=Ninewa")
    try:
        # Newest first; one names Ninewa by its alias Nineveh.
        assert titles == ["Quiet day in Mosul", "Peshmerga hold Bashir"]
        assert page.locator("#search-province").input_value() == "Ninewa"
        options = page.locator("#search-province option").all_inner_texts()
        assert options == ["Any province", "Anbar (1)", "Ninewa (2)"]
    finally:
        context.close()


def test_the_month_filter_returns_that_months_entries_named_as_readers_say_months(served, browser):  # noqa: F811
    context, page, titles, problems, _ = search(browser, served, "month=2014-06")
    try:
        assert titles == ["Peshmerga hold Bashir", "Insurgents take Qaim"]
        assert page.locator("#search-month").input_value() == "2014-06"
        options = page.locator("#search-month option").all_inner_texts()
        assert options == ["Any month", "July 2014 (1)", "June 2014 (2)"]  # choosing July instead: 1
    finally:
        context.close()


def test_newest_first_unless_best_match_is_asked_for(served, browser):  # noqa: F811
    context, page, titles, problems, _ = search(browser, served, "q=convoy")
    try:
        assert titles == ["Quiet day in Mosul", "Peshmerga hold Bashir", "Insurgents take Qaim"]
        page.locator("input[name=sort][value=relevance]").check()
        page.wait_for_function("location.search.includes('sort=relevance')")
        page.wait_for_function(
            "document.querySelector('.search-result h2')?.textContent === 'Peshmerga hold Bashir'"
        )  # the entry that says "convoy" six times
    finally:
        context.close()


@pytest.mark.parametrize("word", ["Zanzibarite", "Quetzalcoatlus", "Withheld", "Unfinished"])
def test_drafts_and_hidden_entries_are_never_found(served, browser, word):  # noqa: F811
    context, page, titles, problems, _ = search(browser, served, f"q={word}")
    try:
        assert titles == []
        assert page.locator("#search-status").inner_text() == "No entry matches."
    finally:
        context.close()


def test_the_header_form_leads_to_results_and_no_request_leaves_the_site(served, browser):  # noqa: F811
    context, page, problems = open_page(browser, served + "2014/07/02/mosul/", 360)
    requests = []
    page.on("request", lambda request: requests.append(request.url))
    try:
        page.locator("header.site input[name=q]").fill("Rutba")
        page.keyboard.press("Enter")
        page.wait_for_url("**/search/?q=Rutba")
        page.wait_for_selector(".search-result")
        assert page.locator(".search-result h2").first.inner_text() == "Insurgents take Qaim"
        assert requests and all(url.startswith(served) for url in requests), requests
        assert any("/pagefind/" in url for url in requests)
        assert problems == []
    finally:
        context.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("width", [360, 1280])
def test_the_search_page_is_accessible_and_fits_the_screen(served, browser, width, scheme):  # noqa: F811
    from test_browser import AXE

    context, page, titles, problems, _ = search(browser, served, "q=convoy&actor=ISF", width, scheme)
    try:
        assert titles == ["Quiet day in Mosul", "Insurgents take Qaim"]
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0
        page.add_script_tag(path=str(AXE))
        assert page.evaluate(AXE_RUN) == []
        page.locator("#search-q").focus()  # keyboard: the box, the order, the filters, the results
        reached = []
        for _ in range(8):
            page.keyboard.press("Tab")
            reached.append(page.evaluate("document.activeElement.id || document.activeElement.textContent"))
        assert "search-province" in reached and "Quiet day in Mosul" in reached
    finally:
        context.close()


def test_without_javascript_the_page_points_to_the_indexes(served, browser):  # noqa: F811
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(served + "search/?q=" + quote("Rutba"), wait_until="load")
        assert "Search needs JavaScript" in page.locator("main").inner_text()
        assert page.locator(".search-result").count() == 0
    finally:
        context.close()


def test_an_incremental_build_updates_the_index(tmp_path, browser):  # noqa: F811
    site = Site(tmp_path)
    write_entries(site)
    assert site.build().returncode == 0
    mosul = site.content / "entries/2014-07-02-mosul.md"
    mosul.write_text(mosul.read_text().replace("Markets reopened", "Markets reopened near Yarmouk"))
    (site.content / "entries/2014-06-21-qaim.md").unlink()
    built = site.build()
    assert built.returncode == 0, built.stderr
    with serving(site.output) as base:
        for query, expected in (("q=Yarmouk", ["Quiet day in Mosul"]), ("q=Rutba", []), ("q=Daesh", [])):
            context, page, titles, problems, _ = search(browser, base, query)
            context.close()
            assert titles == expected, query
    # An unchanged site keeps the index's files as they are.
    stamps = {p: p.stat().st_mtime_ns for p in (site.output / "pagefind").rglob("*") if p.is_file()}
    assert site.build().returncode == 0
    assert {p: p.stat().st_mtime_ns for p in (site.output / "pagefind").rglob("*") if p.is_file()} == stamps


def test_the_devserver_indexes_after_reloading_and_ends_equal_to_a_clean_build(tmp_path):
    site = Site(tmp_path)
    write_entries(site)
    settings_ = site.settings()
    instance, builds, refresher = Pelican(settings_), Builds(), SearchRefresher()
    session = Session("devserver")
    mosul = site.content / "entries/2014-07-02-mosul.md"
    with contextlib.redirect_stdout(io.StringIO()):
        rebuild(instance, session, builds, refresher)
        assert (site.output / "2014/07/02/mosul/index.html").is_file()  # pages first
        assert refresher.ready.wait(60)  # then the index, in the background
        rebuild(instance, session, builds, refresher)
        assert "Markets reopened" in indexed_text(site.output)
        mosul.write_text(mosul.read_text().replace("Markets reopened", "Markets reopened near Yarmouk"))
        rebuild(instance, session, builds, refresher)
        assert "Yarmouk" in site.html("2014/07/02/mosul/index.html").get_text()
        assert "Yarmouk" not in indexed_text(site.output)  # the index lags the pages
        assert refresher.ready.wait(60)
        rebuild(instance, session, builds, refresher)
    assert builds.number == 4 and "Yarmouk" in indexed_text(site.output)
    kept, site.output = site.output, tmp_path / "clean"
    assert site.build("-e", "TRACKER_CACHE=null").returncode == 0
    assert tree(kept) == tree(site.output)


def test_when_pagefind_fails_the_author_is_told_and_the_last_index_stays(tmp_path, monkeypatch):
    site = Site(tmp_path)
    write_entries(site)
    assert site.build().returncode == 0
    before = {p: p.read_bytes() for p in (site.output / "pagefind").rglob("*") if p.is_file()}
    mosul = site.content / "entries/2014-07-02-mosul.md"
    mosul.write_text(mosul.read_text().replace("Markets reopened", "Markets reopened near Yarmouk"))
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", "/bin/false")
    failed = site.build()
    assert "search: error: Pagefind failed: exit status 1; the last index is kept" in failed.stderr
    assert "Traceback" not in failed.stderr + failed.stdout
    assert {p: p.read_bytes() for p in (site.output / "pagefind").rglob("*") if p.is_file()} == before
    assert "Yarmouk" in site.html("2014/07/02/mosul/index.html").get_text()  # the pages are written
    monkeypatch.delenv("PAGEFIND_BINARY_PATH")
    assert site.build().returncode == 0  # the next build indexes again
    assert "Yarmouk" in indexed_text(site.output)


def test_a_place_finds_its_entries_by_any_name_and_puts_them_in_its_provinces_filter(tmp_path, browser):  # noqa: F811
    site = Site(tmp_path)
    write_entries(site)
    site.write(
        "data/places.yaml",
        "- name: Qaim\n  aliases: [Husaybah]\n  province: Anbar\n  lat: 34.37\n  lon: 41.09\n",
    )
    site.write(
        "entries/2014-07-05-border.md",
        entry(
            "Border post shelled",
            "2014-07-05",
            "Mortars hit the post.",
            provinces="[Ninewa]",
            places="[Husaybah]",
        ),
    )
    assert site.build().returncode == 0
    with serving(site.output) as base:
        for query, expected in (
            (
                "province=Anbar",
                ["Border post shelled", "Insurgents take Qaim"],
            ),  # the first through its place
            ("place=Qaim", ["Border post shelled"]),
            ("q=Husaybah", ["Border post shelled"]),  # an alias of the place
        ):
            context, page, titles, problems, _ = search(browser, base, query)
            context.close()
            assert titles == expected, query


def test_arabic_names_are_indexed_as_readers_type_them():
    assert arabic_spellings("المَوْصِل") == ["الموصل", "موصل"]
    assert arabic_spellings("أربيل") == ["اربيل"]
    assert arabic_spellings("داعش") == [] and arabic_spellings("Mosul") == []


LAYOUT_SHIFT = """() => new Promise(done => {
  let sum = 0;
  new PerformanceObserver(list => {
    for (const entry of list.getEntries()) if (!entry.hadRecentInput) sum += entry.value;
  }).observe({type: "layout-shift", buffered: true});
  setTimeout(() => done(sum), 300);
})"""


@pytest.mark.parametrize("width", [390, 1280])
@pytest.mark.parametrize("query", ["", "q=convoy", "province=Ninewa&q=convoy"])
def test_the_search_page_stands_still_and_loads_the_index_when_wanted(served, browser, width, query):  # noqa: F811
    context = browser.new_context(viewport={"width": width, "height": 844})
    try:
        page = context.new_page()
        requests = []
        page.on("request", lambda request: requests.append(request.url))
        page.goto(f"{served}search/?{query}", wait_until="load")
        if query:
            page.wait_for_function("/match/.test(document.getElementById('search-status').textContent)")
        else:
            page.wait_for_timeout(500)
            # Nothing of the index before anyone searches.
            assert not [url for url in requests if "/pagefind/" in url], requests
            page.locator("#search-q").focus()
            page.wait_for_function("document.getElementById('search-province').options.length > 1")
            assert [url for url in requests if url.endswith("pagefind.js")]
        shift = page.evaluate(LAYOUT_SHIFT)
        assert shift <= 0.05, (width, query, shift)
    finally:
        context.close()
