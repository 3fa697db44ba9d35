"""Rendering the dirty outputs and writing those whose bytes changed; a full build renders in
worker processes, forked once the parent has read and modelled everything, so that each worker
has the whole model without copying it. Each output is rendered from the model alone, so the
bytes are the same whichever worker renders it, and however many there are.
"""

from __future__ import annotations

import gc
import os
import selectors
import sys
import traceback
from collections.abc import Callable

import orjson

from ..publishing import default_signals
from ..reading.store import StoreFailed
from .outputs import Output, Outputs
from .templates import TemplateFailed
from .writer import write_bytes


def render_all(
    outputs: Outputs,
    dirty: list[Output],
    output_path: str,
    parallel: bool,
    workers: int = 2,
    in_worker: Callable[[], None] | None = None,
) -> set[str]:
    """Render and write `dirty`; the paths written (those whose bytes changed). `in_worker` runs
    first in each worker process (to open its own connection to the store)."""
    workers = min(workers, os.cpu_count() or 1)
    if not parallel or workers < 2:
        return _render(outputs, dirty, output_path)
    # The exports hold the whole archive at once: made here once the workers are done, so that
    # their memory never adds to the workers'.
    later = [output for output in dirty if output.kind in LATER]
    dirty = [output for output in dirty if output.kind not in LATER]
    # More shares than workers, each in a worker of its own: a worker's memory (what rendering
    # allocates, and the parent's pages it touches) is given back when its share is done.
    queue = shared_out(dirty, workers * ROUNDS)
    gc.collect()
    gc.freeze()  # the collector never walks (and so never copies) the parent's objects in a worker
    running: dict[int, tuple[int, bytearray]] = {}  # read end -> (worker pid, what it said so far)
    changed: set[str] = set()
    failure = None
    with selectors.DefaultSelector() as selector:
        while queue or running:
            while queue and len(running) < workers:
                read, pid = _start_worker(outputs, queue.pop(0), output_path, in_worker)
                running[read] = (pid, bytearray())
                selector.register(read, selectors.EVENT_READ)
            for key, _ in selector.select():
                pid, said = running[key.fd]
                data = os.read(key.fd, 65536)
                if data:
                    said += data
                    continue
                selector.unregister(key.fd)
                os.close(key.fd)
                del running[key.fd]
                os.waitpid(pid, 0)
                result = orjson.loads(bytes(said)) if said else {"error": "a rendering worker died"}
                changed |= set(result.get("changed", ()))
                failure = failure or result.get("error") or result.get("store")
                if "template" in result:
                    failure = TemplateFailed(result["template"])
                failure = failure or (("exit", result["exit"]) if "exit" in result else None)
    if isinstance(failure, list):  # the store failed a worker: the build starts it again
        raise StoreFailed(*failure)
    if isinstance(failure, TemplateFailed):
        raise failure
    if isinstance(failure, tuple):
        raise SystemExit(failure[1])
    if failure:
        print(failure, file=sys.stderr)
        raise RuntimeError("rendering failed in a worker process")
    return changed | _render(outputs, later, output_path)


def _start_worker(
    outputs: Outputs, share: list[Output], output_path: str, in_worker: Callable[[], None] | None
) -> tuple[int, int]:
    """Fork a worker that renders `share`, says what it wrote on a pipe, and leaves without
    cleaning up; (the pipe's read end, its pid)."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read)
        status = 0
        try:
            default_signals()
            if in_worker is not None:
                in_worker()
            result = {"changed": sorted(_render(outputs, share, output_path))}
        except SystemExit as stop:
            result, status = {"exit": stop.code if isinstance(stop.code, int) else 1}, 1
        except StoreFailed as failure:
            result, status = {"store": [failure.kind, failure.detail]}, 1
        except TemplateFailed as failure:
            result, status = {"template": str(failure)}, 1
        except BaseException:
            result, status = {"error": traceback.format_exc()}, 1
        with os.fdopen(write, "wb") as stream:
            stream.write(orjson.dumps(result))
        os._exit(status)
    os.close(write)
    return read, pid


ROUNDS = 3  # shares per worker
# Rough relative costs of rendering an output, to share the work out evenly.
COSTS = {"entry": 1.0, "list": 1.3, "period": 1.3, "feed": 2.0, "index": 3.0, "named": 5.0, "export": 1.0}
# Outputs that share what a worker makes once (feed items) go to one worker.
TOGETHER = ("feed",)
LATER = ("export",)  # rendered by the parent, after the workers


def shared_out(dirty: list[Output], workers: int) -> list[list[Output]]:
    """`dirty` in `workers` shares of about equal cost; feeds all in the first."""
    shares: list[list[Output]] = [[] for _ in range(workers)]
    costs = [0.0] * workers
    for output in sorted(dirty, key=lambda o: o.kind not in TOGETHER):  # stable: the rest keep their order
        at = 0 if output.kind in TOGETHER else costs.index(min(costs))
        shares[at].append(output)
        costs[at] += COSTS.get(output.kind, 1.0)
    return shares


def _render(outputs: Outputs, dirty: list[Output], output_path: str) -> set[str]:
    changed = set()
    for output in dirty:
        if write_bytes(output_path, output.save_as, outputs.render(output)):
            changed.add(output.save_as)
    return changed
