"""Rebuilds redo only what changed, and end byte-identical to a clean full build."""

import contextlib
import datetime as dt
import io
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from conftest import ACTORS, ONE_LANGUAGE, PELICAN, ROOT, Site, entry
from test_workflow import tree
from tracker.build import store_path


def write_site(site, n=30):
    for i in range(n):
        day = f"2014-06-{i % 28 + 1:02d}"
        provinces = ["Anbar", "Ninewa", "Kirkuk"][i % 3]
        site.write(
            f"entries/{day}-e{i:02d}.md",
            entry(
                title=f"Entry {i}",
                date=day,
                provinces=f"[{provinces}]",
                actors="[ISIS, ISF]" if i % 2 else "[Peshmerga]",
                summary=f"Summary {i}.",
            ),
        )


def rewritten_since(folder, since):
    return sorted(
        p.relative_to(folder).as_posix()
        for p in folder.rglob("*")
        if p.is_file() and p.stat().st_mtime_ns >= since
    )


def test_edit_add_and_remove_end_byte_identical_to_a_full_build(site, tmp_path):
    write_site(site)
    assert site.build("-e", "DEFAULT_PAGINATION=4").returncode == 0

    time.sleep(0.05)
    before = time.time_ns()
    site.write(
        "entries/2014-06-05-e04.md",
        entry(
            title="Entry 4",
            date="2014-06-05",
            provinces="[Ninewa]",
            actors="[Peshmerga]",
            summary="Summary 4.",
            body="An edited body.",
        ),
    )
    result = site.build("-e", "DEFAULT_PAGINATION=4")
    assert result.returncode == 0, result.stderr
    changed = rewritten_since(site.output, before)
    assert "2014/06/05/e04/index.html" in changed
    assert "2014/06/06/e05/index.html" not in changed  # an unrelated entry page is not rewritten
    assert "provinces/kirkuk/index.html" not in changed and "actors/isis/index.html" not in changed
    assert "archives/index.html" not in changed  # it lists days, titles and links: none changed
    assert len(changed) < len([p for p in site.output.rglob("*") if p.is_file()]) / 3

    site.write(
        "entries/2014-06-28-new.md",
        entry(title="New today", date="2014-06-28", provinces="[Ninewa]", actors="[ISIS]"),
    )
    os.remove(site.content / "entries/2014-06-10-e09.md")
    assert site.build("-e", "DEFAULT_PAGINATION=4").returncode == 0
    assert not (site.output / "2014/06/10/e09").exists()  # the removed entry's page is gone

    clean = tmp_path / "clean"
    site_output, site.output = site.output, clean
    assert site.build("-e", "DEFAULT_PAGINATION=4", "TRACKER_CACHE=null").returncode == 0
    assert tree(site_output) == tree(clean)


def test_changing_the_vocabulary_or_theme_settings_rebuilds_everything(site, tmp_path):
    write_site(site, 6)
    assert site.build().returncode == 0
    site.write("data/provinces.yaml", (site.content / "data/provinces.yaml").read_text() + "- name: Basra\n")
    actors = (site.content / "data/actors.yaml").read_text()
    site.write(
        "data/actors.yaml",
        actors.replace("- name: Peshmerga", "- name: Peshmerga forces\n  aliases: [Peshmerga]"),
    )
    assert site.build().returncode == 0
    assert (site.output / "provinces/basra/index.html").is_file()
    assert (
        "Peshmerga forces" in site.html("2014/06/01/e00/index.html").get_text()
    )  # an unchanged entry's page
    kept, site.output = site.output, tmp_path / "clean"
    assert site.build("-e", "TRACKER_CACHE=null").returncode == 0
    assert tree(kept) == tree(site.output)


def own_settings(site, filters: str, overrides) -> Path:
    """A settings file of the site's own: the sample's, with Jinja filters and template overrides."""
    conf = site.root / "conf.py"
    conf.write_text(
        f"import sys\nsys.path.insert(0, {str(ROOT)!r})\nfrom pelicanconf import *\n"
        f"THEME = {str(ROOT / 'theme')!r}\nPLUGIN_PATHS = [{str(ROOT / 'plugins')!r}]\n"
        f"THEME_TEMPLATES_OVERRIDES = [{str(overrides)!r}]\nTRACKER_LANGUAGES = []\n{filters}",
        encoding="utf-8",
    )
    return conf


