"""The state of one build, in three parts: what the build reads (settings, vocabularies, the
entry parser, the map, the keys that say what changed), the entry store, and the output
folder's state (its lock and marker, what this build plans and writes).

A build is started when Pelican asks for generators and held by the build session
(`session.py`) until Pelican is done; a devserver's session keeps the store between builds.
"""

from __future__ import annotations

import inspect
import json
import os
import sys
import time
from dataclasses import dataclass, field
from functools import lru_cache, partial
from importlib import metadata
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from pelican import signals
from pelican.utils import slugify

from .model import language
from .model.config import TrackerSettings
from .model.digests import digest_bytes
from .model.entries import EntryParser
from .model.events import EventTypes, load_event_types
from .model.gazetteer import check_places
from .model.geo import ProvinceMap, check_place_locations, load_map
from .model.language import Language, catalogue_problems, language_problems
from .model.locations import Locations
from .model.vocabulary import Vocabulary, load_vocabulary
from .problems import Problem, Reporter
from .reading import inventory as files
from .reading.inventory import Inventory, file_status, own_discovery, pelican_settings, take_inventory
from .reading.markup import Renderer
from .reading.reader import Reading
from .reading.store import Store, StoreFailed, remove_store
from .session import Session
from .settings import DEFAULT_EVENT_TYPES, DEFAULT_MAP, INTERNAL, address_problems, check_settings
from .writing.outfolder import (
    FolderRefused,
    Marker,
    OutputLock,
    StatusScan,
    altered_files,
    check_output_folder,
    empty_scratch,
    output_key,
    read_marker,
    user_cache_folder,
)
from .writing.pagetypes import registry

PLUGIN = os.path.dirname(os.path.abspath(__file__))
# Settings left out of the build key: the tool's own (but whether it publishes, which makes the
# placeholder address an error), and those that say where or how a build works rather than what
# it makes (a publish builds into a new folder every time; any number of workers writes the
# same bytes).
UNKEYED = (INTERNAL - {"TRACKER_PUBLISHING"}) | {
    "OUTPUT_PATH",
    "TRACKER_CACHE",
    "TRACKER_LOCK",
    "TRACKER_WORKERS",
    "TRACKER_PARALLEL_MIN",
}


@dataclass
class Inputs:
    """What the build reads, loaded and checked once at its start."""

    settings: dict[str, Any]  # Pelican's, for what Pelican and the URL patterns read
    config: TrackerSettings  # the tracker's, typed
    reporter: Reporter
    vocabularies: dict[str, Vocabulary]
    parser: EntryParser
    slugify: Any
    province_map: ProvinceMap | None
    inventory: Inventory
    entry_folders: list[str]  # the site's ARTICLE_PATHS, which Pelican no longer reads
    parse_key: str  # what parsing reads besides an entry's bytes
    render_key: str  # what rendering a body reads besides its text
    build_key: str  # what every output is made with besides the entries (theme, settings, vocabulary ...)
    parts: dict[str, Any] = field(default_factory=dict)  # the build key's parts (see `build_parts`)

    @property
    def root(self) -> str:
        return self.config.path

    def renderer(self) -> Renderer:
        return Renderer.of(self.settings, self.config)

    def reading(self) -> Reading:
        return Reading(
            self.parser,
            self.renderer(),
            Locations(self.settings, self.slugify),
            self.root,
            self.parse_key,
            self.render_key,
            self.settings.get("SUMMARY_MAX_LENGTH"),
            self.settings.get("SUMMARY_END_SUFFIX") or "…",
        )


@dataclass
class OutputState:
    """The output folder as this build finds and leaves it."""

    path: str
    lock: OutputLock | None = None
    marker: Marker = field(default_factory=Marker)  # as the build found it
    planned: set[str] = field(default_factory=set)  # every file the build may write
    produced: set[str] = field(default_factory=set)  # every file the build wrote or kept
    changed: set[str] = field(default_factory=set)  # files the build wrote or removed
    trusted: bool = False  # the folder is as the store's last build left it
    known: dict[str, str] = field(default_factory=dict)  # its files' statuses when that build ended
    altered: set[str] = field(default_factory=set)  # files changed or removed since, not by a build
    copied: set[str] = field(default_factory=set)  # files copied since (the same bytes, a new status)
    statics: set[str] = field(default_factory=set)  # files Pelican copies (again on every build)

    def release(self) -> None:
        if self.lock is not None:
            self.lock.release()
            self.lock = None


