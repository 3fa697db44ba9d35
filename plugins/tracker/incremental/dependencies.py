"""Which context names a template reads, found in the templates themselves.

A page's digest covers every name its template, and every template it extends, includes or
imports, reads from its context. Nothing is listed by hand: a theme that starts reading a new
name makes its pages depend on it at once. A template whose includes cannot be followed (a
name computed while rendering) has no known dependencies, and its pages render on every build.
"""

from __future__ import annotations

from jinja2 import Environment, TemplateNotFound, meta


class Unknown(Exception):
    """A template's dependencies cannot be found statically."""


def template_names(env: Environment, name: str, seen: frozenset[str] = frozenset()) -> frozenset[str]:
    """The context names `name` and the templates it pulls in read (names the templates set or
    import themselves may be among them: they are looked up and found undefined, which is harmless)."""
    if name in seen:
        return frozenset()
    try:
        source = env.loader.get_source(env, name)[0] if env.loader else ""
    except TemplateNotFound as missing:
        raise Unknown(name) from missing
    tree = env.parse(source)
    names = set(meta.find_undeclared_variables(tree))
    for referenced in meta.find_referenced_templates(tree):
        if referenced is None:
            raise Unknown(name)  # {% include some_variable %}: cannot be followed
        names |= template_names(env, referenced, seen | {name})
    return frozenset(names)


class Dependencies:
    """Template dependencies, found once per template, and kept by the build cache (whose key
    covers the theme) for the next build."""

    def __init__(self, known: dict[str, list[str] | None] | None = None) -> None:
        self._found: dict[str, frozenset[str] | None] = {
            name: None if names is None else frozenset(names) for name, names in (known or {}).items()
        }

    def found(self) -> dict[str, list[str] | None]:
        """What was found, as plain data for the cache."""
        return {name: None if names is None else sorted(names) for name, names in self._found.items()}

    def of(self, env: Environment, name: str) -> frozenset[str] | None:
        """The names a template reads, or None when they cannot be known."""
        if name not in self._found:
            try:
                self._found[name] = template_names(env, name)
            except Unknown:
                self._found[name] = None
        return self._found[name]
