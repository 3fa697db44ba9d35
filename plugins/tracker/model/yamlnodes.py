"""PyYAML at the node level, so every value keeps the line it came from.

Entries and vocabularies are composed, never constructed: values stay strings until this
project converts them, so a date like `2014-13-45` is our error with a line, not a
`ValueError` from inside PyYAML.
"""

from __future__ import annotations

import re
from typing import Any

import yaml
from yaml.events import Event
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode


class YAMLProblem(Exception):
    """YAML that cannot be composed, or a value of the wrong shape, at the 1-based line of the problem."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


# libyaml's parser when PyYAML has it: the pure-Python one is the costliest part of reading.
# Any error is parsed again by the Python parser, whose messages say more.
FAST_LOADER = getattr(yaml, "CSafeLoader", None)
MAX_DEPTH = 20  # front matter and vocabularies nest three or four levels; hostile input thousands
# A cheap bound on the nesting any text can reach, checked before libyaml sees it: libyaml's
# composer recurses in C and crashes the process on input nested tens of thousands deep.
ROUGH_DEPTH_LIMIT = 1000
# Control characters (other than tab and newline), lone surrogates, and U+FFFE and U+FFFF: none is
# allowed in XML, so any of them would stop a feed from being written.
CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
KIND_NAMES: dict[type[Node], str] = {MappingNode: "a mapping", SequenceNode: "a list"}  # see kind_of
CONTROL_NAMES = {
    "\x00": "NUL",
    "\x0b": "vertical tab",
    "\x0c": "form feed",
    "\x1b": "escape",
    "\r": "carriage return",
}


def compose(text: str, first_line: int = 1) -> Node | None:
    """Compose YAML `text` that starts at `first_line` of its file; marks then give file lines.

    Refused before composing: control characters, nesting deeper than MAX_DEPTH, and aliases
    (`*name`), which PyYAML would expand in full (an alias bomb grows ninefold per level)."""
    padded = "\n" * (first_line - 1) + text
    check_characters(padded)
    _check_rough_depth(padded)
    loader = FAST_LOADER or yaml.SafeLoader
    try:
        _check_events(yaml.parse(padded, Loader=loader))
        return yaml.compose(padded, Loader=loader)
    except yaml.YAMLError:
        if loader is yaml.SafeLoader:
            raise
    try:  # the Python parser explains the error better (and accepts a few things libyaml does not)
        _check_events(yaml.parse(padded, Loader=yaml.SafeLoader))
        return yaml.compose(padded, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else first_line
        raise YAMLProblem(line, _describe(exc, padded, mark)) from None
    except yaml.YAMLError as exc:  # errors without a mark (rare: reader-level)
        raise YAMLProblem(first_line, f"invalid YAML: {' '.join(str(exc).split())}") from None


def check_characters(text: str) -> None:
    """YAMLProblem at the first control character (other than tab and newline) or lone surrogate."""
    found = CONTROL.search(text)
    if found:
        line = text.count("\n", 0, found.start()) + 1
        column = found.start() - (text.rfind("\n", 0, found.start()) + 1) + 1
        more = len(CONTROL.findall(text)) - 1
        also = f" (and {more} more)" if more else ""
        raise YAMLProblem(
            line, f"{describe_character(found.group())} at column {column} is not allowed{also}; remove it"
        )


def describe_character(char: str) -> str:
    """How a message names a character that cannot be shown."""
    if "\ud800" <= char <= "\udfff":
        name = "lone surrogate"
    elif char in "\ufffe\uffff":
        name = "noncharacter"
    else:
        name = CONTROL_NAMES.get(char, "control character")
    return f"{name} U+{ord(char):04X}"


def _check_rough_depth(text: str) -> None:
    """Refuse text that could nest deeper than libyaml can compose without crashing."""
    flow = 0
    for found in re.finditer(r"[\[{]|[\]}]", text) if ("[" in text or "{" in text) else ():
        flow = flow + 1 if found.group() in "[{" else max(flow - 1, 0)
        if flow > ROUGH_DEPTH_LIMIT:
            raise YAMLProblem(
                text.count("\n", 0, found.start()) + 1, f"nested more than {MAX_DEPTH} levels deep"
            )
    for number, line in enumerate(text.split("\n"), start=1):
        depth = len(line) - len(line.lstrip(" -?"))
        if depth > ROUGH_DEPTH_LIMIT:
            raise YAMLProblem(number, f"nested more than {MAX_DEPTH} levels deep")


def _check_events(events: Any) -> None:
    """Walk the parse events: bounded nesting, no aliases, no control characters in values."""
    depth = 0
    for event in events:
        if isinstance(event, (yaml.SequenceStartEvent, yaml.MappingStartEvent)):
            depth += 1
            if depth > MAX_DEPTH:
                raise YAMLProblem(_event_line(event), f"nested more than {MAX_DEPTH} levels deep")
        elif isinstance(event, (yaml.SequenceEndEvent, yaml.MappingEndEvent)):
            depth -= 1
        elif isinstance(event, yaml.AliasEvent):
            raise YAMLProblem(
                _event_line(event),
                f"YAML alias '*{event.anchor}' is not allowed here; write the value out",
            )
        elif isinstance(event, yaml.ScalarEvent):
            found = CONTROL.search(event.value)
            if found:
                raise YAMLProblem(
                    _event_line(event),
                    f"{describe_character(found.group())} in a value is not allowed",
                )


def _event_line(event: Event) -> int:
    """The 1-based line where a parse event starts. The parser marks every event it makes; an event
    without a mark (which PyYAML's types allow) is put at the first line."""
    mark = event.start_mark
    return mark.line + 1 if mark is not None else 1


def _describe(exc: yaml.MarkedYAMLError, text: str, mark: Any) -> str:
    """A one-line message for a YAML syntax error; tabs get a plain explanation."""
    if mark is not None:
        line_text = text.splitlines()[mark.line] if mark.line < len(text.splitlines()) else ""
        if "\t" in line_text[: max(mark.column, 0) + 1] or "'\\t'" in str(exc.problem):
            return "tab used for indentation (YAML allows only spaces)"
    problem = exc.problem or "invalid YAML"
    if problem == "mapping values are not allowed here":
        problem += ' (a value with ": " in it must be quoted: title: "Mosul: the day after")'
    if exc.context:
        started = exc.context_mark
        where = (
            f" started at line {started.line + 1}" if started and mark and started.line != mark.line else ""
        )
        return f"invalid YAML: {exc.context}{where}, {problem}"
    return f"invalid YAML: {problem}"


def line_of(node: Node) -> int:
    """The 1-based line where `node` starts."""
    return node.start_mark.line + 1


def is_null(node: Node) -> bool:
    """Whether `node` is an empty or explicit null value (`key:` or `key: null`)."""
    return isinstance(node, ScalarNode) and node.tag == "tag:yaml.org,2002:null"


def mapping_items(node: MappingNode) -> list[tuple[str, ScalarNode, Node]]:
    """(key text, key node, value node) for each pair; non-scalar keys are given as text."""
    items = []
    for key_node, value_node in node.value:
        key = key_node.value if isinstance(key_node, ScalarNode) else yaml.serialize(key_node).strip()
        items.append((str(key), key_node, value_node))
    return items


def duplicate_keys(node: Node | None) -> list[tuple[int, str, int]]:
    """Every key written twice in one mapping, anywhere under `node`: (its second line, the key,
    its first line). PyYAML would keep the last value without a word."""
    found: list[tuple[int, str, int]] = []
    stack = [node] if node is not None else []
    while stack:
        current = stack.pop()
        if isinstance(current, MappingNode):
            first: dict[str, int] = {}
            for key, key_node, value_node in mapping_items(current):
                if key in first:
                    found.append((line_of(key_node), key, first[key]))
                else:
                    first[key] = line_of(key_node)
                stack.append(value_node)
        elif isinstance(current, SequenceNode):
            stack.extend(current.value)
    return sorted(found)


def plain(node: Node) -> Any:
    """Convert a node to strings, lists and dicts, without YAML's implicit typing."""
    if isinstance(node, SequenceNode):
        return [plain(item) for item in node.value]
    if isinstance(node, MappingNode):
        return {key: plain(value) for key, _, value in mapping_items(node)}
    return None if is_null(node) else node.value


def string_list(node: Node, split: bool = True, empty: bool = True) -> list[tuple[str, int]]:
    """(value, line) pairs from a YAML list or a comma-separated string; a null (`~`) is no
    value. With `empty` False (a data file's aliases), an empty item is a YAMLProblem."""
    if is_null(node):
        return []
    if isinstance(node, ScalarNode):
        parts = node.value.split(",") if split else [node.value]
        return [(p.strip(), line_of(node)) for p in parts if p.strip()]
    if isinstance(node, SequenceNode):
        for item in node.value:
            if not isinstance(item, ScalarNode):
                raise YAMLProblem(line_of(item), f"list items must be names, found {kind_of(item)}")
            if not empty and (is_null(item) or not item.value.strip()):
                raise YAMLProblem(
                    line_of(item), "an empty item (~, null or nothing): write a name, or leave it out"
                )
        # An empty item (`-` alone, `~`, `null`) is nothing to name: left out, as empty text is.
        return [(i.value.strip(), line_of(i)) for i in node.value if i.value.strip() and not is_null(i)]
    raise YAMLProblem(line_of(node), f"expected a list or a comma-separated string, found {kind_of(node)}")


def kind_of(node: Node) -> str:
    """How a message names a node that is not what was expected."""
    return KIND_NAMES.get(type(node), f"'{getattr(node, 'value', '')}'")
