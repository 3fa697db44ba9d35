"""The site as a dataset: an entry's events as rows (for tables and exports), each entry's rows of
the export files, and the files (CSV and JSON) made from them.

Pure: bytes out, nothing written here. Column names follow ACLED's where they apply, so that a
researcher can put the site's events next to ACLED's. Each entry's rows are made once, when the
entry changes, and kept: an export is its header and every entry's rows in order.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import orjson
from markupsafe import Markup

from .events import Event
from .figures import Fatalities
from .language import N_


@dataclass(frozen=True)
class EventRow:
    """One event with its id and its entry, and the links pages give its place, province and
    actors (None where a term has no page)."""

    id: str  # the entry's date and slug, and the event's position in the entry
    event: Event
    entry_title: str
    entry_url: str
    position: int  # in its entry, from 1
    # Oldest first: the event's day, its entry's (date, slug), its position.
    order: tuple[dt.date, dt.datetime, str, int]
    place: Any = None
    province: Any = None
    actors: tuple[Any, ...] = ()

    @property
    def latitude(self) -> float | None:
        place = self.event.place
        return place.fields.get("lat") if place is not None and place.known else None

    @property
    def longitude(self) -> float | None:
        place = self.event.place
        return place.fields.get("lon") if place is not None and place.known else None


def event_rows(
    record: Any, link: Callable[[str, Any], Any] = lambda kind, term: None
) -> tuple[EventRow, ...]:
    """An entry's events as rows, in its order; `link(kind, term)` is how pages link a term."""
    stamp = record.date.date().isoformat()
    return tuple(
        EventRow(
            f"{stamp}-{record.slug}-{n}",
            event,
            record.title,
            record.url,
            n,
            (event.date, record.date, record.slug, n),
            link("place", event.place) if event.place else None,
            link("province", event.province) if event.province else None,
            tuple(link("actor", actor) for actor in event.actors),
        )
        for n, event in enumerate(record.events, start=1)
    )


# A tag as text may spell it once the HTML's own tags are gone: `<`, then a letter, `/` or `!`.
TAG_LIKE = re.compile(r"<[A-Za-z/!][^<>]*>")


def plain_text(html: str) -> str:
    """HTML as one line of plain text that carries no markup. The HTML's tags are stripped and its
    text decoded once; what then still looks like a tag (`<script>` quoted in code) is removed,
    and any `<` left before a letter is written `‹`, so that nothing reads as markup where the
    text is shown as HTML by mistake. Other text, `<` and `>` included, is kept as written."""
    text = " ".join(Markup(html).striptags().split())
    text = TAG_LIKE.sub("", text)
    return re.sub(r"<(?=[A-Za-z/!])", "‹", text)


EVENT_COLUMNS = (
    (
        "event_id",
        N_("The event's id, stable across builds: its entry's date and slug and its position in the entry."),
    ),
    ("event_date", N_("The day of the event (ISO 8601, YYYY-MM-DD).")),
    ("year", N_("The year of the event.")),
    ("event_type", N_("ACLED's event type, e.g. Battles.")),
    ("sub_event_type", N_("ACLED's sub-event type, e.g. Armed clash; empty when the entry does not say.")),
    ("actor1", N_("The first actor named, the initiator where known.")),
    ("actor2", N_("The second actor named.")),
    ("assoc_actors", N_("Any further actors, separated by '; ' (a list in the JSON).")),
    ("admin1", N_("The province.")),
    ("location", N_("The place, by its gazetteer name; empty when the event names none.")),
    ("latitude", N_("The place's latitude in decimal degrees; empty without a gazetteer place.")),
    ("longitude", N_("The place's longitude in decimal degrees.")),
    ("fatalities", N_("Reported fatalities; empty when the entry gives no figure (not the same as 0).")),
    ("claim", N_("How firm the report is: reported, confirmed or disputed.")),
    ("source", N_("The event's source as the entry gives it (a URL or a name).")),
    ("notes", N_("The author's note on the event.")),
    ("entry_url", N_("The entry that records the event.")),
    ("entry_title", N_("That entry's title.")),
)
ENTRY_COLUMNS = (
    ("date", N_("The entry's date (ISO 8601 with the site's time zone).")),
    ("covers_from", N_("The first day the entry covers; empty when it does not say.")),
    ("covers_to", N_("The last day it covers.")),
    ("title", N_("The title.")),
    ("url", N_("The entry's address.")),
    ("provinces", N_("Its provinces, separated by '; ' (a list in the JSON).")),
    ("actors", N_("Its actors, likewise.")),
    ("places", N_("Its places, likewise.")),
    ("tags", N_("Its tags, likewise.")),
    ("summary", N_("Its summary as plain text; empty when the author wrote none.")),
    ("updated", N_("When it was corrected; empty when it never was.")),
    ("events", N_("How many events it records.")),
    (
        "fatalities",
        N_(
            "The reported fatalities of its events: empty when none of them gives a figure (not the same"
            " as 0); a minimum when events_without_figure is more than 0."
        ),
    ),
    ("events_without_figure", N_("How many of its events give no fatality figure.")),
)


