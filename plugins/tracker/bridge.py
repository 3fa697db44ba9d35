"""The bridge between Pelican and the tracker: each receiver of a Pelican signal lives here, finds
the build session (`session.py`) and calls the build. Pelican's settings dict carries none of
the build's state.

Pelican keeps the site's pages, its static files, its writer's signals and its command line;
the entries leave its article generator (see the README's "What other Pelican plugins see").
The receivers are module-level because Pelican's signals hold weak references.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import json
import logging
import os
import re
import sys
from collections import Counter
from dataclasses import astuple
from functools import partial
from typing import Any

from pelican import signals

from .build import Build, folder_identity, language_cache, store_path
from .generator import TrackerGenerator, unresolved
from .model import language
from .model.dates import date_text, day_element, moment_element, number_text
from .model.digests import digest_bytes
from .model.feeds import feed_base
from .model.intrasite import found_links, line_of
from .model.periods import month_calendar
from .problems import Problem, Reporter, display_path
from .reading.pages import PageReader
from .reading.store import StoreFailed, remove_store
from .session import begin, current
from .settings import DEFAULTS, LANGUAGE_CODE
from .writing.outfolder import (
    MARKER,
    empty_scratch,
    file_status,
    read_marker,
    remove_files,
    static_outputs,
    write_marker,
)
from .writing.paths import Claim, check_claims
from .writing.templates import compiled_templates
from .writing.words import search_words, weekday_names, word
from .writing.writer import TrackerWriter

# A build makes many small objects that live until it ends (heads, list entries): the cyclic
# collector, run at Python's default of every 700 allocations, would scan them again and again.
GC_THRESHOLDS = (50_000, 20, 20)
_BUILT = False  # whether this process has started a build before
# The Jinja extensions every template environment has: the theme's words in the page's language.
OWN_EXTENSIONS = ("tracker.writing.words.Words",)
# What the default language's build said: another language's build, which reads the same entries
# and vocabularies, says only what it found besides.
_SAID_FOR_EVERY_LANGUAGE: list[tuple[str, int, str, str]] = []
SUGGESTION = re.compile(r" \(did you mean .*\)$")
# The direct templates this plugin writes itself (Pelican's would list no entry).
OWN_TEMPLATES = ("index", "tags", "authors", "archives", "categories")
# Signals Pelican sends for articles: the tracker's entries are not Pelican articles.
ARTICLE_SIGNALS = (
    "article_generator_init",
    "article_generator_pretaxonomy",
    "article_generator_preread",
    "article_generator_context",
    "article_generator_finalized",
    "article_generator_write_article",
    "article_writer_finalized",
    "content_object_init",
)


def merge_defaults(pelican) -> None:
    """Merge the plugin's defaults under the site's settings, once; take the entries away from
    Pelican's article generator."""
    settings = pelican.settings
    for key, value in DEFAULTS.items():
        settings.setdefault(key, value)
    languages = settings["TRACKER_LANGUAGES"]
    if isinstance(languages, list) and languages and isinstance(languages[0], str):
        if not settings.get("TRACKER_LANGUAGE_PASS"):
            settings["DEFAULT_LANG"] = languages[0]  # one source of the default language: the list
    if "TRACKER_ENTRY_PATHS" not in settings:
        settings["TRACKER_ENTRY_PATHS"] = list(settings["ARTICLE_PATHS"])
        settings["ARTICLE_PATHS"] = []  # Pelican needs its article generator, which may be empty
        settings["DIRECT_TEMPLATES"] = [t for t in settings["DIRECT_TEMPLATES"] if t not in OWN_TEMPLATES]
    settings.update(CACHE_CONTENT=False, LOAD_CONTENT_CACHE=False, CHECK_MODIFIED_METHOD="mtime")
    # The theme escapes nothing by hand: autoescaping is always on, whatever a site's settings say.
    # (Another language's build starts from settings this has merged: its cache is made again.)
    environment = {k: v for k, v in settings["JINJA_ENVIRONMENT"].items() if k != "bytecode_cache"}
    environment["autoescape"] = True
    environment["extensions"] = [
        *environment.get("extensions", ()),
        *(e for e in OWN_EXTENSIONS if e not in environment.get("extensions", ())),
    ]
    settings["JINJA_ENVIRONMENT"] = {"bytecode_cache": compiled_templates(environment), **environment}
    settings["JINJA_FILTERS"] = {
        "day": day_element,
        "moment": moment_element,
        "date": date_text,
        "number": number_text,
        "word": word,
        **settings["JINJA_FILTERS"],
    }
    settings["JINJA_GLOBALS"] = {
        "month_calendar": month_calendar,
        "search_words": search_words,
        "weekday_names": weekday_names,
        **settings["JINJA_GLOBALS"],
    }
    warn_article_plugins()
    own_closing_line()
    contents = logging.getLogger("pelican.contents")
    if said_by_the_tracker not in contents.filters:
        contents.addFilter(said_by_the_tracker)


