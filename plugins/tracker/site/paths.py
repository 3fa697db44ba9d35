"""Output paths: every file the build will write, with its owner, checked before anything is
written. Two owners of one path, a file where another page needs a folder, or a name too long
for the file system are errors at the line of the entry or page that causes them."""

from __future__ import annotations

import datetime as dt
import os
import xml.etree.ElementTree as ET
from typing import Any

from pelican.paginator import Paginator

from ..model.site import absolute
from ..problems import display_path
from .run import TrackerRun


def per_page(template: str, settings: dict[str, Any]) -> int:
    """Entries per page of a paginated template, as Pelican's writer decides it."""
    return settings["PAGINATED_TEMPLATES"][template] or settings["DEFAULT_PAGINATION"]


def paginated_paths(
    save_as: str, url: str, entries: Any, template: str, settings: dict[str, Any]
) -> list[str]:
    """The save-as path of every pagination page, named as Pelican's writer will name them."""
    if template not in settings["PAGINATED_TEMPLATES"]:
        return [save_as]
    paginator = Paginator(save_as, url, entries, settings, per_page(template, settings))
    return [paginator.page(n).save_as for n in paginator.page_range]


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
                    url = settings.get(f"{template.upper()}_URL", save_as)
                    structure += [
                        (p, f"the {template} page")
                        for p in paginated_paths(save_as, url, generator.articles, template, settings)
                    ]
            for kind, groups in (("tag", generator.tags.items()), ("author", generator.authors)):
                for wrapper, entries in groups:
                    if wrapper.save_as:
                        structure += [
                            (p, f"{kind} '{wrapper}'")
                            for p in paginated_paths(wrapper.save_as, wrapper.url, entries, kind, settings)
                        ]
            # Pelican's own period archives, where a site turns them on.
            for archives in getattr(generator, "period_archives", {}).values():
                structure += [
                    (a["save_as"], "the archive of " + " ".join(map(str, a["period"]))) for a in archives
                ]
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
    kind = getattr(owner, "kind", None)
    return f"{kind} '{owner.name}'" if kind else str(owner)


def location(owner: Any, run: TrackerRun, site: Any = None) -> tuple[str, int]:
    """The file and line a collision is reported at, for an owner that has one."""
    if getattr(owner, "source_path", None):
        return owner.source_path, owner.metadata.get("slug_line", 1)
    term = getattr(owner, "term", None)
    if term is not None and term.known:
        return run.vocabularies[owner.kind].path, term.line
    entries = site.entries_of(owner) if term is not None and site is not None else ()
    if entries:
        return entries[-1].source_path, 1  # an unknown name: where it was first used
    return "", 0


def check_collisions(generators: list[Any], run: TrackerRun) -> set[str]:
    """Report every output path that cannot be written as planned: claimed twice, a file where
    another needs a folder, or a name too long for the file system. The later claimant is not
    written (an entry or page is dropped from its list). Returns the paths claimed twice."""
    claims = _Claims()
    site = generators[0].context.get("site") if generators else None
    clashing: set[str] = set()
    dropped: list[Any] = []
    for path, owner in site_output_paths(generators):
        too_long = next(
            (part for part in path.split(os.sep) if len(part.encode("utf-8")) > MAX_NAME_BYTES), None
        )
        found = ("has a name longer than 255 bytes", None) if too_long else claims.conflict(path)
        if found is None:
            claims.add(path, owner)
            continue
        how, first = found
        where, line = location(owner, run, site)
        if not where and first is not None:
            where, line = location(first, run, site)
        against = f" {describe(first)}" if first is not None else ""
        run.reporter.error(
            where or path, line, f"output path '{path}' of {describe(owner)} {how}{against}; not written"
        )
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


def render_sitemap(base: str, output_paths: list[tuple[str, Any]]) -> bytes:
    """sitemap.xml of every published HTML page (no draft or hidden entry or page, no 404), sorted,
    dated by content only."""
    urlset = ET.Element("urlset", xmlns="http://www.sitemaps.org/schemas/sitemap/0.9")
    seen = set()
    for path, owner in sorted(output_paths, key=lambda item: item[0]):
        status = getattr(owner, "status", "published")
        if not path.endswith(".html") or path == "404.html" or status != "published" or path in seen:
            continue
        seen.add(path)
        url = ET.SubElement(urlset, "url")
        location = path[: -len("index.html")] if path.endswith("index.html") else path
        ET.SubElement(url, "loc").text = absolute(base, location)
        date = getattr(owner, "updated", None) or getattr(owner, "date", None)
        if isinstance(date, dt.datetime):
            ET.SubElement(url, "lastmod").text = date.isoformat()
    ET.indent(urlset)
    return ET.tostring(urlset, encoding="utf-8", xml_declaration=True) + b"\n"
