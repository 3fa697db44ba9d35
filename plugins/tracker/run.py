"""The state of one build: its reporter, its vocabularies and the entry parser built on them."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import partial
from typing import Any
from zoneinfo import ZoneInfo

from pelican.utils import slugify

from .frontmatter import EntryParser
from .problems import Reporter
from .vocabulary import Vocabulary, load_vocabulary

RUN_KEY = "TRACKER_RUN"


@dataclass
class TrackerRun:
    """Created at the start of every build (devserver rebuilds too), held in the build's settings."""

    reporter: Reporter
    vocabularies: dict[str, Vocabulary]
    parser: EntryParser
    collisions: set[str] = field(default_factory=set)  # output paths claimed twice
    output_paths: list = field(default_factory=list)  # (path, owner) of every file the build writes

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
        return run

    @staticmethod
    def of(settings: dict[str, Any]) -> TrackerRun:
        """The run of the build these settings belong to."""
        return settings[RUN_KEY]


def site_slugify(settings: dict[str, Any]):
    """Pelican's slugify with the site's slug settings."""
    return partial(
        slugify,
        regex_subs=settings.get("SLUG_REGEX_SUBSTITUTIONS", []),
        preserve_case=settings.get("SLUGIFY_PRESERVE_CASE", False),
        use_unicode=settings.get("SLUGIFY_USE_UNICODE", False),
    )
