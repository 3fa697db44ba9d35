"""Every file the site's model makes, what it is, and how it is rendered.

`outputs()` lists them all, in the order their paths are claimed (the site's own pages before
entries, vocabulary terms before unknown names); `dirty()` keeps those a plan names; `render()`
makes one output's bytes. Templates are the theme's; each page gets the shared context plus
its own few values.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import Any, NamedTuple
from urllib.parse import urlparse

from jinja2 import TemplateError
from markupsafe import Markup
from pelican.utils import get_relative_path, path_to_url

from ..model.dataset import event_rows
from ..model.feeds import Feed, absolute
from ..model.intrasite import Lookup, resolve
from ..model.lists import SITE, page_entries, paginate
from ..model.plan import Plan
from ..model.record import EntryRecord
from ..model.site import Site
from ..model.views import view_of
from .feeds import FeedItems, render_feed, render_opml
from .paths import normalised
from .sitemap import render_sitemap
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
}
LISTS = {"page", "count", "heads", "items"}
INDEXES = {"site.province_map", "site.events_map", "provinces", "actors", "actor_kinds", "places_by_province"}
# What each template reads beyond that, which the change rules for its pages follow (model/plan.py).
# A template that reads anything else has its pages rendered on every build.
FOLLOWED = {
    "article": {"article", "entry", "links", "event_rows"},
    "index": LISTS | {"latest", "latest_links", "site.province_map", "site.events_map", "site.week"},
    "province": LISTS | {"term", "shown_events", "province"},
    "actor": LISTS | {"term", "shown_events", "actor"},
    "place": LISTS | {"term", "shown_events", "place"},
    "tag": LISTS | {"tag"},
    "author": LISTS | {"author"},
    "period_archives": {
        "period",
        "period_num",
        "dates",
        "items",
        "archive",
        "site.archive_months",
        "tracker_span",
    },
    "provinces": INDEXES,
    "actors": INDEXES,
    "places": INDEXES,
    "tags": {"rows"},
    "authors": {"rows"},
    "feeds": {"feeds_overview", "opml_url"},
    "archives": {"archive_index", "site.archive_years"},
    "corrections": {"articles"},
    "search": {"search_terms", "search_shards", "site.shard_order"},
    "data": {"data_files", "event_tally"},
    "404": set(),
}


class Output(NamedTuple):
    """One file the model makes: where, what kind, which one, and what a message calls it."""

    save_as: str
    kind: str  # entry, list, period, index, feed, named, export
    key: Any = None
    owner: Any = None  # an entry's record path, a term page, or a description


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
        self.feed_items = FeedItems(settings)
        self._templates: dict[str, Any] = {}
        self._events: dict[str, tuple] = {}  # entry path -> its event rows, made once per build
        self._recent: dict[str, EntryRecord] = {}  # the records loaded last (see `_records`)

    # What there is

    def outputs(self) -> list[Output]:
        """Every output of the model, in the order its path is claimed."""
        site, settings = self.site, self.settings
        found: list[Output] = []
        found += self._list_outputs(SITE, settings.get("INDEX_SAVE_AS") or "index.html", "", "the home page")
        for kind in ("province", "actor", "place"):
            if kind == "place" and not site.terms.pages["place"]:
                continue  # a site whose entries name no place has no places index
            found.append(Output(settings[f"{kind.upper()}S_SAVE_AS"], "index", kind, f"the {kind}s index"))
            for page in site.terms.in_write_order(kind):
                found += self._list_outputs(page.list_key, page.save_as, page.url, page)
        for kind in ("tag", "author"):
            save_as = settings.get(f"{kind.upper()}S_SAVE_AS")
            if save_as:
                found.append(Output(save_as, "index", kind, f"the {kind}s index"))
            for key in sorted(site.lists.keys(kind)):
                slug, url, where = self._wrapper(key)
                if where:
                    found += self._list_outputs(key, where, url, f"{kind} '{site.lists.names[key]}'")
        found += [
            Output(feed.save_as, "feed", feed, f"the feed '{feed.title}' ({feed.format})")
            for feed in site.feeds
        ]
        if site.feeds:
            found.append(Output(settings["TRACKER_FEEDS_SAVE_AS"], "named", "feeds", "the feeds page"))
            found.append(Output(settings["TRACKER_OPML_SAVE_AS"], "named", "opml", "the OPML file"))
        if settings.get("ARCHIVES_SAVE_AS"):
            found.append(Output(settings["ARCHIVES_SAVE_AS"], "named", "archives", "the archives page"))
        found += [Output(p.save_as, "period", p, "the archive of " + p.label) for p in site.periods]
        found.append(
            Output(settings["TRACKER_CORRECTIONS_SAVE_AS"], "named", "corrections", "the corrections page")
        )
        if settings["TRACKER_SEARCH"]:
            found.append(Output(settings["TRACKER_SEARCH_SAVE_AS"], "named", "search", "the search page"))
        if site.data_files:
            found.append(Output(settings["TRACKER_DATA_SAVE_AS"], "named", "data", "the data page"))
            found += [
                Output(f.save_as, "export", f.name, f"the {f.title.lower()} as {f.format.upper()}")
                for f in site.data_files
            ]
        found.append(Output("404.html", "named", "404", "the 404 page"))
        if site.geometry is not None:
            found.append(Output(site.geometry.sprite_path, "named", "outlines", "the map's outlines"))
        if site.base:
            found.append(Output("sitemap.xml", "named", "sitemap", "the sitemap"))
        for head in site.lists.heads.values():
            if head.save_as:
                found.append(Output(head.save_as, "entry", head.path, head.path))
        return [
            o if normalised(o.save_as) == o.save_as else o._replace(save_as=normalised(o.save_as))
            for o in found
        ]

    def rebuild(self, site: Site) -> None:
        """Use a model made again (after entries were dropped)."""
        self.site = site

    def _list_outputs(self, key: tuple, save_as: str, url: str, owner: Any) -> list[Output]:
        pages = paginate(self.site.lists.count(key), self.size, url, save_as, self.patterns)
        return [Output(page.save_as, "list", (key, page), owner) for page in pages]

    def _wrapper(self, key: tuple) -> tuple[str, str, str]:
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
        kind, key = output.kind, output.key
        if kind == "entry":
            return "article"
        if kind == "list":
            return {"site": "index"}.get(key[0][0], key[0][0])
        if kind == "period":
            return "period_archives"
        if kind == "index":
            return f"{key}s"
        if kind == "named" and key in FOLLOWED:
            return key
        return None

    def unfollowed(self, reads: Any) -> set[str]:
        """The templates that read something the change rules do not follow."""
        known = set(self.settings) | set(self.env.globals) | CHROME | {"loop", "super", "self", "caller"}
        found = set()
        every = {name: reads.of(f"{name}.html") for name in FOLLOWED}
        found_local = reads.local  # names the theme sets itself: never the context's
        for name, names in every.items():
            if names is None or names - known - found_local - FOLLOWED[name]:
                found.add(name)
        return found

    def dirty(
        self, outputs: list[Output], plan: Plan, views: set[str], always: set[str] = frozenset()
    ) -> list[Output]:
        """The outputs `plan` makes dirty, with the entries whose views changed, and every output of
        the templates in `always`."""
        if plan.full:
            return outputs
        chosen = []
        for output in outputs:
            kind, key = output.kind, output.key
            if always and self.template_of(output) in always:
                wanted = True
            elif kind == "entry":
                wanted = key in plan.entries or key in views
            elif kind == "list":
                list_key, page = key
                wanted = (
                    page.number in plan.pages.get(list_key, ())
                    or (page.number == 0 and list_key in plan.fronts)
                    or (list_key == SITE and page.number == 0 and "home" in plan.named)
                )
            elif kind == "period":
                wanted = (
                    key.list_key in plan.pages
                    or key.list_key in plan.fronts
                    or key.period_num in plan.months
                    or "periods" in plan.named
                )
            elif kind == "index":
                wanted = "indexes" in plan.named
            elif kind == "feed":
                wanted = key.list_key in plan.feeds
            elif kind == "export":
                wanted = "exports" in plan.named
            else:
                wanted = (
                    key in plan.named
                    or (key in ("feeds", "opml") and "indexes" in plan.named)
                    or (key == "data" and "exports" in plan.named)
                )
            if wanted:
                chosen.append(output)
        return chosen

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
        local["url"] = values.pop("url", "")
        local.update(values)
        return rendered(self.template(template), local, output.save_as).encode("utf-8")

    def render(self, output: Output) -> bytes:
        """One output's bytes."""
        return getattr(self, f"_render_{output.kind}")(output)

    def _render_entry(self, output: Output) -> bytes:
        record = self.linked(self.load([output.key])[output.key], self.siteurl(output))
        site = self.site
        view = view_of(site.lists, record.head, site.links("province")) if record.head.published else None
        rows = event_rows(record, self._link) if record.head.published else ()
        return self.page(
            "article",
            output,
            url=record.url,
            article=record,
            entry=view,
            links=site.entry_links(record),
            event_rows=rows,
        )

    def _link(self, kind: str, term: Any) -> Any:
        if kind == "place" and not self.site.has_gazetteer:
            return None
        return self.site.links(kind).get(term.key)

    def _records(self, paths: list[str]) -> dict[str, EntryRecord]:
        """Whole records, the last few kept: a term's RSS, Atom and JSON feeds carry the same ones."""
        found = {path: self._recent[path] for path in paths if path in self._recent}
        missing = [path for path in paths if path not in found]
        if missing:
            found.update(self.load(missing))
            self._recent.update(found)
            while len(self._recent) > RECENT_RECORDS:
                del self._recent[next(iter(self._recent))]
        return found

    def _event_rows(self, heads: list) -> dict[str, tuple]:
        """The event rows of some entries (an entry is on many term pages: its rows are made once)."""
        missing = [h.path for h in heads if h.path not in self._events]
        if missing:
            for path, record in self.load(missing, bodies=False).items():
                self._events[path] = event_rows(record, self._link)
        return {h.path: self._events.get(h.path, ()) for h in heads}

    def _items(self, heads: list) -> ItemList:
        found = self.items([h.path for h in heads])
        return ItemList([found[h.path] for h in heads], self.lookup if any(h.links for h in heads) else None)

    def _render_list(self, output: Output) -> bytes:
        (list_key, page) = output.key
        site = self.site
        heads = page_entries(site.lists, list_key, page)
        values: dict[str, Any] = {
            "url": page.url,
            "page": page,
            "count": site.lists.count(list_key),
            "heads": heads,
        }
        kind = list_key[0]
        if kind == "site":
            if page.number == 0 and heads:
                values["latest"] = self.linked(
                    self.load([heads[0].path])[heads[0].path], self.siteurl(output)
                )
                values["latest_links"] = site.entry_links(values["latest"])
                values["items"] = self._items(heads[1:])
            else:
                values["items"] = self._items(heads)
            return self.page("index", output, **values)
        values["items"] = self._items(heads)
        if kind in ("province", "actor", "place"):
            term = site.terms.pages[kind][list_key[1]]
            rows = self._event_rows(heads)
            shown = sorted(
                (row for h in heads for row in rows[h.path] if _involves(row, kind, term.key)),
                key=lambda row: row.order,
                reverse=True,
            )
            return self.page(kind, output, term=term, shown_events=shown, **{kind: term}, **values)
        name = site.lists.names[list_key]
        return self.page(kind, output, **{kind: name}, **values)

    def _render_period(self, output: Output) -> bytes:
        period = output.key
        heads = self.site.lists.newest(period.list_key)
        return self.page(
            "period_archives",
            output,
            url=period.url,
            period=period.period,
            period_num=period.period_num,
            dates=heads,
            items=self._items(heads),
            archive=period,
        )

    def _render_index(self, output: Output) -> bytes:
        kind = output.key
        if kind in ("tag", "author"):
            lists = self.site.lists
            rows = [
                (lists.names[key], self._wrapper(key)[1], lists.count(key))
                for key in sorted(lists.keys(kind))
            ]
            rows.sort(key=lambda row: row[0].casefold())
            return self.page(f"{kind}s", output, url=self.settings.get(f"{kind.upper()}S_URL", ""), rows=rows)
        return self.page(f"{kind}s", output, url=self.settings[f"{kind.upper()}S_URL"])

    def _render_feed(self, output: Output) -> bytes:
        feed: Feed = output.key
        heads = self.site.carried(feed)
        records = self._records([h.path for h in heads])
        base = self.site.base
        return render_feed(feed, [self.linked(records[h.path], base) for h in heads], self.feed_items)

    def _render_export(self, output: Output) -> bytes:
        return self.exports()[output.key]

    def _render_named(self, output: Output) -> bytes:
        return getattr(self, f"_named_{output.key}")(output)

    def _named_feeds(self, output: Output) -> bytes:
        return self.page(
            "feeds",
            output,
            url=self.settings["TRACKER_FEEDS_URL"],
            feeds_overview=self.site.feeds_overview,
            opml_url=absolute(self.site.base, self.settings["TRACKER_OPML_SAVE_AS"]),
        )

    def _named_opml(self, output: Output) -> bytes:
        overview = self.site.feeds_overview
        groups = [
            ("Site", [f for f in self.site.site_feeds if f.format == "rss"]),
            (
                self.settings["TRACKER_PROVINCES_WORD"],
                [f for row in overview["province"] for f in row.feeds if f.format == "rss"],
            ),
            ("Actors", [f for row in overview["actor"] for f in row.feeds if f.format == "rss"]),
        ]
        places = [f for row in overview["place"] for f in row.feeds if f.format == "rss"]
        groups += [("Places", places)] if places else []
        return render_opml(f"{self.settings['SITENAME']} feeds", groups)

    def _named_archives(self, output: Output) -> bytes:
        return self.page(
            "archives",
            output,
            url=self.settings.get("ARCHIVES_URL", ""),
            archive_index=self.site.archive_index(),
        )

    def _named_corrections(self, output: Output) -> bytes:
        return self.page(
            "corrections",
            output,
            url=self.settings["TRACKER_CORRECTIONS_URL"],
            articles=self.site.corrections(),
        )

    def _named_search(self, output: Output) -> bytes:
        terms = {
            kind: {page.name: page.url for page in pages if page.known}
            for kind, pages in (("province", self.site.provinces), ("actor", self.site.actors))
        }
        return self.page(
            "search",
            output,
            url=self.settings["TRACKER_SEARCH_URL"],
            search_terms=terms,
            search_shards=self.site.shard_order,
        )

    def _named_data(self, output: Output) -> bytes:
        return self.page(
            "data",
            output,
            url=self.settings["TRACKER_DATA_URL"],
            data_files=self.site.data_files,
            event_tally=self.site.event_tally,
        )

    def _named_404(self, output: Output) -> bytes:
        # Root-absolute URLs, so that it works at any depth.
        site_path = urlparse(self.site.base).path.rstrip("/") if self.site.base else ""
        local = dict(
            self.context, output_file="404.html", url="404.html", SITEURL=site_path, localsiteurl=site_path
        )
        return rendered(self.template("404"), local, "404.html").encode("utf-8")

    def _named_outlines(self, output: Output) -> bytes:
        return self.site.geometry.sprite.encode("utf-8")

    def _named_sitemap(self, output: Output) -> bytes:
        return render_sitemap(self.site.base, self.sitemap)

    sitemap: list[tuple[str, Any]] = []  # (path, last change or None) of every published page, from the build


def _involves(row: Any, kind: str, key: str) -> bool:
    event = row.event
    if kind == "actor":
        return any(actor.key == key for actor in event.actors)
    term = event.province if kind == "province" else event.place
    return term is not None and term.key == key
