"""The authoring commands behind `make new`, `make check` and `make publish`.

    python -m tracker.cli new --input content --conf pelicanconf.py --title "Qaim falls"
    python -m tracker.cli check --input content --conf publishconf.py
    python -m tracker.cli publish --input content --output output --conf publishconf.py
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import sys
import tempfile
from zoneinfo import ZoneInfo

import pelican
from pelican.settings import read_settings

from .run import site_slugify

TEMPLATE = """\
---
title: {title}
date: {date}
provinces: []
actors: []
# places: []
# tags: []
# summary: One sentence shown in lists and feeds.
# covers: {day}/{day}
# sources: ["Title <https://example.org/report>"]
# updated: {day}
# status: draft
---

"""


def new_entry(content: str, conf: str, title: str, day: str | None) -> int:
    """Create today's entry file (in the site's TIMEZONE) and print its path; never overwrite."""
    settings = read_settings(conf, override={"PATH": os.path.abspath(content)})
    now = dt.datetime.now(ZoneInfo(settings["TIMEZONE"]))
    date = dt.date.fromisoformat(day) if day else now.date()
    slug = site_slugify(settings)(title)
    if not title.strip() or not slug:
        print("make new: give the entry a title, e.g. make new TITLE=\"Qaim falls\"", file=sys.stderr)
        return 2
    path = os.path.join(content, settings["ARTICLE_PATHS"][0], f"{date:%Y}", f"{date:%Y-%m-%d}-{slug}.md")
    if os.path.exists(path):
        print(f"{path}: error: already exists; not overwritten", file=sys.stderr)
        return 1
    os.makedirs(os.path.dirname(path), exist_ok=True)
    stamp = date.isoformat() if day else f"{now:%Y-%m-%d %H:%M}"
    with open(path, "x", encoding="utf-8") as handle:
        handle.write(TEMPLATE.format(title=_yaml_text(title), date=f'"{stamp}"', day=date.isoformat()))
    print(path)
    return 0


def _yaml_text(text: str) -> str:
    """A title as a YAML double-quoted scalar, safe whatever punctuation it holds."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def build(content: str, output: str, conf: str, *extra: str) -> int:
    """Run Pelican as the `pelican` command does; our plugin prints problems and sets the exit code."""
    argv = [content, "-o", output, "-s", conf, "-q"]
    if extra:
        argv += ["-e", *extra]
    try:
        pelican.main(argv)
    except SystemExit as stop:
        return int(stop.code or 0)
    return 0


def check(content: str, conf: str) -> int:
    """Every check of a strict build, drafts included, without writing anything."""
    with tempfile.TemporaryDirectory() as scratch:
        return build(content, scratch, conf, "TRACKER_CHECK=true", "DELETE_OUTPUT_DIRECTORY=false")


def publish(content: str, output: str, conf: str) -> int:
    """A strict build into a fresh folder next to `output`, swapped in only if it all succeeded."""
    output = os.path.abspath(output.rstrip("/"))
    parent, name = os.path.split(output)
    os.makedirs(parent, exist_ok=True)
    old = os.path.join(parent, f".{name}.old")
    recover(output, old)
    fresh = tempfile.mkdtemp(prefix=f".{name}.new-", dir=parent)
    try:
        # Always a full build: no cache next to the fresh folder, none left behind.
        status = build(content, fresh, conf, "TRACKER_STRICT=true", "DRAFT_SAVE_AS=\"\"", "DRAFT_PAGE_SAVE_AS=\"\"",
                       "TRACKER_CACHE=null")
        if status != 0:
            print(f"make publish: build failed; {output} is unchanged", file=sys.stderr)
            return status
        os.chmod(fresh, 0o755)
        if os.path.exists(output):
            os.rename(output, old)  # 1: the last good site steps aside ...
        os.rename(fresh, output)  # 2: ... and the new one takes its place
        shutil.rmtree(old, ignore_errors=True)
        print(f"published to {output}")
        return 0
    finally:
        shutil.rmtree(fresh, ignore_errors=True)


def recover(output: str, old: str) -> None:
    """Finish or undo a swap that was interrupted between its two renames."""
    if os.path.exists(old):
        if os.path.exists(output):
            shutil.rmtree(old)  # the swap finished; only the clean-up was lost
        else:
            os.rename(old, output)  # the swap stopped halfway: put the last good site back
            print(f"make publish: restored {output} from an interrupted publish", file=sys.stderr)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="tracker")
    commands = parser.add_subparsers(dest="command", required=True)
    for name in ("new", "check", "publish"):
        command = commands.add_parser(name)
        command.add_argument("--input", required=True, help="the content folder (INPUTDIR)")
        command.add_argument("--conf", required=True, help="the settings file")
        if name == "new":
            command.add_argument("--title", required=True)
            command.add_argument("--date", help="YYYY-MM-DD instead of today")
        if name == "publish":
            command.add_argument("--output", required=True, help="the published folder (OUTPUTDIR)")
    args = parser.parse_args(argv)
    if args.command == "new":
        return new_entry(args.input, args.conf, args.title, args.date)
    if args.command == "check":
        return check(args.input, args.conf)
    return publish(args.input, args.output, args.conf)


if __name__ == "__main__":
    sys.exit(main())
