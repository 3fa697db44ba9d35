"""Reading entry files: bytes -> validated front matter -> body rendered to cleaned HTML -> a
record and its head, as a store row. Files are read in worker processes when many changed.

Never raises for anything a file can contain: every problem is one `path:line:` line, kept with
the row so that an unchanged file still shows its problems on every build.
"""

from __future__ import annotations

import os
import posixpath
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from functools import partial
from typing import Any

from pelican.utils import truncate_html_words

from ..model.digests import digest_bytes
from ..model.entries import Entry, EntryParser
from ..model.intrasite import found_links, line_of
from ..model.locations import Locations
from ..model.record import EntryRecord, make_head, record_to_json
from ..model.yamlnodes import YAMLProblem
from ..problems import Problem, Reporter
from ..workers import in_workers, split
from .inventory import read_source
from .markup import Renderer, TimedOut, time_limit
from .store import Row


@dataclass(frozen=True)
class Reading:
    """What reading an entry needs, made once per build (and sent to the workers once)."""

    parser: EntryParser
    renderer: Renderer
    locations: Locations
    root: str  # the content folder
    parse_key: str  # what parsing reads besides the file (vocabularies, settings, the code)
    render_key: str  # what rendering reads besides the text (Markdown settings, libraries, the code)
    summary_words: int | None  # SUMMARY_MAX_LENGTH: a description's length when there is no summary
    summary_suffix: str


def read_row(path: str, reading: Reading, old: Row | None = None) -> Row:
    """The store row of one entry file; `old` is its row from the last build, whose HTML is reused
    when the text to render and the render key are the same."""
    parser = replace(reading.parser, reporter=Reporter())
    problems = parser.reporter.problems
    try:
        data = read_source(path)
    except YAMLProblem as exc:
        parser.reporter.error(path, exc.line, exc.message)
        return _row(path, "", reading, problems)
    digest = digest_bytes(data)
    try:
        with time_limit(reading.renderer.front_matter_limit):
            entry = parser.parse(path, data)
    except TimedOut:
        parser.reporter.error(
            path,
            1,
            f"the front matter took more than {reading.renderer.front_matter_limit:g} s to read "
            "(TRACKER_FRONT_MATTER_TIME_LIMIT)",
        )
        return _row(path, digest, reading, problems)
    if entry is None:
        return _row(path, digest, reading, problems)
    render = digest_bytes(reading.render_key, entry.body, entry.summary or "")
    html = old.html if old is not None and old.render == render and old.html else None
    if html is None:
        html = _render(path, entry, reading, parser.reporter)
        if html is None:
            return _row(path, digest, reading, problems)
    html, links = _links(entry, html, reading, data)
    record = make_record(entry, html, digest, reading)
    row = _row(path, digest, reading, problems)
    row.head = make_head(record, links).to_json()
    row.record = {**record_to_json(record), "slug_line": entry.slug_line}
    row.render, row.html = render, list(html)
    return row


def _render(path: str, entry: Entry, reading: Reading, reporter: Reporter) -> tuple[str, str, str] | None:
    """(content, summary, description) HTML of an entry, or None after reporting why not."""
    renderer = reading.renderer
    try:
        (content, summary), removed = renderer.html(entry.body, entry.summary)
    except TimedOut:
        reporter.error(
            path,
            0,
            f"the Markdown took more than {renderer.limit:g} s to render "
            "(TRACKER_MARKDOWN_TIME_LIMIT); long runs of '[' or '](' are the usual cause",
        )
        return None
    except RecursionError:
        reporter.error(path, 0, "the Markdown is nested too deeply to render")
        return None
    if removed:
        reporter.warning(
            path,
            0,
            f"unsafe HTML removed ({', '.join(removed)}); "
            "TRACKER_RAW_HTML = True would trust the authors' HTML",
        )
    content, summary = content or "", summary or ""
    description = summary or (
        truncate_html_words(content, reading.summary_words, reading.summary_suffix)
        if reading.summary_words is not None
        else content
    )
    return content, summary, description


def _links(entry: Entry, html: tuple | list, reading: Reading, data: bytes) -> tuple[tuple, tuple]:
    """The HTML with its links to the site's own files made relative to the content folder, and
    those links with the line each is written on (see model/intrasite.py)."""
    folder = posixpath.dirname(os.path.relpath(entry.path, reading.root).replace(os.sep, "/"))
    parts, found = [], []
    for part in html:
        canonical, links = found_links(part, folder)
        parts.append(canonical)
        found += links
    if not found:
        return tuple(parts), ()
    text = data.decode("utf-8", "replace")
    return tuple(parts), tuple(
        (what, target, line_of(text, what, target)) for what, target in dict.fromkeys(found)
    )


def make_record(
    entry: Entry, html: tuple[str, str, str] | list, digest: str, reading: Reading
) -> EntryRecord:
    """The record of a validated entry and its HTML."""
    locations = reading.locations
    relative = os.path.relpath(entry.path, reading.root)
    author = locations.author(entry.author or "")
    url, save_as = locations.entry(
        relative,
        entry.slug,
        entry.status,
        entry.date,
        entry.title,
        author,
        updated=entry.updated or entry.date,
    )
    return EntryRecord(
        path=entry.path,
        relative_path=relative,
        digest=digest,
        title=entry.title,
        slug=entry.slug,
        date=entry.date,
        timed=entry.timed,
        status=entry.status,
        url=url,
        save_as=save_as,
        content=html[0],
        summary=html[1],
        description=html[2],
        provinces=tuple(entry.provinces),
        actors=tuple(entry.actors),
        places=tuple(entry.places),
        tags=tuple(locations.tag(name) for name in entry.tags),
        author=author,
        sources=tuple(entry.sources),
        covers=entry.covers,
        updated=entry.updated,
        correction=entry.correction,
        events=tuple(entry.events),
        lang=entry.lang,
    )


def _row(path: str, digest: str, reading: Reading, problems: list[Problem]) -> Row:
    return Row(
        path,
        None,
        digest,
        reading.parse_key,
        [[p.path, p.line, p.severity, p.message] for p in problems],
        None,
        None,
        None,
        None,
        None,
        None,
        None,
    )


def worker_pool(jobs: list, work: Callable[[Any], Any], parallel_from: int, workers: int) -> Iterator[Any]:
    """`work(job)` for every job, in order: in `workers` worker processes when there are at least
    `parallel_from` jobs, else here."""
    if len(jobs) < max(parallel_from, 1):
        workers = 1
    shares = split(jobs, max(workers * ROUNDS, len(jobs) // SHARE))
    for results in in_workers(shares, partial(_each, work), workers):
        yield from results


ROUNDS = 4  # shares per worker at least: a worker that ends early takes another
# Files per share at most (about): the build holds a share's rows at once when it comes back.
SHARE = 128


def _each(work: Callable[[Any], Any], jobs: list) -> list:
    return [work(job) for job in jobs]