def equals_a_clean_build(site, tmp_path, *options, conf=ROOT / "pelicanconf.py", env=None):
    clean = tmp_path / "clean"
    shutil.rmtree(clean, ignore_errors=True)
    if env is None:
        kept, site.output = site.output, clean
        try:
            assert site.build(*options, "-e", "TRACKER_CACHE=null", conf=conf).returncode == 0
        finally:
            site.output = kept
    else:
        command = [str(PELICAN), str(site.content), "-o", str(clean), "-s", str(conf), *options]
        command += ["-e", "TRACKER_CACHE=null", "TRACKER_ENTRY_RULES={}", ONE_LANGUAGE]
        assert subprocess.run(command, cwd=site.root, env=env, capture_output=True).returncode == 0
    return tree(site.output) == tree(clean)


def test_an_edit_of_an_override_template_or_of_a_filter_in_the_settings_rebuilds_what_shows_it(
    site, tmp_path
):
    write_site(site, 6)
    overrides = tmp_path / "overrides"
    overrides.mkdir()
    base = (ROOT / "theme/templates/base.html").read_text(encoding="utf-8")
    footer = "  </div>\n  </footer>"
    assert footer in base
    template = base.replace(footer, "  <p class=override>Night desk {{ SITENAME|shout }}</p>\n" + footer, 1)
    (overrides / "base.html").write_text(template, encoding="utf-8")
    conf = own_settings(
        site, "def shout(text):\n    return text.upper()\nJINJA_FILTERS = {'shout': shout}\n", overrides
    )
    assert site.build(conf=conf).returncode == 0
    assert "Night desk IRAQ DAILY TRACKER" in site.html("2014/06/01/e00/index.html").get_text()
    # The override template edited: every page shows it.
    (overrides / "base.html").write_text(template.replace("Night desk", "Day desk"), encoding="utf-8")
    assert site.build(conf=conf).returncode == 0
    assert "Day desk IRAQ DAILY TRACKER" in site.html("2014/06/01/e00/index.html").get_text()
    assert equals_a_clean_build(site, tmp_path, conf=conf)
    # The filter edited in the settings file: every page that uses it.
    own_settings(
        site, "def shout(text):\n    return text.upper() + '!'\nJINJA_FILTERS = {'shout': shout}\n", overrides
    )
    assert site.build(conf=conf).returncode == 0
    assert "Day desk IRAQ DAILY TRACKER!" in site.html("2014/06/01/e00/index.html").get_text()
    assert equals_a_clean_build(site, tmp_path, conf=conf)


def test_a_filter_in_a_helper_beside_the_settings_edited_under_a_devserver(site, tmp_path):
    """The devserver imports the helper again when it changes, and the build key is what the
    process loaded: a `make html` after it ends equal to a clean build."""
    from conftest import devserver, fetch, wait_for

    write_site(site, 4)
    overrides = tmp_path / "overrides"
    overrides.mkdir()
    base = (ROOT / "theme/templates/base.html").read_text(encoding="utf-8")
    footer = "  </div>\n  </footer>"
    (overrides / "base.html").write_text(
        base.replace(footer, "  <p class=override>Desk {{ SITENAME|shout }}</p>\n" + footer, 1),
        encoding="utf-8",
    )
    helper = site.root / "deskfilters.py"
    helper.write_text("def shout(text):\n    return text.upper()\n", encoding="utf-8")
    conf = own_settings(
        site,
        f"sys.path.insert(0, {str(site.root)!r})\nfrom deskfilters import shout\n"
        "JINJA_FILTERS = {'shout': shout}\n",
        overrides,
    )
    page = "2014/06/01/e00/"
    with devserver(site, f"CONFFILE={conf}") as (port, log, server):
        url = f"http://127.0.0.1:{port}/{page}"
        assert wait_for(lambda: "Desk IRAQ DAILY TRACKER" in (fetch(url) or ""), 120), log.read_text()
        time.sleep(2.1)
        helper.write_text("def shout(text):\n    return text.upper() + '!!'\n", encoding="utf-8")
        assert wait_for(lambda: "Desk IRAQ DAILY TRACKER!!" in (fetch(url) or ""), 60), log.read_text()
    again = site.build(conf=conf)
    assert again.returncode == 0, again.stderr
    assert "Desk IRAQ DAILY TRACKER!!" in site.html(page + "index.html").get_text()
    assert equals_a_clean_build(site, tmp_path, conf=conf)


