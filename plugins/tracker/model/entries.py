"""Tracker entries: Markdown with YAML front matter, validated field by field, with lines."""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from yaml.nodes import MappingNode, Node, ScalarNode

from ..problems import Reporter
from .events import Event, EventReader, EventTypes, add_event_terms, event_nodes
from .gazetteer import province_of
from .links import MAX_TEXT, link_of, looks_like_link, split_source
from .record import Source
from .vocabulary import MAX_NAME_LENGTH, MAX_NAMES, SLUG, Term, Vocabulary, name_problem, normalise, suggest
from .yamlnodes import (
    YAMLProblem,
    check_characters,
    compose,
    is_null,
    kind_of,
    line_of,
    mapping_items,
    string_list,
)

STATUSES = ("published", "draft", "hidden")
ENTRY_REQUIRED = ("title", "date")
PAGE_KEYS = ("title", "slug", "summary", "status", "author", "date", "updated", "lang")
FILE_DATE = re.compile(r"^(\d{4}-\d{2}-\d{2})-?")
DATE = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}"  # ASCII digits only: `\d` would take any script's
    r"(?:[T ][0-9]{2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]+)?)?(?:Z|[+-][0-9]{2}:?[0-9]{2})?)?"
)
YEARS = (1000, 2999)  # a typo such as 20014 or 1014 is an error, not a page dated a millennium away
MAX_TITLE = 200  # characters of a title (a headline, written into every list and feed)
# A year in review is the longest window an entry of a daily tracker covers; a longer one is
# almost always a mistyped year, and would stretch every chart of its events over centuries.
COVERS_MAX_DAYS = 366


@dataclass
class Entry:
    """A validated entry: front-matter fields plus the Markdown body."""

    path: str
    title: str
    slug: str
    body: str
    date: dt.datetime | None = None
    status: str = "published"
    provinces: list[Term] = field(default_factory=list)
    actors: list[Term] = field(default_factory=list)
    places: list[Term] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    sources: list[Source] = field(default_factory=list)
    summary: str | None = None
    updated: dt.datetime | None = None
    covers: tuple[dt.date, dt.date] | None = None
    author: str | None = None
    slug_line: int = 1
    timed: bool = False  # the date was given with a time of day (else the site's default time)
    correction: str | None = None  # what the correction dated `updated` changed
    events: tuple[Event, ...] = ()
    lang: str = ""  # the entry's language ("": the site's default)


