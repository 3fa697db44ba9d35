"""Every file in the entries and pages folders is accounted for: read, ignored by a documented
rule, or reported. Pelican's own file discovery is pointed at the same files."""

from __future__ import annotations

import os
import re
import stat
import time
from dataclasses import dataclass
from typing import Any

from ..model.digests import digest_bytes
from ..model.yamlnodes import YAMLProblem
from ..problems import Reporter

SOURCE_SUFFIXES = ("md", "markdown", "mdown", "mkd")  # in any case: .MD and .Markdown are entries too
# Ignored without a word: hidden files and folders (which include editors' `.#name` lock files),
# and editors' autosave, swap and backup files.
IGNORED = re.compile(r"^[.#]|~$|\.(?:swp|swo|swx|bak|orig|tmp)$", re.IGNORECASE)
IGNORE_FILES = [".*", "#*", "*~"]  # the part of that rule Pelican's discovery needs to match ours


@dataclass(frozen=True)
class Inventory:
    """The files to read as entries and pages, with what Pelican's discovery needs to find exactly them."""

    sources: tuple[str, ...] = ()  # absolute paths, sorted
    suffixes: frozenset[str] = frozenset()  # their suffixes as spelt: md, MD, markdown, ...
    excluded: tuple[str, ...] = ()  # folders (relative to the content folder) not to walk again


def take_inventory(root: str, folders: list[str], static: list[str], reporter: Reporter) -> Inventory:
    """Walk `folders` (relative to `root`) as Pelican does, following links but never a loop; the
    static folders are walked for loops only (their files are Pelican's to copy)."""
    sources, suffixes, excluded = [], set(), []
    bases = [os.path.join(root, folder) for folder in folders]
    static_roots = [os.path.join(root, folder) for folder in static]
    roots = {os.path.realpath(path) for path in bases + static_roots}
    walked = [path for path in bases + static_roots if os.path.isdir(path)]
    real_folders = _real_folders(walked)  # reached without a link: a link to one is never followed
    seen = set(roots)
    for base in walked:
        for folder, dirs, files in os.walk(base, followlinks=True):
            dirs.sort()
            for name in list(dirs):
                path = os.path.join(folder, name)
                real = os.path.realpath(path)
                if IGNORED.search(name) or (real in roots and not os.path.islink(path)):
                    dirs.remove(name)  # ignored, or a folder walked as a root of its own
                elif os.path.islink(path) and _already_walked(
                    path, real, seen | real_folders, roots, reporter
                ):
                    dirs.remove(name)
                    excluded.append(os.path.relpath(path, root))
                else:
                    seen.add(real)
            if base in static_roots:
                continue
            for name in sorted(files):
                path = os.path.join(folder, name)
                suffix = name.rpartition(".")[2] if "." in name else ""
                if IGNORED.search(name) or _under(path, static_roots):
                    continue
                if suffix.lower() in SOURCE_SUFFIXES:
                    sources.append(os.path.abspath(path))
                    suffixes.add(suffix)
                else:
                    reporter.warning(
                        path, 0, "not read: only .md, .markdown and .mdown files are entries or pages"
                    )
    return Inventory(tuple(sorted(sources)), frozenset(suffixes), tuple(excluded))


def _real_folders(bases: list[str]) -> set[str]:
    """Every folder under `bases` reached without going through a symbolic link (real paths)."""
    found = set()
    for base in bases:
        for folder, dirs, _ in os.walk(base):
            dirs[:] = [name for name in dirs if not IGNORED.search(name)]
            found.add(os.path.realpath(folder))
    return found


def _already_walked(path: str, real: str, seen: set[str], roots: set[str], reporter: Reporter) -> bool:
    """A symbolic link to a folder that is read anyway (a loop, a second way into a folder of the
    site, or a link to a folder that holds the site, `/` included) is not followed."""
    holds_a_root = any(root == real or root.startswith(real.rstrip(os.sep) + os.sep) for root in roots)
    if real in seen or holds_a_root:
        reporter.warning(path, 0, "symbolic link to a folder that is already read; not followed")
        return True
    return False


