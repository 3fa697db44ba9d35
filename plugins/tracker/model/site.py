"""The site model: published entries + vocabularies + settings -> one immutable model of the site.

Pure: no Pelican import and no I/O. Entries come in as objects with the attributes of `Entry`
below (Pelican's articles have them) and go out unchanged inside the model: term pages, feeds
and archives list them, and nothing is ever set on them. Every model object carries a `digest`
of what a page shows of it, from which the incremental writer decides what to render again.
Links (`TermLink`, `FeedLink`) change only when a name or URL does, so the many pages that
merely link a term or a feed are not rendered again when its counts change.
"""

from __future__ import annotations

import calendar
import datetime as dt
import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import Any, Protocol

from .charts import Chart, activity
from .dataset import (
    ENTRY_COLUMNS,
    EVENT_COLUMNS,
    DataFile,
    EventRow,
    EventTally,
    event_rows,
    rows_by_entry,
    rows_by_term,
    tally,
)
from .digests import digest_bytes
from .gazetteer import province_of
from .geo import WINDOW, Label, ProvinceMap, labels, map_shapes, on_map, recent_counts, shade
from .index import build_index, term_of
from .search import SearchIndex, build_search
from .vocabulary import Term, Vocabulary

FORMATS = {"rss": "application/rss+xml", "atom": "application/atom+xml", "json": "application/feed+json"}
LABELS = {"rss": "RSS", "atom": "Atom", "json": "JSON Feed"}
MAP_WIDTH, LOCATOR_WIDTH = 600, 220
LABEL_SIZE, CHAR_WIDTH = 12, 0.62  # map label font size (user units) and a character's width in ems
TAP_TARGET = 44  # user units: 24 CSS px when the map is drawn 330 px wide on a phone
WEEK = dt.timedelta(days=7)
RELATED_COUNT, RELATED_WINDOW = 5, 15  # related entries shown; entries either side considered
FIELD_LABELS = {
    "iso": "ISO 3166-2",
    "capital": "Capital",
    "local_name": "Local name",
    "kurdish_name": "Kurdish name",
    "iso_name": "ISO name",
    "region": "Region",
    "note": "Note",
}
HIDDEN_FIELDS = {
    "description",
    "kind",
    "map",
    "map_note",
    "province",
    "lat",
    "lon",
}  # shown elsewhere on a profile, or not for display
ARABIC_SCRIPT = re.compile("[\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufeff]")


class Entry(Protocol):
    """What the model needs of a published entry."""

    source_path: str  # the entry's key
    source_digest: str  # of its file's bytes
    slug: str
    title: str
    url: str
    date: dt.datetime
    provinces: list[Any]  # Terms (or objects with a `.term`)
    actors: list[Any]


Paginate = Callable[
    [str, str, str, tuple], list[str]
]  # (kind, save_as, url, entries) -> save-as path of every page


class EntryDigests:
    """Each entry's digests, computed once per build (Pelican computes an entry's URL anew on every
    access): what its item in a list or feed shows (from its file and URL), and what a link to it
    shows (its title and URL)."""

    def __init__(self, entries: tuple) -> None:
        self.content: dict[str, str] = {}
        self.links: dict[str, str] = {}
        self.urls: dict[str, str] = {}
        for entry in entries:
            url = self.urls[entry.source_path] = entry.url
            self.content[entry.source_path] = digest_bytes(entry.source_digest, url)
            self.links[entry.source_path] = digest_bytes(entry.title, url)

    def of(self, entry: Any) -> str:
        return self.content[entry.source_path]

    def link(self, entry: Any) -> str:
        return self.links[entry.source_path] if entry is not None else ""


def _digest(*parts: Any) -> str:
    return digest_bytes(*(part if isinstance(part, str) else repr(part) for part in parts))


@dataclass(frozen=True)
class TermLink:
    """What any page shows of a province or actor it links: name and URL."""

    kind: str
    key: str
    name: str
    slug: str
    url: str
    known: bool
    digest: str = field(default="", compare=False)

    def __str__(self) -> str:
        return self.name


@dataclass(frozen=True)
class FeedLink:
    """A feed as a page's head or a subscribe link shows it."""

    title: str
    format: str
    url: str
    page_url: str
    digest: str = field(default="", compare=False)

    @property
    def type(self) -> str:
        return FORMATS[self.format]

    @property
    def label(self) -> str:
        return LABELS[self.format]


@dataclass(frozen=True)
class Feed:
    """One feed file: its link, where it is written and the entries it carries (newest first)."""

    link: FeedLink
    save_as: str
    entries: tuple
    term: TermLink | None
    digest: str = field(default="", compare=False)

    title = property(lambda self: self.link.title)
    format = property(lambda self: self.link.format)
    url = property(lambda self: self.link.url)
    page_url = property(lambda self: self.link.page_url)
    type = property(lambda self: self.link.type)
    label = property(lambda self: self.link.label)

    @property
    def count(self) -> int:
        return len(self.entries)


@dataclass(frozen=True)
class TermStats:
    """What is counted of a term's entries. The entries themselves are not part of a term page
    (`SiteModel.entries_of` gives them): a page lists them through its pagination, whose digest
    covers the entries it shows, so that one entry's edit does not touch every page of its terms."""

    count: int
    first: dt.datetime | None
    latest: dt.datetime | None


