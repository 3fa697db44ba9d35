"""The search page (the index itself is written apart: writing/search.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .base import KNOWN_CHANGES, Output, PageType

if TYPE_CHECKING:
    from ..outputs import Outputs


def outputs(model: Outputs) -> list[Output]:
    """The search page, where the settings turn search on."""
    if not model.site.config.search:
        return []
    return [Output(model.settings["TRACKER_SEARCH_SAVE_AS"], "search", "search", "the search page")]


def render(model: Outputs, output: Output) -> bytes:
    """The search page: its filters' terms and the index's shards."""
    site = model.site
    terms = {
        kind: {page.name: page.url for page in pages if page.known}
        for kind, pages in (("province", site.provinces), ("actor", site.actors))
    }
    return model.page(
        "search",
        output,
        url=model.settings["TRACKER_SEARCH_URL"],
        search_terms=terms,
        search_shards=site.shard_order,
    )


SEARCH = PageType(
    "search",
    outputs,
    render,
    dirty_on=frozenset({"search"}),  # the shards it merges changed
    unmoved_by=KNOWN_CHANGES - {"search"},
    template="search",
    reads=frozenset({"search_terms", "search_shards", "site.shard_order"}),
    cost=5.0,
)
