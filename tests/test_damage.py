"""A damaged, read-only, busy or shared store, compiled templates cut short, and output files
removed or edited by hand: every build still ends equal to a clean build, or says why not."""

import os
import random
import shutil
import sqlite3
import subprocess
import tempfile
from pathlib import Path

import pytest

from conftest import PELICAN, ROOT, Site, entry, one_language
from test_workflow import tree
from tracker.build import store_path
from tracker.writing.outfolder import user_cache_folder

# The sample's map, places and event types, and entries with events: every table of the store
# and every kind of output has rows.
ENTRIES = [
    ("2014-06-05-a", "Anbar", "Ramadi", "ISIS"),
    ("2014-06-10-b", "Ninewa", "Mosul", "ISF"),
    ("2014-06-21-c", "Anbar", "Qaim", "ISIS"),
    ("2014-07-02-d", "Kirkuk", "Hawija", "Peshmerga"),
    ("2014-07-18-e", "Ninewa", "Mosul", "ISIS"),
]
OPTIONS = ("-e", "DEFAULT_PAGINATION=2", 'SITEURL="https://tracker-desk.org"')


def write_entry(site: Site, name: str, province: str, place: str, actor: str, title: str = "") -> None:
    site.write(
        f"entries/{name}.md",
        entry(
            title=title or f"Entry {name}",
            date=name[:10],
            provinces=f"[{province}]",
            actors=f"[{actor}]",
            places=f"[{place}]",
            summary=f"What happened in {place}.",
            events=f"\n  - {{type: battle, place: {place}, actors: [{actor}], fatalities: 3}}",
            body=f"Fighting near {place}.",
        ),
    )


def make_site(root: Path) -> Site:
    site = Site(root)
    shutil.copytree(ROOT / "content/data", site.content / "data", dirs_exist_ok=True)
    for fields in ENTRIES:
        write_entry(site, *fields)
    return site


def store_of(site: Site) -> Path:
    return Path(store_path(str(site.output)))


def forget_store(site: Site) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(str(store_of(site)) + suffix).unlink(missing_ok=True)


def clean_tree(site: Site, *options: str) -> dict[str, str]:
    """The output of a clean build (no store) of the site as it is now."""
    kept, site.output = site.output, site.root / "clean"
    shutil.rmtree(site.output, ignore_errors=True)
    try:
        assert site.build(*OPTIONS, *options, "TRACKER_CACHE=null").returncode == 0
        return tree(site.output)
    finally:
        site.output = kept


def edit(site: Site, title: str) -> None:
    write_entry(site, *ENTRIES[2], title=title)


@pytest.fixture(scope="module")
def damage_site(tmp_path_factory):
    """A site, the size of the store a full build of it leaves, and the clean output after one edit."""
    site = make_site(tmp_path_factory.mktemp("damage"))
    assert site.build(*OPTIONS).returncode == 0
    size = store_of(site).stat().st_size
    edit(site, "Qaim falls")
    expected = clean_tree(site)
    edit(site, ENTRIES[2][0])
    return site, size, expected


def build_damaged(site: Site, damage, expected: dict[str, str]) -> str:
    """After a full build, the store it left damaged by `damage(bytes) -> bytes` and an entry
    edited, two builds, which must both end equal to a clean build; the first build's stderr."""
    edit(site, ENTRIES[2][0])
    shutil.rmtree(site.output, ignore_errors=True)
    forget_store(site)
    assert site.build(*OPTIONS).returncode == 0
    store = store_of(site)
    store.write_bytes(damage(store.read_bytes()))
    edit(site, "Qaim falls")
    first = site.build(*OPTIONS)
    assert first.returncode == 0 and "Traceback" not in first.stderr, first.stderr
    assert tree(site.output) == expected, first.stderr
    second = site.build(*OPTIONS)
    assert second.returncode == 0 and "warning" not in second.stderr, second.stderr
    assert tree(site.output) == expected
    return first.stderr


def zeroed(page: int):
    def damage(data: bytes) -> bytes:
        return data[: page * 4096] + bytes(4096) + data[(page + 1) * 4096 :]

    return damage


def flipped(at: int, bit: int):
    def damage(data: bytes) -> bytes:
        return data[:at] + bytes([data[at] ^ (1 << bit)]) + data[at + 1 :]

    return damage