@dataclass(frozen=True)
class TermPage:
    """A province's or actor's page: its profile, statistics, chart and feeds."""

    link: TermLink
    term: Term
    save_as: str
    stats: TermStats
    together: tuple[tuple[TermLink, int], ...]  # actors named most often with it
    in_provinces: tuple[tuple[TermLink, int], ...]  # for actors: every province it appears in
    chart: Chart | None
    description: str  # HTML
    feeds: tuple[FeedLink, ...]
    places: tuple[tuple[TermLink, int], ...] = ()  # for provinces: their places with entries, most first
    events: EventTally | None = None  # the events in it (province, place) or by it (actor)
    digest: str = field(default="", compare=False)

    kind = property(lambda self: self.link.kind)
    key = property(lambda self: self.link.key)
    name = property(lambda self: self.link.name)
    slug = property(lambda self: self.link.slug)
    url = property(lambda self: self.link.url)
    known = property(lambda self: self.link.known)

    def profile(self) -> list[dict[str, str]]:
        """The term's documented fields as rows (label, value, lang, dir) for a definition list."""
        return profile_rows(self.term.fields)

    def counts_by_province(self) -> dict[str, int]:
        """For an actor: entries naming it, by province key."""
        return {link.key: count for link, count in self.in_provinces}

    def __str__(self) -> str:
        return self.name


@dataclass(frozen=True)
class EntryLink:
    """An entry as a short list shows it: title, URL and date (the URL worked out once)."""

    title: str
    url: str
    date: dt.datetime


@dataclass(frozen=True)
class EntryView:
    """What an entry's page shows beyond the entry: its neighbours, overall and in each province,
    and the related entries (those nearby in time that share the most provinces and actors)."""

    previous: Any
    next: Any
    provinces: tuple[tuple[TermLink, Any, Any], ...]  # (province, older entry, newer entry)
    related: tuple[EntryLink, ...] = ()
    events: tuple[EventRow, ...] = ()  # the entry's events, in its order
    digest: str = field(default="", compare=False)


@dataclass(frozen=True)
class Archive:
    """A year's or a month's entries, newest first, with the periods before and after it that
    have entries ((label, url) pairs, or None)."""

    granularity: str
    period: tuple
    period_num: tuple
    entries: tuple
    save_as: str
    url: str
    digest: str = field(default="", compare=False)
    older: tuple[str, str] | None = None
    newer: tuple[str, str] | None = None
    index_digest: str = field(default="", compare=False)  # what `archives/` shows: days, titles, URLs


@dataclass(frozen=True)
class ArchiveIndex:
    """What `archives/` lists: every month's entries (their days, titles and URLs)."""

    months: tuple[Archive, ...]
    digest: str = field(default="", compare=False)


@dataclass(frozen=True)
class MapShape:
    page: TermLink
    key: str
    d: str
    count: int
    shade: int
    label: Label | None = None  # where its name goes (the full-size map only)
    short: str = ""  # the name's abbreviation, for phones and where the name does not fit
    full_fits: bool = False  # the whole name fits inside the shape at the label size
    small: bool = False  # too small to tap on a phone: drawn with a marker that is a target too


@dataclass(frozen=True)
class WeekRow:
    """A province in the last-7-days panel: entries naming it in the 7 days up to the newest
    entry, the 7 days before, and which way it went."""

    page: TermLink
    count: int
    previous: int

    @property
    def trend(self) -> str:
        return "up" if self.count > self.previous else "down" if self.count < self.previous else "same"


@dataclass(frozen=True)
class WeekPanel:
    since: dt.date
    until: dt.date
    entries: int
    rows: tuple[WeekRow, ...]
    digest: str = field(default="", compare=False)


@dataclass(frozen=True)
class Drawing:
    width: int
    height: int
    shapes: tuple[MapShape, ...]
    dots: Mapping[str, tuple[float, float]] = field(default_factory=dict)  # place key -> (x, y)


@dataclass(frozen=True)
class PlaceDot:
    """A place on the full map: its link, its entries in the map's 30 days, where, how big."""

    link: TermLink
    count: int
    x: float
    y: float
    r: float


@dataclass(frozen=True)
class SiteMap:
    """The province map: shapes shaded by entries in the 30 days up to the newest entry."""

    full: Drawing
    locator: Drawing
    since: dt.datetime | None
    until: dt.datetime | None
    rows: tuple[tuple[TermLink, int], ...]
    notes: tuple[str, ...]
    legend: tuple[tuple[int, str], ...]
    place_dots: tuple[PlaceDot, ...] = ()  # places named in the same 30 days, on the full map
    unit: str = "entries"  # what the shading counts: entries naming a province, or events in it
    fatalities: Mapping[str, int] = field(default_factory=dict)  # with events: province key -> fatalities
    digest: str = field(default="", compare=False)

    @property
    def first_day(self) -> dt.date | None:
        """The first day the shading counts (the window is the 30 days up to `until`)."""
        return (self.since + dt.timedelta(days=1)).date() if self.since else None


@dataclass(frozen=True)
class TermFeeds:
    """A term's row on the subscribe page."""

    term: TermLink
    count: int
    feeds: tuple[FeedLink, ...]


