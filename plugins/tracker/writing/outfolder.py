"""The output folder: which folders a build may write into, the marker every build leaves there,
the lock that keeps two builds out of one folder, and the removal of files no build produces.

The marker (`.tracker-build.json`) lists every file the last build wrote. It is written as
incomplete, listing every file the build may write, before the first write, and as complete with
the files it did write at the end: a build that dies half-way leaves a marker that says so, and
the next build trusts nothing it did not check.
"""

from __future__ import annotations

import fcntl
import fnmatch
import hashlib
import json
import os
import shutil
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from ..workers import fork

MARKER = ".tracker-build.json"
SCRATCH = ".tracker-scratch"  # files being written; emptied by every build (a killed one leaves some)
MARKER_FORMAT = 1


class FolderRefused(Exception):
    """A build or command must not touch this output folder; the message is one line."""


@dataclass(frozen=True)
class Marker:
    """What the marker in an output folder says, and which file said it."""

    complete: bool = False
    files: tuple[str, ...] = ()
    exists: bool = False
    state: str = ""  # the marker file's identity: any rewrite of it (any build) changes it
    digest: str = ""  # of its bytes: the same in a copy of the folder (a publish, a CI cache)


def read_marker(output: str) -> Marker:
    """The marker of an output folder; an absent or unreadable one is `Marker()`."""
    path = os.path.join(output, MARKER)
    try:
        with open(path, "rb") as handle:
            raw = handle.read()
            state = _state(os.fstat(handle.fileno()))
        data = json.loads(raw.decode("utf-8"))
        digest = hashlib.blake2b(raw, digest_size=16).hexdigest()
        return Marker(bool(data["complete"]), tuple(str(name) for name in data["files"]), True, state, digest)
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return Marker(exists=os.path.lexists(path))


def write_marker(output: str, complete: bool, files: set[str]) -> Marker:
    """Write the marker in one rename, so that it is never half-written; return it as written."""
    os.makedirs(output, exist_ok=True)
    data = {"format": MARKER_FORMAT, "generator": "tracker", "complete": complete, "files": sorted(files)}
    write_atomically(os.path.join(output, MARKER), json.dumps(data, indent=1).encode("utf-8") + b"\n")
    return read_marker(output)


def _state(info: os.stat_result) -> str:
    return f"{info.st_dev}:{info.st_ino}:{info.st_mtime_ns}:{info.st_ctime_ns}:{info.st_size}"


def write_atomically(path: str, data: bytes, mode: int = 0o644) -> None:
    """Write `path` through a uniquely named temporary file beside it (never a fixed name a planted
    symbolic link could redirect), then rename it into place."""
    handle, temporary = tempfile.mkstemp(
        dir=os.path.dirname(path), prefix=f".{os.path.basename(path)}.", suffix=".tmp"
    )
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.remove(temporary)
        raise


def file_stat(path: str) -> str:
    """A file's size, modification time and inode, as text ("" when there is none): any write,
    removal or replacement of the file changes it; a hard link to it (a publish's copy of the
    last site) does not."""
    try:
        info = os.stat(path)
    except OSError:
        return ""
    return f"{info.st_size}:{info.st_mtime_ns}:{info.st_ino}"


def file_digest(path: str) -> str:
    """A digest of a file's bytes ("" when it cannot be read)."""
    try:
        with open(path, "rb") as handle:
            return hashlib.file_digest(handle, lambda: hashlib.blake2b(digest_size=16)).hexdigest()
    except OSError:
        return ""


def file_status(path: str) -> str:
    """What the store keeps of an output file: its status and the digest of its bytes."""
    return f"{file_stat(path)}|{file_digest(path)}"


def same_file(path: str, kept: str, stat: str) -> bool:
    """Whether the file at `path` (whose status is `stat` now) is the one kept as `kept`: by its
    status, else (a copy: restored from a CI cache) by its size and bytes."""
    kept_stat, _, kept_digest = kept.partition("|")
    if not stat:
        return False  # gone (and gone when it was kept: a build that could not write it yet)
    if stat == kept_stat:
        return True
    return stat.split(":")[0] == kept_stat.split(":")[0] and file_digest(path) == kept_digest


