"""The fragments other pages reuse, made once when an entry changes and kept in the store: its
item in every list that shows it (rendered from the theme's `entry_item.html`, its links and
heading level left for each page to fill in) and its rows of the data exports.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import orjson
from jinja2 import TemplateError

from ..model.dataset import export_rows
from ..model.digests import digest_bytes
from ..model.feeds import absolute, feed_base
from ..model.record import EntryRecord
from ..model.terms import term_link
from ..model.vocabulary import Vocabulary
from .outputs import LEVEL_MARK, SITEURL_MARK
from .templates import rendered, template_failure


class Fragments:
    """Makes an entry's fragments with the site's theme, settings and vocabularies."""

    def __init__(self, env: Any, context: Mapping[str, Any], vocabularies: Mapping[str, Vocabulary]) -> None:
        try:
            self.template = env.get_template("entry_item.html")
        except TemplateError as error:
            raise template_failure(error) from None
        self.context = dict(context)
        self.settings = context
        self.base = feed_base(context)
        self.has_gazetteer = bool(vocabularies["place"].terms)

    def links(self, record: EntryRecord) -> dict[str, list]:
        """How the entry's item links its terms (a site without a gazetteer links no place)."""
        found: dict[str, list] = {}
        for kind in ("province", "actor", "place"):
            terms = getattr(record, kind + "s")
            linked = kind != "place" or self.has_gazetteer
            found[kind] = [term_link(kind, t, self.settings) if linked else None for t in terms]
        return found

    def make(self, record: EntryRecord) -> tuple[dict[str, Any], dict[str, str]]:
        """(fragments, their digests) of a record."""
        item = rendered(
            self.template,
            {
                **self.context,
                "entry": record,
                "links": self.links(record),
                "SITEURL": SITEURL_MARK,
                "level": LEVEL_MARK,
            },
            f"the list item of {record.relative_path}",
        )
        rows = (
            export_rows(record, lambda url: absolute(self.base, url) if self.base else url)
            if record.status == "published"
            else None
        )
        return {"item": item, "export": rows}, {
            "item": digest_bytes(item),
            "export": digest_bytes(orjson.dumps(rows)) if rows is not None else "",
        }
