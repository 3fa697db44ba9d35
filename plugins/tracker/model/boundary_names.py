"""The names a boundaries file gives each province, and which of them a site may use.

Natural Earth, geoBoundaries and GADM carry the names readers use ("Kharkiv", "Aleppo",
"Aden"), where pycountry gives ISO romanisations ("Kharkivska oblast", "Ḩalab", "‘Adan"). Real
data collides: Natural Earth calls both Kyiv city and Kyiv oblast "Kyiv", and Yemen's YE-SA and
YE-SN both "Sanaa". A name two provinces share names neither: it is left out for both, and said.

Pure: properties in, names out.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from .vocabulary import normalise

LATIN = re.compile(r"^[\x00-\u024f\u1e00-\u1eff\s'’`ʻʼ.-]*$")  # Latin letters, marks and punctuation


@dataclass
class FileNames:
    """What a boundaries file says a province is called."""

    display: str = ""  # the name readers of the site's language know
    aliases: list[str] = field(default_factory=list)  # other spellings
    local: str = ""  # the name in the country's own language and script
    wikidata: str = ""


def split_names(value: object) -> list[str]:
    """A property's names: `|`-separated (Natural Earth's name_alt, GADM's VARNAME_1)."""
    if not isinstance(value, str):
        return []
    return [" ".join(part.split()) for part in value.split("|") if part.strip()]


def file_names(properties: dict, language: str, local_languages: Iterable[str]) -> FileNames:
    """The names of one feature: Natural Earth's `name_<language>`, `name`, `name_alt`,
    `name_local`, `name_<local language>` and `wikidataid`; geoBoundaries' `shapeName`;
    GADM's `NAME_1`, `VARNAME_1` and `NL_NAME_1`."""
    first = [
        properties.get(f"name_{language}"),
        properties.get("NAME_1"),
        properties.get("shapeName"),
    ]
    display = next((names[0] for names in map(split_names, first) if names), "")
    aliases = [
        name
        for key in ("name", "name_alt", "gn_name", "woe_name", "VARNAME_1", "name_en")
        for name in split_names(properties.get(key))
    ]
    locals_ = [
        name
        for key in ("name_local", "NL_NAME_1", *(f"name_{lang}" for lang in local_languages))
        for name in split_names(properties.get(key))
        if not LATIN.match(name)  # a local name in the country's script, not a romanisation
    ]
    wikidata = properties.get("wikidataid")
    return FileNames(
        display,
        [a for a in dict.fromkeys(aliases) if normalise(a) != normalise(display)],
        locals_[0] if locals_ else "",
        wikidata if isinstance(wikidata, str) and re.fullmatch(r"Q\d+", wikidata) else "",
    )


@dataclass(frozen=True)
class Shared:
    """A name the file gives two or more provinces: used for none of them."""

    name: str
    keys: tuple[str, ...]


def without_shared(
    found: dict[str, FileNames], taken: dict[str, set[str]]
) -> tuple[dict[str, FileNames], list[Shared]]:
    """The names with every one that names two provinces left out, and those shared names.
    `taken` is what the vocabulary already calls each province (key -> its names and aliases):
    a file's name that is another province's name is shared too."""
    owners: dict[str, set[str]] = {}
    spelt: dict[str, str] = {}
    for key, names in found.items():
        for name in (names.display, *names.aliases, names.local):
            if name:
                owners.setdefault(normalise(name), set()).add(key)
                spelt.setdefault(normalise(name), name)
    for key, names in taken.items():
        for name in names:
            owners.setdefault(normalise(name), set()).add(key)
            spelt.setdefault(normalise(name), name)
    shared = {norm for norm, keys in owners.items() if len(keys) > 1}
    kept = {}
    for key, names in found.items():
        ok = [
            name
            for name in (names.display, *names.aliases, names.local)
            if name and normalise(name) not in shared
        ]
        kept[key] = FileNames(
            names.display if names.display in ok else "",
            [a for a in names.aliases if a in ok],
            names.local if names.local in ok else "",
            names.wikidata,
        )
    said = sorted(
        {
            Shared(spelt[norm], tuple(sorted(owners[norm])))
            for norm in shared
            if any(
                normalise(n) == norm
                for names in found.values()
                for n in (names.display, *names.aliases, names.local)
                if n
            )
        },
        key=lambda s: s.name,
    )
    return kept, said
