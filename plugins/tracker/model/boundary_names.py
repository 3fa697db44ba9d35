"""The names a boundaries file gives each province, and which of them a site may use.

Natural Earth, geoBoundaries and GADM carry the names readers use ("Kharkiv", "Aleppo",
"Aden"), where pycountry gives ISO romanisations ("Kharkivska oblast", "Ḩalab", "‘Adan"). Real
data collides: Natural Earth calls both Kyiv city and Kyiv oblast "Kyiv", and Yemen's YE-SA and
YE-SN both "Sanaa". A name two provinces share names neither: it is left out for both, and said.

Pure: properties in, names out.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
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


def file_names(properties: Mapping[str, object], language: str, local_languages: Iterable[str]) -> FileNames:
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
    """The names with every one that would name two provinces left out, and those shared names.

    `taken` is what the vocabulary already calls each province (key -> its name and aliases). A
    name the file gives as the name of two provinces (Natural Earth's "Kyiv" for the city and the
    oblast) names neither; so does one that is already another province's name, or that the file
    gives two provinces as another spelling. The name the file gives one province wins over the
    same name as another's other spelling (Damascus, and Rif Dimashq's "Damascus" in Yahoo's
    names): that spelling is left out."""
    displays: dict[str, set[str]] = {}
    others: dict[str, set[str]] = {}
    spelt: dict[str, str] = {}
    for key, names in found.items():
        if names.display:
            displays.setdefault(normalise(names.display), set()).add(key)
            spelt.setdefault(normalise(names.display), names.display)
        for name in (*names.aliases, names.local):
            if name:
                others.setdefault(normalise(name), set()).add(key)
                spelt.setdefault(normalise(name), name)
    vocabulary: dict[str, set[str]] = {}
    for key, spellings in taken.items():
        for name in spellings:
            vocabulary.setdefault(normalise(name), set()).add(key)
    shared: dict[str, set[str]] = {}

    def owners(norm: str, key: str, display: bool) -> set[str]:
        """The provinces other than `key` a name would also name."""
        rivals = (vocabulary.get(norm, set()) | displays.get(norm, set())) - {key}
        if not display:
            rivals |= others.get(norm, set()) - {key}
        return rivals

    kept = {}
    for key, names in found.items():
        display = names.display
        if display and owners(normalise(display), key, True):
            shared.setdefault(normalise(display), {key}).update(owners(normalise(display), key, True))
            display = ""
        aliases = []
        for name in names.aliases:
            rivals = owners(normalise(name), key, False)
            if not rivals:
                aliases.append(name)
            elif not (displays.get(normalise(name), set()) - {key}) or vocabulary.get(
                normalise(name), set()
            ) - {key}:
                shared.setdefault(normalise(name), {key}).update(rivals)
        local = names.local if names.local and not owners(normalise(names.local), key, False) else ""
        if names.local and not local:
            shared.setdefault(normalise(names.local), {key}).update(
                owners(normalise(names.local), key, False)
            )
        kept[key] = FileNames(display, aliases, local, names.wikidata)
    said = [Shared(spelt.get(norm, norm), tuple(sorted(keys))) for norm, keys in shared.items()]
    return kept, sorted(said, key=lambda s: s.name)
