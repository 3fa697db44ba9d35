"""Every feed of the site, written with feedgen: site-wide, per province and per actor, plus OPML.

Output is deterministic: feed dates come from the newest item, never from the clock, and
items are appended newest first.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from typing import Any

from feedgen.feed import FeedGenerator
from markupsafe import Markup

from ..model.dataset import plain_summary
from ..model.site import Feed, absolute, feed_base
from .dates import day_text


def render_feed(feed: Feed, settings: dict[str, Any]) -> bytes:
    """The feed as bytes, RSS 2.0 or Atom with feedgen, or JSON Feed 1.1."""
    base = feed_base(settings)
    if feed.format == "json":
        return render_json_feed(feed, settings, base)
    items = feed.entries  # newest first, at most FEED_MAX_ITEMS
    fg = FeedGenerator()
    fg.load_extension("dc", atom=False, rss=True)
    fg.id(feed.page_url)
    fg.title(feed.title)
    fg.subtitle(settings.get("SITESUBTITLE") or feed.title)
    fg.link(href=feed.url, rel="self", type=feed.type)
    fg.link(href=feed.page_url, rel="alternate")  # last, so that RSS's <link> is the page
    fg.language(settings.get("DEFAULT_LANG", "en"))
    newest = max((_updated(e) for e in items), default=None)
    fg.updated(newest)
    fg.lastBuildDate(newest)
    full = settings.get("TRACKER_FEED_FULL_CONTENT", True)
    schemes = {
        "provinces": absolute(base, settings["PROVINCES_URL"]),
        "actors": absolute(base, settings["ACTORS_URL"]),
    }
    # An item's guid is its permalink in the site feed and its own in a term's feed: readers that
    # key items by guid across feeds (newsboat) would otherwise show each entry in one feed only.
    guid_suffix = f"#{feed.term.kind}-{feed.term.slug}" if feed.term is not None else ""
    for entry in items:
        _add_item(fg, entry, base, schemes, full, guid_suffix)
    return fg.rss_str(pretty=True) if feed.format == "rss" else fg.atom_str(pretty=True)


def render_json_feed(feed: Feed, settings: dict[str, Any], base: str) -> bytes:
    """A JSON Feed 1.1 (https://jsonfeed.org/version/1.1) of the same items as the RSS and Atom
    feeds; `_tracker` (an extension, as the spec allows) gives each item's provinces, actors,
    places and number of events."""
    full = settings.get("TRACKER_FEED_FULL_CONTENT", True)
    items = []
    for entry in feed.entries:
        permalink = absolute(base, entry.url)
        body = entry.get_content(base) if full else entry.get_summary(base)
        item: dict[str, Any] = {
            "id": permalink,
            "url": permalink,
            "title": entry.title,
            "content_html": str(_coverage(entry) + Markup(body) + _furniture(entry)),
        }
        summary = plain_summary(entry)
        if summary:
            item["summary"] = summary
        item["date_published"] = entry.date.isoformat()
        if getattr(entry, "updated", None):
            item["date_modified"] = entry.updated.isoformat()
        author = str(getattr(entry, "author", "") or "")
        if author:
            item["authors"] = [{"name": author}]
        tags = [str(tag) for tag in getattr(entry, "tags", None) or []]
        if tags:
            item["tags"] = tags
        item["_tracker"] = {
            group: [term.name for term in getattr(entry, group, None) or []]
            for group in ("provinces", "actors", "places")
        } | {"events": len(getattr(entry, "events", None) or ())}
        items.append(item)
    document = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": feed.title,
        "home_page_url": feed.page_url,
        "feed_url": feed.url,
        "description": settings.get("SITESUBTITLE") or feed.title,
        "language": settings.get("DEFAULT_LANG", "en"),
        "items": items,
    }
    return (json.dumps(document, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def _updated(entry: Any):
    return getattr(entry, "updated", None) or entry.date


def _add_item(
    fg: FeedGenerator, entry: Any, base: str, schemes: dict[str, str], full: bool, guid_suffix: str
) -> None:
    permalink = absolute(base, entry.url)
    item = fg.add_entry(order="append")
    item.id(permalink + guid_suffix)
    item.guid(permalink + guid_suffix, permalink=not guid_suffix)
    item.title(entry.title)
    item.link(href=permalink, rel="alternate")
    item.published(entry.date)
    item.pubDate(entry.date)
    item.updated(_updated(entry))
    author = str(getattr(entry, "author", "") or "")
    if author:
        item.author(name=author)
        item.dc.dc_creator(author)
    coverage, furniture = _coverage(entry), _furniture(entry)
    if full:
        item.summary(entry.get_summary(base), type="html")
        item.content(coverage + Markup(entry.get_content(base)) + furniture, type="html")
    else:
        item.summary(coverage + Markup(entry.get_summary(base)) + furniture, type="html")
    item.category(
        [
            {"term": term.name, "label": term.name, "scheme": schemes[group]}
            for group in ("provinces", "actors")
            for term in getattr(entry, group, [])
        ]
    )


def _coverage(entry: Any) -> Markup:
    """The days an entry covers, as its page states them."""
    covers = getattr(entry, "covers", None)
    if not covers:
        return Markup("")
    start, end = covers
    days = day_text(start) if start == end else f"{day_text(start)} to {day_text(end)}"
    return Markup("<p><em>Covering {}.</em></p>\n").format(days)


def _furniture(entry: Any) -> Markup:
    """What follows an entry's body in a feed: its sources and its correction."""
    parts = []
    sources = getattr(entry, "sources", None) or []
    if sources:
        items = [
            Markup('<li><a href="{}">{}</a></li>').format(s.url, s.title or s.url)
            if s.url
            else Markup("<li>{}</li>").format(s.title)
            for s in sources
        ]
        parts.append(Markup("<h2>Sources</h2>\n<ul>{}</ul>").format(Markup("").join(items)))
    updated = getattr(entry, "updated", None)
    if updated:
        note = getattr(entry, "correction", None) or "This entry was corrected."
        parts.append(Markup("<p><strong>Correction, {}:</strong> {}</p>").format(day_text(updated), note))
    return Markup("").join(Markup("\n") + part for part in parts)


def render_opml(title: str, groups: list[tuple[str, list[Feed]]]) -> bytes:
    """An OPML 2.0 subscription list, one outline per group."""
    opml = ET.Element("opml", version="2.0")
    ET.SubElement(ET.SubElement(opml, "head"), "title").text = title
    body = ET.SubElement(opml, "body")
    for name, feeds in groups:
        group = ET.SubElement(body, "outline", text=name, title=name)
        for feed in feeds:
            ET.SubElement(
                group,
                "outline",
                type="rss",
                text=feed.title,
                title=feed.title,
                xmlUrl=feed.url,
                htmlUrl=feed.page_url,
            )
    ET.indent(opml)
    return ET.tostring(opml, encoding="utf-8", xml_declaration=True) + b"\n"
