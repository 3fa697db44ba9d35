"""A Pelican reader for tracker entries: YAML front matter on PyYAML, body in Markdown."""

from __future__ import annotations

import multiprocessing
import os
from dataclasses import replace
from typing import Any

from markdown import Markdown
from pelican.readers import BaseReader
from pelican.urlwrappers import Author, Category, Tag

from .frontmatter import Entry, EntryParser
from .problems import Reporter
from .cache import digest_bytes
from .run import TrackerRun
from .terms import Actor, Province

MARKDOWN_SUFFIXES = ["md", "markdown", "mkd", "mdown"]


def markdown_options(settings: dict[str, Any]) -> dict[str, Any]:
    """The site's Markdown settings without Pelican's `meta` extension (front matter is YAML here)."""
    options = dict(settings["MARKDOWN"])
    options["extensions"] = [e for e in options.get("extensions", []) if e != "markdown.extensions.meta"]
    return options


def render(markdown: Markdown, text: str) -> str:
    """Markdown to HTML, with the converter reset between documents."""
    markdown.reset()
    return markdown.convert(text)


def is_page(source_path: str, settings: dict[str, Any]) -> bool:
    """Whether a file is a Pelican page (under PAGE_PATHS) rather than an entry."""
    relative = os.path.relpath(source_path, settings["PATH"])
    return any(relative == p or relative.startswith(p.rstrip("/") + os.sep) for p in settings["PAGE_PATHS"])


def prepare(path: str, parser: EntryParser, markdown: Markdown, page: bool, check: bool) -> tuple:
    """Everything reading one file yields: (entry or None, body HTML, summary HTML, problems, digest)."""
    parser = replace(parser, reporter=Reporter())
    with open(path, "rb") as handle:
        data = handle.read()
    entry = parser.parse(path, data, page=page)
    problems = parser.reporter.problems
    if entry is None:
        return None, None, None, problems, ""
    # `make check` writes nothing, so it need not convert bodies (most of a build's reading time).
    body = "" if check else render(markdown, entry.body)
    summary = render(markdown, entry.summary) if entry.summary else None
    return entry, body, summary, problems, digest_bytes(data)


# Reading in worker processes: each worker gets the parser and a Markdown converter once.
_worker: dict[str, Any] = {}


def _start_worker(parser: EntryParser, options: dict[str, Any]) -> None:
    _worker.update(parser=parser, markdown=Markdown(**options))


def _prepare_in_worker(job: tuple[str, tuple, bool]) -> tuple[str, tuple, tuple]:
    path, stamp, page = job
    return path, stamp, prepare(path, _worker["parser"], _worker["markdown"], page, False)


def prefetch(run: TrackerRun, settings: dict[str, Any], workers: int = 2) -> None:
    """Read the entries the cache does not have in worker processes, when there are enough to pay
    for starting them: YAML and Markdown are per file, and the build's other steps need them all."""
    jobs = []
    for folder in settings["ARTICLE_PATHS"] + settings["PAGE_PATHS"]:
        for root, _, files in os.walk(os.path.join(settings["PATH"], folder)):
            for name in files:
                path = os.path.join(root, name)
                if name.rsplit(".", 1)[-1] in MARKDOWN_SUFFIXES:
                    stat = os.stat(path)
                    stamp = (stat.st_mtime_ns, stat.st_size)
                    cached = run.cache.entries.get(path)
                    if not (cached and cached[0] == stamp):
                        jobs.append((path, stamp, is_page(path, settings)))
    if len(jobs) < settings["TRACKER_PARALLEL_READING_MIN"] or (os.cpu_count() or 1) < 2 or settings.get("TRACKER_CHECK"):
        return
    context = multiprocessing.get_context("fork")
    with context.Pool(min(workers, os.cpu_count() or 1), _start_worker, (run.parser, markdown_options(settings))) as pool:
        for path, stamp, result in pool.imap_unordered(_prepare_in_worker, sorted(jobs), chunksize=64):
            run.prepared[path] = (stamp, result)


class TrackerReader(BaseReader):
    """Reads `.md` files; an entry with an error is skipped after its problems are reported."""

    enabled = True
    file_extensions = MARKDOWN_SUFFIXES

    def __init__(self, settings: dict[str, Any]) -> None:
        super().__init__(settings)
        self._markdown = Markdown(**markdown_options(settings))

    def read(self, source_path: str) -> tuple[str | None, dict[str, Any]]:
        """Return (HTML body, metadata) for Pelican; metadata `status: skip` when unusable."""
        run = TrackerRun.of(self.settings)
        stat = os.stat(source_path)
        stamp = (stat.st_mtime_ns, stat.st_size)
        found = run.cache.entries.get(source_path) or run.prepared.get(source_path)
        if found and found[0] == stamp:
            result = found[1]
        else:
            result = prepare(source_path, run.parser, self._markdown, is_page(source_path, self.settings),
                             bool(self.settings.get("TRACKER_CHECK")))
        entry, body, summary, problems, digest = result
        run.reporter.problems.extend(problems)  # an unchanged file still shows its problems
        if run.cache.path:
            run.entries[source_path] = (stamp, result)
        if entry is None:
            return None, {"status": "skip"}
        metadata = self.metadata(entry, summary)
        metadata["source_digest"] = digest
        return body, metadata

    def metadata(self, entry: Entry, summary: str | None) -> dict[str, Any]:
        """Pelican metadata for an entry: its own fields plus the objects Pelican expects."""
        metadata: dict[str, Any] = {
            "title": entry.title,
            "slug": entry.slug,
            "slug_line": entry.slug_line,
            "status": entry.status,
            "provinces": [Province(term, self.settings) for term in entry.provinces],
            "actors": [Actor(term, self.settings) for term in entry.actors],
            "places": entry.places,
            "sources": entry.sources,
            "covers": entry.covers,
            # Pelican expects every article to have a category; the site writes no category pages.
            "category": Category(self.settings.get("DEFAULT_CATEGORY") or "entries", self.settings),
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