@dataclass
class Build:
    """One build: inputs, entry store, output state."""

    inputs: Inputs
    store: Store
    output: OutputState
    session: Session
    finished: bool = False
    views: dict[str, str] = field(default_factory=dict)  # entry path -> view digest rendered this build
    pending_shards: dict = field(default_factory=dict)  # shards a deferred build leaves to index
    shards: dict = field(
        default_factory=dict
    )  # search shards as this build leaves them: name -> (digest, files)
    chrome: str = ""  # what every page's header and footer show
    refused: list[str] = field(default_factory=list)  # entries whose output path was refused
    pages: tuple[int, int, int] = (0, 0, 0)  # Pelican's pages written: shown, hidden, drafts
    template_reads: Any = None  # which names each template reads (writing/templates.py)
    fingerprint: str = ""  # every input's identity ("" when one cannot be told: see `fingerprint`)
    unchanged: bool = False  # nothing changed since the last build: nothing to read, model or write
    statics: str = ""  # a digest of the static files' output paths
    resolved: dict[str, str] = field(default_factory=dict)  # entry path -> where its links led (a digest)
    said_full: bool = False  # a line said why this build renders every output

    def stop(self) -> None:
        """A build that stops before writing: the store as it was (closed unless a devserver keeps
        it open), the output folder unlocked."""
        self.store.rollback()
        if self.session.store is not self.store:
            self.store.close()
        self.output.release()

    @classmethod
    def start(cls, session: Session, settings: dict[str, Any]) -> Build:
        """Check the settings, load what the build reads, open the store and claim the output."""
        previous = session.build
        if previous is not None:
            previous.output.release()  # a devserver rebuild after a build that died half-way
        reporter = Reporter(check_settings(settings))
        if reporter.count("error"):
            reporter.print()  # every problem with the settings, then stop before reading anything
            raise SystemExit(1)
        reporter.problems += address_problems(settings)  # fails the build, stops no check
        config = session.settings = TrackerSettings.of(settings)
        reporter.quiet = config.quiet
        scan = None if config.check else StatusScan(config.output_path)
        if session.discovery is None:
            session.discovery = own_discovery(settings)
        inputs = load_inputs(settings, config, reporter, session.discovery)
        language.use(site_language(settings, config, reporter))
        output = OutputState(config.output_path)
        if config.check:
            store = Store(None)
        else:
            claim_output(output, settings, config, session.identity)
            store = session.store
            if store is None or store.path != store_path(config.output_path, config.cache):
                store = open_store(store_path(config.output_path, config.cache))
                if session.deferred and store.path is not None:
                    session.store = store  # a devserver keeps it open between rebuilds
        build = session.build = cls(inputs, store, output, session)
        try:
            build.take_stock(scan)
        except StoreFailed as failure:
            build.restart_store(failure)
            build.take_stock(scan)
        return build

    def take_stock(self, scan: StatusScan | None = None) -> None:
        """Whether the output folder is as the store's last build left it (and which of its files
        were removed or edited since), and whether nothing changed since (nothing to read, model
        or write)."""
        store, output, config = self.store, self.output, self.inputs.config
        output.trusted = bool(
            output.marker.complete
            and output.marker.digest
            and output.marker.digest == store.meta("output_state")
            and store.meta("build_key") == self.inputs.build_key
        )
        self.say_why_full()
        if output.trusted:  # a file removed or edited by hand is written again
            output.known = store.outputs()
            output.altered, output.copied = (
                scan.altered(output.marker, output.known)
                if scan
                else altered_files(output.path, output.known)
            )
        elif scan is not None:
            scan.wait()  # before any worker is forked
        if not config.check and not self.session.deferred:
            self.fingerprint = fingerprint(self.inputs)
            self.unchanged = bool(
                output.trusted
                and not output.altered
                and self.fingerprint
                and self.fingerprint == store.meta("fingerprint")
                and not (signals.content_written.receivers or signals.feed_written.receivers)
            )

    def say_why_full(self) -> None:
        """One line when this build renders every output, and why (not in a check, which writes
        nothing, nor after a line that already said so, nor for the first build into a folder)."""
        store = self.store
        if self.said_full or store.damage or self.inputs.config.check or self.output.trusted:
            return
        if not self.output.marker.exists:
            return  # a new folder: every build into it is full
        before = store.meta("build_parts")
        if store.path is None:
            why = "no entry store (TRACKER_CACHE is empty)"
        elif store.fresh:
            why = "another version of the tracker built this folder last"
        elif not before:
            why = "no earlier build of this output folder in the entry store"
        elif store.meta("build_key") != self.inputs.build_key:
            why = why_full(json.loads(before), self.inputs.parts) or "what every page is made with changed"
        elif not self.output.marker.complete:
            why = "the last build into this output folder did not finish"
        else:
            why = "the output folder is not as the entry store last knew it"
        self.say_full(why)

    def say_full(self, why: str) -> None:
        """Say, once, that this build renders every output, and why."""
        if not self.said_full and not self.inputs.config.quiet:
            print(f"info: full build: {why}", file=sys.stderr, flush=True)
        self.said_full = True

    def restart_store(self, failure: StoreFailed) -> None:
        """The store failed this build: say why, and go on with an empty one (a new file where the
        damaged one was, else one in memory), so that this build reads every file and renders
        every output. Nothing the failed store said is used again."""
        old = self.store
        say_store_failed(old.path, failure)
        self.said_full = True
        old.rollback()
        old.close()
        store = Store(None)
        if failure.kind == "damaged" and old.path is not None and not old.fresh:
            try:
                store = Store.again(old.path)
            except StoreFailed as again:
                say_store_failed(old.path, again)
        self.store = store
        if self.session.deferred:
            self.session.store = store if store.path is not None else None
        self.session.kept = None  # what a devserver kept came from the failed store
        self.output.trusted = False
        self.unchanged = False

    def save_store(self) -> None:
        """Commit the store (see `forget_store` for when that fails)."""
        try:
            self.store.commit()
        except StoreFailed as failure:
            self.forget_store(failure)

    def forget_store(self, failure: StoreFailed) -> None:
        """The store cannot keep this build (its outputs are written, and right): say so, and
        leave the store as the last build left it, which makes the next build read every file
        (the output folder is not the one it knew), or remove it when it is damaged."""
        old = self.store
        say_store_failed(old.path, failure, saving=True)
        old.rollback()
        old.close()
        if failure.kind == "damaged":
            remove_store(old.path)
        self.store = Store(None)
        if self.session.deferred:
            self.session.store = None
        self.session.kept = None


