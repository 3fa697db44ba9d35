"""The one way a build spreads its work over the machine's cores: worker processes forked from
the build, each given one share of the jobs. A worker starts with the whole of the build's
memory (the model, the settings, the work function: nothing is sent to it) and sends its share's
results back, pickled, on a pipe. Results come back in the order of the shares, so whatever the
number of workers, the build sees the same results in the same order.
"""

from __future__ import annotations

import os
import pickle
import selectors
import signal
import traceback
from collections.abc import Callable, Iterator, Sequence
from typing import Any, TypeVar

Job = TypeVar("Job")
Result = TypeVar("Result")

SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


def default_signals() -> None:
    """Give SIGINT, SIGTERM and SIGHUP their default handling (in a worker process, which the
    parent stops with SIGTERM when it gives up on its work)."""
    for signum in SIGNALS:
        signal.signal(signum, signal.SIG_DFL if signum != signal.SIGINT else signal.default_int_handler)


def fork() -> int:
    """`os.fork()`, with SIGINT, SIGTERM and SIGHUP held while it forks (one that came inside the
    fork's own hooks, logging's, which swallow exceptions, would be lost: a Ctrl-C taken for a
    failed build); held, it comes right after, in both processes. The child has the default
    handling of them."""
    held = signal.pthread_sigmask(signal.SIG_BLOCK, SIGNALS)
    pid = os.fork()
    if pid == 0:
        default_signals()
    signal.pthread_sigmask(signal.SIG_SETMASK, held)
    return pid


def cores() -> int:
    """The cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0)) or 1
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def worker_count(setting: int) -> int:
    """How many workers a build runs: `TRACKER_WORKERS`, or (0) one per core."""
    return setting if setting > 0 else cores()


def split(jobs: Sequence[Job], shares: int) -> list[list[Job]]:
    """`jobs` in at most `shares` runs of about equal length, in order."""
    shares = max(1, min(shares, len(jobs)))
    size, extra = divmod(len(jobs), shares)
    found, start = [], 0
    for number in range(shares):
        end = start + size + (number < extra)
        found.append(list(jobs[start:end]))
        start = end
    return found


def in_workers(
    shares: list[list[Job]],
    work: Callable[[list[Job]], Result],
    workers: int,
    in_worker: Callable[[], None] | None = None,
) -> Iterator[Result]:
    """`work(share)` for every share, each in a worker process of its own, at most `workers` at a
    time (here, without a process, when `workers` is 1), yielded in the shares' order. `in_worker`
    runs first in each worker (to open its own connection to the store). The first exception a
    share raised is raised here once every running worker has ended."""
    if workers < 2:
        for share in shares:
            yield work(share)
        return
    done: dict[int, tuple[bool, Any]] = {}
    running: dict[int, tuple[int, int, bytearray]] = {}  # read end -> (pid, share, what it said)
    started = given = 0
    failure: BaseException | None = None
    selector = selectors.DefaultSelector()
    try:
        while started < len(shares) or running:
            while started < len(shares) and len(running) < workers and failure is None:
                read, pid = _fork(shares[started], work, in_worker)
                running[read] = (pid, started, bytearray())
                selector.register(read, selectors.EVENT_READ)
                started += 1
            if not running:
                break
            for key, _ in selector.select():
                pid, number, said = running[key.fd]
                data = os.read(key.fd, 1 << 16)
                if data:
                    said += data
                    continue
                selector.unregister(key.fd)
                os.close(key.fd)
                del running[key.fd]
                os.waitpid(pid, 0)
                done[number] = _outcome(said)
            while given in done and failure is None:
                ok, value = done.pop(given)
                if not ok:
                    failure = value
                    break
                given += 1
                yield value
        if failure is not None:
            raise failure
    finally:  # a consumer that stops early, or a failure: no worker outlives the build's wait
        for read, (pid, _, _) in running.items():
            os.kill(pid, signal.SIGTERM)
            os.close(read)
            os.waitpid(pid, 0)
        selector.close()


def _fork(share: list, work: Callable[[list], Any], in_worker: Callable[[], None] | None) -> tuple[int, int]:
    """Fork a worker that does `share`, writes (ok, result or exception, traceback) on a pipe and
    leaves without cleaning up, whatever happens (it never returns into the build's code); (the
    pipe's read end, its pid)."""
    read, write = os.pipe()
    pid = fork()
    if pid != 0:
        os.close(write)
        return read, pid
    status = 1
    try:
        os.close(read)
        try:
            if in_worker is not None:
                in_worker()
            said = pickle.dumps((True, work(share), ""), pickle.HIGHEST_PROTOCOL)
            status = 0
        except BaseException as error:
            said = _failure(error, traceback.format_exc())
        with os.fdopen(write, "wb") as stream:
            stream.write(said)
    finally:
        os._exit(status)


def _failure(error: BaseException, trace: str) -> bytes:
    """What a worker says of an exception: the exception itself when it comes back whole from
    pickling, else what it said; with the worker's traceback."""
    try:
        said = pickle.dumps((False, error, trace), pickle.HIGHEST_PROTOCOL)
        pickle.loads(said)
        return said
    except Exception:
        return pickle.dumps((False, RuntimeError(trace), trace))


class WorkerTraceback(Exception):
    """Where in a worker process an exception was raised (its `__cause__`)."""

    def __str__(self) -> str:
        return "\n" + str(self.args[0])


def _outcome(said: bytes) -> tuple[bool, Any]:
    if not said:
        return False, RuntimeError("a worker process died")
    ok, value, trace = pickle.loads(said)
    if not ok and trace:
        value.__cause__ = WorkerTraceback(trace)
    return ok, value