def test_a_rendering_library_upgraded_outside_site_packages_makes_a_full_build(site, tmp_path):
    """Markdown upgraded in a folder on PYTHONPATH (as Debian's dist-packages, or pip --target):
    the bodies are rendered again."""
    write_site(site, 6)
    assert site.pelican_process().returncode == 0
    import markdown

    libraries = tmp_path / "libraries"
    shutil.copytree(Path(markdown.__file__).parent, libraries / "markdown")
    core = libraries / "markdown/core.py"
    source = core.read_text(encoding="utf-8")
    assert "return output.strip()" in source
    core.write_text(source.replace("return output.strip()", "return output.strip().replace('Body', 'Corps')"))
    from importlib import metadata

    info = libraries / "markdown-99.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: Markdown\nVersion: 99.0\n", encoding="utf-8")
    (info / "entry_points.txt").write_text(metadata.distribution("markdown").read_text("entry_points.txt"))
    env = {**os.environ, "PYTHONPATH": str(libraries)}
    upgraded = site.pelican_process(**{"PYTHONPATH": str(libraries)})
    assert upgraded.returncode == 0, upgraded.stderr
    assert "Corps" in site.html("2014/06/01/e00/index.html").get_text()
    assert equals_a_clean_build(site, tmp_path, env=env)


def test_an_unknown_name_spelt_otherwise_by_an_older_entry_is_renamed_on_every_page(site, tmp_path):
    events = "\n  - {type: Battles, province: ANBARR, actors: [ISIS]}"
    site.write(
        "entries/2014-06-22-a.md",
        entry("A", "2014-06-22", provinces="[ANBARR]", actors="[ISIS]", events=events),
    )
    site.write("entries/2014-06-25-c.md", entry("C", "2014-06-25", provinces="[Kirkuk]", actors="[ISF]"))
    assert site.build().returncode == 0
    assert "ANBARR" in events_text(site)
    site.write("entries/2014-06-10-b.md", entry("B", "2014-06-10", provinces="[anbarr]", actors="[ISF]"))
    assert site.build().returncode == 0
    assert "anbarr" in events_text(site) and "ANBARR" not in events_text(site)  # the oldest entry's spelling
    assert equals_a_clean_build(site, tmp_path)
    # A newer entry's spelling renames nothing; fixing the oldest entry's typo renames it again.
    site.write("entries/2014-06-26-d.md", entry("D", "2014-06-26", provinces="[AnBarr]", actors="[ISF]"))
    assert site.build().returncode == 0
    assert "anbarr" in events_text(site)
    assert equals_a_clean_build(site, tmp_path)
    site.write("entries/2014-06-10-b.md", entry("B", "2014-06-10", provinces="[Anbar]", actors="[ISF]"))
    assert site.build().returncode == 0
    assert "ANBARR" in events_text(site)
    assert equals_a_clean_build(site, tmp_path)


def events_text(site) -> str:
    """The text of the ISIS page's events table, where a province is named as the site spells it."""
    return site.html("actors/isis/index.html").select_one("table.events").get_text()


def test_unchanged_entries_keep_their_warnings(site):
    write_site(site, 3)
    site.write("entries/2014-06-20-typo.md", entry(title="Typo", date="2014-06-20", provinces="[Anbarr]"))
    first = site.build()
    second = site.build()
    assert "unknown province 'Anbarr'" in first.stderr and first.stderr == second.stderr


def test_a_build_with_nothing_changed_writes_nothing_and_says_the_same(site, tmp_path, monkeypatch):
    monkeypatch.setattr("tracker.reading.inventory.SETTLED_NS", 0)  # files count as settled at once
    static = ("-e", 'STATIC_PATHS=["images"]')
    write_site(site, 6)
    site.write("images/logo.svg", "<svg/>")
    site.write("entries/2014-06-20-typo.md", entry(title="Typo", date="2014-06-20", provinces="[Anbarr]"))
    site.write(
        "pages/about.md",
        "---\ntitle: About\n---\nAbout [an entry]({filename}../entries/2014-06-20-typo.md).\n",
    )
    first = site.build(*static)
    assert first.returncode == 0 and "unknown province 'Anbarr'" in first.stderr
    marker = (site.output / ".tracker-build.json").stat().st_mtime_ns
    time.sleep(0.05)
    since = time.time_ns()
    again = site.build(*static)
    assert again.returncode == 0 and again.stderr == first.stderr  # the same problems, said again
    # Nothing is written (Pelican copies static files on every build, as it always did).
    assert [p for p in rewritten_since(site.output, since) if not p.startswith(("theme/", "images/"))] == []
    assert (site.output / ".tracker-build.json").stat().st_mtime_ns == marker
    strict = site.build(*static, "-e", "TRACKER_STRICT=true")  # another setting: not the same build
    assert strict.returncode == 1 and "unknown province 'Anbarr'" in strict.stderr

    site.write("images/map.png", b"\x89PNG not really")  # a static file came: the build goes on
    site.write(
        "pages/about.md",
        "---\ntitle: About us\n---\nAbout [an entry]({filename}../entries/2014-06-20-typo.md).\n",
    )
    assert site.build(*static).returncode == 0
    assert (site.output / "images/map.png").is_file()
    assert "images/map.png" in json.loads((site.output / ".tracker-build.json").read_text())["files"]
    page = site.html("about/index.html")
    assert page.h1.get_text() == "About us" and page.select_one("main a[href$='typo/']") is not None
    clean = tmp_path / "clean"
    kept, site.output = site.output, clean
    assert site.build(*static, "-e", "TRACKER_CACHE=null").returncode == 0
    assert tree(kept) == tree(clean)


