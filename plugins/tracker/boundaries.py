"""`make boundaries`: a site's map file, and the names readers know, from the admin-1 boundaries
geographers publish.

Reads GeoJSON, TopoJSON or a shapefile (Natural Earth, geoBoundaries and GADM publish them: the
whole world in one file, or a country at a time), keeps the site's country (by ISO 3166-2 code,
else the file's country field), matches each feature to a province of the vocabulary by code,
then by name or alias, and simplifies the outlines as a topology: each border two provinces
share is simplified once (the `topojson` package, on shapely), so neighbours never gap or
overlap, until the map file fits a size budget. It then fills in what the vocabulary lacks from
the file's names (model/boundary_names.py), never what a writer wrote.
"""

from __future__ import annotations

import json
import math
import os
import re
import struct
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .model.vocabulary import Vocabulary

ISO_KEYS = ("iso_3166_2", "ISO_3166_2", "iso", "ISO", "ISO_1", "shapeISO", "iso_3166_2_code")
NAME_KEYS = ("name", "NAME", "NAME_1", "shapeName", "name_en", "NAME_EN", "gn_name", "woe_name", "VARNAME_1")
# A feature's country, where it has no ISO 3166-2 code: Natural Earth's, geoBoundaries', GADM's.
COUNTRY_KEYS = ("iso_a2", "adm0_a3", "shapeGroup", "GID_0")
DIGITS = 4  # decimal places kept: about 10 m


class BoundariesError(Exception):
    """A reason the file cannot be used, in one line."""


def read_features(path: str) -> list[dict[str, Any]]:
    """GeoJSON features from a .geojson/.json (GeoJSON or TopoJSON) or .shp file, each with a
    mapping of properties; their geometries are checked once the country's are kept (`checked`)."""
    if not path or not os.path.isfile(path):
        raise BoundariesError(
            f"{path or 'FILE='}: no such file (give the boundaries file: make boundaries FILE=<file>)"
        )
    features = read_shapefile(path) if path.lower().endswith(".shp") else read_json(path)
    return [
        {**f, "properties": f["properties"] if isinstance(f.get("properties"), dict) else {}}
        for f in features
    ]


def read_shapefile(path: str) -> list[dict[str, Any]]:
    """A shapefile's features, refused when its `.prj` says the coordinates are projected."""
    import shapefile  # pyshp

    projection = Path(path).with_suffix(".prj")
    if projection.is_file():
        text = projection.read_text(encoding="utf-8", errors="replace")
        if text.lstrip().upper().startswith(("PROJCS", "PROJCRS")):  # WKT 1 and 2
            name = text.split('"')[1] if text.count('"') >= 2 else "a projection"
            raise BoundariesError(
                f"{path}: its coordinates are projected ({name}), not longitude and latitude: "
                f"reproject it to WGS 84 first (for example: ogr2ogr -t_srs EPSG:4326 wgs84.shp {path})"
            )
    try:
        with shapefile.Reader(path) as shapes:
            return [dict(feature) for feature in shapes.__geo_interface__["features"]]
    except (shapefile.ShapefileException, OSError, ValueError, IndexError, struct.error) as error:
        raise BoundariesError(f"{path}: not a readable shapefile ({error})") from None


