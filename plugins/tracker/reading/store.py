"""The entry store: one row per entry file, kept between builds in SQLite (from Python's standard
library), so that a build reads, parses and renders only the files that changed.

Why SQLite: a row is updated in place when its file changes, instead of a whole cache file being
written again on every build (34 MB at 5,000 entries); a transaction either happens whole or not
at all, so a build killed at any moment leaves the store as the last build that finished left it;
the heads, which every build needs, are kept in a narrow table of their own, read without the
bodies and fragments, which few builds need; and loading runs no code (rows hold text and JSON).
The file lives in the user's cache folder, never beside the output (which may be served): it
holds the text of drafts.

A row keeps: the file's status when it was last digested (the fast unchanged test) and the
digest of its bytes (its identity); the problems, head and record that parsing gave under a
parse key (the vocabularies and the settings parsing reads); the body's HTML under a render key
(the Markdown settings and the text rendered), so that a vocabulary edit parses again without
rendering again; and the fragments other pages reuse (list item, export rows) under the build
key they were made with.

Every value is kept with a checksum of its bytes, so that damage is found where it is read (a
flipped bit inside a title is not valid JSON of another title). Nothing checks the whole file
before a build: that would read all of it every time. Whatever goes wrong with the store (a
page SQLite cannot read, a value that fails its checksum, a missing row, a file that cannot be
written, a store another build holds) is a `StoreFailed`, which the build answers by reading
every file again (see `Build.restart_store`): damage costs a full build, never a wrong one.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

FORMAT = "6"
SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS entries (
    path TEXT PRIMARY KEY,
    status BLOB,
    digest TEXT NOT NULL,
    parse_key TEXT NOT NULL,
    problems BLOB NOT NULL,
    head BLOB,
    fragment_key TEXT,
    view TEXT
);
CREATE TABLE IF NOT EXISTS bodies (path TEXT PRIMARY KEY, record BLOB, render TEXT, html BLOB);
CREATE TABLE IF NOT EXISTS fragments (path TEXT PRIMARY KEY, item BLOB, export BLOB);
CREATE TABLE IF NOT EXISTS shards (name TEXT PRIMARY KEY, digest TEXT NOT NULL, files BLOB NOT NULL);
"""
TABLES = ("entries", "bodies", "fragments")
# Where each of a row's columns is kept.
COLUMNS = {"record": "bodies", "html": "bodies", "item": "fragments", "export": "fragments"}
BUSY_SECONDS = 2.0  # how long a query waits for another build's transaction before the store is busy
CHECKSUM = 4  # bytes of a value's checksum (CRC-32: damage, not an adversary, is what it finds)


class StoreFailed(Exception):
    """The store cannot serve this build: `kind` is "damaged" (a page or value cannot be read,
    a row is missing), "unwritable" (read-only, a full disk, a folder that cannot be made) or
    "busy" (another build holds it); `detail` says what was found."""

    def __init__(self, kind: str, detail: str) -> None:
        super().__init__(f"{kind}: {detail}")
        self.kind, self.detail = kind, detail

    def __reduce__(self):  # raised in a worker, raised again in the build
        return StoreFailed, (self.kind, self.detail)


def failure_of(error: sqlite3.Error | OSError) -> StoreFailed:
    """What an error of SQLite or of the file system means for the store."""
    if isinstance(error, OSError):
        return StoreFailed("unwritable", f"{error.strerror or error}: {error.filename or ''}".rstrip(": "))
    text = str(error)
    lowered = text.lower()
    if "locked" in lowered or "busy" in lowered:
        return StoreFailed("busy", text)
    if any(
        word in lowered for word in ("readonly", "read-only", "disk is full", "unable to open", "i/o error")
    ):
        return StoreFailed("unwritable", text)
    return StoreFailed("damaged", text)


@contextlib.contextmanager
def _guarded() -> Iterator[None]:
    """SQLite's and the file system's errors as StoreFailed."""
    try:
        yield
    except (sqlite3.Error, OSError) as error:
        raise failure_of(error) from None


