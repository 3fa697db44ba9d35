"""An entry as the site keeps it: the record reading one file yields (the validated front matter
and the rendered body), and its head, the few fields every list, count, chart and plan needs.

Pure: no Pelican and no I/O. Heads are small, kept for every entry and loaded on every build;
a record is loaded only for the entries whose own pages, feeds or lists a build renders. Both
are plain data: they go to and from JSON without running code.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from .events import Event
from .vocabulary import Term, Vocabulary

KINDS = ("province", "actor", "place")


@dataclass(frozen=True)
class Source:
    """A cited source: a title, a link, or both."""

    url: str
    title: str = ""


class EventFact(NamedTuple):
    """What counts, charts and maps need of an event: its day, type, where, who, how many died."""

    day: str  # ISO 8601, as kept (a day's text sorts as the day does)
    type: str
    province: str | None  # term keys
    place: str | None
    actors: tuple[str, ...]
    fatalities: int | None

    @property
    def date(self) -> dt.date:
        return dt.date.fromisoformat(self.day)


@dataclass(frozen=True)
class Unknown:
    """A name an entry uses that its vocabulary does not know: its page takes the key's slug."""

    kind: str
    key: str
    name: str
    slug: str


@dataclass(slots=True)
class Head:
    """What every list, count, chart, feed list and build plan needs of an entry (never changed
    once made: a change of the entry is a new head)."""

    path: str  # the source file (absolute): the entry's identity
    status: str  # published | hidden | draft
    date: dt.datetime
    slug: str
    title: str
    url: str
    save_as: str
    provinces: tuple[str, ...] = ()  # term keys, the entry's own names first, implied ones after
    actors: tuple[str, ...] = ()
    places: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    author: str = ""
    updated: dt.datetime | None = None
    events: tuple[EventFact, ...] = ()
    unknown: tuple[Unknown, ...] = ()
    links: tuple[tuple[str, str, int], ...] = ()  # links to the site's own files: (what, target, line)
    # Digests of what other outputs show of the entry: its page (the record: what its feed items
    # and search document are made from too), its item in a list, and its export rows.
    page: str = ""
    item: str = ""
    export: str = ""

    @property
    def order(self) -> tuple[float, str, str]:
        """Its place in date order (by the moment, then the slug, unique; then the file)."""
        return self.date.timestamp(), self.slug, self.path

    @property
    def published(self) -> bool:
        return self.status == "published"

    def terms(self, kind: str) -> tuple[str, ...]:
        return getattr(self, kind + "s")

    @property
    def link(self) -> tuple[str, str, str]:
        """What a link to it shows: title, URL and day."""
        return self.title, self.url, self.date.date().isoformat()

    def to_json(self) -> list:
        """The head as plain data (see `head_from_json`)."""
        return [
            self.status,
            self.date.isoformat(),
            self.slug,
            self.title,
            self.url,
            self.save_as,
            list(self.provinces),
            list(self.actors),
            list(self.places),
            list(self.tags),
            self.author,
            self.updated.isoformat() if self.updated else None,
            [[e.day, e.type, e.province, e.place, list(e.actors), e.fatalities] for e in self.events],
            [[u.kind, u.key, u.name, u.slug] for u in self.unknown],
            [list(link) for link in self.links],
            [self.page, self.item, self.export],
        ]


def head_from_json(path: str, data: list, timezone: dt.tzinfo) -> Head:
    """The head `Head.to_json` made `data` from (its moments keep the offset they were written with,
    the site's); ValueError, KeyError or TypeError when it does not fit."""
    (status, date, slug, title, url, save_as, provinces, actors, places, tags, author, updated) = data[:12]
    events, unknown, links, digests = data[12:]
    return Head(
        path,
        status,
        dt.datetime.fromisoformat(date),
        slug,
        title,
        url,
        save_as,
        tuple(provinces),
        tuple(actors),
        tuple(places),
        tuple(tags),
        author,
        dt.datetime.fromisoformat(updated) if updated else None,
        tuple(
            EventFact(day, kind, province, place, tuple(who), dead)
            for day, kind, province, place, who, dead in events
        )
        if events
        else (),
        tuple(Unknown(*item) for item in unknown),
        tuple((what, target, line) for what, target, line in links),
        *digests,
    )


@dataclass(frozen=True)
class TagLink:
    """A tag as a page links it."""

    name: str
    slug: str
    url: str

    def __str__(self) -> str:
        return self.name


@dataclass(frozen=True)
class EntryRecord:
    """A published, hidden or draft entry, ready to render: its front matter with the vocabulary's
    terms, its body and summary as cleaned HTML, where it is written, and its head."""

    path: str
    relative_path: str  # to the content folder, as `{filename}` links name it
    digest: str  # of the file's bytes
    title: str
    slug: str
    date: dt.datetime
    timed: bool  # the date was given with a time of day
    status: str
    url: str
    save_as: str
    content: str  # the body as cleaned HTML
    summary: str  # the author's summary as cleaned HTML ("" when none was written)
    description: str  # the summary, else the start of the body: what a list or a feed says of it
    provinces: tuple[Term, ...] = ()
    actors: tuple[Term, ...] = ()
    places: tuple[Term, ...] = ()
    tags: tuple[TagLink, ...] = ()
    author: str = ""
    sources: tuple[Source, ...] = ()
    covers: tuple[dt.date, dt.date] | None = None
    updated: dt.datetime | None = None
    correction: str | None = None
    events: tuple[Event, ...] = ()
    head: Head | None = field(default=None, compare=False)

    @property
    def source_path(self) -> str:
        return self.path

    def get_relative_source_path(self) -> str:
        """Where the entry is in the content folder (what Pelican's `{filename}` links look up)."""
        return self.relative_path


