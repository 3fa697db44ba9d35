"""The site model: the lists, the terms and everything the site's pages show of them, worked out
when a page that shows it is rendered.

Pure: no Pelican, no I/O of its own. Heads are in the lists; whole records (bodies, sources,
events) come through `load`, which the build gives, only for the entries a page shows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from functools import cached_property
from typing import Any

from .config import TrackerSettings
from .dataset import DataFile, data_files
from .feeds import Feed, SiteFeedRow, TermFeeds, carried, feed_base, site_feeds, term_feeds
from .lists import SITE, SiteLists
from .maps import Geometry, SiteMap, shaded
from .periods import Period, periods
from .record import EntryRecord, Head
from .search import newest_first, shards_of
from .terms import FeedLink, Tally, TermLink, TermPage, Terms, tally, term_link
from .vocabulary import Term, Vocabulary
from .week import WeekPanel, week_panel
from .weeks import Week, finished, link_of, week_patterns, weeks

Load = Callable[[list[str]], dict[str, EntryRecord]]  # paths -> whole records


class Site:
    """What the site's pages show: built once per build from the lists, read lazily."""

    def __init__(
        self,
        lists: SiteLists,
        vocabularies: Mapping[str, Vocabulary],
        settings: Mapping[str, Any],
        config: TrackerSettings,
        geometry: Geometry | None,
        describe: Callable[[str, Term], str],
        load: Load,
    ) -> None:
        self.lists, self.settings, self.config = lists, settings, config
        self.geometry, self.load = geometry, load
        self.base = feed_base(settings)
        self.feed_limit = settings.get("FEED_MAX_ITEMS")
        self.terms = Terms(
            vocabularies, lists, settings, describe, self._term_feed_links, config.province_word
        )
        self.has_gazetteer = bool(vocabularies["place"].terms)

    # Terms

    def _term_feed_links(self, page: TermPage) -> tuple[FeedLink, ...]:
        return tuple(feed.link for feed in term_feeds(self.settings, self.lists, page.link))

    @cached_property
    def provinces(self) -> tuple[TermPage, ...]:
        return self.terms.listed("province")

    @cached_property
    def actors(self) -> tuple[TermPage, ...]:
        return self.terms.listed("actor")

    @cached_property
    def places(self) -> tuple[TermPage, ...]:
        return self.terms.listed("place")

    def links(self, kind: str) -> Mapping[str, TermLink]:
        return self.terms.links[kind]

    def entry_links(self, record: EntryRecord) -> dict[str, list[TermLink | None]]:
        """How an entry's pages link its terms (its own spelling of an unknown name; a place of a
        site without a gazetteer is not linked)."""
        found: dict[str, list[TermLink | None]] = {}
        for kind in ("province", "actor", "place"):
            terms = getattr(record, kind + "s")
            if kind == "place" and not self.has_gazetteer:
                found[kind] = [None] * len(terms)
            else:
                found[kind] = [
                    self.links(kind).get(t.key) if t.known else term_link(kind, t, self.settings)
                    for t in terms
                ]
        return found

    # The whole site

    @cached_property
    def span(self) -> tuple[dt.date, dt.date] | None:
        """The first and the newest entry's days."""
        first, newest = self.lists.at(SITE, 0), self.lists.newest_head
        return (first.date.date(), newest.date.date()) if first and newest else None

    @cached_property
    def province_map(self) -> SiteMap | None:
        if self.geometry is None:
            return None
        return shaded(self.geometry, self.lists, self.links("province"), self.links("place"))

    @cached_property
    def events_map(self) -> SiteMap | None:
        if self.geometry is None or not self.has_events:
            return None
        return shaded(self.geometry, self.lists, self.links("province"), self.links("place"), events=True)

    @cached_property
    def week(self) -> WeekPanel | None:
        return week_panel(self.lists, self.links("province"), events=self.has_events)

    @cached_property
    def has_events(self) -> bool:
        """Whether any published entry records events: then the home page counts events, not entries."""
        return any(h.events for h in self.lists.published())

    @cached_property
    def event_tally(self) -> Tally | None:
        return tally([fact for head in self.lists.published() for fact in head.events])

    # Archives

    @cached_property
    def periods(self) -> list[Period]:
        return periods(self.lists, self.settings)

    @cached_property
    def archive_years(self) -> tuple[tuple[int, str, int], ...]:
        return tuple(
            (p.period_num[0], p.url, self.lists.count(p.list_key))
            for p in self.periods
            if p.granularity == "year"
        )

    @cached_property
    def archive_months(self) -> tuple[tuple[int, str, str, int], ...]:
        return tuple(
            (*p.period, p.url, self.lists.count(p.list_key)) for p in self.periods if p.granularity == "month"
        )

    # Weeks

    @cached_property
    def week_patterns(self) -> tuple[str, str] | None:
        return week_patterns(self.settings.get("TRACKER_WEEK_URL"), self.settings.get("TRACKER_WEEK_SAVE_AS"))

    @cached_property
    def weeks(self) -> list[Week]:
        """Every week with entries, newest first."""
        return weeks(self.lists, self.week_patterns)

    def week_of(self, date: dt.date) -> tuple[str, str, str] | None:
        """(label, URL, days) of the week page of a day with entries (None: no week pages)."""
        return link_of(date, self.week_patterns)

    def month_weeks(self, year: int, month: int) -> list[Week]:
        """The weeks with entries that have a day in a month, oldest first."""
        return [
            w
            for w in reversed(self.weeks)
            if (year, month) in ((w.first.year, w.first.month), (w.last.year, w.last.month))
        ]

    @cached_property
    def finished_weeks(self) -> list[Week]:
        return finished(self.weeks, self.lists)

    def archive_index(self) -> list[tuple[Period, list[Head]]]:
        """Every month, newest first, with its entries' heads, newest first."""
        return [(p, self.lists.newest(p.list_key)) for p in self.periods if p.granularity == "month"]

    def corrections(self) -> list[EntryRecord]:
        """The corrected entries, the newest correction first."""
        heads = [h for h in self.lists.published() if h.updated]
        records = self.load([h.path for h in heads])
        return sorted(
            (records[h.path] for h in heads if h.path in records),
            key=lambda r: (r.updated, r.date, r.slug),
            reverse=True,
        )

    # Feeds

    @cached_property
    def site_feeds(self) -> tuple[Feed, ...]:
        return site_feeds(self.settings, self.lists)

    @cached_property
    def feeds(self) -> tuple[Feed, ...]:
        """Every feed: the site's, then each kind's terms' in write order."""
        found = list(self.site_feeds)
        for kind in ("province", "actor", "place"):
            for page in self.terms.in_write_order(kind):
                found += term_feeds(self.settings, self.lists, page.link)
        return tuple(found)

    def carried(self, feed: Feed) -> list[Head]:
        return carried(self.lists, feed, self.feed_limit)

    @cached_property
    def feeds_overview(self) -> dict[str, Any]:
        """What the subscribe page lists: the site's feeds, and every term's, with their counts."""
        count = self.lists.count(SITE)
        shown = min(count, self.feed_limit) if self.feed_limit else count
        overview: dict[str, Any] = {
            "site": tuple(SiteFeedRow(f.title, f.url, f.label, f.format, shown) for f in self.site_feeds)
        }
        for kind in ("province", "actor", "place"):
            overview[kind] = tuple(
                TermFeeds(page.link, page.stats.count, page.feeds)
                for page in self.terms.listed(kind)
                if page.feeds
            )
        return overview

    # Data

    @cached_property
    def data_files(self) -> tuple[DataFile, ...]:
        if not self.config.data:
            return ()
        folder = self.settings["TRACKER_DATA_SAVE_AS"].rpartition("/")[0]
        events = sum(len(h.events) for h in self.lists.published())
        return data_files(folder, events, self.lists.count(SITE))

    # Search

    @cached_property
    def shards(self) -> dict[str, list[str]]:
        """The search index's shards: name -> paths of the published entries in it, oldest first."""
        return shards_of(self.lists.published(), self.config.search_shard)

    @cached_property
    def shard_order(self) -> list[str]:
        """The shards' names, newest first."""
        return newest_first(self.shards)