def event_values(row: EventRow, absolute: Callable[[str], str]) -> dict[str, Any]:
    """An event as export values, by column."""
    event, names = row.event, [actor.name for actor in row.event.actors]
    return {
        "event_id": row.id,
        "event_date": event.date.isoformat(),
        "year": event.date.year,
        "event_type": event.type,
        "sub_event_type": event.sub_type,
        "actor1": names[0] if names else "",
        "actor2": names[1] if len(names) > 1 else "",
        "assoc_actors": names[2:],
        "admin1": event.province.name if event.province else "",
        "location": event.place.name if event.place else "",
        "latitude": row.latitude,
        "longitude": row.longitude,
        "fatalities": event.fatalities,
        "claim": event.claim,
        "source": event.source,
        "notes": event.notes,
        "entry_url": absolute(row.entry_url),
        "entry_title": row.entry_title,
    }


def entry_values(record: Any, url: str) -> dict[str, Any]:
    """An entry's metadata as export values, by column."""
    covers, updated = record.covers, record.updated
    figures = Fatalities.of(event.fatalities for event in record.events)
    return {
        "date": record.date.isoformat(),
        "covers_from": covers[0].isoformat() if covers else "",
        "covers_to": covers[1].isoformat() if covers else "",
        "title": record.title,
        "url": url,
        "provinces": [t.name for t in record.provinces],
        "actors": [t.name for t in record.actors],
        "places": [t.name for t in record.places],
        "tags": [t.name for t in record.tags],
        "summary": plain_text(record.summary) if record.summary else "",
        "updated": updated.isoformat() if updated else "",
        "events": len(record.events),
        "fatalities": figures.total,
        "events_without_figure": figures.without,
    }


def export_rows(record: Any, absolute: Callable[[str], str]) -> dict[str, list[Any]]:
    """An entry's rows of the exports, as text: its own ([CSV line, JSON object]) and its events'
    ([order, CSV line, JSON object] each); an export is then joined, not serialised again."""
    own = entry_values(record, absolute(record.url))
    return {
        "entry": [csv_line(ENTRY_COLUMNS, own), json_item(own)],
        "events": [
            [
                [row.order[0].isoformat(), row.order[1].isoformat(), row.order[2], row.order[3]],
                csv_line(EVENT_COLUMNS, values),
                json_item(values),
            ]
            for row in event_rows(record)
            for values in [event_values(row, absolute)]
        ],
    }


def csv_line(columns: tuple[tuple[str, str], ...], values: dict[str, Any]) -> str:
    """One CSV record (RFC 4180 quoting and line end) of values by column."""
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerow([_cell(values[name]) for name, _ in columns])
    return out.getvalue()


# A spreadsheet runs a cell that starts with one of these as a formula (`=cmd|' /C calc'!A0`).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: Any) -> str:
    """A value as CSV text; text that a spreadsheet would run as a formula gets a leading `'`
    (OWASP's advice), while numbers, negative ones included, stay numbers."""
    if value is None:
        return ""
    if isinstance(value, (int, float)):
        return str(value)
    text = "; ".join(value) if isinstance(value, list) else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def header(columns: tuple[tuple[str, str], ...]) -> str:
    """A CSV file's first line: its column names."""
    return csv_line(columns, {name: name for name, _ in columns})


def json_item(values: dict[str, Any]) -> str:
    """An object as an item of an indented JSON array (what `json_array` joins)."""
    return "  " + orjson.dumps(values, option=orjson.OPT_INDENT_2).decode("utf-8").replace("\n", "\n  ")


def json_array(items: list[str]) -> bytes:
    """The JSON array of items made by `json_item`, as orjson would indent it."""
    return (("[\n" + ",\n".join(items) + "\n]") if items else "[]").encode("utf-8") + b"\n"


def exports(rows: list[dict[str, list[Any]]]) -> dict[str, bytes]:
    """The four files from every published entry's rows, its entries oldest first: events.csv and
    events.json (oldest event first), entries.csv and entries.json."""
    events = sorted((row for entry in rows for row in entry["events"]), key=lambda row: row[0])
    return {
        "events.csv": (header(EVENT_COLUMNS) + "".join(row[1] for row in events)).encode("utf-8"),
        "events.json": json_array([row[2] for row in events]),
        "entries.csv": (header(ENTRY_COLUMNS) + "".join(e["entry"][0] for e in rows)).encode("utf-8"),
        "entries.json": json_array([e["entry"][1] for e in rows]),
    }


@dataclass(frozen=True)
class DataFile:
    """An export as the data page lists it."""

    name: str  # file name in the data folder
    save_as: str  # also its URL: a file's URL is its path in the output folder
    title: str
    rows: int
    columns: tuple[tuple[str, str], ...]
    format: str

    @property
    def url(self) -> str:
        return self.save_as


def data_files(folder: str, events: int, entries: int) -> tuple[DataFile, ...]:
    """The exports the data page lists, in the data page's folder."""
    found = []
    for name, title, rows, columns in (
        ("events", "Events", events, EVENT_COLUMNS),
        ("entries", "Entries", entries, ENTRY_COLUMNS),
    ):
        for fmt in ("csv", "json"):
            file = f"{name}.{fmt}"
            found.append(DataFile(file, f"{folder}/{file}" if folder else file, title, rows, columns, fmt))
    return tuple(found)
