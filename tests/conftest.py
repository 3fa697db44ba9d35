"""Helpers that build small real sites into a temporary folder."""

from __future__ import annotations

import contextlib
import gzip
import io
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from pelican import Pelican
from pelican.settings import read_settings

ROOT = Path(__file__).resolve().parents[1]
PELICAN = Path(sys.executable).with_name("pelican")
# Build caches and locks of the tests' sites go to a folder of their own, not the user's cache.
os.environ["XDG_CACHE_HOME"] = tempfile.mkdtemp(prefix="tracker-tests-cache-")
# The address the sample's publish settings publish at (its own is a placeholder, which publishing
# refuses); no test ever connects to it.
os.environ["TRACKER_SITEURL"] = "https://tracker-desk.org"

PROVINCES = """\
- name: Anbar
  aliases: [Al Anbar]
  iso: IQ-AN
  capital: Ramadi
- name: Ninewa
  aliases: [Nineveh, Ninawa]
  iso: IQ-NI
  local_name: "نينوى"
- name: Kirkuk
  aliases: [Ta'mim]
"""

ACTORS = """\
- name: ISIS
  aliases: [ISIL, Islamic State, IS, Daesh]
  kind: insurgent
- name: ISF
  aliases: [Iraqi Security Forces]
  kind: state
- name: Peshmerga
  kind: kurdish
"""


def entry(title: str = "An entry", date: str = "2014-06-22", body: str = "Body text.", **fields: str) -> str:
    """The text of an entry file; extra fields are written as `key: value` lines."""
    lines = ["---", f"title: {title}", f"date: {date}"]
    lines += [f"{key}: {value}" for key, value in fields.items()]
    return "\n".join(lines + ["---", body, ""])


def head_on(day: str, provinces=(), actors=(), events=()):
    """A published entry's head dated `day` (ISO 8601) at noon in Baghdad, for the model's tests."""
    import datetime as dt

    from tracker.model.record import Head

    moment = dt.datetime.fromisoformat(day + "T12:00:00+03:00")
    return Head(
        day,
        "published",
        moment,
        day,
        day,
        f"{day}/",
        f"{day}/index.html",
        tuple(provinces),
        tuple(actors),
        events=tuple(events),
    )


ONE_LANGUAGE = "TRACKER_LANGUAGES=[]"  # the tests' sites have one language unless a test says otherwise


def one_language(options) -> list[str]:
    """Command-line options with the site's languages set to one (before any the options give:
    Pelican's `-e` takes the last value of a key, and a second `-e` would replace the first's)."""
    options = list(options)
    if "-e" in options:
        at = options.index("-e") + 1
        return [*options[:at], ONE_LANGUAGE, *options[at:]]
    return [*options, "-e", ONE_LANGUAGE]


class Site:
    """A content folder in tmp_path, built into tmp_path/output."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.content = root / "content"
        self.output = root / "output"
        (self.content / "data").mkdir(parents=True)
        (self.content / "entries").mkdir()
        self.write("data/provinces.yaml", PROVINCES)
        self.write("data/actors.yaml", ACTORS)

    def write(self, relative: str, text: str | bytes) -> Path:
        """Write a file under the content folder."""
        path = self.content / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
        return path

    def build(self, *options: str, conf: Path = ROOT / "pelicanconf.py") -> subprocess.CompletedProcess:
        """Build the site in this process, as `make html` does (`Pelican(read_settings(...)).run()`),
        from the site's folder; `-e KEY=JSON` options override settings as on the command line.
        Returns what the `pelican` command would: its exit status, stdout and stderr."""
        stdout, stderr, status = io.StringIO(), io.StringIO(), 0
        here = os.getcwd()
        os.chdir(self.root)
        try:
            with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
                settings = self.settings(*options, conf=conf)
                try:
                    Pelican(settings).run()
                except SystemExit as stop:
                    status = stop.code or 0
        finally:
            os.chdir(here)
        return subprocess.CompletedProcess(
            ["pelican", *options], status, stdout.getvalue(), stderr.getvalue()
        )

    def pelican_process(self, *options: str, **env: str) -> subprocess.CompletedProcess:
        """The `pelican` command on this site in a process of its own, from the site's folder, with
        `env` added to the environment (for what an in-process build cannot change)."""
        command = [
            str(PELICAN),
            str(self.content),
            "-o",
            str(self.output),
            "-s",
            str(ROOT / "pelicanconf.py"),
        ]
        return subprocess.run(
            [*command, *one_language(options)],
            cwd=self.root,
            capture_output=True,
            text=True,
            timeout=120,
            env={**os.environ, **env},
        )

    def settings(self, *options: str, conf: Path = ROOT / "pelicanconf.py") -> dict:
        """The settings a build of this site reads: `conf`, the site's folders, `-e KEY=JSON` options."""
        overrides = {}
        for option in options:
            if option != "-e":
                key, _, value = option.partition("=")
                overrides[key] = json.loads(value)
        # The authoring rules are tested on their own; other tests' sites keep their entries minimal.
        # One language, unless a test gives the site more (the sample's second language is tested
        # on its own).
        overrides = {"TRACKER_ENTRY_RULES": {}, "TRACKER_LANGUAGES": [], **overrides}
        return read_settings(
            str(conf), override={"PATH": str(self.content), "OUTPUT_PATH": str(self.output), **overrides}
        )

    def html(self, relative: str) -> BeautifulSoup:
        """The parsed HTML of an output file."""
        return BeautifulSoup((self.output / relative).read_text(encoding="utf-8"), "html.parser")


def indexed_text(output: Path) -> str:
    """The text of every record in an output folder's search index (the fragments of all its shards)."""
    fragments = sorted((output / "pagefind").glob("*/fragment/*.pf_fragment"))
    return "".join(gzip.decompress(path.read_bytes()).decode("utf-8") for path in fragments)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(condition, timeout=60.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.25)
    return False


def fetch(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.read().decode("utf-8")
    except OSError:
        return None


def built_once(tmp_path_factory, name: str, write) -> Site:
    """A site filled by `write` and built once, for a module's tests that only read what was
    written; the build's result is kept as `site.result`."""
    site = Site(tmp_path_factory.mktemp(name))
    write(site)
    site.result = site.build()
    assert site.result.returncode == 0, site.result.stderr
    return site


@contextlib.contextmanager
def devserver(site: Site, *variables: str, cwd: Path = ROOT):
    """`make devserver` for `site` (more make `variables` given as NAME=value) on a free port, its
    output in `site.root / "devserver.log"`; yields (port, log, process) and stops it at the end."""
    port = free_port()
    log = site.root / "devserver.log"
    command = ["make", "-s", "-f", str(ROOT / "Makefile"), "devserver"]
    command += [f"INPUTDIR={site.content}", f"OUTPUTDIR={site.output}", f"PORT={port}", *variables]
    with open(log, "w") as stream:
        server = subprocess.Popen(
            command, cwd=cwd, stdout=stream, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        yield port, log, server
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


@pytest.fixture
def site(tmp_path: Path) -> Site:
    return Site(tmp_path)
