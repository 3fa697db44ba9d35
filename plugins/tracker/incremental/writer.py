"""One owner per output file: checked before anything is written, enforced while writing."""

from __future__ import annotations

import datetime as dt
import os
import sys
from collections.abc import Callable
from contextlib import contextmanager
from typing import Any

from pelican.contents import Content
from pelican.paginator import Page as PaginatorPage
from pelican.paginator import Paginator
from pelican.urlwrappers import URLWrapper
from pelican.utils import sanitised_join
from pelican.writers import Writer

from ..model.digests import digest_bytes
from ..problems import display_path
from ..site.run import TrackerRun


def per_page(template: str, settings: dict[str, Any]) -> int:
    """Entries per page of a paginated template, as Pelican's writer decides it."""
    return settings["PAGINATED_TEMPLATES"][template] or settings["DEFAULT_PAGINATION"]


def paginated_paths(page: Any, entries: list, template: str, settings: dict[str, Any]) -> list[str]:
    """The save-as path of every pagination page, named as Pelican's writer will name them."""
    if template not in settings["PAGINATED_TEMPLATES"]:
        return [page.save_as]
    paginator = Paginator(page.save_as, page.url, entries, settings, per_page(template, settings))
    return [paginator.page(n).save_as for n in paginator.page_range]


class _Named:
    """A stand-in with the `save_as`/`url` a Paginator needs, for direct templates."""

    def __init__(self, save_as: str, url: str) -> None:
        self.save_as, self.url = save_as, url


CONTENT_LISTS = ("articles", "hidden_articles", "drafts", "pages", "hidden_pages", "draft_pages")
MAX_NAME_BYTES = 255  # the longest file or folder name most file systems allow


def site_output_paths(generators: list[Any]) -> list[tuple[str, Any]]:
    """(path, owner) for every file the build will write: the site's own pages (indexes, feeds,
    archives) first, then entries and pages, so that a conflict is charged to the entry or page."""
    structure: list[tuple[str, Any]] = []
    content: list[tuple[str, Any]] = []
    for generator in generators:
        settings = generator.settings
        for name in CONTENT_LISTS:
            content += [(item.save_as, item) for item in getattr(generator, name, [])]
        if hasattr(generator, "tags") and hasattr(generator, "dates"):
            for template in settings["DIRECT_TEMPLATES"]:
                save_as = settings.get(f"{template.upper()}_SAVE_AS", f"{template}.html")
                if save_as:
                    named = _Named(save_as, settings.get(f"{template.upper()}_URL", save_as))
                    structure += [(p, f"the {template} page") for p in paginated_paths(named, generator.articles, template, settings)]
            for kind, groups in (("tag", generator.tags.items()), ("author", generator.authors)):
                for wrapper, entries in groups:
                    if wrapper.save_as:
                        structure += [(p, f"{kind} '{wrapper}'") for p in paginated_paths(wrapper, entries, kind, settings)]
            for archives in getattr(generator, "period_archives", {}).values():  # Pelican's own, where a site turns them on
                structure += [(a["save_as"], "the archive of " + " ".join(map(str, a["period"]))) for a in archives]
        if hasattr(generator, "output_paths"):
            structure += generator.output_paths()
    return [(os.path.normpath(path), owner) for path, owner in structure + content if path]


class _Claims:
    """Output paths claimed so far, as files and as the folders they imply."""

    def __init__(self) -> None:
        self.files: dict[str, Any] = {}
        self.folders: dict[str, Any] = {}  # folder -> the first file under it

    def conflict(self, path: str) -> tuple[str, Any] | None:
        """(how, owner) of an earlier claim that `path` cannot coexist with, or None."""
        if path in self.files:
            return "is already used by", self.files[path]
        if path in self.folders:
            return "would be a file where a folder is needed by", self.folders[path]
        parts = path.split(os.sep)
        for n in range(1, len(parts)):
            folder = os.sep.join(parts[:n])
            if folder in self.files:
                return "needs a folder where there is a file of", self.files[folder]
        return None

    def add(self, path: str, owner: Any) -> None:
        self.files[path] = owner
        parts = path.split(os.sep)
        for n in range(1, len(parts)):
            self.folders.setdefault(os.sep.join(parts[:n]), owner)


def describe(owner: Any) -> str:
    """How a problem message names the owner of an output file."""
    if isinstance(owner, str):
        return owner
    source = getattr(owner, "source_path", None)
    if source:
        return display_path(source)
    term = getattr(owner, "term", None)
    return f"{type(owner).__name__.lower()} '{owner}'" if term is not None else str(owner)


def location(owner: Any, run: TrackerRun) -> tuple[str, int]:
    """The file and line a collision is reported at, for an owner that has one."""
    if getattr(owner, "source_path", None):
        return owner.source_path, owner.metadata.get("slug_line", 1)
    term = getattr(owner, "term", None)
    if term is not None and term.known:
        kind = type(owner).__name__.lower()
        return run.vocabularies[kind].path, term.line
    if term is not None and owner.stats.entries:
        first = owner.stats.entries[-1]
        return first.source_path, 1
    return "", 0