def open_store(path: str | None) -> Store:
    """The store at `path`; one in memory (and a line that says why) when it cannot be had."""
    try:
        store = Store(path)
    except StoreFailed as failure:
        say_store_failed(path, failure)
        return Store(None)
    if store.damage:
        say_store_failed(path, StoreFailed("damaged", store.damage))
    return store


def say_store_failed(path: str | None, failure: StoreFailed, saving: bool = False) -> None:
    """One line on what went wrong with the store and what the build does about it."""
    consequence = (
        "the next build reads every file" if saving else "this build reads every file and renders every page"
    )
    if failure.kind == "damaged":
        text = f"entry store damaged ({failure.detail}); started again: {consequence}"
    elif failure.kind == "busy":
        text = (
            f"entry store in use by another build ({failure.detail}; do two sites share TRACKER_CACHE?); "
            f"{consequence}, and keeps nothing"
        )
    else:
        text = (
            f"entry store cannot be written ({failure.detail}); {consequence}, and keeps nothing "
            "(free some space, or make the cache folder yours and writable)"
        )
    print(f"{path or 'entry store'}: warning: {text}", file=sys.stderr, flush=True)


def fingerprint(inputs: Inputs) -> str:
    """The identity of everything a build reads: the build key (code, libraries, settings, theme,
    vocabularies, map) and the status of every entry and page file; "" when a file changed too
    recently to tell a later change in the same clock tick apart (see `known_stamp`)."""
    settled = time.time_ns() - files.SETTLED_NS
    parts = [inputs.build_key]
    for path in inputs.inventory.sources:
        status = file_status(path)
        if status is None or status[2] >= settled:
            return ""
        parts.append(f"{path}\0{status}")
    return digest_bytes(*parts)