@dataclass(frozen=True)
class FeedsOverview:
    """What the subscribe page lists: the site's feeds and every term's, with their counts."""

    site: tuple[Feed, ...]
    province: tuple[TermFeeds, ...]
    actor: tuple[TermFeeds, ...]
    place: tuple[TermFeeds, ...] = ()
    digest: str = field(default="", compare=False)

    def __getitem__(self, kind: str) -> tuple[TermFeeds, ...]:
        return getattr(self, kind)


@dataclass(frozen=True)
class SiteModel:
    """The whole site, built once per build by `build_site`."""

    entries: tuple  # published entries, newest first
    span: tuple[dt.date, dt.date] | None
    provinces: tuple[TermPage, ...]
    actors: tuple[TermPage, ...]
    province_links: Mapping[str, TermLink]
    actor_links: Mapping[str, TermLink]
    places: tuple[TermPage, ...]  # places that entries name
    place_links: Mapping[str, TermLink]
    place_provinces: Mapping[str, TermLink]  # place key -> its province (gazetteer places)
    places_by_province: tuple[tuple[TermLink | None, tuple[TermPage, ...]], ...]  # None: not in the gazetteer
    actor_kinds: tuple[tuple[str, tuple[TermPage, ...]], ...]
    views: Mapping[str, EntryView]
    entry_digests: Mapping[str, str]  # source path -> what an entry's item in a list or feed shows
    entry_urls: Mapping[str, str]  # source path -> the entry's URL
    term_entries: Mapping[tuple[str, str], tuple]  # (kind, key) -> the term's entries, newest first
    site_map: SiteMap | None
    week: WeekPanel | None  # the last-7-days panel of the home page
    archives: tuple[Archive, ...]
    archive_index: ArchiveIndex
    archive_years: tuple[tuple[int, str, int], ...]
    archive_months: tuple[tuple[int, str, str, int], ...]
    feeds: tuple[Feed, ...]
    site_feeds: tuple[FeedLink, ...]
    feeds_overview: FeedsOverview
    opml_url: str
    corrections: tuple  # corrected entries, the newest correction first
    search: SearchIndex  # what the search index holds
    events: tuple[EventRow, ...]  # every event of the published entries, oldest first
    event_tally: EventTally | None  # all of them, counted and charted
    events_map: SiteMap | None  # the province map shaded by events
    data_files: tuple[DataFile, ...]  # the exports the data page lists
    outputs: tuple[tuple[str, Any], ...]  # (save-as path, what it is) of every file the model's pages make
    digest: str = field(default="", compare=False)

    def entries_of(self, page: TermPage) -> tuple:
        """A term's entries, newest first."""
        return self.term_entries[(page.kind, page.key)]

    def view(self, entry: Any) -> EntryView | None:
        """The model's view of a published entry (None for drafts and hidden entries)."""
        return self.views.get(getattr(entry, "source_path", None))


