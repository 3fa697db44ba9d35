"""The state of one build: its reporter, its vocabularies and the entry parser built on them."""

from __future__ import annotations

import datetime as dt
import os
import sys
from dataclasses import dataclass, field
from functools import lru_cache, partial
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from pelican.utils import slugify

from ..incremental.cache import BuildCache, cache_path, settings_digest, tree_digest, versions_digest
from ..incremental.dependencies import Dependencies
from ..incremental.outfolder import FolderRefused, Marker, OutputLock, check_output_folder, read_marker
from ..model.digests import digest_bytes
from ..model.entries import EntryParser
from ..model.events import EventTypes, load_event_types
from ..model.gazetteer import check_places
from ..model.vocabulary import Vocabulary, load_vocabulary
from ..problems import Reporter
from ..settings import check_settings
from .inventory import Inventory, pelican_settings, take_inventory

RUN_KEY = "TRACKER_RUN"
IDENTITY_KEY = "tracker_output_identity"  # lower case: not a setting, kept across a devserver's rebuilds
KEPT_KEY = "tracker_kept_cache"  # the last build's cache, kept in memory across a devserver's rebuilds
DEFER_SAVE_KEY = "tracker_defer_cache_save"  # set by the devserver: it saves the cache after reloading pages
DEFER_SEARCH_KEY = "tracker_defer_search"  # set by the devserver: it indexes after reloading pages


def folder_identity(path: str) -> tuple[int, int] | None:
    """(device, inode) of a folder, or None when there is none."""
    try:
        info = os.stat(path)
    except OSError:
        return None
    return info.st_dev, info.st_ino


@dataclass
class TrackerRun:
    """Created at the start of every build (devserver rebuilds too), held in the build's settings."""

    reporter: Reporter
    vocabularies: dict[str, Vocabulary]
    parser: EntryParser
    collisions: set[str] = field(
        default_factory=set
    )  # output paths claimed twice: the first claimant is written
    blocked: set[str] = field(default_factory=set)  # output paths that are not written at all
    output_paths: list = field(default_factory=list)  # (path, owner) of every file the build writes
    inventory: Inventory = field(default_factory=Inventory)  # the files to read
    cache: BuildCache = field(
        default_factory=lambda: BuildCache(None, "", {}, dt.timezone.utc)
    )  # what the last build left
    lock: OutputLock | None = None  # held on the output folder from the start of the build to its end
    marker: Marker = field(default_factory=Marker)  # the output folder's marker as the build found it
    planned: set = field(default_factory=set)  # every file the build may write (pages, feeds, static files)
    statics: set = field(default_factory=set)  # the static files Pelican copies
    dependencies: Dependencies = field(default_factory=Dependencies)  # what each template reads
    entries: dict = field(default_factory=dict)  # source path -> (digest, read result), for the next build
    prepared: dict = field(default_factory=dict)  # source path -> (digest, read result), read in workers
    stamps: dict = field(default_factory=dict)  # source path -> digest of its bytes now (None: unreadable)
    files: dict = field(default_factory=dict)  # source path -> its file's status, for the next build
    outputs: dict = field(default_factory=dict)  # output path -> digest of what this build rendered there
    locations: dict = field(default_factory=dict)  # source path -> (url, save_as) of its entry this build
    changed: set = field(default_factory=set)  # output paths this build wrote or removed
    search_pending: object = None  # a deferred build's search records, not yet indexed (SearchIndex)
    finished: bool = False  # the build ran to its end (the devserver reloads pages only then)

    @classmethod
    def start(cls, settings: dict[str, Any]) -> TrackerRun:
        """Load the vocabularies named by the settings and store a fresh run in them."""
        previous = settings.get(RUN_KEY)
        if previous is not None:
            previous.release()  # a devserver rebuild after a build that died half-way
        reporter = Reporter(check_settings(settings))
        if reporter.count("error"):
            reporter.print()  # every problem with the settings, then stop before reading anything
            raise SystemExit(1)
        reporter.quiet = settings["TRACKER_QUIET"]
        slug = site_slugify(settings)
        vocabularies = {
            kind: load_vocabulary(os.path.join(settings["PATH"], settings[key]), kind, reporter, slug)
            for kind, key in (("province", "TRACKER_PROVINCES"), ("actor", "TRACKER_ACTORS"))
        }
        vocabularies["place"] = load_gazetteer(settings, vocabularies["province"], reporter, slug)
        hours, minutes = map(int, settings["TRACKER_DATE_ONLY_TIME"].split(":"))
        parser = EntryParser(
            vocabularies,
            ZoneInfo(settings["TIMEZONE"]),
            reporter,
            slug,
            dt.time(hours, minutes),
            settings["TRACKER_ENTRY_RULES"],
            settings["TRACKER_CHECK"],
            load_types(settings, reporter, slug),
            settings["TRACKER_COVERS_MAX_DAYS"],
        )
        settings[RUN_KEY] = run = cls(reporter, vocabularies, parser)
        run.inventory = take_inventory(
            settings["PATH"],
            settings["ARTICLE_PATHS"] + settings["PAGE_PATHS"],
            settings["STATIC_PATHS"],
            reporter,
        )
        pelican_settings(settings, run.inventory)
        if not settings.get("TRACKER_CHECK"):
            run.claim_output(settings)
            path, key = cache_path(settings), build_key(settings)
            kept = settings.get(KEPT_KEY)
            if kept is not None and (kept.path, kept.key) == (path, key):
                run.cache = kept  # what this process saved last, without reading the file again
            else:
                run.cache = BuildCache(path, key, vocabularies, parser.timezone)
            if not (run.marker.complete and run.marker.state == run.cache.output_state):
                run.cache.outputs = {}  # the folder is not as the cached build left it: render every page
            run.dependencies = Dependencies(run.cache.dependencies)
        return run

    def claim_output(self, settings: dict[str, Any]) -> None:
        """Check the output folder, lock it, and make sure it is the folder this process wrote
        before (a devserver must not write into a folder that a publish swapped in under it)."""
        output = settings["OUTPUT_PATH"]
        try:
            check_output_folder(output, settings)
            if settings.get("TRACKER_LOCK", True):
                self.lock = OutputLock(output)
                self.lock.acquire("build")
            seen, now = settings.get(IDENTITY_KEY), folder_identity(output)
            if seen and now and seen != now:
                raise FolderRefused(
                    f"output folder '{output}' was replaced since this process first wrote it "
                    "(by make publish?); not writing into it: restart the server"
                )
        except FolderRefused as refused:
            self.release()
            print(f"error: {refused}", file=sys.stderr)
            raise SystemExit(1) from None
        self.marker = read_marker(output)

    def release(self) -> None:
        """Let other builds of the output folder go ahead."""
        if self.lock is not None:
            self.lock.release()

    @staticmethod
    def of(settings: dict[str, Any]) -> TrackerRun:
        """The run of the build these settings belong to."""
        return settings[RUN_KEY]


