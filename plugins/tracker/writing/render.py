"""Rendering the dirty outputs and writing those whose bytes changed; a full build renders in
worker processes (`workers.py`), forked once the parent has read and modelled everything, so
that each worker has the whole model without copying it. Each output is rendered from the model alone, so the
bytes are the same whichever worker renders it, and however many there are.
"""

from __future__ import annotations

import gc
from collections.abc import Callable
from functools import partial

from ..workers import in_workers
from .outputs import Output, Outputs
from .pagetypes import registry
from .writer import write_bytes


def render_all(
    outputs: Outputs,
    dirty: list[Output],
    output_path: str,
    workers: int = 1,
    in_worker: Callable[[], None] | None = None,
) -> set[str]:
    """Render and write `dirty`; the paths written (those whose bytes changed). `in_worker` runs
    first in each worker process (to open its own connection to the store)."""
    if workers < 2:
        return _render(outputs, dirty, output_path)
    # The exports hold the whole archive at once: made here once the workers are done, so that
    # their memory never adds to the workers'.
    later = [output for output in dirty if registry.BY_KIND[output.kind].last]
    dirty = [output for output in dirty if not registry.BY_KIND[output.kind].last]
    # More shares than workers, each in a worker of its own: a worker's memory (what rendering
    # allocates, and the parent's pages it touches) is given back when its share is done.
    shares = shared_out(dirty, workers * ROUNDS)
    gc.collect()
    gc.freeze()  # the collector never walks (and so never copies) the parent's objects in a worker
    changed: set[str] = set()
    for written in in_workers(shares, partial(_render, outputs, output_path=output_path), workers, in_worker):
        changed |= written
    return changed | _render(outputs, later, output_path)


ROUNDS = 12  # shares per worker: a worker's memory is given back after each


def shared_out(dirty: list[Output], workers: int) -> list[list[Output]]:
    """`dirty` in `workers` shares of about equal cost; feeds all in the first."""
    shares: list[list[Output]] = [[] for _ in range(workers)]
    costs = [0.0] * workers
    for output in sorted(
        dirty, key=lambda o: not registry.BY_KIND[o.kind].together
    ):  # stable: the rest keep their order
        together = registry.BY_KIND[output.kind].together
        at = 0 if together else costs.index(min(costs))
        shares[at].append(output)
        costs[at] += registry.BY_KIND[output.kind].cost
    return shares


def _render(outputs: Outputs, dirty: list[Output], output_path: str) -> set[str]:
    """Render and write some outputs; the paths whose bytes changed."""
    changed = set()
    for output in dirty:
        if write_bytes(output_path, output.save_as, outputs.render(output)):
            changed.add(output.save_as)
    return changed
