"""The controlled vocabulary: provinces and actors, each with one canonical name and its aliases."""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from yaml.nodes import MappingNode, ScalarNode, SequenceNode

from ..problems import Reporter
from .yamlnodes import (
    YAMLProblem,
    compose,
    duplicate_keys,
    is_null,
    kind_of,
    line_of,
    mapping_items,
    plain,
    string_list,
)

COMMON_KEYS = ("name", "slug", "aliases", "names")
KNOWN_KEYS = {
    "province": COMMON_KEYS + ("iso", "type", "capital", "local_name", "wikidata", "label"),
    "actor": COMMON_KEYS + ("kind", "local_name", "description"),
    "place": COMMON_KEYS + ("province", "lat", "lon", "kind", "local_name", "description", "map"),
    "event type": COMMON_KEYS + ("sub_types", "description"),
}

# Typographic variants an author's keyboard may produce, mapped to their plain forms.
_PUNCTUATION = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u02bc": "'",
        "\u2032": "'",
        "`": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u2010": "-",
        "\u2011": "-",
        "\u2012": "-",
        "\u2013": "-",
        "\u2014": "-",
        "\u2212": "-",
    }
)
_SPACES = re.compile(r"\s+")
SLUG = re.compile(r"[a-z0-9]+(?:[-_.][a-z0-9]+)*")  # a URL path segment with no '/', '..' or spaces
TEXT_KEYS = {"slug", "iso", "capital", "local_name", "kind", "description", "map_note", "province", "label"}
# Kept as YAML nodes, for the module that reads them with their lines (model/events.py).
NODE_KEYS = {"event type": {"sub_types"}}


MAX_NAMES = 100  # provinces, actors, places or tags one entry (its events included) may name
MAX_NAME_LENGTH = 150  # a name becomes a URL slug and a file name (at most 255 bytes)
MAX_SLUG_BYTES = 200  # a slug is a folder's name: room is left for what a URL pattern adds to it


def name_problem(value: str, slugify: Callable[[str], str]) -> str | None:
    """What keeps `value` from being a page's name and URL slug, or None."""
    if len(value) > MAX_NAME_LENGTH:
        return f"name of {len(value)} characters; at most {MAX_NAME_LENGTH}"
    slug = slugify(value)
    if not slug:
        return f"'{value}' has no letter or digit to make a URL from"
    if len(slug.encode("utf-8")) > MAX_SLUG_BYTES:
        return f"'{value}' makes a URL slug of {len(slug.encode('utf-8'))} bytes; at most {MAX_SLUG_BYTES}"
    return None


def normalise(name: str) -> str:
    """The matching key of a name: case, spacing and typographic punctuation do not count."""
    text = unicodedata.normalize("NFKC", name).translate(_PUNCTUATION)
    return _SPACES.sub(" ", text).strip().casefold()


def suggest(word: str, choices: list[str], cutoff: float = 0.7) -> str | None:
    """The closest of `choices` to `word`, or None."""
    matches = difflib.get_close_matches(word, choices, n=1, cutoff=cutoff)
    return matches[0] if matches else None


@dataclass(frozen=True)
class Term:
    """One province or actor: canonical name, URL slug, aliases and any documented fields."""

    name: str
    slug: str
    aliases: tuple[str, ...] = ()
    fields: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)
    known: bool = True
    line: int = 0
    lines: dict[str, int] = field(default_factory=dict, compare=False, hash=False)  # field -> its line
    # The vocabulary's own name when `name` is the site language's (`names: {ar: …}`).
    canonical: str = ""

    @cached_property
    def key(self) -> str:
        """The normalised canonical name: two spellings with one key are one term, whatever
        language the site shows it in."""
        return normalise(self.canonical or self.name)

    def __str__(self) -> str:
        return self.name


@dataclass
class Vocabulary:
    """All terms of one kind (`province` or `actor`), indexed by every normalised spelling."""

    kind: str
    path: str
    terms: list[Term] = field(default_factory=list)
    by_key: dict[str, Term] = field(default_factory=dict)

    def resolve(self, value: str) -> Term | None:
        """The term that `value` names (canonical name or alias), or None."""
        return self.by_key.get(normalise(value))

    def suggestion(self, value: str) -> str | None:
        """The canonical name whose name or alias is closest to `value`, or None."""
        key = suggest(normalise(value), list(self.by_key))
        return self.by_key[key].name if key else None


def load_vocabulary(
    path: str, kind: str, reporter: Reporter, slugify: Callable[[str], str], language: str = ""
) -> Vocabulary:
    """Load and validate one vocabulary file; every problem goes to `reporter`. A term that gives
    a name in `language` (`names: {ar: "الأنبار"}`) is shown by it; every name of every language
    resolves, and the URL keeps the vocabulary's own name's slug."""
    vocabulary = Vocabulary(kind, path)
    try:
        with open(path, encoding="utf-8-sig") as handle:
            text = handle.read()
        root = compose(text)
    except FileNotFoundError:
        reporter.error(path, 0, f"{kind} vocabulary file not found")
        return vocabulary
    except UnicodeDecodeError as exc:
        reporter.error(path, _byte_line(path, exc.start), "file is not UTF-8 text")
        return vocabulary
    except YAMLProblem as exc:
        reporter.error(path, exc.line, exc.message)
        return vocabulary
    if root is None or is_null(root):
        return vocabulary
    for line, key, first in duplicate_keys(root):
        reporter.error(path, line, f"duplicate key '{key}' (first at line {first}); only one is read")
    if not isinstance(root, SequenceNode):
        reporter.error(path, line_of(root), f"a {kind} vocabulary must be a YAML list of mappings")
        return vocabulary
    for item in root.value:
        term = _read_term(item, kind, path, reporter, slugify, language)
        if term is not None:
            _add_term(vocabulary, term, reporter)
    return vocabulary


