"""An entry's own page."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ...model.dataset import event_rows
from ...model.plan import Plan
from ...model.views import view_of
from .base import KNOWN_CHANGES, Output, PageType

if TYPE_CHECKING:
    from ..outputs import Outputs


def outputs(model: Outputs) -> list[Output]:
    """Each entry's page (a draft's too, where the settings give drafts an address)."""
    return [
        Output(head.save_as, "entry", head.path, head.path)
        for head in model.site.lists.heads.values()
        if head.save_as
    ]


def dirty(output: Output, plan: Plan, views: set[str]) -> bool:
    """Its entry changed, or what it shows of others (neighbours, related entries) did."""
    return output.key in plan.entries or output.key in views


def render(model: Outputs, output: Output) -> bytes:
    """An entry's page: the entry, its neighbours and related entries, its events."""
    record = model.linked(model.load([output.key])[output.key], model.siteurl(output))
    site = model.site
    published = record.head is not None and record.head.published
    view = view_of(site.lists, record.head, site.links("province")) if published else None
    rows = event_rows(record, model.link) if published else ()
    return model.page(
        "article",
        output,
        url=record.url,
        article=record,
        entry=view,
        links=site.entry_links(record),
        event_rows=rows,
        week=site.week_of(record.date.date()) if published else None,
    )


ENTRY = PageType(
    "entry",
    outputs,
    render,
    # What only the site's own pages show:
    unmoved_by=KNOWN_CHANGES,
    dirty=dirty,
    template="article",
    reads=frozenset({"article", "entry", "links", "event_rows", "week"}),
)
