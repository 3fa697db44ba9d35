"""The province map: its geometry (shapes, labels and place dots, fixed by the map file and the
vocabulary), and its shading by the entries or events of the 30 days up to the newest entry.

Pure. Pages that only locate something (an entry's places, a province, a place) read the
geometry, which changes only with the map file; the shaded maps of the home and provinces pages
change with the newest entries.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from types import MappingProxyType
from typing import NamedTuple

from .figures import Fatalities
from .gazetteer import coordinates
from .geo import WINDOW, Label, ProvinceMap, labels, map_shapes, on_map, shade
from .language import active
from .lists import SITE, SiteLists
from .record import Head
from .terms import TermLink
from .vocabulary import Vocabulary

MAP_WIDTH, LOCATOR_WIDTH = 600, 220
CHAR_WIDTH = 0.62  # a label character's width, in ems
# Label font sizes in user units, wide screens and phones: at least 11.5 px on a map drawn 535 px
# wide, and on one drawn 330 px wide (the CSS says the same).
LABEL_SIZES = {"wide": 13, "narrow": 21}
TAP_TARGET = 44  # user units: 24 CSS px when the map is drawn 330 px wide on a phone


@dataclass(frozen=True)
class Shape:
    page: TermLink
    key: str
    d: str  # its outline, drawn once in the map's sprite file (see `Geometry.sprite`)
    label: Label | None = None  # where its name goes (the full-size map only)
    text: str = ""  # its label: the vocabulary's short `label`, else its name
    small: bool = False  # too small to tap on a phone: drawn with a marker that is a target too
    id: str = ""  # its outline's id in the sprite file: "f-<slug>" at full size, "l-<slug>" for locators


@dataclass(frozen=True)
class Drawing:
    width: int
    height: int
    shapes: tuple[Shape, ...]
    dots: Mapping[str, tuple[float, float]] = field(default_factory=dict)  # place key -> (x, y)


@dataclass(frozen=True)
class Geometry:
    """The map as drawn at two sizes, with the notes on provinces it does not draw.

    The outlines are drawn once, in a sprite file the browser caches (`sprite`, written at
    `sprite_path`): a page carries only what differs, each province a `<use>` of its outline
    shaded by the page's own CSS, its link and title, the dots and the labels."""

    full: Drawing
    locator: Drawing
    notes: tuple[str, ...]

    @cached_property
    def sprite(self) -> str:
        """Every province's outline at both sizes, by id, in `<defs>` (drawn only where used)."""
        paths = "".join(f'<path id="{s.id}" d="{s.d}"/>' for d in (self.full, self.locator) for s in d.shapes)
        return f'<svg xmlns="http://www.w3.org/2000/svg"><defs>{paths}</defs></svg>\n'

    @cached_property
    def sprite_path(self) -> str:
        """Where the sprite is written (and linked): its name changes with its content, so a browser
        never keeps an old one."""
        return f"map/outlines-{hashlib.blake2b(self.sprite.encode(), digest_size=6).hexdigest()}.svg"


@dataclass(frozen=True)
class ShadedShape:
    """A province on a shaded map: its shape, what is counted in it and its shade."""

    shape: Shape
    count: int
    shade: int
    # Where its label is drawn on wide screens and on phones (where labels are larger against the
    # map), or None where it is left out (see `drawn_labels`).
    wide: LabelBox | None = None
    narrow: LabelBox | None = None

    page = property(lambda self: self.shape.page)
    key = property(lambda self: self.shape.key)
    d = property(lambda self: self.shape.d)
    label = property(lambda self: self.shape.label)
    text = property(lambda self: self.shape.text)
    small = property(lambda self: self.shape.small)
    id = property(lambda self: self.shape.id)


@dataclass(frozen=True)
class ShadedDrawing:
    width: int
    height: int
    shapes: tuple[ShadedShape, ...]


@dataclass(frozen=True)
class PlaceDot:
    """Places on the full map at one spot: the link of the one named most, the entries (or events)
    of all of them in the map's 30 days, where, how big, and each place with its own count."""

    link: TermLink
    count: int
    x: float
    y: float
    r: float
    places: tuple[tuple[TermLink, int], ...] = ()


@dataclass(frozen=True)
class SiteMap:
    """The province map shaded by entries (or events) in the 30 days up to the newest entry."""

    full: ShadedDrawing
    locator: Drawing
    since: dt.datetime | None
    until: dt.datetime | None
    rows: tuple[tuple[TermLink, int], ...]
    notes: tuple[str, ...]
    legend: tuple[tuple[int, str], ...]
    place_dots: tuple[PlaceDot, ...] = ()
    unit: str = "entries"
    fatalities: Mapping[str, Fatalities] = field(default_factory=dict)  # by province, on the events map

    @property
    def first_day(self) -> dt.date | None:
        return (self.since + dt.timedelta(days=1)).date() if self.since else None


