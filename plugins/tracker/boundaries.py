"""`make boundaries`: a site's map file from the admin-1 boundaries people have.

Reads GeoJSON, TopoJSON or a shapefile (geoBoundaries, Natural Earth and GADM publish all three),
matches each feature to a province of the site's vocabulary by ISO 3166-2 code or by name and
alias, says which features and provinces are left unmatched, drops the features that match
nothing (such as Natural Earth's `-99`), simplifies the outlines until the file fits a size
budget, and writes the map file the site's settings name (`TRACKER_MAP`).
"""

from __future__ import annotations

import json
import math
import os
import re
import struct
from pathlib import Path
from typing import Any

from .model.vocabulary import Vocabulary

ISO_KEYS = ("iso_3166_2", "ISO_3166_2", "iso", "ISO", "ISO_1", "shapeISO", "iso_3166_2_code")
NAME_KEYS = ("name", "NAME", "NAME_1", "shapeName", "name_en", "NAME_EN", "gn_name", "woe_name", "VARNAME_1")
DIGITS = 4  # decimal places kept: about 10 m


class BoundariesError(Exception):
    """A reason the file cannot be used, in one line."""


def read_features(path: str) -> list[dict[str, Any]]:
    """GeoJSON features from a .geojson/.json (GeoJSON or TopoJSON) or .shp file, each with a
    mapping of properties and a geometry of longitude/latitude polygons (see `checked`)."""
    if not path or not os.path.isfile(path):
        raise BoundariesError(
            f"{path or 'FILE='}: no such file (give the boundaries file: make boundaries FILE=<file>)"
        )
    features = read_shapefile(path) if path.lower().endswith(".shp") else read_json(path)
    return [checked(path, number, feature) for number, feature in enumerate(features, 1)]


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


def simplify(points: list, tolerance: float) -> list:
    """Douglas–Peucker on one closed ring (first point kept; at least a triangle)."""
    if tolerance <= 0 or len(points) < 5:
        return points
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        (ax, ay), (bx, by) = points[first][:2], points[last][:2]
        length = math.hypot(bx - ax, by - ay)
        worst, at = 0.0, -1
        for i in range(first + 1, last):
            px, py = points[i][:2]
            distance = (
                abs((bx - ax) * (ay - py) - (ax - px) * (by - ay)) / length
                if length
                else math.hypot(px - ax, py - ay)
            )
            if distance > worst:
                worst, at = distance, i
        if worst > tolerance and at > 0:
            keep[at] = True
            stack += [(first, at), (at, last)]
    kept = [p for p, k in zip(points, keep) if k]
    if len(kept) < 4:  # a ring needs three corners: the first, two far apart, and the first again
        kept = [points[0], points[len(points) // 3], points[2 * len(points) // 3], points[-1]]
    return kept


def map_file(matched: dict[str, list], provinces: Vocabulary, tolerance: float) -> str:
    """The site's map as GeoJSON text: one feature per province, named and coded as the
    vocabulary says, outlines simplified by `tolerance` degrees."""
    features = []
    for term in sorted(provinces.terms, key=lambda t: t.name):
        if term.key not in matched:
            continue
        shapes = []
        for feature in matched[term.key]:
            for polygon in polygons(feature.get("geometry") or {}):
                rings = [
                    [[round(x, DIGITS), round(y, DIGITS)] for x, y, *_ in simplify(r, tolerance)]
                    for r in polygon
                ]
                shapes.append(rings)
        properties = {"name": term.name}
        if term.fields.get("iso"):
            properties["iso_3166_2"] = term.fields["iso"]
        geometry = {"type": "MultiPolygon", "coordinates": shapes}
        features.append({"type": "Feature", "properties": properties, "geometry": geometry})
    return json.dumps(
        {"type": "FeatureCollection", "features": features}, ensure_ascii=False, separators=(",", ":")
    )


def convert(source: str, provinces: Vocabulary, budget: int) -> tuple[str, list[str], list[str], float]:
    """(map GeoJSON text within `budget` bytes when it can be, features matching no province,
    provinces with no feature, the tolerance used)."""
    features = read_features(source)
    if not features:
        raise BoundariesError(f"{source}: holds no features")
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
        tolerance = tolerance * 2 if tolerance else 0.0005
        text = map_file(matched, provinces, tolerance)
    return text, unmatched, missing, tolerance


__all__ = ["BoundariesError", "convert"]
