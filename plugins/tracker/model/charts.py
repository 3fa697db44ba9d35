"""Activity charts: entries per month (per week for spans under a year, per year for spans of
ten years or more), as SVG geometry with a value axis (round ticks from 0) and period labels,
drawn by the same rules on every term page."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from .language import active

WIDTH, HEIGHT, GAP = 600, 170, 2
LEFT, TOP, BOTTOM = 40, 28, 140  # the plot area: value labels left of it, period labels below
MAX_TICKS, MAX_LABELS = 5, 5  # value ticks above 0; period labels along the bottom
MONTHS_UP_TO = 10  # years: a longer span is charted per year (a chart has at most a few hundred bars)

Step = Callable[[dt.date], dt.date]  # a day to the start of its period, or a period's start to the next's


@dataclass(frozen=True)
class Bar:
    """One period of the chart with its count and drawing box."""

    label: str
    start: dt.date
    count: int
    x: float
    y: float
    width: float
    height: float


@dataclass(frozen=True)
class Tick:
    """A mark on an axis: its text and where it goes (y for values, x for periods)."""

    text: str
    at: float


@dataclass(frozen=True)
class Chart:
    """Bars over the whole span of a term's entries, empty periods included."""

    unit: str
    bars: list[Bar]
    ticks: tuple[Tick, ...] = ()  # the value axis, from 0
    periods: tuple[Tick, ...] = ()  # period labels under the bars
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    top: int = TOP
    bottom: int = BOTTOM

    @property
    def busiest(self) -> int:
        return max((bar.count for bar in self.bars), default=0)


@lru_cache(maxsize=None)  # every term's chart asks for the same few thousand days
def _week(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


@lru_cache(maxsize=None)
def _month(day: dt.date) -> dt.date:
    return day.replace(day=1)


@lru_cache(maxsize=None)
def _year(day: dt.date) -> dt.date:
    return day.replace(month=1, day=1)


def _label(period: dt.date, unit: str) -> str:
    words = active()
    if unit == "week":
        return words.gettext("week of %(day)s") % {"day": words.date(period, "d MMM y")}
    return words.month(period) if unit == "month" else words.date(period, "y")


@lru_cache(maxsize=None)
def _next_month(day: dt.date) -> dt.date:
    return (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def _next_year(day: dt.date) -> dt.date:
    return day.replace(year=day.year + 1)


def activity(entries: list[Any]) -> Chart | None:
    """Entries per period from the first to the latest entry; None without entries."""
    return bar_chart(Counter(entry.date.date() for entry in entries))


def bar_chart(days: Counter[dt.date], monthly: bool = False) -> Chart | None:
    """Counts per period (per week for spans under a year, unless `monthly`; per year for spans
    of MONTHS_UP_TO years or more) from the first to the last of `days` (day -> count); None
    without days."""
    if not days:
        return None
    first, last = min(days), max(days)
    start_of: Step
    step: Step
    if last.year - first.year >= MONTHS_UP_TO:
        start_of, step, unit = _year, _next_year, "year"
    elif not monthly and (last - first).days < 365:
        start_of, step, unit = _week, lambda d: d + dt.timedelta(days=7), "week"
    else:
        start_of, step, unit = _month, _next_month, "month"
    counts: Counter[dt.date] = Counter()
    for day, count in days.items():
        counts[start_of(day)] += count
    periods, period = [], start_of(first)
    while period <= last:
        periods.append(period)
        period = step(period)
    values = value_ticks(max(max(counts.values()), 1))
    scale = (BOTTOM - TOP) / values[-1]
    slot = (WIDTH - LEFT) / len(periods)
    bars = []
    for n, period in enumerate(periods):
        count = counts.get(period, 0)
        height = count * scale
        bars.append(
            Bar(
                _label(period, unit),
                period,
                count,
                round(LEFT + n * slot + GAP / 2, 1),
                round(BOTTOM - height, 1),
                round(max(slot - GAP, 1), 1),
                round(height, 1),
            )
        )
    every = -(-len(periods) // MAX_LABELS)  # label every n-th period, at most MAX_LABELS of them
    short, words = {"week": "d MMM", "month": "MMM y", "year": "y"}[unit], active()
    return Chart(
        unit,
        bars,
        tuple(Tick(words.number(v), round(BOTTOM - v * scale, 1)) for v in values),
        tuple(
            Tick(words.date(period, short), round(LEFT + (n + 0.5) * slot, 1))
            for n, period in enumerate(periods)
            if n % every == 0
        ),
    )


def value_ticks(busiest: int) -> list[int]:
    """Round values from 0 to at least `busiest`, at most MAX_TICKS steps of 1, 2 or 5 × 10^k."""
    step = 1
    while True:
        for factor in (1, 2, 5):
            if busiest <= MAX_TICKS * step * factor:
                size = step * factor
                return list(range(0, -(-busiest // size) * size + 1, size))
        step *= 10
