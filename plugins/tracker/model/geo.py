"""The province map: GeoJSON in the content folder -> SVG path data, drawn at build time.

Pure functions plus one loader; the theme's templates turn the shapes into inline SVG,
so no JavaScript, tiles or network are involved.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from ..problems import Reporter
from .gazetteer import coordinates, province_of
from .vocabulary import Term, Vocabulary

Ring = list[tuple[float, float]]
Polygon = list[Ring]  # outer ring, then holes
SHADES = 4  # class 0 is "no entries" (hatched); 1..3 by share of the busiest, each 3:1 from the next
WINDOW = dt.timedelta(days=30)


@dataclass
class ProvinceMap:
    """Polygons per province key, from one GeoJSON file."""

    path: str
    shapes: dict[str, list[Polygon]] = field(default_factory=dict)
    unmapped: list[Term] = field(default_factory=list)  # provinces marked `map: false`

    @cached_property
    def extent(self) -> tuple[float, float, float, float]:
        """(west, north, east, south): the box the map's drawings are fitted to."""
        points = [p for polygons in self.shapes.values() for polygon in polygons for p in polygon[0]]
        return (
            min(p[0] for p in points),
            max(p[1] for p in points),
            max(p[0] for p in points),
            min(p[1] for p in points),
        )


def load_map(path: str, provinces: Vocabulary, reporter: Reporter) -> ProvinceMap | None:
    """Read the GeoJSON, match features to provinces, and report what does not match or is not
    valid GeoJSON (each feature by its number, name and line)."""
    try:
        with open(path, encoding="utf-8-sig") as handle:
            text = handle.read()
        features = _features_with_lines(text)
    except FileNotFoundError:
        reporter.error(path, 0, "map file not found (setting TRACKER_MAP)")
        return None
    except IsADirectoryError:
        reporter.error(path, 0, "map file is a folder (setting TRACKER_MAP names a GeoJSON file)")
        return None
    except (ValueError, UnicodeDecodeError, RecursionError, OSError) as exc:
        message = (
            "nested too deeply" if isinstance(exc, RecursionError) else getattr(exc, "msg", None) or str(exc)
        )
        reporter.error(path, getattr(exc, "lineno", 1), f"invalid GeoJSON: {message}")
        return None
    by_iso = {str(t.fields.get("iso", "")).upper(): t for t in provinces.terms if t.fields.get("iso")}
    result = ProvinceMap(path)
    for number, (feature, line) in enumerate(features, start=1):
        props = feature.get("properties") if isinstance(feature, dict) else None
        props = props if isinstance(props, dict) else {}
        iso, name = _text(props.get("iso_3166_2") or props.get("iso")).upper(), _text(props.get("name"))
        label = f"map feature {number} ('{name or iso or 'unnamed'}')"
        if not isinstance(feature, dict) or feature.get("type") != "Feature":
            reporter.warning(path, line, f"map feature {number} is not a GeoJSON Feature; not drawn")
            continue
        term = by_iso.get(iso) or provinces.resolve(name)
        if term is None:
            reporter.warning(path, line, f"{label} matches no province (by ISO code or name)")
            continue
        try:
            polygons = _polygons(feature.get("geometry"))
        except ValueError as exc:
            reporter.warning(path, line, f"{label}: {exc}; not drawn")
            continue
        if not polygons:
            reporter.warning(path, line, f"{label} has no Polygon or MultiPolygon geometry")
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


def _text(value: Any) -> str:
    """A property as text; lists, mappings and numbers are not names."""
    return value.strip() if isinstance(value, str) else ""


def _no_constant(name: str) -> float:
    raise ValueError(f"{name} is not a number GeoJSON allows")


def _features_with_lines(text: str) -> list[tuple[Any, int]]:
    """Each feature of a FeatureCollection with the line it starts on (1 where it cannot be found)."""
    root = json.loads(text, parse_constant=_no_constant)
    if not isinstance(root, dict) or not isinstance(root.get("features"), list):
        raise ValueError("expected a FeatureCollection with a 'features' list")
    decoder = json.JSONDecoder(parse_constant=_no_constant)
    found: list[tuple[Any, int]] = []
    position = text.find("[", text.find('"features"')) + 1
    for feature in root["features"]:
        line = 1
        if position > 0:
            while position < len(text) and text[position] in " \t\r\n,":
                position += 1
            try:
                _, end = decoder.raw_decode(text, position)
                line, position = text.count("\n", 0, position) + 1, end
            except ValueError:
                position = 0  # "features" was not where the lines can be followed; lines unknown from here
        found.append((feature, line))
    return found


def _polygons(geometry: Any) -> list[Polygon]:
    """The polygons of a Polygon or MultiPolygon as (lon, lat) rings; ValueError when malformed.
    Positions may carry an elevation (RFC 7946): only longitude and latitude are kept."""
    if not isinstance(geometry, dict):
        return []
    kind, coordinates = geometry.get("type"), geometry.get("coordinates")
    if kind == "Polygon":
        return [_polygon(coordinates)]
    if kind == "MultiPolygon":
        if not isinstance(coordinates, list):
            raise ValueError("MultiPolygon coordinates must be a list of polygons")
        return [_polygon(polygon) for polygon in coordinates]
    return []


def _polygon(rings: Any) -> Polygon:
    if (
        not isinstance(rings, list)
        or not rings
        or not all(isinstance(ring, list) and len(ring) >= 4 for ring in rings)
    ):
        raise ValueError("a polygon must be a list of rings of at least four positions")
    return [[_position(point) for point in ring] for ring in rings]


