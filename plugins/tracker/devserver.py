"""`make serve` and `make devserver`: the output folder over HTTP, and for the devserver a rebuild
on every save that reloads the open browser tab by itself.

The live-reload script exists only in what the devserver sends: it is added to HTML responses on
their way out, never written into the output folder, so `make html` and `make publish` carry no
trace of it. After each rebuild the server tells the open pages, over server-sent events, which
files the rebuild wrote or removed; a page reloads only when its own file is among them. A
rebuild with errors tells no page to reload: the browser keeps the last good page while the
terminal shows the problems.

The search index is built after the pages are told, in a thread: when it is ready the devserver
rebuilds once more, which writes it. Search in the preview lags a rebuild by the indexing time.
"""

from __future__ import annotations

import gc
import http.server
import json
import logging
import os
import sys
import threading
import time
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

import pelican
import watchfiles
from pelican.log import init as init_logging
from pelican.utils import FileChangeFilter

from .build import Build
from .session import Session, hold
from .writing.search import SearchFailed, index_language, index_shards

LIVE = "/.tracker-live/"  # the devserver's own paths: never a file of the site
# The page says which build it was served after, so that a rebuild finished before its event
# stream opened is not missed; "*" stands for "more builds than the server remembers".
SCRIPT = b"""(function () {
  "use strict";
  var file = decodeURIComponent(location.pathname).replace(/^\\/+/, "");
  if (file === "" || file.slice(-1) === "/") file += "index.html";
  var since = new URL(document.currentScript.src).searchParams.get("since") || "0";
  var events = new EventSource("/.tracker-live/events?since=" + encodeURIComponent(since) +
    "&page=" + encodeURIComponent(file));
  events.addEventListener("built", function (event) {
    var changed = JSON.parse(event.data).changed;
    if (changed.indexOf(file) !== -1 || changed.indexOf("*") !== -1) location.reload();
  });
})();
"""
KEEPALIVE = 15  # seconds between comments on an idle event stream
WATCH_POLL_MS = 200  # an empty batch this often while nothing changes (watching goes on between)
WATCH_STEP_MS = 20  # a batch of changes ends after this long without another (an editor's save)
REMEMBERED = 64  # rebuilds whose changed files the server keeps for late event streams


class Builds:
    """The outcome of the latest rebuild, handed to every waiting event stream, and the pages open
    in a browser (which a rebuild renders first)."""

    def __init__(self) -> None:
        self._condition = threading.Condition()
        self.number = 0
        self._recent: list[tuple[int, frozenset[str]]] = []  # (number, changed files) of recent rebuilds
        self._open: dict[str, int] = {}  # output path -> event streams open on it

    def publish(self, changed: set[str]) -> None:
        """A rebuild (or its first part) finished without errors and wrote or removed `changed`."""
        with self._condition:
            self.number += 1
            self._recent = self._recent[-(REMEMBERED - 1) :] + [
                (self.number, frozenset(path.replace(os.sep, "/") for path in changed))
            ]
            self._condition.notify_all()

    def wait(self, seen: int, timeout: float) -> tuple[int, list[str]]:
        """The files changed by the rebuilds after number `seen` (["*"] when they are no longer all
        remembered), once there is one; the same number and nothing after `timeout` seconds."""
        with self._condition:
            self._condition.wait_for(lambda: self.number != seen, timeout)
            if self.number == seen:
                return seen, []
            if not self._recent or self._recent[0][0] > seen + 1 or seen > self.number:
                return self.number, ["*"]
            return self.number, sorted(set().union(*(files for n, files in self._recent if n > seen)))

    def opened(self, page: str, open_: bool) -> None:
        """A page's event stream opened (or closed)."""
        with self._condition:
            self._open[page] = self._open.get(page, 0) + (1 if open_ else -1)
            if self._open[page] <= 0:
                del self._open[page]

    @property
    def open_pages(self) -> set[str]:
        with self._condition:
            return set(self._open)