@dataclass
class EntryParser:
    """Parses entry files against the vocabularies, reporting every problem with its line."""

    vocabularies: dict[str, Vocabulary]
    timezone: dt.tzinfo
    reporter: Reporter
    slugify: Callable[[str], str]
    default_time: dt.time = dt.time(12, 0)  # of a date given without one (TRACKER_DATE_ONLY_TIME)
    rules: Mapping[str, str] = field(default_factory=dict)  # TRACKER_ENTRY_RULES: rule -> severity
    explain: bool = False  # info lines for what the entry implies (make check)
    event_types: EventTypes | None = None  # TRACKER_EVENT_TYPES
    covers_max_days: int = COVERS_MAX_DAYS  # TRACKER_COVERS_MAX_DAYS
    languages: tuple[str, ...] = ("en",)  # the site's languages, its default first

    def parse(self, path: str, data: bytes, page: bool = False) -> Entry | None:
        """The entry in `data`, or None when it has an error (already reported)."""
        errors_before = self.reporter.count("error")
        try:
            text = decode(data)
            check_characters(text)
            front, body, first_line = split_front_matter(text)
            root = compose(front, first_line)
        except YAMLProblem as exc:
            self.reporter.error(path, exc.line, exc.message)
            return None
        if root is not None and not is_null(root) and not isinstance(root, MappingNode):
            self.reporter.error(path, line_of(root), "front matter must be a mapping of 'key: value' lines")
            return None
        values = self._values(path, root, page)
        entry = self._build(path, values, body, page)
        if self.reporter.count("error") != errors_before:
            return None
        if "events" in values and not page:
            self._events(path, entry, values["events"])  # an error here fails a check, keeps the entry
        if entry.places:
            self._implied_provinces(path, entry, line_of(values.get("places") or values["events"]))
        if not page and entry.status == "published":
            body_line = text[: len(text) - len(body)].count("\n") + 1
            self._check_rules(path, entry, values, body_line)  # an error here fails a check, keeps the entry
        return entry

    def _values(self, path: str, root: Node | None, page: bool) -> dict[str, Node]:
        """Value nodes by key (none when the front matter is empty or null), warning on unknown keys
        and rejecting duplicated ones."""
        allowed = PAGE_KEYS if page else ENTRY_KEYS
        values: dict[str, Node] = {}
        for key, key_node, value_node in mapping_items(root) if isinstance(root, MappingNode) else []:
            if key in values:
                self.reporter.error(
                    path, line_of(key_node), f"duplicate key '{key}' (first at line {line_of(values[key])})"
                )
            elif key not in allowed:
                near = suggest(key.lower(), list(allowed), cutoff=0.6)
                hint = f" (did you mean '{near}'?)" if near else f" (known keys: {', '.join(allowed)})"
                self.reporter.warning(
                    path, line_of(key_node), f"unknown front-matter key '{key}'{hint}; ignored"
                )
            elif not is_null(value_node):
                values[key] = value_node
        return values

    def _build(self, path: str, values: dict[str, Node], body: str, page: bool) -> Entry:
        """Convert each value through its converter; collect the problems."""
        fields: dict[str, Any] = {}
        for key, node in values.items():
            if key == "events":
                continue  # read once the entry is valid: see _events
            try:
                fields[key] = CONVERTERS[key](self, path, node)
            except YAMLProblem as exc:
                self.reporter.error(path, exc.line, f"{key}: {exc.message}")
        for key in ("title",) if page else ENTRY_REQUIRED:
            if key not in values:
                self.reporter.error(path, 1, f"missing required field '{key}'")
        stem = os.path.splitext(os.path.basename(path))[0]
        if not page and "date" in fields:
            self._check_file_date(path, stem, fields["date"], line_of(values["date"]))
        if "slug" in values:
            fields["slug_line"] = line_of(values["slug"])
        timed: dict[str, bool] = {key: has_time(values[key]) for key in ("date", "updated") if key in fields}
        fields["timed"] = timed.get("date", False)
        self._check_correction(path, fields, values, timed)
        fields.setdefault("slug", self.slugify(FILE_DATE.sub("", stem, count=1)) or self.slugify(stem))
        return Entry(path=path, title=fields.pop("title", ""), slug=fields.pop("slug"), body=body, **fields)

    def _events(self, path: str, entry: Entry, node: Node) -> None:
        """The entry's events, then their places, provinces and actors as the entry's own terms."""
        try:
            nodes = event_nodes(node)
        except YAMLProblem as exc:
            self.reporter.error(path, exc.line, f"events: {exc.message}")
            return
        assert entry.date is not None  # a required field: the entry has no error
        entry.events = EventReader(self, path, entry.date.date(), entry.covers).read(nodes, entry)
        add_event_terms(entry)

    def _check_rules(self, path: str, entry: Entry, values: dict[str, Node], body_line: int) -> None:
        """The site's rules for a published entry (TRACKER_ENTRY_RULES), each reported at the
        severity the site gives it."""

        def line(key: str) -> int:
            return line_of(values[key]) if key in values else 1

        broken = {
            "body": (not entry.body.strip(), body_line, "the entry has no text"),
            "provinces": (
                not entry.provinces,
                line("provinces"),
                "no provinces: the entry is on no province's page",
            ),
            "actors": (not entry.actors, line("actors"), "no actors: the entry is on no actor's page"),
            "summary": (
                not entry.summary,
                1,
                "no summary: lists and feeds show the start of the text instead",
            ),
            "sources": (not entry.sources, 1, "no sources: readers cannot check what the entry reports"),
        }
        for rule, (failed, at, message) in broken.items():
            severity = self.rules.get(rule, "off")
            if failed and severity != "off":
                self.reporter.add(severity, path, at, message)

    def _check_correction(
        self, path: str, fields: dict[str, Any], values: dict[str, Node], timed: dict[str, bool]
    ) -> None:
        """A correction comes after the entry it corrects, and its text has a date."""
        date, updated = fields.get("date"), fields.get("updated")
        if date and updated:
            exact = timed["date"] and timed["updated"]  # a day alone is compared as a day
            if (updated < date) if exact else (updated.date() < date.date()):
                self.reporter.error(
                    path,
                    line_of(values["updated"]),
                    f"updated {values['updated'].value.strip()} is before the entry's date "
                    f"{values['date'].value.strip()}",
                )
        if "correction" in fields and "updated" not in values:
            self.reporter.warning(
                path,
                line_of(values["correction"]),
                "correction without 'updated:'; add the date of the correction",
            )

    def _check_file_date(self, path: str, stem: str, date: dt.datetime, line: int) -> None:
        match = FILE_DATE.match(stem)
        if match and match.group(1) != date.date().isoformat():
            self.reporter.warning(
                path,
                line,
                f"date {date.date().isoformat()} disagrees with the date in the file name ({match.group(1)})",
            )

    # Converters: one per front-matter key, each (node) -> value or YAMLProblem.

    def _text(self, path: str, node: Node, limit: int = MAX_NAME_LENGTH) -> str:
        if not isinstance(node, ScalarNode) or not node.value.strip():
            raise YAMLProblem(line_of(node), f"expected text, found {kind_of(node)}")
        text = " ".join(node.value.split())
        if len(text) > limit:
            raise YAMLProblem(line_of(node), f"{len(text):,} characters; at most {limit:,}")
        return text

    def _date(self, path: str, node: Node) -> dt.datetime:
        if not isinstance(node, ScalarNode):
            raise YAMLProblem(line_of(node), f"expected a date, found {kind_of(node)}")
        return parse_datetime(node.value.strip(), self.timezone, line_of(node), self.default_time)

    def _covers(self, path: str, node: Node) -> tuple[dt.date, dt.date]:
        if not isinstance(node, ScalarNode):
            raise YAMLProblem(
                line_of(node),
                f"expected a date or an interval 'YYYY-MM-DD/YYYY-MM-DD', found {kind_of(node)}",
            )
        parts = [p.strip() for p in node.value.split("/")]
        if len(parts) > 2:
            raise YAMLProblem(line_of(node), f"expected a date or one interval, not '{node.value}'")
        start, end = (parse_datetime(p, self.timezone, line_of(node)).date() for p in (parts[0], parts[-1]))
        if end < start:
            raise YAMLProblem(line_of(node), f"the interval ends ({end}) before it starts ({start})")
        days = (end - start).days + 1
        if days > self.covers_max_days:
            raise YAMLProblem(
                line_of(node),
                f"covers {days:,} days; at most {self.covers_max_days:,} (TRACKER_COVERS_MAX_DAYS)",
            )
        return start, end

    def _status(self, path: str, node: Node) -> str:
        status = self._text(path, node).lower()
        if status not in STATUSES:
            raise YAMLProblem(
                line_of(node), f"unknown status '{status}' (expected one of: {', '.join(STATUSES)})"
            )
        return status

    def _lang(self, path: str, node: Node) -> str:
        """The entry's language: one of the site's ("" for its default, whose pages are at the root)."""
        lang = self._text(path, node).strip().replace("_", "-").split("-")[0].lower()
        if lang not in self.languages:
            raise YAMLProblem(
                line_of(node),
                f"unknown language '{lang}' (this site's languages: {', '.join(self.languages)}; "
                "TRACKER_LANGUAGES lists them)",
            )
        return "" if lang == self.languages[0] else lang

    def _slug(self, path: str, node: Node) -> str:
        slug = self._text(path, node)
        if len(slug) > MAX_NAME_LENGTH:
            raise YAMLProblem(line_of(node), f"slug of {len(slug)} characters; at most {MAX_NAME_LENGTH}")
        if not SLUG.fullmatch(slug):
            fixed = self.slugify(slug)
            if not fixed:
                raise YAMLProblem(line_of(node), f"'{slug}' has no letter or digit to make a URL from")
            self.reporter.warning(path, line_of(node), f"slug '{slug}' is not URL-safe; using '{fixed}'")
            return fixed
        return slug

    def _names(self, node: Node) -> list[tuple[str, int]]:
        """(name, line) pairs of a list field, each usable as a page name and URL slug."""
        names = string_list(node)
        if len(names) > MAX_NAMES:
            raise YAMLProblem(line_of(node), f"{len(names)} names; at most {MAX_NAMES} per entry")
        for value, line in names:
            wrong = name_problem(value, self.slugify)
            if wrong:
                raise YAMLProblem(line, wrong)
        return names

    def _strings(self, path: str, node: Node) -> list[str]:
        return [value for value, _ in self._names(node)]

    def _sources(self, path: str, node: Node) -> list[Source]:
        items = (
            [(node.value, line_of(node))] if isinstance(node, ScalarNode) else string_list(node, split=False)
        )
        if len(items) > MAX_NAMES:
            raise YAMLProblem(line_of(node), f"{len(items)} sources; at most {MAX_NAMES} per entry")
        sources = []
        for text, line in items:
            if len(text) > MAX_TEXT:
                raise YAMLProblem(line, f"a source of {len(text):,} characters; at most {MAX_TEXT:,}")
            # A source is a name, with a link when there is one ("local council by phone" is a
            # source); only a link that is malformed is a problem.
            title, url = split_source(text)
            if not link_of(url):
                if looks_like_link(url) or title:
                    self.reporter.warning(
                        path, line, f"source '{text}' is not a valid link; shown without a link"
                    )
                title, url = text.strip(), ""
            sources.append(Source(url, title))
        return sources

    def _terms(self, path: str, node: Node, kind: str, warn: bool = True) -> list[Term]:
        """Names through the vocabulary of `kind`; an unknown one keeps its spelling (a warning
        unless `warn` is False)."""
        terms: dict[str, Term] = {}
        for value, line in self._names(node):
            term = self.term(path, value, line, kind, warn)
            terms.setdefault(term.key, term)
        return list(terms.values())

    def term(self, path: str, value: str, line: int, kind: str, warn: bool = True) -> Term:
        """One name through the vocabulary of `kind`; an unknown one keeps its spelling (a warning
        unless `warn` is False)."""
        vocabulary = self.vocabularies.get(kind) or Vocabulary(kind, "")
        term = vocabulary.resolve(value)
        if term is None:
            if warn:
                near = vocabulary.suggestion(value)
                hint = f" (did you mean '{near}'?)" if near else ""
                self.reporter.warning(path, line, f"unknown {kind} '{value}'{hint}")
            # Every spelling of one unknown name links the same page: its slug comes from the key.
            term = Term(value, self.slugify(normalise(value)) or self.slugify(value), known=False, line=line)
        return term

    def _provinces(self, path: str, node: Node) -> list[Term]:
        return self._terms(path, node, "province")

    def _places(self, path: str, node: Node) -> list[Term]:
        """Places through the gazetteer; a site without one keeps them as written, without a warning."""
        return self._terms(path, node, "place", warn=self.has_gazetteer)

    @property
    def has_gazetteer(self) -> bool:
        """Whether the site has a gazetteer: without one, places are plain names, never unknown."""
        gazetteer = self.vocabularies.get("place")
        return bool(gazetteer and gazetteer.terms)

    def _implied_provinces(self, path: str, entry: Entry, places_line: int) -> None:
        """A place in the gazetteer puts its entry in the place's province too: after the
        provinces the entry names, in the order of its places; `make check` says so."""
        provinces = self.vocabularies["province"]
        named = {term.key for term in entry.provinces}
        for place in entry.places:
            province = province_of(place, provinces)
            if province is not None and province.key not in named:
                named.add(province.key)
                entry.provinces.append(province)
                if self.explain:
                    self.reporter.add(
                        "info", path, places_line, f"place '{place.name}' puts the entry in {province.name}"
                    )

    def _actors(self, path: str, node: Node) -> list[Term]:
        return self._terms(path, node, "actor")