def load_inputs(
    settings: dict[str, Any], config: TrackerSettings, reporter: Reporter, own: dict[str, list[str]]
) -> Inputs:
    """The vocabularies, gazetteer, event types and map named by the settings, the parser built on
    them, the inventory of entry and page files (Pelican's discovery pointed at it, from the
    site's `own` discovery settings), and the keys."""
    slug = site_slugify(settings)
    root = config.path
    vocabularies = {
        kind: load_vocabulary(os.path.join(root, name), kind, reporter, slug, config.language)
        for kind, name in (("province", config.provinces), ("actor", config.actors))
    }
    vocabularies["place"] = load_gazetteer(config, vocabularies["province"], reporter, slug)
    parser = EntryParser(
        vocabularies,
        ZoneInfo(settings["TIMEZONE"]),
        reporter,
        slug,
        config.date_only_time,
        dict(config.entry_rules),
        config.check,
        load_types(config, reporter, slug),
        config.covers_max_days,
        config.languages,
    )
    province_map = load_province_map(config, vocabularies, reporter)
    folders = list(config.entry_paths)
    inventory = take_inventory(root, folders + settings["PAGE_PATHS"], settings["STATIC_PATHS"], reporter)
    pelican_settings(settings, inventory, own)
    parts = build_parts(settings)
    files = list(parts["data"].values())
    code, versions = parts["code"], json.dumps(parts["versions"], sort_keys=True)
    settings_part = json.dumps(parts["settings"], sort_keys=True)
    return Inputs(
        settings,
        config,
        reporter,
        vocabularies,
        parser,
        slug,
        province_map,
        inventory,
        folders,
        digest_bytes("parse", code, versions, settings_part, *files),
        digest_bytes(
            "render",
            code,
            versions,
            repr(sorted(settings["MARKDOWN"].items(), key=repr)),
            repr(config.raw_html),
            repr(settings.get("SUMMARY_MAX_LENGTH")),
            repr(settings.get("SUMMARY_END_SUFFIX")),
        ),
        digest_bytes("build", json.dumps(parts, sort_keys=True)),
        parts,
    )


# The files besides entries and pages that every output may read: vocabularies, map, places, types.
DATA_FILES = ("TRACKER_PROVINCES", "TRACKER_ACTORS", "TRACKER_MAP", "TRACKER_PLACES", "TRACKER_EVENT_TYPES")


def site_language(settings: dict[str, Any], config: TrackerSettings, reporter: Reporter) -> Language:
    """The site's language, with the theme's catalogue for it (`make check` lists the words it
    leaves in English)."""
    code = config.language.replace("-", "_")
    found = Language.of(
        code,
        config.locales.get(code, ""),
        config.digits,
        os.path.join(settings["THEME"], "translations"),
    )
    reporter.problems += [
        Problem(path, line, "warning", text) for path, line, text in catalogue_problems(found)
    ]
    if config.check:
        reporter.problems += [
            Problem(path, line, "info", text) for path, line, text in language_problems(found)
        ]
    return found


def build_parts(settings: dict[str, Any]) -> dict[str, Any]:
    """What every output is made with besides the entries, kept apart so that a full build can say
    what changed: each setting, each file of the theme, the tracker's code, each library's version
    and each data file, by digest."""
    root = settings["PATH"]
    return {
        "settings": settings_digests(settings),
        "theme": tree_digests(*settings.get("THEME_TEMPLATES_OVERRIDES", []), settings["THEME"]),
        "code": tree_digest(PLUGIN),
        "page types": page_type_digests(),
        "versions": library_versions(),
        "data": {
            settings.get(key) or key: digest_bytes(
                Path(root, settings[key]).read_bytes()
                if settings.get(key) and os.path.isfile(os.path.join(root, settings[key]))
                else b""
            )
            for key in DATA_FILES
        },
    }


