"""Putting a new site in place of the last one, so that the last good site is never lost.

A publish builds into a fresh folder beside the published one (`.<name>.new-*`) and swaps it in
only when the whole build succeeded: in one step with Linux's atomic exchange of two folders;
elsewhere (macOS, NFS) the last site is first parked under a name no cleanup removes
(`.<name>.parked`), then the new one is renamed into place. Files that OUTPUT_RETENTION names (a
Pages checkout's `.git`, `CNAME`) are carried from the last site into the new one.

Every step is one rename that leaves each file findable, so an interruption at any moment (a
signal, Ctrl-C, a full disk, a killed process) leaves the last or the new site, and the next run
puts back what it finds before anything else (`recover`):

- a parked site with no site in its place is put back;
- retained files in a leftover fresh folder that the site lacks are moved back into the site;
- leftover fresh folders are removed;
- a parked site beside a site is kept until a new site has been put in place.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import glob
import os
import shutil
import signal
import sys
import tempfile
from collections.abc import Callable

from .workers import SIGNALS
from .writing.outfolder import MARKER, read_marker

FRESH = ".{name}.new-"  # a new build (a leftover one is removed)
PARKED = ".{name}.parked"  # the last site, while the new one is moved in without the exchange
LEGACY = ".{name}.old"  # what an earlier version of this tool left aside (never deleted)


class Refused(Exception):
    """A publish stops; the message is one line."""


class Interrupted(BaseException):
    """A signal asked the command to stop. Not a KeyboardInterrupt, which Pelican's command
    catches and answers with a normal return: a publish must never mistake that for success."""

    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


def step(name: str) -> None:
    """A named moment of the swap; nothing happens (tests stop a publish here)."""


def _raise(signum: int, frame: object) -> None:
    raise Interrupted(signum)


@contextlib.contextmanager
def interruptible():
    """Turn SIGINT, SIGTERM and SIGHUP into Interrupted for the length of the block, so that the
    block's `finally` clauses run."""
    previous = {signum: signal.signal(signum, _raise) for signum in SIGNALS}
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


@contextlib.contextmanager
def uninterrupted():
    """Hold SIGINT, SIGTERM and SIGHUP back while the block puts things back in order; one that
    came meanwhile is delivered after it."""
    signal.pthread_sigmask(signal.SIG_BLOCK, SIGNALS)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, SIGNALS)


def sibling(target: str, pattern: str) -> str:
    """A name beside the published folder (`pattern` from FRESH, PARKED, LEGACY)."""
    parent, name = os.path.split(target)
    return os.path.join(parent, pattern.format(name=name))


def publish_into(target: str, retention: list[str], build_into: Callable[[str], int], shown: str) -> int:
    """Build with `build_into(folder)` (an exit status) into a fresh folder beside `target`, and put
    it in place of `target` when the build succeeded and finished. `shown` names the output in
    messages."""
    recover(target, retention)
    try:
        fresh = tempfile.mkdtemp(prefix=os.path.basename(sibling(target, FRESH)), dir=os.path.dirname(target))
    except OSError as exc:
        raise Refused(f"cannot create a folder beside {target}: {exc.strerror}") from None
    try:
        status = build_into(fresh)
        if status == 0 and not read_marker(fresh).complete:
            status = 1  # the build stopped without saying so: never put an unfinished site in place
        if status != 0:
            print(f"make publish: build failed; {shown} is unchanged", file=sys.stderr)
            _mention_parked(target)
            return status
        os.chmod(fresh, 0o755)
        swap_in(fresh, target, retention)
        _remove_parked(target)
        return 0
    finally:
        with uninterrupted():
            _unpark(target)
            discard(fresh, target, retention)


def seed(fresh: str, target: str, store: str | None) -> int:
    """Start a publish's fresh folder from the last site: a hard link to each file the store's
    last build of it wrote (never a static file, which Pelican copies over in place), and its
    marker, so that the build into `fresh` renders only what changed. The site is never written
    through a link: every file is written anew and renamed into place (`writer.replace_file`).
    The number of files linked (0 when the store does not know the site as it is)."""
    from .reading.store import Store, StoreFailed

    marker = read_marker(target)
    if store is None or not marker.complete or not os.path.isfile(store):
        return 0
    try:
        kept = Store(store)
        try:
            if kept.meta("output_state") != marker.digest:
                return 0
            outputs = kept.outputs()
        finally:
            kept.close()
    except StoreFailed:
        return 0
    linked = 0
    for relative in sorted(outputs):
        source, destination = os.path.join(target, relative), os.path.join(fresh, relative)
        if not os.path.isfile(source) or os.path.islink(source):
            continue
        os.makedirs(os.path.dirname(destination), exist_ok=True)
        try:
            os.link(source, destination)
        except OSError:
            return linked  # no hard links here (another file system): the rest is rendered anew
        linked += 1
    shutil.copyfile(os.path.join(target, MARKER), os.path.join(fresh, MARKER))
    return linked


