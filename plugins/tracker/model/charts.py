"""Activity charts: entries per month (per week for spans under a year), as SVG geometry."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

WIDTH, HEIGHT, GAP = 600, 120, 2


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
class Chart:
    """Bars over the whole span of a term's entries, empty periods included."""

    unit: str
    bars: list[Bar]
    width: int = WIDTH
    height: int = HEIGHT

    @property
    def busiest(self) -> int:
        return max((bar.count for bar in self.bars), default=0)


@lru_cache(maxsize=None)  # every term's chart asks for the same few thousand days
def _week(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


@lru_cache(maxsize=None)
def _month(day: dt.date) -> dt.date:
    return day.replace(day=1)


def _next_month(day: dt.date) -> dt.date:
    return (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def activity(entries: list[Any]) -> Chart | None:
    """Counts per period from the first to the latest entry; None without entries."""
    days = Counter(entry.date.date() for entry in entries)
    if not days:
        return None
    first, last = min(days), max(days)
    weekly = (last - first).days < 365
    start_of, step, unit = (
        (_week, lambda d: d + dt.timedelta(days=7), "week") if weekly else (_month, _next_month, "month")
    )
    counts: Counter[dt.date] = Counter()
    for day, count in days.items():
        counts[start_of(day)] += count
    periods, period = [], start_of(first)
    while period <= last:
        periods.append(period)
        period = step(period)
    busiest = max(counts.values())
    slot = WIDTH / len(periods)
    bars = []
    for n, period in enumerate(periods):
        count = counts.get(period, 0)
        height = (HEIGHT - 4) * count / busiest
        label = f"week of {period:%-d %b %Y}" if weekly else f"{period:%B %Y}"
        bars.append(
            Bar(
                label,
                period,
                count,
                round(n * slot + GAP / 2, 1),
                round(HEIGHT - height, 1),
                round(max(slot - GAP, 1), 1),
                round(height, 1),
            )
        )
    return Chart(unit, bars)
