"""The archive is the record: no command deletes, drops or leaks it, whatever OUTPUTDIR is,
however a build dies, whatever else writes into the folder at the same time."""

import json
import os
import pickle
import subprocess
import time
from importlib import metadata
from pathlib import Path

import pytest

from conftest import ROOT, devserver, entry, fetch, wait_for
from test_workflow import make, publishconf, tree
from tracker.build import store_path
from tracker.writing.outfolder import MARKER, OutputLock


def fill(site, drafts=True):
    site.write(
        "entries/2014-06-01-one.md",
        entry(title="One", date="2014-06-01", provinces="[Anbar]", actors="[ISIS]"),
    )
    site.write(
        "entries/2014-06-02-two.md",
        entry(title="Two", date="2014-06-02", provinces="[Ninewa]", actors="[ISF]"),
    )
    if drafts:
        site.write(
            "entries/2014-06-03-secret.md", entry(title="Secret draft", date="2014-06-03", status="draft")
        )


def lines(result):
    return [
        line
        for line in result.stderr.splitlines()
        if not line.startswith("make") or line.startswith(("make publish:", "make html:", "make clean:"))
    ]


def publish(site, output=None, conf=None, **kwargs):
    args = ["publish", f"INPUTDIR={site.content}", f"OUTPUTDIR={output or site.output}"]
    return make(*args, *([f"PUBLISHCONF={conf}"] if conf else []), cwd=site.root, **kwargs)


@pytest.mark.parametrize("target", ["content", "root", "project", "current", "home", "inside"])
def test_no_command_writes_into_or_replaces_a_folder_holding_the_archive(site, target, monkeypatch):
    fill(site)
    home = site.root / "home"
    (home / "notes").mkdir(parents=True)
    (home / "notes/keep.txt").write_text("mine")
    folders = {
        "content": site.content,
        "root": Path("/"),
        "project": ROOT,
        "current": site.root,
        "home": home,
        "inside": site.content / "entries" / "out",
    }
    before_content, before_home = tree(site.content), tree(home)
    for command in ("publish", "html", "clean"):
        result = subprocess.run(
            [
                "make",
                "-s",
                "-f",
                str(ROOT / "Makefile"),
                command,
                f"INPUTDIR={site.content}",
                f"OUTPUTDIR={folders[target]}",
                f"PUBLISHDIR={folders[target]}",
            ],
            cwd=site.root,
            capture_output=True,
            text=True,
            timeout=120,
            env={**os.environ, "HOME": str(home)},
        )
        assert result.returncode != 0, (command, result.stdout)
        refusal = [line for line in result.stderr.splitlines() if ": error: output folder" in line]
        assert len(refusal) == 1 and "choose another OUTPUTDIR" in refusal[0], result.stderr
        assert "Traceback" not in result.stderr and "published" not in result.stdout
    assert tree(site.content) == before_content and tree(home) == before_home
    assert not (site.content / "entries" / "out").exists()


def test_a_folder_this_tool_did_not_write_is_refused_unless_it_holds_only_retained_files(site):
    fill(site)
    site.output.mkdir()
    (site.output / "report.docx").write_text("someone's work")
    for command in ("html", "publish", "clean"):
        result = make(command, f"INPUTDIR={site.content}", f"OUTPUTDIR={site.output}", cwd=site.root)
        assert result.returncode != 0 and "holds files that no build of this tool wrote" in result.stderr, (
            command
        )
    assert sorted(os.listdir(site.output)) == ["report.docx"]
    os.remove(site.output / "report.docx")
    (site.output / ".git").mkdir()  # a fresh Pages checkout: only what OUTPUT_RETENTION keeps
    assert publish(site).returncode == 0
    assert (site.output / ".git").is_dir() and (site.output / "index.html").is_file()


def test_a_plain_file_as_output_folder_is_an_error_and_is_left_alone(site):
    fill(site)
    target = site.root / "output.txt"
    target.write_text("not a folder")
    for command in ("publish", "html"):
        result = make(command, f"INPUTDIR={site.content}", f"OUTPUTDIR={target}", cwd=site.root)
        assert (
            result.returncode != 0
            and "is a file, not a folder" in result.stderr
            and "Traceback" not in result.stderr
        )
    assert target.read_text() == "not a folder"


