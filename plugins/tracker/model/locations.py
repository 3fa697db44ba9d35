"""Where things are written and linked: an entry's URL and output path, and the links of its
tags and author, from the site's `*_URL` and `*_SAVE_AS` patterns (as Pelican fills them in).

Pure: settings in, text out.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from .record import TagLink


@dataclass(frozen=True)
class Locations:
    """The site's patterns, with its slug rules and default author."""

    settings: Mapping[str, Any]
    slugify: Callable[[str], str]

    def entry(
        self,
        relative_path: str,
        slug: str,
        status: str,
        date: dt.datetime,
        title: str,
        author: str,
        **more: Any,
    ) -> tuple[str, str]:
        """(URL, save-as path) of an entry, from ARTICLE_URL and ARTICLE_SAVE_AS (DRAFT_URL and
        DRAFT_SAVE_AS for a draft): the fields Pelican offers its articles' patterns."""
        klass = "DRAFT" if status == "draft" else "ARTICLE"
        fields = {
            "slug": slug,
            "date": date,
            "lang": self.settings.get("DEFAULT_LANG", "en"),
            "author": self.slugify(author) if author else "",
            "category": self.slugify(self.settings.get("DEFAULT_CATEGORY") or "entries"),
            "path": relative_path.replace("\\", "/"),
            "title": title,
            "status": status,
            **more,
        }
        fields.setdefault("updated", date)
        fields.setdefault("modified", fields["updated"])
        return (
            str(self.settings.get(f"{klass}_URL") or "").format(**fields),
            str(self.settings.get(f"{klass}_SAVE_AS") or "").format(**fields),
        )

    def author(self, name: str) -> str:
        """The author an entry gives, else the site's AUTHOR."""
        return name or str(self.settings.get("AUTHOR") or "")

    def tag(self, name: str) -> TagLink:
        slug = self.slugify(name)
        return TagLink(name, slug, str(self.settings.get("TAG_URL") or "").format(slug=slug, name=name))
