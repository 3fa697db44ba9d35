"""A term at a glance: its entries, events and fatalities in the last 7 days and in the month so far,
against the 7 days before and the same days of the month before, counted to the site's newest
entry (as the home page's 7-day panel is). What a term page shows in its first screen.

The counts name no day ("last 7 days", "July 2014 so far"), so a term's glance changes only when
its own counts do, or the month turns: a new day's entry does not make every term page dirty
(the planner compares the glances before and after a change: see `generator.py`).

Pure: the lists in, glances out.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from .figures import Fatalities
from .language import active
from .lists import SITE, ListKey, SiteLists
from .periods import month_label
from .record import EventFact, Head

TERM_KINDS = ("province", "actor", "place")
SPAN = dt.timedelta(days=70)  # entries further back than the newest can count in no window


@dataclass
class Counts:
    entries: int = 0
    figures: list[int | None] = field(default_factory=list)  # one per event

    @property
    def events(self) -> int:
        return len(self.figures)

    @property
    def fatalities(self) -> Fatalities:
        return Fatalities.of(self.figures)


@dataclass(frozen=True)
class Row:
    """One window against the one before it."""

    label: str  # "Last 7 days", "July 2014 so far"
    before: str  # "the 7 days before", "the same days of June 2014"
    entries: int
    events: int
    fatalities: Fatalities
    entries_before: int
    events_before: int
    fatalities_before: Fatalities

    @property
    def trend(self) -> str:
        """The home's trend: events where there are any, else entries."""
        now, then = (
            (self.events, self.events_before)
            if self.events or self.events_before
            else (self.entries, self.entries_before)
        )
        return "up" if now > then else "down" if now < then else "same"


@dataclass(frozen=True)
class Glance:
    week: Row
    month: Row


def windows(newest: dt.date) -> list[tuple[dt.date, dt.date]]:
    """The four windows (first and last day): the last 7 days, the 7 before, the month so far and
    the same days of the month before (to its last day when it is shorter)."""
    month_start = newest.replace(day=1)
    before_end = month_start - dt.timedelta(days=1)
    before_start = before_end.replace(day=1)
    same_day = before_start.replace(day=min(newest.day, before_end.day))
    return [
        (newest - dt.timedelta(days=6), newest),
        (newest - dt.timedelta(days=13), newest - dt.timedelta(days=7)),
        (month_start, newest),
        (before_start, same_day),
    ]


def _keys(head: Head) -> list[ListKey]:
    return [
        *(("province", k) for k in head.provinces),
        *(("actor", k) for k in head.actors),
        *(("place", k) for k in head.places),
    ]


def _event_keys(event: EventFact) -> list[ListKey]:
    keys: list[ListKey] = [("actor", k) for k in event.actors]
    if event.province is not None:
        keys.append(("province", event.province))
    if event.place is not None:
        keys.append(("place", event.place))
    return keys


def glances(lists: SiteLists) -> dict[ListKey, Glance]:
    """The glance of every term with an entry or event in any of the four windows (a term with
    none has none: its page says so)."""
    newest = lists.newest_head
    if newest is None:
        return {}
    last = newest.date.date()
    spans = windows(last)
    counts: dict[ListKey, list[Counts]] = {}

    def slot(key: ListKey) -> list[Counts]:
        if key not in counts:
            counts[key] = [Counts() for _ in spans]
        return counts[key]

    for _, _, path in reversed(lists.lists.get(SITE, [])):
        head = lists.heads[path]
        day = head.date.date()
        if day < last - SPAN:
            break
        for n, (first, end) in enumerate(spans):
            if first <= day <= end:
                for key in dict.fromkeys(_keys(head)):
                    slot(key)[n].entries += 1
        for event in head.events:
            happened = event.date
            for n, (first, end) in enumerate(spans):
                if first <= happened <= end:
                    for key in dict.fromkeys(_event_keys(event)):
                        slot(key)[n].figures.append(event.fatalities)
    month, before_month, words = month_label(last), month_label(spans[3][0]), active()
    found = {}
    for key, (week, week_before, so_far, same_days) in counts.items():
        found[key] = Glance(
            _row(words.gettext("Last 7 days"), words.gettext("the 7 days before"), week, week_before),
            _row(
                words.gettext("%(month)s so far") % {"month": month},
                words.gettext("the same days of %(month)s") % {"month": before_month},
                so_far,
                same_days,
            ),
        )
    return found


def _row(label: str, before: str, now: Counts, then: Counts) -> Row:
    return Row(
        label, before, now.entries, now.events, now.fatalities, then.entries, then.events, then.fatalities
    )