def said_by_the_tracker(record: logging.LogRecord) -> bool:
    """Pelican's own line for a page link that leads nowhere is left out: the tracker says it, at
    the page's file and line (see `page_link_problems`)."""
    return not str(record.msg).startswith("Unable to find")


def warn_article_plugins() -> None:
    """One line naming each receiver of a signal Pelican no longer sends for entries."""
    for name in ARTICLE_SIGNALS:
        for receiver in getattr(signals, name).receivers.values():
            function = (
                receiver() if callable(receiver) and getattr(receiver, "__self__", None) is None else receiver
            )
            module = getattr(function, "__module__", "?")
            if module and not module.startswith("tracker"):
                print(
                    f"settings: warning: {module}.{getattr(function, '__name__', '?')} listens to {name}, "
                    "which this site does not send for its entries (they are not Pelican articles)",
                    file=sys.stderr,
                )


def start_build(pelican) -> list[type]:
    """Every build starts from the settings: vocabularies loaded and checked, the store opened."""
    global _BUILT
    if _BUILT:  # a process that builds again (tests, pelican -r, the devserver): nothing stays frozen,
        gc.unfreeze()  # so that the garbage of its last builds is collected, not kept for good
    else:
        gc.freeze()  # what is loaded so far (modules, settings) lives as long as the process
    _BUILT = True
    gc.set_threshold(*GC_THRESHOLDS)
    Build.start(begin(pelican.settings), pelican.settings)
    return [TrackerGenerator]


def use_writer(pelican) -> type[TrackerWriter]:
    """Pelican's pages and static files go through the writer that skips unchanged bytes (and
    writes nothing when nothing changed), keeping this build's account of its files."""
    build = running()
    return type("TrackerWriter", (TrackerWriter,), {"output": build.output, "unchanged": build.unchanged})


def running() -> Build:
    """The build of the session running."""
    build = current().build
    assert build is not None  # every receiver after `start_build`
    return build


def add_reader(readers) -> None:
    """Pages are read with the tracker's reader, and no other text: an `.rst` or `.html` file
    among the pages is reported by the inventory. Pelican's static reader stays."""
    build = running()
    suffixes = set(PageReader.file_extensions) | build.inputs.inventory.suffixes
    static = {"static": readers.reader_classes["static"]} if "static" in readers.reader_classes else {}
    reader = type(
        "PageReader",
        (PageReader,),
        {
            "parser": build.inputs.parser,
            "reporter": build.inputs.reporter,
            "renderer": build.inputs.renderer(),
            "language": build.inputs.config.language,
        },
    )
    readers.reader_classes = {**static, **{suffix: reader for suffix in sorted(suffixes)}}