def build_site(
    entries: list,
    vocabularies: dict[str, Vocabulary],
    settings: Mapping[str, Any],
    descriptions: Mapping[tuple[str, str], str],
    province_map: ProvinceMap | None,
    paginate: Paginate,
) -> SiteModel:
    """The model of the site. `entries` are the published entries; `descriptions` the vocabulary
    descriptions as HTML by (kind, key); `paginate` names the pages of a paginated list."""
    newest_first = tuple(sorted(entries, key=lambda e: (e.date, e.slug), reverse=True))
    digests = EntryDigests(newest_first)
    index = build_index(list(newest_first), vocabularies)
    base = feed_base(settings)
    links = {
        kind: {slot.term.key: term_link(kind, slot.term, settings) for slot in slots}
        for kind, slots in _kinds(index)
    }
    events = event_rows(
        newest_first, lambda e: digests.urls[e.source_path], lambda kind, term: links[kind].get(term.key)
    )
    events_of = rows_by_term(events)
    site_feeds = feeds_of(
        settings, base, "TRACKER_FEED", {}, settings.get("SITENAME", ""), "", newest_first, None, digests
    )
    pages: dict[str, tuple[TermPage, ...]] = {}
    term_entries: dict[tuple[str, str], tuple] = {}
    term_feeds: list[Feed] = []
    for kind, slots in _kinds(index):
        built = []
        for slot in slots:
            link = links[kind][slot.term.key]
            entries_of = term_entries[(kind, link.key)] = tuple(slot.entries)
            feeds = ()
            if link.known and entries_of:
                feeds = feeds_of(
                    settings,
                    base,
                    f"{kind.upper()}_FEED",
                    {"slug": link.slug, "name": link.name},
                    f"{settings.get('SITENAME', '')}: {link.name}",
                    link.url,
                    entries_of,
                    link,
                    digests,
                )
                term_feeds += feeds
            built.append(
                term_page(
                    link,
                    slot,
                    entries_of,
                    links,
                    settings,
                    descriptions.get((kind, link.key), ""),
                    feeds,
                    tally(events_of.get((kind, link.key), ())),
                )
            )
        pages[kind] = tuple(built)
    province_of = place_provinces(pages["place"], vocabularies["province"], links["province"])
    pages["province"] = with_places(pages["province"], pages["place"], province_of)
    feeds = site_feeds + tuple(term_feeds)
    rows = {
        kind: tuple(TermFeeds(page.link, page.stats.count, page.feeds) for page in pages[kind] if page.feeds)
        for kind in pages
    }
    overview = _with_digest(
        FeedsOverview(site_feeds, rows["province"], rows["actor"], rows["place"]), *(f.digest for f in feeds)
    )
    archives = build_archives(newest_first, settings, digests)
    drawable = province_map is not None and bool(province_map.shapes)
    site_map = draw_map(province_map, newest_first, pages["province"], pages["place"]) if drawable else None
    events_map = (
        draw_map(province_map, newest_first, pages["province"], events=events)
        if drawable and events
        else None
    )
    days = [e.date.date() for e in newest_first]
    model = SiteModel(
        entries=newest_first,
        span=(min(days), max(days)) if days else None,
        provinces=pages["province"],
        actors=pages["actor"],
        province_links=MappingProxyType(links["province"]),
        actor_links=MappingProxyType(links["actor"]),
        places=pages["place"],
        place_links=MappingProxyType(links["place"]),
        place_provinces=MappingProxyType(province_of),
        places_by_province=group_by_province(pages["place"], province_of),
        actor_kinds=group_by_kind(pages["actor"]),
        views=MappingProxyType(entry_views(newest_first, links["province"], digests, events)),
        entry_digests=MappingProxyType(digests.content),
        entry_urls=MappingProxyType(digests.urls),
        term_entries=MappingProxyType(term_entries),
        site_map=site_map,
        week=week_panel(newest_first, pages["province"]),
        archives=archives,
        archive_index=_with_digest(
            ArchiveIndex(months := tuple(a for a in archives if a.granularity == "month")),
            [a.index_digest for a in months],
        ),
        archive_years=tuple(
            (a.period_num[0], a.url, len(a.entries)) for a in archives if a.granularity == "year"
        ),
        archive_months=tuple(
            (*a.period, a.url, len(a.entries)) for a in archives if a.granularity == "month"
        ),
        feeds=feeds,
        site_feeds=tuple(f.link for f in site_feeds),
        feeds_overview=overview,
        opml_url=absolute(base, settings["TRACKER_OPML_SAVE_AS"]) if feeds else "",
        corrections=tuple(
            sorted(
                (e for e in newest_first if getattr(e, "updated", None)),
                key=lambda e: (e.updated, e.date, e.slug),
                reverse=True,
            )
        ),
        search=build_search(newest_first, lambda e: digests.urls[e.source_path], digests.of),
        events=events,
        event_tally=tally(events),
        events_map=events_map,
        data_files=data_files(settings, events, newest_first, digests, base),
        outputs=(),
    )
    return _with_outputs(model, settings, base, paginate)


def feed_base(settings: Mapping[str, Any]) -> str:
    """The absolute address feed links are built on: FEED_DOMAIN, else SITEURL ("" when neither is
    absolute)."""
    base = str(settings.get("FEED_DOMAIN") or settings.get("SITEURL") or "").rstrip("/")
    return (
        base
        if base.lower().startswith(("http://", "https://"))
        and len(base.split("/")) >= 3
        and base.split("/")[2]
        else ""
    )


def absolute(base: str, url: str) -> str:
    """An output URL made absolute on `base`."""
    return f"{base}/{url.lstrip('/')}" if url else f"{base}/"


def term_link(kind: str, term: Term, settings: Mapping[str, Any]) -> TermLink:
    """How every page links a term: its name and its URL from `<KIND>_URL`."""
    url = settings[f"{kind.upper()}_URL"].format(slug=term.slug, name=term.name)
    return TermLink(
        kind,
        term.key,
        term.name,
        term.slug,
        url,
        term.known,
        _digest(kind, term.key, term.name, term.slug, url, term.known),
    )


def feeds_of(
    settings: Mapping[str, Any],
    base: str,
    prefix: str,
    values: dict[str, str],
    title: str,
    page_url: str,
    entries: tuple,
    term: TermLink | None,
    digests: EntryDigests,
) -> tuple[Feed, ...]:
    """The RSS and Atom feeds named by `<prefix>_RSS` and `<prefix>_ATOM`, where set and where the
    site has an absolute address (feed links must be absolute)."""
    if not base or not entries:
        return ()
    limit = settings.get("FEED_MAX_ITEMS")
    carried = entries[:limit] if limit else entries
    feeds = []
    for fmt in FORMATS:
        pattern = settings.get(f"{prefix}_{fmt.upper()}")
        if pattern:
            save_as = pattern.format(**values)
            link = FeedLink(title, fmt, absolute(base, save_as), absolute(base, page_url))
            link = _with_digest(link, title, fmt, link.url, link.page_url)
            feeds.append(
                Feed(link, save_as, carried, term, _digest(link.digest, *(digests.of(e) for e in carried)))
            )
    return tuple(feeds)


