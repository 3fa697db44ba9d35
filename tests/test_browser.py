"""The sample site in real headless Chromium (Debian's package), at phone and desktop widths."""

from __future__ import annotations

import functools
import http.server
import shutil
import subprocess
import threading
import time

import pytest

from conftest import ROOT, Site, devserver, entry, wait_for

playwright_api = pytest.importorskip("playwright.sync_api")

ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PAGES = {
    "home": "",
    "province": "provinces/anbar/",
    "actor": "actors/isis/",
    "entry": "2014/06/23/rawa-ana/",
    "month": "2014/06/",
    "week": "weeks/2014-W25/",
}
WIDTHS = (360, 1280)
AXE = ROOT / "node_modules/axe-core/axe.min.js"
AUDITED = {
    **PAGES,
    "provinces": "provinces/",
    "actors": "actors/",
    "archives": "archives/",
    "feeds": "feeds/",
    "corrections": "corrections/",
    "places": "places/",
    "place": "places/mosul/",
    "data": "data/",
}


@pytest.fixture(scope="module")
def served_site(tmp_path_factory):
    """The sample site built with `make html` into a temporary folder and served on 127.0.0.1."""
    out = tmp_path_factory.mktemp("site")
    result = subprocess.run(
        ["make", "-s", "html", f"OUTPUTDIR={out}"], cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stderr
    handler = functools.partial(QuietHandler, directory=str(out))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # keep test output readable
        pass


@pytest.fixture(scope="module")
def browser():
    executable = shutil.which("chromium")
    if executable is None:
        pytest.fail("Debian's chromium is not installed: `make test` installs it (apt-get install chromium)")
    with playwright_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_FLAGS, headless=True)
        yield browser
        browser.close()


def open_page(browser, url, width):
    """A page at `width` that records console errors and failed requests."""
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    problems = []
    page.on(
        "console",
        lambda msg: problems.append(f"console {msg.type}: {msg.text}") if msg.type == "error" else None,
    )
    page.on("pageerror", lambda exc: problems.append(f"page error: {exc}"))
    page.on("requestfailed", lambda req: problems.append(f"request failed: {req.url}"))
    page.on(
        "response",
        lambda res: problems.append(f"HTTP {res.status}: {res.url}") if res.status >= 400 else None,
    )
    response = page.goto(url, wait_until="load")
    assert response.ok, url
    return context, page, problems


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("name", list(PAGES))
def test_pages_load_cleanly_and_fit_the_screen(served_site, browser, name, width):
    context, page, problems = open_page(browser, served_site + PAGES[name], width)
    try:
        assert problems == []
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"{name} scrolls sideways by {overflow}px at {width}px"
        assert (
            page.locator("main").count() == 1
            and page.locator("header.site nav[aria-label='Site']").count() == 1
        )
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"{name}-{width}.png"), full_page=True)
    finally:
        context.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_clicking_a_map_region_opens_its_province(served_site, browser, width):
    context, page, problems = open_page(browser, served_site, width)
    try:
        region = page.locator(
            'svg.map-svg a[data-province="kirkuk"]'
        ).first  # the entries map, not the events map
        region.scroll_into_view_if_needed()
        box = region.locator("use").bounding_box()
        page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        page.wait_for_url("**/provinces/kirkuk/")
        assert page.locator("h1").inner_text() == "Kirkuk"
        assert problems == []
    finally:
        context.close()


