"""Map labels on a real country's map (Ukraine, from Natural Earth's boundaries): the names readers
know, never a code, no two overlapping on a phone or a wide screen; in dark mode the least shade
stands out from "no entries"."""

import functools
import http.server
import re
import threading

import pytest
import yaml

from conftest import ROOT, entry
from test_browser import QuietHandler, browser  # noqa: F401 - `browser` is a fixture
from test_newsite import make
from test_theme import contrast

CUT = ROOT / "tests/data/natural-earth-admin1-UA-SY-YE.geojson"


@pytest.fixture(scope="module")
def ukraine(tmp_path_factory):
    """A Ukraine tracker made as a newsroom would: `make new-site`, `make boundaries` from the
    boundaries file, one entry naming neighbours whose labels crowd (Kyiv and its oblast, Crimea
    and Sevastopol), built and served."""
    root = tmp_path_factory.mktemp("ukraine")
    site = root / "site"
    assert make("new-site", f"DIR={site}", "COUNTRY=UA", "WORD=Oblast").returncode == 0
    assert make("boundaries", f"SITE={site}", f"FILE={CUT}").returncode == 0
    (site / "content/data/actors.yaml").write_text("- name: Russian Armed Forces\n  kind: state\n")
    (site / "content/entries").mkdir(exist_ok=True)
    (site / "content/entries/2024-11-01-strikes.md").write_text(
        entry(
            "Strikes across the country",
            "2024-11-01",
            "Strikes overnight.",
            summary="Strikes.",
            provinces="[Kyiv, Kyivska oblast, Kharkiv, Sevastopol, Autonomous Republic of Crimea, Odessa]",
            actors="[Russian Armed Forces]",
            sources='["Regional administration"]',
        )
    )
    output = root / "output"
    built = make("html", f"SITE={site}", f"OUTPUTDIR={output}")
    assert built.returncode == 0, built.stderr
    provinces = yaml.safe_load((site / "content/data/provinces.yaml").read_text(encoding="utf-8"))
    names = {p["name"] for p in provinces} | {p["label"] for p in provinces if p.get("label")}
    handler = functools.partial(QuietHandler, directory=str(output))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/", names
    server.shutdown()


LABELS = """() => [...document.querySelectorAll('figure.map svg text')]
  .filter(t => getComputedStyle(t).display !== 'none' && t.getBBox().width > 0)
  .map(t => { const r = t.getBoundingClientRect();
              return {text: t.textContent, left: r.left, top: r.top, right: r.right, bottom: r.bottom}; })"""


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("width", [390, 1280])
def test_map_labels_are_names_and_never_overlap(ukraine, browser, width, scheme):  # noqa: F811
    base, names = ukraine
    context = browser.new_context(viewport={"width": width, "height": 900}, color_scheme=scheme)
    try:
        page = context.new_page()
        page.goto(base, wait_until="load")
        labels = page.evaluate(LABELS)
        # Of the country's 27, the larger half on a phone, nearly all on a wide screen.
        assert len(labels) >= (12 if width < 600 else 22), labels
        for label in labels:
            assert label["text"] in names, label  # a name readers know, never a code like "KYIVC"
            assert not re.fullmatch(r"[A-Z]{3,}", label["text"]), label
        for n, a in enumerate(labels):
            for b in labels[n + 1 :]:
                apart = a["right"] <= b["left"] or b["right"] <= a["left"]
                apart = apart or a["bottom"] <= b["top"] or b["bottom"] <= a["top"]
                assert apart, (width, a, b)
        sizes = page.evaluate(
            """() => [...document.querySelectorAll('figure.map svg text')]
                 .filter(t => getComputedStyle(t).display !== 'none')
                 .map(t => parseFloat(getComputedStyle(t).fontSize) * t.ownerSVGElement.getScreenCTM().a)"""
        )
        assert min(sizes) >= 11, sizes
    finally:
        context.close()


def test_in_dark_mode_the_least_shade_stands_out_from_no_entries(ukraine, browser):  # noqa: F811
    base, _ = ukraine
    context = browser.new_context(viewport={"width": 1280, "height": 900}, color_scheme="dark")
    try:
        page = context.new_page()
        page.goto(base, wait_until="load")
        shaded = page.evaluate("getComputedStyle(document.querySelector('figure.map use.shade-1')).fill")
        ground = page.evaluate("getComputedStyle(document.querySelector('.hatch-ground')).fill")
        hex_of = lambda rgb: "#" + "".join(f"{int(n):02x}" for n in re.findall(r"\d+", rgb)[:3])  # noqa: E731
        assert contrast(hex_of(shaded), hex_of(ground)) >= 3, (shaded, ground)
    finally:
        context.close()