def test_a_symbolic_link_publishes_into_its_target_every_time(site, tmp_path):
    fill(site)
    www = tmp_path / "www"
    (www / "tracker").mkdir(parents=True)
    link = site.root / "output"
    link.symlink_to(www / "tracker")
    for title in ("One", "One, corrected"):
        site.write("entries/2014-06-01-one.md", entry(title=title, date="2014-06-01", provinces="[Anbar]"))
        result = publish(site)
        assert result.returncode == 0, result.stderr
        assert link.is_symlink() and os.readlink(link) == str(www / "tracker")
        assert (www / "tracker/2014/06/01/one/index.html").read_text(encoding="utf-8").count(title) >= 1
    assert sorted(p.name for p in www.iterdir()) == ["tracker"]  # nothing left beside it
    assert not list((www / "tracker").rglob("drafts"))


def test_publish_keeps_what_output_retention_names_and_removes_leftovers_of_killed_publishes(site):
    fill(site)
    conf = publishconf(site, OUTPUT_RETENTION=[".git", "CNAME"])
    assert publish(site, conf=conf).returncode == 0
    (site.output / ".git").mkdir()
    (site.output / ".git/HEAD").write_text("ref: refs/heads/gh-pages\n")
    (site.output / "CNAME").write_text("tracker.example.org\n")
    leftover = site.root / ".output.new-k1lled"
    (leftover / "2014").mkdir(parents=True)
    result = publish(site, conf=conf)
    assert result.returncode == 0, result.stderr
    assert f"make publish: removed {leftover}, left by an interrupted publish" in result.stderr
    assert (site.output / ".git/HEAD").read_text() == "ref: refs/heads/gh-pages\n"
    assert (site.output / "CNAME").read_text() == "tracker.example.org\n"
    beside = sorted(
        p.name for p in site.root.iterdir() if p.name != "__pycache__"
    )  # the settings' compiled copy
    assert beside == ["content", "output", "publishconf_test.py"]


def test_an_older_interrupted_swap_is_restored_and_never_deleted(site):
    fill(site)
    assert publish(site).returncode == 0
    published = tree(site.output)
    old = site.root / ".output.old"
    site.output.rename(old)  # killed between the two renames of an older version's swap
    result = make(
        "html", f"INPUTDIR={site.content}", f"OUTPUTDIR={site.output}", cwd=site.root
    )  # a preview build meanwhile
    assert result.returncode == 0
    preview = tree(site.output)
    site.write("entries/2014-06-04-typo.md", entry(title="Typo", date="2014-06-04", provinces="[Anbarr]"))
    failed = publish(site)
    assert failed.returncode != 0 and "Traceback" not in failed.stderr
    assert "an interrupted publish left" in failed.stderr and "neither is deleted" in failed.stderr
    assert tree(old) == published and tree(site.output) == preview  # both kept, as they were
    site.output.rename(site.root / "preview")
    os.remove(site.content / "entries/2014-06-04-typo.md")
    restored = publish(site)
    assert (
        restored.returncode == 0
        and f"make publish: restored {site.output} from an interrupted publish" in restored.stderr
    )
    assert not old.exists() and (site.output / "index.html").is_file()


def test_a_mount_point_is_refused_before_building(site, tmp_path):
    fill(site)
    source, mount = tmp_path / "device", tmp_path / "mnt"
    source.mkdir()
    mount.mkdir()
    if subprocess.run(["mount", "--bind", str(source), str(mount)], capture_output=True).returncode != 0:
        pytest.skip("bind mounts need privileges this machine does not give")
    try:
        result = publish(site, output=mount)
        assert (
            result.returncode != 0
            and "is a mount point, which cannot be replaced in one step" in result.stderr
        )
        assert "Done" not in result.stdout and os.listdir(mount) == []
        for _ in range(2):  # a preview build into a mount point is fine, and so is cleaning it
            assert (
                make("html", f"INPUTDIR={site.content}", f"OUTPUTDIR={mount}", cwd=site.root).returncode == 0
            )
        cleaned = make("clean", f"INPUTDIR={site.content}", f"OUTPUTDIR={mount}", cwd=site.root)
        assert cleaned.returncode == 0 and os.listdir(mount) == [] and "Traceback" not in cleaned.stderr
    finally:
        subprocess.run(["umount", str(mount)], check=False)


