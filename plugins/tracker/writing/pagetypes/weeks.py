"""A page per ISO week with entries, and the weekly feed: one item per finished week, the week
page's content as its body (a newsletter service that mails a feed sends it as a weekly digest)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from markupsafe import Markup

from ...model.feeds import absolute
from ...model.figures import Fatalities
from ...model.language import active
from ...model.plan import Plan
from ...model.weeks import Week, tallies
from ..templates import rendered
from .base import KNOWN_CHANGES, Output, PageType

if TYPE_CHECKING:
    from ..outputs import Outputs

# What a week's content reads (the page and the feed item); the page adds `week` for its links.
CONTENT = frozenset({"week", "items", "entries", "events", "fatalities", "provinces", "actors"})
FEED_WEEKS = 12  # the weekly feed's items when FEED_MAX_ITEMS is not set


def outputs(model: Outputs) -> list[Output]:
    """Each week's page."""
    return [Output(w.save_as, "week", w, "the page of " + w.label) for w in model.site.weeks]


def dirty(output: Output, plan: Plan, views: set[str]) -> bool:
    """An entry of the week came, went or changed its item or events."""
    key = output.key.list_key
    return key in plan.pages or key in plan.fronts


def content(model: Outputs, week: Week) -> dict[str, Any]:
    """What a week's content shows: its entries newest first with their briefs, and their events
    counted by province and by actor."""
    site = model.site
    heads = site.lists.newest(week.list_key)
    figures = [event.fatalities for head in heads for event in head.events]
    return {
        "week": week,
        "items": model.item_list(heads),
        "entries": len(heads),
        "events": len(figures),
        "fatalities": Fatalities.of(figures),
        "provinces": tallies(heads, "province", site.links("province")),
        "actors": tallies(heads, "actor", site.links("actor")),
    }


def render(model: Outputs, output: Output) -> bytes:
    """A week's page: its content, and links to the weeks either side."""
    week = output.key
    feeds = [(fmt, absolute(model.site.base, path)) for fmt, path in weekly_feeds(model)]
    return model.page("week", output, url=week.url, weekly_feeds=feeds, **content(model, week))


WEEK = PageType(
    "week",
    outputs,
    render,
    dirty_on=frozenset({"weeks"}),  # a week came or went: each page links the weeks either side
    unmoved_by=KNOWN_CHANGES - {"weeks"},
    dirty=dirty,
    template="week",
    reads=CONTENT | {"weekly_feeds"},
    cost=1.3,
)


# The weekly feed


def weekly_feeds(model: Outputs) -> list[tuple[str, str]]:
    """(format, path) of the weekly feed, RSS and Atom, where the site has week pages, an absolute
    address (as every feed) and a path for the format."""
    if not model.site.weeks or not model.site.base:
        return []
    found = [(fmt, model.settings.get(f"TRACKER_WEEKLY_FEED_{fmt.upper()}")) for fmt in ("rss", "atom")]
    return [(fmt, path) for fmt, path in found if path]


def feed_outputs(model: Outputs) -> list[Output]:
    """The weekly feed's files."""
    site = model.site
    shown = tuple(w.list_key for w in site.finished_weeks[: site.feed_limit or FEED_WEEKS])
    return [Output(path, "weekly", (fmt, shown), "the weekly feed") for fmt, path in weekly_feeds(model)]


def feed_dirty(output: Output, plan: Plan, views: set[str]) -> bool:
    """An entry of one of its weeks came, went or changed its item or events."""
    _, shown = output.key
    return any(key in plan.pages or key in plan.fronts for key in shown)


def render_weekly_feed(model: Outputs, output: Output) -> bytes:
    """RSS or Atom with feedgen: an item per finished week, newest first, the week's content whole."""
    from feedgen.feed import FeedGenerator

    fmt, shown = output.key
    site, base = model.site, model.site.base
    by_key = {w.list_key: w for w in site.finished_weeks}
    template = model.template("week_content")
    name = model.settings.get("SITENAME", "")
    fg = FeedGenerator()
    home = absolute(base, "")
    fg.id(absolute(base, output.save_as))
    words = active()
    fg.title(words.gettext("%(site)s: the week") % {"site": name})
    fg.subtitle(
        words.gettext(
            "Each finished week of %(site)s: its entries and what they report, by province and by actor"
        )
        % {"site": name}
    )
    fg.link(href=absolute(base, output.save_as), rel="self")
    fg.link(href=home, rel="alternate")
    fg.language(model.settings.get("DEFAULT_LANG", "en"))
    newest = None
    for key in shown:
        week = by_key[key]
        heads = site.lists.newest(key)
        moment = max(h.updated or h.date for h in heads)
        newest = max(newest, moment) if newest else moment
        url = absolute(base, week.url)
        values = {**model.context, **content(model, week), "SITEURL": base}
        body = rendered(template, values, output.save_as)
        item = fg.add_entry(order="append")
        item.id(url)
        item.guid(url, permalink=True)
        item.title(f"{week.label}: {week.days}")
        item.link(href=url, rel="alternate")
        item.published(moment)
        item.pubDate(moment)
        item.updated(moment)
        item.content(Markup(body), type="html") if fmt == "atom" else item.description(body)
    # The feed's own date: its newest item's, else (no week is finished yet) the newest entry's,
    # never the build's clock, so that two builds of the same content give the same feed.
    newest = newest or site.lists.newest_head.date
    fg.updated(newest)
    fg.lastBuildDate(newest)
    return fg.rss_str(pretty=True) if fmt == "rss" else fg.atom_str(pretty=True)


WEEKLY_FEED = PageType(
    "weekly",
    feed_outputs,
    render_weekly_feed,
    dirty_on=frozenset({"weeks"}),  # a week came or went (and the one before it is finished)
    unmoved_by=KNOWN_CHANGES - {"weeks"},
    dirty=feed_dirty,
    template="week_content",  # its items' bodies: a week page's content
    reads=CONTENT,
)
