"""Every file the site's model makes, what it is, and how it is rendered, through the page
types (`pagetypes/`): `outputs()` lists them all, in the order their paths are claimed;
`dirty()` keeps those a plan makes dirty; `render()` makes one output's bytes. What the page
types render with is here: the theme's templates, each page given the shared context plus its
own few values, the entries' records, list items and event rows, made once per build.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import Any

from jinja2 import TemplateError
from markupsafe import Markup
from pelican.utils import get_relative_path, path_to_url

from ..model.dataset import event_rows
from ..model.intrasite import Lookup, resolve
from ..model.plan import Plan
from ..model.record import EntryRecord
from ..model.site import Site
from ..model.translations import Alternate, Translations, alternates, others
from .feeds import FeedItems
from .pagetypes import registry
from .pagetypes.base import Output
from .paths import normalised
from .templates import rendered, template_failure

# Stand-ins, which cannot occur in HTML text, for what a list item's page fills in.
SITEURL_MARK, LEVEL_MARK = "\x00siteurl\x00", "\x00level\x00"

# What every page may read and the build follows: the settings (in the build key), the site's
# pages and what its header and footer show (the chrome digest), what depends on the vocabulary
# and the map only (the build key), and the page's own place.
CHROME = {
    "pages",
    "places",
    "site_feeds",
    "data_url",
    "output_file",
    "SITEURL",
    "localsiteurl",
    "url",
    "site_base",
    "map_geometry",
    "map_sprite",
    "province_pages",
    "actor_pages",
    "place_pages",
    "place_provinces",
    "alternates",  # a page's counterparts in the site's other languages: see `alternates`
    "language_homes",
}
# The pages every language's site has at one path whatever its entries (a known term's first page
# among them); any other page's counterpart is the other language's home. (The places index and
# the feeds page need entries that name places, or any entry: not every language has them.)
SAME_IN_EVERY_LANGUAGE = {
    "home",
    "provinces",
    "actors",
    "province",
    "actor",
    "place",
    "archives",
    "corrections",
    "search",
    "data",
    "404",
}
LISTS = {"page", "count", "heads", "items"}
INDEXES = {"site.province_map", "site.events_map", "provinces", "actors", "actor_kinds", "places_by_province"}


class ItemList:
    """A page's entries as the list items made for them, filled in for the page (their links to
    the site's own files resolved by `lookup`)."""

    def __init__(self, items: list[str], lookup: Lookup | None = None) -> None:
        self.items, self.lookup = items, lookup

    def __len__(self) -> int:
        return len(self.items)

    def __bool__(self) -> bool:
        return bool(self.items)

    def render(self, siteurl: str, level: int = 2) -> Markup:
        items = [i.replace(SITEURL_MARK, siteurl).replace(LEVEL_MARK, str(level)) for i in self.items]
        if self.lookup is not None:
            items = [resolve(item, self.lookup, siteurl) for item in items]
        return Markup("\n".join(items))


RECENT_RECORDS = 300  # records kept for the next feeds: a few feeds' worth