def test_reading_in_worker_processes_gives_the_same_site_and_problems(site, tmp_path):
    write_site(site, 12)
    site.write("entries/2014-06-20-typo.md", entry(title="Typo", date="2014-06-20", provinces="[Anbarr]"))
    site.write("entries/2014-06-21-bad.md", "---\ntitle: Bad\ndate: 2014-13-45\n---\n")
    os.symlink(
        "/proc/self/mem", site.content / "entries/2014-06-22-unreadable.md"
    )  # read() fails in the worker
    os.symlink("missing.md", site.content / "entries/2014-06-23-dangling.md")
    parallel = site.build("-e", "TRACKER_PARALLEL_MIN=0", "TRACKER_CACHE=null", "-e", "TRACKER_WORKERS=2")
    sequential_output, site.output = site.output, tmp_path / "sequential"
    sequential = site.build("-e", "TRACKER_WORKERS=1", "TRACKER_CACHE=null")
    assert parallel.returncode == sequential.returncode == 0
    assert parallel.stderr == sequential.stderr and "unknown province 'Anbarr'" in parallel.stderr
    assert "2014-06-22-unreadable.md:1: error: cannot be read: Input/output error" in parallel.stderr
    assert "Traceback" not in parallel.stderr
    assert tree(sequential_output) == tree(site.output)
    for workers in (3, 5):  # more workers than cores, and than some shares: the same bytes
        site.output = tmp_path / f"workers-{workers}"
        more = site.build(
            "-e", "TRACKER_PARALLEL_MIN=0", "TRACKER_CACHE=null", "-e", f"TRACKER_WORKERS={workers}"
        )
        assert more.stderr == sequential.stderr
        assert tree(sequential_output) == tree(site.output)


def test_a_worker_that_fails_fails_the_build_in_one_place(tmp_path):
    from tracker.reading.store import StoreFailed
    from tracker.workers import in_workers, split

    def work(share):
        if 7 in share:
            raise StoreFailed("damaged", "row 7")
        return [n * 2 for n in share]

    shares = split(list(range(10)), 4)
    assert [len(s) for s in shares] == [3, 3, 2, 2] and sum(shares, []) == list(range(10))
    assert [r for rs in in_workers(split(list(range(6)), 3), work, 2) for r in rs] == [0, 2, 4, 6, 8, 10]
    with pytest.raises(StoreFailed) as raised:
        list(in_workers(shares, work, 3))
    assert raised.value.kind == "damaged" and raised.value.detail == "row 7"
    with pytest.raises(SystemExit) as stopped:
        list(in_workers(shares, lambda share: sys.exit(3), 2))
    assert stopped.value.code == 3


