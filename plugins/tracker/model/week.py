"""The home page's last-7-days panel: events per province in the 7 days up to the newest entry,
against the 7 days before (entries per province on a site that records no events).

Pure: the lists in, the panel out.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from .geo import WINDOW
from .lists import SITE, SiteLists
from .terms import TermLink

WEEK = dt.timedelta(days=7)


@dataclass(frozen=True)
class WeekRow:
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
    unit: str = "entries"  # what the rows count: "events" or "entries"
    events: int = 0  # the events of the 7 days, when the rows count events


def week_panel(lists: SiteLists, provinces: Mapping[str, TermLink], events: bool = False) -> WeekPanel | None:
    """Per province, the events (with `events`: by the day each happened) or the entries of the 7
    days up to the newest entry, against the 7 days before."""
    newest = lists.newest_head
    if newest is None:
        return None
    until = newest.date
    now: dict[str, int] = {}
    before: dict[str, int] = {}
    entries = counted = 0
    last = until.date()
    # An entry may report an event of days before it: the entries of the map's 30 days count.
    oldest = until - (WINDOW if events else 2 * WEEK)
    for _, _, path in reversed(lists.lists[SITE]):
        head = lists.heads[path]
        if head.date <= oldest:
            break
        entries += head.date > until - WEEK
        if events:
            for fact in head.events:
                days = (last - fact.date).days
                if fact.province is not None and 0 <= days < 14:
                    bucket = now if days < 7 else before
                    bucket[fact.province] = bucket.get(fact.province, 0) + 1
                    counted += days < 7
        else:
            bucket = now if head.date > until - WEEK else before
            for key in head.provinces:
                bucket[key] = bucket.get(key, 0) + 1
    rows = sorted(
        (
            WeekRow(link, now.get(key, 0), before.get(key, 0))
            for key, link in provinces.items()
            if link.known and (key in now or key in before)
        ),
        key=lambda row: (-row.count, -row.previous, row.page.name.casefold()),
    )
    since = (until - WEEK).date() + dt.timedelta(days=1)
    return WeekPanel(since, last, entries, tuple(rows), "events" if events else "entries", counted)
