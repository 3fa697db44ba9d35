"""The gazetteer: places in the vocabulary's format, each with a province and coordinates.

A place file is loaded as a vocabulary of kind `place` (names, aliases, slugs and duplicates
are checked the same way); this module then checks what only places have: a province of the
province vocabulary (any of its names), and a latitude and longitude in range.
"""

from __future__ import annotations

import math
import re
from dataclasses import replace
from typing import Any

from ..problems import Reporter
from .vocabulary import Term, Vocabulary

RANGES = {"lat": (-90.0, 90.0), "lon": (-180.0, 180.0)}
WORDS = {"lat": "latitude", "lon": "longitude"}
# Decimal degrees as written, in ASCII digits: `34.37`, `-33.4`, `.5`, `34.`; not `3_3.4`, `1e1`, `inf`.
DECIMAL = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)")


def check_places(places: Vocabulary, provinces: Vocabulary, reporter: Reporter) -> Vocabulary:
    """The gazetteer with each place's province as its canonical name and its coordinates as
    numbers (None where they are wrong); every problem reported at its line."""
    checked = Vocabulary("place", places.path)
    for term in places.terms:
        fields = dict(term.fields)
        fields["province"] = _province(term, provinces, places.path, reporter)
        for key in ("lat", "lon"):
            fields[key] = _coordinate(term, key, places.path, reporter)
        if fields["lat"] is None or fields["lon"] is None:
            fields["lat"] = fields["lon"] = None
        place = replace(term, fields=fields)
        checked.terms.append(place)
    renamed = {id(old): new for old, new in zip(places.terms, checked.terms)}
    checked.by_key = {key: renamed[id(term)] for key, term in places.by_key.items()}
    return checked


def province_of(place: Term, provinces: Vocabulary) -> Term | None:
    """A gazetteer place's province (None for a place the gazetteer does not know, or whose
    province is wrong, which the gazetteer's check reported)."""
    name = place.fields.get("province") if place.known else None
    return provinces.resolve(str(name)) if name else None


def coordinates(place: Term) -> tuple[float, float] | None:
    """A place's (longitude, latitude), or None when it has none (`check_places` gives a place
    both or neither)."""
    lat, lon = place.fields.get("lat"), place.fields.get("lon")
    return (lon, lat) if lat is not None and lon is not None else None


def _province(term: Term, provinces: Vocabulary, path: str, reporter: Reporter) -> str | None:
    given = term.fields.get("province")
    if not given:
        reporter.error(path, term.line, f"place '{term.name}' has no 'province'")
        return None
    province = provinces.resolve(str(given))
    if province is None:
        near = provinces.suggestion(str(given))
        hint = f" (did you mean '{near}'?)" if near else ""
        reporter.error(path, term.lines.get("province", term.line), f"unknown province '{given}'{hint}")
        return None
    return province.name


def _coordinate(term: Term, key: str, path: str, reporter: Reporter) -> float | None:
    given: Any = term.fields.get(key)
    line = term.lines.get(key, term.line)
    if given is None:
        reporter.error(path, term.line, f"place '{term.name}' has no '{key}' ({WORDS[key]})")
        return None
    text = str(given).strip()
    if not DECIMAL.fullmatch(text):
        reporter.error(path, line, f"{key}: '{given}' is not a number (decimal degrees, e.g. 34.37)")
        return None
    value = float(text)
    low, high = RANGES[key]
    if not math.isfinite(value) or not low <= value <= high:
        reporter.error(path, line, f"{key}: {given} is out of range ({WORDS[key]} from {low:g} to {high:g})")
        return None
    return value