class StatusScan:
    """The status of every file an output folder's marker lists, taken while the build loads its
    inputs: by a forked process on another core when there are many (14,700 stat calls take
    about 45 ms, which threads would not overlap with the parent's Python work)."""

    FORK_FROM = 2000  # files

    def __init__(self, output: str) -> None:
        self.output = output
        self.marker = read_marker(output)
        self.statuses: dict[str, str] | None = None
        self._child: tuple[int, int] | None = None  # (pid, pipe read end)
        files = self.marker.files
        if len(files) >= self.FORK_FROM and (os.cpu_count() or 1) > 1:
            read, write = os.pipe()
            pid = fork()
            if pid == 0:  # the child: every status, one per line, then leave at once
                os.close(read)
                try:
                    data = "\n".join(file_stat(os.path.join(output, path)) for path in files).encode()
                    with os.fdopen(write, "wb") as stream:
                        stream.write(data)
                finally:
                    os._exit(0)
            os.close(write)
            self._child = (pid, read)

    def wait(self) -> dict[str, str]:
        """The statuses, once taken (before the build forks workers of its own)."""
        if self.statuses is None:
            if self._child is None:
                self.statuses = {p: file_stat(os.path.join(self.output, p)) for p in self.marker.files}
            else:
                pid, read = self._child
                with os.fdopen(read, "rb") as stream:
                    lines = stream.read().decode().split("\n")
                os.waitpid(pid, 0)
                self._child = None
                found = dict(zip(self.marker.files, lines))
                self.statuses = found if len(lines) == len(self.marker.files) else {}
        return self.statuses

    def altered(self, marker: Marker, known: dict[str, str]) -> tuple[set[str], set[str]]:
        """The files of `known` (path -> what the store kept) that are no longer as they were:
        removed, edited or replaced by hand, or by another program. `marker` is the one the build
        found (under its lock): a marker written since the scan began makes every file looked
        at again."""
        statuses = self.wait()
        if marker.state != self.marker.state:
            statuses = {}
        return altered_files(self.output, known, statuses)


def altered_files(
    output: str, known: dict[str, str], statuses: dict[str, str] | None = None
) -> tuple[set[str], set[str]]:
    """(the files of `known` that are no longer as they were (see `StatusScan.altered`), those
    whose status changed but whose bytes are the same: copies); `statuses` are those taken."""
    statuses = statuses or {}
    altered, copied = set(), set()
    for path, kept in known.items():
        full = os.path.join(output, path)
        stat = statuses[path] if path in statuses else file_stat(full)
        if not same_file(full, kept, stat):
            altered.add(path)
        elif stat != kept.partition("|")[0]:
            copied.add(path)
    return altered, copied


def protected_folders(settings: dict[str, Any]) -> dict[str, str]:
    """Folders no output may be or contain, with how a message names them."""
    folders = {
        "/": "the root folder",
        os.path.expanduser("~"): "your home folder",
        os.getcwd(): "the current folder",
    }
    for path in settings.get("PLUGIN_PATHS", []):
        folders[os.path.dirname(os.path.abspath(path))] = "the project folder"
    theme = settings.get("THEME", "")
    if os.path.isdir(theme):
        folders[os.path.dirname(os.path.abspath(theme))] = "the project folder"
    return {os.path.realpath(path): what for path, what in folders.items()}


def check_output_folder(output: str, settings: dict[str, Any]) -> None:
    """FolderRefused when a build must not write into or replace `output`: it is, contains or lies
    inside the content folder; it is or contains the project, current, home or root folder; it is
    not a folder; or it holds files and no marker of this tool's builds."""
    real = os.path.realpath(output)
    shown = output.rstrip(os.sep) or os.sep
    content = os.path.realpath(settings["PATH"])
    if _within(real, content) or _within(content, real):
        where = "is" if real == content else ("lies inside" if _within(real, content) else "contains")
        raise FolderRefused(
            f"output folder '{shown}' {where} the content folder '{settings['PATH']}'; "
            "choose another OUTPUTDIR"
        )
    for folder, what in protected_folders(settings).items():
        if _within(folder, real):
            where = "is" if folder == real else "contains"
            raise FolderRefused(
                f"output folder '{shown}' {where} {what} ({folder}); choose another OUTPUTDIR"
            )
    if os.path.lexists(real) and not os.path.isdir(real):
        raise FolderRefused(f"output folder '{shown}' is a file, not a folder; choose another OUTPUTDIR")
    if not os.access(_nearest_existing(real), os.W_OK):
        raise FolderRefused(f"output folder '{shown}' cannot be written (read-only, or no permission)")
    if os.path.isdir(real) and not read_marker(real).exists:
        retained = set(settings.get("OUTPUT_RETENTION", []))
        if [name for name in os.listdir(real) if name not in retained]:
            raise FolderRefused(
                f"output folder '{shown}' holds files that no build of this tool wrote (it has no {MARKER}); "
                "empty it or choose another OUTPUTDIR"
            )