def read_json(path: str) -> list[dict[str, Any]]:
    """The features of a GeoJSON FeatureCollection or a TopoJSON Topology."""

    def refuse_constant(name: str) -> None:
        raise ValueError(f"{name} is not a number JSON allows")

    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"), parse_constant=refuse_constant)
    except (OSError, ValueError) as error:
        raise BoundariesError(f"{path}: not a readable JSON file ({error})") from None
    except RecursionError:
        raise BoundariesError(f"{path}: not a boundaries file (nested too deeply to read)") from None
    kind = data.get("type") if isinstance(data, dict) else None
    crs = data.get("crs") if isinstance(data, dict) else None
    crs = crs.get("properties") if isinstance(crs, dict) else None
    crs = crs.get("name") if isinstance(crs, dict) else None
    if isinstance(crs, str) and not re.search(r"CRS84|4326", crs):
        raise BoundariesError(
            f"{path}: its coordinates are in {crs}, not longitude and latitude: reproject it to WGS 84 first "
            f"(for example: ogr2ogr -t_srs EPSG:4326 wgs84.geojson {path})"
        )
    try:
        if kind == "Topology":
            return topojson_features(data)
        if kind == "FeatureCollection" and isinstance(data.get("features") or [], list):
            return [f for f in data.get("features") or [] if isinstance(f, dict)]
    except (IndexError, KeyError, TypeError, ValueError, AttributeError) as error:
        raise BoundariesError(f"{path}: a damaged {kind} ({type(error).__name__}: {error})") from None
    raise BoundariesError(f"{path}: neither a GeoJSON FeatureCollection nor a TopoJSON Topology")


def checked(path: str, number: int, feature: dict[str, Any]) -> dict[str, Any]:
    """A feature whose properties are a mapping and whose polygons are rings of positions of two
    finite numbers within longitude and latitude; BoundariesError naming the feature otherwise."""
    properties = feature.get("properties")
    properties = properties if isinstance(properties, dict) else {}
    geometry = feature.get("geometry")
    geometry = geometry if isinstance(geometry, dict) else {}
    try:
        shapes = polygons(geometry)
        for polygon in shapes:
            if not isinstance(polygon, list):
                raise ValueError("a polygon is not a list of rings")
            for ring in polygon:
                if not isinstance(ring, list) or len(ring) < 4:
                    raise ValueError("a ring has fewer than four positions")
                for position in ring:
                    check_position(position)
    except ValueError as problem:
        raise BoundariesError(f"{path}: feature {number} ({describe(properties)}): {problem}") from None
    return {**feature, "properties": properties, "geometry": {"type": "MultiPolygon", "coordinates": shapes}}


def check_position(position: Any) -> None:
    """ValueError unless `position` is [longitude, latitude, ...] in degrees."""
    if not isinstance(position, (list, tuple)) or len(position) < 2:
        raise ValueError(f"{_shown(position)} is not a position of two numbers (longitude, latitude)")
    x, y = position[0], position[1]
    for value in (x, y):
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not _finite(value):
            raise ValueError(f"{_shown(position)} is not a position of two numbers (longitude, latitude)")
    if not (-180 <= x <= 180 and -90 <= y <= 90):
        raise ValueError(
            f"{_shown(position)} is not a longitude and latitude (a projected file? reproject it to WGS 84 "
            "first, for example with ogr2ogr -t_srs EPSG:4326)"
        )


def _finite(value: int | float) -> bool:
    try:
        return math.isfinite(value)
    except OverflowError:  # an integer too large for a float
        return False


def _shown(value: Any) -> str:
    try:
        text = json.dumps(value, default=str)
    except (ValueError, RecursionError):
        text = type(value).__name__
    return text if len(text) <= 60 else text[:57] + "..."


def topojson_features(topology: dict[str, Any]) -> list[dict[str, Any]]:
    """The features of a TopoJSON topology's first object, as GeoJSON (arcs decoded, quantised
    coordinates transformed back)."""
    transform = topology.get("transform")
    arcs = []
    for arc in topology.get("arcs", []):
        if transform:
            x = y = 0
            points = []
            for dx, dy, *_ in arc:
                x, y = x + dx, y + dy
                points.append(
                    [
                        x * transform["scale"][0] + transform["translate"][0],
                        y * transform["scale"][1] + transform["translate"][1],
                    ]
                )
            arcs.append(points)
        else:
            arcs.append([list(p[:2]) for p in arc])

    def ring(indexes: list[int]) -> list[list[float]]:
        points: list[list[float]] = []
        for index in indexes:
            arc = arcs[index] if index >= 0 else arcs[~index][::-1]
            points.extend(arc if not points else arc[1:])
        return points

    def geometry(item: dict[str, Any]) -> dict[str, Any] | None:
        kind = item.get("type")
        if kind == "Polygon":
            return {"type": "Polygon", "coordinates": [ring(r) for r in item["arcs"]]}
        if kind == "MultiPolygon":
            return {"type": "MultiPolygon", "coordinates": [[ring(r) for r in p] for p in item["arcs"]]}
        return None

    objects = topology.get("objects")
    if not isinstance(objects, dict) or not all(isinstance(found, dict) for found in objects.values()):
        raise ValueError("its objects are not a mapping of named objects")
    items = [
        item
        for found in objects.values()
        for item in (found.get("geometries") if isinstance(found.get("geometries"), list) else [found])
        if isinstance(item, dict)
    ]  # every object's geometries: a file may hold countries and provinces
    return [
        {"type": "Feature", "properties": item.get("properties") or {}, "geometry": geometry(item)}
        for item in items
        if geometry(item) is not None
    ]


