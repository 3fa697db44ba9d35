"""Provinces, actors and places as pages: their links, and what a term's page shows (profile,
counts, the actors named with it, charts, events), worked out from the lists only when a page
that shows it is rendered.

Pure: vocabularies, lists and settings in, page data out.
"""

from __future__ import annotations

import datetime as dt
import re
from bisect import bisect_right
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from .charts import Chart, activity, bar_chart
from .figures import Fatalities
from .gazetteer import province_of
from .glance import Glance, glances
from .language import N_
from .lists import ListKey, SiteLists
from .record import EventFact, Head, Unknown
from .vocabulary import Term, Vocabulary

TOP_TOGETHER = 10
FORMATS = {"rss": "application/rss+xml", "atom": "application/atom+xml", "json": "application/feed+json"}
LABELS = {"rss": "RSS", "atom": "Atom", "json": "JSON Feed"}
FIELD_LABELS = {
    "type": N_("Type"),
    "iso": N_("ISO 3166-2"),
    "capital": N_("Capital"),
    "local_name": N_("Local name"),
    "kurdish_name": N_("Kurdish name"),
    "iso_name": N_("ISO name"),
    "region": N_("Region"),
    "note": N_("Note"),
    "wikidata": N_("Wikidata"),
}
# Shown elsewhere on a profile, or not for display.
HIDDEN_FIELDS = {"description", "kind", "map", "map_note", "province", "lat", "lon", "label"}
WIKIDATA = re.compile(r"Q[1-9]\d*")
ARABIC_SCRIPT = re.compile("[\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufeff]")


@dataclass(frozen=True)
class TermLink:
    """What any page shows of a term it links: its name and URL."""

    kind: str
    key: str
    name: str
    slug: str
    url: str
    known: bool

    def __str__(self) -> str:
        return self.name


@dataclass(frozen=True)
class FeedLink:
    """A feed as a page's head or a subscribe link shows it."""

    title: str
    format: str
    url: str
    page_url: str

    @property
    def type(self) -> str:
        return FORMATS[self.format]

    @property
    def label(self) -> str:
        return LABELS[self.format]


def term_link(kind: str, term: Term, settings: Mapping[str, Any]) -> TermLink:
    """How every page links a term: its name and its URL from `<KIND>_URL`."""
    url = settings[f"{kind.upper()}_URL"].format(slug=term.slug, name=term.name)
    return TermLink(kind, term.key, term.name, term.slug, url, term.known)


def term_links(
    kind: str, vocabulary: Vocabulary, lists: SiteLists, settings: Mapping[str, Any]
) -> dict[str, TermLink]:
    """Every term of a kind that has a page, by key: the vocabulary's (with or without entries) and
    every unknown name a published entry uses (see `unknown_name`)."""
    found = {term.key: term_link(kind, term, settings) for term in vocabulary.terms}
    for list_key in lists.keys(kind):
        key = str(list_key[1])  # a term's list is (kind, term key)
        if key not in found:
            unknown = unknown_name(lists, kind, key)
            # A name with a list is on a published entry, and one the vocabulary does not know is
            # among that entry's unknown names (`make_head` keeps every one).
            assert unknown is not None, f"no spelling of the {kind} {key!r}"
            found[key] = term_link(kind, Term(unknown.name, unknown.slug, known=False), settings)
    return found


def unknown_name(lists: SiteLists, kind: str, key: str) -> Unknown | None:
    """How a name the vocabulary does not know is spelt on the pages that show it: as the oldest
    published entry that uses it spells it (a later entry's spelling never renames a page readers
    have seen); None when no published entry uses it."""
    oldest = lists.at((kind, key), 0)
    if oldest is None:
        return None
    return next((u for u in oldest.unknown if (u.kind, u.key) == (kind, key)), None)


@dataclass(frozen=True)
class Tally:
    """Events counted: how many, their reported fatalities (the lowest figure each reports; events
    without a figure counted apart), and charts of both per month."""

    count: int
    fatalities: Fatalities
    events_chart: Chart | None
    fatalities_chart: Chart | None
    first: dt.date | None = None
    latest: dt.date | None = None
    by_month: tuple[Fatalities, ...] = ()  # the fatalities of each month of the charts

    @property
    def fatalities_texts(self) -> list[str]:
        """Each period's fatalities as words for the chart: '12', 'at least 12', '–' (no figure)."""
        return [dead.short() for dead in self.by_month]

    def months(self) -> list[tuple[str, int, Fatalities]]:
        """The charts' text equivalent: (period, events, fatalities)."""
        if self.events_chart is None:
            return []
        return [(bar.label, bar.count, dead) for bar, dead in zip(self.events_chart.bars, self.by_month)]