def data_files(
    settings: Mapping[str, Any],
    events: tuple[EventRow, ...],
    entries: tuple,
    digests: EntryDigests,
    base: str,
) -> tuple[DataFile, ...]:
    """The exports, in the folder of the data page (none when TRACKER_DATA is off), each with a
    digest of what it is made from: the events' rows, or the entries' files and URLs (with the
    base of their absolute URLs; vocabularies and settings are in the build key)."""
    if not settings["TRACKER_DATA"]:
        return ()
    folder = settings["TRACKER_DATA_SAVE_AS"].rpartition("/")[0]
    found = []
    for name, title, rows, columns, made_from in (
        ("events", "Events", len(events), EVENT_COLUMNS, _digest(base, [row.digest for row in events])),
        ("entries", "Entries", len(entries), ENTRY_COLUMNS, _digest(base, [digests.of(e) for e in entries])),
    ):
        for fmt in ("csv", "json"):
            file = f"{name}.{fmt}"
            path = f"{folder}/{file}" if folder else file
            found.append(DataFile(file, path, title, rows, columns, fmt, made_from))
    return tuple(found)


def term_page(
    link: TermLink,
    slot: Any,
    entries: tuple,
    links: dict[str, dict[str, TermLink]],
    settings: Mapping[str, Any],
    description: str,
    feeds: tuple[Feed, ...],
    events: EventTally | None = None,
) -> TermPage:
    """A term's page: statistics, co-occurring terms, chart, feeds and description, with its digest."""
    stats = TermStats(
        len(entries), entries[-1].date if entries else None, entries[0].date if entries else None
    )
    together = tuple((links["actor"][t.key], n) for t, n in slot.together)
    in_provinces = tuple((links["province"][t.key], n) for t, n in slot.provinces)
    chart = activity(list(entries))
    save_as = settings[f"{link.kind.upper()}_SAVE_AS"].format(slug=link.slug, name=link.name)
    feed_links = tuple(f.link for f in feeds)
    digest = _digest(
        link.digest,
        sorted(link_term_fields(slot.term)),
        slot.term.aliases,
        description,
        save_as,
        stats.count,
        stats.first,
        stats.latest,
        [(t.digest, n) for t, n in together],
        [(t.digest, n) for t, n in in_provinces],
        [(b.label, b.count, b.height) for b in chart.bars] if chart else None,
        (chart.ticks, chart.periods) if chart else None,
        [f.digest for f in feed_links],
        events.digest if events else "",
    )
    return TermPage(
        link,
        slot.term,
        save_as,
        stats,
        together,
        in_provinces,
        chart,
        description,
        feed_links,
        events=events,
        digest=digest,
    )


def _kinds(index: Any) -> tuple[tuple[str, list], ...]:
    """The three kinds of term, each with its index slots."""
    return (("province", index.provinces), ("actor", index.actors), ("place", index.places))


def place_provinces(
    places: tuple[TermPage, ...], provinces: Vocabulary, province_links: Mapping[str, TermLink]
) -> dict[str, TermLink]:
    """Each gazetteer place's province, by place key."""
    found = {}
    for place in places:
        province = province_of(place.term, provinces)
        if province is not None and province.key in province_links:
            found[place.key] = province_links[province.key]
    return found


def with_places(
    provinces: tuple[TermPage, ...], places: tuple[TermPage, ...], province_of: Mapping[str, TermLink]
) -> tuple[TermPage, ...]:
    """Province pages with the places in each that entries name, most entries first."""
    by_province: dict[str, list[tuple[TermLink, int]]] = {}
    for place in places:
        if place.key in province_of:
            by_province.setdefault(province_of[place.key].key, []).append((place.link, place.stats.count))
    pages = []
    for page in provinces:
        found = tuple(
            sorted(by_province.get(page.key, []), key=lambda pair: (-pair[1], pair[0].name.casefold()))
        )
        pages.append(
            replace(page, places=found, digest=_digest(page.digest, [(t.digest, n) for t, n in found]))
            if found
            else page
        )
    return tuple(pages)


def group_by_province(
    places: tuple[TermPage, ...], province_of: Mapping[str, TermLink]
) -> tuple[tuple[TermLink | None, tuple[TermPage, ...]], ...]:
    """Places by province (by name), each group by place name; places not in the gazetteer last."""
    groups: dict[str, tuple[TermLink | None, list[TermPage]]] = {}
    for place in places:
        province = province_of.get(place.key)
        key = province.name.casefold() if province else "\uffff"
        groups.setdefault(key, (province, []))[1].append(place)
    return tuple(
        (province, tuple(sorted(group, key=lambda p: p.name.casefold())))
        for _, (province, group) in sorted(groups.items())
    )


def link_term_fields(term: Term) -> list[tuple[str, str]]:
    """A term's vocabulary fields as text, for its page's digest."""
    return [(str(k), repr(v)) for k, v in term.fields.items()]


def profile_rows(fields: Mapping[str, Any]) -> list[dict[str, str]]:
    """Rows for the documented fields first, then any other plain fields, with script direction."""
    ordered = [k for k in FIELD_LABELS if k in fields] + sorted(k for k in fields if k not in FIELD_LABELS)
    rows = []
    for key in ordered:
        value = fields[key]
        if key in HIDDEN_FIELDS or isinstance(value, (dict, list)) or value in (None, ""):
            continue
        text = str(value)
        row = {"key": key, "label": FIELD_LABELS.get(key, key.replace("_", " ").capitalize()), "value": text}
        if ARABIC_SCRIPT.search(text):
            row.update(lang="ckb" if "kurdish" in key else "ar", dir="rtl")
        rows.append(row)
    return rows