def test_the_store_keeps_a_read_entry_exactly_as_read(tmp_path):
    from pelican.settings import DEFAULT_CONFIG

    from conftest import ACTORS, PROVINCES
    from tracker.build import site_slugify
    from tracker.model.entries import EntryParser
    from tracker.model.events import load_event_types
    from tracker.model.gazetteer import check_places
    from tracker.model.locations import Locations
    from tracker.model.record import record_from_json
    from tracker.model.vocabulary import load_vocabulary
    from tracker.problems import Reporter
    from tracker.reading.markup import Renderer
    from tracker.reading.reader import Reading, make_record, read_row

    slugify, reporter, zone = site_slugify(DEFAULT_CONFIG), Reporter(), ZoneInfo("Asia/Baghdad")
    vocabularies = {}
    for kind, text in (("province", PROVINCES), ("actor", ACTORS)):
        (tmp_path / kind).write_text(text, encoding="utf-8")
        vocabularies[kind] = load_vocabulary(str(tmp_path / kind), kind, reporter, slugify)
    (tmp_path / "places").write_text(
        "- name: Qaim\n  aliases: [Husaybah]\n  province: Anbar\n  lat: 34.4\n  lon: 41.1\n"
    )
    places = load_vocabulary(str(tmp_path / "places"), "place", reporter, slugify)
    vocabularies["place"] = check_places(places, vocabularies["province"], reporter)
    types = load_event_types(str(ROOT / "content/data/event_types.yaml"), reporter, slugify)
    parser = EntryParser(vocabularies, zone, reporter, slugify, event_types=types)
    settings = {**DEFAULT_CONFIG, "TRACKER_MARKDOWN_TIME_LIMIT": 5, "TRACKER_FRONT_MATTER_TIME_LIMIT": 5}
    reading = Reading(
        parser, Renderer(settings, 5, 5), Locations(settings, slugify), str(tmp_path), "p", "r", 50, "…"
    )
    path = tmp_path / "2014-06-23-x.md"
    path.write_text(
        entry(
            title="Every field",
            date="2014-06-22T23:30:00-05:00",
            covers="2014-06-20/2014-06-22",
            provinces="[Nineveh, Atlantis]",
            actors="[ISIL]",
            places="[Husaybah, Rawa]",
            tags="[oil, border]",
            sources='["Report <https://example.org/r>", "nowhere"]',
            summary="One line.",
            updated="2014-06-24",
            author="Desk",
            status="hidden",
            slug="every",
            events="\n  - {type: battle, sub_type: armed clash, place: Husaybah,"
            " actors: [ISIL, Nobody], fatalities: 3, date: 2014-06-21, claim: disputed,"
            " source: 'https://example.org/e', notes: A note}"
            "\n  - {type: protest, province: Atlantis}",
        ),
        encoding="utf-8",
    )
    row = read_row(str(path), reading)
    assert row.problems  # the unknown province and the source without a URL
    read = make_record(parser.parse(str(path), path.read_bytes()), tuple(row.html), row.digest, reading)
    again = record_from_json(
        str(path), json.loads(json.dumps(row.record)), tuple(row.html), vocabularies, zone
    )
    assert again == read and again.date.tzinfo is zone
    assert again.date == dt.datetime(2014, 6, 23, 7, 30, tzinfo=zone)
    assert again.provinces[0] is vocabularies["province"].resolve("Ninewa")  # the vocabulary's own term
    assert again.provinces[1].known is False and again.provinces[1].name == "Atlantis"
    assert again.places[0] is vocabularies["place"].resolve("Qaim") and again.places[1].name == "Rawa"
    assert [p.name for p in again.provinces] == ["Ninewa", "Atlantis", "Anbar"]  # Qaim's, implied
    assert len(again.events) == 2
    event, protest = again.events
    assert event.place is vocabularies["place"].resolve("Qaim") and event.actors[1].known is False
    assert (event.sub_type, event.fatalities, event.claim) == ("Armed clash", 3, "disputed")
    assert protest.type == "Protests" and protest.province.name == "Atlantis" and not protest.province.known


@pytest.mark.parametrize("settled", [False, True])
def test_an_edit_that_keeps_size_and_modification_time_is_noticed(site, tmp_path, monkeypatch, settled):
    if settled:
        # Files count as settled at once, so the next build compares file status (the change time
        # moves with any write) instead of digesting the bytes again.
        monkeypatch.setattr("tracker.reading.inventory.SETTLED_NS", 0)
    write_site(site, 6)
    assert site.build().returncode == 0
    store = sqlite3.connect(store_path(str(site.output)))
    remembered = store.execute("SELECT COUNT(*) FROM entries WHERE status IS NOT NULL").fetchone()[0]
    store.close()
    assert remembered == (6 if settled else 0)
    path = site.content / "entries/2014-06-03-e02.md"
    before = path.stat()
    text = path.read_text(encoding="utf-8")
    edited = text.replace("Entry 2", "Entry Z")  # same length, as a checkout of another branch may leave it
    assert len(edited) == len(text) and edited != text
    path.write_text(edited, encoding="utf-8")
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert path.stat().st_size == before.st_size and path.stat().st_mtime_ns == before.st_mtime_ns
    assert site.build().returncode == 0
    assert site.html("2014/06/03/e02/index.html").h1.get_text() == "Entry Z"
    clean = tmp_path / "clean"
    kept, site.output = site.output, clean
    assert site.build("-e", "TRACKER_CACHE=null").returncode == 0
    assert tree(kept) == tree(clean)


