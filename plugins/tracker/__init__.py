"""Tracker plugin: YAML-front-matter entries, a controlled vocabulary and line-accurate problems.

`register()` only connects signals; the receivers are module-level because Pelican's
signals hold weak references.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
from typing import Any

from jinja2.bccache import Bucket, BytecodeCache
from pelican import signals

from .incremental.outfolder import remove_files, static_outputs, write_marker
from .incremental.writer import TrackerWriter
from .model.site import month_calendar
from .problems import display_path
from .settings import DEFAULTS
from .site.dates import day_element, moment_element
from .site.generator import SiteGenerator
from .site.paths import check_collisions
from .site.reader import TrackerReader, prefetch
from .site.run import DEFER_SAVE_KEY, IDENTITY_KEY, KEPT_KEY, TrackerRun, folder_identity

# Term pages paginate like tag pages (None: DEFAULT_PAGINATION).
PAGINATED = {"province": None, "actor": None, "place": None}


def merge_defaults(pelican) -> None:
    """Merge the plugin's defaults under the site's settings, once."""
    for key, value in DEFAULTS.items():
        pelican.settings.setdefault(key, value)
    # This plugin keeps its own cache; Pelican's content cache stays off, and its file stamps are
    # modification times: a hash stamp would open every source file, a FIFO too (and wait for ever).
    pelican.settings.update(CACHE_CONTENT=False, LOAD_CONTENT_CACHE=False, CHECK_MODIFIED_METHOD="mtime")
    quiet_stamp_warnings()
    pelican.settings["PAGINATED_TEMPLATES"] = {**PAGINATED, **pelican.settings["PAGINATED_TEMPLATES"]}
    pelican.settings["JINJA_ENVIRONMENT"] = {
        "bytecode_cache": COMPILED_TEMPLATES,
        **pelican.settings["JINJA_ENVIRONMENT"],
    }
    pelican.settings["JINJA_FILTERS"] = {
        "day": day_element,
        "moment": moment_element,
        **pelican.settings["JINJA_FILTERS"],
    }
    pelican.settings["JINJA_GLOBALS"] = {
        "month_calendar": month_calendar,
        **pelican.settings["JINJA_GLOBALS"],
    }


class CompiledTemplates(BytecodeCache):
    """Templates compiled once per process (a devserver rebuilds with new Jinja environments):
    kept by template, source and every environment option that changes the compiled code."""

    def __init__(self) -> None:
        self.compiled: dict[tuple, bytes] = {}

    @staticmethod
    def _key(bucket: Bucket) -> tuple:
        env = bucket.environment
        options = tuple(getattr(env, name, None) for name in COMPILE_OPTIONS)
        return bucket.key, bucket.checksum, options, tuple(sorted(env.extensions)), repr(env.autoescape)

    def load_bytecode(self, bucket: Bucket) -> None:
        found = self.compiled.get(self._key(bucket))
        if found is not None:
            bucket.bytecode_from_string(found)

    def dump_bytecode(self, bucket: Bucket) -> None:
        self.compiled[self._key(bucket)] = bucket.bytecode_to_string()


COMPILE_OPTIONS = (
    "block_start_string",
    "block_end_string",
    "variable_start_string",
    "variable_end_string",
    "comment_start_string",
    "comment_end_string",
    "line_statement_prefix",
    "line_comment_prefix",
    "trim_blocks",
    "lstrip_blocks",
    "newline_sequence",
    "keep_trailing_newline",
    "optimized",
    "is_async",
)
COMPILED_TEMPLATES = CompiledTemplates()


class _KnownUnreadable(logging.Filter):
    """Pelican warns, in three lines, that it cannot stamp a file it cannot stat (a dangling link):
    the reader reports the same file as one `path:line:` error."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith("Cannot get modification stamp")


def quiet_stamp_warnings() -> None:
    """Install the filter once per process."""
    cache_logger = logging.getLogger("pelican.cache")
    if not any(isinstance(f, _KnownUnreadable) for f in cache_logger.filters):
        cache_logger.addFilter(_KnownUnreadable())


def start_run(pelican) -> list[type]:
    """Every build starts with a fresh reporter and freshly loaded vocabularies."""
    run = TrackerRun.start(pelican.settings)
    prefetch(run, pelican.settings)
    return [SiteGenerator]


def use_writer(pelican) -> type[TrackerWriter]:
    """The writer that never lets a second write to one path raise a traceback."""
    return TrackerWriter


def add_reader(readers) -> None:
    """Read every source file of the inventory with the tracker reader, and no other text: an `.rst`
    or `.html` file among the entries is reported by the inventory, not published by another reader.
    Pelican's static reader stays, for the files of STATIC_PATHS."""
    suffixes = set(TrackerReader.file_extensions) | TrackerRun.of(readers.settings).inventory.suffixes
    static = {"static": readers.reader_classes["static"]} if "static" in readers.reader_classes else {}
    readers.reader_classes = {**static, **{suffix: TrackerReader for suffix in sorted(suffixes)}}