def group_by_kind(actors: tuple[TermPage, ...]) -> tuple[tuple[str, tuple[TermPage, ...]], ...]:
    """Actors grouped by `kind`, groups in order of first appearance in the vocabulary."""
    groups: dict[str, list[TermPage]] = {}
    for actor in sorted(actors, key=lambda a: a.term.line if a.known else 10**9):
        kind = str(actor.term.fields.get("kind") or "other") if actor.known else "not in the vocabulary"
        groups.setdefault(kind, []).append(actor)
    return tuple(
        (kind, tuple(sorted(group, key=lambda a: a.name.casefold()))) for kind, group in groups.items()
    )


def entry_views(
    newest_first: tuple,
    province_links: dict[str, TermLink],
    digests: EntryDigests,
    events: tuple[EventRow, ...] = (),
) -> dict[str, EntryView]:
    """Previous/next entry by date, overall and within each of an entry's provinces (in the
    entry's order of provinces)."""
    oldest_first = newest_first[::-1]
    by_province: dict[str, list] = {}
    for entry in newest_first:
        for province in entry.provinces:
            by_province.setdefault(term_of(province).key, []).append(entry)
    positions = {key: {id(e): n for n, e in enumerate(group)} for key, group in by_province.items()}
    bits: dict[tuple[str, str], int] = {}  # each province and actor: a bit of an entry's mask
    masks = []
    for e in oldest_first:
        mask = 0
        for kind, terms in (("province", e.provinces), ("actor", e.actors)):
            for term in terms:
                mask |= 1 << bits.setdefault((kind, term_of(term).key), len(bits))
        masks.append(mask)
    related_lists = related_positions(masks)
    events_of = rows_by_entry(sorted(events, key=lambda row: row.position))  # each in its entry's order
    views = {}
    for n, entry in enumerate(oldest_first):
        previous = oldest_first[n - 1] if n > 0 else None
        following = oldest_first[n + 1] if n + 1 < len(oldest_first) else None
        neighbours = []
        for province in entry.provinces:
            key = term_of(province).key
            group, at = by_province[key], positions[key][id(entry)]
            older = group[at + 1] if at + 1 < len(group) else None
            newer = group[at - 1] if at > 0 else None
            neighbours.append((province_links[key], older, newer))
        related = tuple(
            EntryLink(other.title, digests.urls[other.source_path], other.date)
            for other in (oldest_first[m] for m in related_lists[n])
        )
        digest = _digest(
            digests.link(previous),
            digests.link(following),
            [(link.digest, digests.link(older), digests.link(newer)) for link, older, newer in neighbours],
            [(other.title, other.url, other.date.isoformat()) for other in related],  # what the list shows
            [row.digest for row in events_of.get(entry.source_path, ())],
        )
        views[entry.source_path] = EntryView(
            previous,
            following,
            tuple(neighbours),
            related,
            tuple(events_of.get(entry.source_path, ())),
            digest,
        )
    return views


def related_positions(masks: list[int]) -> list[list[int]]:
    """For each entry (in date order), the positions of its related entries: among the
    RELATED_WINDOW entries either side of it, the RELATED_COUNT sharing the most provinces and
    actors, nearer ones first, then later ones, on a tie. A window, not the whole archive: an
    entry's related list then changes only when an entry near it in time does. Each pair is
    scored once, for both of its entries."""
    scored: list[list[tuple[int, int, int]]] = [[] for _ in masks]
    for n, mine in enumerate(masks):
        for m in range(n + 1, min(len(masks), n + RELATED_WINDOW + 1)):
            shared = (mine & masks[m]).bit_count()  # provinces and actors in common
            if shared:
                scored[n].append((-shared, m - n, -m))
                scored[m].append((-shared, m - n, -n))
    return [[-minus_other for _, _, minus_other in sorted(pairs)[:RELATED_COUNT]] for pairs in scored]


def build_archives(
    newest_first: tuple, settings: Mapping[str, Any], digests: EntryDigests
) -> tuple[Archive, ...]:
    """Year and month archives in one pass over the entries (newest first)."""
    archives = []
    for granularity, key in (("year", lambda d: (d.year,)), ("month", lambda d: (d.year, d.month))):
        save_as = settings.get(f"TRACKER_{granularity.upper()}_ARCHIVE_SAVE_AS")
        if not save_as:
            continue
        groups: dict[tuple, list] = {}
        for entry in newest_first:
            groups.setdefault(key(entry.date), []).append(entry)
        built = []
        for period, group in groups.items():
            shown = period if granularity == "year" else (period[0], calendar.month_name[period[1]])
            url = settings[f"TRACKER_{granularity.upper()}_ARCHIVE_URL"].format(date=group[0].date)
            where = save_as.format(date=group[0].date)
            built.append((granularity, shown, period, tuple(group), where, url))
        links = [(" ".join(map(str, shown[::-1])), url) for _, shown, _, _, _, url in built]
        for n, (granularity, shown, period, group, where, url) in enumerate(built):  # newest first
            newer = links[n - 1] if n > 0 else None
            older = links[n + 1] if n + 1 < len(built) else None
            digest = _digest(granularity, shown, where, url, [digests.of(e) for e in group], older, newer)
            listed = _digest(shown, url, [(e.date.date().isoformat(), digests.link(e)) for e in group])
            archives.append(
                Archive(granularity, shown, period, group, where, url, digest, older, newer, listed)
            )
    return tuple(archives)