def check_collisions(generators: list[Any], run: TrackerRun) -> set[str]:
    """Report every output path that cannot be written as planned: claimed twice, a file where
    another needs a folder, or a name too long for the file system. The later claimant is not
    written (an entry or page is dropped from its list). Returns the paths claimed twice."""
    claims = _Claims()
    clashing: set[str] = set()
    dropped: list[Any] = []
    for path, owner in site_output_paths(generators):
        too_long = next((part for part in path.split(os.sep) if len(part.encode("utf-8")) > MAX_NAME_BYTES), None)
        found = ("has a name longer than 255 bytes", None) if too_long else claims.conflict(path)
        if found is None:
            claims.add(path, owner)
            continue
        how, first = found
        where, line = location(owner, run)
        if not where and first is not None:
            where, line = location(first, run)
        against = f" {describe(first)}" if first is not None else ""
        run.reporter.error(where or path, line, f"output path '{path}' of {describe(owner)} {how}{against}; not written")
        if getattr(owner, "source_path", None):
            dropped.append(owner)
        elif first is not None and path in claims.files:
            clashing.add(path)  # the writer keeps the first version
        else:
            run.blocked.add(path)
    _drop(generators, dropped)
    run.output_paths = [(path, owner) for path, owner in claims.files.items()]
    return clashing


def _drop(generators: list[Any], dropped: list[Any]) -> None:
    """Take entries and pages that cannot be written out of their generators' lists."""
    ids = {id(item) for item in dropped}
    for generator in generators:
        for name in CONTENT_LISTS:
            items = getattr(generator, name, None)
            if items and any(id(item) in ids for item in items):
                items[:] = [item for item in items if id(item) not in ids]


# Context entries a template shows besides its own arguments (the rest of the context is global
# and in the build key). A theme whose templates read other context entries lists them here.
TEMPLATE_CONTEXT = {
    "index.html": ("province_map_digest",),
    "provinces.html": ("province_map_digest", "provinces"),
    "actors.html": ("actor_kinds",),
    "feeds.html": ("term_feeds", "site_feeds"),
    "archives.html": ("archive_years", "archive_months"),
    "period_archives.html": ("TRACKER_SPAN", "archive_months"),
    "tags.html": ("tags",),
    "authors.html": ("authors",),
}
# Arguments Pelican passes that this theme's templates never read; lists on paginated pages are
# read through `articles_page` only.
UNUSED_ARGUMENTS = {"all_articles", "blog", "page_name"}
PAGED_LISTS = {"articles", "dates"}


class Unfingerprintable(Exception):
    """A template argument of a kind the digest does not know: the page is always rendered."""


