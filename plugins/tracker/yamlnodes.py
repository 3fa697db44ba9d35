"""PyYAML at the node level, so every value keeps the line it came from.

Entries and vocabularies are composed, never constructed: values stay strings until this
project converts them, so a date like `2014-13-45` is our error with a line, not a
`ValueError` from inside PyYAML.
"""

from __future__ import annotations

from typing import Any

import yaml
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


def compose(text: str, first_line: int = 1) -> Node | None:
    """Compose YAML `text` that starts at `first_line` of its file; marks then give file lines."""
    padded = "\n" * (first_line - 1) + text
    if FAST_LOADER is not None:
        try:
            return yaml.compose(padded, Loader=FAST_LOADER)
        except yaml.YAMLError:
            pass
    try:
        return yaml.compose(padded, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else first_line
        raise YAMLProblem(line, _describe(exc, padded, mark)) from None
    except yaml.YAMLError as exc:  # errors without a mark (rare: reader-level)
        raise YAMLProblem(first_line, f"invalid YAML: {exc}") from None


def _describe(exc: yaml.MarkedYAMLError, text: str, mark: Any) -> str:
    """A one-line message for a YAML syntax error; tabs get a plain explanation."""
    if mark is not None:
        line_text = text.splitlines()[mark.line] if mark.line < len(text.splitlines()) else ""
        if "\t" in line_text[: max(mark.column, 0) + 1] or "'\\t'" in str(exc.problem):
            return "tab used for indentation (YAML allows only spaces)"
    problem = exc.problem or "invalid YAML"
    if exc.context:
        started = exc.context_mark
        where = f" started at line {started.line + 1}" if started and mark and started.line != mark.line else ""
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


def plain(node: Node) -> Any:
    """Convert a node to strings, lists and dicts, without YAML's implicit typing."""
    if isinstance(node, SequenceNode):
        return [plain(item) for item in node.value]
    if isinstance(node, MappingNode):
        return {key: plain(value) for key, _, value in mapping_items(node)}
    return None if is_null(node) else node.value


def string_list(node: Node, split: bool = True) -> list[tuple[str, int]]:
    """(value, line) pairs from a YAML list or a comma-separated string."""
    if isinstance(node, ScalarNode):
        parts = node.value.split(",") if split else [node.value]
        return [(p.strip(), line_of(node)) for p in parts if p.strip()]
    if isinstance(node, SequenceNode):
        for item in node.value:
            if not isinstance(item, ScalarNode):
                raise YAMLProblem(line_of(item), f"list items must be names, found {kind_of(item)}")
        return [(i.value.strip(), line_of(i)) for i in node.value if i.value.strip()]
    raise YAMLProblem(line_of(node), f"expected a list or a comma-separated string, found {kind_of(node)}")


def kind_of(node: Node) -> str:
    """How a message names a node that is not what was expected."""
    return {MappingNode: "a mapping", SequenceNode: "a list"}.get(type(node), f"'{getattr(node, 'value', '')}'")
