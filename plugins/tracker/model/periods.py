"""Archives by date: a page per year and per month with the periods before and after it, the
archive index of every month, and a month's calendar with the days that have no entry.

Pure: the lists in, periods out.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from .language import active
from .lists import ListKey, SiteLists

Shown = tuple[int] | tuple[int, str]  # a period as its page names it: (2014,) or (2014, "June")


@dataclass(frozen=True)
class Period:
    """A year's or a month's archive page, with the periods before and after it that have
    entries ((label, URL) pairs, or None)."""

    granularity: str
    period: Shown
    period_num: tuple[int, ...]  # (2014,) or (2014, 6)
    url: str
    save_as: str
    older: tuple[str, str] | None = None
    newer: tuple[str, str] | None = None

    @property
    def list_key(self) -> ListKey:
        return ("year", *self.period_num) if self.granularity == "year" else ("month", *self.period_num)

    @property
    def label(self) -> str:
        """'2014', 'June 2014' (حزيران 2014, червень 2014)."""
        first = dt.date(self.period_num[0], self.period_num[1] if len(self.period_num) > 1 else 1, 1)
        return active().month(first) if self.granularity == "month" else active().date(first, "y")


T = TypeVar("T")


def with_neighbours(items: list[T]) -> Iterator[tuple[T, T | None, T | None]]:
    """Each of `items` (newest first) with the one after it (older) and the one before it
    (newer), or None at either end: an archive page links the pages either side."""
    for n, item in enumerate(items):
        yield item, items[n + 1] if n + 1 < len(items) else None, items[n - 1] if n > 0 else None


def periods(lists: SiteLists, settings: Mapping[str, Any]) -> list[Period]:
    """Every year and month with entries, newest first within each granularity (a granularity whose
    save-as setting is empty has none)."""
    found = []
    for granularity in ("year", "month"):
        save_as = settings.get(f"TRACKER_{granularity.upper()}_ARCHIVE_SAVE_AS")
        if not save_as:
            continue
        # A year's list is ("year", y), a month's ("month", y, m): its numbers are ints.
        keys = sorted((tuple(int(n) for n in key[1:]) for key in lists.keys(granularity)), reverse=True)
        built: list[tuple[Shown, tuple[int, ...], str, str]] = []  # (shown, numbers, URL, save-as)
        for number in keys:
            first = dt.date(number[0], number[1] if len(number) > 1 else 1, 1)
            shown: Shown = (
                (number[0],) if granularity == "year" else (number[0], active().date(first, "LLLL"))
            )
            url = settings[f"TRACKER_{granularity.upper()}_ARCHIVE_URL"].format(date=first)
            built.append((shown, number, url, save_as.format(date=first)))
        for (shown, number, url, where), older, newer in with_neighbours(built):
            found.append(
                Period(
                    granularity,
                    shown,
                    number,
                    url,
                    where,
                    (" ".join(map(str, older[0][::-1])), older[2]) if older else None,
                    (" ".join(map(str, newer[0][::-1])), newer[2]) if newer else None,
                )
            )
    return found


def month_label(date: dt.date) -> str:
    """'July 2014' (تموز 2014, липень 2014)."""
    return active().month(date)


def month_groups(items: Iterable[T], date_of: Callable[[T], dt.date]) -> list[tuple[str, list[T]]]:
    """Items (newest first) under their months, by `date_of`: [("July 2014", [...]), ("June 2014", [...])]."""
    groups: list[tuple[str, list[T]]] = []
    for item in items:
        label = month_label(date_of(item))
        if groups and groups[-1][0] == label:
            groups[-1][1].append(item)
        else:
            groups.append((label, [item]))
    return groups


def month_calendar(
    year: int, month: int, entries: list[Any], span: tuple[dt.date, dt.date] | None = None
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


def months_between(first: dt.date | None, last: dt.date | None) -> set[tuple[int, int]]:
    """Every (year, month) from `first`'s to `last`'s, both included (none when either is None)."""
    if first is None or last is None:
        return set()
    first, last = min(first, last), max(first, last)
    found, year, month = set(), first.year, first.month
    while (year, month) <= (last.year, last.month):
        found.add((year, month))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return found