class TrackerWriter(Writer):
    """Pelican's writer with two differences: a second write to one path is skipped, not a
    traceback; and a page whose inputs have the same digest as in the last build, and whose
    file is still there, is neither rendered nor written again."""

    def __init__(self, output_path: str, settings: dict[str, Any] | None = None) -> None:
        super().__init__(output_path, settings=settings)
        self._memo: dict[int, tuple[Any, str]] = {}
        self._global: str | None = None

    def write_file(self, name, template, context, relative_urls=False, paginated=None, template_name=None,
                   override_output=False, url=None, **kwargs):
        """Pelican's write_file, page by page, so that each pagination page has its own digest."""
        if not name:
            return
        if paginated is None:
            paginated = {key: value for key, value in kwargs.items() if key in PAGED_LISTS}
        if not (paginated and template_name in self.settings["PAGINATED_TEMPLATES"]):
            self._write_page(name, template, context, relative_urls, override_output, kwargs, paged=False)
            return
        size = per_page(template_name, self.settings)
        paginators = {key: Paginator(name, url, value, self.settings, size) for key, value in paginated.items()}
        for number in range(1, next(iter(paginators.values())).num_pages + 1):
            page_kwargs = dict(kwargs)
            for key, paginator in paginators.items():
                page = paginator.page(number)
                page_kwargs.update({
                    f"{key}_paginator": paginator, f"{key}_page": page,
                    f"{key}_previous_page": paginator.page(number - 1) if number > 1 else None,
                    f"{key}_next_page": paginator.page(number + 1) if number < paginator.num_pages else None,
                })
            self._write_page(page.save_as, template, context, relative_urls, override_output, page_kwargs, paged=True)

    def _unchanged(self, name: str, digest: str | None) -> bool:
        """Record what `name` is made from; True when it is not to be written: the last build made it
        from the same and it is still there, or it was blocked before writing began."""
        run = TrackerRun.of(self.settings)
        relative = os.path.normpath(name)
        if relative in run.blocked:
            return True  # reported before writing began: not written at all
        path = sanitised_join(self.output_path, name)
        run.outputs[relative] = digest or ""
        if digest and run.cache.outputs.get(relative) == digest and os.path.exists(path) and path not in self._written_files:
            self._written_files.add(path)
            return True
        return False

    def _write_page(self, name, template, context, relative_urls, override, kwargs, paged):
        digest = self._digest(template, os.path.normpath(name), relative_urls, context, kwargs, paged)
        if not self._unchanged(name, digest):
            with _stop_on_os_error(name):
                super().write_file(name, template, context, relative_urls, None, None, override, None, **kwargs)

    def write_bytes(self, name: str, data: bytes | Callable[[], bytes], digest: str | None = None) -> None:
        """Write a file that is not rendered from a template (feeds, OPML, sitemap), under the same rules."""
        digest = digest and digest_bytes(TrackerRun.of(self.settings).cache.key, os.path.normpath(name), digest)
        if self._unchanged(name, digest):
            return
        with _stop_on_os_error(name):
            path = sanitised_join(self.output_path, name)
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with self._open_w(path, "utf-8") as handle:
                handle.write((data() if callable(data) else data).decode("utf-8"))

    def _digest(self, template, name, relative_urls, context, kwargs, paged) -> str | None:
        """What the page is rendered from; None when an argument cannot be digested."""
        try:
            if self._global is None:
                self._global = self.fingerprint([
                    TrackerRun.of(self.settings).cache.key, context.get("SITE_BASE"),
                    [(f.title, f.format, f.url) for f in context.get("site_feeds") or []],  # as every head links them
                    [(p.title, p.url) for p in context.get("pages", [])],
                    [(k, p.name, p.url) for k, p in sorted((context.get("province_pages") or {}).items())],
                    [(k, p.name, p.url) for k, p in sorted((context.get("actor_pages") or {}).items())],
                ])
            parts = [self._global, template.name, name, str(relative_urls)]
            parts += [self.fingerprint(context.get(key)) for key in TEMPLATE_CONTEXT.get(template.name, ())]
            for key, value in sorted(kwargs.items()):
                if key.endswith(("_previous_page", "_next_page")):
                    parts.append(f"{key}={value.url if value else None}")  # a pager shows only their links
                elif key not in UNUSED_ARGUMENTS and not (paged and key in PAGED_LISTS):
                    parts.append(f"{key}={self.fingerprint(value)}")
            return digest_bytes(*parts)
        except Unfingerprintable:
            return None

    def fingerprint(self, value: Any) -> str:
        """A digest of a template argument; lists and objects are digested once per build."""
        if value is None or isinstance(value, (str, int, float, bool)):
            return repr(value)
        if isinstance(value, (dt.date, dt.datetime)):
            return value.isoformat()
        hit = self._memo.get(id(value))
        if hit is not None and hit[0] is value:
            return hit[1]
        if hasattr(value, "tracker_digest"):
            result = value.tracker_digest
        elif isinstance(value, Content):
            result = digest_bytes(type(value).__name__, getattr(value, "source_digest", None) or _unknown(value), value.url)
        elif isinstance(value, PaginatorPage):
            result = digest_bytes("page", str(value.number), value.url, self.fingerprint(value.object_list))
        elif isinstance(value, Paginator):
            result = digest_bytes("paginator", str(value.num_pages), str(value.count))
        elif isinstance(value, URLWrapper):
            result = digest_bytes(type(value).__name__, value.name, value.slug, str(value.url))
        elif isinstance(value, (list, tuple)):
            result = digest_bytes(*(self.fingerprint(item) for item in value))
        elif isinstance(value, dict):
            result = digest_bytes(*(f"{k}={self.fingerprint(v)}" for k, v in sorted(value.items(), key=lambda kv: str(kv[0]))))
        else:
            raise Unfingerprintable(type(value).__name__)
        self._memo[id(value)] = (value, result)
        return result

    def _open_w(self, filename: str, encoding: str, override: bool = False):
        if filename in self._written_files and not override:
            run = TrackerRun.of(self.settings)
            relative = os.path.normpath(os.path.relpath(filename, self.output_path))
            if relative not in run.collisions:
                run.reporter.error(filename, 0, "written twice in one build; the first version is kept")
            return open(os.devnull, "w", encoding=encoding)
        return super()._open_w(filename, encoding, override)


@contextmanager
def _stop_on_os_error(name: str):
    """The file system refused a write (full disk, permissions): one line, and the build stops.
    The output folder's marker still says incomplete, so the next build trusts none of it."""
    try:
        yield
    except OSError as exc:
        print(f"error: cannot write {name} in the output folder: {exc.strerror}; build stopped", file=sys.stderr)
        raise SystemExit(1) from None


def _unknown(value: Any) -> str:
    raise Unfingerprintable(type(value).__name__)