def build_key(settings: dict[str, Any]) -> str:
    """Everything that, when it changes, makes the next build a full one."""
    here = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))  # the whole plugin package
    files = [
        os.path.join(settings["PATH"], settings.get(key) or "")
        for key in (
            "TRACKER_PROVINCES",
            "TRACKER_ACTORS",
            "TRACKER_MAP",
            "TRACKER_PLACES",
            "TRACKER_EVENT_TYPES",
        )
    ]
    contents = [Path(path).read_bytes() if os.path.isfile(path) else b"" for path in files]
    return digest_bytes(
        tree_digest(settings["THEME"], here), settings_digest(settings), versions_digest(), *contents
    )


def load_gazetteer(settings: dict[str, Any], provinces: Vocabulary, reporter: Reporter, slug) -> Vocabulary:
    """The places named by TRACKER_PLACES, checked against the provinces; a site without the
    default file has an empty gazetteer (and its entries' places are plain names)."""
    setting = settings.get("TRACKER_PLACES")
    path = os.path.join(settings["PATH"], setting or "")
    if not setting or not os.path.isfile(path):
        return Vocabulary("place", "")
    return check_places(load_vocabulary(path, "place", reporter, slug), provinces, reporter)


def load_types(settings: dict[str, Any], reporter: Reporter, slug) -> EventTypes | None:
    """The event types named by TRACKER_EVENT_TYPES; None for a site without the default file."""
    setting = settings.get("TRACKER_EVENT_TYPES")
    path = os.path.join(settings["PATH"], setting or "")
    if not setting or not os.path.isfile(path):
        return None
    return load_event_types(path, reporter, slug)


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