CONVERTERS: dict[str, Callable[[EntryParser, str, Node], Any]] = {
    "title": partial(EntryParser._text, limit=MAX_TITLE),
    "date": EntryParser._date,
    "covers": EntryParser._covers,
    "provinces": EntryParser._provinces,
    "actors": EntryParser._actors,
    "places": EntryParser._places,
    "tags": EntryParser._strings,
    "summary": partial(EntryParser._text, limit=MAX_TEXT),
    "sources": EntryParser._sources,
    "updated": EntryParser._date,
    "slug": EntryParser._slug,
    "author": EntryParser._text,
    "status": EntryParser._status,
    "correction": partial(EntryParser._text, limit=MAX_TEXT),
    "lang": EntryParser._lang,
}


ENTRY_KEYS = (*CONVERTERS, "events")


def decode(data: bytes) -> str:
    """UTF-8 text with a byte-order mark dropped and line endings made `\\n`."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise YAMLProblem(line, f"file is not UTF-8 text (invalid byte 0x{data[exc.start]:02x})") from None
    return text.replace("\r\n", "\n").replace("\r", "\n")


def split_front_matter(text: str) -> tuple[str, str, int]:
    """(YAML text, Markdown body, file line where the YAML starts); YAMLProblem if there is none."""
    if not text.strip():
        raise YAMLProblem(1, "empty file (expected '---', front matter, '---', then the entry)")
    lines = text.split("\n")
    if lines[0].rstrip() != "---":
        raise YAMLProblem(1, "no front matter: the file must start with a '---' line")
    for number, line in enumerate(lines[1:], start=1):
        if line.rstrip() in ("---", "..."):
            return "\n".join(lines[1:number]), "\n".join(lines[number + 1 :]), 2
    raise YAMLProblem(1, "front matter is not closed: no '---' line after the opening one")


def has_time(node: Node) -> bool:
    """Whether a date value gives a time of day."""
    return isinstance(node, ScalarNode) and gives_time(node.value.strip())


def gives_time(text: str) -> bool:
    """Whether a date (in a form DATE accepts) has a time after its day."""
    return len(text) > len("YYYY-MM-DD")


def parse_datetime(
    text: str, timezone: dt.tzinfo, line: int, default_time: dt.time = dt.time(0, 0)
) -> dt.datetime:
    """A timezone-aware datetime in the site's `timezone` from YYYY-MM-DD (at `default_time`),
    'YYYY-MM-DD HH:MM' or ISO 8601: a time given with another offset is converted, so that the
    day an entry is shown and filed under is the day it is ordered by."""
    if not DATE.fullmatch(text):
        raise YAMLProblem(
            line, f"invalid date '{text}' (expected YYYY-MM-DD, 'YYYY-MM-DD HH:MM' or ISO 8601)"
        )
    try:
        value = dt.datetime.fromisoformat(text)
    except ValueError as exc:
        raise YAMLProblem(line, f"invalid date '{text}': {exc}") from None
    if not YEARS[0] <= value.year <= YEARS[1]:
        raise YAMLProblem(line, f"year out of range in '{text}' (expected {YEARS[0]} to {YEARS[1]})")
    if not gives_time(text):
        value = dt.datetime.combine(value.date(), default_time)
    return value.astimezone(timezone) if value.tzinfo else value.replace(tzinfo=timezone)