def tally(facts: list[EventFact]) -> Tally | None:
    """Counts and monthly charts of event facts; None without events."""
    if not facts:
        return None
    events: Counter[dt.date] = Counter()
    dead: Counter[dt.date] = Counter()
    for fact in facts:
        day = dt.date.fromisoformat(fact.day)
        events[day] += 1
        dead[day] += fact.fatalities or 0
    chart = bar_chart(events, monthly=True)
    periods: list[list[int | None]] = [[] for _ in chart.bars] if chart else []
    starts = [bar.start for bar in chart.bars] if chart else []
    for fact in facts:
        periods[bisect_right(starts, dt.date.fromisoformat(fact.day)) - 1].append(fact.fatalities)
    return Tally(
        len(facts),
        Fatalities.of(fact.fatalities for fact in facts),
        chart,
        bar_chart(dead, monthly=True),
        min(events),
        max(events),
        tuple(Fatalities.of(figures) for figures in periods),
    )


def facts_of(kind: str, key: str, heads: list[Head]) -> list[EventFact]:
    """The events of `heads` in a province or place, or involving an actor."""
    if kind == "actor":
        return [fact for head in heads for fact in head.events if key in fact.actors]
    return [fact for head in heads for fact in head.events if getattr(fact, kind) == key]


class TermPage:
    """A province's, actor's or place's page: what it shows beyond its entries, worked out when read."""

    def __init__(self, terms: Terms, link: TermLink, term: Term) -> None:
        self._terms = terms
        self.link = link
        self.term = term
        self.save_as = terms.settings[f"{link.kind.upper()}_SAVE_AS"].format(slug=link.slug, name=link.name)

    kind = property(lambda self: self.link.kind)
    key = property(lambda self: self.link.key)
    name = property(lambda self: self.link.name)
    slug = property(lambda self: self.link.slug)
    url = property(lambda self: self.link.url)
    known = property(lambda self: self.link.known)

    def __str__(self) -> str:
        return self.link.name

    @property
    def list_key(self) -> tuple[str, str]:
        return (self.kind, self.key)

    @cached_property
    def heads(self) -> list[Head]:
        """Its entries, oldest first."""
        return self._terms.lists.entries(self.list_key)

    @cached_property
    def stats(self) -> TermStats:
        lists = self._terms.lists
        count = lists.count(self.list_key)
        first = lists.at(self.list_key, 0)
        latest = lists.at(self.list_key, count - 1)
        return TermStats(count, first.date if first else None, latest.date if latest else None)

    @cached_property
    def together(self) -> tuple[tuple[TermLink, int], ...]:
        """The actors named most often with it (at most ten), most first, ties by name."""
        counts: Counter[str] = Counter()
        for head in self.heads:
            counts.update(a for a in head.actors if not (self.kind == "actor" and a == self.key))
        return self._terms.ranked("actor", counts)[:TOP_TOGETHER]

    @cached_property
    def in_provinces(self) -> tuple[tuple[TermLink, int], ...]:
        """For an actor: every province its entries name, most first."""
        if self.kind != "actor":
            return ()
        counts: Counter[str] = Counter()
        for head in self.heads:
            counts.update(head.provinces)
        return self._terms.ranked("province", counts)

    def counts_by_province(self) -> dict[str, int]:
        return {link.key: count for link, count in self.in_provinces}

    @cached_property
    def places(self) -> tuple[tuple[TermLink, int], ...]:
        """For a province: its places that entries name, most entries first."""
        if self.kind != "province":
            return ()
        terms = self._terms
        found = [
            (terms.links["place"][key], terms.lists.count(("place", key)))
            for key, province in terms.place_provinces.items()
            if province.key == self.key and terms.lists.count(("place", key))
        ]
        return tuple(sorted(found, key=lambda pair: (-pair[1], pair[0].name.casefold())))

    @cached_property
    def chart(self) -> Chart | None:
        return activity(self.heads)

    @property
    def glance(self) -> Glance | None:
        """Its last 7 days and its month so far (None: nothing in them)."""
        return self._terms.glances.get(self.list_key)

    @cached_property
    def events(self) -> Tally | None:
        return tally(facts_of(self.kind, self.key, self.heads))

    @cached_property
    def description(self) -> str:
        return self._terms.describe(self.kind, self.term)

    @cached_property
    def feeds(self) -> tuple[FeedLink, ...]:
        return self._terms.feeds_of(self) if self.known and self.stats.count else ()

    def profile(self) -> list[dict[str, str]]:
        """The term's documented fields as rows (label, value, lang, dir) for a definition list; a
        province without a `type` is of the kind the site calls its provinces ("Oblast")."""
        fields = dict(self.term.fields)
        if self.kind == "province" and self.known and not fields.get("type"):
            fields["type"] = self._terms.province_word
        return profile_rows(fields)