def _nearest_existing(path: str) -> str:
    """`path`, or its nearest ancestor that exists (where a new output folder would be created)."""
    while not os.path.exists(path) and os.path.dirname(path) != path:
        path = os.path.dirname(path)
    return path


def is_mount_point(path: str) -> bool:
    """Whether `path` is a mount point, bind mounts included (which `os.path.ismount` misses)."""
    if os.path.ismount(path):
        return True
    try:
        with open("/proc/self/mountinfo", encoding="utf-8") as handle:
            points = {
                line.split()[4].encode().decode("unicode_escape") for line in handle if len(line.split()) > 4
            }
    except OSError:
        return False
    return os.path.realpath(path) in points


def _within(path: str, folder: str) -> bool:
    """Whether `path` is `folder` or lies inside it (both real paths)."""
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)


def user_cache_folder(create: bool = True) -> str:
    """This tool's folder in the user's cache (`$TRACKER_CACHE_DIR`, else `$XDG_CACHE_HOME/
    conflict-tracker`, else `~/.cache/conflict-tracker`), private to the user: never next to an
    output folder, which may be served. OSError when it cannot be made."""
    folder = os.environ.get("TRACKER_CACHE_DIR") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache"),
        "conflict-tracker",
    )
    if create:
        os.makedirs(folder, mode=0o700, exist_ok=True)
    return folder


def output_key(output: str) -> str:
    """A file name for things kept per output folder (its cache and lock)."""
    real = os.path.realpath(output)
    return f"{Path(real).name or 'root'}-{hashlib.blake2b(real.encode(), digest_size=8).hexdigest()}"


@dataclass
class OutputLock:
    """An advisory lock per output folder: one build, publish or clean at a time. Held by the
    process, so the system releases it when a killed build dies."""

    output: str
    handle: TextIO | None = field(default=None, repr=False)

    def acquire(self, who: str, stream: TextIO | None = None) -> None:
        """Take the lock, waiting (and saying so once) while another build holds it."""
        stream = stream or sys.stderr
        try:
            path = os.path.join(user_cache_folder(), output_key(self.output) + ".lock")
            self.handle = open(path, "a+", encoding="utf-8")
        except OSError as exc:
            print(
                f"{who}: warning: no lock on {self.output} ({exc.strerror}: {exc.filename}); "
                "make sure no other build writes into it",
                file=stream,
                flush=True,
            )
            return
        try:
            fcntl.flock(self.handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            print(f"{who}: waiting for another build of {self.output} to finish", file=stream, flush=True)
            fcntl.flock(self.handle, fcntl.LOCK_EX)

    def release(self) -> None:
        if self.handle is not None:
            self.handle.close()  # closing releases the lock
            self.handle = None


def static_outputs(settings: dict[str, Any], generators: list[Any]) -> set[str]:
    """The files Pelican copies rather than writes: the theme's static files and static content."""
    paths = set()
    ignores = settings.get("IGNORE_FILES", [])
    target = settings.get("THEME_STATIC_DIR", "theme")
    for name in settings.get("THEME_STATIC_PATHS", []):
        source = os.path.join(settings["THEME"], name)
        if os.path.isfile(source):
            paths.add(os.path.join(target, os.path.basename(name)))
        for folder, dirs, files in os.walk(source, followlinks=True):
            dirs[:] = [d for d in dirs if not any(fnmatch.fnmatch(d, i) for i in ignores)]
            for file in files:
                if not any(fnmatch.fnmatch(file, i) for i in ignores):
                    paths.add(os.path.join(target, os.path.relpath(os.path.join(folder, file), source)))
    for generator in generators:
        paths.update(item.save_as for item in getattr(generator, "staticfiles", []) if item.save_as)
    return {os.path.normpath(path) for path in paths}


def empty_scratch(output: str) -> None:
    """Remove what a build that was killed left half written in the output folder."""
    shutil.rmtree(os.path.join(output, SCRATCH), ignore_errors=True)


def remove_files(output: str, relatives: set[str]) -> None:
    """Delete files of the output folder that a build wrote and no longer produces, then folders
    that leaves empty. Only inside `output`: a name leading out of it (or through a symbolic link
    out of it) is left alone."""
    root = os.path.realpath(output)
    for relative in sorted(relatives):
        path = os.path.join(root, relative)
        folder = os.path.realpath(os.path.dirname(path))
        if (
            not _within(folder, root)
            or relative == MARKER
            or not (os.path.isfile(path) or os.path.islink(path))
        ):
            continue
        os.remove(path)
        while folder != root and os.path.isdir(folder) and not os.listdir(folder):
            os.rmdir(folder)
            folder = os.path.dirname(folder)