def seal(data: bytes) -> bytes:
    """`data` with its checksum before it (see `unseal`)."""
    return zlib.crc32(data).to_bytes(CHECKSUM, "big") + data


def unseal(value: Any) -> bytes:
    """The bytes `seal` kept; StoreFailed when they are not what was kept."""
    if isinstance(value, str):
        value = value.encode("utf-8", "surrogatepass")
    if not isinstance(value, bytes) or len(value) < CHECKSUM:
        raise StoreFailed("damaged", "a value is not one the store wrote")
    data = value[CHECKSUM:]
    if zlib.crc32(data).to_bytes(CHECKSUM, "big") != value[:CHECKSUM]:
        raise StoreFailed("damaged", "a value fails its checksum")
    return data


def _dump(value: Any) -> bytes | None:
    """A value as the store keeps it (None stays NULL); bytes are JSON already (see `changes._work`)."""
    if value is None:
        return None
    return seal(value if isinstance(value, bytes) else orjson.dumps(value))


def _load(value: Any) -> Any:
    """A kept value, checked and decoded (NULL is None)."""
    if value is None:
        return None
    try:
        return orjson.loads(unseal(value))
    except orjson.JSONDecodeError:
        raise StoreFailed("damaged", "a value is not JSON") from None


@dataclass
class Row:
    """An entry file as the store keeps it."""

    path: str
    status: list[int] | None  # size, mtime, ctime, inode, device when it was digested (settled)
    digest: str  # of the file's bytes ("" when it could not be read)
    parse_key: str
    problems: list  # [path, line, severity, message] lists
    head: dict | None  # Head.to_json(), or None when the file gave no entry
    record: dict | None  # record_to_json()
    render: str | None  # the render key its HTML was made under
    html: list | None  # [content, summary, description]
    fragment_key: str | None
    fragments: dict | None  # {"item": HTML, "export": rows or None}
    view: str | None