def draw_map(
    province_map: ProvinceMap,
    newest_first: tuple,
    provinces: tuple[TermPage, ...],
    places: tuple[TermPage, ...] = (),
    events: tuple[EventRow, ...] | None = None,
) -> SiteMap:
    """Shapes, shading, labels and the accessible table of the province map: shaded by the
    entries naming each province, or with `events` by the events in it, in the 30 days up to
    the newest entry."""
    newest = newest_first[0].date if newest_first else None
    counts = recent_counts(newest_first, newest)
    fatalities: dict[str, int] = {}
    if events is not None:
        counts = {}
        first = (newest - WINDOW).date() + dt.timedelta(days=1) if newest else dt.date.max
        for row in events:
            province = row.event.province
            if province is not None and first <= row.event.date <= (newest or dt.datetime.min).date():
                counts[province.key] = counts.get(province.key, 0) + 1
                fatalities[province.key] = fatalities.get(province.key, 0) + (row.event.fatalities or 0)
    busiest = max(counts.values(), default=0)
    links = {page.key: page.link for page in provinces}
    shorts = abbreviations(links)
    drawings = []
    for width, digits in ((MAP_WIDTH, 1), (LOCATOR_WIDTH, 0)):
        projection, paths = map_shapes(province_map, width, digits)
        # Names go on the entries map only: the events map sits under it, and a name raised above a
        # small province would stand on a neighbour whose shade differs from map to map.
        placed = labels(province_map, projection) if width == MAP_WIDTH and events is None else {}
        shapes = []
        for key, d in sorted(paths.items()):
            label, name = placed.get(key), links[key].name
            shapes.append(
                MapShape(
                    links[key],
                    key,
                    d,
                    counts.get(key, 0),
                    shade(counts.get(key, 0), busiest),
                    label,
                    shorts[key],
                    bool(label) and len(name) * LABEL_SIZE * CHAR_WIDTH <= label.width * 0.9,
                    bool(label) and min(label.width, label.height) < TAP_TARGET,
                )
            )
        dots = {}
        for page in places:
            lat, lon = page.term.fields.get("lat"), page.term.fields.get("lon")
            if page.known and lat is not None and on_map(province_map, lon, lat):  # else not drawn
                dots[page.key] = tuple(round(v, 1) for v in projection.point(lon, lat))
        drawings.append(
            Drawing(round(projection.width), round(projection.height), tuple(shapes), MappingProxyType(dots))
        )
    rows = tuple((page.link, counts.get(page.key, 0)) for page in provinces if page.known)
    notes = tuple(
        str(t.fields.get("map_note") or f"{t.name} is not drawn on the map.") for t in province_map.unmapped
    )
    legend = tuple(map_legend(busiest))
    since = newest - WINDOW if newest else None
    place_counts = recent_counts(newest_first, newest, "places")
    most = max(place_counts.values(), default=0)
    place_dots = tuple(
        PlaceDot(
            page.link,
            place_counts[page.key],
            *drawings[0].dots[page.key],
            dot_radius(place_counts[page.key], most),
        )
        for page in sorted(places, key=lambda p: (-place_counts.get(p.key, 0), p.name))
        if place_counts.get(page.key) and page.key in drawings[0].dots
    )
    digest = _digest(
        [
            (s.page.digest, s.d, s.count, s.shade, s.label, s.short, s.full_fits, s.small)
            for d in drawings
            for s in d.shapes
        ],
        [(d.width, d.height, sorted(d.dots.items())) for d in drawings],
        legend,
        notes,
        since,
        newest,
        [(link.digest, n) for link, n in rows],
        [(d.link.digest, d.count, d.x, d.y, d.r) for d in place_dots],
        sorted(fatalities.items()),
    )
    unit = "entries" if events is None else "events"
    return SiteMap(
        drawings[0],
        drawings[1],
        since,
        newest,
        rows,
        notes,
        legend,
        place_dots,
        unit,
        MappingProxyType(fatalities),
        digest,
    )


def dot_radius(count: int, most: int) -> float:
    """A place dot's radius in map units: its area grows with its entries, from 3 to 9."""
    return round(3 + 6 * math.sqrt(count / most), 1) if most else 3.0


def abbreviations(links: Mapping[str, TermLink]) -> dict[str, str]:
    """A short label per province: the first letters of its name, as many as make it unique."""
    letters = {key: "".join(c for c in link.name if c.isalpha()).upper() for key, link in links.items()}
    shorts = {}
    for key, word in letters.items():
        size = 3
        while size < len(word) and any(
            other != key and o[:size] == word[:size] for other, o in letters.items()
        ):
            size += 1
        shorts[key] = word[:size] or links[key].name
    return shorts