def _under(path: str, roots: list[str]) -> bool:
    return any(path.startswith(root.rstrip(os.sep) + os.sep) for root in roots)


def read_source(path: str) -> bytes:
    """The bytes of a source file; YAMLProblem when it is not a regular file that can be read.
    A FIFO or a device is never opened: reading one could wait for ever."""
    try:
        info = os.stat(path)
    except FileNotFoundError:
        why = (
            "dangling symbolic link"
            if os.path.islink(path)
            else "the file disappeared while the site was read"
        )
        raise YAMLProblem(1, f"{why}; not read") from None
    except OSError as exc:
        raise YAMLProblem(1, f"cannot be read: {exc.strerror}") from None
    if not stat.S_ISREG(info.st_mode):
        raise YAMLProblem(1, f"not a regular file ({_file_kind(info.st_mode)}); not read")
    try:
        with open(path, "rb") as handle:
            return handle.read()
    except OSError as exc:
        raise YAMLProblem(1, f"cannot be read: {exc.strerror}") from None


def stamp_of(path: str) -> str | None:
    """A digest of a source file's bytes (the same as its read result's), or None when it is not a
    regular file that can be read. Content, not modification time: a checkout or `rsync -t` can
    change a file and keep its time and size."""
    try:
        return digest_bytes(read_source(path))
    except YAMLProblem:
        return None


# A file changed this long before it was looked at is not changed again unseen within the same
# tick of a coarse file-system clock (the "racy" case git guards against the same way).
SETTLED_NS = 2_000_000_000


def file_status(path: str) -> list[int] | None:
    """What the file system says of a file: size, modification and change times, inode and device.
    The change time cannot be set by any tool (a checkout or `rsync -t` sets the modification time
    only) and moves with every write, so an equal status means equal bytes."""
    try:
        info = os.stat(path)
    except OSError:
        return None
    return [info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino, info.st_dev]


def known_stamp(path: str, known: tuple[list[int] | None, str | None]) -> tuple[str | None, list[int] | None]:
    """(digest of the file's bytes, status to remember with it): the digest `known` gives when the
    file's status is the one remembered with it, else the file read again. A status is remembered
    only once the file has settled: a change in the same clock tick could not be told apart."""
    status = file_status(path)
    remembered, digest = known
    if status is not None and status == remembered and digest:
        return digest, status
    started = time.time_ns()
    digest = stamp_of(path)
    settled = status is not None and digest is not None and status[2] < started - SETTLED_NS
    return digest, status if settled else None


def _file_kind(mode: int) -> str:
    kinds = {
        stat.S_ISFIFO: "a FIFO",
        stat.S_ISSOCK: "a socket",
        stat.S_ISCHR: "a device",
        stat.S_ISBLK: "a device",
        stat.S_ISDIR: "a folder",
    }
    return next((name for test, name in kinds.items() if test(mode)), "not a regular file")


DISCOVERY = ("IGNORE_FILES", "ARTICLE_EXCLUDES", "PAGE_EXCLUDES", "STATIC_EXCLUDES")


def own_discovery(settings: dict[str, Any]) -> dict[str, list[str]]:
    """The site's own discovery settings, before `pelican_settings` changes them."""
    return {key: list(settings[key]) for key in DISCOVERY}


def pelican_settings(settings: dict[str, Any], inventory: Inventory, own: dict[str, list[str]]) -> None:
    """Point Pelican's discovery at the inventory's files: the same ignore rule, no second walk
    through a folder link. `own` is the site's own settings (`own_discovery`), which a devserver
    keeps aside so that its rebuilds start from them."""
    settings["IGNORE_FILES"] = own["IGNORE_FILES"] + [p for p in IGNORE_FILES if p not in own["IGNORE_FILES"]]
    for key in ("ARTICLE_EXCLUDES", "PAGE_EXCLUDES", "STATIC_EXCLUDES"):
        settings[key] = own[key] + list(inventory.excluded)