def test_any_page_of_the_store_zeroed_costs_one_full_build_and_one_line(damage_site):
    site, size, expected = damage_site
    said = 0
    for page in range(size // 4096):
        stderr = build_damaged(site, zeroed(page), expected)
        lines = [line for line in stderr.splitlines() if "entry store" in line]
        assert len(lines) <= 1, stderr
        said += bool(lines)
        if lines:
            assert "warning: entry store damaged" in lines[0] and "reads every file" in lines[0]
    assert said >= size // 4096 // 2  # most pages hold something the build reads


def test_flipped_bits_anywhere_in_the_store_never_give_a_wrong_page(damage_site):
    site, size, expected = damage_site
    rng = random.Random(31)
    for _ in range(40):
        build_damaged(site, flipped(rng.randrange(100, size - 4096), rng.randrange(8)), expected)


def changed(sql: str):
    def damage(data: bytes) -> bytes:
        with tempfile.TemporaryDirectory() as scratch:
            copy = Path(scratch) / "store.sqlite"
            copy.write_bytes(data)
            database = sqlite3.connect(copy)
            database.execute(sql)
            database.commit()
            database.close()
            return copy.read_bytes()

    return damage


def test_a_value_changed_behind_the_stores_back_fails_its_checksum(damage_site):
    site, size, expected = damage_site
    for sql in (
        "UPDATE shards SET files = X'00'",  # an unreadable search-shard value
        "UPDATE bodies SET record = X'0102030405060708' || CAST('{\"title\": 5}' AS BLOB)",
        "UPDATE entries SET head = NULL",
        "UPDATE meta SET value = 'not sealed' WHERE key = 'template_reads'",
        "DELETE FROM fragments",
        "DELETE FROM bodies",
    ):
        stderr = build_damaged(site, changed(sql), expected)
        assert "warning: entry store damaged" in stderr, sql


def restricted(command: list[str]) -> list[str]:
    """`command` run without the power to ignore file permissions (which root has), so that a
    read-only file is read-only for it."""
    if os.geteuid() != 0:
        return command
    if shutil.which("setpriv") is None:
        pytest.skip("running as root without setpriv: a read-only file cannot be made read-only")
    return ["setpriv", "--bounding-set=-dac_override,-dac_read_search,-fowner", "--", *command]


def build_restricted(site: Site) -> subprocess.CompletedProcess:
    command = [str(PELICAN), str(site.content), "-o", str(site.output), "-s", str(ROOT / "pelicanconf.py")]
    command += [*one_language(OPTIONS), "TRACKER_ENTRY_RULES={}"]
    return subprocess.run(restricted(command), cwd=site.root, capture_output=True, text=True, timeout=120)


def test_a_read_only_store_or_cache_folder_is_said_and_the_pages_are_right(tmp_path, monkeypatch):
    site = make_site(tmp_path)
    cache = tmp_path / "cache"
    monkeypatch.setenv("XDG_CACHE_HOME", str(cache))
    assert site.build(*OPTIONS).returncode == 0
    store = store_of(site)
    folder = Path(user_cache_folder())
    try:
        # The store file read-only (as a full disk also leaves it): the edit is built, and said.
        store.chmod(0o444)
        edit(site, "Qaim falls")
        expected = clean_tree(site)
        built = build_restricted(site)
        assert built.returncode == 0 and "Traceback" not in built.stderr, built.stderr
        assert "warning: entry store cannot be written" in built.stderr
        assert tree(site.output) == expected
        # The cache folder read-only, without a store (left so by an earlier build as another user).
        store.chmod(0o600)
        forget_store(site)
        folder.chmod(0o555)
        edit(site, "Qaim falls again")
        expected = clean_tree(site)
        built = build_restricted(site)
        assert built.returncode == 0 and "Traceback" not in built.stderr, built.stderr
        assert "entry store cannot be written" in built.stderr
        assert tree(site.output) == expected
        # No cache folder at all, and none can be made.
        folder.chmod(0o700)
        edit(site, "Qaim falls a third time")
        expected = clean_tree(site)
        shutil.rmtree(folder)
        cache.chmod(0o555)
        built = build_restricted(site)
        assert built.returncode == 0 and "Traceback" not in built.stderr, built.stderr
        assert "entry store cannot be written" in built.stderr
        assert tree(site.output) == expected
    finally:
        cache.chmod(0o700)
        if folder.exists():
            folder.chmod(0o700)
            store.chmod(0o600) if store.exists() else None
    # Writable again: the next builds keep the store, and say nothing.
    assert site.build(*OPTIONS).returncode == 0
    quiet = site.build(*OPTIONS)
    assert "entry store" not in quiet.stderr and tree(site.output) == expected


def test_compiled_templates_cut_short_or_changed_are_compiled_again(tmp_path):
    site = make_site(tmp_path)
    assert site.build(*OPTIONS).returncode == 0
    expected = tree(site.output)
    compiled = sorted((Path(user_cache_folder()) / "templates").rglob("*.cache"))
    assert compiled
    for damage in ("truncate", "flip", "empty"):
        for path in compiled:
            data = bytearray(path.read_bytes())
            if damage == "truncate":
                data = data[: len(data) // 2]
            elif damage == "flip":
                data[len(data) // 2] ^= 0x20
            else:
                data = bytearray()
            path.write_bytes(bytes(data))
        shutil.rmtree(site.output)
        built = site.pelican_process(*OPTIONS)
        assert built.returncode == 0 and "Traceback" not in built.stderr, built.stderr
        assert tree(site.output) == expected


def test_a_store_another_build_holds_is_said_to_be_busy(tmp_path):
    site = make_site(tmp_path)
    assert site.build(*OPTIONS).returncode == 0
    holder = sqlite3.connect(store_of(site))
    holder.execute("BEGIN EXCLUSIVE")
    try:
        edit(site, "Qaim falls")
        built = site.build(*OPTIONS)
    finally:
        holder.rollback()
        holder.close()
    assert built.returncode == 0 and "Traceback" not in built.stderr, built.stderr
    assert "entry store in use by another build" in built.stderr
    assert "damaged" not in built.stderr
    assert tree(site.output) == clean_tree(site)


def test_output_files_removed_or_edited_by_hand_are_written_again(tmp_path):
    site = make_site(tmp_path)
    assert site.build(*OPTIONS).returncode == 0
    expected = tree(site.output)
    shards = sorted((site.output / "pagefind").rglob("*.pf_meta"))
    assert shards
    # With nothing else changed (the build that would write nothing), and with an edit.
    for change in ("nothing", "an edit"):
        for name in ("index.html", "provinces/anbar/rss.xml", "data/events.csv", "2014/06/05/a/index.html"):
            (site.output / name).unlink()
        shards[0].unlink()
        (site.output / "actors/isis/index.html").write_text("edited by hand", encoding="utf-8")
        with open(site.output / "feed.json", "a", encoding="utf-8") as handle:
            handle.write(" ")
        if change == "an edit":
            edit(site, "Qaim falls")
            expected = clean_tree(site)
        built = site.build(*OPTIONS)
        assert built.returncode == 0, built.stderr
        assert tree(site.output) == expected, change


def test_a_store_that_fails_while_pages_are_rendered_still_ends_as_a_clean_build(tmp_path):
    """The model made again from the files may differ from the store's (here: which of two entries
    with one slug keeps it): its outputs and their paths are settled again before rendering."""
    site = Site(tmp_path)
    site.write("entries/2014-06-10-dup.md", entry("A dup", "2014-06-10", provinces="[Anbar]"))
    site.write("entries/2014-06-12-other.md", entry("Other", "2014-06-12", provinces="[Anbar]"))
    assert site.build(*OPTIONS).returncode == 0
    site.write("entries/2014-06-01-dup.md", entry("B dup", "2014-06-01", provinces="[Anbar]"))
    assert "duplicate slug 'dup'" in site.build(*OPTIONS).stderr
    database = sqlite3.connect(store_of(site))
    database.execute("DELETE FROM fragments")  # found missing only when a list is rendered
    database.commit()
    database.close()
    site.write("entries/2014-06-12-other.md", entry("Other, edited", "2014-06-12", provinces="[Anbar]"))
    built = site.build(*OPTIONS)
    assert built.returncode == 0 and "warning: entry store damaged" in built.stderr, built.stderr
    assert tree(site.output) == clean_tree(site)
    assert tree(site.output) == (site.build(*OPTIONS), tree(site.output))[1] == clean_tree(site)


def test_an_earlier_versions_store_is_started_again_without_a_word(tmp_path):
    site = make_site(tmp_path)
    store = store_of(site)
    store.parent.mkdir(parents=True, exist_ok=True)
    database = sqlite3.connect(store)
    database.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
    database.execute("INSERT INTO meta VALUES ('format', '2')")
    database.commit()
    database.close()
    built = site.build(*OPTIONS)
    assert built.returncode == 0 and "entry store" not in built.stderr, built.stderr
    assert tree(site.output) == clean_tree(site)
