"""Events: the few hard facts of a day an entry records in its front matter (`events:`), each
validated against the site's event types, gazetteer and vocabulary, with its line.

Event types are data (`TRACKER_EVENT_TYPES`): a list in the vocabulary's format whose items have
`sub_types`, named after ACLED's so that the site's exports line up with ACLED's.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from ..problems import Reporter
from .gazetteer import province_of
from .links import MAX_TEXT, host_of, link_of, looks_like_link
from .vocabulary import (
    MAX_NAME_LENGTH,
    MAX_NAMES,
    Term,
    Vocabulary,
    _add_term,
    load_vocabulary,
    name_problem,
    suggest,
)
from .yamlnodes import YAMLProblem, is_null, kind_of, line_of, mapping_items, string_list

if TYPE_CHECKING:  # entries.py reads events with this module: a name for the checker only
    from .entries import EntryParser

EVENT_KEYS = (
    "type",
    "sub_type",
    "place",
    "province",
    "actors",
    "fatalities",
    "date",
    "claim",
    "source",
    "notes",
)
CLAIMS = ("reported", "confirmed", "disputed")
MAX_EVENTS = 200  # per entry
DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


@dataclass
class EventTypes:
    """The site's event types, each with its own sub-types."""

    types: Vocabulary
    sub_types: dict[str, Vocabulary] = field(default_factory=dict)  # type key -> its sub-types

    def owner_of(self, sub_type: str) -> Term | None:
        """The type a sub-type belongs to, whichever type that is."""
        for key, vocabulary in self.sub_types.items():
            if vocabulary.resolve(sub_type) is not None:
                return self.types.by_key[key]
        return None


def load_event_types(path: str, reporter: Reporter, slugify: Any) -> EventTypes:
    """Event types and their sub-types from `path`; problems reported with their lines."""
    types = load_vocabulary(path, "event type", reporter, slugify)
    found = EventTypes(types)
    for term in types.terms:
        sub_types = Vocabulary("sub-type", path)
        node = term.fields.get("sub_types")  # kept as YAML, so that each sub-type has its line
        if isinstance(node, Node) and not isinstance(node, SequenceNode):
            reporter.error(path, line_of(node), f"'sub_types' of '{term.name}' must be a list")
        for item in node.value if isinstance(node, SequenceNode) else ():
            sub_type = _sub_type(item, term.name, slugify)
            if isinstance(sub_type, YAMLProblem):
                reporter.error(path, sub_type.line, sub_type.message)
            else:
                _add_term(sub_types, sub_type, reporter)
        found.sub_types[term.key] = sub_types
    return found


def _sub_type(node: Node, owner: str, slugify: Any) -> Term | YAMLProblem:
    """One sub-type: a name, or a mapping with `name` and `aliases`."""
    shape = YAMLProblem(
        line_of(node), f"a sub-type of '{owner}' must be a name, or a mapping with 'name' and 'aliases'"
    )
    name_node: Node | None
    aliases_node: Node | None
    if isinstance(node, ScalarNode):
        name_node, aliases_node = node, None
    elif isinstance(node, MappingNode):
        values = {key: value for key, _, value in mapping_items(node)}
        unknown = sorted(set(values) - {"name", "aliases"})
        if unknown:
            return YAMLProblem(line_of(node), f"unknown key '{unknown[0]}' in a sub-type of '{owner}'")
        name_node, aliases_node = values.get("name"), values.get("aliases")
    else:
        return shape
    if not isinstance(name_node, ScalarNode) or is_null(name_node) or not name_node.value.strip():
        return shape
    try:
        aliases = [value for value, _ in string_list(aliases_node, empty=False)] if aliases_node else []
    except YAMLProblem as exc:
        return YAMLProblem(exc.line, f"aliases of a sub-type of '{owner}': {exc.message}")
    name = " ".join(name_node.value.split())
    return Term(name, slugify(name), tuple(aliases), line=line_of(name_node))


@dataclass(frozen=True)
class Event:
    """One recorded event, its names canonical (unknown places, provinces and actors keep their
    spelling, as in the entry's own lists)."""

    type: str
    sub_type: str
    place: Term | None
    province: Term | None
    actors: tuple[Term, ...]
    fatalities: int | None
    date: dt.date
    claim: str
    source: str
    notes: str
    line: int
    source_url: str = ""  # the source when it is a web address (a link), else ""
    source_host: str = ""  # what a link to the source shows: its site


