"""Pelican's reader for the site's pages (About …): YAML front matter and a Markdown body, checked
like an entry's. Entries never go through it: the tracker reads them itself (generator.py)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from pelican.readers import BaseReader
from pelican.urlwrappers import Author

from ..model.yamlnodes import YAMLProblem
from ..problems import Reporter
from .inventory import SOURCE_SUFFIXES, read_source
from .markup import Renderer, TimedOut, time_limit


class PageReader(BaseReader):
    """Reads `.md` pages; a page with an error is skipped after its problems are reported."""

    enabled = True
    file_extensions = list(SOURCE_SUFFIXES)
    # Given by the bridge for each build: the entry parser (pages share its rules) and the build's
    # reporter, which collects the pages' problems.
    parser: Any = None
    reporter: Reporter = Reporter()
    renderer: Renderer | None = None
    language: str = ""  # the language of the site this build makes ("": the parser's default)

    def __init__(self, settings: dict[str, Any]) -> None:
        super().__init__(settings)
        self._renderer = self.renderer or Renderer(settings)

    def read(self, source_path: str) -> tuple[str | None, dict[str, Any]]:
        """Return (HTML body, metadata) for Pelican; metadata `status: skip` when unusable."""
        parser = replace(self.parser, reporter=Reporter())
        try:
            data = read_source(source_path)
            with time_limit(self._renderer.front_matter_limit):
                page = parser.parse(source_path, data, page=True)
            html = None
            if page is not None:
                (html, summary), removed = self._renderer.html(page.body, page.summary)
                if removed:
                    parser.reporter.warning(
                        source_path,
                        0,
                        f"unsafe HTML removed ({', '.join(removed)}); "
                        "TRACKER_RAW_HTML = True would trust the authors' HTML",
                    )
        except YAMLProblem as exc:
            parser.reporter.error(source_path, exc.line, exc.message)
            page = None
        except TimedOut:
            parser.reporter.error(source_path, 0, "the page took too long to read or render")
            page = None
        except RecursionError:
            parser.reporter.error(source_path, 0, "the Markdown is nested too deeply to render")
            page = None
        self.reporter.problems.extend(parser.reporter.problems)
        if page is None:
            return None, {"status": "skip"}
        # A page is in one language (`lang:`, else the default), and only that language's site has it.
        default = parser.languages[0]
        if (page.lang or default) != (self.language or default):
            return None, {"status": "skip"}
        metadata: dict[str, Any] = {
            "title": page.title,
            "slug": page.slug,
            "slug_line": page.slug_line,
            "status": page.status,
        }
        if page.date:
            metadata["date"] = page.date
        if page.updated:
            metadata["updated"] = metadata["modified"] = page.updated
        if page.author:
            metadata["author"] = Author(page.author, self.settings)
        if page.summary:
            metadata["summary"] = summary
        return html, metadata
