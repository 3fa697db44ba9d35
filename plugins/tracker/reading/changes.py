"""What changed since the last build: which entry files are new, changed or gone, read again only
those, and bring the store up to date.

An unchanged file is recognised by its status (size, modification and change times, inode,
device) remembered with the digest of its bytes, without opening it; a file whose status differs
is digested, and read again only when its bytes did change (or what parsing reads besides them,
the parse key). A build key that changed (theme, settings, vocabulary) remakes every entry's
fragments from its stored record, without parsing or rendering its file again.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from typing import Any

import orjson

from ..model.digests import digest_bytes
from ..model.record import EntryRecord, Head, head_from_json, record_from_json
from ..model.vocabulary import Vocabulary
from ..problems import Problem
from .inventory import known_stamp
from .reader import Reading, read_row, worker_pool
from .store import Row, Store, StoreFailed

MakeFragments = Callable[[EntryRecord], tuple[dict[str, Any], dict[str, str]]]


@dataclass
class Changes:
    """The entries as the last build left them and as they are now."""

    old: dict[str, Head] = field(default_factory=dict)  # every entry the store knew (parse key as now)
    new: dict[str, Head] = field(default_factory=dict)  # every entry now
    changed: set[str] = field(default_factory=set)  # paths whose head differs, or that came or went
    problems: list[Problem] = field(default_factory=list)  # of every file, changed or not
    rows: dict[str, Row] = field(default_factory=dict)  # the rows written this build (bodies in the store)
    known: dict = field(default_factory=dict)  # path -> (status, digest, head, problems), for the next build
    full: bool = False  # the store could not say what changed: every output is dirty


def find_changes(
    paths: Iterable[str],
    store: Store,
    reading: Reading,
    fragment_key: str,
    make_fragments: MakeFragments,
    vocabularies: dict[str, Vocabulary],
    parallel_from: int,
    workers: int,
    kept: dict | None = None,
    hint: set[str] | None = None,
    keep_last_good: bool = False,
) -> Changes:
    """Bring the store up to date with the entry files at `paths`; return what changed.

    `kept` is what the last build of this process knew (`Changes.known`), used instead of the
    store; with it, `hint` names the only files that may have changed (a devserver's watcher saw
    them), and the others are not even looked at. With `keep_last_good` (a preview build), an
    entry whose file no longer gives one (a broken save) keeps its last good version, with the
    file's problems, until the file is fixed."""
    timezone = reading.parser.timezone
    known = kept if kept is not None else _readable(store.known(reading.parse_key), timezone)
    changes = Changes(full=not any(problems is not None for _, _, _, problems in known.values()))
    read_jobs, unchanged = [], []
    for path in paths:
        status, digest, _, problems = known.get(path, (None, None, None, None))
        if kept is not None and hint is not None and path not in hint and problems is not None:
            unchanged.append(path)
            continue
        now, new_status = known_stamp(path, (status, digest))
        if problems is not None and now and now == digest:
            unchanged.append(path)
            if new_status != status:
                store.set_status(path, new_status)
                known[path] = (new_status, *known[path][1:])
        else:
            read_jobs.append((path, new_status))
    # Fragments made with another theme, settings or vocabulary are made again.
    stale = store.stale_fragments(fragment_key, unchanged) if kept is None else set()
    remake = [path for path in unchanged if path in stale]
    old_rows = store.rows([path for path, _ in read_jobs] + remake)
    jobs = [("read", path, status, old_rows.get(path)) for path, status in read_jobs]
    lost = [path for path in remake if path not in old_rows]
    if lost:
        raise StoreFailed("damaged", f"the row of {lost[0]} is missing")
    jobs += [("fragments", path, None, old_rows[path]) for path in remake]
    work = _work(reading, make_fragments, vocabularies, fragment_key, keep_last_good)
    for row in worker_pool(jobs, work, parallel_from, workers):
        store.put(row)
        changes.rows[row.path] = _slim(row)
    gone = set(known) - set(paths)
    store.remove(gone)
    for path, (status, digest, head, problems) in known.items():
        if problems is None:
            continue  # parsed under another parse key: read again, or gone
        if head is not None:
            changes.old[path] = head if isinstance(head, Head) else head_from_json(path, head, timezone)
        if path not in changes.rows and path not in gone:
            changes.problems += [Problem(*p) for p in problems]
            if head is not None:
                changes.new[path] = changes.old[path]
            changes.known[path] = (status, digest, changes.old.get(path), problems)
    for path, row in changes.rows.items():
        changes.problems += [Problem(*p) for p in row.problems]
        if row.head is not None:
            changes.new[path] = head_from_json(path, row.head, timezone)
        changes.known[path] = (row.status, row.digest, changes.new.get(path), row.problems)
    changes.changed = {
        path for path in set(changes.old) | set(changes.new) if changes.old.get(path) != changes.new.get(path)
    }
    return changes