def geometry(
    province_map: ProvinceMap,
    provinces: Mapping[str, TermLink],
    places: Vocabulary,
    short_labels: Mapping[str, str] | None = None,
) -> Geometry:
    """The map's shapes, labels and place positions at both sizes; a province's label is its
    `short_labels` entry (the vocabulary's `label`), else its name."""
    texts = {key: (short_labels or {}).get(key) or provinces[key].name for key in province_map.shapes}
    drawings = []
    for width, digits in ((MAP_WIDTH, 1), (LOCATOR_WIDTH, 0)):
        projection, paths = map_shapes(province_map, width, digits)
        placed = labels(province_map, projection) if width == MAP_WIDTH else {}
        small = {key for key, label in placed.items() if min(label.width, label.height) < TAP_TARGET}
        shapes = []
        for key, d in sorted(paths.items()):
            shapes.append(
                Shape(
                    provinces[key],
                    key,
                    d,
                    placed.get(key),
                    texts[key],
                    key in small,
                    f"{'f' if width == MAP_WIDTH else 'l'}-{provinces[key].slug}",
                )
            )
        dots: dict[str, tuple[float, float]] = {}
        for place in places.terms:
            where = coordinates(place)
            if where is not None and on_map(province_map, *where):  # else not drawn
                x, y = projection.point(*where)
                dots[place.key] = (round(x, 1), round(y, 1))
        drawings.append(
            Drawing(round(projection.width), round(projection.height), tuple(shapes), MappingProxyType(dots))
        )
    notes = tuple(
        str(
            t.fields.get("map_note")
            or active().gettext("%(name)s is not drawn on the map.") % {"name": t.name}
        )
        for t in province_map.unmapped
    )
    return Geometry(drawings[0], drawings[1], notes)


def window_heads(lists: SiteLists) -> list[Head]:
    """The published entries of the 30 days up to the newest one, newest first."""
    newest = lists.newest_head
    found: list[Head] = []
    if newest is None:
        return found
    for _, _, path in reversed(lists.lists[SITE]):
        head = lists.heads[path]
        if head.date <= newest.date - WINDOW:
            break
        found.append(head)
    return found


def shaded(
    drawn: Geometry,
    lists: SiteLists,
    provinces: Mapping[str, TermLink],
    places: Mapping[str, TermLink],
    events: bool = False,
) -> SiteMap:
    """The map shaded by the entries naming each province (or, with `events`, by the events in it)
    in the 30 days up to the newest entry, with the places named in those days as dots."""
    recent = window_heads(lists)
    newest = recent[0].date if recent else None
    counts: dict[str, int] = {}  # by province
    place_counts: dict[str, int] = {}
    figures: dict[str, list[int | None]] = {}  # by province: each event's figure (None: none given)
    first = ((newest - WINDOW).date() + dt.timedelta(days=1)).isoformat() if newest else ""
    last = newest.date().isoformat() if newest else ""
    for head in recent:
        if events:
            for fact in (f for f in head.events if first <= f.day <= last):
                if fact.province is not None:
                    counts[fact.province] = counts.get(fact.province, 0) + 1
                    figures.setdefault(fact.province, []).append(fact.fatalities)
                if fact.place is not None:
                    place_counts[fact.place] = place_counts.get(fact.place, 0) + 1
        else:
            for key in head.provinces:
                counts[key] = counts.get(key, 0) + 1
            for key in head.places:
                place_counts[key] = place_counts.get(key, 0) + 1
    busiest = max(counts.values(), default=0)
    dots = place_dots(place_counts, drawn.full.dots, places)
    spots = [(d.x - d.r, d.y - d.r, d.x + d.r, d.y + d.r) for d in dots]
    at = {name: drawn_labels(drawn.full, counts, size, spots) for name, size in LABEL_SIZES.items()}
    full = ShadedDrawing(
        drawn.full.width,
        drawn.full.height,
        tuple(
            ShadedShape(
                s,
                counts.get(s.key, 0),
                shade(counts.get(s.key, 0), busiest),
                at["wide"].get(s.key),
                at["narrow"].get(s.key),
            )
            for s in drawn.full.shapes
        ),
    )
    rows = tuple((link, counts.get(key, 0)) for key, link in sorted_known(provinces))
    return SiteMap(
        full,
        drawn.locator,
        newest - WINDOW if newest else None,
        newest,
        rows,
        drawn.notes,
        tuple(map_legend(busiest, "events" if events else "entries")),
        dots,
        "events" if events else "entries",
        MappingProxyType({key: Fatalities.of(given) for key, given in figures.items()}),
    )


def sorted_known(links: Mapping[str, TermLink]) -> list[tuple[str, TermLink]]:
    """Known terms' links by name."""
    return sorted(
        ((k, v) for k, v in links.items() if v.known), key=lambda kv: (kv[1].name.casefold(), kv[0])
    )


SAME_SPOT = 6.0  # map units: places whose dots are closer than this are drawn as one dot