def page_type_digests() -> dict[str, str]:
    """Each page type a site's own plugin registered (see writing/pagetypes/registry.py) -> what
    its functions run (the tracker's own are in its code's digest)."""
    own = "tracker."
    return {
        page_type.kind: digest_bytes(repr(plain(list(vars(page_type).values()), set())))
        for page_type in registry.PAGE_TYPES
        if not page_type.render.__module__.startswith(own)
    }


def why_full(before: dict[str, Any], now: dict[str, Any]) -> str:
    """What changed between the parts of two build keys, in a few words ("" when nothing did)."""
    if before.get("code") != now["code"]:
        return "the tracker's code changed"
    old, new = before.get("versions", {}), now["versions"]
    changed = [k for k in sorted(new.keys() | old.keys()) if old.get(k) != new.get(k)]
    if changed:
        said = [
            f"{k} {old.get(k, 'absent')} → {new.get(k, 'absent')}"
            for k in changed
            if k not in ("installed", "Python build")
        ]
        return ", ".join(said[:3]) if said else "the installed packages or Python changed"
    parts = (
        ("page types", "page type"),
        ("settings", "setting"),
        ("data", "data file"),
        ("theme", "theme file"),
    )
    for part, what in parts:
        old, new = before.get(part, {}), now[part]
        changed = [k for k in sorted(new.keys() | old.keys()) if old.get(k) != new.get(k)]
        if changed:
            names = [k.split(":", 1)[-1] for k in changed] if part == "theme" else changed
            more = f" and {len(changed) - 2} more" if len(changed) > 2 else ""
            plural = "s" if len(changed) > 1 else ""
            return f"{what}{plural} {', '.join(names[:2])}{more} changed"
    return ""


def claim_output(
    output: OutputState, settings: dict[str, Any], config: TrackerSettings, seen: tuple[int, int] | None
) -> None:
    """Check the output folder, lock it, and make sure it is the folder this process wrote before
    (`seen`: a devserver must not write into a folder that a publish swapped in under it)."""
    try:
        check_output_folder(output.path, settings)
        if config.lock:
            output.lock = OutputLock(output.path)
            output.lock.acquire("build")
        now = folder_identity(output.path)
        if seen and now and seen != now:
            raise FolderRefused(
                f"output folder '{output.path}' was replaced since this process first wrote it "
                "(by make publish?); not writing into it: restart the server"
            )
    except FolderRefused as refused:
        output.release()
        print(f"error: {refused}", file=sys.stderr)
        raise SystemExit(1) from None
    output.marker = read_marker(output.path)
    empty_scratch(output.path)


def folder_identity(path: str) -> tuple[int, int] | None:
    """(device, inode) of a folder, or None when there is none."""
    try:
        info = os.stat(path)
    except OSError:
        return None
    return info.st_dev, info.st_ino


def store_path(output_path: str, cache: str | None = "auto") -> str | None:
    """The store of an output folder: `cache` (TRACKER_CACHE), or for "auto" a file per output
    folder in the user's cache folder (None: the store lives in memory, and every build reads
    every file)."""
    if cache != "auto":
        return cache or None
    return os.path.join(user_cache_folder(create=False), output_key(output_path) + ".sqlite")


def language_cache(cache: str | None, code: str) -> str | None:
    """The store of another language's build, when the settings name the default language's
    (TRACKER_CACHE): beside it, with the language's code ("auto" and none stay as they are)."""
    if not cache or cache == "auto":
        return cache
    stem, suffix = os.path.splitext(cache)
    return f"{stem}.{code}{suffix}"


def load_gazetteer(config: TrackerSettings, provinces: Vocabulary, reporter: Reporter, slug) -> Vocabulary:
    """The places named by TRACKER_PLACES, checked against the provinces; a site without the
    default file has an empty gazetteer (and its entries' places are plain names)."""
    setting = config.places
    path = os.path.join(config.path, setting or "")
    if not setting or not os.path.isfile(path):
        return Vocabulary("place", "")
    return check_places(load_vocabulary(path, "place", reporter, slug, config.language), provinces, reporter)


