"""How pages and feeds write a day or a moment: one wording everywhere (Jinja filters `day`,
`moment` and `date`, and the feeds' text), in the language in use (see language.py)."""

from __future__ import annotations

import datetime as dt

from markupsafe import Markup

from .language import active


def day_text(date: dt.date) -> str:
    """'5 June 2014' ('5 حزيران 2014', '5 червня 2014')."""
    return active().day(date)


def day_element(date: dt.date) -> Markup:
    """The day as a `<time>` element (filter `day`)."""
    return Markup('<time datetime="{}">{}</time>').format(f"{date:%Y-%m-%d}", day_text(date))


def date_text(date: dt.date, pattern: str) -> str:
    """A date in a CLDR pattern, in the language in use (filter `date`: "d MMM" gives '5 Jun')."""
    return active().date(date, pattern)


def number_text(n: int | float) -> str:
    """A count with the separators and digits of the language in use (filter `number`)."""
    return active().number(n)


def moment_element(date: dt.datetime, timed: bool) -> Markup:
    """The day, and the time with its UTC offset when the author gave one (filter `moment`)."""
    if not timed:
        return day_element(date)
    offset = f"{date:%z}"
    clock = active().digits(f"{date:%H:%M} UTC{offset[:3]}:{offset[3:]}")
    return Markup('<time datetime="{}">{}, <bdi dir="ltr">{}</bdi></time>').format(
        date.isoformat(), day_text(date), clock
    )
