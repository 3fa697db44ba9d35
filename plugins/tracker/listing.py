"""Entry list items rendered once and reused: an entry appears on about ten list pages
(home, archives, each of its provinces and actors, its author), so rendering its item once
per link depth instead of once per page removes most of the cost of list pages."""

from __future__ import annotations

from typing import Any

from markupsafe import Markup


class EntryItems:
    """Renders `entry_item.html` for an entry, cached by (entry, SITEURL, heading level)."""

    def __init__(self, template: Any, context: dict[str, Any]) -> None:
        self.template = template
        self.context = context
        self.cache: dict[tuple[int, str, int], Markup] = {}

    def render(self, entry: Any, siteurl: str, level: int = 2) -> Markup:
        key = (id(entry), siteurl, level)
        item = self.cache.get(key)
        if item is None:
            item = self.cache[key] = Markup(self.template.render({
                **self.context, "entry": entry, "SITEURL": siteurl, "level": level}))
        return item
