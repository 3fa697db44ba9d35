"""The home page's last-7-days panel: entries per province in the 7 days up to the newest entry,
against the 7 days before.

Pure: the lists in, the panel out.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

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


def week_panel(lists: SiteLists, provinces: Mapping[str, TermLink]) -> WeekPanel | None:
    """Entries per province in the 7 days up to the newest entry, against the 7 days before."""
    newest = lists.newest_head
    if newest is None:
        return None
    until = newest.date
    now: dict[str, int] = {}
    before: dict[str, int] = {}
    entries = 0
    for _, _, path in reversed(lists.lists[SITE]):
        head = lists.heads[path]
        if head.date <= until - 2 * WEEK:
            break
        bucket = now if head.date > until - WEEK else before
        entries += bucket is now
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
    return WeekPanel((until - WEEK).date() + dt.timedelta(days=1), until.date(), entries, tuple(rows))
