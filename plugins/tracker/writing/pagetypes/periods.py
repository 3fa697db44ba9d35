"""The archives of each year and month (and day, where the settings ask for it)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ...model.plan import Plan
from .base import KNOWN_CHANGES, Output, PageType

if TYPE_CHECKING:
    from ..outputs import Outputs


def outputs(model: Outputs) -> list[Output]:
    """Each period's archive page."""
    return [Output(p.save_as, "period", p, "the archive of " + p.label) for p in model.site.periods]


def dirty(output: Output, plan: Plan, views: set[str]) -> bool:
    """An entry of the period changed, or its month's calendar did."""
    period = output.key
    return period.list_key in plan.pages or period.list_key in plan.fronts or period.period_num in plan.months


def render(model: Outputs, output: Output) -> bytes:
    """A period's archive: its entries, newest first, and its calendar."""
    period = output.key
    heads = model.site.lists.newest(period.list_key)
    return model.page(
        "period_archives",
        output,
        url=period.url,
        period=period.period,
        period_num=period.period_num,
        dates=heads,
        items=model.item_list(heads),
        archive=period,
    )


PERIOD = PageType(
    "period",
    outputs,
    render,
    # A period came or went: each page links the ones either side; a week: a month lists its weeks.
    dirty_on=frozenset({"periods", "weeks"}),
    unmoved_by=KNOWN_CHANGES - {"periods", "weeks"},
    dirty=dirty,
    template="period_archives",
    reads=frozenset(
        {
            "period",
            "period_num",
            "dates",
            "items",
            "archive",
            "site.archive_months",
            "site.month_weeks",
            "tracker_span",
        }
    ),
    cost=1.3,
)
