"""What one build keeps for the next: parsed entries and a digest of every page it wrote.

A rebuild then reads only changed files and renders only pages whose inputs changed; a
digest of everything global (theme, plugin code, settings, vocabulary, the versions of the
libraries that render) guards both, so a change there makes the next build a full one.

The cache is plain JSON in the user's cache folder (never beside the output, which may be
served: it holds drafts' text), written through a uniquely named temporary file. Loading it
runs no code; a damaged or foreign file only costs a full build.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import sys
from importlib import metadata
from pathlib import Path
from typing import Any

import orjson

from ..model.digests import digest_bytes
from ..model.entries import Entry, Source
from ..model.events import Event
from ..model.vocabulary import Term, Vocabulary
from ..problems import Problem
from .outfolder import output_key, user_cache_folder, write_atomically

FORMAT = 9
# What renders the site: an upgrade of any of them may change every page.
LIBRARIES = ("pelican", "markdown", "jinja2", "pyyaml", "feedgen", "nh3", "pygments")


def tree_digest(*folders: str) -> str:
    """A digest of every file's path and bytes under some folders (theme, plugin code)."""
    h = hashlib.blake2b(digest_size=16)
    for folder in folders:
        for path in sorted(Path(folder).rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                h.update(str(path.relative_to(folder)).encode())
                h.update(path.read_bytes())
    return h.hexdigest()


def versions_digest() -> str:
    """The Python version and the versions of the libraries that render the site."""
    found = []
    for name in LIBRARIES:
        try:
            found.append(f"{name}={metadata.version(name)}")
        except metadata.PackageNotFoundError:
            found.append(f"{name}=none")
    return digest_bytes(sys.version, *found)


def settings_digest(settings: dict[str, Any]) -> str:
    """A digest of the plain settings (callables and the build's own state are left out)."""

    def plain(value: Any) -> Any:
        if isinstance(value, (str, int, float, bool, type(None))):
            return value
        if isinstance(value, (list, tuple)):
            return [plain(v) for v in value]
        if isinstance(value, dict):
            return {str(k): plain(v) for k, v in sorted(value.items(), key=lambda kv: str(kv[0]))}
        return type(value).__name__

    return digest_bytes(
        repr(plain({k: v for k, v in settings.items() if k.isupper() and k != "TRACKER_RUN"}))
    )


def _time(value: dt.date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _term(term: Term) -> Any:
    """A vocabulary term by its key (the vocabulary is part of the build key); an unknown name whole."""
    return term.key if term.known else [term.name, term.slug, term.line]


def _event(event: Event) -> list:
    return [
        event.type,
        event.sub_type,
        _term(event.place) if event.place else None,
        _term(event.province) if event.province else None,
        [_term(t) for t in event.actors],
        event.fatalities,
        event.date.isoformat(),
        event.claim,
        event.source,
        event.notes,
        event.line,
        event.source_url,
        event.source_host,
    ]


def encode_result(result: tuple) -> list:
    """A read result (entry, body HTML, summary HTML, problems, digest) as JSON data."""
    entry, body, summary, problems, digest = result
    data = None
    if entry is not None:
        data = {
            "path": entry.path,
            "title": entry.title,
            "slug": entry.slug,
            "date": _time(entry.date),
            "status": entry.status,
            "provinces": [_term(t) for t in entry.provinces],
            "actors": [_term(t) for t in entry.actors],
            "places": [_term(t) for t in entry.places],
            "tags": entry.tags,
            "sources": [[s.url, s.title] for s in entry.sources],
            "summary": entry.summary,
            "updated": _time(entry.updated),
            "covers": [_time(d) for d in entry.covers] if entry.covers else None,
            "author": entry.author,
            "slug_line": entry.slug_line,
            "timed": entry.timed,
            "correction": entry.correction,
            "events": [_event(e) for e in entry.events],
        }
    return [data, body, summary, [[p.path, p.line, p.severity, p.message] for p in problems], digest]


def decode_result(data: list, vocabularies: dict[str, Vocabulary], timezone: dt.tzinfo) -> tuple:
    """The read result `encode_result` made `data` from; KeyError or TypeError when it does not fit."""
    fields, body, summary, problems, digest = data

    def when(text: str | None) -> dt.datetime | None:
        return dt.datetime.fromisoformat(text).astimezone(timezone) if text else None

    def term(kind: str, item: Any) -> Term:
        if isinstance(item, str):
            return vocabularies[kind].by_key[item]
        return Term(item[0], item[1], known=False, line=item[2])

    def terms(kind: str) -> list[Term]:
        return [term(kind, item) for item in fields[kind + "s"]]

    def event(item: list) -> Event:
        kind, sub, place, province, actors, fatalities, day, claim, source, notes, line, url, host = item
        return Event(
            kind,
            sub,
            term("place", place) if place is not None else None,
            term("province", province) if province is not None else None,
            tuple(term("actor", a) for a in actors),
            fatalities,
            dt.date.fromisoformat(day),
            claim,
            source,
            notes,
            line,
            url,
            host,
        )

    entry = None
    if fields is not None:
        covers = fields["covers"]
        entry = Entry(
            path=fields["path"],
            title=fields["title"],
            slug=fields["slug"],
            body="",
            date=when(fields["date"]),
            status=fields["status"],
            provinces=terms("province"),
            actors=terms("actor"),
            places=terms("place"),
            tags=list(fields["tags"]),
            sources=[Source(url, title) for url, title in fields["sources"]],
            summary=fields["summary"],
            updated=when(fields["updated"]),
            author=fields["author"],
            covers=(dt.date.fromisoformat(covers[0]), dt.date.fromisoformat(covers[1])) if covers else None,
            slug_line=fields["slug_line"],
            timed=fields["timed"],
            correction=fields["correction"],
            events=tuple(event(item) for item in fields["events"]),
        )
    return entry, body, summary, [Problem(*p) for p in problems], digest


class BuildCache:
    """Loaded at the start of a build and saved at its end; any problem loading it means a full build."""

    def __init__(
        self, path: str | None, key: str, vocabularies: dict[str, Vocabulary], timezone: dt.tzinfo
    ) -> None:
        self.path, self.key = path, key
        self.update({}, {}, "", {}, {}, {})
        if not path or not os.path.isfile(path):
            return
        try:
            with open(path, "rb") as handle:
                stored = orjson.loads(handle.read())
            if stored.get("format") == FORMAT and stored.get("key") == key:
                entries, locations, files = {}, {}, {}
                for source, (stamp, result, where, status) in stored["entries"].items():
                    entries[source] = (str(stamp), decode_result(result, vocabularies, timezone))
                    if where is not None:
                        locations[source] = (str(where[0]), str(where[1]))
                    if status is not None:
                        files[source] = [int(n) for n in status]
                outputs, state = dict(stored["outputs"]), str(stored["output_state"])
                self.update(entries, outputs, state, dict(stored["dependencies"]), locations, files)
        except (OSError, ValueError, KeyError, TypeError, AttributeError, IndexError, RecursionError):
            self.update({}, {}, "", {}, {}, {})  # a full build

    def update(
        self,
        entries: dict[str, tuple],
        outputs: dict[str, str],
        output_state: str,
        dependencies: dict[str, list[str] | None],
        locations: dict[str, tuple[str, str]],
        files: dict[str, list[int]],
    ) -> None:
        """What the cache holds: as read from its file, or as the build that just ended left it (a
        devserver's next build starts from that, in memory, instead of reading the file again)."""
        self.entries = entries  # source path -> (digest of its bytes, result of reading)
        self.outputs = outputs  # output path -> digest of what was rendered into it
        self.output_state = output_state  # the output folder's marker as the build left it (outfolder.Marker)
        self.dependencies = dependencies  # template -> the context names it reads
        self.locations = locations  # source path -> (url, save_as) Pelican gave its entry
        self.files = files  # source path -> its file's status when its bytes were digested

    def save(self) -> None:
        """Write the cache in one rename, readable by the user only."""
        if not self.path:
            return
        stored = {
            "format": FORMAT,
            "key": self.key,
            "output_state": self.output_state,
            "outputs": self.outputs,
            "dependencies": self.dependencies,
            "entries": {
                source: [stamp, encode_result(result), self.locations.get(source), self.files.get(source)]
                for source, (stamp, result) in self.entries.items()
            },
        }
        try:
            os.makedirs(os.path.dirname(self.path), mode=0o700, exist_ok=True)
            write_atomically(self.path, orjson.dumps(stored), mode=0o600)
        except OSError as exc:  # the site is written; only the next build's head start is lost
            print(
                f"{self.path}: warning: build cache not saved ({exc.strerror}); the next build is a full one",
                file=sys.stderr,
            )


def cache_path(settings: dict[str, Any]) -> str | None:
    """`TRACKER_CACHE`, else a file per output folder in the user's cache folder."""
    configured = settings.get("TRACKER_CACHE", "auto")
    if configured != "auto":
        return configured or None
    try:
        return os.path.join(user_cache_folder(), output_key(settings["OUTPUT_PATH"]) + ".json")
    except OSError:
        return None  # no cache folder can be made: every build is a full one