def _readable(known: dict, timezone: dt.tzinfo) -> dict:
    """The store's rows with their heads made; a row that cannot be made (a damaged or foreign
    store) is read again from its file."""
    found = {}
    for path, (status, digest, head, problems) in known.items():
        try:
            made = head_from_json(path, head, timezone) if head is not None else None
            [Problem(*p) for p in problems or ()]
        except (ValueError, KeyError, TypeError, IndexError, AttributeError):
            found[path] = (None, "", None, None)
            continue
        found[path] = (status, digest, made, problems)
    return found


DAMAGED = (KeyError, TypeError, ValueError, IndexError, AttributeError)  # a stored value of the wrong shape


KEPT_NOTE = "the preview keeps the entry's last good version until this file is fixed"


def _work(
    reading: Reading,
    make_fragments: MakeFragments,
    vocabularies: dict,
    fragment_key: str,
    keep_last_good: bool,
):
    """What a worker does with one job: read a file (its row, with fragments), or remake the
    fragments of an unchanged one (reading it again when its stored record is damaged)."""

    def work(job: tuple) -> Row:
        kind, path, status, old = job
        record = None
        if kind == "fragments":
            try:
                record = _record(path, old.record, old.html, vocabularies, reading.parser.timezone)
            except DAMAGED:
                kind, status, old = "read", old.status, None
        row = read_row(path, reading, old) if kind == "read" else old
        row.status = status if kind == "read" else row.status
        if kind == "read" and keep_last_good and row.head is None and _good(old, reading):
            note = [path, 0, "info", KEPT_NOTE]
            row = replace(old, status=row.status, digest=row.digest, problems=[*row.problems, note])
        if row.record is not None:
            record = record or _record(path, row.record, row.html, vocabularies, reading.parser.timezone)
            fragments, digests = make_fragments(record)
            row.fragments, row.fragment_key = fragments, fragment_key
            row.head.update(
                page=digest_bytes(path, row.digest, reading.parse_key, row.render or ""),  # the path too
                item=digests["item"],
                export=digests["export"],
            )
        # As the store keeps them: bytes cross from a worker process at once, and take less room.
        row.record, row.html, row.fragments = (
            orjson.dumps(row.record) if row.record is not None else None,
            orjson.dumps(row.html) if row.html is not None else None,
            {part: orjson.dumps(value) for part, value in row.fragments.items()} if row.fragments else None,
        )
        return row

    return work


def _good(old: Row | None, reading: Reading) -> bool:
    """Whether `old` is a whole entry parsed as this build parses (its last good version)."""
    return (
        old is not None
        and old.head is not None
        and old.record is not None
        and old.html is not None
        and old.parse_key == reading.parse_key
    )


def _slim(row: Row) -> Row:
    """A written row without what the store now holds (a build reads bodies and fragments from
    the store, as it reads the unchanged entries': a full build does not hold the archive twice)."""
    return replace(row, record=None, html=None, fragments=None)


def _record(
    path: str, data: Any, html: Any, vocabularies: dict, timezone: dt.tzinfo, head=None
) -> EntryRecord:
    """A stored record; one of DAMAGED when it is not what `record_to_json` makes."""
    if not (isinstance(html, list) and len(html) == 3 and all(isinstance(part, str) for part in html)):
        raise ValueError("damaged HTML")
    record = record_from_json(path, data, tuple(html), vocabularies, timezone, head)
    if not isinstance(record.title, str) or not isinstance(record.url, str):
        raise ValueError("damaged record")
    return record


def load_records(
    store: Store,
    paths: list[str],
    vocabularies: dict[str, Vocabulary],
    timezone: dt.tzinfo,
    heads: dict[str, Head],
    bodies: bool = True,
) -> dict[str, EntryRecord]:
    """Whole records of some entries, from the store (a damaged one is left out: see `reread`);
    without `bodies`, their HTML is left empty."""
    found = {}
    records = store.column("record", paths)
    html = store.column("html", paths) if bodies else None
    for path, data in records.items():
        text = html.get(path) if html is not None else ["", "", ""]
        try:
            found[path] = _record(path, data, text, vocabularies, timezone, heads.get(path))
        except DAMAGED:
            continue
    return found