def check_before_writing(generators) -> None:
    """Check every output path; `make check` and a strict build with problems stop here, before
    anything is written; else the marker lists everything the build may write, as incomplete."""
    tracker = next(g for g in generators if isinstance(g, TrackerGenerator))
    tracker.settle = partial(check_before_writing, generators)  # again, when the store fails later
    settings, config = tracker.settings, tracker.config
    build = tracker.build
    reporter = build.inputs.reporter
    build.pages = tuple(
        sum(len(getattr(g, name, None) or []) for g in generators)
        for name in ("pages", "hidden_pages", "draft_pages")
    )
    statics = static_outputs(settings, generators)
    build.statics = digest_bytes(*sorted(statics))
    last = tracker.with_store(lambda: last_build(build))
    if build.unchanged and build.statics == last["statics"]:
        # Nothing changed: the output folder is the last build's, and so are its problems.
        reporter.problems = [Problem(*p) for p in json.loads(last["problems"])]
        if config.strict and reporter.failing:
            reporter.print()
            build.stop()
            raise SystemExit(1)
        return
    if build.unchanged:  # a static file came or went: the build goes on as any other
        build.unchanged = False
        tracker.with_store(tracker.model)
        last = tracker.with_store(lambda: last_build(build))
    claims = claims_of(generators, tracker)
    describe = partial(describe_owner, tracker)
    checked = check_claims(claims, reporter, describe)
    refused = {id(claim.item) for claim in checked.refused}
    entries = [c.item.key for c in checked.refused if getattr(c.item, "kind", None) == "entry"]
    if entries:  # an entry that cannot be written is listed nowhere: the lists are made again without it
        tracker.drop(entries)
        claims = claims_of(generators, tracker)
        checked = check_claims(claims, Reporter(), describe)
        refused |= {id(claim.item) for claim in checked.refused}
    build.refused = sorted(entries)
    for generator in generators:  # a page that cannot be written is not written
        for name in ("pages", "hidden_pages", "draft_pages"):
            items = getattr(generator, name, None)
            if items:
                items[:] = [i for i in items if id(i) not in refused]
    tracker.all_outputs = [o for o in tracker.all_outputs if id(o) not in refused]
    tracker.outputs().sitemap = sitemap_pages(checked.claims, tracker)
    tracker.link_problems(reporter)
    page_link_problems(generators, tracker, reporter)
    if not tracker.lists.count(("site",)):
        folder = os.path.join(config.path, build.inputs.entry_folders[0])
        if config.default_language:  # (a language with no entry yet is a translation not yet begun)
            reporter.add("info", folder, 0, "no published entry yet: the site is built without entries")
    if config.check:
        days = [day for h in tracker.lists.heads.values() if h.status != "draft" for day in days_of(h)]
        for first, last in missing_days(days) if config.default_language else ():  # (not translations)
            length = (last - first).days + 1
            message = (
                f"no entry for {first.isoformat()}"
                if length == 1
                else f"no entries {first.isoformat()} … {last.isoformat()} ({length:,} days)"
            )
            reporter.add("info", os.path.join(config.path, build.inputs.entry_folders[0]), 0, message)
        said_already(reporter, config.default_language)
        reporter.print()
        build.stop()
        failing = reporter.failing
        if config.default_language:
            failing = bool(other_languages(settings)) or failing  # `make check` checks every language
        raise SystemExit(1 if failing else 0)
    if config.strict and reporter.failing:
        reporter.print()
        build.stop()
        raise SystemExit(1)
    # Before the first write: the marker lists every file this build may write, as incomplete.
    output = build.output
    output.planned = {os.path.normpath(c.path) for c in claims} | statics | set(output.marker.files)
    output.produced |= statics
    output.statics = statics
    output.planned |= {path for _, files in last["shards"].values() for path in files}
    write_marker(config.output_path, False, output.planned)


def page_link_problems(generators: list, tracker: TrackerGenerator, reporter: Reporter) -> None:
    """A page's link to the site's own files that leads nowhere is a warning at its line (Pelican
    leaves it as written)."""
    root = tracker.config.path
    for generator in generators:
        for name in ("pages", "hidden_pages", "draft_pages"):
            for page in getattr(generator, name, None) or []:
                folder = os.path.dirname(os.path.relpath(page.source_path, root)).replace(os.sep, "/")
                _, links = found_links(getattr(page, "_content", "") or "", folder)
                broken = [(what, target) for what, target in links if tracker.lookup(what, target) is None]
                if broken:
                    with open(page.source_path, encoding="utf-8", errors="replace") as handle:
                        text = handle.read()
                    for what, target in dict.fromkeys(broken):
                        reporter.warning(
                            page.source_path, line_of(text, what, target), unresolved(what, target)
                        )


def last_build(build: Build) -> dict[str, Any]:
    """What the store says of the last build: its static files, problems and search shards."""
    store = build.store
    return {
        "statics": store.meta("statics"),
        "problems": store.meta("problems", "[]"),
        "shards": store.shards(),
    }


