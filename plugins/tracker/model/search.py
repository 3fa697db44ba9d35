"""The search model: what the site's search index holds of each published entry.

Pure: no I/O. Drafts and hidden entries never reach the model, so they are never indexed. An
entry is indexed with its title, date and body, its filters (province, actor, place, year)
under their canonical names, and every name and alias of its provinces, actors and places, so
that a search for `Daesh` finds the entries tagged ISIS.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .digests import digest_bytes
from .index import term_of


@dataclass(frozen=True)
class SearchRecord:
    """One entry as the search index holds it."""

    entry: Any = field(compare=False)  # its title, summary, body and sources are the record's text
    url: str
    title: str
    date: dt.datetime
    filters: tuple[tuple[str, tuple[str, ...]], ...]  # (filter, values): province, actor, place, year
    names: tuple[tuple[str, str, tuple[str, ...]], ...]  # (kind, canonical name, aliases)
    digest: str = field(default="", compare=False)

    @property
    def sort_key(self) -> str:
        """Newest first when sorted descending: the moment in UTC, then the URL for one moment."""
        return f"{self.date.astimezone(dt.timezone.utc):%Y-%m-%dT%H:%M:%SZ} {self.url}"


@dataclass(frozen=True)
class SearchIndex:
    """Every published entry's record, newest first; its digest changes when any record does."""

    records: tuple[SearchRecord, ...]
    digest: str = ""


def build_search(
    newest_first: tuple, url_of: Callable[[Any], str], digest_of: Callable[[Any], str]
) -> SearchIndex:
    """The search records of the published entries. `url_of` and `digest_of` give an entry's URL and
    the digest of its file and URL (which cover its title, date, body and tags)."""
    records = tuple(_record(entry, url_of(entry), digest_of(entry)) for entry in newest_first)
    return SearchIndex(records, digest_bytes("search", *(r.digest for r in records)))


def _record(entry: Any, url: str, entry_digest: str) -> SearchRecord:
    terms = {
        "province": [term_of(p) for p in entry.provinces],
        "actor": [term_of(a) for a in entry.actors],
        "place": [term_of(p) for p in getattr(entry, "places", None) or []],
    }
    filters = tuple((kind, tuple(t.name for t in found)) for kind, found in terms.items()) + (
        ("year", (str(entry.date.year),)),
    )
    names = tuple((kind, t.name, tuple(t.aliases)) for kind, found in terms.items() for t in found)
    digest = digest_bytes(entry_digest, repr(filters), repr(names))
    return SearchRecord(entry, url, entry.title, entry.date, filters, names, digest)