def _byte_line(path: str, offset: int) -> int:
    with open(path, "rb") as handle:
        return handle.read(offset).count(b"\n") + 1


def _read_term(
    node: Any, kind: str, path: str, reporter: Reporter, slugify: Callable[[str], str], language: str = ""
) -> Term | None:
    """One vocabulary item as a Term, or None after reporting why it cannot be one."""
    if not isinstance(node, MappingNode):
        reporter.error(path, line_of(node), f"each {kind} must be a mapping with at least a 'name'")
        return None
    values: dict[str, Any] = {}
    known = KNOWN_KEYS[kind]
    for key, key_node, value_node in mapping_items(node):
        if key not in known:
            near = suggest(key, list(known), cutoff=0.7)
            if near:
                reporter.warning(path, line_of(key_node), f"unknown key '{key}' (did you mean '{near}'?)")
        values[key] = value_node
    name_node = values.get("name")
    if name_node is None or not isinstance(name_node, ScalarNode) or not name_node.value.strip():
        reporter.error(path, line_of(node), f"{kind} has no 'name'")
        return None
    for key in TEXT_KEYS.intersection(values):
        if not isinstance(values[key], ScalarNode):
            reporter.error(path, line_of(values[key]), f"'{key}' must be text, found {kind_of(values[key])}")
            del values[key]
    name = _SPACES.sub(" ", name_node.value).strip()
    aliases_node = values.pop("aliases", None)
    aliases = _string_list(aliases_node, "aliases", path, reporter) if aliases_node else []
    names = _names(values.pop("names", None), path, reporter)
    slug_node = values.pop("slug", None)
    slug = slug_node.value.strip() if slug_node is not None and not is_null(slug_node) else ""
    if slug and not SLUG.fullmatch(slug):
        reporter.error(
            path,
            line_of(slug_node),
            f"slug '{slug}' is not a URL path segment "
            "(lower-case letters, digits, and '-', '_' or '.' between them)",
        )
        slug = ""
    slug = slug or slugify(name)
    if not slug:
        reporter.error(
            path,
            line_of(name_node),
            f"{kind} '{name}' has no letter or digit to make a URL from; give it a 'slug'",
        )
        return None
    del values["name"]
    fields = {
        key: value if key in NODE_KEYS.get(kind, ()) else plain(value)
        for key, value in values.items()
        if not is_null(value)
    }
    lines = {key: line_of(value) for key, value in values.items()}
    shown = names.get(language, "") or names.get(language.split("_")[0], "")
    extra = [n for n in dict.fromkeys(names.values()) if n not in aliases]
    if shown and shown != name:
        others = [n for n in (name, *extra) if n != shown]
        return Term(shown, slug, (*aliases, *others), fields, True, line_of(name_node), lines, name)
    return Term(
        name, slug, (*aliases, *(n for n in extra if n != name)), fields, True, line_of(name_node), lines
    )


def _names(node: Any, path: str, reporter: Reporter) -> dict[str, str]:
    """A term's names by language (`names: {ar: "الأنبار", uk: "Анбар"}`)."""
    if node is None or is_null(node):
        return {}
    if not isinstance(node, MappingNode):
        reporter.error(path, line_of(node), "'names' must map language codes to names (names: {ar: الأنبار})")
        return {}
    found = {}
    for code, key_node, value_node in mapping_items(node):
        if not isinstance(value_node, ScalarNode) or not str(value_node.value).strip():
            reporter.error(path, line_of(key_node), f"names: '{code}' must be a name")
            continue
        found[str(code)] = _SPACES.sub(" ", str(value_node.value)).strip()
    return found


def _string_list(node: Any, key: str, path: str, reporter: Reporter) -> list[str]:
    try:
        return [value for value, _ in string_list(node, empty=False)]
    except YAMLProblem as exc:
        reporter.error(path, exc.line, f"'{key}' must be a list of names ({exc.message})")
        return []


def _add_term(vocabulary: Vocabulary, term: Term, reporter: Reporter) -> None:
    """Index a term under its name and aliases, reporting names or aliases already claimed."""
    owner = vocabulary.by_key.get(term.key)
    if owner is not None:
        what = "defined" if owner.key == term.key else f"an alias of '{owner.name}'"
        reporter.error(
            vocabulary.path,
            term.line,
            f"duplicate {vocabulary.kind} name '{term.name}' (already {what} at line {owner.line})",
        )
        return
    vocabulary.terms.append(term)
    vocabulary.by_key[term.key] = term
    for alias in (term.name, *term.aliases) if term.canonical else term.aliases:
        key = normalise(alias)
        owner = vocabulary.by_key.get(key)
        if owner is None:
            vocabulary.by_key[key] = term
        elif owner is not term:
            reporter.error(
                vocabulary.path,
                term.line,
                f"alias '{alias}' of '{term.name}' is already claimed by '{owner.name}' at line {owner.line}",
            )
