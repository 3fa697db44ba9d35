"""The index model: entries + vocabulary -> provinces and actors with entries, counts, co-occurrence.

Pure: no writer, no I/O. Its cost grows with the number of tags (plus, per entry, the
province-actor and actor-actor pairs it names), never with entries x terms.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any, Protocol

from .vocabulary import Term, Vocabulary

TOP_TOGETHER = 10


class Tagged(Protocol):
    """What the model needs of an entry."""

    date: dt.datetime
    slug: str
    provinces: list[Any]  # items are Terms or have a `.term`
    actors: list[Any]


@dataclass
class TermIndex:
    """One province or actor with what the site knows about it."""

    term: Term
    entries: list[Any] = field(default_factory=list)
    together: list[tuple[Term, int]] = field(default_factory=list)
    provinces: list[tuple[Term, int]] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.entries)

    @property
    def latest(self) -> dt.datetime | None:
        return self.entries[0].date if self.entries else None

    @property
    def first(self) -> dt.datetime | None:
        return self.entries[-1].date if self.entries else None


@dataclass
class Index:
    """Every province and actor of the site, known ones (all of them) and unknown ones, and every
    place an entry names."""

    provinces: list[TermIndex]
    actors: list[TermIndex]
    places: list[TermIndex] = field(default_factory=list)


def term_of(item: Any) -> Term:
    """A Term from an entry's province or actor (a Term or a wrapper holding one)."""
    return getattr(item, "term", item)


def build_index(entries: list[Tagged], vocabularies: dict[str, Vocabulary], top: int = TOP_TOGETHER) -> Index:
    """Group entries by term, newest first, and count which terms appear together."""
    newest_first = sorted(entries, key=lambda e: (e.date, e.slug), reverse=True)
    tables = {kind: _table(vocabularies[kind]) for kind in ("province", "actor")}
    tables["place"] = _table(vocabularies["place"]) if "place" in vocabularies else {}
    with_actor: dict[tuple[str, str], Counter] = defaultdict(Counter)  # (kind, key) -> actors named with it
    actor_provinces: dict[str, Counter] = defaultdict(Counter)
    for entry in newest_first:
        provinces = [_slot(tables["province"], term_of(p)) for p in entry.provinces]
        actors = [_slot(tables["actor"], term_of(a)) for a in entry.actors]
        named = (getattr(entry, "places", None) or []) if tables["place"] else []  # no gazetteer, no pages
        places = [_slot(tables["place"], term_of(p)) for p in named]
        for slot in provinces + actors + places:
            slot.entries.append(entry)
        actor_keys = [a.term.key for a in actors]
        for kind, slots in (("province", provinces), ("place", places)):
            for slot in slots:
                with_actor[(kind, slot.term.key)].update(actor_keys)
        for slot in actors:
            with_actor[("actor", slot.term.key)].update(k for k in actor_keys if k != slot.term.key)
            actor_provinces[slot.term.key].update(p.term.key for p in provinces)
    for kind, table in tables.items():
        for key, slot in table.items():
            slot.together = _ranked(with_actor[(kind, key)], tables["actor"])[:top]
            if kind == "actor":
                slot.provinces = _ranked(actor_provinces[key], tables["province"])
    named_places = [slot for slot in _listed(tables["place"]) if slot.entries]  # pages for named places only
    return Index(*(_listed(tables[kind]) for kind in ("province", "actor")), named_places)


def _table(vocabulary: Vocabulary) -> dict[str, TermIndex]:
    return {term.key: TermIndex(term) for term in vocabulary.terms}


def _slot(table: dict[str, TermIndex], term: Term) -> TermIndex:
    """The index slot of a term; an unknown spelling gets one slot per normalised name."""
    slot = table.get(term.key)
    if slot is None:
        slot = table[term.key] = TermIndex(term)
    return slot


def _ranked(counts: Counter, table: dict[str, TermIndex]) -> list[tuple[Term, int]]:
    """Terms by count, most first, ties by name."""
    pairs = [(table[key].term, n) for key, n in counts.items()]
    return sorted(pairs, key=lambda pair: (-pair[1], pair[0].name.casefold()))


def _listed(table: dict[str, TermIndex]) -> list[TermIndex]:
    """Known terms (with or without entries) and unknown terms that have entries, by name."""
    slots = [s for s in table.values() if s.term.known or s.entries]
    return sorted(slots, key=lambda s: (s.term.name.casefold(), s.term.key))