def week_panel(newest_first: tuple, provinces: tuple[TermPage, ...]) -> WeekPanel | None:
    """Entries per province in the 7 days up to the newest entry, against the 7 days before."""
    if not newest_first:
        return None
    until = newest_first[0].date
    now: dict[str, int] = {}
    before: dict[str, int] = {}
    entries = 0
    for entry in newest_first:
        if entry.date <= until - 2 * WEEK:
            break
        bucket = now if entry.date > until - WEEK else before
        entries += bucket is now
        for province in entry.provinces:
            key = term_of(province).key
            bucket[key] = bucket.get(key, 0) + 1
    rows = sorted(
        (
            WeekRow(page.link, now.get(page.key, 0), before.get(page.key, 0))
            for page in provinces
            if page.known and (page.key in now or page.key in before)
        ),
        key=lambda row: (-row.count, -row.previous, row.page.name.casefold()),
    )
    since = (until - WEEK).date() + dt.timedelta(days=1)
    return _with_digest(
        WeekPanel(since, until.date(), entries, tuple(rows)),
        since,
        until.date(),
        entries,
        [(row.page.digest, row.count, row.previous) for row in rows],
    )


def map_legend(busiest: int) -> list[tuple[int, str]]:
    """(shade class, label) pairs for the map legend."""
    if busiest <= 0:
        return [(0, "no entries")]
    labels, previous = [(0, "none")], 0
    for count in range(1, busiest + 1):
        level = shade(count, busiest)
        if level != previous:
            labels.append((level, str(count)))
            previous = level
        else:
            labels[-1] = (level, f"{labels[-1][1].split('–')[0]}–{count}")
    return labels


def month_calendar(
    year: int, month: int, entries: list[Any], span: tuple | None = None
) -> list[list[dict[str, Any] | None]]:
    """Weeks (Monday first) of a month. Each day has its number, date, entries, and whether it is a
    gap: a day with no entry inside the site's span (days before the first entry or after the
    newest are not gaps). Days outside the month are None."""
    by_day: dict[int, list[Any]] = {}
    for entry in entries:
        if (entry.date.year, entry.date.month) == (year, month):
            by_day.setdefault(entry.date.day, []).append(entry)
    first, last = span or (dt.date.min, dt.date.max)

    def cell(day: int) -> dict[str, Any] | None:
        if day == 0:
            return None
        date, found = dt.date(year, month, day), by_day.get(day, [])
        return {"day": day, "date": date, "entries": found, "gap": not found and first <= date <= last}

    return [[cell(day) for day in week] for week in calendar.Calendar().monthdayscalendar(year, month)]


def _with_digest(value: Any, *parts: Any) -> Any:
    """A frozen model object with its digest filled in."""
    return replace(value, digest=_digest(type(value).__name__, *parts)) if parts else value


def in_write_order(pages: tuple[TermPage, ...]) -> list[TermPage]:
    """Term pages in the order they are written: vocabulary terms first, in file order, then
    unknown spellings (the first claimant of an output path wins)."""
    return sorted(pages, key=lambda p: (not p.known, p.term.line if p.known else 0, p.key))


def _with_outputs(model: SiteModel, settings: Mapping[str, Any], base: str, paginate: Paginate) -> SiteModel:
    """The model with every file its pages make, each with what it is, and the model's digest."""
    outputs: list[tuple[str, Any]] = []
    for kind, pages in (("province", model.provinces), ("actor", model.actors), ("place", model.places)):
        if kind == "place" and not pages:
            continue  # a site whose entries name no place has no places index
        outputs.append((settings[f"{kind.upper()}S_SAVE_AS"], f"the {kind}s index"))
        for page in in_write_order(pages):
            outputs += [
                (path, page) for path in paginate(kind, page.save_as, page.url, model.entries_of(page))
            ]
    outputs += [(feed.save_as, f"the feed '{feed.title}' ({feed.format})") for feed in model.feeds]
    if model.feeds:
        outputs += [
            (settings["TRACKER_FEEDS_SAVE_AS"], "the feeds page"),
            (settings["TRACKER_OPML_SAVE_AS"], "the OPML file"),
        ]
    outputs += [(a.save_as, "the archive of " + " ".join(map(str, a.period))) for a in model.archives]
    outputs.append((settings["TRACKER_CORRECTIONS_SAVE_AS"], "the corrections page"))
    if settings["TRACKER_SEARCH"]:
        outputs.append((settings["TRACKER_SEARCH_SAVE_AS"], "the search page"))
    if model.data_files:
        outputs.append((settings["TRACKER_DATA_SAVE_AS"], "the data page"))
        outputs += [(f.save_as, f"the {f.title.lower()} as {f.format.upper()}") for f in model.data_files]
    outputs.append(("404.html", "the 404 page"))
    if base:
        outputs.append(("sitemap.xml", "the sitemap"))
    digest = _digest(
        [p.digest for p in model.provinces + model.actors + model.places],
        [v.digest for v in model.views.values()],
        model.site_map.digest if model.site_map else "",
        model.events_map.digest if model.events_map else "",
        model.event_tally.digest if model.event_tally else "",
        model.week.digest if model.week else "",
        [a.digest for a in model.archives],
        model.feeds_overview.digest,
        model.span,
    )
    return replace(model, outputs=tuple(outputs), digest=digest)
