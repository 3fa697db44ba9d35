"""How pages and feeds write a day or a moment: one wording everywhere (Jinja filters `day` and
`moment`, and the feeds' text)."""

from __future__ import annotations

import datetime as dt

from markupsafe import Markup


def day_text(date: dt.date) -> str:
    """'5 June 2014'."""
    return f"{date.day} {date:%B %Y}"


def day_element(date: dt.date) -> Markup:
    """The day as a `<time>` element (filter `day`): digits and a month's name, nothing to escape."""
    return Markup(f'<time datetime="{date:%Y-%m-%d}">{date.day} {date:%B %Y}</time>')


def moment_element(date: dt.datetime, timed: bool) -> Markup:
    """The day, and the time with its UTC offset when the author gave one (filter `moment`)."""
    if not timed:
        return day_element(date)
    offset = f"{date:%z}"
    return Markup('<time datetime="{}">{}, {} UTC{}:{}</time>').format(
        date.isoformat(), day_text(date), f"{date:%H:%M}", offset[:3], offset[3:]
    )