def drop_duplicate_slugs(generator) -> None:
    """Two entries with one slug: the later file (by path) is an error and is not built."""
    run = TrackerRun.of(generator.settings)
    lists = ("articles", "hidden_articles", "drafts")
    owners: dict[str, Any] = {}
    dropped = set()
    for article in sorted(
        (a for name in lists for a in getattr(generator, name)), key=lambda a: a.source_path
    ):
        first = owners.setdefault(article.slug, article)
        if first is not article:
            run.reporter.error(
                article.source_path,
                article.metadata.get("slug_line", 1),
                f"duplicate slug '{article.slug}' (already used by {display_path(first.source_path)})",
            )
            dropped.add(id(article))
    for name in lists:
        kept = [a for a in getattr(generator, name) if id(a) not in dropped]
        if generator.settings.get("ARTICLE_ORDER_BY") == "reversed-date":
            # Files are read in directory order, which differs between machines and after edits:
            # entries of one day are ordered by slug so that every build lists them alike.
            kept.sort(key=lambda a: (a.date, a.slug), reverse=True)
        setattr(generator, name, kept)


class EntryList(list):
    """A list whose membership test is by identity and O(1): Pelican's tag and author pages ask
    `article in articles` for every article of the site, which is quadratic on plain lists."""

    def __init__(self, items) -> None:
        super().__init__(items)
        self._ids = {id(item) for item in self}

    def __contains__(self, item) -> bool:
        return id(item) in self._ids


def remember_locations(generator) -> None:
    """Where each entry is written, kept by the cache so that the next build need not work it out."""
    locations = TrackerRun.of(generator.settings).locations
    for name in ("articles", "translations", "hidden_articles", "hidden_translations", "drafts"):
        for article in getattr(generator, name):
            locations[article.source_path] = (article.url, article.save_as)


def fast_membership(generator) -> None:
    """Swap the per-tag and per-author lists for EntryLists, once they are complete."""
    for tag in list(generator.tags):
        generator.tags[tag] = EntryList(generator.tags[tag])
    generator.authors = [(author, EntryList(articles)) for author, articles in generator.authors]
    generator.context["tags"] = list(generator.tags.items())
    generator.context["authors"] = generator.authors


def check_before_writing(generators) -> None:
    """Check output paths; a strict build then stops before writing if anything is wrong."""
    settings = generators[0].settings
    run = TrackerRun.of(settings)
    run.collisions = check_collisions(generators, run)
    articles = next((g for g in generators if hasattr(g, "hidden_articles")), None)
    folder = os.path.join(settings["PATH"], settings["ARTICLE_PATHS"][0])
    if articles is not None and not articles.articles:
        run.reporter.add("info", folder, 0, "no published entry yet: the site is built without entries")
    if settings["TRACKER_CHECK"]:
        for first, last in missing_days(articles.articles + articles.hidden_articles if articles else []):
            days = (last - first).days + 1
            message = (
                f"no entry for {first.isoformat()}"
                if days == 1
                else f"no entries {first.isoformat()} … {last.isoformat()} ({days:,} days)"
            )
            run.reporter.add("info", folder, 0, message)
        run.reporter.print()
        raise SystemExit(1 if run.reporter.failing else 0)
    if settings["TRACKER_STRICT"] and run.reporter.failing:
        run.reporter.print()
        run.release()
        raise SystemExit(1)
    # Before the first write: the marker lists every file this build may write, as incomplete.
    run.statics = static_outputs(settings, generators)
    run.planned = {path for path, _ in run.output_paths} | run.statics
    write_marker(settings["OUTPUT_PATH"], False, set(run.marker.files) | run.planned)


def missing_days(entries: list[Any]) -> list[tuple[dt.date, dt.date]]:
    """Runs of days (first, last) between the first and the newest entry that have no entry."""
    days = sorted({entry.date.date() for entry in entries})
    return [
        (before + dt.timedelta(1), after - dt.timedelta(1))
        for before, after in zip(days, days[1:])
        if (after - before).days > 1
    ]


def report(pelican) -> None:
    """Print the build's problems once it is written; remove files no longer produced; leave the
    marker and the cache for the next build."""
    settings = pelican.settings
    run = TrackerRun.of(settings)
    run.reporter.print()
    produced = set(run.outputs) | run.statics
    stale = (set(run.marker.files) | run.planned) - produced
    remove_files(pelican.output_path, stale)
    run.changed |= stale
    marker = write_marker(pelican.output_path, True, produced)
    run.cache.update(
        run.entries, run.outputs, marker.state, run.dependencies.found(), run.locations, run.files
    )
    if not settings.get(DEFER_SAVE_KEY):
        run.cache.save()  # else the devserver saves it once the open pages have been told
    if run.cache.path:
        settings[KEPT_KEY] = run.cache  # a devserver's next build starts from it
    settings[IDENTITY_KEY] = folder_identity(pelican.output_path)
    run.release()
    run.finished = True


def register() -> None:
    """Connect the plugin's receivers to Pelican's signals (nothing else happens at import)."""
    signals.initialized.connect(merge_defaults)
    signals.get_generators.connect(start_run)
    signals.readers_init.connect(add_reader)
    signals.article_generator_pretaxonomy.connect(drop_duplicate_slugs)
    signals.article_generator_finalized.connect(fast_membership)
    signals.article_generator_finalized.connect(remember_locations)
    signals.all_generators_finalized.connect(check_before_writing)
    signals.get_writer.connect(use_writer)
    signals.finalized.connect(report)
