"""Provinces and actors as Pelican URL wrappers: URLs come from PROVINCE_URL, ACTOR_SAVE_AS, …"""

from __future__ import annotations

import re
from typing import Any

from pelican.urlwrappers import URLWrapper

from ..model.vocabulary import Term

ARABIC_SCRIPT = re.compile("[\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufeff]")
FIELD_LABELS = {
    "iso": "ISO 3166-2",
    "capital": "Capital",
    "local_name": "Local name",
    "kurdish_name": "Kurdish name",
    "iso_name": "ISO name",
    "region": "Region",
    "note": "Note",
}
# Fields shown elsewhere on a profile, or not meant for display.
HIDDEN_FIELDS = {"description", "kind", "map", "map_note"}


class TermWrapper(URLWrapper):
    """A vocabulary term with a page; `key` is what entries are grouped by."""

    def __init__(self, term: Term, settings: dict[str, Any]) -> None:
        super().__init__(term.name, settings)
        self.slug = term.slug
        self.term = term

    @property
    def key(self) -> str:
        return self.term.key

    @property
    def known(self) -> bool:
        return self.term.known

    @property
    def kind(self) -> str:
        """`province` or `actor`: the vocabulary the term belongs to."""
        return type(self).__name__.lower()

    def __eq__(self, other: object) -> bool:
        return isinstance(other, TermWrapper) and type(self) is type(other) and self.key == other.key

    def __hash__(self) -> int:
        return hash((type(self).__name__, self.key))

    def profile(self) -> list[dict[str, str]]:
        """The term's documented fields as rows (label, value, lang, dir) for a definition list."""
        return profile_rows(self.term.fields)


class Province(TermWrapper):
    """A province: `PROVINCE_URL`, `PROVINCE_SAVE_AS`."""


class Actor(TermWrapper):
    """An actor: `ACTOR_URL`, `ACTOR_SAVE_AS`."""


def profile_rows(fields: dict[str, Any]) -> list[dict[str, str]]:
    """Rows for the documented fields first, then any other plain fields, with script direction."""
    ordered = [k for k in FIELD_LABELS if k in fields] + sorted(k for k in fields if k not in FIELD_LABELS)
    rows = []
    for key in ordered:
        value = fields[key]
        if key in HIDDEN_FIELDS or isinstance(value, (dict, list)) or value in (None, ""):
            continue
        text = str(value)
        row = {"key": key, "label": FIELD_LABELS.get(key, key.replace("_", " ").capitalize()), "value": text}
        if ARABIC_SCRIPT.search(text):
            row.update(lang="ckb" if "kurdish" in key else "ar", dir="rtl")
        rows.append(row)
    return rows