class SiteRequestHandler(http.server.SimpleHTTPRequestHandler):
    """Serves the output folder; a missing page gets the site's own 404 page, as a host would serve it.
    With `builds`, HTML gets the live-reload script and the event stream is served."""

    builds: Builds | None = None

    def log_message(self, format: str, *args) -> None:  # noqa: A002 - the standard library's name
        pass  # a line per request would bury the build's problems

    def do_GET(self) -> None:  # noqa: N802 - the standard library's name
        self._answer(self._get)

    def do_HEAD(self) -> None:  # noqa: N802 - the standard library's name
        self._answer(super().do_HEAD)

    def _answer(self, respond) -> None:
        """Answer a request; one the file system or URL parser cannot take (a NUL byte, an invalid
        IPv6 host in the request line) is a 400, never a traceback."""
        try:
            if "\x00" in unquote(self.path):
                raise ValueError("NUL in the path")
            respond()
        except ValueError:
            self.send_error(400, "Bad request")

    def _get(self) -> None:
        url = urlsplit(self.path)
        if self.builds is None:
            super().do_GET()
        elif url.path == LIVE + "reload.js":
            self._send(200, "text/javascript; charset=utf-8", SCRIPT)
        elif url.path == LIVE + "events":
            query = parse_qs(url.query)
            since = query.get("since", [""])[0]
            known = since.isascii() and since.isdigit() and len(since) <= 18
            page = query.get("page", [""])[0][:1000]
            self._stream(self.builds, int(since) if known else self.builds.number, page)
        else:
            path = self.translate_path(self.path)
            if os.path.isdir(path) and url.path.endswith("/"):
                path = os.path.join(path, "index.html")
            if path.endswith(".html") and os.path.isfile(path):
                with open(path, "rb") as handle:
                    self._send(200, "text/html; charset=utf-8", self._with_script(handle.read()))
            else:
                super().do_GET()

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        page = os.path.join(self.directory, "404.html")
        if code != 404 or not os.path.isfile(page):
            super().send_error(code, message, explain)
            return
        with open(page, "rb") as handle:
            body = handle.read()
        self._send(404, "text/html; charset=utf-8", self._with_script(body) if self.builds else body)

    def _send(self, code: int, kind: str, body: bytes) -> None:
        self.send_response(code)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        if self.builds is not None:
            self.send_header("Cache-Control", "no-store")  # a reload must show the rebuilt file
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _with_script(self, page: bytes) -> bytes:
        return with_script(page, self.builds.number if self.builds else 0)

    def _stream(self, builds: Builds, seen: int, page: str = "") -> None:
        """Server-sent events: a `built` event for each rebuild after number `seen`, until the page
        goes away; while it is open, rebuilds render `page` first."""
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        if page:
            builds.opened(page, True)
        try:
            self.wfile.write(b"retry: 500\n\n")
            self.wfile.flush()
            while True:
                number, changed = builds.wait(seen, KEEPALIVE)
                if number == seen:
                    self.wfile.write(b": waiting\n\n")
                else:
                    seen = number
                    data = json.dumps({"build": number, "changed": changed})
                    self.wfile.write(f"event: built\ndata: {data}\n\n".encode())
                self.wfile.flush()
        except OSError:
            return  # the page was closed or reloaded
        finally:
            if page:
                builds.opened(page, False)