def _unpark(target: str) -> bool:
    """Put a parked site back when there is no site in its place; whether it was."""
    parked = sibling(target, PARKED)
    if os.path.lexists(parked) and not os.path.lexists(target):
        os.rename(parked, target)
        return True
    return False


def recover(target: str, retention: list[str]) -> None:
    """Put back what an interrupted publish left beside `target` (see the module's docstring)."""
    _recover_legacy(target)
    if _unpark(target):
        print(f"make publish: restored {target} from an interrupted publish", file=sys.stderr)
    pattern = glob.escape(sibling(target, FRESH)) + "*"
    for leftover in sorted(glob.glob(pattern)):
        if os.path.isdir(leftover) and not os.path.islink(leftover) and os.path.lexists(target):
            discard(leftover, target, retention)
            print(f"make publish: removed {leftover}, left by an interrupted publish", file=sys.stderr)


def _recover_legacy(target: str) -> None:
    """A site left aside by an interrupted publish of an earlier version of this tool: put back
    when nothing replaced it; never deleted."""
    old = sibling(target, LEGACY)
    if not os.path.lexists(old):
        return
    if not os.path.lexists(target):
        os.rename(old, target)
        print(f"make publish: restored {target} from an interrupted publish", file=sys.stderr)
        return
    raise Refused(
        f"an interrupted publish left {old} beside {target}; keep the one you want and remove "
        "the other (neither is deleted)"
    )


def discard(fresh: str, target: str, retention: list[str]) -> None:
    """Remove a fresh folder that is not (or no longer) the site, after moving back into the site
    the retained files it holds and the site lacks. Nothing is removed while there is no site."""
    if not os.path.lexists(fresh) or not os.path.isdir(target):
        return
    carry(fresh, target, retention)
    step("discard")
    shutil.rmtree(fresh, ignore_errors=True)


def carry(source: str, destination: str, retention: list[str]) -> list[str]:
    """Move the retained files `source` has and `destination` lacks; return their names."""
    moved = []
    for name in retention:
        here, there = os.path.join(source, name), os.path.join(destination, name)
        if os.path.lexists(here) and not os.path.lexists(there):
            step("carry")
            os.rename(here, there)
            moved.append(name)
    return moved


RENAME_EXCHANGE = 2


def exchange(first: str, second: str) -> bool:
    """Swap two folders in one step (Linux's renameat2); False where the system cannot."""
    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (AttributeError, OSError):
        return False
    at_cwd = -100
    if renameat2(at_cwd, os.fsencode(first), at_cwd, os.fsencode(second), RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP):
        return False
    raise OSError(code, os.strerror(code), second)


def swap_in(fresh: str, target: str, retention: list[str]) -> None:
    """Put the complete new build in place of the last site, with the last site's retained files.
    Afterwards `fresh` holds the last site (to be removed), or nothing."""
    if not os.path.lexists(target):
        step("rename")
        os.rename(fresh, target)
        return
    carried = carry(target, fresh, retention)
    try:
        step("exchange")
        if not exchange(fresh, target):
            _swap_by_parking(fresh, target)
    except OSError as exc:
        with uninterrupted():
            _unpark(target)
            carry(fresh, target, carried)
        raise Refused(
            f"could not put the new site in place of {target}: {exc.strerror}; the last site is unchanged"
        ) from None


def _swap_by_parking(fresh: str, target: str) -> None:
    """Without the exchange: park the last site, rename the new one into place, remove the parked."""
    parked = sibling(target, PARKED)
    if os.path.lexists(parked):
        shutil.rmtree(parked)  # an older site, kept by `recover` until a new one was ready
    step("park")
    os.rename(target, parked)
    step("unpark")
    os.rename(fresh, target)
    step("parked")
    shutil.rmtree(parked, ignore_errors=True)  # what cannot be removed now is removed by a later publish


def _remove_parked(target: str) -> None:
    """A site parked by an interrupted publish, now that a new site is in place."""
    parked = sibling(target, PARKED)
    if os.path.lexists(parked):
        shutil.rmtree(parked, ignore_errors=True)
        print(f"make publish: removed {parked}, parked by an interrupted publish", file=sys.stderr)


def _mention_parked(target: str) -> None:
    parked = sibling(target, PARKED)
    if os.path.lexists(parked):
        print(
            f"make publish: {parked} holds the site from before an interrupted publish; "
            "the next successful publish removes it",
            file=sys.stderr,
        )