@pytest.mark.parametrize("page_name", ["home", "province", "entry", "actor"])
def test_the_outlines_come_from_one_cached_file_and_draw_without_javascript(served_site, browser, page_name):
    """Every map of the page draws each province from the sprite file: one request, cached, and
    shaded by the page's CSS; with scripts off, too."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, java_script_enabled=False)
    page = context.new_page()
    sprites = []
    page.on("response", lambda res: sprites.append(res) if "/map/outlines-" in res.url else None)
    try:
        assert page.goto(served_site + PAGES[page_name], wait_until="load").ok
        uses = page.locator("svg use >> visible=true")  # not the entries map behind its switch
        assert uses.count() > 10
        assert len({response.url for response in sprites}) == 1 and sprites[0].ok
        for index in (0, uses.count() - 1):
            box = uses.nth(index).bounding_box()
            assert box is not None and box["width"] > 1 and box["height"] > 1
        fill = uses.first.evaluate("u => getComputedStyle(u).fill")
        assert fill and fill != "none"
    finally:
        context.close()


def test_a_place_dot_on_the_map_opens_its_place(served_site, browser):
    context, page, problems = open_page(browser, served_site, 1280)
    try:
        page.locator("details.events-map summary").click()  # the entries map, behind its switch
        dot = page.locator('details.events-map a.place-dot[href$="places/sinjar/"] circle')
        dot.scroll_into_view_if_needed()
        box = dot.bounding_box()
        page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)  # what is on top
        page.wait_for_url("**/places/sinjar/")
        assert page.locator("h1").inner_text() == "Sinjar"
        assert page.locator("figure.locator circle.dot").count() == 1
        assert problems == []
    finally:
        context.close()


def test_keyboard_users_can_skip_to_content_and_see_focus(served_site, browser):
    context, page, problems = open_page(browser, served_site + PAGES["entry"], 1280)
    try:
        page.keyboard.press("Tab")
        skip = page.locator("a.skip")
        assert skip.evaluate("el => el === document.activeElement")
        assert skip.evaluate("el => getComputedStyle(el).outlineStyle") != "none"
        assert skip.bounding_box()["x"] >= 0  # visible once focused
    finally:
        context.close()


def test_entry_prints_without_site_chrome(served_site, browser):
    context, page, problems = open_page(browser, served_site + PAGES["entry"], 1280)
    try:
        page.emulate_media(media="print")
        assert all(nav.is_hidden() for nav in page.locator("header.site nav").all())  # site, languages
        assert page.locator("nav.neighbours").is_hidden()
        assert page.locator("article.entry h1").is_visible()
        terms = page.locator("article.entry header p.terms")
        assert terms.count() >= 2 and all(terms.nth(n).is_visible() for n in range(terms.count()))
        permalink = page.locator("article.entry p.permalink")
        assert permalink.is_visible() and "/2014/06/23/rawa-ana/" in permalink.inner_text()
        assert page.locator("button.copy").is_hidden()
        ARTIFACTS.mkdir(exist_ok=True)
        page.pdf(path=str(ARTIFACTS / "entry-print.pdf"))
    finally:
        context.close()


def test_copy_link_copies_the_permalink_and_is_a_plain_link_without_javascript(served_site, browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=served_site.rstrip("/"))
    try:
        page = context.new_page()
        page.goto(served_site + PAGES["entry"], wait_until="load")
        page.locator("button.copy").click()
        page.wait_for_function("document.querySelector('.copy-status').textContent !== ''")  # async
        assert page.locator(".copy-status").inner_text() == "Link copied"
        assert page.evaluate("navigator.clipboard.readText()") == served_site + PAGES["entry"]
    finally:
        context.close()
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(served_site + PAGES["entry"], wait_until="load")
        assert page.locator("button.copy").count() == 0
        assert page.locator("a.copy-link").get_attribute("href").endswith("2014/06/23/rawa-ana/")
    finally:
        context.close()


CONTRAST_JS = """
(selectors) => {
  const rgb = (c) => c.match(/[\\d.]+/g).map(Number);
  const linear = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
  const lum = ([r, g, b]) => [r, g, b].map(linear)
                                      .reduce((sum, v, i) => sum + v * [0.2126, 0.7152, 0.0722][i], 0);
  const background = (el) => {
    for (; el; el = el.parentElement) {
      const c = rgb(getComputedStyle(el).backgroundColor);
      if (c.length < 4 || c[3] > 0) return c.slice(0, 3);
    }
    return [255, 255, 255];
  };
  const found = [];
  for (const selector of selectors) {
    const el = document.querySelector(selector);
    if (!el) { found.push([selector, null]); continue; }
    const [a, b] = [lum(rgb(getComputedStyle(el).color).slice(0, 3)), lum(background(el))];
    found.push([selector, (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05)]);
  }
  return found;
}
"""
TEXT_SELECTORS = [
    "main .body p",
    "main .meta",
    "header.site nav a",
    "main .terms a",
    "footer.site p",
    ".neighbours .label",
    "main .tags a",
    ".chip a",
]


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_text_meets_wcag_aa_contrast_in_light_and_dark_mode(served_site, browser, scheme):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, color_scheme=scheme)
    page = context.new_page()
    try:
        for path in (PAGES["entry"], PAGES["home"]):
            page.goto(served_site + path)
            for selector, ratio in page.evaluate(CONTRAST_JS, TEXT_SELECTORS):
                if ratio is not None:
                    assert ratio >= 4.5, (
                        f"{selector} on {path or 'home'} has contrast {ratio:.2f} in {scheme} mode"
                    )
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"home-1280-{scheme}.png"))
    finally:
        context.close()


def test_devserver_reloads_the_open_page_by_itself_and_keeps_it_through_an_error(browser, tmp_path):
    site = Site(tmp_path)
    text = entry(title="Live", date="2014-06-01", provinces="[Anbar]", body="First version.")
    page_file = site.write("entries/2014-06-01-live.md", text)
    with devserver(site) as (port, log, server):
        builds = lambda: log.read_text().count("Done: ")  # noqa: E731
        url = f"http://127.0.0.1:{port}/2014/06/01/live/"
        assert wait_for(lambda: "rebuilt in" in log.read_text()), log.read_text()  # the first build
        context, page, problems = open_page(browser, url, 1280)
        try:
            assert "First version." in page.locator("article.entry").inner_text()
            page.evaluate("window.openedOnce = true")  # gone if, and only if, the page reloads
            page_file.write_text(text.replace("First version.", "Second version."), encoding="utf-8")
            page.wait_for_function("!window.openedOnce", timeout=30_000)  # the page reloaded itself
            assert "Second version." in page.locator("article.entry").inner_text()
            # A save with an error: the problem in the terminal, the last good page left in the browser.
            page.evaluate("window.openedOnce = true")
            seen = builds()
            page_file.write_text(text.replace("date: 2014-06-01", "date: 2014-06-41"), encoding="utf-8")
            assert wait_for(lambda: builds() > seen), log.read_text()
            assert "2014-06-01-live.md:3: error" in log.read_text()
            time.sleep(1)
            assert page.evaluate("window.openedOnce") is True
            assert "Second version." in page.locator("article.entry").inner_text()
            # The event stream of the page before each reload ends with it: not a problem.
            problems = [p for p in problems if "/.tracker-live/events?" not in p]
            assert problems == [], "\n".join(problems)
        finally:
            context.close()
        assert server.poll() is None, log.read_text()  # still serving
        assert not any(b"tracker-live" in p.read_bytes() for p in site.output.rglob("*") if p.is_file())
        assert "Traceback" not in log.read_text()


@pytest.mark.parametrize("scheme", ("light", "dark"))
@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("name", list(AUDITED))
def test_axe_finds_no_accessibility_violations(served_site, browser, name, width, scheme):
    if not AXE.is_file():
        pytest.fail("axe-core is not installed: `make test` installs it from package-lock.json (npm ci)")
    context = browser.new_context(viewport={"width": width, "height": 900}, color_scheme=scheme)
    try:
        page = context.new_page()
        page.goto(served_site + AUDITED[name], wait_until="load")
        page.evaluate(
            "document.querySelectorAll('details').forEach(d => { d.open = true; })"
        )  # the events map
        page.add_script_tag(path=str(AXE))
        violations = page.evaluate(
            "async () => (await axe.run(document)).violations.map("
            "v => ({id: v.id, impact: v.impact, nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}))"
        )
        assert violations == [], f"{name} at {width}px, {scheme}: {violations}"
    finally:
        context.close()


TERM_PAGES = {"province": "provinces/anbar/", "actor": "actors/isis/", "place": "places/mosul/"}


@pytest.mark.parametrize("width, height", ((1280, 800), (390, 844)))
@pytest.mark.parametrize("name", list(TERM_PAGES))
def test_a_term_page_shows_its_newest_entry_in_the_first_screen(served_site, browser, name, width, height):
    context = browser.new_context(viewport={"width": width, "height": height})
    try:
        page = context.new_page()
        page.goto(served_site + TERM_PAGES[name], wait_until="load")
        first = page.locator(".term-entries ol.entries > li").first
        box = first.bounding_box()
        assert box is not None and box["y"] + 40 <= height, f"{name}: first entry at {box} at {width}px"
        dates = page.locator(".term-entries ol.entries > li .meta").evaluate_all(
            "ms => ms.map(m => m.querySelector('time').dateTime)"
        )
        assert len(dates) > 1 and dates == sorted(dates, reverse=True)  # newest first
        # everything the page gave before is still on it, below or beside the entries
        assert page.locator(".term-more figure.chart").count() >= 1
    finally:
        context.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("width, height", ((1280, 800), (390, 844)))
@pytest.mark.parametrize("name", list(TERM_PAGES))
def test_a_term_page_answers_this_week_and_this_month_in_the_first_screen(
    served_site, browser, name, width, height, scheme
):
    context = browser.new_context(viewport={"width": width, "height": height}, color_scheme=scheme)
    try:
        page = context.new_page()
        page.goto(served_site + TERM_PAGES[name], wait_until="load")
        glance = page.locator("header .glance")
        box = glance.bounding_box()
        assert box is not None and box["y"] + box["height"] <= height, f"{name}: glance at {box}"
        if glance.locator("dl").count():
            assert glance.locator("dt").all_inner_texts() == ["Last 7 days", "July 2014 so far"]
            assert "in the same days of June 2014" in glance.inner_text()
        else:
            assert "No entry and no event" in glance.inner_text()
        months = page.locator(".term-entries h3.month").all_inner_texts()
        assert months and months == sorted(set(months), key=months.index)  # each month once, in order
        assert page.locator(".term-entries h3.month").first.is_visible()
    finally:
        context.close()


@pytest.mark.parametrize(
    "name",
    [
        "home",
        "province",
        "actor",
        "place",
        "entry",
        "data",
        "provinces",
        "actors",
        "feeds",
        "corrections",
        "archives",
    ],
)
def test_no_table_overflows_a_phone_without_a_scroll_cue(served_site, browser, name):
    path = {**AUDITED}[name]
    context = browser.new_context(viewport={"width": 390, "height": 844})
    try:
        page = context.new_page()
        page.goto(served_site + path, wait_until="load")
        overflowing = page.evaluate(
            """() => [...document.querySelectorAll('main table')].filter(t => {
                 const box = t.closest('.visually-hidden'); if (box) return false;
                 const scroller = t.closest('.table-scroll');
                 const wide = t.getBoundingClientRect().right > document.documentElement.clientWidth + 1
                   || (scroller && scroller.scrollWidth > scroller.clientWidth + 1);
                 return wide; }).map(t => (t.caption || {}).textContent || t.className)"""
        )
        assert overflowing == [], f"{name}: tables wider than a 390 px screen: {overflowing}"
        cards = page.locator("table.events td[data-label='Fatalities']")
        if cards.count():  # each event a card: every column, under its name
            assert cards.first.is_visible()
            label = cards.first.evaluate("td => getComputedStyle(td, '::before').content")
            assert "Fatalities" in label
    finally:
        context.close()


# Each word of every table cell, as a range: a word whose range spans two lines was broken. A line
# may end at a space, or after a hyphen or slash ("Salah ad-|Din", "Explosions/|Remote violence").
BROKEN_WORDS = """() => {
  const broken = [];
  for (const cell of document.querySelectorAll('main table th, main table td')) {
    if (cell.closest('.visually-hidden') || cell.offsetParent === null) continue;
    const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      for (const match of node.textContent.matchAll(/[^\\s\\/-]+/g)) {
        const range = document.createRange();
        range.setStart(node, match.index);
        range.setEnd(node, match.index + match[0].length);
        const rects = [...range.getClientRects()].filter(r => r.width > 0);
        const tops = new Set(rects.map(r => Math.round(r.top)));
        if (tops.size > 1) broken.push(match[0]);
      }
    }
  }
  return broken;
}"""
A4_WIDTH_PX = 643  # what A4 (210 mm) leaves between the print stylesheet's 2 cm margins, at 96 px per inch


@pytest.mark.parametrize(
    "name", ["home", "province", "actor", "place", "entry", "week", "provinces", "actors", "data"]
)
def test_no_printed_page_is_wider_than_a4(served_site, browser, name):
    context = browser.new_context(viewport={"width": A4_WIDTH_PX, "height": 1000})
    try:
        page = context.new_page()
        page.goto(served_site + AUDITED[name], wait_until="load")
        page.emulate_media(media="print")
        widest = page.evaluate(
            """() => Math.max(...[...document.querySelectorAll('main table, main figure, main pre')]
                 .filter(e => e.offsetParent !== null && !e.closest('.visually-hidden'))
                 .map(e => e.scrollWidth), 0)"""
        )
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= A4_WIDTH_PX and widest <= A4_WIDTH_PX, (name, width, widest)
        if name in ("province", "actor"):
            assert page.locator("figure.chart").first.is_visible()  # charts print
            assert "Highest:" in page.locator("figure.chart figcaption").first.inner_text()
        if name == "home":
            assert page.locator("p.more").first.is_hidden()  # no link text that means nothing on paper
            assert page.locator("figure.map").first.is_visible()  # the printed home keeps the map
            assert page.locator("section.recent li").first.is_visible()  # and the latest entries
        broken = page.evaluate(BROKEN_WORDS)
        assert broken == [], f"{name}: words broken across lines in printed tables: {broken[:5]}"
        larger = page.evaluate(
            """() => [...document.querySelectorAll('table.events .sub-type')].filter(s =>
                 parseFloat(getComputedStyle(s).fontSize)
                   > parseFloat(getComputedStyle(s.closest('td')).fontSize)).map(s => s.textContent)"""
        )
        assert larger == [], f"{name}: sub-types printed larger than their rows: {larger[:3]}"
        page.pdf(path=str(ARTIFACTS / f"{name}-print.pdf"), format="A4") if ARTIFACTS.is_dir() else None
    finally:
        context.close()


# Arabic as readers type it: داعش (ISIS), a name with its short vowels (المَوْصِل), without its
# article (موصل), with a plain alef for a hamza (اربيل: أربيل).
@pytest.mark.parametrize(
    "query", ["Daesh", "Ninawa", "Husaybah", "الموصل", "داعش", "المَوْصِل", "موصل", "اربيل"]
)
def test_on_the_sample_site_an_alias_or_a_local_name_finds_entries_with_excerpts_of_the_brief(
    served_site, browser, query
):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        page.goto(f"{served_site}search/?q={query}", wait_until="load")
        page.wait_for_function("/match/.test(document.getElementById('search-status').textContent)")
        excerpts = page.locator(".search-result .excerpt").all_inner_texts()
        assert excerpts, f"{query}: nothing found"
        for text in excerpts:
            assert text.strip() and "(also" not in text and "Actors:" not in text, (query, text)
    finally:
        context.close()


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("name", ["province", "actor", "place"])
def test_chart_text_is_at_least_12_px_at_every_width(served_site, browser, name, width):
    context = browser.new_context(viewport={"width": width, "height": 800})
    try:
        page = context.new_page()
        page.goto(served_site + AUDITED[name], wait_until="load")
        page.locator("figure.chart svg").first.focus()  # the values show on focus: measured too
        sizes = page.evaluate(
            """() => [...document.querySelectorAll('figure.chart text')]
                 .filter(t => getComputedStyle(t).display !== 'none' && t.getBBox().width > 0)
                 .map(t => parseFloat(getComputedStyle(t).fontSize) * t.ownerSVGElement.getScreenCTM().a)"""
        )
        assert len(sizes) > 5 and min(sizes) >= 12, (name, width, sorted(sizes)[:3])
    finally:
        context.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("name", ["entry", "province", "actor"])
def test_event_cards_on_a_phone_put_each_label_beside_its_whole_value(served_site, browser, name, scheme):
    context = browser.new_context(viewport={"width": 390, "height": 844}, color_scheme=scheme)
    try:
        page = context.new_page()
        page.goto(served_site + AUDITED[name], wait_until="load")
        found = page.evaluate(
            """() => [...document.querySelectorAll('table.events td')].map(td => {
                 const box = td.getBoundingClientRect(), label = getComputedStyle(td, '::before');
                 const range = document.createRange(); range.selectNodeContents(td);
                 const rects = [...range.getClientRects()].filter(r => r.width > 0);
                 const start = box.left + parseFloat(getComputedStyle(td).paddingLeft);
                 return {label: td.dataset.label || '', content: label.content,
                         line: parseFloat(getComputedStyle(td).fontSize),
                         labelWidth: parseFloat(label.width), start: start - box.left,
                         outside: rects.filter(r => r.left < start - 1).length,
                         firstTop: rects.length ? Math.round(rects[0].top - box.top) : 0};
               })"""
        )
        assert len(found) > 10
        for cell in found:
            assert cell["label"] and cell["label"] in cell["content"], cell  # nothing unlabelled
            assert cell["outside"] == 0, cell  # no piece of a value in the label's column
            assert cell["start"] >= cell["labelWidth"], cell  # the label beside the value, not over it
            assert cell["firstTop"] < cell["line"] / 2, cell  # the value starts on the label's line
    finally:
        context.close()
