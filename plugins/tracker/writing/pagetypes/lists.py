"""List pages: the home page and its numbered pages, each province's, actor's and place's page,
each tag's and author's; the pages of a list are cut from its oldest entry (model/lists.py)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ...model.lists import SITE, ListKey, page_entries, paginate
from ...model.periods import month_groups
from ...model.plan import Plan
from .base import KNOWN_CHANGES, Output, PageType

if TYPE_CHECKING:
    from ..outputs import Outputs

# What each list template reads.
LISTS = frozenset({"page", "count", "heads", "items"})


def of_list(model: Outputs, kind: str, key: ListKey, save_as: str, url: str, owner: Any) -> list[Output]:
    """The outputs of one list's pages."""
    pages = paginate(model.site.lists.count(key), model.size, url, save_as, model.patterns)
    return [Output(page.save_as, kind, (key, page), owner) for page in pages]


def home(model: Outputs) -> list[Output]:
    """The home page and its numbered pages."""
    save_as = model.settings.get("INDEX_SAVE_AS") or "index.html"
    return of_list(model, "home", SITE, save_as, "", "the home page")


def terms(kind: str) -> Callable[[Outputs], list[Output]]:
    """The pages of each province's, actor's or place's list."""

    def outputs(model: Outputs) -> list[Output]:
        return [
            output
            for page in model.site.terms.in_write_order(kind)
            for output in of_list(model, kind, page.list_key, page.save_as, page.url, page)
        ]

    return outputs


def wrapped(kind: str) -> Callable[[Outputs], list[Output]]:
    """The pages of each tag's or author's list, where the settings give them an address."""

    def outputs(model: Outputs) -> list[Output]:
        lists, found = model.site.lists, []
        for key in sorted(lists.keys(kind)):
            _, url, where = model.wrapper(key)
            if where:
                found += of_list(model, kind, key, where, url, f"{kind} '{lists.names[key]}'")
        return found

    return outputs


def dirty(output: Output, plan: Plan, views: set[str]) -> bool:
    """An entry on the page changed its item or events, or one joined, left or moved at or before
    it; the front page also when its term's counts, charts or map changed (or the home's panel)."""
    list_key, page = output.key
    return (
        page.number in plan.pages.get(list_key, ())
        or (page.number == 0 and list_key in plan.fronts)
        or (list_key == SITE and page.number == 0 and "home" in plan.named)
    )


def render(model: Outputs, output: Output) -> bytes:
    """A list page: its entries' items (the home's newest entry whole), a term's profile and events."""
    list_key, page = output.key
    site = model.site
    heads = page_entries(site.lists, list_key, page)
    values: dict[str, Any] = {
        "url": page.url,
        "page": page,
        "count": site.lists.count(list_key),
        "heads": heads,
    }
    kind = list_key[0]
    if kind == "site":
        if page.number == 0 and heads:
            values["latest"] = model.linked(model.load([heads[0].path])[heads[0].path], model.siteurl(output))
            values["latest_links"] = site.entry_links(values["latest"])
            values["items"] = model.item_list(heads[1:])
        else:
            values["items"] = model.item_list(heads)
        return model.page("index", output, **values)
    values["items"] = model.item_list(heads)
    if kind in ("province", "actor", "place"):
        term = site.terms.pages[kind][list_key[1]]
        rows = model.event_rows(heads)
        shown = sorted(
            (row for h in heads for row in rows[h.path] if _involves(row, kind, term.key)),
            key=lambda row: row.order,
            reverse=True,
        )
        # Entries and events under their months, newest first ("July 2014").
        months = [
            (label, model.item_list(group)) for label, group in month_groups(heads, lambda head: head.date)
        ]
        return model.page(
            kind,
            output,
            term=term,
            shown_events=shown,
            event_months=month_groups(shown, lambda row: row.event.date),
            months=months,
            **{kind: term},
            **values,
        )
    return model.page(kind, output, **{kind: site.lists.names[list_key]}, **values)


def _involves(row: Any, kind: str, key: str) -> bool:
    event = row.event
    if kind == "actor":
        return any(actor.key == key for actor in event.actors)
    term = event.province if kind == "province" else event.place
    return term is not None and term.key == key


def list_type(kind: str, outputs: Callable[[Outputs], list[Output]], reads: frozenset[str]) -> PageType:
    """A page type of list pages: they share the rules and the rendering; each has its template."""
    return PageType(
        kind,
        outputs,
        render,
        # "home" makes the home's front page dirty only (see `dirty`); the rest show on no list page.
        unmoved_by=KNOWN_CHANGES,
        dirty=dirty,
        template="index" if kind == "home" else kind,
        reads=LISTS | reads,
        cost=1.3,
    )


HOME = list_type(
    "home",
    home,
    frozenset(
        {"latest", "latest_links", "site.province_map", "site.events_map", "site.week", "site.week_of"}
    ),
)
TERM = frozenset({"term", "shown_events", "event_months", "months"})
PROVINCE = list_type("province", terms("province"), TERM | {"province"})
ACTOR = list_type("actor", terms("actor"), TERM | {"actor"})
PLACE = list_type("place", terms("place"), TERM | {"place"})
TAG = list_type("tag", wrapped("tag"), frozenset({"tag"}))
AUTHOR = list_type("author", wrapped("author"), frozenset({"author"}))
