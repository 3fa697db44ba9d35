"""Rendering the dirty outputs and writing those whose bytes changed; a full build renders in
worker processes, forked once the parent has read and modelled everything, so that each worker
has the whole model without copying it. Each output is rendered from the model alone, so the
bytes are the same whichever worker renders it, and however many there are.
"""

from __future__ import annotations

import gc
import os
import sys
import traceback
from collections.abc import Callable

import orjson

from ..publishing import default_signals
from .outputs import Output, Outputs
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
    shares = shared_out(dirty, workers)
    gc.collect()
    gc.freeze()  # the collector never walks (and so never copies) the parent's objects in a worker
    children = []
    for share in shares:
        read, write = os.pipe()
        pid = os.fork()
        if pid == 0:  # the worker: render its share, say what it wrote, and leave without cleaning up
            os.close(read)
            status = 0
            try:
                default_signals()
                if in_worker is not None:
                    in_worker()
                result = {"changed": sorted(_render(outputs, share, output_path))}
            except SystemExit as stop:
                result, status = {"exit": stop.code if isinstance(stop.code, int) else 1}, 1
            except BaseException:
                result, status = {"error": traceback.format_exc()}, 1
            with os.fdopen(write, "wb") as stream:
                stream.write(orjson.dumps(result))
            os._exit(status)
        os.close(write)
        children.append((pid, read))
    changed: set[str] = set()
    failure = None
    for pid, read in children:
        with os.fdopen(read, "rb") as stream:
            data = stream.read()
        os.waitpid(pid, 0)
        result = orjson.loads(data) if data else {"error": "a rendering worker died"}
        changed |= set(result.get("changed", ()))
        failure = failure or result.get("error") or (("exit", result["exit"]) if "exit" in result else None)
    if isinstance(failure, tuple):
        raise SystemExit(failure[1])
    if failure:
        print(failure, file=sys.stderr)
        raise RuntimeError("rendering failed in a worker process")
    return changed


# Rough relative costs of rendering an output, to share the work out evenly.
COSTS = {"entry": 1.0, "list": 1.3, "period": 1.3, "feed": 2.0, "index": 3.0, "named": 5.0, "export": 1.0}
# Outputs that share what a worker makes once (feed items, the export rows) go to one worker.
TOGETHER = ("feed", "export")


def shared_out(dirty: list[Output], workers: int) -> list[list[Output]]:
    """`dirty` in `workers` shares of about equal cost; feeds and exports all in the first."""
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
