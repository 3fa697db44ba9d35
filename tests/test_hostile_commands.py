"""The commands and the devserver under careless or hostile use: one line, never a traceback, and
nothing left running or lying about after them."""

from __future__ import annotations

import http.client
import os
import signal
import socket
import stat
import subprocess
import sys
import time

import pytest

from conftest import ROOT, devserver, entry, fetch, free_port, wait_for
from test_hostile_input import problem_lines
from test_workflow import make
from tracker.writing.search import SCRATCH, remove_stale_scratch


@pytest.mark.parametrize(
    "option", ["-e TRACKER_STRICT=yes", "--extra-settings=TRACKER_STRICT=yes", "-eTRACKER_STRICT=yes"]
)
def test_a_setting_given_on_the_command_line_that_is_not_json_is_one_line(site, option):
    site.write("entries/2014-06-01-one.md", entry(title="One", date="2014-06-01"))
    for target in ("html", "check", "publish"):
        result = make(target, f"INPUTDIR={site.content}", f"OUTPUTDIR={site.output}", f"PELICANOPTS={option}")
        assert result.returncode != 0 and "Traceback" not in result.stderr, result.stderr
        assert problem_lines(result) == [
            f"make {target}: error: PELICANOPTS: -e TRACKER_STRICT=yes: 'yes' is not a JSON value "
            """(true, false, null, a number, or text in double quotes: -e 'KEY="text"')"""
        ]
    assert not site.output.exists()


def test_a_port_that_is_not_a_port_is_one_line(site):
    for port in ("99999", "0", "http", "-1"):
        result = make(
            "serve", f"INPUTDIR={site.content}", f"OUTPUTDIR={site.output}", f"PORT={port}", timeout=60
        )
        assert result.returncode != 0 and "Traceback" not in result.stderr, result.stderr
        assert problem_lines(result) == [
            f"make serve: error: PORT '{port}' is not a port number (1 to 65535)"
        ]


def raw_request(port: int, line: bytes) -> bytes:
    """The server's answer to one request line, as bytes."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as connection:
        connection.sendall(line + b"\r\nHost: x\r\n\r\n")
        connection.shutdown(socket.SHUT_WR)
        answer = b""
        while chunk := connection.recv(65536):
            answer += chunk
    return answer


def test_hostile_requests_get_an_answer_and_no_traceback(site):
    site.write("entries/2014-06-01-one.md", entry(title="One", date="2014-06-01"))
    with devserver(site) as (port, log, server):
        assert wait_for(lambda: fetch(f"http://127.0.0.1:{port}/") is not None), log.read_text()
        for path in (b"/%00", b"/a%00b.html", b"http://[x/"):
            answer = raw_request(port, b"GET " + path + b" HTTP/1.0")
            assert answer.startswith(b"HTTP/1.0 400 "), (path, answer[:200])
        for since in ("%C2%B2", "9" * 5000):  # not a build number: the stream starts from the latest
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            connection.request("GET", "/.tracker-live/events?since=" + since)
            response = connection.getresponse()
            assert response.status == 200 and response.getheader("Content-Type") == "text/event-stream"
            connection.close()
        assert fetch(f"http://127.0.0.1:{port}/") is not None  # still serving
        assert server.poll() is None
    assert "Traceback" not in log.read_text(), log.read_text()


def test_stale_search_scratch_folders_are_removed_and_live_ones_kept(tmp_path):
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    memory, disk = tmp_path / "shm", tmp_path / "tmp"
    stale = memory / f"{SCRATCH}{dead.pid}-abc"
    alive = disk / f"{SCRATCH}{os.getpid()}-def"
    earlier = disk / f"{SCRATCH}k2x9q1a0"  # an earlier version's name, without a process id
    recent = memory / f"{SCRATCH}p0z7w2b1"
    other = disk / "someone-else"
    for folder in (stale, alive, earlier, recent, other):
        (folder / "site").mkdir(parents=True)
        (folder / "site/doc.html").write_text("<p>an entry</p>")
    an_hour_ago = time.time() - 3600
    os.utime(earlier, (an_hour_ago, an_hour_ago))
    remove_stale_scratch((str(memory), str(disk)))
    assert not stale.exists() and not earlier.exists()
    assert alive.exists() and recent.exists() and other.exists()


SLOW_PAGEFIND = """#!/bin/sh
# Stands in for Pagefind: writes into its output folder, then takes its time.
while [ "$1" != "--output-path" ]; do shift; done
mkdir -p "$2"
echo $$ > "$PIDFILE"
exec sleep 120
"""


def scratch_folders(*parents) -> set[str]:
    return {
        os.path.join(p, n)
        for p in parents
        if os.path.isdir(p)
        for n in os.listdir(p)
        if n.startswith(SCRATCH)
    }


def test_stopping_the_devserver_while_it_indexes_leaves_no_pagefind_and_no_scratch(site, tmp_path):
    fake = tmp_path / "pagefind"
    fake.write_text(SLOW_PAGEFIND)
    fake.chmod(fake.stat().st_mode | stat.S_IEXEC)
    pidfile, scratch = tmp_path / "pagefind.pid", tmp_path / "scratch"
    scratch.mkdir()
    site.write("entries/2014-06-01-one.md", entry(title="One", date="2014-06-01"))
    before = scratch_folders("/dev/shm", str(scratch))
    log = tmp_path / "devserver.log"
    command = ["make", "-s", "-f", str(ROOT / "Makefile"), "devserver", f"INPUTDIR={site.content}"]
    command += [f"OUTPUTDIR={site.output}", f"PORT={free_port()}"]
    environment = {"PAGEFIND_BINARY_PATH": str(fake), "PIDFILE": str(pidfile), "TMPDIR": str(scratch)}
    with open(log, "w") as stream:
        server = subprocess.Popen(
            command,
            stdout=stream,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            env={**os.environ, **environment},
        )
    try:
        assert wait_for(lambda: pidfile.exists()), log.read_text()  # indexing after the first build
        pagefind = int(pidfile.read_text())
        assert scratch_folders("/dev/shm", str(scratch)) - before  # the documents, while indexing
        devserver_pid = int(open(f"/proc/{pagefind}/stat").read().rsplit(")", 1)[1].split()[1])
        os.kill(devserver_pid, signal.SIGTERM)  # stopped by itself (Ctrl-C also reaches Pagefind)
        server.wait(timeout=60)
    finally:
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGKILL)
    assert wait_for(lambda: not os.path.exists(f"/proc/{pagefind}"), 10)
    assert scratch_folders("/dev/shm", str(scratch)) == before
    assert "Traceback" not in log.read_text() and "make serve: stopped" in log.read_text(), log.read_text()


def test_a_build_read_in_worker_processes_prints_no_traceback(site):
    for n in range(240):  # enough for the reading to go to two worker processes
        day = f"2014-{n // 28 % 12 + 1:02d}-{n % 28 + 1:02d}"
        site.write(f"entries/{day}-e{n}.md", entry(title=f"E{n}", date=day, provinces="[Anbar]"))
    for target, options in (
        ("html", "PELICANOPTS=-e TRACKER_CACHE=null TRACKER_ENTRY_RULES={}"),
        ("check", "Q=1"),
    ):
        result = make(target, f"INPUTDIR={site.content}", f"OUTPUTDIR={site.output}", options)
        assert result.returncode == 0 and "Traceback" not in result.stderr + result.stdout, result.stderr[
            -2000:
        ]
        assert "Interrupted" not in result.stderr