def claims_of(generators: list, tracker: TrackerGenerator) -> list[Claim]:
    """Every path the build will write, the site's own pages first, then entries and pages, so
    that a conflict is charged to the entry or page."""
    tracker.all_outputs = tracker.outputs().outputs()
    own = [Claim(o.save_as, o) for o in tracker.all_outputs if o.kind != "entry"]
    content = [Claim(o.save_as, o) for o in tracker.all_outputs if o.kind == "entry"]
    for generator in generators:
        for name in ("pages", "hidden_pages", "draft_pages"):
            content += [
                Claim(page.save_as, page) for page in getattr(generator, name, []) or [] if page.save_as
            ]
    return own + content


def describe_owner(tracker: TrackerGenerator, item: Any) -> tuple[str, tuple[str, int]]:
    """How a problem message names what writes a file, and the file and line it is reported at."""
    if hasattr(item, "source_path"):  # a Pelican page
        return display_path(item.source_path), (item.source_path, item.metadata.get("slug_line", 1))
    if item.kind == "entry":
        return display_path(item.key), (item.key, tracker._slug_line(item.key))
    owner = item.owner
    if isinstance(owner, str):
        return owner, ("", 0)
    term = owner.term
    if term.known:
        return f"{owner.kind} '{owner.name}'", (
            tracker.build.inputs.vocabularies[owner.kind].path,
            term.line,
        )
    first = tracker.lists.at(owner.list_key, 0)  # an unknown name: where it was first used
    return f"{owner.kind} '{owner.name}'", ((first.path, 1) if first is not None else ("", 0))


def sitemap_pages(claims: dict[str, Claim], tracker: TrackerGenerator) -> list[tuple[str, Any]]:
    """(path, last change) of every published page: entries dated by their correction or date,
    hidden and draft entries and pages left out."""
    found = []
    heads = tracker.lists.heads
    for path, claim in claims.items():
        item = claim.item
        if getattr(item, "kind", None) == "entry":
            head = heads.get(item.key)
            if head is not None and head.published:
                found.append((path, head.updated or head.date))
        elif hasattr(item, "source_path"):  # a Pelican page
            if getattr(item, "status", "published") == "published":
                found.append((path, getattr(item, "updated", None) or getattr(item, "date", None)))
        else:
            found.append((path, None))
    return found


def days_of(head: Any) -> list[dt.date]:
    """The days an entry reports on: its own, and every day its `covers:` names."""
    found = [head.date.date()]
    if head.covers:
        first, last = map(dt.date.fromisoformat, head.covers)
        found += [first + dt.timedelta(days=n) for n in range((last - first).days + 1)]
    return found


def missing_days(days: list[dt.date]) -> list[tuple[dt.date, dt.date]]:
    """Runs of days (first, last) between the first and the newest entry that have no entry."""
    days = sorted(set(days))
    return [
        (before + dt.timedelta(1), after - dt.timedelta(1))
        for before, after in zip(days, days[1:])
        if (after - before).days > 1
    ]


_DONE: list[str] = []  # the closing line of the build that just ended, said in Pelican's place


def entry_counts(session, build: Build) -> dict[str, int]:
    """The entries by status: of the lists the build made, or (nothing changed, so nothing was
    read) as the last build counted them."""
    lists = getattr(session.generator, "lists", None)
    if lists is None:
        return Counter(json.loads(build.store.meta("entry_counts", "{}")))
    return Counter("published" if h.published else h.status for h in lists.heads.values())


def say_done(statuses: dict[str, int], build: Build) -> None:
    """The build's closing line, counting entries (which are not Pelican's articles: Pelican's
    own line says "Processed 0 articles"), and pages."""
    pages = build.pages
    more = [f"{pages[1]} hidden"] * bool(pages[1]) + [_count(pages[2], "draft", "drafts")] * bool(pages[2])
    config = build.inputs.config
    language = "" if config.default_language else f"{config.language}/: "
    _DONE[:] = [
        f"{language}Done: {_count(statuses['published'], 'entry', 'entries')} published "
        f"({_count(statuses['draft'], 'draft', 'drafts')}, {statuses['hidden']} hidden), "
        f"{_count(pages[0], 'page', 'pages')}" + (f" ({', '.join(more)})" if more else "")
    ]


def _count(n: int, one: str, many: str) -> str:
    return f"{n:,} {one if n == 1 else many}"


