"""The site as a dataset: every published entry's events as rows, their tallies per term, and
the export files (CSV and JSON), built from the model and nothing else.

Pure: the exports are bytes, never written here. Column names follow ACLED's where they apply,
so that a researcher can put the site's events next to ACLED's.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import orjson
from markupsafe import Markup

from .charts import Chart, bar_chart
from .digests import digest_bytes
from .events import Event


@dataclass(frozen=True)
class EventRow:
    """One event with its id and its entry: a row of `events.csv`."""

    id: str  # the entry's date and slug, and the event's position in the entry
    event: Event
    entry_title: str
    entry_url: str
    source_path: str
    position: int  # in its entry, from 1
    entry_key: tuple  # its entry's (date, slug): entries on one day in a stable order
    place: Any = None  # how pages link the event's place, province and actors (TermLinks; None: no page)
    province: Any = None
    actors: tuple = ()
    digest: str = field(default="", compare=False)

    @property
    def order(self) -> tuple:
        """Oldest first: by the event's day, then its entry, then its place in the entry (not by
        id, whose text puts an entry's tenth event before its second)."""
        return self.event.date, self.entry_key, self.position

    @property
    def latitude(self) -> float | None:
        place = self.event.place
        return place.fields.get("lat") if place is not None and place.known else None

    @property
    def longitude(self) -> float | None:
        place = self.event.place
        return place.fields.get("lon") if place is not None and place.known else None


@dataclass(frozen=True)
class MonthRow:
    label: str
    events: int
    fatalities: int


@dataclass(frozen=True)
class EventTally:
    """A term's events: counts, reported fatalities, monthly charts, and the rows, newest first."""

    count: int
    fatalities: int
    rows: tuple[EventRow, ...]
    events_chart: Chart | None
    fatalities_chart: Chart | None
    digest: str = field(default="", compare=False)

    @cached_property
    def _by_entry(self) -> dict[str, list[EventRow]]:
        return rows_by_entry(self.rows)

    def of_entries(self, entries: Iterable[Any]) -> tuple[EventRow, ...]:
        """The rows of the given entries (those a page lists), newest first."""
        found = [row for entry in entries for row in self._by_entry.get(entry.source_path, ())]
        return tuple(sorted(found, key=lambda row: row.order, reverse=True))

    def months(self) -> list[MonthRow]:
        """The charts' text equivalent: events and fatalities per month."""
        if self.events_chart is None or self.fatalities_chart is None:
            return []
        return [
            MonthRow(bar.label, bar.count, other.count)
            for bar, other in zip(self.events_chart.bars, self.fatalities_chart.bars)
        ]


def event_rows(
    newest_first: tuple, urls: Callable[[Any], str], link: Callable[[str, Any], Any]
) -> tuple[EventRow, ...]:
    """Every event of the published entries, oldest first (by event date, then entry, then
    position in the entry); `link(kind, term)` is how pages link a term (None: no page)."""
    rows = []
    for entry in newest_first:
        stamp = entry.date.date().isoformat()
        for n, event in enumerate(getattr(entry, "events", None) or (), start=1):
            row_id = f"{stamp}-{entry.slug}-{n}"
            url = urls(entry)
            links = (
                link("place", event.place) if event.place else None,
                link("province", event.province) if event.province else None,
                tuple(link("actor", actor) for actor in event.actors),
            )
            rows.append(
                EventRow(
                    row_id,
                    event,
                    entry.title,
                    url,
                    entry.source_path,
                    n,
                    (entry.date, entry.slug),
                    *links,
                    digest_bytes(
                        row_id,
                        repr(event),
                        entry.title,
                        url,
                        *(getattr(term, "digest", "-") for term in (links[0], links[1], *links[2])),
                    ),
                )
            )
    return tuple(sorted(rows, key=lambda row: row.order))


def rows_by_entry(rows: Iterable[EventRow]) -> dict[str, list[EventRow]]:
    """Rows by their entry's source path, each entry's in the order of `rows`."""
    found: dict[str, list[EventRow]] = {}
    for row in rows:
        found.setdefault(row.source_path, []).append(row)
    return found


def plain_summary(entry: Any) -> str:
    """The summary the author wrote, as one line of plain text ("" when there is none)."""
    summary = (getattr(entry, "metadata", None) or {}).get("summary")
    return plain_text(summary) if summary else ""


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


def tally(rows: Iterable[EventRow]) -> EventTally | None:
    """Counts and monthly charts of `rows` (oldest first); None without rows."""
    rows = tuple(rows)
    if not rows:
        return None
    events: Counter[dt.date] = Counter()
    dead: Counter[dt.date] = Counter()
    for row in rows:
        events[row.event.date] += 1
        dead[row.event.date] += row.event.fatalities or 0
    newest = rows[::-1]
    return EventTally(
        len(rows),
        sum(dead.values()),
        newest,
        bar_chart(events, monthly=True),
        bar_chart(dead, monthly=True),
        digest_bytes("tally", *(row.digest for row in newest)),
    )


def rows_by_term(rows: tuple[EventRow, ...]) -> dict[tuple[str, str], list[EventRow]]:
    """Rows by (kind, key) of their province, place and actors."""
    found: dict[tuple[str, str], list[EventRow]] = {}
    for row in rows:
        event = row.event
        keys = {("province", event.province.key)} if event.province else set()
        keys |= {("place", event.place.key)} if event.place else set()
        keys |= {("actor", actor.key) for actor in event.actors}
        for key in keys:
            found.setdefault(key, []).append(row)
    return found