# ACLED's event types, built in: a site without its own file (at the default place) uses these.
BUILT_IN_TYPES = os.path.join(PLUGIN, "event_types.yaml")


def types_file(config: TrackerSettings) -> str | None:
    """The event types' file: the one TRACKER_EVENT_TYPES names, the built-in ones when the site
    has none at the default place, or None when the setting is None (a site without events)."""
    setting = config.event_types
    if not setting:
        return None
    path = os.path.join(config.path, setting)
    if os.path.isfile(path):
        return path
    return BUILT_IN_TYPES if setting == DEFAULT_EVENT_TYPES else None


def load_types(config: TrackerSettings, reporter: Reporter, slug) -> EventTypes | None:
    """The event types of the site (see `types_file`)."""
    path = types_file(config)
    return load_event_types(path, reporter, slug) if path else None


def load_province_map(
    config: TrackerSettings, vocabularies: dict[str, Vocabulary], reporter: Reporter
) -> ProvinceMap | None:
    """The GeoJSON named by TRACKER_MAP, or None: a site without the default file has no map."""
    setting = config.map
    path = os.path.join(config.path, setting or "")
    if not setting or (setting == DEFAULT_MAP and not os.path.exists(path)):
        return None
    province_map = load_map(path, vocabularies["province"], reporter)
    if province_map is not None:
        check_place_locations(province_map, vocabularies["place"], vocabularies["province"], reporter)
    return province_map


def site_slugify(settings: dict[str, Any]):
    """Pelican's slugify with the site's slug settings, remembered per name: entries repeat the
    same few hundred names, and Pelican's slugify is slow (a third of a millisecond per entry)."""
    return lru_cache(maxsize=65536)(
        partial(
            slugify,
            regex_subs=settings.get("SLUG_REGEX_SUBSTITUTIONS", []),
            preserve_case=settings.get("SLUGIFY_PRESERVE_CASE", False),
            use_unicode=settings.get("SLUGIFY_USE_UNICODE", False),
        )
    )


def tree_digest(*folders: str) -> str:
    """A digest of every file's path and bytes under some folders (theme, plugin code), each
    folder by its place in the list."""
    return digest_bytes(json.dumps(tree_digests(*folders), sort_keys=True))


