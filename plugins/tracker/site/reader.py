"""A Pelican reader for tracker entries: YAML front matter on PyYAML, body in Markdown."""

from __future__ import annotations

import multiprocessing
import os
from dataclasses import replace
from typing import Any

from pelican.readers import BaseReader
from pelican.urlwrappers import Author, Category, Tag

from ..model.digests import digest_bytes
from ..model.entries import Entry, EntryParser
from ..model.yamlnodes import YAMLProblem
from ..problems import Reporter
from ..publishing import default_signals
from .inventory import SOURCE_SUFFIXES, known_stamp, read_source, stamp_of
from .markup import Renderer, TimedOut, time_limit
from .run import TrackerRun


def is_page(source_path: str, settings: dict[str, Any]) -> bool:
    """Whether a file is a Pelican page (under PAGE_PATHS) rather than an entry."""
    relative = os.path.relpath(source_path, settings["PATH"])
    return any(relative == p or relative.startswith(p.rstrip("/") + os.sep) for p in settings["PAGE_PATHS"])


def prepare(path: str, parser: EntryParser, renderer: Renderer, page: bool, check: bool) -> tuple:
    """Everything reading one file yields: (entry or None, body HTML, summary HTML, problems, digest).
    Never raises for anything a file can contain: every problem is one reported line."""
    parser = replace(parser, reporter=Reporter())
    problems = parser.reporter.problems
    try:
        data = read_source(path)
    except YAMLProblem as exc:
        parser.reporter.error(path, exc.line, exc.message)
        return None, None, None, problems, ""
    digest = digest_bytes(data)
    try:
        with time_limit(renderer.front_matter_limit):
            entry = parser.parse(path, data, page=page)
    except TimedOut:
        parser.reporter.error(
            path,
            1,
            f"the front matter took more than {renderer.front_matter_limit:g} s to read "
            "(TRACKER_FRONT_MATTER_TIME_LIMIT)",
        )
        return None, None, None, problems, digest
    if entry is None:
        return None, None, None, problems, digest
    try:
        # `make check` converts bodies too: one over the time limit is an error a build would report.
        (body, summary), removed = renderer.html(entry.body, entry.summary)
    except TimedOut:
        parser.reporter.error(
            path,
            0,
            f"the Markdown took more than {renderer.limit:g} s to render "
            "(TRACKER_MARKDOWN_TIME_LIMIT); long runs of '[' or '](' are the usual cause",
        )
        return None, None, None, problems, digest
    except RecursionError:
        parser.reporter.error(path, 0, "the Markdown is nested too deeply to render")
        return None, None, None, problems, digest
    if removed:
        parser.reporter.warning(
            path,
            0,
            f"unsafe HTML removed ({', '.join(removed)}); "
            "TRACKER_RAW_HTML = True would trust the authors' HTML",
        )
    # The Markdown source is not needed once rendered: entries stay small in memory, workers and the cache.
    return replace(entry, body=""), ("" if check else body), summary, problems, digest


# Reading in worker processes: each worker gets the parser and a renderer once.
_worker: dict[str, Any] = {}


def _start_worker(parser: EntryParser, renderer: Renderer) -> None:
    default_signals()  # the parent's turn a signal into an exception; a worker just stops
    _worker.update(parser=parser, renderer=renderer)


def _prepare_in_worker(job: tuple[str, tuple, bool]) -> tuple[str, tuple, tuple]:
    path, stamp, page = job
    return path, stamp, prepare(path, _worker["parser"], _worker["renderer"], page, False)


def prefetch(run: TrackerRun, settings: dict[str, Any], workers: int = 2) -> None:
    """Read the entries the cache does not have in worker processes, when there are enough to pay
    for starting them: YAML and Markdown are per file, and the build's other steps need them all."""
    jobs = []
    for path in run.inventory.sources:
        cached = run.cache.entries.get(path)
        stamp, status = known_stamp(path, (run.cache.files.get(path), cached and cached[0]))
        run.stamps[path] = stamp
        if status is not None:
            run.files[path] = status
        if stamp and not (cached and cached[0] == stamp):
            jobs.append((path, stamp, is_page(path, settings)))
    if len(jobs) < settings["TRACKER_PARALLEL_READING_MIN"] or (os.cpu_count() or 1) < 2:
        return
    context = multiprocessing.get_context("fork")
    with context.Pool(
        min(workers, os.cpu_count() or 1), _start_worker, (run.parser, Renderer(settings))
    ) as pool:
        for path, stamp, result in pool.imap_unordered(_prepare_in_worker, jobs, chunksize=64):
            run.prepared[path] = (stamp, result)


class TrackerReader(BaseReader):
    """Reads `.md` files; an entry with an error is skipped after its problems are reported."""

    enabled = True
    file_extensions = list(SOURCE_SUFFIXES)

    def __init__(self, settings: dict[str, Any]) -> None:
        super().__init__(settings)
        self._renderer = Renderer(settings)
        # One category object for every entry (the same name and settings: equal objects anyway).
        self._category = Category(settings.get("DEFAULT_CATEGORY") or "entries", settings)

    def read(self, source_path: str) -> tuple[str | None, dict[str, Any]]:
        """Return (HTML body, metadata) for Pelican; metadata `status: skip` when unusable."""
        run = TrackerRun.of(self.settings)
        stamp = run.stamps[source_path] if source_path in run.stamps else stamp_of(source_path)
        cached, prepared = run.cache.entries.get(source_path), run.prepared.get(source_path)
        location = None
        if stamp and cached and cached[0] == stamp:
            result = cached[1]
            location = run.cache.locations.get(source_path)
        elif stamp and prepared and prepared[0] == stamp:
            result = prepared[1]
        else:
            result = prepare(
                source_path,
                run.parser,
                self._renderer,
                is_page(source_path, self.settings),
                bool(self.settings.get("TRACKER_CHECK")),
            )
        entry, body, summary, problems, digest = result
        run.reporter.problems.extend(problems)  # an unchanged file still shows its problems
        if run.cache.path and digest:
            run.entries[source_path] = (digest, result)  # the digest of the bytes this result was read from
        if entry is None:
            return None, {"status": "skip"}
        metadata = self.metadata(entry, summary)
        metadata["source_digest"] = digest
        if location is not None:
            # Pelican's URL and path for these very bytes under the same settings (both are in the
            # cache's key): working them out again costs more than the rest of the entry.
            metadata["url"], metadata["save_as"] = location
        return body, metadata

    def metadata(self, entry: Entry, summary: str | None) -> dict[str, Any]:
        """Pelican metadata for an entry: its own fields plus the objects Pelican expects."""
        metadata: dict[str, Any] = {
            "title": entry.title,
            "slug": entry.slug,
            "slug_line": entry.slug_line,
            "status": entry.status,
            "provinces": list(
                entry.provinces
            ),  # the vocabulary's own terms: pages link them through the model
            "actors": list(entry.actors),
            "places": entry.places,
            "sources": entry.sources,
            "covers": entry.covers,
            "timed": entry.timed,
            "correction": entry.correction,
            "events": entry.events,
            # Pelican expects every article to have a category; the site writes no category pages.
            "category": self._category,
        }
        if entry.date:
            metadata["date"] = entry.date
        if entry.updated:
            metadata["updated"] = metadata["modified"] = entry.updated
        if entry.tags:
            metadata["tags"] = [Tag(tag, self.settings) for tag in entry.tags]
        if entry.author:
            metadata["author"] = Author(entry.author, self.settings)
        if summary:
            metadata["summary"] = summary
        return metadata
