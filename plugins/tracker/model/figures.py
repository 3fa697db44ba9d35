"""Fatality figures: a total over events of which some may give no figure. No figure is not zero,
so a total says how many events it leaves out, and a total of none is unknown, not 0.

Pure: counts in, counts and words out.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from .language import active


@dataclass(frozen=True)
class Fatalities:
    """The reported fatalities of some events: the sum of the figures given and how many gave none."""

    given: int = 0  # the sum of the figures given
    events: int = 0
    without: int = 0  # events that give no figure

    @classmethod
    def of(cls, figures: Iterable[int | None]) -> Fatalities:
        """The total of events' figures (None: the event gives none)."""
        given = events = without = 0
        for figure in figures:
            events += 1
            if figure is None:
                without += 1
            else:
                given += figure
        return cls(given, events, without)

    def __add__(self, other: Fatalities) -> Fatalities:
        return Fatalities(self.given + other.given, self.events + other.events, self.without + other.without)

    @property
    def known(self) -> bool:
        """Whether any event gives a figure."""
        return self.without < self.events

    @property
    def total(self) -> int | None:
        """The total as data: None when no event gives a figure (a minimum when some give none)."""
        return self.given if self.known else None

    def text(self) -> str:
        """The total in words: '35', 'at least 35 (6 events without a figure)', 'no figure given'."""
        words = active()
        if not self.known:
            return words.gettext("no figure given")
        if self.without:
            text = words.ngettext(
                "at least %(given)s (%(without)s event without a figure)",
                "at least %(given)s (%(without)s events without a figure)",
                self.without,
            )
            return text % {"given": words.number(self.given), "without": words.number(self.without)}
        return words.number(self.given)

    def short(self) -> str:
        """The total for a table cell: '35', 'at least 35', or '–' for none."""
        if not self.known:
            return "–"
        words = active()
        given = words.number(self.given)
        return words.gettext("at least %(given)s") % {"given": given} if self.without else given
