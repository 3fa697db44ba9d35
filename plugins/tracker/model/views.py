"""What an entry's page shows beyond the entry: the previous and next entry by date, overall and
in each of its provinces, and the related entries (those nearby in time that share the most
provinces and actors with it).

Pure. A view reads only the entries near its own in date order, so an edit changes the views of
a handful of entries, and `suspects` names them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from .digests import digest_bytes
from .lists import SITE, SiteLists
from .record import Head

RELATED_COUNT, RELATED_WINDOW = 5, 15  # related entries shown; entries either side considered


@dataclass(frozen=True)
class EntryLink:
    """An entry as a link shows it: title, URL and date."""

    title: str
    url: str
    date: dt.datetime


@dataclass(frozen=True)
class EntryView:
    previous: EntryLink | None
    next: EntryLink | None
    provinces: tuple[tuple[object, EntryLink | None, EntryLink | None], ...]  # (province link, older, newer)
    related: tuple[EntryLink, ...] = ()

    @property
    def digest(self) -> str:
        """What the view shows, for telling whether an entry's page must be rendered again."""
        return digest_bytes(repr(self))


def entry_link(head: Head) -> EntryLink:
    """How a view links an entry."""
    return EntryLink(head.title, head.url, head.date)


def link_of(head: Head | None) -> EntryLink | None:
    """How a view links an entry (None for none)."""
    return entry_link(head) if head is not None else None


def province_rank(lists: SiteLists, head: Head, key: str) -> int:
    """A published entry's place in the list of one of its provinces."""
    rank = lists.rank(("province", key), head)
    # The lists hold a published entry in the list of each of its provinces (`SiteLists.keys_of`).
    assert rank is not None, f"{head.path} is not in the list of its province {key!r}"
    return rank


def view_of(lists: SiteLists, head: Head, province_links: Mapping[str, object]) -> EntryView | None:
    """The view of a published entry (None for a draft or a hidden entry)."""
    rank = lists.rank(SITE, head)
    if rank is None:
        return None
    neighbours = []
    for key in head.provinces:
        at = province_rank(lists, head, key)
        older, newer = lists.at(("province", key), at - 1), lists.at(("province", key), at + 1)
        neighbours.append((province_links[key], link_of(older), link_of(newer)))
    return EntryView(
        link_of(lists.at(SITE, rank - 1)),
        link_of(lists.at(SITE, rank + 1)),
        tuple(neighbours),
        related(lists, head, rank),
    )


def related(lists: SiteLists, head: Head, rank: int) -> tuple[EntryLink, ...]:
    """Among the RELATED_WINDOW entries either side of `head`, the RELATED_COUNT sharing the most
    provinces and actors, nearer ones first, then later ones, on a tie. A window, not the whole
    archive: an entry's related list changes only when an entry near it in time does."""
    mine = set(head.provinces) | {"\x00" + a for a in head.actors}
    scored = []
    for other_rank in range(max(0, rank - RELATED_WINDOW), rank + RELATED_WINDOW + 1):
        other = lists.at(SITE, other_rank) if other_rank != rank else None
        if other is None:
            continue
        shared = len(mine & (set(other.provinces) | {"\x00" + a for a in other.actors}))
        if shared:
            scored.append((-shared, abs(other_rank - rank), -other_rank, other))
    return tuple(entry_link(other) for *_, other in sorted(scored, key=lambda s: s[:3])[:RELATED_COUNT])


def suspects(lists: SiteLists, head: Head) -> set[str]:
    """The entries whose views may show `head` (as it is in `lists`): those within the related
    window of it in date order, and its neighbours in each of its provinces."""
    rank = lists.rank(SITE, head)
    if rank is None:
        return set()
    found = set()
    for other_rank in range(rank - RELATED_WINDOW - 1, rank + RELATED_WINDOW + 2):
        other = lists.at(SITE, other_rank)
        if other is not None:
            found.add(other.path)
    for key in head.provinces:
        at = province_rank(lists, head, key)
        for other in (lists.at(("province", key), at - 1), lists.at(("province", key), at + 1)):
            if other is not None:
                found.add(other.path)
    return found
