"""The state of one build: its reporter, its vocabularies and the entry parser built on them."""

from __future__ import annotations

import os
from pathlib import Path
from dataclasses import dataclass, field
from functools import partial
from typing import Any
from zoneinfo import ZoneInfo

from pelican.utils import slugify

from .cache import BuildCache, cache_path, digest_bytes, settings_digest, tree_digest
from .frontmatter import EntryParser
from .inventory import Inventory, pelican_settings, take_inventory
from .problems import Reporter
from .vocabulary import Vocabulary, load_vocabulary

RUN_KEY = "TRACKER_RUN"


@dataclass
class TrackerRun:
    """Created at the start of every build (devserver rebuilds too), held in the build's settings."""

    reporter: Reporter
    vocabularies: dict[str, Vocabulary]
    parser: EntryParser
    collisions: set[str] = field(default_factory=set)  # output paths claimed twice: the first claimant is written
    blocked: set[str] = field(default_factory=set)  # output paths that are not written at all
    output_paths: list = field(default_factory=list)  # (path, owner) of every file the build writes
    inventory: Inventory = field(default_factory=Inventory)  # the files to read
    cache: BuildCache = field(default_factory=lambda: BuildCache(None, ""))  # what the last build left
    entries: dict = field(default_factory=dict)  # source path -> (stat, read result), for the next build
    prepared: dict = field(default_factory=dict)  # source path -> (stat, read result), read in workers
    outputs: dict = field(default_factory=dict)  # output path -> digest of what this build rendered there

    @classmethod
    def start(cls, settings: dict[str, Any]) -> TrackerRun:
        """Load the vocabularies named by the settings and store a fresh run in them."""
        reporter = Reporter()
        slug = site_slugify(settings)
        vocabularies = {
            kind: load_vocabulary(os.path.join(settings["PATH"], settings[key]), kind, reporter, slug)
            for kind, key in (("province", "TRACKER_PROVINCES"), ("actor", "TRACKER_ACTORS"))
        }
        parser = EntryParser(vocabularies, ZoneInfo(settings["TIMEZONE"]), reporter, slug)
        settings[RUN_KEY] = run = cls(reporter, vocabularies, parser)
        run.inventory = take_inventory(settings["PATH"], settings["ARTICLE_PATHS"] + settings["PAGE_PATHS"],
                                       settings["STATIC_PATHS"], reporter)
        pelican_settings(settings, run.inventory)
        if not settings.get("TRACKER_CHECK"):
            run.cache = BuildCache(cache_path(settings), build_key(settings))
        return run

    @staticmethod
    def of(settings: dict[str, Any]) -> TrackerRun:
        """The run of the build these settings belong to."""
        return settings[RUN_KEY]


def build_key(settings: dict[str, Any]) -> str:
    """Everything that, when it changes, makes the next build a full one."""
    here = os.path.dirname(os.path.abspath(__file__))
    files = [os.path.join(settings["PATH"], settings.get(key) or "") for key in ("TRACKER_PROVINCES", "TRACKER_ACTORS", "TRACKER_MAP")]
    contents = [Path(path).read_bytes() if os.path.isfile(path) else b"" for path in files]
    return digest_bytes(tree_digest(settings["THEME"], here), settings_digest(settings), *contents)


def site_slugify(settings: dict[str, Any]):
    """Pelican's slugify with the site's slug settings."""
    return partial(
        slugify,
        regex_subs=settings.get("SLUG_REGEX_SUBSTITUTIONS", []),
        preserve_case=settings.get("SLUGIFY_PRESERVE_CASE", False),
        use_unicode=settings.get("SLUGIFY_USE_UNICODE", False),
    )