def of_country(features: list[dict[str, Any]], country: Any) -> tuple[list[dict[str, Any]], int]:
    """(the features of `country` (pycountry's), how many of other countries were skipped): by
    ISO 3166-2 code first (so Natural Earth's Crimea, filed under Russia, is Ukraine's by its
    code UA-43), else by the file's country field; a feature with neither is kept. With no
    country (a vocabulary without ISO codes), every feature is kept."""
    if country is None:
        return features, 0
    prefix = country.alpha_2.upper() + "-"
    names = {country.alpha_2.upper(), country.alpha_3.upper()}
    kept = []
    for feature in features:
        properties = feature["properties"]
        codes = [str(properties.get(key) or "").upper() for key in ISO_KEYS]
        codes = [code for code in codes if re.fullmatch(r"[A-Z]{2}-\S+", code)]
        if codes:
            mine = any(code.startswith(prefix) for code in codes)
        else:
            fields = {str(properties.get(key) or "").upper() for key in COUNTRY_KEYS} - {"", "-99"}
            mine = not fields or bool(fields & names)
        if mine:
            kept.append(feature)
    return kept, len(features) - len(kept)


def match(features: list[dict[str, Any]], provinces: Vocabulary) -> tuple[dict[str, list], list[str]]:
    """(province key -> its features, descriptions of the features matching none): by ISO code,
    else by any name or alias."""
    by_iso = {str(t.fields.get("iso", "")).upper(): t for t in provinces.terms if t.fields.get("iso")}
    matched: dict[str, list] = {}
    unmatched = []
    for feature in features:
        properties = feature.get("properties") or {}
        term = None
        for key in ISO_KEYS:
            value = str(properties.get(key) or "").upper()
            if value in by_iso:
                term = by_iso[value]
                break
        if term is None:
            for key in NAME_KEYS:
                value = properties.get(key)
                if isinstance(value, str) and value.strip():
                    term = provinces.resolve(value) or term
                    if term is not None:
                        break
        if term is None:
            unmatched.append(describe(properties))
        else:
            matched.setdefault(term.key, []).append(feature)
    return matched, unmatched


def describe(properties: dict[str, Any]) -> str:
    names = [str(properties[k]) for k in (*NAME_KEYS, *ISO_KEYS) if properties.get(k) not in (None, "")]
    return " / ".join(dict.fromkeys(names)) or "a feature with no name or code"


def polygons(geometry: dict[str, Any], depth: int = 0) -> list:
    """The polygons of a Polygon, MultiPolygon or GeometryCollection (lines and points: none);
    ValueError when the coordinates are not lists."""
    kind, coordinates = geometry.get("type"), geometry.get("coordinates")
    if kind in ("Polygon", "MultiPolygon") and not isinstance(coordinates, list):
        raise ValueError(f"its {kind}'s coordinates are not a list")
    if kind == "Polygon":
        return [coordinates]
    if kind == "MultiPolygon":
        return list(coordinates)
    if kind == "GeometryCollection" and depth < 8:
        parts = geometry.get("geometries") or []
        return [p for part in parts if isinstance(part, dict) for p in polygons(part, depth + 1)]
    return []