def test_a_second_build_of_one_folder_waits_for_the_first(site):
    fill(site)
    lock = OutputLock(str(site.output))
    lock.acquire("test")  # a build that is still running
    try:
        second = subprocess.Popen(
            [
                "make",
                "-s",
                "-f",
                str(ROOT / "Makefile"),
                "html",
                f"INPUTDIR={site.content}",
                f"OUTPUTDIR={site.output}",
            ],
            cwd=site.root,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        time.sleep(3)
        assert second.poll() is None and not site.output.exists()  # waiting, nothing written
    finally:
        lock.release()
    out, err = second.communicate(timeout=120)
    assert second.returncode == 0, err
    assert f"build: waiting for another build of {site.output} to finish" in err
    assert (site.output / "index.html").is_file()


def test_a_devserver_never_writes_into_a_folder_a_publish_swapped_in(site):
    fill(site)
    with devserver(site, cwd=site.root) as (port, log, _):
        assert wait_for(lambda: "Done: " in log.read_text()), log.read_text()
        assert fetch(f"http://127.0.0.1:{port}/") and (site.output / "drafts/secret/index.html").is_file()
        published = publish(site)
        assert published.returncode == 0, published.stderr
        before = tree(site.output)
        time.sleep(1)
        site.write(
            "entries/2014-06-02-two.md", entry(title="Two, edited", date="2014-06-02", provinces="[Ninewa]")
        )
        assert wait_for(lambda: "was replaced since this process first wrote it" in log.read_text()), (
            log.read_text()
        )
        time.sleep(1)
        assert tree(site.output) == before  # no drafts, no local links written into the published site
        assert not (site.output / "drafts").exists()


def clean_build(site, tmp_path, *options):
    """The tree of a clean build of the same content and settings (no cache), for comparison."""
    clean = tmp_path / "clean"
    kept, site.output = site.output, clean
    try:
        assert site.build("-e", "TRACKER_CACHE=null", *options).returncode == 0
    finally:
        site.output = kept
    return tree(clean)


def without_marker(files):
    return {name: digest for name, digest in files.items() if name != MARKER}


def test_the_marker_lists_exactly_what_a_build_wrote(site):
    fill(site)
    assert site.build().returncode == 0
    marker = json.loads((site.output / MARKER).read_text())
    assert marker["complete"] is True and sorted(marker["files"]) == sorted(without_marker(tree(site.output)))


def test_html_after_publish_into_the_same_folder_is_a_clean_preview_build(site, tmp_path):
    fill(site)
    assert make("html", f"INPUTDIR={site.content}", f"OUTPUTDIR={site.output}", cwd=site.root).returncode == 0
    assert publish(site).returncode == 0
    assert make("html", f"INPUTDIR={site.content}", f"OUTPUTDIR={site.output}", cwd=site.root).returncode == 0
    # (`make` builds with the sample's settings: two languages)
    assert tree(site.output) == clean_build(site, tmp_path, 'TRACKER_LANGUAGES=["en", "ar"]')
    assert "https://tracker-desk.org" not in (site.output / "index.html").read_text(encoding="utf-8")


def test_a_full_rebuild_removes_pages_of_removed_drafted_and_hidden_entries(site, tmp_path):
    fill(site)
    for n in range(3, 9):
        site.write(
            f"entries/2014-06-1{n}-e{n}.md", entry(title=f"E{n}", date=f"2014-06-1{n}", provinces="[Kirkuk]")
        )
    assert site.build("-e", "DEFAULT_PAGINATION=2").returncode == 0
    assert (site.output / "provinces/kirkuk/page/2/index.html").is_file()  # six entries: three pages
    os.remove(site.content / "entries/2014-06-13-e3.md")
    site.write(
        "entries/2014-06-14-e4.md", entry(title="E4", date="2014-06-14", provinces="[Kirkuk]", status="draft")
    )
    site.write(
        "entries/2014-06-15-e5.md",
        entry(title="E5", date="2014-06-15", provinces="[Kirkuk]", status="hidden"),
    )
    site.write(
        "data/provinces.yaml", (site.content / "data/provinces.yaml").read_text() + "- name: Basra\n"
    )  # full rebuild
    assert site.build("-e", "DEFAULT_PAGINATION=2").returncode == 0
    assert not (site.output / "2014/06/13").exists() and not (site.output / "2014/06/14").exists()
    assert not (site.output / "provinces/kirkuk/page/2").exists()  # three entries: the front page only
    assert tree(site.output) == clean_build(site, tmp_path, "DEFAULT_PAGINATION=2")


def test_a_build_that_died_half_way_is_not_trusted_by_the_next(site, tmp_path):
    fill(site)
    assert site.build().returncode == 0
    # What a build killed half-way leaves: a marker that says incomplete and lists what it might have
    # written, pages rendered from a change that has since been undone, and a page of an entry it added.
    marker = json.loads((site.output / MARKER).read_text())
    page = site.output / "2014/06/01/one/index.html"
    page.write_text(page.read_text(encoding="utf-8").replace("One", "Half-written"), encoding="utf-8")
    (site.output / "2014/06/05/gone").mkdir(parents=True)
    (site.output / "2014/06/05/gone/index.html").write_text("from the dead build")
    marker.update(complete=False, files=marker["files"] + ["2014/06/05/gone/index.html"])
    (site.output / MARKER).write_text(json.dumps(marker))
    assert site.build().returncode == 0
    assert tree(site.output) == clean_build(site, tmp_path)


def cache_file(site):
    """The entry store of the test site's output folder, or None."""
    path = Path(store_path(str(site.output)))
    return path if path.is_file() else None


def test_make_clean_removes_what_builds_wrote_and_the_cache_and_keeps_the_rest(site):
    fill(site)
    assert make("html", f"INPUTDIR={site.content}", f"OUTPUTDIR={site.output}", cwd=site.root).returncode == 0
    cache = cache_file(site)
    assert cache is not None
    (site.output / "CNAME").write_text("tracker.example.org\n")
    result = make("clean", f"INPUTDIR={site.content}", f"OUTPUTDIR={site.output}", cwd=site.root)
    assert result.returncode == 0, result.stderr
    assert sorted(os.listdir(site.output)) == ["CNAME"]
    assert not cache.exists()


class Planted:
    """A pickle that would create a file if it were ever unpickled."""

    def __init__(self, sentinel):
        self.sentinel = sentinel

    def __reduce__(self):
        return (os.system, (f"touch {self.sentinel}",))


def test_a_planted_store_never_runs_code_and_drafts_never_sit_beside_the_output(site):
    fill(site)
    sentinel = site.root / "pwned"
    assert site.build().returncode == 0
    path = cache_file(site)
    assert path is not None and path.stat().st_mode & 0o077 == 0  # the user's only
    assert path.parent.stat().st_mode & 0o077 == 0
    payload = pickle.dumps({"format": 1, "key": "x", "entries": Planted(sentinel), "outputs": {}})
    for planted in (site.root / ".output.tracker-cache", path):  # where the old cache was, and the store
        planted.write_bytes(payload)
    (site.root / "victim").write_text("untouched")
    for suffix in ("-wal", "-journal"):
        Path(str(path) + suffix).symlink_to(site.root / "victim")
    result = site.build()
    assert result.returncode == 0 and not sentinel.exists(), result.stderr
    assert (site.root / "victim").read_text() == "untouched"
    assert cache_file(site) is not None  # a store started again
    for other in site.root.iterdir():  # nothing beside the output folder holds a draft's text
        if other.is_file():
            assert b"Secret draft" not in other.read_bytes(), other


def test_an_upgraded_markdown_renders_every_page_again(site, tmp_path):
    fill(site, drafts=False)
    assert site.build().returncode == 0
    fake = tmp_path / "newer"
    (fake / "markdown-99.0.dist-info").mkdir(parents=True)
    (fake / "markdown-99.0.dist-info/METADATA").write_text(
        "Metadata-Version: 2.1\nName: Markdown\nVersion: 99.0\n"
    )
    # Markdown finds its extensions through its entry points: the newer version has the same ones.
    (fake / "markdown-99.0.dist-info/entry_points.txt").write_text(
        metadata.distribution("markdown").read_text("entry_points.txt")
    )
    page = site.output / "2014/06/01/one/index.html"
    page.write_text(
        page.read_text(encoding="utf-8") + "<!-- rendered by the old version -->", encoding="utf-8"
    )
    time.sleep(0.05)
    since = time.time_ns()
    result = site.pelican_process(PYTHONPATH=str(fake))
    assert result.returncode == 0, result.stderr
    assert page.stat().st_mtime_ns >= since and "old version" not in page.read_text(encoding="utf-8")


def test_environment_failures_are_one_line(site, tmp_path):
    fill(site, drafts=False)
    missing = make(
        "html", f"INPUTDIR={site.root / 'nothing-here'}", f"OUTPUTDIR={site.output}", cwd=site.root
    )
    assert missing.returncode != 0 and "Traceback" not in missing.stderr
    assert (
        f"make html: error: content folder '{site.root / 'nothing-here'}' does not exist (INPUTDIR)"
        in missing.stderr
    )
    folder_cache = tmp_path / "a-folder"
    folder_cache.mkdir()
    result = site.build("-e", f'TRACKER_CACHE="{folder_cache}"')
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert (
        f"settings: error: TRACKER_CACHE: '{folder_cache}' is a folder (expected a file name)"
        in result.stderr
    )
    not_a_folder = tmp_path / "cache-home"
    not_a_folder.write_text("a file where the cache folder would be")
    result = site.pelican_process(XDG_CACHE_HOME=str(not_a_folder))
    assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr
    assert "build: warning: no lock on" in result.stderr and (site.output / "index.html").is_file()
    source, readonly = tmp_path / "ro-source", tmp_path / "ro"
    source.mkdir()
    readonly.mkdir()
    if (
        subprocess.run(
            ["mount", "--bind", "-o", "ro", str(source), str(readonly)], capture_output=True
        ).returncode
        != 0
    ):
        return  # read-only mounts need privileges; root ignores permission bits
    try:
        subprocess.run(["mount", "-o", "remount,bind,ro", str(readonly)], check=False)
        for command in ("html", "publish"):
            result = make(command, f"INPUTDIR={site.content}", f"OUTPUTDIR={readonly / 'out'}", cwd=site.root)
            assert result.returncode != 0 and "Traceback" not in result.stderr, result.stderr
            assert "cannot be written" in result.stderr or "cannot create a folder" in result.stderr, (
                result.stderr
            )
    finally:
        subprocess.run(["umount", str(readonly)], check=False)


def test_the_status_scan_of_a_large_output_folder_finds_what_was_removed_or_edited(tmp_path):
    """Past `StatusScan.FORK_FROM` files the statuses are taken by a forked process."""
    from tracker.writing.outfolder import StatusScan, file_status, read_marker, write_marker

    names = [f"{n // 100}/{n}/index.html" for n in range(StatusScan.FORK_FROM + 100)]
    for name in names:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(name, encoding="utf-8")
    write_marker(str(tmp_path), True, set(names))
    known = {name: file_status(str(tmp_path / name)) for name in names}
    (tmp_path / names[5]).unlink()
    (tmp_path / names[-1]).write_text("edited by hand", encoding="utf-8")
    copy = tmp_path / names[7]  # copied over itself (a CI cache restored): a new inode, the same bytes
    data = copy.read_bytes()
    copy.unlink()
    copy.write_bytes(data)
    scan = StatusScan(str(tmp_path))
    assert scan.altered(read_marker(str(tmp_path)), known) == ({names[5], names[-1]}, {names[7]})
    assert StatusScan(str(tmp_path)).altered(read_marker(str(tmp_path)), {}) == (set(), set())