class SearchRefresher:
    """Indexes a rebuild's changed search shards in a thread, one batch at a time; the latest
    asked for are indexed next. `ready` is set when bundles wait to be written."""

    def __init__(self) -> None:
        self.ready = threading.Event()
        self._lock = threading.Lock()
        self._queued: tuple[dict, str] | None = None
        self._working: threading.Thread | None = None
        self._processes: list = []  # the Pagefind processes under way
        self._stopped = False
        self.result: dict[str, tuple[str, dict[str, bytes]]] | None = None  # shard -> (digest, bundle)

    def index(self, pending: dict[str, tuple[str, dict[str, str]]], lang: str) -> None:
        """Index `pending` (shard -> (digest, documents)) once the batch under way (if any) is done."""
        with self._lock:
            self._queued = (pending, lang)
            if self._working is not None or self._stopped:
                return
            self._working = threading.Thread(target=self._work, daemon=True)
            self._working.start()

    def take(self) -> dict[str, tuple[str, dict[str, bytes]]] | None:
        """The finished bundles, once."""
        with self._lock:
            self.ready.clear()
            result, self.result = self.result, None
            return result

    def stop(self, timeout: float = 10) -> None:
        """Stop indexing: Pagefind is killed and its scratch folders removed before this returns."""
        with self._lock:
            self._stopped, self._queued = True, None
            working, processes = self._working, list(self._processes)
        for process in processes:
            if process.poll() is None:
                process.kill()
        if working is not None:
            working.join(timeout)

    def _started(self, process: Any) -> None:
        with self._lock:
            self._processes.append(process)
            if self._stopped:
                process.kill()

    def _work(self) -> None:
        while True:
            with self._lock:
                pending, lang = self._queued
                self._queued = None
            started = time.perf_counter()
            try:
                result: dict[str, tuple[str, dict[str, bytes]]] = {}
                index_shards(
                    sorted(pending),
                    lambda name: pending[name][1],
                    lang,
                    lambda name, bundle: result.__setitem__(name, (pending[name][0], bundle)),
                    self._started,
                )
                print(f"search index built in {time.perf_counter() - started:.2f} s", flush=True)
            except SearchFailed as failed:
                if not self._stopped:
                    print(f"search: error: {failed}; the last index is kept", flush=True)
                result = None
            with self._lock:
                self._processes = [p for p in self._processes if p.poll() is None]
                if self._queued is None or self._stopped:
                    self._working = None
                    if result is not None and not self._stopped:
                        self.result = {**(self.result or {}), **result}
                        self.ready.set()
                    return


def script_tag(build: int) -> bytes:
    """The live-reload script's tag, for a page served after rebuild number `build`."""
    return f'<script src="{LIVE}reload.js?since={build}"></script>'.encode()


def with_script(page: bytes, build: int) -> bytes:
    """A page with the live-reload script before its closing body tag (or at its end)."""
    at = page.lower().rfind(b"</body>")
    tag = script_tag(build)
    return page + tag if at < 0 else page[:at] + tag + page[at:]


def make_server(output: str, bind: str, port: int, builds: Builds | None) -> http.server.ThreadingHTTPServer:
    """A threaded server for `output`; OSError when the address cannot be had."""
    handler = type("Handler", (SiteRequestHandler,), {"builds": builds})

    def factory(*args: Any) -> SiteRequestHandler:
        return handler(*args, directory=os.path.abspath(output))

    http.server.ThreadingHTTPServer.allow_reuse_address = True
    return http.server.ThreadingHTTPServer((bind, port), factory)


def rebuild_forever(content: str, output: str, conf: str, builds: Builds) -> None:
    """Build, then rebuild after every change to the content, the theme or the settings, in this
    process: the entry store, the lists of the last build, imports and compiled templates stay in
    memory, and a rebuild reads only the files the watcher names. Problems are printed as by
    `make html`; an error in one rebuild never stops the server."""
    args = pelican.parse_arguments([content, "-o", output, "-s", conf, "-q"])
    init_logging(level=args.verbosity, name="pelican")
    instance, settings = load(args)
    if instance is None:
        raise SystemExit(1)
    settings_file = os.path.abspath(conf)
    changes = watch(settings_file, settings)
    search = SearchRefresher()
    session = Session("devserver")
    try:
        while True:
            if instance is not None:  # None: the settings file could not be loaded; wait for a save
                rebuild(instance, session, builds, search)
            changed = {os.path.abspath(path) for _, path in next_changes(changes, search.ready)}
            if changed & settings_files(settings_file):
                forget_modules(settings_files(settings_file))  # helpers beside the settings, read again
                instance, loaded = load(args)
                session.discovery = session.kept = session.changed = None  # the new settings' own
                if instance is not None:
                    settings = loaded
                    changes = watch(settings_file, settings)
            elif settings is not None:
                # A rebuild looks at these files only (all of them since the last build that ran).
                session.changed = (session.changed or set()) | changed
    finally:
        search.stop()  # no Pagefind left running, no scratch folder left behind


