"""A publish stopped at any step of putting the new site in place (killed, or told to stop by a
signal), with Linux's atomic exchange and with the two-rename fallback other systems get, leaves
the last or the new site with every file OUTPUT_RETENTION names; the next publish puts back what
it finds, even when it fails itself."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys

import pytest

from conftest import ROOT, Site, entry, wait_for
from test_output_folder import fill
from test_workflow import publishconf, tree

# Runs `make publish`'s command in a process of its own, stopped at the `count`-th time the swap
# reaches `step`: killed (no cleanup runs, as with SIGKILL) or told to stop (as by Ctrl-C).
DRIVER = """
import os, sys
from tracker import cli, publishing
step, count, how, exchange = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
reached = []
def stop(name):
    if name == step:
        reached.append(name)
        if len(reached) == count:
            if how == "kill":
                os._exit(137)
            raise publishing.Interrupted(2)
publishing.step = stop
if exchange == "fallback":
    publishing.exchange = lambda first, second: False
sys.exit(cli.main(sys.argv[5:]))
"""
RETAINED = {".git/HEAD": "ref: refs/heads/gh-pages\n", "CNAME": "tracker.example.org\n"}


def run_publish(site: Site, conf, *stop: str) -> subprocess.CompletedProcess:
    """The publish command, stopped as `stop` says (step, count, how, exchange), or not stopped."""
    stop = stop or ("never", "1", "kill", "atomic")
    command = ["publish", "--input", str(site.content), "--output", str(site.output), "--conf", str(conf)]
    return subprocess.run(
        [sys.executable, "-c", DRIVER, *stop, *command],
        cwd=site.root,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "PYTHONPATH": str(ROOT / "plugins")},
    )


@pytest.fixture(scope="module")
def sites(tmp_path_factory):
    """A published site with a Pages checkout's files (kept as `published-last`), its content then
    edited; and the trees of the last site and of the new one that publishing the edit gives."""
    site = Site(tmp_path_factory.mktemp("published"))
    fill(site, drafts=False)
    conf = publishconf(site, OUTPUT_RETENTION=[".git", "CNAME"], TRACKER_ENTRY_RULES={})
    assert run_publish(site, conf).returncode == 0
    for name, text in RETAINED.items():
        (site.output / name).parent.mkdir(exist_ok=True)
        (site.output / name).write_text(text)
    last = tree(site.output)
    shutil.copytree(site.output, site.root / "published-last", symlinks=True)
    site.write(
        "entries/2014-06-02-two.md", entry(title="Two, edited", date="2014-06-02", provinces="[Ninewa]")
    )
    assert run_publish(site, conf).returncode == 0
    new = tree(site.output)
    assert new != last and {".git/HEAD", "CNAME"} <= new.keys()
    return site, last, new


def copy_of(sites, tmp_path) -> tuple[Site, object]:
    """A site whose output holds the last published site, with the edited content to publish."""
    prepared, _, _ = sites
    site = Site(tmp_path)
    shutil.rmtree(site.content)
    shutil.copytree(prepared.content, site.content)
    shutil.copytree(prepared.root / "published-last", site.output, symlinks=True)
    return site, publishconf(site, OUTPUT_RETENTION=[".git", "CNAME"], TRACKER_ENTRY_RULES={})


def siblings(site: Site) -> list[str]:
    """What is beside the output folder (Python's compiled copy of the settings file aside)."""
    return sorted(p.name for p in site.root.iterdir() if p.name != "__pycache__")


STOPS = [
    ("carry", "1", "atomic"),
    ("carry", "2", "atomic"),
    ("exchange", "1", "atomic"),
    ("discard", "1", "atomic"),
    ("carry", "2", "fallback"),
    ("exchange", "1", "fallback"),
    ("park", "1", "fallback"),
    ("unpark", "1", "fallback"),
    ("parked", "1", "fallback"),
]


@pytest.mark.parametrize("step, count, exchange", STOPS)
def test_a_killed_publish_leaves_a_site_and_its_retained_files_and_the_next_puts_things_back(
    sites, tmp_path, step, count, exchange
):
    _, last, new = sites
    site, conf = copy_of(sites, tmp_path)
    killed = run_publish(site, conf, step, count, "kill", exchange)
    assert killed.returncode == 137, killed.stderr
    site.write("entries/2014-06-04-typo.md", entry(title="Typo", date="2014-06-04", provinces="[Anbarr]"))
    failed = run_publish(site, conf)
    assert failed.returncode == 1 and "Traceback" not in failed.stderr, failed.stderr
    assert tree(site.output) in (last, new), failed.stderr  # whole, with .git and CNAME
    assert not [name for name in siblings(site) if ".new-" in name]
    os.remove(site.content / "entries/2014-06-04-typo.md")
    published = run_publish(site, conf)
    assert published.returncode == 0, published.stderr
    assert tree(site.output) == new
    assert siblings(site) == ["content", "output", "publishconf_test.py"]


@pytest.mark.parametrize("step, count, exchange", [s for s in STOPS if s[0] != "discard"])
def test_a_publish_told_to_stop_puts_the_last_site_back_at_once(sites, tmp_path, step, count, exchange):
    _, last, new = sites
    site, conf = copy_of(sites, tmp_path)
    stopped = run_publish(site, conf, step, count, "signal", exchange)
    assert stopped.returncode == 130 and "Traceback" not in stopped.stderr, stopped.stderr
    assert "make publish: stopped" in stopped.stderr
    after_swap = step == "parked"  # the new site was already in place
    assert tree(site.output) == (new if after_swap else last)
    assert siblings(site) == ["content", "output", "publishconf_test.py"] or after_swap


def test_ctrl_c_during_the_build_of_a_publish_changes_nothing(sites, tmp_path):
    _, last, _ = sites
    site, conf = copy_of(sites, tmp_path)
    for n in range(300):  # a build long enough to be interrupted
        day = f"2014-07-{n % 28 + 1:02d}"
        site.write(f"entries/{day}-x{n}.md", entry(title=f"X{n}", date=day))
    command = ["publish", "--input", str(site.content), "--output", str(site.output), "--conf", str(conf)]
    process = subprocess.Popen(
        [sys.executable, "-m", "tracker.cli", *command],
        cwd=site.root,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT / "plugins")},
        start_new_session=True,
    )
    # Once the build writes (its fresh folder holds a marker), Ctrl-C, which reaches the whole group.
    assert wait_for(lambda: list(site.root.glob(".output.new-*/.tracker-build.json")), 60)
    os.killpg(process.pid, signal.SIGINT)
    out, err = process.communicate(timeout=120)
    assert process.returncode == 130 and "Traceback" not in err, err
    assert tree(site.output) == last
    assert siblings(site) == ["content", "output", "publishconf_test.py"]


FINISHED_EARLY = """
import os, sys
from tracker import cli
def build(content, output, conf, *extra, options=()):
    os.makedirs(os.path.join(output, "2014"), exist_ok=True)
    with open(os.path.join(output, ".tracker-build.json"), "w") as marker:
        marker.write('{"format": 1, "complete": false, "files": []}')
    return 0  # as Pelican's command does when it catches Ctrl-C
cli.build = build
sys.exit(cli.main(sys.argv[1:]))
"""


def test_a_build_that_stopped_without_saying_so_is_never_published(sites, tmp_path):
    _, last, _ = sites
    site, conf = copy_of(sites, tmp_path)
    command = ["publish", "--input", str(site.content), "--output", str(site.output), "--conf", str(conf)]
    result = subprocess.run(
        [sys.executable, "-c", FINISHED_EARLY, *command],
        cwd=site.root,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT / "plugins")},
    )
    assert result.returncode == 1 and "make publish: build failed" in result.stderr, result.stderr
    assert tree(site.output) == last