def map_file(matched: dict[str, list], provinces: Vocabulary, tolerance: float) -> str:
    """The site's map as GeoJSON text: one feature per province, named and coded as the
    vocabulary says, its outlines simplified as a topology by `tolerance` degrees (each border
    between two provinces once, so that they still meet), to DIGITS decimals."""
    import topojson  # installed for `make boundaries` (requirements-boundaries.txt)

    terms = [t for t in sorted(provinces.terms, key=lambda t: t.name) if t.key in matched]
    collection = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"key": term.key},
                "geometry": {
                    "type": "MultiPolygon",
                    "coordinates": [p for f in matched[term.key] for p in polygons(f["geometry"])],
                },
            }
            for term in terms
        ],
    }
    topology = topojson.Topology(
        collection, prequantize=False, toposimplify=tolerance or False, prevent_oversimplify=True
    )
    shapes = {
        f["properties"]["key"]: f["geometry"]
        for f in json.loads(topology.to_geojson(decimals=DIGITS))["features"]
        if f.get("geometry")
    }
    features = []
    for term in terms:
        properties = {"name": term.name}
        if term.fields.get("iso"):
            properties["iso_3166_2"] = term.fields["iso"]
        geometry = shapes.get(term.key)
        if geometry is None:
            continue
        coordinates = [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
        geometry = {"type": "MultiPolygon", "coordinates": coordinates}
        features.append({"type": "Feature", "properties": properties, "geometry": geometry})
    return json.dumps(
        {"type": "FeatureCollection", "features": features}, ensure_ascii=False, separators=(",", ":")
    )


@dataclass
class Conversion:
    """What `convert` made of a boundaries file."""

    text: str  # the map file
    matched: dict[str, list]  # province key -> its features
    unmatched: list[str]  # features of the country that match no province
    missing: list[str]  # provinces with no feature (and no `map: false`)
    tolerance: float  # degrees the outlines were simplified by
    kept: int  # features of the country
    skipped: int  # features of other countries


def convert(source: str, provinces: Vocabulary, budget: int, country: Any = None) -> Conversion:
    """The map file within `budget` bytes when it can be, and what was matched and skipped."""
    features, skipped = of_country(read_features(source), country)
    if not features:
        where = f" of {short_name(country)}" if country is not None else ""
        raise BoundariesError(f"{source}: holds no features{where} ({skipped:,} of other countries)")
    features = [checked(source, number, feature) for number, feature in enumerate(features, 1)]
    matched, unmatched = match(features, provinces)
    for key in [
        k for k, found in matched.items() if not any(polygons(f.get("geometry") or {}) for f in found)
    ]:
        del matched[key]  # matched, but with no area to draw: as if missing
    if not matched:
        raise BoundariesError(
            f"{source}: no feature matches a province of {provinces.path} by ISO code or name "
            f"(features: {', '.join(unmatched[:5])}{' …' if len(unmatched) > 5 else ''})"
        )
    missing = [t.name for t in provinces.terms if t.key not in matched and t.fields.get("map") is not False]
    tolerance = 0.0
    text = map_file(matched, provinces, tolerance)
    while len(text.encode("utf-8")) > budget and tolerance < 1.0:
        tolerance = tolerance * 2 if tolerance else 0.001
        text = map_file(matched, provinces, tolerance)
    return Conversion(text, matched, unmatched, missing, tolerance, len(features), skipped)


def short_name(country: Any) -> str:
    return getattr(country, "common_name", None) or country.name


__all__ = ["BoundariesError", "Conversion", "convert", "of_country"]


@dataclass
class Named:
    """What `name_provinces` changed in the vocabulary file, and the names it could not use."""

    renamed: list[tuple[str, str]]  # (ISO name, the name readers know)
    aliases: int
    local_names: int
    wikidata: int
    shared: list  # model.boundary_names.Shared
    types: int  # pycountry's most common type left to the site's province word
    translated: int = 0  # names in the site's other languages (`names:`)


def translated_names(matched: dict[str, list], languages: tuple[str, ...]) -> dict[str, dict[str, str]]:
    """Each province's name in each of the site's other languages, where the boundaries file has
    one (Natural Earth's `name_ar`, `name_uk` ...) and no other province has the same one (real
    files give two provinces one name: Rif Dimashq's Ukrainian name is Damascus's)."""
    found: dict[str, dict[str, str]] = {}
    for code in languages:
        names = {
            key: str((features[0].get("properties") or {}).get(f"name_{code}") or "").strip()
            for key, features in matched.items()
        }
        counts = Counter(name for name in names.values() if name)
        for key, name in names.items():
            if name and counts[name] == 1:
                found.setdefault(key, {})[code] = name
    return found


def name_provinces(
    path: str,
    provinces: Vocabulary,
    matched: dict[str, list],
    language: str,
    country: Any,
    keep_slugs: bool,
    others: tuple[str, ...] = (),
) -> Named:
    """Fill in what the vocabulary file lacks from the boundaries file's names, and write it back
    with its comments: the name readers know instead of the ISO name `make new-site` wrote (which
    becomes an alias), the file's other names as aliases, the local name, the Wikidata id; a
    writer's own name, local name or id is never changed. With `keep_slugs` (the site has
    entries), a renamed province keeps its slug, so its address never moves; else the slug
    follows the new name."""
    from ruamel.yaml import YAML

    from .model.boundary_names import file_names, without_shared
    from .model.vocabulary import normalise
    from .newsite import official_languages, slug_of, tool_names, tool_types

    locals_ = official_languages(country) if country is not None else ()
    found = {
        key: file_names(features[0].get("properties") or {}, language, locals_)
        for key, features in matched.items()
    }
    taken = {t.key: {t.name, *t.aliases} for t in provinces.terms}
    found, shared = without_shared(found, taken)
    iso_names = tool_names(country) if country is not None else {}
    common_type = tool_types(country)[1] if country is not None else None
    yaml = YAML()
    yaml.preserve_quotes = True
    yaml.width = 100
    yaml.indent(mapping=2, sequence=2, offset=0)
    with open(path, encoding="utf-8") as handle:
        data = yaml.load(handle)
    report = Named([], 0, 0, 0, shared, 0)
    translated = translated_names(matched, others)
    slugs = {t.slug for t in provinces.terms}
    for item in data or []:
        term = provinces.resolve(str(item.get("name", "")))
        names = found.get(term.key) if term is not None else None
        iso = str(item.get("iso") or "")
        if item.get("type") is not None and item.get("type") == common_type and iso in iso_names:
            del item["type"]  # pycountry's word for most provinces: the profile says the site's
            report.types += 1
        if names is None:
            continue
        aliases = list(item.get("aliases") or [])
        known = {normalise(a) for a in [item["name"], *aliases]}
        if (
            names.display
            and item["name"] == iso_names.get(iso)
            and normalise(names.display) != normalise(item["name"])
        ):
            report.renamed.append((str(item["name"]), names.display))
            aliases.insert(0, str(item["name"]))
            item["name"] = names.display
            new_slug = slug_of(names.display)
            if not keep_slugs and new_slug not in slugs:
                slugs.discard(str(item.get("slug") or ""))
                item["slug"] = new_slug
                slugs.add(new_slug)
            known.add(normalise(names.display))
        for alias in names.aliases:
            if normalise(alias) not in known:
                aliases.append(alias)
                known.add(normalise(alias))
                report.aliases += 1
        if aliases:
            item["aliases"] = aliases
        if names.local and not item.get("local_name"):
            item["local_name"] = names.local
            report.local_names += 1
        given = dict(item.get("names") or {})
        for code, name in translated.get(term.key if term is not None else "", {}).items():
            if code not in given:
                given[code] = name
                report.translated += 1
        if given:
            item["names"] = given
        if names.wikidata and not item.get("wikidata"):
            item["wikidata"] = names.wikidata
            report.wikidata += 1
    with open(path, "w", encoding="utf-8") as handle:
        yaml.dump(data, handle)
    return report
