"""What a page type declares: its outputs, the changes that make each dirty, what its templates
read, and how an output is rendered. `registry.py` collects the page types.

A build describes what changed as a `Plan` (model/plan.py): entries whose page changed, list
pages, the fronts of lists, feeds, months, and named changes (`CHANGES`). A page type's `dirty`
answers for the changes it lists in `changes`; a named change it does not list makes every one of
its outputs dirty, so a new kind of change is never silently left unrendered.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, NamedTuple

from ...model.plan import Plan

if TYPE_CHECKING:
    from ..outputs import Outputs


class Output(NamedTuple):
    """One file the model makes: where, of which page type, which one, and what a message calls it."""

    save_as: str
    kind: str  # its page type's name
    key: Any = None
    owner: Any = None  # an entry's record path, a term page, or a description


# The named changes the page types of this folder were written against. A change the planner
# names later is not among them: it makes every output dirty until each page type says whether
# it shows that change (in `dirty_on`, or `unmoved_by` to say it does not).
KNOWN_CHANGES = frozenset(
    {
        "home",
        "indexes",
        "feeds",
        "data",
        "archives",
        "sitemap",
        "corrections",
        "exports",
        "periods",
        "weeks",
        "search",
    }
)


def never(output: Output, plan: Plan, views: set[str]) -> bool:
    """The dirty rule of a page type that only the named changes it lists make dirty."""
    return False


@dataclass(frozen=True)
class PageType:
    kind: str  # the name of the page type, which its outputs carry
    outputs: Callable[[Outputs], list[Output]]  # every output of the page type, in claiming order
    render: Callable[[Outputs, Output], bytes]  # one output's bytes
    # Named changes that make every output of the page type dirty.
    dirty_on: frozenset[str] = frozenset()
    # Named changes that never make it dirty (or that `dirty` answers for).
    unmoved_by: frozenset[str] = frozenset()
    # Whether an output is dirty for the plan's other changes (entries, pages, fronts, feeds, months).
    dirty: Callable[[Output, Plan, set[str]], bool] = never
    # The template it renders with (None: none), and the names that template reads beyond what
    # every page reads, which the rules above follow. A template that reads anything else has its
    # outputs rendered every time.
    template: str | None = None
    reads: frozenset[str] = frozenset()
    cost: float = 1.0  # how long an output takes to render, against an entry page
    together: bool = False  # its outputs share what one worker makes once: all in one worker
    last: bool = False  # rendered by the build itself after the workers (its memory adds to none)

    @property
    def changes(self) -> frozenset[str]:
        """The named changes the page type answers for."""
        return self.dirty_on | self.unmoved_by

    def is_dirty(self, output: Output, plan: Plan, views: set[str]) -> bool:
        """Whether the plan makes `output` dirty: a named change the page type does not answer for
        does."""
        return bool(plan.named & self.dirty_on or plan.named - self.changes) or self.dirty(
            output, plan, views
        )