def event_nodes(node: Node) -> list[MappingNode]:
    """The items of an `events:` list; YAMLProblem when it is not a list of mappings."""
    if not isinstance(node, SequenceNode):
        raise YAMLProblem(line_of(node), f"expected a list of events ('- type: ...'), found {kind_of(node)}")
    if len(node.value) > MAX_EVENTS:
        raise YAMLProblem(line_of(node), f"{len(node.value)} events; at most {MAX_EVENTS} per entry")
    for item in node.value:
        if not isinstance(item, MappingNode):
            raise YAMLProblem(
                line_of(item), f"each event must be a mapping of 'key: value' lines, found {kind_of(item)}"
            )
    return list(node.value)


class EventReader:
    """Reads one entry's events; an event with an error is reported and left out (the entry is
    kept), a warning keeps the event. Its names obey the rules of the entry's own lists, and with
    the entry's names they count towards the entry's limit of names of each kind."""

    def __init__(
        self, parser: EntryParser, path: str, day: dt.date, covers: tuple[dt.date, dt.date] | None
    ) -> None:
        self.parser, self.path, self.day, self.covers = parser, path, day, covers
        self.reporter: Reporter = parser.reporter
        self.types: EventTypes | None = parser.event_types

    def read(self, nodes: list[MappingNode], entry: Any) -> tuple[Event, ...]:
        named = {
            "province": {t.key for t in entry.provinces},
            "actor": {t.key for t in entry.actors},
            "place": {t.key for t in entry.places},
        }
        events = []
        for node in nodes:
            errors = self.reporter.count("error")
            event = self._event(node)
            if event is None or self.reporter.count("error") != errors:
                continue
            grown = self._names_with(event, named)
            if grown is not None:
                named.update(grown)
                events.append(event)
        return tuple(events)

    def _names_with(self, event: Event, named: dict[str, set[str]]) -> dict[str, set[str]] | None:
        """The entry's names of each kind with the event's added; None (an error) when that is
        more than MAX_NAMES of a kind."""
        terms: dict[str, tuple[Term | None, ...]] = {
            "province": (event.province,),
            "actor": event.actors,
            "place": (event.place,),
        }
        grown = {kind: named[kind] | {t.key for t in found if t is not None} for kind, found in terms.items()}
        for kind, keys in grown.items():
            if len(keys) > MAX_NAMES:
                self._error(
                    event.line,
                    f"with this event the entry names more than {MAX_NAMES} {kind}s; event left out",
                )
                return None
        return grown

    def _error(self, line: int, message: str) -> None:
        self.reporter.error(self.path, line, f"event: {message}")

    def _event(self, node: MappingNode) -> Event | None:
        values: dict[str, Node] = {}
        for key, key_node, value_node in mapping_items(node):
            if key not in EVENT_KEYS:
                near = suggest(key.lower(), list(EVENT_KEYS), cutoff=0.6)
                hint = f" (did you mean '{near}'?)" if near else f" (known keys: {', '.join(EVENT_KEYS)})"
                self._error(line_of(key_node), f"unknown key '{key}'{hint}")
            elif key in values:
                self._error(line_of(key_node), f"duplicate key '{key}'")
            elif not is_null(value_node):
                values[key] = value_node
        for key, value in values.items():
            if key != "actors" and not isinstance(value, ScalarNode):
                self._error(line_of(value), f"{key}: expected text, found {kind_of(value)}")
                return None
        text = {
            key: " ".join(value.value.split())
            for key, value in values.items()
            if isinstance(value, ScalarNode)
        }
        line = line_of(node)
        for key in ("source", "notes"):
            if len(text.get(key, "")) > MAX_TEXT:
                self._error(line_of(values[key]), f"{key} of {len(text[key])} characters; at most {MAX_TEXT}")
                return None
        if "type" not in text:
            self._error(line, "missing required field 'type'")
            return None
        kind, sub_type = self._type(text["type"], text.get("sub_type"), values)
        place, province = self._where(text, values, line)
        actors = self._actors(values["actors"]) if "actors" in values else ()
        fatalities = (
            self._fatalities(text["fatalities"], line_of(values["fatalities"]))
            if "fatalities" in text
            else None
        )
        date = self._date(text["date"], line_of(values["date"])) if "date" in text else self.day
        claim = text.get("claim", "reported").lower()
        if claim not in CLAIMS:
            self._error(
                line_of(values["claim"]),
                f"unknown claim '{text['claim']}' (expected one of: {', '.join(CLAIMS)})",
            )
        source = text.get("source", "")
        url = link_of(source)
        if source and not url and looks_like_link(source):
            self.reporter.warning(
                self.path,
                line_of(values["source"]),
                f"event: source '{source}' is not a valid link; shown as text",
            )
        if kind is None or date is None:
            return None
        return Event(
            kind,
            sub_type,
            place,
            province,
            actors,
            fatalities,
            date,
            claim,
            source,
            text.get("notes", ""),
            line,
            url,
            host_of(url),
        )

    def _type(self, given: str, sub: str | None, values: dict[str, Node]) -> tuple[str | None, str]:
        if self.types is None or not self.types.types.terms:
            self._error(line_of(values["type"]), "the site has no event types (TRACKER_EVENT_TYPES)")
            return None, ""
        for key, text in (("type", given), ("sub_type", sub or "")):
            if len(text) > MAX_NAME_LENGTH:
                self._error(line_of(values[key]), f"{key} of more than {MAX_NAME_LENGTH} characters")
                return None, ""
        kind = self.types.types.resolve(given)
        if kind is None:
            near = self.types.types.suggestion(given)
            hint = (
                f" (did you mean '{near}'?)"
                if near
                else f" (known: {', '.join(t.name for t in self.types.types.terms)})"
            )
            self._error(line_of(values["type"]), f"unknown type '{given}'{hint}")
            return None, ""
        if not sub:
            return kind.name, ""
        found = self.types.sub_types[kind.key].resolve(sub)
        if found is None:
            owner = self.types.owner_of(sub)
            near = self.types.sub_types[kind.key].suggestion(sub)
            hint = (
                f" ('{sub}' is a sub-type of '{owner.name}')"
                if owner
                else f" (did you mean '{near}'?)"
                if near
                else ""
            )
            self._error(line_of(values["sub_type"]), f"unknown sub_type '{sub}' of '{kind.name}'{hint}")
            return kind.name, ""
        return kind.name, found.name

    def _term(self, value: str, line: int, kind: str, warn: bool = True) -> Term | None:
        """A name through the vocabulary, under the rules of the entry's lists (None: an error)."""
        wrong = name_problem(value, self.parser.slugify)
        if wrong:
            self._error(line, f"{kind}: {wrong}")
            return None
        return self.parser.term(self.path, value, line, kind, warn)

    def _where(
        self, text: dict[str, str], values: dict[str, Node], line: int
    ) -> tuple[Term | None, Term | None]:
        """The event's place and province: a gazetteer place gives its province."""
        parser = self.parser
        place = (
            self._term(text["place"], line_of(values["place"]), "place", parser.has_gazetteer)
            if "place" in text
            else None
        )
        named = (
            self._term(text["province"], line_of(values["province"]), "province")
            if "province" in text
            else None
        )
        if ("place" in text and place is None) or ("province" in text and named is None):
            return place, named  # the name's own error is reported
        implied = province_of(place, parser.vocabularies["province"]) if place is not None else None
        if place is not None and named and implied and named.key != implied.key:
            self._error(
                line_of(values["province"]), f"place '{place.name}' is in {implied.name}, not {named.name}"
            )
        province = named or implied
        if province is None:
            self._error(line, "no province: give 'province', or a 'place' of the gazetteer")
        return place, province

    def _actors(self, node: Node) -> tuple[Term, ...]:
        try:
            names = string_list(node)
        except YAMLProblem as exc:
            self._error(exc.line, f"actors: {exc.message}")
            return ()
        if len(names) > MAX_NAMES:
            self._error(line_of(node), f"actors: {len(names)} names; at most {MAX_NAMES} per event")
            return ()
        actors: dict[str, Term] = {}
        for value, line in names:
            term = self._term(value, line, "actor")
            if term is not None:
                actors.setdefault(term.key, term)
        return tuple(actors.values())

    def _fatalities(self, given: str, line: int) -> int | None:
        if not given.isascii() or not given.isdigit():
            self._error(
                line,
                f"fatalities: '{given}' is not a whole number of 0 or more (for an estimate or a range, "
                "record the lowest figure reported and the rest in notes, as ACLED does)",
            )
            return None
        if len(given) > 7:
            self._error(line, f"fatalities: {given} is not a plausible count")
            return None
        return int(given)

    def _date(self, given: str, line: int) -> dt.date | None:
        try:
            if not DAY.fullmatch(given):
                raise ValueError
            day = dt.date.fromisoformat(given)
        except ValueError:
            self._error(line, f"date: invalid date '{given}' (expected YYYY-MM-DD)")
            return None
        start, end = self.covers or (self.day, self.day)
        if day != self.day and not start <= day <= end:
            window = f"the entry's date ({self.day})"
            if self.covers:
                window += (
                    f" and what it covers ({start} to {end})"
                    if start != end
                    else f" and the day it covers ({start})"
                )
            self._error(line, f"date {day} is outside {window}")
            return None
        return day


def add_event_terms(entry: Any) -> None:
    """An event's place, province and actors are the entry's own terms, after those it names."""
    for event in entry.events:
        for group, terms in (
            (entry.places, [event.place]),
            (entry.provinces, [event.province]),
            (entry.actors, list(event.actors)),
        ):
            keys = {term.key for term in group}
            for term in terms:
                if term is not None and term.key not in keys:
                    keys.add(term.key)
                    group.append(term)
