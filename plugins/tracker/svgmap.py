"""The province map: GeoJSON in the content folder -> SVG path data, drawn at build time.

Pure functions plus one loader; the theme's templates turn the shapes into inline SVG,
so no JavaScript, tiles or network are involved.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from dataclasses import dataclass, field
from typing import Any

from .problems import Reporter
from .vocabulary import Term, Vocabulary

Ring = list[tuple[float, float]]
Polygon = list[Ring]  # outer ring, then holes
SHADES = 5  # class 0 is "no entries"; 1..4 by share of the busiest province
WINDOW = dt.timedelta(days=30)


@dataclass
class ProvinceMap:
    """Polygons per province key, from one GeoJSON file."""

    path: str
    shapes: dict[str, list[Polygon]] = field(default_factory=dict)
    unmapped: list[Term] = field(default_factory=list)  # provinces marked `map: false`


def load_map(path: str, provinces: Vocabulary, reporter: Reporter) -> ProvinceMap | None:
    """Read the GeoJSON, match features to provinces, and report what does not match."""
    try:
        with open(path, encoding="utf-8-sig") as handle:
            text = handle.read()
        features = _features_with_lines(text)
    except FileNotFoundError:
        reporter.error(path, 0, "map file not found (setting TRACKER_MAP)")
        return None
    except (ValueError, UnicodeDecodeError) as exc:
        reporter.error(path, getattr(exc, "lineno", 1), f"invalid GeoJSON: {exc}")
        return None
    by_iso = {str(t.fields.get("iso", "")).upper(): t for t in provinces.terms if t.fields.get("iso")}
    result = ProvinceMap(path)
    for feature, line in features:
        props = feature.get("properties") or {}
        iso = str(props.get("iso_3166_2") or props.get("iso") or "").upper()
        term = by_iso.get(iso) or provinces.resolve(str(props.get("name") or ""))
        polygons = _polygons(feature.get("geometry") or {})
        label = props.get("name") or iso or "unnamed"
        if term is None:
            reporter.warning(path, line, f"map feature '{label}' matches no province (by ISO code or name)")
        elif not polygons:
            reporter.warning(path, line, f"map feature '{label}' has no Polygon or MultiPolygon geometry")
        else:
            result.shapes.setdefault(term.key, []).extend(polygons)
    for term in provinces.terms:
        if term.key in result.shapes:
            continue
        if str(term.fields.get("map", "")).lower() == "false":
            result.unmapped.append(term)
        else:
            reporter.warning(provinces.path, term.line, f"province '{term.name}' has no shape in {path}")
    return result


def _features_with_lines(text: str) -> list[tuple[dict, int]]:
    """Each feature of a FeatureCollection with the line it starts on."""
    decoder = json.JSONDecoder()
    root = json.loads(text)
    if not isinstance(root, dict) or not isinstance(root.get("features"), list):
        raise ValueError("expected a FeatureCollection with a 'features' list")
    position = text.index("[", text.index('"features"')) + 1
    found = []
    for _ in root["features"]:
        while text[position] in " \t\r\n,":
            position += 1
        feature, end = decoder.raw_decode(text, position)
        found.append((feature, text.count("\n", 0, position) + 1))
        position = end
    return found


def _polygons(geometry: dict[str, Any]) -> list[Polygon]:
    kind, coordinates = geometry.get("type"), geometry.get("coordinates") or []
    if kind == "Polygon":
        return [coordinates]
    if kind == "MultiPolygon":
        return list(coordinates)
    return []


@dataclass(frozen=True)
class Projection:
    """Equirectangular, scaled by the cosine of the middle latitude, fitted to `width`."""

    west: float
    north: float
    scale: float
    x_scale: float
    width: float
    height: float

    @classmethod
    def fit(cls, polygons: list[Polygon], width: float) -> Projection:
        points = [p for polygon in polygons for ring in polygon for p in ring]
        west, east = min(p[0] for p in points), max(p[0] for p in points)
        south, north = min(p[1] for p in points), max(p[1] for p in points)
        x_scale = math.cos(math.radians((north + south) / 2))
        scale = width / ((east - west) * x_scale)
        return cls(west, north, scale, x_scale, width, (north - south) * scale)

    def point(self, lon: float, lat: float) -> tuple[float, float]:
        return (lon - self.west) * self.x_scale * self.scale, (self.north - lat) * self.scale


def path_data(polygons: list[Polygon], projection: Projection, digits: int = 1) -> str:
    """SVG path data; holes are separate subpaths, drawn as holes with fill-rule evenodd."""
    parts = []
    for polygon in polygons:
        for ring in polygon:
            points = [projection.point(lon, lat) for lon, lat in ring]
            parts.append("M" + "L".join(f"{x:.{digits}f},{y:.{digits}f}" for x, y in points) + "Z")
    return "".join(parts)


def recent_counts(entries: list[Any], newest: dt.datetime | None) -> dict[str, int]:
    """Entries per province key in the 30 days up to the newest entry (not the clock)."""
    counts: dict[str, int] = {}
    if newest is None:
        return counts
    for entry in entries:
        if newest - WINDOW < entry.date <= newest:
            for province in entry.provinces:
                counts[province.key] = counts.get(province.key, 0) + 1
    return counts


def shade(count: int, busiest: int) -> int:
    """The shading class: 0 for none, then 1..4 by share of the busiest province."""
    if count <= 0 or busiest <= 0:
        return 0
    return 1 + min(SHADES - 2, (count - 1) * (SHADES - 1) // busiest)


def map_shapes(province_map: ProvinceMap, width: float, digits: int = 1) -> tuple[Projection, dict[str, str]]:
    """Projection and path data per province key, for one drawing width."""
    projection = Projection.fit([p for polygons in province_map.shapes.values() for p in polygons], width)
    return projection, {key: path_data(polygons, projection, digits) for key, polygons in province_map.shapes.items()}