class Store:
    """The entry store of one output folder (`path`), or one in memory (`path` None). Every method
    raises StoreFailed when the store cannot answer it truly."""

    def __init__(self, path: str | None) -> None:
        self.path = path
        self.fresh = False  # started empty by this process (after damage: see `Build.restart_store`)
        self.damage = ""  # what was wrong with the file when it was started again on opening
        self.db = self._open(path)

    def _open(self, path: str | None) -> sqlite3.Connection:
        """The database at `path`; a file that is not one, or of another format, is started again."""
        if path is None:
            return _connect(":memory:")
        try:
            os.makedirs(os.path.dirname(path), mode=0o700, exist_ok=True)
            db = _connect(path)
            found = _format(db)
            if found in (None, FORMAT):
                return db
            db.close()  # another version's store (not damage: an upgrade), or a damaged format
            self.damage = "" if found != "damaged" else "its format record fails its checksum"
        except (sqlite3.Error, OSError) as error:
            failure = failure_of(error)
            if failure.kind != "damaged":
                raise failure from None
            self.damage = failure.detail
        remove_store(path)
        self.fresh = True
        with _guarded():
            return _connect(path)

    @classmethod
    def again(cls, path: str | None) -> Store:
        """An empty store at `path`, whatever was there."""
        remove_store(path)
        store = cls(path)
        store.fresh = True
        return store

    def reopen(self) -> None:
        """A connection of this process's own, after a fork (a connection must not be shared with
        the parent); the store in memory is the process's own copy already. Reads only: what the
        parent writes later is not seen."""
        if self.path is not None:
            self._inherited = self.db  # never closed here: closing it could disturb the parent's locks
            with _guarded():
                self.db = _connect(self.path, readonly=True)

    def _query(self, sql: str, parameters: Iterable = ()) -> list[tuple]:
        with _guarded():
            return self.db.execute(sql, tuple(parameters)).fetchall()

    def meta(self, key: str, default: str = "") -> str:
        found = self._query("SELECT value FROM meta WHERE key = ?", (key,))
        return unseal(found[0][0]).decode("utf-8") if found else default

    def set_meta(self, key: str, value: str) -> None:
        self._query("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, seal(value.encode("utf-8"))))

    def known(self, parse_key: str) -> dict[str, tuple[list[int] | None, str, list | None, list | None]]:
        """Every row's file status and digest, with its head and problems when it was parsed under
        `parse_key` (else None and None): what telling changed files apart needs, in one query."""
        found = {}
        rows = self._query("SELECT path, status, digest, parse_key, head, problems FROM entries")
        for path, status, digest, key, head, problems in rows:
            same = key == parse_key
            if head is None and not any(p[2] == "error" for p in _load(problems)):
                raise StoreFailed("damaged", "an entry's head is missing")  # only an error leaves none
            found[path] = (
                _load(status),
                digest,
                _load(head) if same else None,
                _load(problems) if same else None,
            )
        return found

    def rows(self, paths: Iterable[str]) -> dict[str, Row]:
        """Whole rows by path (missing paths are left out)."""
        query = (
            "SELECT e.path, status, digest, parse_key, problems, head, record, render, html, fragment_key, "
            "item, export, view FROM entries e LEFT JOIN bodies b ON b.path = e.path "
            "LEFT JOIN fragments f ON f.path = e.path WHERE e.path IN ({})"
        )
        return {values[0]: _row(values) for values in self._chunked(query, paths)}

    def column(self, name: str, paths: Iterable[str] | None = None) -> dict[str, object]:
        """One JSON column of the given rows (every row when `paths` is None), decoded; rows whose
        value is NULL are left out."""
        table = COLUMNS[name]
        if paths is None:
            rows = self._query(f"SELECT path, {name} FROM {table} WHERE {name} IS NOT NULL")
        else:
            query = f"SELECT path, {name} FROM {table} WHERE path IN ({{}}) AND {name} IS NOT NULL"
            rows = self._chunked(query, paths)
        return {path: _load(value) for path, value in rows}

    def _chunked(self, query: str, paths: Iterable[str]) -> list[tuple]:
        """The rows of `query` (its `{}` a list of paths) for every path, 500 at a time."""
        paths = list(paths)
        found: list[tuple] = []
        for start in range(0, len(paths), 500):
            chunk = paths[start : start + 500]
            found += self._query(query.format(",".join("?" * len(chunk))), chunk)
        return found

    def stale_fragments(self, key: str, paths: Iterable[str]) -> set[str]:
        """Which of `paths` have no fragments made under `key` (the build key)."""
        query = "SELECT path FROM entries WHERE fragment_key IS NOT ? AND head IS NOT NULL"
        return {path for (path,) in self._query(query, (key,))} & set(paths)

    def put(self, row: Row) -> None:
        """Write one row (a new or changed file)."""
        fragments = row.fragments or {}
        with _guarded():
            self.db.execute(
                "INSERT OR REPLACE INTO entries VALUES (?,?,?,?,?,?,?,?)",
                (
                    row.path,
                    _dump(row.status or None),
                    row.digest,
                    row.parse_key,
                    _dump(row.problems),
                    _dump(row.head),
                    row.fragment_key,
                    row.view,
                ),
            )
            self.db.execute(
                "INSERT OR REPLACE INTO bodies VALUES (?,?,?,?)",
                (row.path, _dump(row.record), row.render, _dump(row.html)),
            )
            self.db.execute(
                "INSERT OR REPLACE INTO fragments VALUES (?,?,?)",
                (row.path, _dump(fragments.get("item")), _dump(fragments.get("export"))),
            )

    def set_status(self, path: str, status: list[int] | None) -> None:
        self._query("UPDATE entries SET status = ? WHERE path = ?", (_dump(status or None), path))

    def set_views(self, views: dict[str, str]) -> None:
        with _guarded():
            self.db.executemany(
                "UPDATE entries SET view = ? WHERE path = ?", [(v, p) for p, v in views.items()]
            )

    def views(self, paths: Iterable[str]) -> dict[str, str | None]:
        return dict(self._chunked("SELECT path, view FROM entries WHERE path IN ({})", paths))

    def remove(self, paths: Iterable[str]) -> None:
        paths = list(paths)
        with _guarded():
            for table in TABLES:
                self.db.executemany(f"DELETE FROM {table} WHERE path = ?", [(p,) for p in paths])

    def shards(self) -> dict[str, tuple[str, list[str]]]:
        """The search index's shards as last written: name -> (digest, files)."""
        rows = self._query("SELECT name, digest, files FROM shards")
        return {name: (digest, _load(files)) for name, digest, files in rows}

    def set_shards(self, shards: dict[str, tuple[str, list[str]]]) -> None:
        with _guarded():
            self.db.execute("DELETE FROM shards")
            self.db.executemany(
                "INSERT INTO shards VALUES (?, ?, ?)",
                [(name, digest, _dump(files)) for name, (digest, files) in sorted(shards.items())],
            )

    def outputs(self) -> dict[str, str]:
        """The files of the output folder as the last build left them: path -> their status (see
        `outfolder.file_stat`), kept as one value (read whole on every build)."""
        found = self._query("SELECT value FROM meta WHERE key = 'outputs'")
        return _load(found[0][0]) if found else {}

    def set_outputs(self, statuses: dict[str, str]) -> None:
        """Remember the status of every file of the output folder."""
        self._query("INSERT OR REPLACE INTO meta VALUES ('outputs', ?)", (_dump(statuses),))

    def commit(self) -> None:
        """Make this build's changes the store's, in one step."""
        self.set_meta("format", FORMAT)
        with _guarded():
            self.db.commit()

    def rollback(self) -> None:
        """Forget this build's changes (never raises: the store may be what failed)."""
        with contextlib.suppress(sqlite3.Error):
            self.db.rollback()

    def close(self) -> None:
        """Close the database (the last connection to close folds the write-ahead log into it)."""
        with contextlib.suppress(sqlite3.Error):
            self.db.close()


def remove_store(path: str | None) -> None:
    """Remove a store's files (what cannot be removed is left: it is started again next time)."""
    if path is None:
        return
    for suffix in ("", "-wal", "-shm", "-journal"):
        with contextlib.suppress(OSError):
            os.remove(path + suffix)


def _connect(path: str, readonly: bool = False) -> sqlite3.Connection:
    if readonly:
        return sqlite3.connect(
            Path(path).as_uri() + "?mode=ro", uri=True, check_same_thread=False, timeout=BUSY_SECONDS
        )
    if path != ":memory:" and not os.path.exists(path):
        os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))  # readable by the user only
    db = sqlite3.connect(path, isolation_level="DEFERRED", check_same_thread=False, timeout=BUSY_SECONDS)
    if path != ":memory:":
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")
    db.executescript(SCHEMA)
    return db


def _format(db: sqlite3.Connection) -> str | None:
    found = db.execute("SELECT value FROM meta WHERE key = 'format'").fetchone()
    if not found:
        return None
    value = found[0]
    if isinstance(value, str) and value.isdigit() and len(value) < 4:
        return value  # an earlier version's store, whose values have no checksum
    try:
        return unseal(value).decode("utf-8")
    except (StoreFailed, UnicodeDecodeError):
        return "damaged"


def _row(values: tuple) -> Row:
    (
        path,
        status,
        digest,
        parse_key,
        problems,
        head,
        record,
        render,
        html,
        fragment_key,
        item,
        export,
        view,
    ) = values
    return Row(
        path,
        _load(status),
        digest,
        parse_key,
        _load(problems) or [],
        _load(head),
        _load(record),
        render,
        _load(html),
        fragment_key,
        {"item": _load(item), "export": _load(export)} if item is not None else None,
        view,
    )
