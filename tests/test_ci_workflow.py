"""The GitHub Actions workflow `make new-site` writes: valid, and its commands, run in order in a
workspace laid out as the runner lays it out, publish the site; run again from the restored
cache, the publish renders only what changed."""

from __future__ import annotations

import os
import shutil
import subprocess
import tarfile
from pathlib import Path

import yaml

from conftest import ROOT, entry
from test_newsite import make

CUT = ROOT / "tests/data/natural-earth-admin1-UA-SY-YE.geojson"
TOOL_FILES = (
    "Makefile",
    "requirements.txt",
    "requirements-dev.txt",
    "requirements-boundaries.txt",
    "publishconf.py",
)


def steps_of(workflow: dict) -> list[dict]:
    return workflow["jobs"]["publish"]["steps"]


def checkout(workspace: Path, site: Path) -> None:
    """The two checkouts of the workflow: the site, and the tool (a clone, with this working
    tree's code, which is what is being tested)."""
    shutil.copytree(site, workspace / "site", ignore=shutil.ignore_patterns("output", "public"))
    tool = workspace / "tool"
    subprocess.run(["git", "clone", "--quiet", "--no-checkout", str(ROOT), str(tool)], check=True)
    for folder in ("plugins", "theme"):
        shutil.copytree(ROOT / folder, tool / folder, ignore=shutil.ignore_patterns("__pycache__"))
    for name in TOOL_FILES:
        shutil.copy2(ROOT / name, tool / name)


def run_workflow(workspace: Path, commands: list[str]) -> None:
    env = {
        **os.environ,
        "GITHUB_WORKSPACE": str(workspace),
        "GITHUB_OUTPUT": str(workspace / "github-output"),
        "TRACKER_SITEURL": "https://ukraine.tracker-desk.org",
        "TRACKER_TOOL": str(workspace / "tool"),
        "TRACKER_CACHE_DIR": str(workspace / ".tracker-cache"),
        "VENV": str(ROOT / ".venv"),  # the runner's would be made by `make` itself
    }
    for command in commands:
        done = subprocess.run(["bash", "-c", command], cwd=workspace, env=env, capture_output=True, text=True)
        assert done.returncode == 0, (command, done.stdout, done.stderr)


def test_the_workflow_publishes_and_a_second_run_from_its_cache_renders_only_what_changed(tmp_path):
    site = tmp_path / "ukraine"
    assert make("new-site", f"DIR={site}", "COUNTRY=UA", "WORD=Oblast").returncode == 0
    assert make("boundaries", f"SITE={site}", f"FILE={CUT}").returncode == 0
    (site / "content/data/actors.yaml").write_text("- name: Russian Armed Forces\n  kind: state\n")
    for day in (1, 2, 3):
        (site / f"content/entries/2024-11-0{day}-day-{day}.md").write_text(
            entry(
                f"Day {day}",
                f"2024-11-0{day}",
                "Strikes overnight.",
                summary="Strikes.",
                provinces="[Kharkiv]",
                actors="[Russian Armed Forces]",
                sources='["Regional administration"]',
            )
        )
    workflow = yaml.safe_load((site / ".github/workflows/publish.yml").read_text(encoding="utf-8"))
    triggers = workflow.get("on", workflow.get(True))  # YAML 1.1 reads a bare `on` as true
    assert {"push", "schedule", "workflow_dispatch"} <= set(triggers)
    assert workflow["permissions"] == {"contents": "read", "pages": "write", "id-token": "write"}
    steps = steps_of(workflow)
    uses = [step.get("uses", "") for step in steps]
    assert (
        uses.index("actions/cache@v4")
        < uses.index("actions/upload-pages-artifact@v3")
        < uses.index("actions/deploy-pages@v4")
    )
    cache = next(step["with"] for step in steps if step.get("uses") == "actions/cache@v4")
    assert set(cache["path"].split()) == {".tracker-cache", "site/public"}
    assert "steps.tool.outputs.version" in cache["key"] and "github.run_id" in cache["key"]
    assert next(s["with"]["path"] for s in steps if s.get("uses", "").startswith("actions/upload-pages"))
    commands = [step["run"] for step in steps if "run" in step]
    assert commands[-2:] == ["make -C tool check SITE=../site", "make -C tool publish SITE=../site"]

    first = tmp_path / "workspace"  # a runner's workspace: the same path on every run
    checkout(first, site)
    run_workflow(first, commands)
    published = first / "site/public"
    assert (published / "index.html").is_file() and (published / "2024/11/02/day-2/index.html").is_file()
    saved = tmp_path / "cache.tar"  # actions/cache: the paths packed at the end of the job
    with tarfile.open(saved, "w") as archive:
        for path in (".tracker-cache", "site/public"):
            archive.add(first / path, arcname=path)

    # The next day: a new entry, a fresh runner, the cache restored (new inodes, the same bytes).
    (site / "content/entries/2024-11-04-day-4.md").write_text(
        entry(
            "Day 4",
            "2024-11-04",
            "Quiet.",
            summary="Quiet.",
            provinces="[Kharkiv]",
            actors="[Russian Armed Forces]",
            sources='["Regional administration"]',
        )
    )
    shutil.rmtree(first)
    second = first
    checkout(second, site)
    with tarfile.open(saved) as archive:
        archive.extractall(second, filter="data")
    restored = {p: p.stat().st_ino for p in (second / "site/public").rglob("*.html")}
    run_workflow(second, commands)
    published = second / "site/public"
    assert (published / "2024/11/04/day-4/index.html").is_file()
    kept = [p for p, inode in restored.items() if p.exists() and p.stat().st_ino == inode]
    assert (published / "provinces/vinnytsia/index.html") in kept  # not rendered again
    assert len(kept) > 0.6 * len(restored), (len(kept), len(restored))
