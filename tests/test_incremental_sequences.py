"""Random sequences of edits: after every step, the incremental build equals a clean build."""

import contextlib
import io
import json
import os
import shutil
import subprocess
from pathlib import Path

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from pelican import Pelican

from conftest import PELICAN, ROOT, Site, entry, one_language
from test_workflow import tree
from tracker.build import store_path
from tracker.devserver import Builds, SearchRefresher, rebuild
from tracker.session import Session

# `make test` runs 60 sequences of up to 12 steps; `make test-long` many more (TRACKER_FUZZ_EXAMPLES).
EXAMPLES = int(os.environ.get("TRACKER_FUZZ_EXAMPLES", "300")) // 3 or 1
LENGTH = 12
PROVINCES = ["Anbar", "Ninewa", "Kirkuk", "Basra"]
ACTORS = ["ISIS", "ISF", "Peshmerga"]
PLACES = {"Anbar": "Ramadi", "Ninewa": "Mosul", "Kirkuk": "Hawija", "Basra": "Basra"}  # the sample's

steps = st.one_of(
    st.tuples(
        st.just("add"),
        st.integers(1, 28),
        st.sampled_from(PROVINCES),
        st.sampled_from(ACTORS),
        st.sampled_from([6, 6, 6, 4, 7, 10]),  # other months: other archives, search shards, map windows
    ),
    st.tuples(st.just("body"), st.integers(0, 99), st.text(alphabet="abc *#\n", max_size=30)),
    st.tuples(st.just("terms"), st.integers(0, 99), st.sampled_from(PROVINCES), st.sampled_from(ACTORS)),
    st.tuples(st.just("title"), st.integers(0, 99), st.sampled_from(["Qaim", "Rawa", "Ana"])),
    st.tuples(st.just("events"), st.integers(0, 99), st.sampled_from([None, 0, 3, 12]), st.integers(0, 2)),
    st.tuples(st.just("status"), st.integers(0, 99), st.sampled_from(["draft", "hidden", "published"])),
    st.tuples(st.just("rename"), st.integers(0, 99)),
    st.tuples(st.just("remove"), st.integers(0, 99)),
    st.tuples(
        st.just("vocabulary"), st.sampled_from(["add Atlantis", "alias", "rename Kirkuk", "move Ramadi"])
    ),
    st.tuples(st.just("template"), st.sampled_from(["footer", "entry count"])),
    # A date moved across list pages, months and search shards; tags, author, a correction.
    st.tuples(st.just("date"), st.integers(0, 99), st.sampled_from([4, 6, 6, 7, 10]), st.integers(1, 28)),
    st.tuples(st.just("tags"), st.integers(0, 99), st.sampled_from([(), ("siege",), ("siege", "oil")])),
    st.tuples(st.just("author"), st.integers(0, 99), st.sampled_from(["", "Desk", "A. Writer"])),
    st.tuples(st.just("correction"), st.integers(0, 99), st.sampled_from([None, 1, 2])),
    st.tuples(st.just("page"), st.sampled_from(["add", "edit", "remove", "link an entry"])),
    st.tuples(st.just("static"), st.sampled_from(["add", "edit", "remove"])),
    st.tuples(st.just("map"), st.sampled_from(["move a corner", "drop Basra"])),
    st.tuples(st.just("setting"), st.sampled_from(["pagination", "sitename", "workers", "one worker"])),
    # What happens to a store and an output folder: damage, and files removed or edited by hand.
    st.tuples(st.just("damage"), st.integers(0, 10**6), st.sampled_from(["zero a page", "flip a bit"])),
    st.tuples(st.just("output"), st.integers(0, 10**6), st.sampled_from(["remove", "edit"])),
)
# A translation of an entry added, edited or removed (the site gains its second language with the
# first such step: each language's pages, feeds and search apart, translations linked both ways).
TRANSLATION = st.tuples(st.just("translate"), st.integers(0, 99), st.sampled_from(["add", "edit", "remove"]))
# A read-only store or cache folder (what a full disk also leaves): the step's build runs without
# root's power to write read-only files, in a process of its own.
READ_ONLY = st.tuples(st.just("read-only"), st.sampled_from(["store", "cache folder"]))


