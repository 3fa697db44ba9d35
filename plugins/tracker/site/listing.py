"""Entry list items rendered once and reused: an entry appears on about ten list pages
(home, archives, each of its provinces and actors, its author), so rendering its item once
per link depth instead of once per page removes most of the cost of list pages."""

from __future__ import annotations

from typing import Any

from markupsafe import Markup

# Rendered with these stand-ins, which cannot occur in HTML text, then filled in per page.
SITEURL_MARK, LEVEL_MARK = "\x00siteurl\x00", "\x00level\x00"


class EntryItems:
    """Renders `entry_item.html` once per entry; each page then fills in its SITEURL and heading level."""

    def __init__(self, template: Any, context: dict[str, Any]) -> None:
        self.template = template
        self.context = context
        self.cache: dict[int, str] = {}

    def render(self, entry: Any, siteurl: str, level: int = 2) -> Markup:
        item = self.cache.get(id(entry))
        if item is None:
            item = self.cache[id(entry)] = self.template.render(
                {**self.context, "entry": entry, "SITEURL": SITEURL_MARK, "level": LEVEL_MARK}
            )
        return Markup(item.replace(SITEURL_MARK, siteurl).replace(LEVEL_MARK, str(level)))
