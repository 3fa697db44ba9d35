"""The writer: Pelican's, page by page, rendering a page only when what it is rendered from changed.

A page's digest covers its template (and every template it pulls in), its output path, and the
digest of every value its templates read (found by `dependencies`): model objects carry their
own digests, Pelican's entries and pages are digested by their source file and URL. A value the
digest does not know makes its page render on every build: never stale, only slower.

Pelican's writer contract is kept: `content_written` is sent for every page and `feed_written`
for every feed on every build, whether the file was rewritten or was already as it would be.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
from collections.abc import Callable, Mapping
from contextlib import contextmanager
from typing import Any

from markupsafe import Markup
from pelican import signals
from pelican.contents import Content
from pelican.paginator import Page as PaginatorPage
from pelican.paginator import Paginator
from pelican.urlwrappers import URLWrapper
from pelican.utils import get_relative_path, sanitised_join
from pelican.writers import Writer

from ..model.digests import digest_bytes
from ..site.listing import EntryItems
from ..site.paths import per_page
from ..site.run import TrackerRun

_MISSING = object()
# Names a page's own output path and URL mode already stand for.
COVERED = {"output_file", "SITEURL", "localsiteurl"}


class Unfingerprintable(Exception):
    """A value of a kind the digest does not know: its page is rendered on every build."""


class PageLink:
    """A neighbouring pagination page as a pager shows it: its number and URL, not its entries
    (so that a page does not depend on the entries of the pages before and after it)."""

    def __init__(self, page: PaginatorPage) -> None:
        self.number, self.url, self.save_as = page.number, page.url, page.save_as


class TrackerWriter(Writer):
    """Pelican's writer, but a page whose digest is the last build's and whose file is still there
    is not rendered again, and a second write to one path is skipped (reported before writing)."""

    def __init__(self, output_path: str, settings: dict[str, Any] | None = None) -> None:
        super().__init__(output_path, settings=settings)
        self._memo: dict[int, tuple[Any, str]] = {}
        self._dependencies = TrackerRun.of(self.settings).dependencies
        self._claimed: set[str] = set()  # output paths written (or kept) by this build
        self._shared: dict[tuple, tuple] = {}  # (template, context, names) -> (values, digest)

    def write_file(
        self,
        name,
        template,
        context,
        relative_urls=False,
        paginated=None,
        template_name=None,
        override_output=False,
        url=None,
        **kwargs,
    ):
        """Pelican's write_file, one pagination page at a time, so that each page has its own digest."""
        if not name:
            return
        site = context.get("site")
        if "article" in kwargs and site is not None and "entry" not in kwargs:
            kwargs["entry"] = site.view(
                kwargs["article"]
            )  # the model's view of an entry page: its neighbours
        if paginated is None:  # as Pelican's writer decides it
            paginated = {key: value for key, value in kwargs.items() if key in ("articles", "dates")}
        if not paginated or template_name not in self.settings["PAGINATED_TEMPLATES"]:
            self._write_page(name, template, context, relative_urls, override_output, kwargs)
            return
        size = per_page(template_name, self.settings)
        paginators = {
            key: Paginator(name, url, value, self.settings, size) for key, value in paginated.items()
        }
        for number in range(1, next(iter(paginators.values())).num_pages + 1):
            page_kwargs = dict(kwargs)
            for key, paginator in paginators.items():
                page = paginator.page(number)
                page_kwargs.update(
                    {
                        f"{key}_paginator": paginator,
                        f"{key}_page": page,
                        f"{key}_previous_page": PageLink(paginator.page(number - 1)) if number > 1 else None,
                        f"{key}_next_page": PageLink(paginator.page(number + 1))
                        if number < paginator.num_pages
                        else None,
                    }
                )
            self._write_page(page.save_as, template, context, relative_urls, override_output, page_kwargs)

    def _write_page(self, name, template, context, relative_urls, override, kwargs):
        relative = os.path.normpath(name)
        if not self._claim(relative, override):
            return
        digest = self._page_digest(template, relative, relative_urls, context, kwargs)
        if self._unchanged(relative, digest):
            self._announce(name, context, relative_urls, kwargs)
            return
        with _stop_on_os_error(name):
            super().write_file(name, template, context, relative_urls, None, None, override, None, **kwargs)
        TrackerRun.of(self.settings).changed.add(relative)

    def write_bytes(
        self,
        name: str,
        data: bytes | Callable[[], bytes],
        digest: str | None = None,
        context: dict[str, Any] | None = None,
        feed: Any = None,
    ) -> None:
        """Write a file that is not rendered from a template (feeds, OPML, sitemap), under the same
        rules; with `feed`, send `feed_written` as Pelican does for its feeds."""
        relative = os.path.normpath(name)
        if not self._claim(relative, False):
            return
        digest = digest and self.output_digest(relative, digest)
        path = sanitised_join(self.output_path, name)
        if not self._unchanged(relative, digest):
            content = data() if callable(data) else data
            if not _holds(path, content):  # a file already holding these bytes keeps its time stamp
                with _stop_on_os_error(name):
                    os.makedirs(os.path.dirname(path), exist_ok=True)
                    with open(path, "wb") as handle:
                        handle.write(content)
                TrackerRun.of(self.settings).changed.add(relative)
        if feed is not None:
            signals.feed_written.send(path, context=context or {}, feed=feed)

    def output_digest(self, relative: str, digest: str) -> str:
        """What `write_bytes` records for a file written from something with this digest."""
        return digest_bytes(TrackerRun.of(self.settings).cache.key, relative, digest)

    def _claim(self, relative: str, override: bool) -> bool:
        """Whether this build may write `relative` now: not blocked, and not written already."""
        run = TrackerRun.of(self.settings)
        if relative in run.blocked:
            return False  # reported before writing began
        if relative in self._claimed and not override:
            if relative not in run.collisions:
                run.reporter.error(
                    sanitised_join(self.output_path, relative),
                    0,
                    "written twice in one build; the first version is kept",
                )
            return False
        self._claimed.add(relative)
        return True

    def _unchanged(self, relative: str, digest: str | None) -> bool:
        """Record what `relative` is made from; True when it is still as the last build made it."""
        TrackerRun.of(self.settings).outputs[relative] = digest or ""
        return self.is_current(relative, digest)

    def is_current(self, relative: str, digest: str | None) -> bool:
        """Whether the last build made `relative` from the same (`digest`) and the file is still there."""
        return (
            bool(digest)
            and TrackerRun.of(self.settings).cache.outputs.get(relative) == digest
            and os.path.exists(sanitised_join(self.output_path, relative))
        )

    def _announce(
        self, name: str, context: dict[str, Any], relative_urls: bool, kwargs: dict[str, Any]
    ) -> None:
        """`content_written` for a page left as it was, with the context it would have been rendered with."""
        if not signals.content_written.receivers:
            return
        local = dict(context)
        if relative_urls:
            local["SITEURL"] = get_relative_path(name)
        local["output_file"] = name
        local.update(kwargs)
        signals.content_written.send(sanitised_join(self.output_path, name), context=local)

    def _page_digest(
        self, template, relative: str, relative_urls: bool, context: dict[str, Any], kwargs: dict[str, Any]
    ) -> str | None:
        """What the page is rendered from; None when that cannot be known."""
        names = self._dependencies.of(template.environment, template.name)
        if names is None:
            return None
        try:
            shared = self._shared_digest(template, names, context, kwargs)
            parts = [shared, relative, str(relative_urls)]
            parts += [
                f"{name}={self.fingerprint(kwargs[name], context, template.environment)}"
                for name in sorted(names & kwargs.keys())
            ]
            return digest_bytes(*parts)
        except Unfingerprintable:
            return None

    def _shared_digest(self, template, names: frozenset[str], context: dict[str, Any], kwargs: dict) -> str:
        """The digest of what a template reads from the shared context (not given per page): worked
        out once per template and reused for as long as the context holds the very same values."""
        own = tuple(sorted(names - kwargs.keys()))
        key = (template.name, id(context), own)
        hit = self._shared.get(key)
        if hit is not None and all(context.get(name, _MISSING) is value for name, value in hit[0]):
            return hit[1]
        env = template.environment
        digest = digest_bytes(
            TrackerRun.of(self.settings).cache.key,
            template.name,
            *(f"{name}={self._context_digest(name, context, env)}" for name in own),
        )
        self._shared[key] = (tuple((name, context.get(name, _MISSING)) for name in own), digest)
        return digest

    def _context_digest(self, name: str, context: dict[str, Any], env: Any) -> str:
        """The digest of a name a template reads from the shared context."""
        if name in COVERED:
            return "covered"  # by the output path and the URL mode
        if name in self.settings and name in context and context[name] is self.settings[name]:
            return "setting"  # settings are in the build key
        if name in context:
            return self.fingerprint(context[name], context, env)
        return "global" if name in env.globals else "undefined"

    def fingerprint(self, value: Any, context: dict[str, Any] | None = None, env: Any = None) -> str:
        """A digest of a value a template reads; lists and objects are digested once per build."""
        if value is None or isinstance(value, (str, int, float, bool, Markup)):
            return repr(value)
        if isinstance(value, (dt.date, dt.datetime)):
            return value.isoformat()
        hit = self._memo.get(id(value))
        if hit is not None and hit[0] is value:
            return hit[1]
        result = self._fingerprint(value, context, env)
        self._memo[id(value)] = (value, result)
        return result

    def _fingerprint(self, value: Any, context: dict[str, Any] | None, env: Any) -> str:
        digest = getattr(value, "digest", None)
        if isinstance(digest, str) and digest:
            return digest  # a model object: its digest covers what pages show of it
        if isinstance(value, Content):
            site = (context or {}).get("site")
            known = site.entry_digests.get(value.source_path) if site is not None else None
            return known or digest_bytes(
                type(value).__name__,
                getattr(value, "source_digest", None) or _unknown(value),
                value.url,
                str(getattr(value, "status", "")),
            )
        if isinstance(value, PaginatorPage):
            return digest_bytes(
                "page", str(value.number), value.url, self.fingerprint(value.object_list, context, env)
            )
        if isinstance(value, PageLink):
            return digest_bytes("pagelink", str(value.number), value.url)
        if isinstance(value, Paginator):
            return digest_bytes("paginator", str(value.num_pages), str(value.count))
        if isinstance(value, URLWrapper):
            return digest_bytes(type(value).__name__, value.name, value.slug, str(value.url))
        if isinstance(value, EntryItems):
            return self._items_digest(value, context, env)
        if isinstance(value, (list, tuple)):
            return digest_bytes(*(self.fingerprint(item, context, env) for item in value))
        if isinstance(value, Mapping):
            items = sorted(value.items(), key=lambda kv: str(kv[0]))
            return digest_bytes(*(f"{k}={self.fingerprint(v, context, env)}" for k, v in items))
        return _unknown(value)

    def _items_digest(self, items: EntryItems, context: dict[str, Any] | None, env: Any) -> str:
        """An entry list item shows its entry (digested by the list that holds it) and what its
        template reads from the context."""
        names = self._dependencies.of(items.template.environment, items.template.name)
        if names is None or context is None:
            return _unknown(items)
        names = sorted(
            names - {"entry", "level", "entry_items", "SITEURL"}
        )  # given per item, or this very object
        return digest_bytes(
            items.template.name, *(f"{n}={self._context_digest(n, context, env)}" for n in names)
        )


@contextmanager
def _stop_on_os_error(name: str):
    """The file system refused a write (full disk, permissions): one line, and the build stops.
    The output folder's marker still says incomplete, so the next build trusts none of it."""
    try:
        yield
    except OSError as exc:
        print(
            f"error: cannot write {name} in the output folder: {exc.strerror}; build stopped", file=sys.stderr
        )
        raise SystemExit(1) from None


def _holds(path: str, content: bytes) -> bool:
    """Whether the file at `path` holds exactly `content`."""
    try:
        if os.path.getsize(path) != len(content):
            return False
        with open(path, "rb") as handle:
            return handle.read() == content
    except OSError:
        return False


def _unknown(value: Any) -> str:
    raise Unfingerprintable(type(value).__name__)
