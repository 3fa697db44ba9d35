"""Weeks: a page per ISO 8601 week that has entries (Monday to Sunday, numbered as ISO 8601 numbers
them: 2014-W25), what its entries report by province and by actor, and the weeks either side.

Pure: the lists and the URL patterns in, weeks and tallies out.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from .figures import Fatalities
from .language import active
from .lists import ListKey, SiteLists, week_key
from .periods import with_neighbours
from .record import Head
from .terms import TermLink


@dataclass(frozen=True)
class Week:
    """A week's page, with the weeks before and after it that have entries ((label, URL), or None)."""

    year: int  # the ISO year (the last days of December may be in week 1 of the next)
    number: int
    url: str
    save_as: str
    older: tuple[str, str] | None = None
    newer: tuple[str, str] | None = None

    @property
    def list_key(self) -> ListKey:
        return ("week", self.year, self.number)

    @property
    def first(self) -> dt.date:
        return dt.date.fromisocalendar(self.year, self.number, 1)

    @property
    def last(self) -> dt.date:
        return self.first + dt.timedelta(days=6)

    @property
    def name(self) -> str:
        """ISO 8601's name of the week: '2014-W25'."""
        return f"{self.year}-W{self.number:02d}"

    @property
    def label(self) -> str:
        """'Week 25, 2014'."""
        return week_label(self.year, self.number)

    @property
    def days(self) -> str:
        """The week's days in words: '16–22 June 2014', '30 June – 6 July 2014',
        '29 December 2014 – 4 January 2015'."""
        first, last, words = self.first, self.last, active()
        if first.year != last.year:
            return f"{words.day(first)} – {words.day(last)}"
        if first.month != last.month:
            return f"{words.date(first, 'd MMMM')} – {words.day(last)}"
        return f"{words.date(first, 'd')}–{words.day(last)}"


def week_patterns(url: str | None, save_as: str | None) -> tuple[str, str] | None:
    """The week pages' URL and save-as patterns, or None when the site has no week pages."""
    return (url or "", save_as) if save_as else None


def link_of(date: dt.date, patterns: tuple[str, str] | None) -> tuple[str, str, str] | None:
    """(label, URL, days) of the week page of a day (None: the site has no week pages)."""
    if patterns is None:
        return None
    year, number, _ = date.isocalendar()
    week = Week(year, number, patterns[0].format(date=dt.date.fromisocalendar(year, number, 1)), "")
    return week.label, week.url, week.days


def weeks(lists: SiteLists, patterns: tuple[str, str] | None) -> list[Week]:
    """Every week with entries, newest first."""
    if patterns is None:
        return []
    url, save_as = patterns
    numbers = sorted(((int(key[1]), int(key[2])) for key in lists.keys("week")), reverse=True)
    made = []
    for year, number in numbers:
        monday = dt.date.fromisocalendar(year, number, 1)
        made.append((year, number, url.format(date=monday), save_as.format(date=monday)))
    found = []
    for (year, number, where, file), older, newer in with_neighbours(made):
        found.append(
            Week(
                year,
                number,
                where,
                file,
                (week_label(older[0], older[1]), older[2]) if older else None,
                (week_label(newer[0], newer[1]), newer[2]) if newer else None,
            )
        )
    return found


def week_label(year: int, number: int) -> str:
    """'Week 25, 2014' ('الأسبوع 25، 2014'), in the language in use."""
    words = active()
    return words.gettext("Week %(number)s, %(year)s") % {
        "number": words.number(number),
        "year": words.digits(str(year)),
    }


@dataclass(frozen=True)
class Tally:
    """What a week's entries report of one province or actor: events and their fatalities."""

    link: TermLink
    events: int
    fatalities: Fatalities


def tallies(heads: Iterable[Head], kind: str, links: Mapping[str, TermLink]) -> tuple[Tally, ...]:
    """Per province (`kind` "province") or actor, the events the entries report and their
    fatalities, busiest first."""
    figures: dict[str, list[int | None]] = {}
    for head in heads:
        for event in head.events:
            keys = (event.province,) if kind == "province" else event.actors
            for key in keys:
                if key is not None and key in links:
                    figures.setdefault(key, []).append(event.fatalities)
    found = [Tally(links[key], len(values), Fatalities.of(values)) for key, values in figures.items()]
    return tuple(sorted(found, key=lambda t: (-t.events, t.link.name.casefold())))


def finished(all_weeks: list[Week], lists: SiteLists) -> list[Week]:
    """The weeks before the newest entry's week (newest first): a week is over, for the weekly
    feed, once an entry of a later week is published. The build's own clock never decides it, so
    that the same entries build the same feed on any day."""
    newest = lists.newest_head
    if newest is None:
        return []
    current = week_key(newest.date.date())
    return [week for week in all_weeks if week.list_key != current]