def place_dots(
    counts: Mapping[str, int], spots: Mapping[str, tuple[float, float]], places: Mapping[str, TermLink]
) -> tuple[PlaceDot, ...]:
    """One dot per spot, largest first: places that share a spot (or nearly) are one dot, sized
    by their counts together and linked to the place named most."""
    groups: list[list[tuple[str, int]]] = []
    for key, n in sorted(
        counts.items(), key=lambda kv: (-kv[1], places[kv[0]].name if kv[0] in places else "")
    ):
        if key not in spots or key not in places:
            continue
        x, y = spots[key]
        for group in groups:
            gx, gy = spots[group[0][0]]
            if math.hypot(x - gx, y - gy) < SAME_SPOT:
                group.append((key, n))
                break
        else:
            groups.append([(key, n)])
    totals = [sum(n for _, n in group) for group in groups]
    most = max(totals, default=0)
    dots = [
        PlaceDot(
            places[group[0][0]],
            total,
            *spots[group[0][0]],
            dot_radius(total, most),
            tuple((places[key], n) for key, n in group),
        )
        for group, total in zip(groups, totals)
    ]
    return tuple(sorted(dots, key=lambda dot: (-dot.count, dot.link.name)))


def dot_radius(count: int, most: int) -> float:
    """A place dot's radius in map units: its area grows with its entries, from 3 to 9."""
    return round(3 + 6 * math.sqrt(count / most), 1) if most else 3.0


Box = tuple[float, float, float, float]  # left, top, right, bottom


def label_box(label: Label, text: str, size: float, small: bool, width: float, lines: float = 0) -> Box:
    """Where a label's text is drawn at font `size`: centred on its point (or above the marker of
    a small province), `lines` lines lower (or higher, below 0), moved sideways as far as it must
    to stay on a map `width` wide."""
    half, height = len(text) * size * CHAR_WIDTH / 2, size * 1.2
    x = min(max(label.x, half), width - half)
    y = label.y - (0.9 * size if small else 0) + lines * height
    return x - half, y - height / 2, x + half, y + height / 2


class LabelBox(NamedTuple):
    """Where a label is drawn: its plate's corners; its text is centred on `x`, `y`."""

    left: float
    top: float
    right: float
    bottom: float

    @property
    def x(self) -> float:
        return round((self.left + self.right) / 2, 1)

    @property
    def y(self) -> float:
        return round((self.top + self.bottom) / 2, 1)

    @property
    def width(self) -> float:
        return round(self.right - self.left, 1)

    @property
    def height(self) -> float:
        return round(self.bottom - self.top, 1)


def drawn_labels(
    drawing: Drawing, counts: Mapping[str, int], size: float, spots: list[Box] | None = None
) -> dict[str, LabelBox]:
    """Where each drawn label's text is centred at font `size`. The provinces the map shades come
    first (the busiest first), then the larger ones; a label is drawn where it overlaps no label
    drawn before it and none of the map's dots (`spots`), covers no other province's label
    point (it would name the wrong place: a long name over a small neighbour), and stays on the
    map: on its point, or a line above or below it. A province left without a label keeps its
    name in its title and the map's table."""
    obstacles = list(spots or ())
    shapes = [s for s in drawing.shapes if s.label is not None]
    points = {s.key: (s.label.x, s.label.y) for s in shapes if s.label is not None}
    order = sorted(
        shapes,
        key=lambda s: (
            -counts.get(s.key, 0),
            s.small,
            -s.label.width * s.label.height if s.label else 0,
            s.key,
        ),
    )
    drawn: list[Box] = []
    found = {}
    for s in order:
        assert s.label is not None
        # A place a label may go: its point, a line above, a line below; clear of the dots if it
        # can be, else over them (its plate leaves them showing round it).
        tries = [(lines, over) for over in (False, True) for lines in (0, -1, 1)]
        for lines, over_dots in tries:
            box = label_box(s.label, s.text, size, s.small, drawing.width, lines)
            if box[1] < 0 or box[3] > drawing.height or any(_overlap(box, other) for other in drawn):
                continue
            if not over_dots and any(_overlap(box, o) for o in obstacles):
                continue
            if any(_covers(box, point) for key, point in points.items() if key != s.key):
                continue
            drawn.append(box)
            found[s.key] = LabelBox(*(round(n, 1) for n in box))
            break
    return found


def _covers(box: Box, point: tuple[float, float]) -> bool:
    return box[0] <= point[0] <= box[2] and box[1] <= point[1] <= box[3]


def _overlap(a: Box, b: Box) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def map_legend(busiest: int, unit: str = "entries") -> list[tuple[int, str]]:
    """(shade class, label) pairs for the map legend."""
    words = active()
    if busiest <= 0:
        return [(0, words.gettext("no events") if unit == "events" else words.gettext("no entries"))]
    found, previous = [(0, words.gettext("none"))], 0
    for count in range(1, busiest + 1):
        level = shade(count, busiest)
        if level != previous:
            found.append((level, words.number(count)))
            previous = level
        else:
            found[-1] = (level, f"{found[-1][1].split('–')[0]}–{words.number(count)}")
    return found