def test_a_theme_that_reads_more_is_never_stale(site, tmp_path):
    import shutil

    from conftest import ROOT

    theme = tmp_path / "theme"
    shutil.copytree(ROOT / "theme", theme)
    base = theme / "templates/base.html"
    base.write_text(
        base.read_text().replace(
            "  </div>\n  </footer>",
            '  <p class="count">{{ site.lists.count(("site",)) }} entries</p>\n  </div>\n  </footer>',
        )
    )
    write_site(site, 6)
    options = ("-e", f'THEME="{theme}"')
    assert site.build(*options).returncode == 0
    assert site.html("2014/06/02/e01/index.html").select_one("footer .count").get_text() == "6 entries"
    site.write("entries/2014-06-28-new.md", entry(title="New", date="2014-06-28", provinces="[Anbar]"))
    assert site.build(*options).returncode == 0
    for page in ("index.html", "2014/06/02/e01/index.html", "archives/index.html", "feeds/index.html"):
        assert site.html(page).select_one("footer .count").get_text() == "7 entries", page
    clean = tmp_path / "clean"
    kept, site.output = site.output, clean
    assert site.build(*options, "TRACKER_CACHE=null").returncode == 0
    assert tree(kept) == tree(clean)


COUNTING_PLUGIN = """
from pelican import signals
import json, os

seen = {"content": [], "feeds": []}

def content(path, context):
    seen["content"].append(os.path.relpath(path, context["OUTPUT_PATH"]))

def feed(path, context, feed):
    seen["feeds"].append(os.path.relpath(path, context["OUTPUT_PATH"]))

def done(pelican):
    with open(os.environ["COUNTING_LOG"], "a") as log:
        log.write(json.dumps(seen) + "\\n")

def register():
    signals.content_written.connect(content)
    signals.feed_written.connect(feed)
    signals.finalized.connect(done)
"""


def test_other_plugins_see_every_page_and_feed_on_every_build(site, tmp_path):
    from conftest import ROOT

    write_site(site, 6)
    plugins = tmp_path / "plugins"
    plugins.mkdir()
    (plugins / "counting.py").write_text(COUNTING_PLUGIN)
    log = tmp_path / "seen.log"
    options = [
        "-e",
        f'PLUGIN_PATHS=["{ROOT / "plugins"}", "{plugins}"]',
        'PLUGINS=["tracker", "counting"]',
        'FEED_DOMAIN="https://example.org"',
    ]
    for _ in range(2):  # the second build changes nothing and rewrites nothing
        result = site.pelican_process(*options, COUNTING_LOG=str(log))
        assert result.returncode == 0, result.stderr
    first, second = (json.loads(line) for line in log.read_text().splitlines())
    pages = sorted(p.relative_to(site.output).as_posix() for p in site.output.rglob("*.html"))
    assert sorted(first["content"]) == sorted(second["content"]) == pages
    feeds = sorted(
        p.relative_to(site.output).as_posix()
        for p in [*site.output.rglob("*.xml"), site.output / "feed.json"]
        if p.name != "sitemap.xml"
    )
    assert sorted(first["feeds"]) == sorted(second["feeds"]) == feeds and len(feeds) > 4