def _position(point: Any) -> tuple[float, float]:
    if (
        not isinstance(point, list)
        or len(point) < 2
        or not all(
            isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v) for v in point[:2]
        )
    ):
        raise ValueError(f"position {json.dumps(point)[:40]} is not [longitude, latitude] in numbers")
    lon, lat = float(point[0]), float(point[1])
    if not (-180 <= lon <= 180 and -90 <= lat <= 90):
        raise ValueError(f"position [{lon:g}, {lat:g}] is outside longitude -180..180, latitude -90..90")
    return lon, lat


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
        scale = width / max((east - west) * x_scale, 1e-9)  # a single point or a line still fits
        return cls(west, north, scale, x_scale, width, (north - south) * scale)

    def point(self, lon: float, lat: float) -> tuple[float, float]:
        return (lon - self.west) * self.x_scale * self.scale, (self.north - lat) * self.scale


def path_data(polygons: list[Polygon], projection: Projection, digits: int = 1) -> str:
    """SVG path data; holes are separate subpaths, drawn as holes with fill-rule evenodd."""
    parts = []
    for polygon in polygons:
        for ring in polygon:
            # Points that fall on one another at this size are drawn once.
            points = [
                f"{x:.{digits}f},{y:.{digits}f}" for x, y in (projection.point(lon, lat) for lon, lat in ring)
            ]
            kept = [point for n, point in enumerate(points) if n == 0 or point != points[n - 1]]
            if len(kept) >= 3:
                parts.append("M" + "L".join(kept) + "Z")
    return "".join(parts)


def contains(polygons: list[Polygon], lon: float, lat: float) -> bool:
    """Whether a point lies inside any of the polygons (even-odd over each polygon's rings, so a
    hole is outside)."""
    for rings in polygons:
        inside = False
        for ring in rings:
            for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1]):
                if (y1 > lat) != (y2 > lat) and lon < x1 + (lat - y1) * (x2 - x1) / (y2 - y1):
                    inside = not inside
        if inside:
            return True
    return False


def check_place_locations(
    province_map: ProvinceMap, places: Vocabulary, provinces: Vocabulary, reporter: Reporter
) -> None:
    """A warning for each place whose coordinates fall outside the map (it is not drawn), or
    outside its own province on the map."""
    if not province_map.shapes:
        return
    for place in places.terms:
        where, province = coordinates(place), province_of(place, provinces)
        if where is None:
            continue
        lon, lat = where
        if not on_map(province_map, lon, lat):
            reporter.warning(
                places.path,
                place.lines.get("lat", place.line),
                f"place '{place.name}' ({lat:g}, {lon:g}) lies outside the map; not drawn on it",
            )
            continue
        if province is None or province.key not in province_map.shapes:
            continue
        if str(place.fields.get("map", "")).lower() == "false":
            continue  # the map's simplified boundary is at fault, and the gazetteer says so
        if not contains(province_map.shapes[province.key], lon, lat):
            reporter.warning(
                places.path,
                place.lines.get("lat", place.line),
                f"place '{place.name}' ({lat:g}, {lon:g}) lies outside {province.name} on the map",
            )


def on_map(province_map: ProvinceMap, lon: float, lat: float) -> bool:
    """Whether a point lies within the map's extent (the box its drawings are fitted to)."""
    west, north, east, south = province_map.extent
    return west <= lon <= east and south <= lat <= north


def shade(count: int, busiest: int) -> int:
    """The shading class: 0 for none, then 1..4 by share of the busiest province."""
    if count <= 0 or busiest <= 0:
        return 0
    return 1 + min(SHADES - 2, (count - 1) * (SHADES - 1) // busiest)


@dataclass(frozen=True)
class Label:
    """Where a province's name goes: the centre of its largest polygon, and its drawn size."""

    x: float
    y: float
    width: float
    height: float


def labels(province_map: ProvinceMap, projection: Projection) -> dict[str, Label]:
    """A label position per province key: the area centroid of its largest polygon's outer ring."""
    found: dict[str, Label] = {}
    for key, polygons in province_map.shapes.items():
        best: tuple[float, float, float, float, float] | None = None  # area, centre, width, height
        for polygon in polygons:
            points = [projection.point(lon, lat) for lon, lat in polygon[0]]
            area, cx, cy = _centroid(points)
            if best is None or abs(area) > abs(best[0]):
                xs, ys = [p[0] for p in points], [p[1] for p in points]
                best = (area, cx, cy, max(xs) - min(xs), max(ys) - min(ys))
        if best is None:
            continue  # no polygon: nowhere to put the name (`load_map` keeps no such province)
        area, cx, cy, width, height = best
        found[key] = Label(round(cx, 1), round(cy, 1), round(width, 1), round(height, 1))
    return found


def _centroid(points: list[tuple[float, float]]) -> tuple[float, float, float]:
    """(signed area, x, y) of a ring's area centroid; a degenerate ring gives its first point."""
    area = cx = cy = 0.0
    for (x0, y0), (x1, y1) in zip(points, points[1:] + points[:1]):
        cross = x0 * y1 - x1 * y0
        area += cross
        cx += (x0 + x1) * cross
        cy += (y0 + y1) * cross
    if abs(area) < 1e-9:
        return 0.0, points[0][0], points[0][1]
    return area / 2, cx / (3 * area), cy / (3 * area)


def map_shapes(province_map: ProvinceMap, width: float, digits: int = 1) -> tuple[Projection, dict[str, str]]:
    """Projection and path data per province key, for one drawing width."""
    projection = Projection.fit([p for polygons in province_map.shapes.values() for p in polygons], width)
    return projection, {
        key: path_data(polygons, projection, digits) for key, polygons in province_map.shapes.items()
    }
