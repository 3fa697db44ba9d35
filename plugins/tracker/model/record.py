"""An entry as the site keeps it: the record reading one file yields (the validated front matter
and the rendered body), and its head, the few fields every list, count, chart and plan needs.

Pure: no Pelican and no I/O. Heads are small, kept for every entry and loaded on every build;
a record is loaded only for the entries whose own pages, feeds or lists a build renders. Both
are plain data: they go to and from JSON without running code.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, NamedTuple, TypeVar

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


class SiteLink(NamedTuple):
    """A link an entry makes to the site's own files, tags, authors or indexes, with the line it
    is written on (see model/intrasite.py)."""

    what: str  # filename, static, attach, tag, author or index
    target: str
    line: int


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
    links: tuple[SiteLink, ...] = ()
    # Digests of what other outputs show of the entry: its page (the record: what its feed items
    # and search document are made from too), its item in a list, and its export rows.
    page: str = ""
    item: str = ""
    export: str = ""
    covers: tuple[str, str] | None = None  # the days the entry reports on (ISO 8601), first and last
    lang: str = ""  # the entry's language ("": the site's default)

    @property
    def order(self) -> tuple[float, str, str]:
        """Its place in date order (by the moment, then the slug, unique; then the file)."""
        return self.date.timestamp(), self.slug, self.path

    @property
    def published(self) -> bool:
        return self.status == "published"

    def terms(self, kind: str) -> tuple[str, ...]:
        keys: tuple[str, ...] = getattr(self, kind + "s")  # a kind names its field: provinces, ...
        return keys

    @property
    def link(self) -> tuple[str, str, str]:
        """What a link to it shows: title, URL and day."""
        return self.title, self.url, self.date.date().isoformat()

    def to_json(self) -> dict[str, Any]:
        """The head as plain data: an object keyed by field name, without the path (the store's key
        for it); see `head_from_json`."""
        return {name: to_plain(getattr(self, name)) for name in field_names(Head) if name != "path"}


def head_from_json(path: str, data: Mapping[str, Any], timezone: dt.tzinfo) -> Head:
    """The head `Head.to_json` made `data` from (its moments keep the offset they were written with,
    the site's); ValueError, KeyError or TypeError when it does not fit."""
    updated = data["updated"]
    return from_plain(
        Head,
        data,
        path=path,
        date=dt.datetime.fromisoformat(data["date"]),
        updated=dt.datetime.fromisoformat(updated) if updated else None,
        events=tuple(from_plain(EventFact, fact) for fact in data["events"]),
        unknown=tuple(from_plain(Unknown, name) for name in data["unknown"]),
        links=tuple(from_plain(SiteLink, link) for link in data["links"]),
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
    lang: str = ""  # the entry's language ("": the site's default)
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


def make_head(record: EntryRecord, links: Iterable[tuple[str, str, int]] = (), **digests: str) -> Head:
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
        tuple(SiteLink(*link) for link in links),
        **digests,
        covers=(record.covers[0].isoformat(), record.covers[1].isoformat()) if record.covers else None,
        lang=record.lang,
    )


# Records as plain data: objects keyed by their field names, made from the fields a record type
# declares (a dataclass's or a named tuple's), so that a field added to one is kept with no more code.

R = TypeVar("R")
# Field names by record type, worked out once: every build reads every entry's head.
_FIELD_NAMES: dict[type, tuple[str, ...]] = {}


def field_names(cls: type) -> tuple[str, ...]:
    """The names of a record type's fields (a dataclass's or a named tuple's), in their order."""
    names = _FIELD_NAMES.get(cls)
    if names is None:
        names = _FIELD_NAMES[cls] = _declared_names(cls)
    return names


def _declared_names(cls: type) -> tuple[str, ...]:
    """The names of the fields `cls` declares; TypeError when it is not a record type."""
    if dataclasses.is_dataclass(cls):
        return tuple(f.name for f in dataclasses.fields(cls))
    names: tuple[str, ...] | None = getattr(cls, "_fields", None)
    if names is None:
        raise TypeError(f"{cls.__name__} is not a record type")
    return names


def to_plain(value: Any) -> Any:
    """`value` as JSON data: a record as an object keyed by its field names, a tuple as a list, a
    day or a moment as ISO 8601 text, and a term by its key (the vocabulary is part of every key
    the store keeps records under), an unknown name whole."""
    if isinstance(value, Term):
        return value.key if value.known else {"name": value.name, "slug": value.slug, "line": value.line}
    if isinstance(value, dt.date):  # a datetime is a date too
        return value.isoformat()
    if dataclasses.is_dataclass(value) or (isinstance(value, tuple) and hasattr(value, "_fields")):
        return {name: to_plain(getattr(value, name)) for name in field_names(type(value))}
    if isinstance(value, tuple):
        return [to_plain(item) for item in value]
    return value


def from_plain(cls: type[R], data: Mapping[str, Any], **given: Any) -> R:
    """The record of type `cls` whose fields `data` holds by name (as `to_plain` wrote it; lists
    become tuples), but for those in `given`, made by the caller; KeyError when a field is missing,
    TypeError when `data` is not an object."""
    values = {name: given[name] if name in given else _tupled(data[name]) for name in field_names(cls)}
    return cls(**values)


def _tupled(value: Any) -> Any:
    """A field's value as the record keeps it: a list (JSON's only sequence) as a tuple."""
    return tuple(value) if isinstance(value, list) else value


# What of a record the store keeps apart: its path is the row's key, its HTML is kept alone, its
# head is the row's own.
KEPT_APART = ("path", "content", "summary", "description", "head")


def record_to_json(record: EntryRecord) -> dict[str, Any]:
    """The record as plain data: an object keyed by field name (see `to_plain`), without what the
    store keeps apart (KEPT_APART)."""
    return {
        name: to_plain(getattr(record, name)) for name in field_names(EntryRecord) if name not in KEPT_APART
    }


def record_from_json(
    path: str,
    data: Mapping[str, Any],
    html: tuple[str, str, str],
    vocabularies: dict[str, Vocabulary],
    timezone: dt.tzinfo,
    head: Head | None = None,
) -> EntryRecord:
    """The record `record_to_json` made `data` from, with its (content, summary, description) HTML;
    ValueError, KeyError or TypeError when it does not fit (or does not fit the vocabularies)."""

    def term(kind: str, item: Any) -> Term:
        if isinstance(item, str):
            return vocabularies[kind].by_key[item]
        return Term(item["name"], item["slug"], known=False, line=item["line"])

    def terms(kind: str, items: Iterable[Any]) -> tuple[Term, ...]:
        return tuple(term(kind, item) for item in items)

    def event(item: Mapping[str, Any]) -> Event:
        place, province = item["place"], item["province"]
        return from_plain(
            Event,
            item,
            place=term("place", place) if place is not None else None,
            province=term("province", province) if province is not None else None,
            actors=terms("actor", item["actors"]),
            date=dt.date.fromisoformat(item["date"]),
        )

    def moment(text: str) -> dt.datetime:
        return dt.datetime.fromisoformat(text).astimezone(timezone)

    covers, updated = data["covers"], data["updated"]
    return from_plain(
        EntryRecord,
        data,
        path=path,
        content=html[0],
        summary=html[1],
        description=html[2],
        head=head,
        date=moment(data["date"]),
        provinces=terms("province", data["provinces"]),
        actors=terms("actor", data["actors"]),
        places=terms("place", data["places"]),
        tags=tuple(from_plain(TagLink, tag) for tag in data["tags"]),
        sources=tuple(from_plain(Source, source) for source in data["sources"]),
        covers=(dt.date.fromisoformat(covers[0]), dt.date.fromisoformat(covers[1])) if covers else None,
        updated=moment(updated) if updated else None,
        events=tuple(event(item) for item in data["events"]),
    )