def test_a_damaged_store_costs_a_full_build_and_nothing_else(site, tmp_path):
    write_site(site, 6)
    assert site.build().returncode == 0
    path = Path(store_path(str(site.output)))
    good = path.read_bytes()
    clean = tmp_path / "clean"
    kept, site.output = site.output, clean
    assert site.build("-e", "TRACKER_CACHE=null").returncode == 0
    site.output = kept

    def wrong_shapes(database):
        database.execute("UPDATE entries SET head = '[1, 2]'")
        database.execute("UPDATE bodies SET record = '{\"title\": 5}'")

    def wrong_records(database):  # the heads are right: only a page that shows the body finds out
        database.execute("UPDATE bodies SET record = '{\"title\": 5}', html = 'not a list'")
        database.execute("UPDATE fragments SET item = '5', export = '[1]'")
        database.execute("UPDATE entries SET fragment_key = 'another build'")

    def another_format(database):
        database.execute("UPDATE meta SET value = 'another' WHERE key = 'format'")

    for damage in (
        b"\x00\xff not a database at all",
        good[: len(good) // 2],
        wrong_shapes,
        wrong_records,
        another_format,
    ):
        for suffix in ("-wal", "-shm"):
            Path(str(path) + suffix).unlink(missing_ok=True)
        if callable(damage):
            path.write_bytes(good)
            database = sqlite3.connect(path)
            damage(database)
            database.commit()
            database.close()
        else:
            path.write_bytes(damage)
        result = site.build()
        assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr
        assert tree(site.output) == tree(clean)
    # Damaged bodies and fragments under the right keys show only when a page needs them: here
    # every page, as the output folder is gone.
    for suffix in ("-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    path.write_bytes(good)
    database = sqlite3.connect(path)
    database.execute("UPDATE bodies SET record = '{\"title\": 5}', html = '[1'")
    database.execute("UPDATE fragments SET item = '[', export = '{\"entry\": 5}'")
    database.commit()
    database.close()
    shutil.rmtree(site.output)
    result = site.build()
    assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr
    assert tree(site.output) == tree(clean)


def test_a_broken_save_keeps_the_last_good_page_in_the_preview_until_it_is_fixed(tmp_path):
    from test_hostile_input import check, problem_lines

    site = Site(tmp_path)
    path = site.write(
        "entries/2014-06-22-one.md", entry("One", "2014-06-22", "First text.", provinces="[Anbar]")
    )
    assert site.build().returncode == 0
    page = site.output / "2014/06/22/one/index.html"
    good = page.read_bytes()
    time.sleep(2.1)  # past the settle time: the store remembers the file's status
    path.write_text("---\ntitle: One: broken\ndate: 2014-06-22\n---\nHalf-written text.\n", encoding="utf-8")
    broken = site.build()
    assert broken.returncode == 0 and "Traceback" not in broken.stderr
    assert "2014-06-22-one.md:2: error: invalid YAML" in broken.stderr
    assert "keeps the entry's last good version until this file is fixed" in broken.stderr
    assert page.read_bytes() == good  # the page, its lists and feeds as they were
    assert "One" in site.html("index.html").get_text()
    again = site.build()  # unchanged and still broken: still kept, still said
    assert page.read_bytes() == good and "invalid YAML" in again.stderr
    assert any("invalid YAML" in line for line in problem_lines(check(site)))  # check says it
    path.write_text(entry("One, fixed", "2014-06-22", "Fixed text.", provinces="[Anbar]"), encoding="utf-8")
    assert site.build().returncode == 0
    assert "Fixed text." in page.read_text(encoding="utf-8")


def full_build_lines(result) -> list[str]:
    return [line for line in result.stderr.splitlines() if line.startswith("info: full build:")]


def test_a_full_build_says_why_in_one_line(site, tmp_path):
    write_site(site, 3)
    overrides = tmp_path / "overrides"
    overrides.mkdir()
    footer = (ROOT / "theme/templates/base.html").read_text(encoding="utf-8")
    (overrides / "base.html").write_text(footer, encoding="utf-8")
    options = ("-e", f"THEME_TEMPLATES_OVERRIDES={json.dumps([str(overrides)])}")
    assert full_build_lines(site.build(*options)) == []  # the first build into a folder: said nothing
    assert full_build_lines(site.build(*options)) == []  # nothing changed: said nothing
    site.write("entries/2014-06-29-new.md", entry(title="New", date="2014-06-29", provinces="[Anbar]"))
    assert full_build_lines(site.build(*options)) == []  # an entry: not a full build

    assert full_build_lines(site.build(*options, "-e", 'SITENAME="Desk"')) == [
        "info: full build: setting SITENAME changed"
    ]
    (overrides / "base.html").write_text(footer.replace("</body>", "<!-- x --></body>"), encoding="utf-8")
    assert full_build_lines(site.build(*options, "-e", 'SITENAME="Desk"')) == [
        "info: full build: theme file base.html changed"
    ]
    site.write("data/actors.yaml", ACTORS + "- name: JRTN\n")
    assert full_build_lines(site.build(*options, "-e", 'SITENAME="Desk"')) == [
        "info: full build: data file data/actors.yaml changed"
    ]
    site.write("pages/about.md", "---\ntitle: About\n---\nThe desk.\n")  # in every page's menu
    assert full_build_lines(site.build(*options, "-e", 'SITENAME="Desk"')) == [
        "info: full build: every page's header or footer changed (the site's pages, feeds, places or data)"
    ]
    marker = json.loads((site.output / ".tracker-build.json").read_text())
    (site.output / ".tracker-build.json").write_text(json.dumps({**marker, "complete": False}))
    assert full_build_lines(site.build(*options, "-e", 'SITENAME="Desk"')) == [
        "info: full build: the last build into this output folder did not finish"
    ]
    quiet = site.build(*options, "-e", 'SITENAME="Quiet"', "-e", "TRACKER_QUIET=true")
    assert quiet.returncode == 0 and full_build_lines(quiet) == []
    os.remove(store_path(str(site.output), site.settings(*options).get("TRACKER_CACHE", "auto")))
    assert full_build_lines(site.build(*options, "-e", 'SITENAME="Quiet"')) == [
        "info: full build: no earlier build of this output folder in the entry store"
    ]


def test_why_a_build_is_full_names_the_library_upgraded_first():
    from tracker.build import why_full

    parts = {
        "code": "c",
        "versions": {"Python": "3.11.9", "Markdown": "3.11.3", "installed": "d"},
        "settings": {"SITENAME": "a"},
        "data": {},
        "theme": {"0:templates/base.html": "t"},
        "page types": {},
    }
    upgraded = {**parts, "versions": {**parts["versions"], "Markdown": "3.11.4", "installed": "e"}}
    assert why_full(parts, upgraded) == "Markdown 3.11.3 → 3.11.4"
    assert why_full(parts, {**parts, "versions": {**parts["versions"], "installed": "e"}}) == (
        "the installed packages or Python changed"
    )
    assert why_full(parts, {**parts, "code": "d"}) == "the tracker's code changed"
    assert why_full(parts, {**parts, "theme": {}}) == "theme file templates/base.html changed"
    many = {**parts, "settings": {"SITENAME": "b", "A": "1", "B": "2", "C": "3"}}
    assert why_full(parts, many) == "settings A, B and 2 more changed"
    assert why_full(parts, parts) == ""


def test_nothing_of_the_build_goes_through_the_settings_or_reaches_a_template(site, tmp_path):
    from pelican import Pelican

    from tracker.build import Build
    from tracker.reading.store import Store

    write_site(site, 3)
    overrides = tmp_path / "overrides"
    overrides.mkdir()
    (overrides / "404.html").write_text(
        "{% for name, value in self._TemplateReference__context.items() %}"
        "{{ name }}={{ value.__class__.__name__ }}\n{% endfor %}"
    )
    settings = site.settings("-e", f"THEME_TEMPLATES_OVERRIDES={json.dumps([str(overrides)])}")
    with contextlib.redirect_stderr(io.StringIO()):
        Pelican(settings).run()
    state = (Build, Store)
    assert not [k for k, v in settings.items() if isinstance(v, state) or not k.isupper()]
    context = dict(line.split("=", 1) for line in (site.output / "404.html").read_text().split("\n") if line)
    assert "SITENAME" in context and "TRACKER_PROVINCES" in context  # the settings, as Pelican gives them
    state = {"Build", "Store", "Session", "TrackerGenerator", "OutputState", "Inputs"}
    assert not [k for k, v in context.items() if v in state]
    assert not {"tracker_store", "tracker_kept", "tracker_defer", "TRACKER_BUILD"} & context.keys()


def test_pelicans_own_rebuilds_share_one_session(site):
    """`make regenerate` (pelican -r) runs again and again with one settings dict."""
    from pelican import Pelican

    write_site(site, 4)
    os.symlink(site.content / "entries", site.content / "entries/again")  # a loop: excluded
    settings = site.settings()
    runs = []
    for _ in range(3):
        stderr = io.StringIO()
        with contextlib.redirect_stderr(stderr), contextlib.redirect_stdout(io.StringIO()):
            Pelican(settings).run()
        runs.append((stderr.getvalue(), list(settings["ARTICLE_EXCLUDES"])))
    assert runs[1] == runs[2] and runs[0][1] == runs[1][1]  # the excludes do not grow
    assert "full build" not in runs[1][0] + runs[2][0]
    swapped = site.output.with_name("swapped")
    shutil.copytree(site.output, swapped)
    shutil.rmtree(site.output)
    swapped.rename(site.output)  # as a publish swaps a folder in
    stderr = io.StringIO()
    with contextlib.redirect_stderr(stderr), contextlib.redirect_stdout(io.StringIO()):
        with pytest.raises(SystemExit):
            Pelican(settings).run()
    assert "was replaced since this process first wrote it" in stderr.getvalue()


def test_a_process_that_builds_again_and_again_keeps_no_builds_garbage(site):
    """Tests, `pelican -r` and the devserver build many times in one process: what a build left
    is collected, never frozen for good with what lives on (memory grew by gigabytes)."""
    import gc

    write_site(site, 4)
    for _ in range(2):
        assert site.build().returncode == 0
    frozen = []
    for number in range(6):
        site.write("entries/2014-06-02-e01.md", entry(title=f"Entry 1, take {number}", date="2014-06-02"))
        assert site.build().returncode == 0
        frozen.append(gc.get_freeze_count())
    assert frozen == [0] * 6