def tree_digests(*folders: str) -> dict[str, str]:
    """Each file under some folders (its path led by the folder's place in the list) -> a digest of
    its bytes."""
    found = {}
    for number, folder in enumerate(folders):
        for path in sorted(Path(folder).rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                found[f"{number}:{path.relative_to(folder).as_posix()}"] = digest_bytes(path.read_bytes())
    return found


# The libraries whose versions change what a build writes: Pelican and what renders Markdown,
# templates, YAML, feeds, slugs, JSON and the search index.
RENDERING = (
    "pelican",
    "markdown",
    "jinja2",
    "markupsafe",
    "pyyaml",
    "feedgen",
    "lxml",
    "python-dateutil",
    "nh3",
    "pygments",
    "orjson",
    "unidecode",
    "pagefind",
)


def library_versions() -> dict[str, str]:
    """The Python version, the version of each library that renders the site (wherever it is
    installed: a virtualenv, Debian's `dist-packages`, a `PYTHONPATH` folder), and a digest of the
    names of every distribution in any folder Python imports from (Markdown extensions, a theme's
    filters): an upgrade of anything a build may import makes a full build."""
    found = {"Python": sys.version.split()[0], "Python build": digest_bytes(sys.version)}
    for name in RENDERING:
        try:
            distribution = metadata.distribution(name)
            found[distribution.metadata["Name"] or name] = distribution.version
        except metadata.PackageNotFoundError:
            found[name] = "absent"
    installed = []
    for folder in sys.path:
        try:
            names = os.listdir(folder or os.curdir)
        except OSError:
            continue
        installed += sorted(name for name in names if name.endswith((".dist-info", ".egg-info")))
    found["installed"] = digest_bytes(*installed)
    return found


def settings_digests(settings: dict[str, Any]) -> dict[str, str]:
    """Each setting (the build's own state left out) -> a digest of its value; a function (a Jinja
    filter, a Markdown extension) counts by the code this process loaded (see `code_identity`)."""
    return {
        key: digest_bytes(repr(plain(value, set())))
        for key, value in sorted(settings.items())
        if key.isupper() and key not in UNKEYED
    }


def plain(value: Any, seen: set[int]) -> Any:
    """A setting's value as plain data, its functions and objects by what they run."""
    if isinstance(value, (str, int, float, bool, type(None))):
        return value
    if isinstance(value, (list, tuple, set, frozenset)):
        items = [plain(v, seen) for v in value]
        return sorted(items, key=repr) if isinstance(value, (set, frozenset)) else items
    if isinstance(value, dict):
        return {str(k): plain(v, seen) for k, v in sorted(value.items(), key=lambda kv: str(kv[0]))}
    if isinstance(value, partial):
        return ["partial", plain(value.func, seen), plain(value.args, seen), plain(value.keywords, seen)]
    return code_identity(value, seen)


def code_identity(value: Any, seen: set[int]) -> str:
    """What a function, class or other object of the settings runs, as this process loaded it:
    its module and name, its compiled code, and what it reads from its own module (the functions,
    classes and plain values there). Not the file on disk, which the process may not have loaded
    again (a devserver's settings import their helpers once), nor an address in memory; code from
    other modules counts by name (the libraries' versions are in the build key)."""
    target = inspect.unwrap(value) if callable(value) else value
    if inspect.ismethod(target):
        target = target.__func__
    if not (inspect.isfunction(target) or inspect.isclass(target) or inspect.isbuiltin(target)):
        target = type(target)  # an instance (a Markdown extension): its class
    name = f"{getattr(target, '__module__', None) or ''}.{getattr(target, '__qualname__', '?')}"
    if id(target) in seen:
        return name
    seen.add(id(target))
    parts = [name]
    if inspect.isfunction(target):
        code = target.__code__
        parts.append(code_digest(code))
        parts.append(repr(plain([target.__defaults__, target.__kwdefaults__], seen)))
        parts += [repr(plain(cell.cell_contents, seen)) for cell in target.__closure__ or () if _filled(cell)]
        module = target.__module__
        for read in sorted(code_names(code)):
            found = target.__globals__.get(read, _NOTHING)
            if found is _NOTHING or inspect.ismodule(found):
                continue
            own = getattr(found, "__module__", None) == module
            if own or isinstance(found, (str, int, float, bool, list, tuple, dict, set, frozenset)):
                parts.append(f"{read}={plain(found, seen)!r}")
    elif inspect.isclass(target) and target.__module__ not in ("builtins",):
        for attribute, member in sorted(vars(target).items()):
            function = getattr(member, "__func__", member)
            if inspect.isfunction(function):
                parts.append(f"{attribute}:{code_identity(function, seen)}")
    return digest_bytes(*parts)


_NOTHING = object()


def _filled(cell: Any) -> bool:
    try:
        cell.cell_contents  # noqa: B018 - an empty cell raises
    except ValueError:
        return False
    return True


def code_digest(code: Any) -> str:
    """A compiled function's instructions, constants and names (not its line numbers), nested
    functions included."""
    return digest_bytes(
        code.co_code, repr(_constant(code.co_consts)), repr(code.co_names), repr(code.co_varnames)
    )


def _constant(value: Any) -> Any:
    """A code object's constant, the same in every process (a frozenset's order is not)."""
    if inspect.iscode(value):
        return code_digest(value)
    if isinstance(value, tuple):
        return tuple(_constant(v) for v in value)
    if isinstance(value, frozenset):
        return ("frozenset", sorted(repr(_constant(v)) for v in value))
    return repr(value)


def code_names(code: Any) -> set[str]:
    """The global names a function's code (and the code nested in it) reads."""
    found = set(code.co_names)
    for const in code.co_consts:
        if inspect.iscode(const):
            found |= code_names(const)
    return found
