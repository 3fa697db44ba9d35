"""Markdown to safe HTML: every piece of Markdown the site renders (entry bodies and summaries,
page bodies, vocabulary descriptions) goes through one Renderer.

The HTML is cleaned by nh3 (Rust's ammonia) with an allow-list: formatting, tables, images and
links stay; scripts, styles, frames, event-handler attributes and links other than http(s),
mailto and relative ones go. A site that trusts its authors sets TRACKER_RAW_HTML = True.
"""

from __future__ import annotations

import re
import signal
import threading
from contextlib import contextmanager
from typing import Any

import nh3

from ..model.config import TrackerSettings

URL_SCHEMES = {"http", "https", "mailto"}
ATTRIBUTES = {tag: set(names) for tag, names in nh3.ALLOWED_ATTRIBUTES.items()}
ATTRIBUTES["*"] = {
    "id",
    "class",
    "title",
    "lang",
    "dir",
    "style",
}  # headings' ids, code highlighting, table alignment
# What the cleaning removes, named for the author's warning (nh3 itself does the removing).
_TAG = re.compile(r"<\s*([a-zA-Z][\w:-]*)")
# Linear in the length of the HTML: a tag's attributes are scanned up to the next '<' or '>', and
# whitespace runs are taken possessively (no backtracking into them).
_HANDLER = re.compile(r"<[^<>]*?\s(on[a-z]+)\s*+=", re.IGNORECASE)
_SCHEME = re.compile(
    r"""\s(?:href|src|action|formaction|xlink:href)\s*+=\s*+["']?+\s*+([a-zA-Z][\w+.-]*+):"""
)


class TimedOut(BaseException):
    """Raised by the alarm inside Markdown or YAML; a BaseException, so that no `except Exception`
    in an extension can swallow it."""


def markdown_options(settings: dict[str, Any]) -> dict[str, Any]:
    """The site's Markdown settings as Pelican applies them (every configured extension is
    loaded), without Pelican's `meta` extension: front matter is YAML here."""
    options = dict(settings["MARKDOWN"])
    extensions = list(options.get("extensions", []))
    extensions += [name for name in options.get("extension_configs", {}) if name not in extensions]
    options["extensions"] = [name for name in extensions if name != "markdown.extensions.meta"]
    return options


def clean_html(html: str) -> tuple[str, list[str]]:
    """The HTML with everything outside the allow-list removed, and what was removed."""
    cleaned = nh3.clean(
        html,
        attributes=ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel=None,
        filter_style_properties={"text-align"},
    )
    if cleaned == html:
        return html, []
    removed = {f"<{tag.lower()}>" for tag in _TAG.findall(html) if tag.lower() not in nh3.ALLOWED_TAGS}
    removed |= {f"{name.lower()}=" for name in _HANDLER.findall(html)}
    removed |= {
        f"{scheme.lower()}: links" for scheme in _SCHEME.findall(html) if scheme.lower() not in URL_SCHEMES
    }
    return cleaned, sorted(removed)


def _alarm(signum: int, frame: Any) -> None:
    raise TimedOut


@contextmanager
def time_limit(seconds: float | None):
    """Interrupt the block with TimedOut after `seconds` (in the main thread, where signals are
    delivered). Python-Markdown is quadratic on some inputs (`[a](` repeated: over a minute for
    80 KB)."""
    if not seconds or threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGALRM, _alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


class Renderer:
    """Markdown to (cleaned) HTML with the site's settings."""

    def __init__(
        self,
        settings: dict[str, Any],  # Pelican's, for its MARKDOWN setting
        limit: float | None = None,  # seconds to render one text (TRACKER_MARKDOWN_TIME_LIMIT)
        front_matter_limit: float | None = None,  # seconds to read one front matter
        trusted: bool = False,  # TRACKER_RAW_HTML: keep authors' raw HTML
    ) -> None:
        self.options = markdown_options(settings)
        self._markdown: Any = None  # made on first use: a build that renders nothing never imports Markdown
        self.limit, self.front_matter_limit, self.trusted = limit, front_matter_limit, trusted

    @classmethod
    def of(cls, settings: dict[str, Any], config: TrackerSettings) -> Renderer:
        """The renderer of a build's settings."""
        return cls(settings, config.markdown_time_limit, config.front_matter_time_limit, config.raw_html)

    @property
    def markdown(self) -> Any:
        if self._markdown is None:
            from markdown import Markdown

            self._markdown = Markdown(**self.options)
        return self._markdown

    def __getstate__(self) -> dict[str, Any]:
        """Sent to worker processes without the converter, which is made again there."""
        return {**self.__dict__, "_markdown": None}

    def html(self, *texts: str | None) -> tuple[list[str | None], list[str]]:
        """Each text as cleaned HTML (None stays None), all within the time limit; and what cleaning
        removed. TimedOut or RecursionError when the Markdown cannot be rendered."""
        results, removed = [], set()
        try:
            with time_limit(self.limit):
                for text in texts:
                    html = None if text is None else self._convert(text)
                    if html is not None and not self.trusted:
                        html, found = clean_html(html)
                        removed.update(found)
                    results.append(html)
        except (TimedOut, RecursionError):
            self._markdown = None  # interrupted half-way: start from a fresh converter
            raise
        return results, sorted(removed)

    def _convert(self, text: str) -> str:
        self.markdown.reset()
        return self.markdown.convert(text)
