"""The tracker's settings of one build, typed and frozen.

`settings.py` checks Pelican's settings dict (the site's `pelicanconf.py`, `-e` overrides and the
plugin's defaults); a build that passes makes one `TrackerSettings` from it, which its session
holds and the code reads (`config.search`, not `settings["TRACKER_SEARCH"]`). The URL and
save-as patterns stay in the mapping, where they are looked up by kind (`PROVINCE_URL`,
`ACTOR_SAVE_AS` ...) and formatted (see `locations.py` and `terms.py`).

Pure: a mapping in, a frozen value out.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any


@dataclass(frozen=True)
class TrackerSettings:
    path: str  # the content folder (PATH)
    output_path: str  # the output folder (OUTPUT_PATH)
    entry_paths: tuple[str, ...]  # the entry folders: the site's ARTICLE_PATHS, which Pelican no longer reads
    # Data files, relative to the content folder ("" or None: the site has none).
    provinces: str
    actors: str
    map: str | None
    places: str | None
    event_types: str | None
    # How the build runs.
    mode: str  # "build", "check" (`make check`: write nothing) or "publish"
    strict: bool  # an error or warning fails the build
    quiet: bool  # errors and warnings only, no info lines
    cache: str  # the entry store's file, "auto" (per output folder) or "" (in memory)
    lock: bool  # lock the output folder while writing
    workers: int  # worker processes that read and render (0: one per core)
    parallel_min: int  # read or render in workers from this many files or outputs
    markdown_time_limit: float | None  # seconds to render one entry's Markdown
    front_matter_time_limit: float | None  # seconds to read one entry's front matter
    # What entries may say and must have.
    raw_html: bool
    covers_max_days: int
    date_only_time: dt.time  # the time of an entry dated by day alone
    entry_rules: Mapping[str, str]  # rule -> "error", "warning" or "off"
    # What the site publishes, and what it calls things.
    data: bool
    search: bool
    search_shard: str  # "year", "quarter" or "month"
    feed_full_content: bool
    province_word: str
    provinces_word: str
    map_attribution: str
    license: str | None
    license_url: str | None
    language: str  # the language of the pages this build makes
    languages: tuple[str, ...]  # every language of the site, its default first
    locales: Mapping[str, str]  # language -> the locale of its dates and numbers
    digits: str  # "latin" or "native"
    # The default language's site, which another language's build makes its pages beside (under
    # its code): its output folder and its address ("" for the default language's own build).
    root_output: str
    root_base: str

    @property
    def default_language(self) -> bool:
        """Whether this build makes the default language's pages (at the site's root)."""
        return self.language == self.languages[0]

    @property
    def check(self) -> bool:
        return self.mode == "check"

    @classmethod
    def of(cls, settings: Mapping[str, Any]) -> TrackerSettings:
        """The typed settings of a checked settings mapping (defaults merged in)."""
        hours, minutes = map(int, str(settings["TRACKER_DATE_ONLY_TIME"]).split(":"))
        languages = tuple(settings["TRACKER_LANGUAGES"]) or (str(settings.get("DEFAULT_LANG") or "en"),)
        root = settings.get("TRACKER_LANGUAGE_PASS") or {}
        language = str(root.get("language", languages[0]))
        mode = "check" if settings["TRACKER_CHECK"] else "build"
        if mode == "build" and settings.get("TRACKER_PUBLISHING"):
            mode = "publish"
        return cls(
            path=str(settings["PATH"]),
            output_path=str(settings["OUTPUT_PATH"]),
            entry_paths=tuple(settings.get("TRACKER_ENTRY_PATHS", settings["ARTICLE_PATHS"])),
            provinces=settings["TRACKER_PROVINCES"],
            actors=settings["TRACKER_ACTORS"],
            map=settings["TRACKER_MAP"] or None,
            places=settings["TRACKER_PLACES"] or None,
            event_types=settings["TRACKER_EVENT_TYPES"] or None,
            mode=mode,
            strict=bool(settings["TRACKER_STRICT"]),
            quiet=bool(settings["TRACKER_QUIET"]),
            cache=settings["TRACKER_CACHE"] or "",
            lock=bool(settings["TRACKER_LOCK"]),
            workers=int(settings["TRACKER_WORKERS"]),
            parallel_min=int(settings["TRACKER_PARALLEL_MIN"]),
            markdown_time_limit=settings["TRACKER_MARKDOWN_TIME_LIMIT"],
            front_matter_time_limit=settings["TRACKER_FRONT_MATTER_TIME_LIMIT"],
            raw_html=bool(settings["TRACKER_RAW_HTML"]),
            covers_max_days=int(settings["TRACKER_COVERS_MAX_DAYS"]),
            date_only_time=dt.time(hours, minutes),
            entry_rules=MappingProxyType(dict(settings["TRACKER_ENTRY_RULES"])),
            data=bool(settings["TRACKER_DATA"]),
            search=bool(settings["TRACKER_SEARCH"]),
            search_shard=str(settings["TRACKER_SEARCH_SHARD"]),
            feed_full_content=bool(settings["TRACKER_FEED_FULL_CONTENT"]),
            province_word=str(settings["TRACKER_PROVINCE_WORD"]),
            provinces_word=str(settings["TRACKER_PROVINCES_WORD"]),
            map_attribution=str(settings["TRACKER_MAP_ATTRIBUTION"]),
            license=settings["TRACKER_LICENSE"],
            license_url=settings["TRACKER_LICENSE_URL"],
            language=language,
            languages=languages,
            root_output=str(root.get("output", "")),
            root_base=str(root.get("base", "")),
            locales=MappingProxyType(dict(settings["TRACKER_LOCALES"])),
            digits=str(settings["TRACKER_DIGITS"]),
        )
