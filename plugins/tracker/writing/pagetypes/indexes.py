"""The indexes of the vocabularies and of tags and authors: provinces/, actors/, places/,
tags/, authors/."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from .base import KNOWN_CHANGES, Output, PageType

if TYPE_CHECKING:
    from ..outputs import Outputs

# What the vocabularies' indexes read: counts, the map, the kinds of actor, places by province.
INDEXES = frozenset(
    {"site.province_map", "site.events_map", "provinces", "actors", "actor_kinds", "places_by_province"}
)


def outputs_of(kind: str) -> Callable[[Outputs], list[Output]]:
    """The outputs of one kind's index (a function of the model)."""

    def outputs(model: Outputs) -> list[Output]:
        site, settings = model.site, model.settings
        if kind == "place" and not site.terms.pages["place"]:
            return []  # a site whose entries name no place has no places index
        save_as = settings.get(f"{kind.upper()}S_SAVE_AS")
        if kind in ("tag", "author") and not save_as:
            return []  # the settings give tags or authors no index
        return [Output(save_as, f"{kind}s", kind, f"the {kind}s index")]

    return outputs


def render(model: Outputs, output: Output) -> bytes:
    """An index: the terms with their counts (the vocabularies' with the map)."""
    kind = output.key
    if kind in ("tag", "author"):
        lists = model.site.lists
        rows = [
            (lists.names[key], model.wrapper(key)[1], lists.count(key)) for key in sorted(lists.keys(kind))
        ]
        rows.sort(key=lambda row: row[0].casefold())
        return model.page(f"{kind}s", output, url=model.settings.get(f"{kind.upper()}S_URL", ""), rows=rows)
    return model.page(f"{kind}s", output, url=model.settings[f"{kind.upper()}S_URL"])


def index_type(kind: str, reads: frozenset[str]) -> PageType:
    """The page type of one kind's index."""
    return PageType(
        f"{kind}s",
        outputs_of(kind),
        render,
        dirty_on=frozenset({"indexes"}),  # an entry changed its date, status, terms or events
        unmoved_by=KNOWN_CHANGES - {"indexes"},
        template=f"{kind}s",
        reads=reads,
        cost=3.0,
    )


PROVINCES = index_type("province", INDEXES)
ACTORS = index_type("actor", INDEXES)
PLACES = index_type("place", INDEXES)
TAGS = index_type("tag", frozenset({"rows"}))
AUTHORS = index_type("author", frozenset({"rows"}))