class Outputs:
    """The model's outputs and their rendering, for one build."""

    def __init__(
        self,
        site: Site,
        env: Any,
        context: dict[str, Any],
        settings: Mapping[str, Any],
        load: Callable[..., dict[str, EntryRecord]],  # (paths, bodies=True) -> records
        items: Callable[[list[str]], dict[str, str]],
        exports: Callable[[], dict[str, bytes]],
        lookup: Lookup,
    ) -> None:
        self.site, self.env, self.context, self.settings = site, env, context, settings
        self.load, self.items, self.exports, self.lookup = load, items, exports, lookup
        self.size = settings["DEFAULT_PAGINATION"] or 10**9
        self.patterns = settings["PAGINATION_PATTERNS"]
        self.feed_items = FeedItems(settings, site.config.feed_full_content)
        self._templates: dict[str, Any] = {}
        self._events: dict[str, tuple] = {}  # entry path -> its event rows, made once per build
        self._recent: dict[str, EntryRecord] = {}  # the records loaded last (see `records`)
        self.translated: Translations = {}  # every entry's URL by slug and language (the build's)

    # What there is

    def outputs(self) -> list[Output]:
        """Every output of the model, in the order its path is claimed."""
        found = [output for page_type in registry.PAGE_TYPES for output in page_type.outputs(self)]
        return [
            o if normalised(o.save_as) == o.save_as else o._replace(save_as=normalised(o.save_as))
            for o in found
        ]

    def rebuild(self, site: Site) -> None:
        """Use a model made again (after entries were dropped)."""
        self.site = site

    def wrapper(self, key: tuple) -> tuple[str, str, str]:
        """(slug, URL, save-as path) of a tag's or an author's page."""
        kind = key[0].upper()
        name = self.site.lists.names[key]
        slug = key[1]
        values = {"slug": slug, "name": name}
        return (
            slug,
            str(self.settings.get(f"{kind}_URL") or "").format(**values),
            str(self.settings.get(f"{kind}_SAVE_AS") or "").format(**values),
        )

    def template_of(self, output: Output) -> str | None:
        """The template an output is rendered with (None: not a template)."""
        return registry.BY_KIND[output.kind].template

    def unfollowed(self, reads: Any) -> set[str]:
        """The templates that read something the change rules do not follow."""
        known = set(self.settings) | set(self.env.globals) | CHROME | {"loop", "super", "self", "caller"}
        found = set()
        found_local = reads.local  # names the theme sets itself: never the context's
        for name, followed in registry.TEMPLATES.items():
            names = reads.of(f"{name}.html")
            if names is None or names - known - found_local - followed:
                found.add(name)
        return found

    def dirty(
        self, outputs: list[Output], plan: Plan, views: set[str], always: set[str] = frozenset()
    ) -> list[Output]:
        """The outputs `plan` makes dirty (each by its page type's rules), with the entries whose
        views changed, and every output of the templates in `always`."""
        if plan.full:
            return outputs
        return [
            output
            for output in outputs
            if (always and self.template_of(output) in always)
            or registry.BY_KIND[output.kind].is_dirty(output, plan, views)
        ]

    # Rendering

    def template(self, name: str) -> Any:
        if name not in self._templates:
            try:
                self._templates[name] = self.env.get_template(f"{name}.html")
            except TemplateError as error:
                raise template_failure(error) from None
        return self._templates[name]

    def siteurl(self, output: Output) -> str:
        """SITEURL as the page of `output` links with it: relative to the page when RELATIVE_URLS."""
        if self.settings.get("RELATIVE_URLS"):
            return path_to_url(get_relative_path(output.save_as))
        return self.context.get("SITEURL", "")

    def linked(self, record: EntryRecord, siteurl: str) -> EntryRecord:
        """A record whose links to the site's own files lead to where their targets are now."""
        if record.head is None or not record.head.links:
            return record
        return replace(
            record,
            content=resolve(record.content, self.lookup, siteurl),
            summary=resolve(record.summary, self.lookup, siteurl),
            description=resolve(record.description, self.lookup, siteurl),
        )

    def page(self, template: str, output: Output, **values: Any) -> bytes:
        """A page rendered as Pelican's writer renders one: SITEURL relative to the page when
        RELATIVE_URLS, the shared context, and the page's own values."""
        local = dict(self.context)
        if self.settings.get("RELATIVE_URLS"):
            local["SITEURL"] = local["localsiteurl"] = self.siteurl(output)
        local["output_file"] = output.save_as
        local["alternates"] = self.alternates(output)
        local["url"] = values.pop("url", "")
        local.update(values)
        return rendered(self.template(template), local, output.save_as).encode("utf-8")

    def alternates(self, output: Output) -> tuple[Alternate, ...]:
        """The page's counterparts in the site's other languages: an entry's translations; the
        same page where every language has it (the home, indexes, a known term's first page ...).
        The rules that make an entry's page dirty follow its translations (see generator.py); the
        other pages' counterparts change with the settings only."""
        config = self.site.config
        if len(config.languages) < 2:
            return ()
        paths: dict[str, str] = {}
        if output.kind == "entry":
            head = self.site.lists.heads.get(output.key)
            paths = others(self.translated, head.slug, config.language) if head is not None else {}
        elif output.kind in SAME_IN_EVERY_LANGUAGE and self._first_page(output):
            here = (
                output.save_as[: -len("index.html")]
                if output.save_as.endswith("index.html")
                else output.save_as
            )
            paths = dict.fromkeys(config.languages, here)
        return alternates(config.languages, config.language, config.root_base or self.site.base, paths)

    def sitemap_alternates(self) -> Callable[[str], list[tuple[str, str]]]:
        """Each page's versions in every language, itself included, where it has a translation
        ((language, address) pairs for the sitemap)."""
        by_path = {o.save_as: o for o in self.outputs()} if len(self.site.config.languages) > 1 else {}
        base, own = self.site.base, self.site.config.language

        def versions(path: str) -> list[tuple[str, str]]:
            output = by_path.get(path)
            found = [(a.code, a.absolute) for a in self.alternates(output) if a.same] if output else []
            here = path[: -len("index.html")] if path.endswith("index.html") else path
            return sorted([(own, f"{base}/{here}"), *found]) if found else []

        return versions

    def _first_page(self, output: Output) -> bool:
        """Whether an output is a list's first page (of a known term, for a term's list)."""
        owner = output.owner
        if output.kind == "home":
            return output.save_as == (self.settings.get("INDEX_SAVE_AS") or "index.html")
        if output.kind in ("province", "actor", "place"):
            return bool(getattr(owner, "known", False)) and output.save_as == getattr(owner, "save_as", None)
        return True

    def render(self, output: Output) -> bytes:
        """One output's bytes."""
        return registry.BY_KIND[output.kind].render(self, output)

    def link(self, kind: str, term: Any) -> Any:
        """The link to a term's page (None: a place of a site without a gazetteer)."""
        if kind == "place" and not self.site.has_gazetteer:
            return None
        return self.site.links(kind).get(term.key)

    def records(self, paths: list[str]) -> dict[str, EntryRecord]:
        """Whole records, the last few kept: a term's RSS, Atom and JSON feeds carry the same ones."""
        found = {path: self._recent[path] for path in paths if path in self._recent}
        missing = [path for path in paths if path not in found]
        if missing:
            found.update(self.load(missing))
            self._recent.update(found)
            while len(self._recent) > RECENT_RECORDS:
                del self._recent[next(iter(self._recent))]
        return found

    def event_rows(self, heads: list) -> dict[str, tuple]:
        """The event rows of some entries (an entry is on many term pages: its rows are made once)."""
        missing = [h.path for h in heads if h.path not in self._events]
        if missing:
            for path, record in self.load(missing, bodies=False).items():
                self._events[path] = event_rows(record, self.link)
        return {h.path: self._events.get(h.path, ()) for h in heads}

    def item_list(self, heads: list) -> ItemList:
        """The list items of some entries, for a list page."""
        found = self.items([h.path for h in heads])
        return ItemList([found[h.path] for h in heads], self.lookup if any(h.links for h in heads) else None)

    sitemap: list[tuple[str, Any]] = []  # (path, last change or None) of every published page, from the build
