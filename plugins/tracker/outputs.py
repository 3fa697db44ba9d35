"""One owner per output file: checked before anything is written, enforced while writing."""

from __future__ import annotations

import os
from typing import Any

from pelican.paginator import Paginator
from pelican.utils import sanitised_join
from pelican.writers import Writer

from .problems import display_path
from .run import TrackerRun


def paginated_paths(page: Any, entries: list, template: str, settings: dict[str, Any]) -> list[str]:
    """The save-as path of every pagination page, named as Pelican's writer will name them."""
    if template not in settings["PAGINATED_TEMPLATES"]:
        return [page.save_as]
    per_page = settings["PAGINATED_TEMPLATES"][template] or settings["DEFAULT_PAGINATION"]
    paginator = Paginator(page.save_as, page.url, entries, settings, per_page)
    return [paginator.page(n).save_as for n in paginator.page_range]


class _Named:
    """A stand-in with the `save_as`/`url` a Paginator needs, for direct templates."""

    def __init__(self, save_as: str, url: str) -> None:
        self.save_as, self.url = save_as, url


def site_output_paths(generators: list[Any]) -> list[tuple[str, Any]]:
    """(path, owner) for every file the build will write, in the order Pelican writes them."""
    paths: list[tuple[str, Any]] = []
    for generator in generators:
        settings = generator.settings
        for name in ("articles", "hidden_articles", "pages", "hidden_pages", "draft_pages"):
            paths += [(item.save_as, item) for item in getattr(generator, name, [])]
        if hasattr(generator, "tags") and hasattr(generator, "dates"):
            for template in settings["DIRECT_TEMPLATES"]:
                save_as = settings.get(f"{template.upper()}_SAVE_AS", f"{template}.html")
                if save_as:
                    named = _Named(save_as, settings.get(f"{template.upper()}_URL", save_as))
                    paths += [(p, f"the {template} page") for p in paginated_paths(named, generator.articles, template, settings)]
            for kind, groups in (("tag", generator.tags.items()), ("author", generator.authors)):
                for wrapper, entries in groups:
                    if wrapper.save_as:
                        paths += [(p, f"{kind} '{wrapper}'") for p in paginated_paths(wrapper, entries, kind, settings)]
            for archives in getattr(generator, "period_archives", {}).values():
                paths += [(archive["save_as"], "the archive of " + " ".join(map(str, archive["period"]))) for archive in archives]
            paths += [(item.save_as, item) for item in generator.drafts]
        if hasattr(generator, "output_paths"):
            paths += generator.output_paths()
    return [(os.path.normpath(path), owner) for path, owner in paths if path]


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
    """Report every output path claimed twice (the later claimant is not written); return them."""
    owners: dict[str, Any] = {}
    clashing = set()
    run.output_paths = site_output_paths(generators)
    for path, owner in run.output_paths:
        first = owners.setdefault(path, owner)
        if first is owner:
            continue
        clashing.add(path)
        where, line = location(owner, run)
        if not where:
            where, line = location(first, run)
        run.reporter.error(
            where or path, line,
            f"output path '{path}' of {describe(owner)} is already used by {describe(first)}; not written",
        )
    return clashing


class TrackerWriter(Writer):
    """Pelican's writer, except that a second write to one path is skipped, not a traceback."""

    def write_bytes(self, name: str, data: bytes) -> None:
        """Write a file that is not rendered from a template (feeds, OPML), under the same rules."""
        path = sanitised_join(self.output_path, name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with self._open_w(path, "utf-8") as handle:
            handle.write(data.decode("utf-8"))

    def _open_w(self, filename: str, encoding: str, override: bool = False):
        if filename in self._written_files and not override:
            run = TrackerRun.of(self.settings)
            relative = os.path.normpath(os.path.relpath(filename, self.output_path))
            if relative not in run.collisions:
                run.reporter.error(filename, 0, "written twice in one build; the first version is kept")
            return open(os.devnull, "w", encoding=encoding)
        return super()._open_w(filename, encoding, override)