@dataclass(frozen=True)
class TermStats:
    count: int
    first: dt.datetime | None
    latest: dt.datetime | None


class Terms:
    """Every term page of the site, by kind and key, and what they share."""

    def __init__(
        self,
        vocabularies: Mapping[str, Vocabulary],
        lists: SiteLists,
        settings: Mapping[str, Any],
        describe: Callable[[str, Term], str],
        feeds_of: Callable[[TermPage], tuple[FeedLink, ...]],
        province_word: str = "Province",  # what the site calls its provinces (TRACKER_PROVINCE_WORD)
    ) -> None:
        self.vocabularies, self.lists, self.settings = vocabularies, lists, settings
        self.province_word = province_word
        self.describe, self.feeds_of = describe, feeds_of
        self.links = {kind: term_links(kind, vocabularies[kind], lists, settings) for kind in vocabularies}
        known = {kind: {t.key: t for t in vocabularies[kind].terms} for kind in vocabularies}
        self.pages: dict[str, dict[str, TermPage]] = {
            kind: {
                key: TermPage(self, link, known[kind].get(key) or Term(link.name, link.slug, known=False))
                for key, link in links.items()
                if kind != "place" or lists.count(("place", key))  # pages for named places only
            }
            for kind, links in self.links.items()
        }
        self.place_provinces: dict[str, TermLink] = {}
        for place in vocabularies["place"].terms:
            province = province_of(place, vocabularies["province"])
            if province is not None and province.key in self.links["province"]:
                self.place_provinces[place.key] = self.links["province"][province.key]

    @cached_property
    def glances(self) -> dict[ListKey, Glance]:
        return glances(self.lists)

    def ranked(self, kind: str, counts: Counter[str]) -> tuple[tuple[TermLink, int], ...]:
        """Terms with counts, most first, ties by name."""
        pairs = [(self.links[kind][key], n) for key, n in counts.items() if key in self.links[kind]]
        return tuple(sorted(pairs, key=lambda pair: (-pair[1], pair[0].name.casefold())))

    def listed(self, kind: str) -> tuple[TermPage, ...]:
        """A kind's pages by name (known terms, with or without entries, and unknown names in use)."""
        return tuple(sorted(self.pages[kind].values(), key=lambda p: (p.name.casefold(), p.key)))

    def in_write_order(self, kind: str) -> list[TermPage]:
        """Pages in the order their output paths are claimed: vocabulary terms first, in file order,
        then unknown spellings (the first claimant of an output path wins)."""
        return sorted(
            self.pages[kind].values(), key=lambda p: (not p.known, p.term.line if p.known else 0, p.key)
        )

    def by_kind(self) -> tuple[tuple[str, tuple[TermPage, ...]], ...]:
        """Actors grouped by `kind`, groups in order of first appearance in the vocabulary."""
        groups: dict[str, list[TermPage]] = {}
        for actor in sorted(self.pages["actor"].values(), key=lambda a: a.term.line if a.known else 10**9):
            kind = (
                str(actor.term.fields.get("kind") or N_("other"))
                if actor.known
                else N_("not in the vocabulary")
            )
            groups.setdefault(kind, []).append(actor)
        return tuple(
            (kind, tuple(sorted(group, key=lambda a: a.name.casefold()))) for kind, group in groups.items()
        )

    def places_by_province(self) -> tuple[tuple[TermLink | None, tuple[TermPage, ...]], ...]:
        """Named places by province (by name), each group by place name; places not in the gazetteer last."""
        groups: dict[str, tuple[TermLink | None, list[TermPage]]] = {}
        for place in self.pages["place"].values():
            province = self.place_provinces.get(place.key)
            key = province.name.casefold() if province else "\uffff"
            groups.setdefault(key, (province, []))[1].append(place)
        return tuple(
            (province, tuple(sorted(group, key=lambda p: p.name.casefold())))
            for _, (province, group) in sorted(groups.items())
        )


def profile_rows(fields: Mapping[str, Any]) -> list[dict[str, str]]:
    """Rows for the documented fields first, then any other plain fields, with script direction."""
    ordered = [k for k in FIELD_LABELS if k in fields] + sorted(k for k in fields if k not in FIELD_LABELS)
    rows = []
    for key in ordered:
        value = fields[key]
        if key in HIDDEN_FIELDS or isinstance(value, (dict, list)) or value in (None, ""):
            continue
        text = str(value)
        row = {"key": key, "label": FIELD_LABELS.get(key, key.replace("_", " ").capitalize()), "value": text}
        if key == "wikidata" and WIKIDATA.fullmatch(text):
            row["url"] = f"https://www.wikidata.org/wiki/{text}"
        if ARABIC_SCRIPT.search(text):
            row.update(lang="ckb" if "kurdish" in key else "ar", dir="rtl")
        rows.append(row)
    return rows