def unknown_terms(record: EntryRecord) -> tuple[Unknown, ...]:
    """The names the record uses that the vocabulary does not know."""
    return tuple(
        Unknown(kind, term.key, term.name, term.slug)
        for kind in KINDS
        for term in getattr(record, kind + "s")
        if not term.known
    )


def event_fact(event: Event) -> EventFact:
    """What a head keeps of an event."""
    return EventFact(
        event.date.isoformat(),
        event.type,
        event.province.key if event.province else None,
        event.place.key if event.place else None,
        tuple(actor.key for actor in event.actors),
        event.fatalities,
    )


def make_head(record: EntryRecord, links: tuple = (), **digests: str) -> Head:
    """The head of a record, with its links to the site's own files and the digests of its
    fragments."""
    return Head(
        record.path,
        record.status,
        record.date,
        record.slug,
        record.title,
        record.url,
        record.save_as,
        tuple(t.key for t in record.provinces),
        tuple(t.key for t in record.actors),
        tuple(t.key for t in record.places),
        tuple(tag.name for tag in record.tags),
        record.author,
        record.updated,
        tuple(event_fact(e) for e in record.events),
        unknown_terms(record),
        links,
        **digests,
    )


# A record as plain data, its terms by key (the vocabulary is part of every key the store keeps
# records under), unknown names whole.


def _term(term: Term) -> Any:
    return term.key if term.known else [term.name, term.slug, term.line]


def _event(event: Event) -> list:
    return [
        event.type,
        event.sub_type,
        _term(event.place) if event.place else None,
        _term(event.province) if event.province else None,
        [_term(t) for t in event.actors],
        event.fatalities,
        event.date.isoformat(),
        event.claim,
        event.source,
        event.notes,
        event.line,
        event.source_url,
        event.source_host,
    ]


def record_to_json(record: EntryRecord) -> dict:
    """The record as plain data (its body and summary HTML are kept apart, by the store)."""
    return {
        "relative_path": record.relative_path,
        "digest": record.digest,
        "title": record.title,
        "slug": record.slug,
        "date": record.date.isoformat(),
        "timed": record.timed,
        "status": record.status,
        "url": record.url,
        "save_as": record.save_as,
        "provinces": [_term(t) for t in record.provinces],
        "actors": [_term(t) for t in record.actors],
        "places": [_term(t) for t in record.places],
        "tags": [[t.name, t.slug, t.url] for t in record.tags],
        "author": record.author,
        "sources": [[s.url, s.title] for s in record.sources],
        "covers": [d.isoformat() for d in record.covers] if record.covers else None,
        "updated": record.updated.isoformat() if record.updated else None,
        "correction": record.correction,
        "events": [_event(e) for e in record.events],
    }


def record_from_json(
    path: str,
    data: dict,
    html: tuple[str, str, str],
    vocabularies: dict[str, Vocabulary],
    timezone: dt.tzinfo,
    head: Head | None = None,
) -> EntryRecord:
    """The record `record_to_json` made `data` from, with its (content, summary, description) HTML;
    KeyError or TypeError when it does not fit the vocabularies."""

    def term(kind: str, item: Any) -> Term:
        if isinstance(item, str):
            return vocabularies[kind].by_key[item]
        return Term(item[0], item[1], known=False, line=item[2])

    def event(item: list) -> Event:
        kind, sub, place, province, actors, fatalities, day, claim, source, notes, line, url, host = item
        return Event(
            kind,
            sub,
            term("place", place) if place is not None else None,
            term("province", province) if province is not None else None,
            tuple(term("actor", a) for a in actors),
            fatalities,
            dt.date.fromisoformat(day),
            claim,
            source,
            notes,
            line,
            url,
            host,
        )

    def when(text: str | None) -> dt.datetime | None:
        return dt.datetime.fromisoformat(text).astimezone(timezone) if text else None

    covers = data["covers"]
    return EntryRecord(
        path=path,
        relative_path=data["relative_path"],
        digest=data["digest"],
        title=data["title"],
        slug=data["slug"],
        date=when(data["date"]),
        timed=data["timed"],
        status=data["status"],
        url=data["url"],
        save_as=data["save_as"],
        content=html[0],
        summary=html[1],
        description=html[2],
        provinces=tuple(term("province", t) for t in data["provinces"]),
        actors=tuple(term("actor", t) for t in data["actors"]),
        places=tuple(term("place", t) for t in data["places"]),
        tags=tuple(TagLink(*t) for t in data["tags"]),
        author=data["author"],
        sources=tuple(Source(url, title) for url, title in data["sources"]),
        covers=(dt.date.fromisoformat(covers[0]), dt.date.fromisoformat(covers[1])) if covers else None,
        updated=when(data["updated"]),
        correction=data["correction"],
        events=tuple(event(e) for e in data["events"]),
        head=head,
    )
