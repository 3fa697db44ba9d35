"""Every feed of the site, written with feedgen: the site's and each term's in RSS and Atom, the
site's as a JSON Feed, and the OPML list of them.

An entry's feed item is made once per build (`FeedItems`) and reused by every feed that carries
it; only its guid differs from feed to feed. Output is deterministic: a feed's date is its newest
item's, never the clock's, and items are newest first.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections.abc import Mapping
from typing import Any

from markupsafe import Markup

from ..model.dataset import plain_text
from ..model.dates import day_text
from ..model.feeds import Feed, absolute, feed_base
from ..model.language import active
from ..model.record import EntryRecord


class FeedItems:
    """Each entry's feed item (feedgen's, and the JSON Feed's), made once per build."""

    def __init__(self, settings: Mapping[str, Any], full: bool = True) -> None:
        self.settings = settings
        self.base = feed_base(settings)
        self.full = full  # TRACKER_FEED_FULL_CONTENT: the whole entry in each item, else its summary
        self.schemes = {
            "provinces": absolute(self.base, settings["PROVINCES_URL"]),
            "actors": absolute(self.base, settings["ACTORS_URL"]),
        }
        self._entries: dict[str, Any] = {}  # feedgen entries
        self._json: dict[str, dict] = {}

    def entry(self, record: EntryRecord, guid_suffix: str) -> Any:
        """The record's feedgen item, its guid set for the feed at hand (`#kind-slug` in a term's feed)."""
        item = self._entries.get(record.path)
        if item is None:
            item = self._entries[record.path] = self._make(record)
        permalink = absolute(self.base, record.url)
        item.id(permalink + guid_suffix)
        item.guid(permalink + guid_suffix, permalink=not guid_suffix)
        return item

    def _make(self, record: EntryRecord) -> Any:
        from feedgen.entry import FeedEntry  # with lxml: imported when a feed is written

        item = FeedEntry()
        item.load_extension("dc", atom=False, rss=True)
        permalink = absolute(self.base, record.url)
        item.title(record.title)
        item.link(href=permalink, rel="alternate")
        item.published(record.date)
        item.pubDate(record.date)
        item.updated(record.updated or record.date)
        if record.author:
            item.author(name=record.author)
            item.dc.dc_creator(record.author)
        coverage, furniture = _coverage(record), _furniture(record)
        if self.full:
            item.summary(record.description, type="html")
            item.content(coverage + Markup(record.content) + furniture, type="html")
        else:
            item.summary(coverage + Markup(record.description) + furniture, type="html")
        item.category(
            [
                {"term": term.name, "label": term.name, "scheme": self.schemes[group]}
                for group in ("provinces", "actors")
                for term in getattr(record, group)
            ]
        )
        return item

    def json(self, record: EntryRecord) -> dict:
        """The record's JSON Feed 1.1 item."""
        found = self._json.get(record.path)
        if found is not None:
            return found
        permalink = absolute(self.base, record.url)
        body = record.content if self.full else record.description
        item: dict[str, Any] = {
            "id": permalink,
            "url": permalink,
            "title": record.title,
            "content_html": str(_coverage(record) + Markup(body) + _furniture(record)),
        }
        if record.summary:
            item["summary"] = plain_text(record.summary)
        item["date_published"] = record.date.isoformat()
        if record.updated:
            item["date_modified"] = record.updated.isoformat()
        if record.author:
            item["authors"] = [{"name": record.author}]
        if record.tags:
            item["tags"] = [tag.name for tag in record.tags]
        item["_tracker"] = {
            group: [term.name for term in getattr(record, group)]
            for group in ("provinces", "actors", "places")
        } | {"events": len(record.events)}
        self._json[record.path] = item
        return item


def render_feed(feed: Feed, records: list[EntryRecord], items: FeedItems) -> bytes:
    """A feed as bytes, RSS 2.0 or Atom with feedgen, or JSON Feed 1.1; `records` newest first."""
    settings = items.settings
    if feed.format == "json":
        return render_json_feed(feed, records, items)
    from feedgen.feed import FeedGenerator

    fg = FeedGenerator()
    fg.load_extension("dc", atom=False, rss=True)
    fg.id(feed.page_url)
    fg.title(feed.title)
    fg.subtitle(settings.get("SITESUBTITLE") or feed.title)
    fg.link(href=feed.url, rel="self", type=feed.type)
    fg.link(href=feed.page_url, rel="alternate")  # last, so that RSS's <link> is the page
    fg.language(settings.get("DEFAULT_LANG", "en"))
    newest = max((r.updated or r.date for r in records), default=None)
    fg.updated(newest)
    fg.lastBuildDate(newest)
    # An item's guid is its permalink in the site feed and its own in a term's feed: readers that
    # key items by guid across feeds (newsboat) would otherwise show each entry in one feed only.
    suffix = f"#{feed.term.kind}-{feed.term.slug}" if feed.term is not None else ""
    for record in records:
        fg.add_entry(items.entry(record, suffix), order="append")
    return fg.rss_str(pretty=True) if feed.format == "rss" else fg.atom_str(pretty=True)


def render_json_feed(feed: Feed, records: list[EntryRecord], items: FeedItems) -> bytes:
    """A JSON Feed 1.1 (https://jsonfeed.org/version/1.1) of the same items as the RSS and Atom
    feeds; `_tracker` (an extension, as the spec allows) gives each item's provinces, actors,
    places and number of events."""
    settings = items.settings
    document = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": feed.title,
        "home_page_url": feed.page_url,
        "feed_url": feed.url,
        "description": settings.get("SITESUBTITLE") or feed.title,
        "language": settings.get("DEFAULT_LANG", "en"),
        "items": [items.json(record) for record in records],
    }
    return (json.dumps(document, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def _coverage(record: EntryRecord) -> Markup:
    """The days an entry covers, as its page states them."""
    if not record.covers:
        return Markup("")
    start, end, words = *record.covers, active()
    if start == end:
        days = words.gettext("Covering %(day)s.") % {"day": day_text(start)}
    else:
        days = words.gettext("Covering %(first)s to %(last)s.") % {
            "first": day_text(start),
            "last": day_text(end),
        }
    return Markup("<p><em>{}</em></p>\n").format(days)


def _furniture(record: EntryRecord) -> Markup:
    """What follows an entry's body in a feed: its sources and its correction."""
    parts = []
    if record.sources:
        items = [
            Markup('<li><a href="{}">{}</a></li>').format(s.url, s.title or s.url)
            if s.url
            else Markup("<li>{}</li>").format(s.title)
            for s in record.sources
        ]
        heading = active().gettext("Sources")
        parts.append(Markup("<h2>{}</h2>\n<ul>{}</ul>").format(heading, Markup("").join(items)))
    if record.updated:
        words = active()
        note = record.correction or words.gettext("This entry was corrected.")
        said = words.gettext("Correction, %(day)s:") % {"day": day_text(record.updated)}
        parts.append(Markup("<p><strong>{}</strong> {}</p>").format(said, note))
    return Markup("").join(Markup("\n") + part for part in parts)


def render_opml(title: str, groups: list[tuple[str, list[Any]]]) -> bytes:
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