def own_closing_line() -> None:
    """Pelican's closing line ("Done: Processed 0 articles, …") gives way to the tracker's, with
    Pelican's time; every other line of Pelican's console is left as it is."""
    from pelican import log

    console = log.console
    if getattr(console.print, "tracker", False):
        return
    pelicans = console.print

    def print_(*objects: Any, **options: Any) -> Any:
        text = str(objects[0]) if objects else ""
        if text.startswith("Done: Processed") and _DONE:
            took = re.search(r" in [\d.]+ seconds\.$", text)
            objects = (_DONE.pop() + (took.group(0) if took else "."),)
        return pelicans(*objects, **options)

    print_.tracker = True  # type: ignore[attr-defined]
    console.print = print_


def report(pelican) -> None:
    """Print the build's problems; remove files no longer produced; leave the marker complete and
    the store with this build's state. Then build the site's other languages."""
    _report(pelican)
    status = other_languages(pelican.settings)
    if status:
        raise SystemExit(status)


def said_already(reporter: Reporter, default_language: bool) -> None:
    """The default language's build remembers what it says; another language's build, which reads
    the same entries and vocabularies, leaves out what that one said."""
    if default_language:
        _SAID_FOR_EVERY_LANGUAGE[:] = [_problem_key(p) for p in reporter.problems]
    else:
        said_first = set(_SAID_FOR_EVERY_LANGUAGE)
        reporter.problems = [p for p in reporter.problems if _problem_key(p) not in said_first]


def _problem_key(problem: Problem) -> tuple[str, int, str, str]:
    """A problem as every language's build says it (a suggestion names the term in the build's
    language: "did you mean 'Anbar'", "'الأنبار'")."""
    return problem.path, problem.line, problem.severity, SUGGESTION.sub("", problem.message)


def other_languages(settings: dict[str, Any]) -> int:
    """Each other language of the site (TRACKER_LANGUAGES) is a site of its own, under its code in
    the output folder (`ar/`), at the same address with its code added: a build of its own, with
    a session of its own, made after the default language's (whose build this is), from the same
    settings and content. A language the site no longer has loses its folder's files. Every
    language is built even when one fails; the exit status of the last that failed is returned
    (0: none did)."""
    languages = settings.get("TRACKER_LANGUAGES") or []
    if settings.get("TRACKER_LANGUAGE_PASS"):
        return 0
    from pelican import Pelican

    from . import session as sessions

    output, saved = settings["OUTPUT_PATH"], (list(_DONE), sessions.current(), language.active())
    if not settings.get("TRACKER_CHECK"):
        remove_other_languages(output, languages[1:], settings.get("TRACKER_CACHE", "auto"))
    if len(languages) < 2:
        return 0
    saved[1].elsewhere, status = set(), 0
    base = str(settings.get("SITEURL") or "").rstrip("/")
    feeds = str(settings.get("FEED_DOMAIN") or "").rstrip("/")
    try:
        for code in languages[1:]:
            language_settings = {
                **settings,
                "OUTPUT_PATH": os.path.join(output, code),
                # (no address: links from the site's root, unless they are relative to each page)
                "SITEURL": f"{base}/{code}" if base or not settings.get("RELATIVE_URLS") else "",
                "FEED_DOMAIN": f"{feeds}/{code}" if feeds else settings.get("FEED_DOMAIN"),
                "DEFAULT_LANG": code,
                "TRACKER_CACHE": language_cache(settings.get("TRACKER_CACHE", "auto"), code),
                **(settings.get("TRACKER_LANGUAGE_SETTINGS") or {}).get(code, {}),
                "TRACKER_LANGUAGE_PASS": {"language": code, "output": output, "base": feed_base(settings)},
            }
            try:
                Pelican(language_settings).run()
            except SystemExit as stop:
                code_given = stop.code if isinstance(stop.code, int) or stop.code is None else 1
                status = code_given or status
            built = sessions.current().build
            if built is not None:  # (a devserver reloads the open pages of every language)
                saved[1].elsewhere |= {f"{code}/{path}" for path in built.output.changed}
    finally:
        _DONE[:] = saved[0]
        sessions.resume(saved[1])
        language.use(saved[2])  # (what runs after, other plugins' receivers, is the default's)
    return status


