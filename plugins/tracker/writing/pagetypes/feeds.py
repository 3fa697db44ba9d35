"""The feeds (the site's, and each province's, actor's and place's, in RSS, Atom and JSON Feed),
the feeds page and the OPML file that lists them."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ...model.feeds import Feed, absolute
from ...model.language import active
from ...model.plan import Plan
from ..feeds import render_feed, render_opml
from .base import KNOWN_CHANGES, Output, PageType
from .weeks import weekly_feeds

if TYPE_CHECKING:
    from ..outputs import Outputs


def feeds(model: Outputs) -> list[Output]:
    """Every feed the settings ask for."""
    return [
        Output(feed.save_as, "feed", feed, f"the feed '{feed.title}' ({feed.format})")
        for feed in model.site.feeds
    ]


def feed_dirty(output: Output, plan: Plan, views: set[str]) -> bool:
    """An entry among its newest items changed."""
    return output.key.list_key in plan.feeds


def render_one(model: Outputs, output: Output) -> bytes:
    """A feed of its newest entries, whole."""
    feed: Feed = output.key
    heads = model.site.carried(feed)
    records = model.records([h.path for h in heads])
    base = model.site.base
    return render_feed(feed, [model.linked(records[h.path], base) for h in heads], model.feed_items)


FEED = PageType(
    "feed", feeds, render_one, unmoved_by=KNOWN_CHANGES, dirty=feed_dirty, cost=2.0, together=True
)


def feeds_page(model: Outputs) -> list[Output]:
    """The feeds page, where the site has feeds."""
    save_as = model.settings["TRACKER_FEEDS_SAVE_AS"]
    return [Output(save_as, "feeds", "feeds", "the feeds page")] if model.site.feeds else []


def render_page(model: Outputs, output: Output) -> bytes:
    """The feeds page: every feed, by term, with the OPML file's address."""
    return model.page(
        "feeds",
        output,
        url=model.settings["TRACKER_FEEDS_URL"],
        feeds_overview=model.site.feeds_overview,
        opml_url=absolute(model.site.base, model.settings["TRACKER_OPML_SAVE_AS"]),
        weekly_feeds=[(fmt, absolute(model.site.base, path)) for fmt, path in weekly_feeds(model)],
    )


# The feeds page and OPML list every term's feeds, with counts: an entry that changed its date,
# status, terms or events changes them.
FEEDS_PAGE = PageType(
    "feeds",
    feeds_page,
    render_page,
    dirty_on=frozenset({"feeds", "indexes"}),
    unmoved_by=KNOWN_CHANGES - {"feeds", "indexes"},
    template="feeds",
    reads=frozenset({"feeds_overview", "opml_url", "weekly_feeds"}),
    cost=5.0,
)


def opml(model: Outputs) -> list[Output]:
    """The OPML file, where the site has feeds."""
    save_as = model.settings["TRACKER_OPML_SAVE_AS"]
    return [Output(save_as, "opml", "opml", "the OPML file")] if model.site.feeds else []


def render_opml_file(model: Outputs, output: Output) -> bytes:
    """The OPML file: every RSS feed, grouped as the feeds page groups them."""
    overview, settings = model.site.feeds_overview, model.settings
    words = active()
    groups = [
        (words.gettext("Site"), [f for f in model.site.site_feeds if f.format == "rss"]),
        (
            words.gettext(model.site.config.provinces_word),
            [f for row in overview["province"] for f in row.feeds if f.format == "rss"],
        ),
        (words.gettext("Actors"), [f for row in overview["actor"] for f in row.feeds if f.format == "rss"]),
    ]
    places = [f for row in overview["place"] for f in row.feeds if f.format == "rss"]
    groups += [(words.gettext("Places"), places)] if places else []
    return render_opml(words.gettext("%(site)s: feeds") % {"site": settings["SITENAME"]}, groups)


OPML = PageType(
    "opml", opml, render_opml_file, dirty_on=frozenset({"indexes"}), unmoved_by=KNOWN_CHANGES - {"indexes"}
)