class Edits:
    """Entries of a small site, edited step by step."""

    def __init__(self, site: Site) -> None:
        self.site, self.fields, self.serial = site, {}, 0
        self.base: tuple[str, ...] = ()  # the site's options (see `small_site`)
        self.settings: dict[str, object] = {}  # settings the steps changed
        self.touched: set[str] = set()  # the files written or removed, as a devserver's watcher sees them
        for n in range(6):
            self.add(n * 3 + 1, PROVINCES[n % 3], ACTORS[n % 3])

    def write(self, name: str) -> None:
        title, date, province, actor, body, status, (fatalities, count), tags, author, corrected = (
            self.fields[name]
        )
        self.touched.add(str(self.site.content / f"entries/{name}.md"))
        more = {"tags": f"[{', '.join(tags)}]"} if tags else {}
        more |= {"author": author} if author else {}
        if corrected:
            more |= {"updated": f"2014-11-{corrected:02d}", "correction": f"Correction {corrected}."}
        figure = "" if fatalities is None else f", fatalities: {fatalities}"
        event = f"\n  - {{type: battle, place: {PLACES[province]}, actors: [{actor}]{figure}}}"
        self.site.write(
            f"entries/{name}.md",
            entry(
                title=title,
                date=date,
                provinces=f"[{province}]",
                actors=f"[{actor}]",
                places=f"[{PLACES[province]}]",
                events=event * count if count else "[]",
                body=body,
                status=status,
                **more,
            ),
        )

    def pick(self, n: int) -> str | None:
        names = sorted(self.fields)
        return names[n % len(names)] if names else None

    def add(self, day: int, province: str, actor: str, month: int = 6) -> None:
        self.serial += 1
        date = f"2014-{month:02d}-{day:02d}"
        name = f"{date}-e{self.serial}"
        self.fields[name] = [
            f"Entry {self.serial}",
            date,
            province,
            actor,
            "Body.",
            "published",
            (2, 1),
            (),
            "",
            None,
        ]
        self.write(name)

    def apply(self, step: tuple) -> None:
        kind, *args = step
        if kind == "add":
            self.add(*args)
            return
        if kind == "vocabulary":
            self.vocabulary(args[0])
            return
        if kind == "template":
            self.template(args[0])
            return
        if kind == "damage":
            self.damage(*args)
            return
        if kind == "output":
            self.output(*args)
            return
        if kind in ("page", "static", "map"):
            getattr(self, kind)(args[0])
            return
        if kind == "setting":
            self.setting(args[0])
            return
        if kind == "translate":
            self.translate(*args)
            return
        name = self.pick(args[0])
        if name is None:
            return
        if kind == "remove":
            os.remove(self.site.content / f"entries/{name}.md")
            self.touched.add(str(self.site.content / f"entries/{name}.md"))
            del self.fields[name]
            return
        if kind == "rename":
            os.remove(self.site.content / f"entries/{name}.md")
            self.touched.add(str(self.site.content / f"entries/{name}.md"))
            self.fields[name + "-moved"] = self.fields.pop(name)
            self.write(name + "-moved")
            return
        column = {"body": 4, "title": 0, "status": 5, "tags": 7, "author": 8, "correction": 9}
        if kind == "date":
            self.fields[name][1] = f"2014-{args[1]:02d}-{args[2]:02d}"
        elif kind == "events":
            self.fields[name][6] = tuple(args[1:3])
        elif kind == "terms":
            self.fields[name][2:4] = args[1:3]
        else:
            self.fields[name][column[kind]] = args[1]
        self.write(name)

    def page(self, change: str) -> None:
        """A page of the site: added, edited, removed, or linking an entry with `{filename}`."""
        path = self.site.content / "pages/desk.md"
        self.touched.add(str(path))
        if change == "remove":
            path.unlink(missing_ok=True)
            return
        names = sorted(self.fields)
        link = (
            f" See [an entry]({{filename}}/entries/{names[0]}.md)."
            if change == "link an entry" and names
            else ""
        )
        words = "The desk, edited." if change == "edit" else "The desk."
        self.site.write("pages/desk.md", f"---\ntitle: The desk\n---\n{words}{link}\n")

    def static(self, change: str) -> None:
        """A static file (an entry links it with `{static}`): added, edited, removed."""
        path = self.site.content / "files/brief.txt"
        self.touched.add(str(path))
        if change == "remove":
            path.unlink(missing_ok=True)
        else:
            self.site.write("files/brief.txt", "A brief, edited.\n" if change == "edit" else "A brief.\n")

    def map(self, change: str) -> None:
        """The province map: a corner moved, or a province's shape dropped."""
        import json

        path = self.site.content / "data/provinces.geojson"
        data = json.loads(path.read_text(encoding="utf-8"))
        if change == "drop Basra":
            data["features"] = [f for f in data["features"] if f["properties"].get("name") != "Basra"]
        else:
            ring = data["features"][0]["geometry"]["coordinates"][0]
            ring[0][0] = ring[-1][0] = round(ring[0][0] + 0.05, 3)
        path.write_text(json.dumps(data), encoding="utf-8")
        self.touched.add(str(path))

    def setting(self, change: str) -> None:
        """A setting changed for the builds from now on (the clean build gets it too)."""
        if change == "pagination":
            self.settings["DEFAULT_PAGINATION"] = 3 if self.settings.get("DEFAULT_PAGINATION", 2) == 2 else 2
        elif change == "sitename":
            self.settings["SITENAME"] = "Desk" if self.settings.get("SITENAME") != "Desk" else "Tracker"
        else:  # how many workers read and render: the output is the same
            self.settings["TRACKER_WORKERS"] = 3 if change == "workers" else 1
            self.settings["TRACKER_PARALLEL_MIN"] = 0

    def translate(self, n: int, change: str) -> None:
        """An entry's Arabic translation (its file's name, so its slug, is the entry's) added,
        edited or removed; the site has Arabic from the first such step on."""
        self.settings["TRACKER_LANGUAGES"] = ["en", "ar"]
        name = self.pick(n)
        if name is None:
            return
        path = self.site.content / f"entries/ar/{name}.md"
        self.touched.add(str(path))
        if change == "remove":
            if path.exists():
                path.unlink()
            return
        title, date, province, actor = self.fields[name][:4]
        edited = change == "edit" and path.exists() and "(محدّث)" not in path.read_text(encoding="utf-8")
        self.site.write(
            f"entries/ar/{name}.md",
            entry(
                title=f"ترجمة: {title}" + (" (محدّث)" if edited else ""),
                date=date,
                provinces=f"[{province}]",
                actors=f"[{actor}]",
                body="نص الترجمة." + (" وفقرة أخرى." if edited else ""),
                lang="ar",
            ),
        )

    def options(self) -> tuple[str, ...]:
        """The options of every build from now on: the site's, and the settings the steps changed."""
        return (*self.base, *(f"{k}={json.dumps(v)}" for k, v in self.settings.items()))

    def vocabulary(self, change: str) -> None:
        path = self.site.content / ("data/places.yaml" if change == "move Ramadi" else "data/provinces.yaml")
        text = path.read_text(encoding="utf-8")
        if change == "add Atlantis" and "Atlantis" not in text:
            text += "\n- name: Atlantis\n  map: false\n"
        elif change == "alias":
            text = text.replace('aliases: ["Al Anbar",', 'aliases: ["Anbar Province", "Al Anbar",')
        elif change == "rename Kirkuk":
            text = text.replace(
                '- name: Kirkuk\n  slug: kirkuk\n  aliases: ["Kerkuk",',
                '- name: Kirkuk Governorate\n  slug: kirkuk\n  aliases: ["Kirkuk", "Kerkuk",',
            )
        elif change == "move Ramadi":
            text = text.replace("lat: 33.42\n  lon: 43.30", "lat: 33.43\n  lon: 43.31")
        path.write_text(text, encoding="utf-8")
        self.touched.add(str(path))

    def damage(self, at: int, how: str) -> None:
        """Zero one 4 KiB page of the store, or flip one bit of it."""
        path = Path(store_path(str(self.site.output)))
        if not path.exists():
            return
        data = bytearray(path.read_bytes())
        if how == "zero a page":
            page = at % max(len(data) // 4096, 1)
            data[page * 4096 : (page + 1) * 4096] = bytes(len(data[page * 4096 : (page + 1) * 4096]))
        else:
            data[at % len(data)] ^= 1 << (at % 8)
        path.write_bytes(bytes(data))

    def output(self, at: int, how: str) -> None:
        """Remove an output file, or edit one, by hand."""
        files = sorted(
            p for p in self.site.output.rglob("*") if p.is_file() and p.name != ".tracker-build.json"
        )
        if not files:
            return
        chosen = files[at % len(files)]
        if how == "remove":
            chosen.unlink()
        else:
            chosen.write_bytes(chosen.read_bytes() + b" ")

    def template(self, change: str) -> None:
        base = self.site.root / "theme/templates/base.html"
        text = base.read_text(encoding="utf-8")
        if change == "footer":
            text = text.replace("All entries</a>", "Every entry</a>", 1)
        else:
            # A value the change rules do not follow for every page: every page renders every build.
            text = text.replace(
                "  </div>\n  </footer>",
                '  <p>{{ site.lists.count(("site",)) }} entries</p>\n  </div>\n  </footer>',
                1,
            )
        base.write_text(text, encoding="utf-8")
        self.touched.add(str(base))


def assert_equals_a_clean_build(site, options, sequence, number):
    """The output folder equals a clean build (no cache) of the same content and settings."""
    clean, kept = site.root / f"clean-{number}", site.output
    site.output = clean
    try:
        assert site.build(*options, "TRACKER_CACHE=null").returncode == 0
    finally:
        site.output = kept
    assert tree(kept) == tree(clean), (
        sequence[: number + 1],
        set(tree(kept).items()) ^ set(tree(clean).items()),
    )
    shutil.rmtree(clean)


def small_site(tmp_path_factory) -> tuple[Site, tuple[str, ...], Edits]:
    """A small site with its own copy of the theme (so that steps can edit it), and its options."""
    site = Site(tmp_path_factory.mktemp("sequence"))
    shutil.copytree(ROOT / "theme", site.root / "theme")
    shutil.copytree(ROOT / "content/data", site.content / "data", dirs_exist_ok=True)  # map, places, events
    options = (
        "-e",
        "DEFAULT_PAGINATION=2",
        f'THEME="{site.root / "theme"}"',
        'SITEURL="https://example.org"',
        'STATIC_PATHS=["files"]',
    )
    edits = Edits(site)
    edits.base = options
    return site, options, edits


sequences = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


# 60 sequences in `make test` (100 before languages: each build now costs about half as much
# again, see the closing note of issue 35); `make test-long` runs ten times as many.
@settings(sequences, max_examples=EXAMPLES * 3 // 5)
# (A translation step is one draw in 16 of the edits: a site builds every language from its first
# one on, at twice the cost.)
@given(
    sequence=st.lists(
        st.one_of(st.one_of(*[steps] * 15, TRANSLATION), READ_ONLY), min_size=1, max_size=LENGTH
    )
)
# A translation added, then its entry renamed (no longer its translation) and the translation edited.
@example(sequence=[("translate", 0, "add"), ("rename", 0), ("translate", 0, "edit"), ("translate", 1, "add")])
def test_after_every_edit_the_incremental_build_equals_a_clean_build(tmp_path_factory, sequence):
    site, options, edits = small_site(tmp_path_factory)
    assert site.build(*options).returncode == 0
    for number, step in enumerate(sequence):
        if step[0] == "read-only":
            built = build_with_a_read_only_store(site, edits.options(), step[1])
        else:
            edits.apply(step)
            built = site.build(*edits.options())
        assert built.returncode == 0 and "Traceback" not in built.stderr, built.stderr
        assert_equals_a_clean_build(site, edits.options(), sequence, number)


def build_with_a_read_only_store(site, options, what: str):
    """A build (after an edit) that finds the store, or the cache folder it is in, read-only."""
    from test_damage import restricted

    name = sorted((site.content / "entries").glob("*.md"))[0]
    name.write_text(name.read_text(encoding="utf-8").replace("Body.", "Body, edited.", 1), encoding="utf-8")
    path = Path(store_path(str(site.output)))
    command = [str(PELICAN), str(site.content), "-o", str(site.output), "-s", str(ROOT / "pelicanconf.py")]
    command += [*one_language(options), "TRACKER_ENTRY_RULES={}"]
    made_read_only = path if what == "store" else path.parent
    mode = made_read_only.stat().st_mode & 0o777
    made_read_only.chmod(0o444 if what == "store" else 0o555)
    try:
        built = subprocess.run(
            restricted(command), cwd=site.root, capture_output=True, text=True, timeout=300
        )
    finally:
        made_read_only.chmod(mode)
    # Said as what it cannot do, or, when an earlier step damaged it, as damage (the store is then
    # started again, writable).
    assert "entry store cannot be written" in built.stderr or "entry store damaged" in built.stderr, (
        built.stderr
    )
    return built


@settings(sequences, max_examples=max(EXAMPLES // 10, 1))  # each waits for Pagefind between builds
@given(sequence=st.lists(steps, min_size=1, max_size=6))
# Found by this test: a search file edited by hand under a devserver was kept (the store took the
# edited file for its shard's files while the shard was being indexed again).
@example(sequence=[("output", 1638, "edit")])
def test_devserver_rebuilds_in_one_process_equal_a_clean_build(tmp_path_factory, sequence):
    """As `make devserver` rebuilds: one Pelican and one settings dict for every build, the store
    and the last build's heads kept in memory, only the files the watcher names looked at, the
    store saved after the pages are told, templates compiled once, search shards indexed in the
    background and written by the next rebuild."""
    site, options, edits = small_site(tmp_path_factory)
    settings_ = site.settings(*options)
    instance, builds, search = Pelican(settings_), Builds(), SearchRefresher()
    session = Session("devserver")
    done = 0

    def build_and_index():
        """A rebuild, and when it left search shards to index, the rebuild that writes them once
        they are ready (as the devserver's loop does)."""
        nonlocal done
        rebuild(instance, session, builds, search)
        done += 1
        if session.build.pending_shards:
            assert search.ready.wait(120)
            session.changed = set()
            rebuild(instance, session, builds, search)
            done += 1
            assert not session.build.pending_shards
        assert builds.number == done  # every rebuild finished without an error

    try:
        with contextlib.redirect_stdout(io.StringIO()):
            build_and_index()
            for number, step in enumerate(sequence):
                edits.touched.clear()
                edits.apply(step)
                session.changed = set(edits.touched)
                build_and_index()
                assert_equals_a_clean_build(site, options, sequence, number)
    finally:
        search.stop()