def remove_other_languages(output: str, kept: list[str], cache: str | None) -> None:
    """The files the builds of a language the site no longer has wrote (by its folder's marker),
    and its store: its folder was a site of its own, which no build would update again."""
    if not os.path.isdir(output):
        return
    for code in sorted(os.listdir(output)):
        folder = os.path.join(output, code)
        if (
            code in kept
            or not LANGUAGE_CODE.fullmatch(code)
            or not os.path.isfile(os.path.join(folder, MARKER))
        ):
            continue
        marker = read_marker(folder)
        remove_files(folder, set(marker.files))
        os.remove(os.path.join(folder, MARKER))
        remove_store(store_path(folder, language_cache(cache, code)))
        empty_scratch(folder)
        with contextlib.suppress(OSError):
            os.rmdir(folder)  # (a folder holding anything else is kept)


def _report(pelican) -> None:
    session = current()
    build = running()
    tracker_outputs = build.output
    reporter = build.inputs.reporter
    said_already(reporter, build.inputs.config.default_language)
    said = sorted(reporter.problems)
    # A devserver's build that installs the search index it made in the background (no file was
    # saved since the last build) says the same problems once, not again.
    if not (session.deferred and session.ready and not session.changed and said == session.said):
        reporter.print()
    session.said = said
    counts = entry_counts(session, build)
    say_done(counts, build)
    if build.unchanged:
        build.store.close()
        tracker_outputs.release()
        build.finished = True
        return
    stale = (set(tracker_outputs.marker.files) | tracker_outputs.planned) - tracker_outputs.produced
    remove_files(pelican.output_path, stale)
    empty_scratch(pelican.output_path)
    tracker_outputs.changed |= stale
    marker = write_marker(pelican.output_path, True, tracker_outputs.produced)
    try:
        build.store.set_meta("entry_counts", json.dumps(counts, sort_keys=True))
        remember(build, marker.digest)
    except StoreFailed as failure:  # the outputs are right; the next build reads every file
        build.forget_store(failure)
    store = build.store
    if not session.deferred:
        build.save_store()  # else the devserver saves it once the open pages have been told
        store.close()
    elif session.store is store:  # a devserver's next build starts from what this one knew
        session.kept = ((build.inputs.parse_key, store.path), session.generator.changes.known)
    session.identity = folder_identity(pelican.output_path)
    tracker_outputs.release()
    build.finished = True


def output_statuses(output) -> dict[str, str]:
    """What the store keeps of every file of the output folder a build wrote or kept (its status
    and the digest of its bytes), for the next build to compare with: those written, new, found
    altered or copied are looked at again, the others are as the last build left them. Pelican's
    copies of static files are left out: it copies them again on every build."""
    kept = output.produced - output.statics
    join = os.path.join
    if not output.trusted:
        return {p: file_status(join(output.path, p)) for p in kept}
    statuses = {p: output.known[p] for p in kept & output.known.keys()}
    for p in (output.changed | output.altered | output.copied | (kept - output.known.keys())) & kept:
        statuses[p] = file_status(join(output.path, p))
    return statuses


def remember(build: Build, output_state: str) -> None:
    """Keep in the store what the next build compares with: the output folder's state and files,
    the keys, the views, shards and problems of this build."""
    store, generator = build.store, current().generator
    store.set_outputs(output_statuses(build.output))
    store.set_views(build.views)
    store.set_shards(build.shards)
    store.set_meta("output_state", output_state)
    store.set_meta("build_key", build.inputs.build_key)
    store.set_meta("build_parts", json.dumps(build.inputs.parts, sort_keys=True))
    store.set_meta("chrome", build.chrome)
    store.set_meta("refused", json.dumps(build.refused))
    store.set_meta("fingerprint", build.fingerprint)
    store.set_meta("shard_order", json.dumps(generator.site.shard_order))
    store.set_meta("statics", build.statics)
    store.set_meta("problems", json.dumps([astuple(p) for p in build.inputs.reporter.problems]))
    store.set_meta("links", json.dumps(generator.links()))
    store.set_meta("resolved", json.dumps(build.resolved, sort_keys=True))
    store.set_meta("dropped", json.dumps(getattr(generator, "dropped", [])))
    store.set_meta("static_links", json.dumps(generator.static_links()))
    if build.template_reads is not None:
        store.set_meta("template_reads", json.dumps([build.inputs.build_key, build.template_reads.found()]))