# The columns of the exports: (name, what it holds). The data page shows these sentences.
EVENT_COLUMNS = (
    (
        "event_id",
        "The event's id, stable across builds: its entry's date and slug and its position in the entry.",
    ),
    ("event_date", "The day of the event (ISO 8601, YYYY-MM-DD)."),
    ("year", "The year of the event."),
    ("event_type", "ACLED's event type, e.g. Battles."),
    ("sub_event_type", "ACLED's sub-event type, e.g. Armed clash; empty when the entry does not say."),
    ("actor1", "The first actor named, the initiator where known."),
    ("actor2", "The second actor named."),
    ("assoc_actors", "Any further actors, separated by '; ' (a list in the JSON)."),
    ("admin1", "The province."),
    ("location", "The place, by its gazetteer name; empty when the event names none."),
    ("latitude", "The place's latitude in decimal degrees; empty without a gazetteer place."),
    ("longitude", "The place's longitude in decimal degrees."),
    ("fatalities", "Reported fatalities; empty when the entry gives no figure (not the same as 0)."),
    ("claim", "How firm the report is: reported, confirmed or disputed."),
    ("source", "The event's source as the entry gives it (a URL or a name)."),
    ("notes", "The author's note on the event."),
    ("entry_url", "The entry that records the event."),
    ("entry_title", "That entry's title."),
)
ENTRY_COLUMNS = (
    ("date", "The entry's date (ISO 8601 with the site's time zone)."),
    ("covers_from", "The first day the entry covers; empty when it does not say."),
    ("covers_to", "The last day it covers."),
    ("title", "The title."),
    ("url", "The entry's address."),
    ("provinces", "Its provinces, separated by '; ' (a list in the JSON)."),
    ("actors", "Its actors, likewise."),
    ("places", "Its places, likewise."),
    ("tags", "Its tags, likewise."),
    ("summary", "Its summary as plain text; empty when the author wrote none."),
    ("updated", "When it was corrected; empty when it never was."),
    ("events", "How many events it records."),
    ("fatalities", "The reported fatalities of its events (0 when none gives a figure)."),
)


def event_record(row: EventRow, absolute: Callable[[str], str]) -> dict[str, Any]:
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


def entry_record(entry: Any, url: str, rows: list[EventRow]) -> dict[str, Any]:
    """An entry's metadata as export values, by column."""
    covers = getattr(entry, "covers", None)
    updated = getattr(entry, "updated", None)

    def names(group: str) -> list[str]:
        return [str(getattr(term, "name", term)) for term in getattr(entry, group, None) or []]

    return {
        "date": entry.date.isoformat(),
        "covers_from": covers[0].isoformat() if covers else "",
        "covers_to": covers[1].isoformat() if covers else "",
        "title": entry.title,
        "url": url,
        "provinces": names("provinces"),
        "actors": names("actors"),
        "places": names("places"),
        "tags": names("tags"),
        "summary": plain_summary(entry),
        "updated": updated.isoformat() if updated else "",
        "events": len(rows),
        "fatalities": sum(row.event.fatalities or 0 for row in rows),
    }


def to_csv(columns: tuple[tuple[str, str], ...], records: list[dict[str, Any]]) -> bytes:
    """UTF-8 CSV with a header row, RFC 4180 quoting and line ends; lists '; '-joined."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([name for name, _ in columns])
    for record in records:
        writer.writerow([_cell(record[name]) for name, _ in columns])
    return out.getvalue().encode("utf-8")


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


def to_json(records: list[dict[str, Any]]) -> bytes:
    """A JSON array of objects, keys in column order, empty text kept as "" and unknown numbers null."""
    return orjson.dumps(records, option=orjson.OPT_INDENT_2) + b"\n"


@dataclass(frozen=True)
class DataFile:
    """An export as the data page lists it."""

    name: str  # file name in the data folder
    save_as: str  # also its URL: a file's URL is its path in the output folder
    title: str
    rows: int
    columns: tuple[tuple[str, str], ...]
    format: str
    made_from: str = field(default="", compare=False)  # a digest of what the file is made from

    @property
    def url(self) -> str:
        return self.save_as

    @property
    def kind(self) -> str:
        """`events` or `entries`: which pair of files it is."""
        return self.name.rpartition(".")[0]

    @property
    def digest(self) -> str:
        return digest_bytes(self.name, self.save_as, self.title, str(self.rows), repr(self.columns))


def exports(
    name: str,
    newest_first: tuple,
    rows: tuple[EventRow, ...],
    urls: Callable[[Any], str],
    absolute: Callable[[str], str],
) -> dict[str, bytes]:
    """The CSV and JSON files of the `events` or the `entries`, by file name, oldest first."""
    if name == "events":
        records, columns = [event_record(row, absolute) for row in rows], EVENT_COLUMNS
    else:
        by_entry = rows_by_entry(rows)
        records = [
            entry_record(entry, absolute(urls(entry)), by_entry.get(entry.source_path, []))
            for entry in newest_first[::-1]
        ]
        columns = ENTRY_COLUMNS
    return {f"{name}.csv": to_csv(columns, records), f"{name}.json": to_json(records)}
