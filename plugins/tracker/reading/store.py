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
key they were made with. A damaged value is read again from its file; a damaged database (a
query fails) is started again at the end of the build, which then costs the next one a full build.
Nothing checks the whole file before a build: that would read all of it every time.
"""

from __future__ import annotations

import contextlib
import functools
import os
import sqlite3
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

FORMAT = "2"
SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS entries (
    path TEXT PRIMARY KEY,
    status TEXT,
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


@dataclass
class Row:
    """An entry file as the store keeps it."""

    path: str
    status: list[int] | None  # size, mtime, ctime, inode, device when it was digested (settled)
    digest: str  # of the file's bytes ("" when it could not be read)
    parse_key: str
    problems: list  # [path, line, severity, message] lists
    head: list | None  # Head.to_json(), or None when the file gave no entry
    record: dict | None  # record_to_json()
    render: str | None  # the render key its HTML was made under
    html: list | None  # [content, summary, description]
    fragment_key: str | None
    fragments: dict | None  # {"item": HTML, "export": rows or None}
    view: str | None


def _tolerant(default: Any) -> Callable:
    """A query that finds the database damaged gives `default()` and marks the store damaged: the
    build reads what it needs from the files instead (see `Store.commit`)."""

    def wrap(method: Callable) -> Callable:
        @functools.wraps(method)
        def guarded(self: Store, *args: Any, **kwargs: Any) -> Any:
            try:
                return method(self, *args, **kwargs)
            except sqlite3.DatabaseError:
                self.damaged = True
                return default() if default is not None else None

        return guarded

    return wrap


class Store:
    """The entry store of one output folder (`path`), or one in memory (`path` None)."""

    def __init__(self, path: str | None) -> None:
        self.path = path
        self.db = self._open(path)
        self.damaged = False  # a query found the database damaged: it is started again at the end

    @staticmethod
    def _open(path: str | None) -> sqlite3.Connection:
        """The database at `path`; a file that is not one, or of another format, is started again."""
        if path is None:
            return _connect(":memory:")
        os.makedirs(os.path.dirname(path), mode=0o700, exist_ok=True)
        try:
            db = _connect(path)
            if _format(db) not in (None, FORMAT):
                db.close()
                raise sqlite3.DatabaseError("not this version's store")
            return db
        except sqlite3.DatabaseError:
            _remove(path)
            return _connect(path)

    def reopen(self) -> None:
        """A connection of this process's own, after a fork (a connection must not be shared with
        the parent); the store in memory is the process's own copy already. Reads only: what the
        parent writes later is not seen."""
        if self.path is not None:
            self._inherited = self.db  # never closed here: closing it could disturb the parent's locks
            self.db = _connect(self.path, readonly=True)

    def _start_again(self) -> None:
        self.db.close()
        if self.path is not None:
            _remove(self.path)
        self.db = _connect(self.path or ":memory:")

    @_tolerant(str)
    def meta(self, key: str, default: str = "") -> str:
        found = self.db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return found[0] if found else default

    @_tolerant(None)
    def set_meta(self, key: str, value: str) -> None:
        self.db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, value))

    def known(self, parse_key: str) -> dict[str, tuple[list[int] | None, str, list | None, list]]:
        """Every row's file status and digest, with its head and problems when it was parsed under
        `parse_key` (else None and []): what telling changed files apart needs, in one query."""
        query = "SELECT path, status, digest, parse_key, head, problems FROM entries"
        found = {}
        loads = orjson.loads
        try:
            for path, status, digest, key, head, problems in self.db.execute(query):
                same = key == parse_key
                found[path] = (
                    loads(status) if status else None,
                    digest,
                    loads(head) if same and head else None,
                    loads(problems) if same else None,
                )
        except (sqlite3.DatabaseError, orjson.JSONDecodeError):
            self._start_again()  # damaged: every file is read
            return {}
        return found

    @_tolerant(dict)
    def rows(self, paths: Iterable[str]) -> dict[str, Row]:
        """Whole rows by path (missing paths are left out)."""
        query = (
            "SELECT e.path, status, digest, parse_key, problems, head, record, render, html, fragment_key, "
            "item, export, view FROM entries e LEFT JOIN bodies b ON b.path = e.path "
            "LEFT JOIN fragments f ON f.path = e.path WHERE e.path IN ({})"
        )
        return {values[0]: _row(values) for values in self._chunked(query, paths)}

    @_tolerant(dict)
    def column(self, name: str, paths: Iterable[str] | None = None) -> dict[str, object]:
        """One JSON column of the given rows (every row when `paths` is None), decoded."""
        table = COLUMNS[name]
        if paths is None:
            rows = self.db.execute(f"SELECT path, {name} FROM {table} WHERE {name} IS NOT NULL")
        else:
            query = f"SELECT path, {name} FROM {table} WHERE path IN ({{}}) AND {name} IS NOT NULL"
            rows = self._chunked(query, paths)
        found = {}
        for path, value in rows:
            try:
                found[path] = orjson.loads(value)
            except orjson.JSONDecodeError:
                continue  # damaged: left out, as if missing
        return found

    def _chunked(self, query: str, paths: Iterable[str]) -> Iterable[tuple]:
        """The rows of `query` (its `{}` a list of paths) for every path, 500 at a time."""
        paths = list(paths)
        for start in range(0, len(paths), 500):
            chunk = paths[start : start + 500]
            yield from self.db.execute(query.format(",".join("?" * len(chunk))), chunk)

    @_tolerant(set)
    def stale_fragments(self, key: str, paths: Iterable[str]) -> set[str]:
        """Which of `paths` have no fragments made under `key` (the build key)."""
        query = "SELECT path FROM entries WHERE fragment_key IS NOT ? AND head IS NOT NULL"
        return {path for (path,) in self.db.execute(query, (key,))} & set(paths)

    @_tolerant(None)
    def put(self, row: Row) -> None:
        """Write one row (a new or changed file)."""

        def dumps(value):  # values come as Python data or already as bytes (from `changes._work`)
            return value if value is None or isinstance(value, bytes) else orjson.dumps(value)

        fragments = row.fragments or {}
        self.db.execute(
            "INSERT OR REPLACE INTO entries VALUES (?,?,?,?,?,?,?,?)",
            (
                row.path,
                dumps(row.status or None),
                row.digest,
                row.parse_key,
                orjson.dumps(row.problems),
                dumps(row.head),
                row.fragment_key,
                row.view,
            ),
        )
        self.db.execute(
            "INSERT OR REPLACE INTO bodies VALUES (?,?,?,?)",
            (row.path, dumps(row.record), row.render, dumps(row.html)),
        )
        self.db.execute(
            "INSERT OR REPLACE INTO fragments VALUES (?,?,?)",
            (row.path, dumps(fragments.get("item")), dumps(fragments.get("export"))),
        )

    @_tolerant(None)
    def set_status(self, path: str, status: list[int] | None) -> None:
        self.db.execute(
            "UPDATE entries SET status = ? WHERE path = ?", (orjson.dumps(status) if status else None, path)
        )

    @_tolerant(None)
    def set_views(self, views: dict[str, str]) -> None:
        self.db.executemany("UPDATE entries SET view = ? WHERE path = ?", [(v, p) for p, v in views.items()])

    @_tolerant(dict)
    def views(self, paths: Iterable[str]) -> dict[str, str | None]:
        return dict(self._chunked("SELECT path, view FROM entries WHERE path IN ({})", paths))

    @_tolerant(None)
    def remove(self, paths: Iterable[str]) -> None:
        paths = list(paths)
        for table in TABLES:
            self.db.executemany(f"DELETE FROM {table} WHERE path = ?", [(p,) for p in paths])

    @_tolerant(dict)
    def shards(self) -> dict[str, tuple[str, list[str]]]:
        """The search index's shards as last written: name -> (digest, files)."""
        query = "SELECT name, digest, files FROM shards"
        return {name: (digest, orjson.loads(files)) for name, digest, files in self.db.execute(query)}

    @_tolerant(None)
    def set_shards(self, shards: dict[str, tuple[str, list[str]]]) -> None:
        self.db.execute("DELETE FROM shards")
        self.db.executemany(
            "INSERT INTO shards VALUES (?, ?, ?)",
            [(name, digest, orjson.dumps(files)) for name, (digest, files) in sorted(shards.items())],
        )

    def commit(self) -> None:
        """Make this build's changes the store's, in one step; a problem costs the next build time only."""
        if self.damaged and self.path is not None:
            warning = "entry store damaged; the next build reads every file"
            print(f"{self.path}: warning: {warning}", file=sys.stderr)
            self._start_again()
            return
        try:
            self.set_meta("format", FORMAT)
            self.db.commit()
        except sqlite3.Error as exc:
            print(
                f"{self.path}: warning: entry store not saved ({exc}); the next build reads every file",
                file=sys.stderr,
            )

    def rollback(self) -> None:
        self.db.rollback()

    def close(self) -> None:
        """Close the database (the last connection to close folds the write-ahead log into it)."""
        self.db.close()


def _remove(path: str) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        with contextlib.suppress(FileNotFoundError):
            os.remove(path + suffix)


def _connect(path: str, readonly: bool = False) -> sqlite3.Connection:
    if readonly:
        return sqlite3.connect(Path(path).as_uri() + "?mode=ro", uri=True, check_same_thread=False)
    if path != ":memory:" and not os.path.exists(path):
        os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))  # readable by the user only
    db = sqlite3.connect(path, isolation_level="DEFERRED", check_same_thread=False)
    if path != ":memory:":
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")
    db.executescript(SCHEMA)
    return db


def _format(db: sqlite3.Connection) -> str | None:
    found = db.execute("SELECT value FROM meta WHERE key = 'format'").fetchone()
    return found[0] if found else None


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

    def load(value):
        try:
            return orjson.loads(value) if value is not None else None
        except orjson.JSONDecodeError:
            return None  # damaged: as if missing

    return Row(
        path,
        load(status),
        digest,
        parse_key,
        load(problems) or [],
        load(head),
        load(record),
        render,
        load(html),
        fragment_key,
        {"item": load(item), "export": load(export)} if item is not None else None,
        view,
    )
