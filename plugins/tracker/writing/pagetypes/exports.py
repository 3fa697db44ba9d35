"""The data page and the files it offers: every event and every entry as CSV and JSON."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .base import KNOWN_CHANGES, Output, PageType

if TYPE_CHECKING:
    from ..outputs import Outputs


def data_page(model: Outputs) -> list[Output]:
    """The data page, where the site has events or entries to offer."""
    if not model.site.data_files:
        return []
    return [Output(model.settings["TRACKER_DATA_SAVE_AS"], "data", "data", "the data page")]


def render_page(model: Outputs, output: Output) -> bytes:
    """The data page: each file, its size, and the events' tally."""
    return model.page(
        "data",
        output,
        url=model.settings["TRACKER_DATA_URL"],
        data_files=model.site.data_files,
        event_tally=model.site.event_tally,
    )


DATA = PageType(
    "data",
    data_page,
    render_page,
    dirty_on=frozenset({"data", "exports"}),  # the counts and sizes it gives changed
    unmoved_by=KNOWN_CHANGES - {"data", "exports"},
    template="data",
    reads=frozenset({"data_files", "event_tally"}),
    cost=5.0,
)


def files(model: Outputs) -> list[Output]:
    """Each data file (events and entries, CSV and JSON)."""
    return [
        Output(f.save_as, "export", f.name, f"the {f.title.lower()} as {f.format.upper()}")
        for f in model.site.data_files
    ]


def render_file(model: Outputs, output: Output) -> bytes:
    """A data file's bytes, made once for all of them."""
    return model.exports()[output.key]


# The exports hold the whole archive at once: made by the build itself once the workers are done.
EXPORT = PageType(
    "export",
    files,
    render_file,
    dirty_on=frozenset({"exports"}),
    unmoved_by=KNOWN_CHANGES - {"exports"},
    last=True,
)
