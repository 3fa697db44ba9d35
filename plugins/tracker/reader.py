"""A Pelican reader for tracker entries: YAML front matter on PyYAML, body in Markdown."""

from __future__ import annotations

import os
from typing import Any

from markdown import Markdown
from pelican.readers import BaseReader
from pelican.urlwrappers import Author, Category, Tag

from .frontmatter import Entry
from .cache import digest_bytes
from .run import TrackerRun
from .terms import Actor, Province

MARKDOWN_SUFFIXES = ["md", "markdown", "mkd", "mdown"]


def markdown_options(settings: dict[str, Any]) -> dict[str, Any]:
    """The site's Markdown settings without Pelican's `meta` extension (front matter is YAML here)."""
    options = dict(settings["MARKDOWN"])
    options["extensions"] = [e for e in options.get("extensions", []) if e != "markdown.extensions.meta"]
    return options


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
        cached = run.cache.entries.get(source_path)
        if cached and cached[0] == stamp:
            entry, body, summary, problems, digest = cached[1]
            run.reporter.problems.extend(problems)  # an unchanged file still shows its warnings
        else:
            with open(source_path, "rb") as handle:
                data = handle.read()
            before = len(run.reporter.problems)
            entry = run.parser.parse(source_path, data, page=self._is_page(source_path))
            if entry is None:
                return None, {"status": "skip"}
            # `make check` writes nothing, so it need not convert bodies (most of a build's reading time).
            body = "" if self.settings.get("TRACKER_CHECK") else self.render(entry.body)
            summary = self.render(entry.summary) if entry.summary else None
            problems, digest = run.reporter.problems[before:], digest_bytes(data)
        run.entries[source_path] = (stamp, (entry, body, summary, problems, digest))
        metadata = self.metadata(entry, summary)
        metadata["source_digest"] = digest
        return body, metadata

    def _is_page(self, source_path: str) -> bool:
        relative = os.path.relpath(source_path, self.settings["PATH"])
        return any(
            relative == p or relative.startswith(p.rstrip("/") + os.sep) for p in self.settings["PAGE_PATHS"]
        )

    def render(self, text: str) -> str:
        """Markdown to HTML, with the converter reset between documents."""
        self._markdown.reset()
        return self._markdown.convert(text)

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
