"""Which outputs a change makes dirty.

A build applies each changed entry as `remove(old)` then `add(new)` to the site's lists, and
describes the change by its kinds: the body or summary, the title, URL or date, the status or
terms, the events. Each kind of output is dirty for the kinds of change it shows:

- the entry's own page: when it changes at all;
- another entry's page: when an entry near it in date order or in a province changes its title,
  URL, date, status or terms (its view changed);
- a list page (home, province, actor, place, tag, author, year, month): when an entry on it
  changes its list item (title, URL, date, summary, terms, correction) or events, or an entry
  joins, leaves or moves in the list at or before it;
- a term's front page (profile, counts, charts): when an entry of the term changes its date,
  status, terms or events;
- a feed: when an entry among its newest items changes;
- the indexes, the feeds page, OPML, the home map and week: when an entry changes its date,
  status, terms or events;
- archives/, corrections/, the sitemap: when an entry changes its title, URL, date, status or
  correction;
- the data page and the exports: when an entry changes its export rows or events;
- a search shard: when an entry in its period changes its page (shards are compared by a
  digest of their entries).

Anything the rules cannot see (a theme, settings, vocabulary or map change; a page added to the
site's navigation; the first build) makes every output dirty. Pure: heads and lists in, names out.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from .geo import WINDOW
from .lists import SITE, ListKey, SiteLists, page_of, pages_from
from .record import Head

WEEKS = dt.timedelta(days=14)  # the week panel compares the last 7 days with the 7 before


def facts(head: Head | None) -> tuple[object, ...]:
    """What counts, charts, maps and term pages read of an entry."""
    if head is None or not head.published:
        return ()
    return head.date, head.slug, head.provinces, head.actors, head.places, head.tags, head.author, head.events


def linked(head: Head | None) -> tuple[object, ...]:
    """What a link to an entry shows (archives, corrections, sitemap, neighbours)."""
    if head is None or not head.published:
        return ()
    return head.title, head.url, head.date, head.updated, head.save_as


def position(lists: SiteLists, key: ListKey, head: Head) -> tuple[int, int]:
    """(rank, count) of a published entry in one of its lists."""
    rank = lists.rank(key, head)
    # The lists hold a published entry in every list `SiteLists.keys_of` gives it.
    assert rank is not None, f"{head.path} is not in its list {key!r}"
    return rank, lists.count(key)


@dataclass
class Plan:
    """The outputs a build renders (every one when `full`)."""

    full: bool = False
    entries: set[str] = field(default_factory=set)  # paths of entries whose own page is dirty
    pages: dict[ListKey, set[int]] = field(default_factory=dict)  # list -> dirty page numbers
    fronts: set[ListKey] = field(default_factory=set)  # lists whose front page's aggregates changed
    feeds: set[ListKey] = field(default_factory=set)
    named: set[str] = field(default_factory=set)  # home, indexes, archives, corrections, data ...
    months: set[tuple[int, int]] = field(default_factory=set)  # month archives whose calendars changed
    suspects: set[str] = field(default_factory=set)  # entries whose views must be compared

    def page(self, key: ListKey, number: int) -> None:
        self.pages.setdefault(key, set()).add(number)


class Planner:
    """Collects a build's changes: call `before` with the lists as they were, apply the change,
    then `after` with the lists as they are."""

    def __init__(self, size: int, feed_items: int | None) -> None:
        self.size, self.feed_items = size, feed_items
        self.plan = Plan()
        self._ranks: dict[tuple[str, ListKey], tuple[int, int]] = {}  # before: (rank, count)

    def before(self, lists: SiteLists, old: Head | None) -> None:
        """Note where an entry about to change is, and what shows it now."""
        if old is None:
            return
        self.plan.entries.discard(old.path)
        if old.published:
            from .views import suspects

            self.plan.suspects |= suspects(lists, old)
            for key in lists.keys_of(old):
                self._ranks[(old.path, key)] = position(lists, key, old)
        self._window(lists, old, "before")

    def after(self, lists: SiteLists, old: Head | None, new: Head | None) -> None:
        """What the change from `old` to `new` (either may be None) makes dirty."""
        plan = self.plan
        if new is not None and new.save_as:
            plan.entries.add(new.path)
        if new is not None and new.published:
            from .views import suspects

            plan.suspects |= suspects(lists, new)
        moved = facts(old) != facts(new)
        relinked = linked(old) != linked(new)
        old_keys = set(lists.keys_of(old)) if old is not None and old.published else set()
        new_keys = set(lists.keys_of(new)) if new is not None and new.published else set()
        item = (old.item if old else None) != (new.item if new else None)
        events = (old.events if old else ()) != (new.events if new else ())
        for key in old_keys | new_keys:
            before = self._ranks.get((old.path, key)) if old is not None else None
            now = position(lists, key, new) if new is not None and key in new_keys else None
            if moved or before is None or now is None:
                for rank, count in [r for r in (before, now) if r is not None]:
                    for number in pages_from(rank, count, self.size):
                        plan.page(key, number)
                plan.fronts.add(key)
            elif item or events:
                plan.page(key, page_of(now[0], now[1], self.size))
            feed = (old.page if old else None) != (new.page if new else None)
            if moved or feed or relinked:
                if self._in_feed(before) or self._in_feed(now):
                    plan.feeds.add(key)
        if moved:
            plan.named |= {"indexes", "feeds", "data"}
        if relinked or moved:
            plan.named |= {"archives", "sitemap"}
            if (old is not None and old.updated) or (new is not None and new.updated):
                plan.named.add("corrections")
        if (old.export if old else None) != (new.export if new else None) or moved:
            plan.named.add("exports")
        self._window(lists, new, "after", changed=moved or item or relinked or events)

    def _in_feed(self, position: tuple[int, int] | None) -> bool:
        if position is None:
            return False
        rank, count = position
        return self.feed_items is None or rank >= count - self.feed_items

    def _window(self, lists: SiteLists, head: Head | None, when: str, changed: bool = True) -> None:
        """The home page shows the newest entries, a map and a week panel of the last 30 days: an
        entry there, as it was or as it is, makes it dirty."""
        newest = lists.newest_head
        if head is None or not head.published or newest is None or not changed:
            return
        rank = lists.rank(SITE, head)
        if (
            head.date > newest.date - max(WINDOW, WEEKS)
            or rank is not None
            and (page_of(rank, lists.count(SITE), self.size) == 0)
        ):
            self.plan.named.add("home")
