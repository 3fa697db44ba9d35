"""The generator that writes province and actor index pages from the index model."""

from __future__ import annotations

from functools import partial
from typing import Any

from pelican.generators import Generator

from ..model.index import TermIndex, build_index
from .listing import EntryItems
from ..incremental.writer import paginated_paths
from .markup import MarkdownTimeout, Renderer
from .run import TrackerRun
from .terms import Actor, Province, TermWrapper

KINDS = {"province": Province, "actor": Actor}


class TermPagesGenerator(Generator):
    """`provinces/`, `provinces/<slug>/`, `actors/`, `actors/<slug>/`, paginated like tag pages."""

    def generate_context(self) -> None:
        """Build the index once and put the term pages in the shared context."""
        run = TrackerRun.of(self.settings)
        index = build_index(self.context.get("articles", []), run.vocabularies)
        self.term_pages: dict[str, list[TermWrapper]] = {}
        for kind, slots in (("province", index.provinces), ("actor", index.actors)):
            self.term_pages[kind] = [KINDS[kind](slot.term, self.settings) for slot in slots]
            by_key = {page.key: page for page in self.term_pages[kind]}
            for page, slot in zip(self.term_pages[kind], slots):
                page.stats = slot
            self.context[f"{kind}_pages"] = by_key
        self._link_pages(index)
        self.context["entry_items"] = EntryItems(self.get_template("entry_item"), self.context)
        self.context["provinces"] = self.term_pages["province"]
        self.context["actors"] = self.term_pages["actor"]
        self.context["actor_kinds"] = _group_by_kind(self.term_pages["actor"])

    def _link_pages(self, index: Any) -> None:
        """Give every page its co-occurring terms as pages (with URLs) and counts."""
        provinces, actors = self.context["province_pages"], self.context["actor_pages"]
        renderer = Renderer(self.settings)
        for page in self.term_pages["province"] + self.term_pages["actor"]:
            slot: TermIndex = page.stats
            page.together = [(actors[t.key], n) for t, n in slot.together]
            page.in_provinces = [(provinces[t.key], n) for t, n in slot.provinces]
            page.description = self._description(page, renderer)

    def _description(self, page: TermWrapper, renderer: Renderer) -> str:
        """A vocabulary term's Markdown `description` as cleaned HTML ("" when it cannot be rendered)."""
        description = page.term.fields.get("description")
        if not description:
            return ""
        reporter, path = TrackerRun.of(self.settings).reporter, TrackerRun.of(self.settings).vocabularies[page.kind].path
        try:
            (html,), removed = renderer.html(str(description))
        except (MarkdownTimeout, RecursionError):
            reporter.error(path, page.term.line, f"description of '{page.name}' could not be rendered in time; not shown")
            return ""
        if removed:
            reporter.warning(path, page.term.line, f"unsafe HTML removed from the description of '{page.name}' ({', '.join(removed)})")
        return html

    def _in_write_order(self, pages: list[TermWrapper]) -> list[TermWrapper]:
        """Vocabulary terms first, in file order, then unknown spellings: the first claimant of a path wins."""
        return sorted(pages, key=lambda page: (not page.known, page.term.line if page.known else 0, page.key))

    def output_paths(self) -> list[tuple[str, TermWrapper | str]]:
        """Every file this generator will write, with what it is written for, in write order."""
        paths: list[tuple[str, TermWrapper | str]] = []
        for kind, pages in self.term_pages.items():
            paths.append((self.settings[f"{kind.upper()}S_SAVE_AS"], f"the {kind}s index"))
            for page in self._in_write_order(pages):
                paths += [(path, page) for path in paginated_paths(page, page.stats.entries, kind, self.settings)]
        return paths

    def generate_output(self, writer: Any) -> None:
        """Write the two index pages and one (paginated) page per term."""
        write = partial(writer.write_file, relative_urls=self.settings["RELATIVE_URLS"])
        for kind, pages in self.term_pages.items():
            write(self.settings[f"{kind.upper()}S_SAVE_AS"], self.get_template(f"{kind}s"), self.context,
                  url=self.settings[f"{kind.upper()}S_URL"], page_name=f"{kind}s")
            template = self.get_template(kind)
            for page in self._in_write_order(pages):
                write(page.save_as, template, self.context, url=page.url, page_name=page.page_name,
                      paginated={"articles": page.stats.entries}, template_name=kind,
                      articles=page.stats.entries, **{kind: page})


def _group_by_kind(actors: list[Actor]) -> list[tuple[str, list[Actor]]]:
    """Actors grouped by `kind`, groups in order of first appearance in the vocabulary."""
    groups: dict[str, list[Actor]] = {}
    for actor in sorted(actors, key=lambda a: (a.term.line if a.known else 10**9)):
        kind = str(actor.term.fields.get("kind") or "other") if actor.known else "not in the vocabulary"
        groups.setdefault(kind, []).append(actor)
    return [(kind, sorted(group, key=lambda a: a.name.casefold())) for kind, group in groups.items()]