def rebuild(instance: Any, session: Session, builds: Builds, search: SearchRefresher | None = None) -> None:
    """One build of the devserver's `session`. The pages open in a browser are rendered first and
    told at once when the build has no error; the rest are told when it is done. With `search`,
    bundles it finished are written, and shards that changed are indexed in the background."""
    started = time.perf_counter()
    session.ready = search.take() if search is not None else None
    told: set[str] = set()

    def tell(changed: set[str]) -> None:  # called by the build once the open pages are written
        if changed:
            told.update(changed)
            builds.publish(changed)
            print(f"open page reloaded {time.perf_counter() - started:.2f} s after the save", flush=True)

    session.first = (builds.open_pages, tell)
    previous = session.build
    if previous is not None:
        previous.output.release()
    session.build = None  # a build that stops before it starts is not taken for the last one
    gc.disable()  # a rebuild allocates much and frees little: collect after the pages are told
    hold(session)
    try:
        instance.run()
    except SystemExit:
        pass  # the settings or the entries have errors, printed already
    except Exception as exc:  # a bug, not the author's input: one line, and the server goes on
        logging.getLogger(__name__).error("rebuild failed: %s: %s", type(exc).__name__, exc)
    finally:
        hold(None)
    build = session.build
    finished = isinstance(build, Build) and build.finished
    if finished and not build.inputs.reporter.count("error"):
        builds.publish((build.output.changed | (session.elsewhere or set())) - told)
        print(
            f"rebuilt in {time.perf_counter() - started:.2f} s: {len(build.output.changed)} files changed",
            flush=True,
        )
    else:
        print("not reloading the browser: fix the problems above and save again", flush=True)
    if finished:
        build.save_store()  # once the pages have been told
    elif isinstance(build, Build):  # the next build reads every file again, from the store as it was
        build.store.rollback()
        session.kept = None
    if finished:
        if search is not None and build.pending_shards:
            search.index(build.pending_shards, index_language(instance.settings))
    session.given_once()
    gc.enable()
    gc.collect()


def load(args: Any) -> tuple[Any, Any]:
    """Pelican and its settings, or (None, None) with one line when the settings file cannot be
    loaded (a syntax error saved half-way through an edit): the server waits for the next save."""
    try:
        instance, settings = pelican.get_instance(args)
    except Exception as exc:
        print(f"{args.settings}: error: settings not loaded ({type(exc).__name__}: {exc})", flush=True)
        return None, None
    return instance, settings


def forget_modules(files: set[str]) -> None:
    """Forget the modules imported from `files`, so that the settings' next import reads them again."""
    for name, module in list(sys.modules.items()):
        if os.path.abspath(getattr(module, "__file__", None) or "") in files:
            del sys.modules[name]


def settings_files(settings_file: str) -> set[str]:
    """The settings file and the Python files beside it, which it may import (publishconf.py
    imports pelicanconf.py)."""
    folder = os.path.dirname(os.path.abspath(settings_file))
    found = {os.path.abspath(settings_file)}
    try:
        found |= {os.path.join(folder, n) for n in os.listdir(folder) if n.endswith(".py")}
    except OSError:
        pass
    return found


def watch(settings_file: str, settings: dict[str, Any]):
    """Batches of changes to every file the build reads: the settings (and the Python files beside
    them), the theme and the folders of THEME_TEMPLATES_OVERRIDES, and the content (which holds the
    vocabulary, the map and every data file the settings name). Watching starts before this returns
    and runs on during builds, so a save made while building (the first build included) is not
    missed."""
    paths = [
        *sorted(settings_files(settings_file)),
        *settings.get("THEME_TEMPLATES_OVERRIDES", []),
        settings.get("THEME", ""),
        settings.get("PATH", ""),
    ]
    changes = watchfiles.watch(
        *(os.path.abspath(p) for p in paths if p and os.path.exists(p)),
        watch_filter=FileChangeFilter(ignore_file_patterns=set(settings.get("IGNORE_FILES", []))),
        rust_timeout=WATCH_POLL_MS,
        yield_on_timeout=True,
        step=WATCH_STEP_MS,
    )
    next(changes)  # a generator watches from its first step: take it now (an empty batch)
    return changes


def next_changes(changes, wake: threading.Event | None = None) -> set:
    """The next batch of changes that is not empty, or an empty one once `wake` is set."""
    while True:
        batch = next(changes)
        if batch or (wake is not None and wake.is_set()):
            return batch
