"""Every feed of the site, written with feedgen: site-wide, per province and per actor, plus OPML.

Output is deterministic: feed dates come from the newest item, never from the clock, and
items are appended newest first.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from typing import Any

from feedgen.feed import FeedGenerator
from pelican.generators import Generator

from ..model.digests import digest_bytes
from ..settings import ABSOLUTE

FORMATS = {"rss": "application/rss+xml", "atom": "application/atom+xml"}
LABELS = {"rss": "RSS", "atom": "Atom"}


@dataclass
class Feed:
    """One feed file: what it is about, where it lives and which entries it carries."""

    title: str
    format: str
    save_as: str
    url: str
    page_url: str
    entries: list[Any] = field(default_factory=list, repr=False)
    term: Any = None

    @property
    def type(self) -> str:
        return FORMATS[self.format]

    @property
    def tracker_digest(self) -> str:
        """What pages that link this feed show of it (see the incremental writer)."""
        return digest_bytes(self.title, self.format, self.url, self.page_url, str(self.count))

    @property
    def label(self) -> str:
        return LABELS[self.format]

    @property
    def count(self) -> int:
        return len(self.entries)


def feed_base(settings: dict[str, Any]) -> str:
    """The absolute address feed links are built on: FEED_DOMAIN, else SITEURL."""
    return str(settings.get("FEED_DOMAIN") or settings.get("SITEURL") or "").rstrip("/")


def absolute(base: str, url: str) -> str:
    """An output URL made absolute on `base`."""
    return f"{base}/{url.lstrip('/')}" if url else f"{base}/"


def render_feed(feed: Feed, settings: dict[str, Any]) -> bytes:
    """The feed as bytes, RSS 2.0 or Atom, with feedgen."""
    base = feed_base(settings)
    items = feed.entries[: settings.get("FEED_MAX_ITEMS")]
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
    schemes = {"provinces": absolute(base, settings["PROVINCES_URL"]), "actors": absolute(base, settings["ACTORS_URL"])}
    for entry in items:
        _add_item(fg, entry, base, schemes, full)
    return fg.rss_str(pretty=True) if feed.format == "rss" else fg.atom_str(pretty=True)


def _updated(entry: Any):
    return getattr(entry, "updated", None) or entry.date


def _add_item(fg: FeedGenerator, entry: Any, base: str, schemes: dict[str, str], full: bool) -> None:
    permalink = absolute(base, entry.url)
    item = fg.add_entry(order="append")
    item.id(permalink)
    item.guid(permalink, permalink=True)
    item.title(entry.title)
    item.link(href=permalink, rel="alternate")
    item.published(entry.date)
    item.pubDate(entry.date)
    item.updated(_updated(entry))
    author = str(getattr(entry, "author", "") or "")
    if author:
        item.author(name=author)
        item.dc.dc_creator(author)
    item.summary(entry.get_summary(base), type="html")
    if full:
        item.content(entry.get_content(base), type="html")
    item.category([
        {"term": term.name, "label": term.name, "scheme": schemes[group]}
        for group in ("provinces", "actors") for term in getattr(entry, group, [])
    ])


def render_opml(title: str, groups: list[tuple[str, list[Feed]]]) -> bytes:
    """An OPML 2.0 subscription list, one outline per group."""
    opml = ET.Element("opml", version="2.0")
    ET.SubElement(ET.SubElement(opml, "head"), "title").text = title
    body = ET.SubElement(opml, "body")
    for name, feeds in groups:
        group = ET.SubElement(body, "outline", text=name, title=name)
        for feed in feeds:
            ET.SubElement(group, "outline", type="rss", text=feed.title, title=feed.title,
                          xmlUrl=feed.url, htmlUrl=feed.page_url)
    ET.indent(opml)
    return ET.tostring(opml, encoding="utf-8", xml_declaration=True) + b"\n"


class FeedsGenerator(Generator):
    """Writes `rss.xml`/`atom.xml`, a feed pair per province and actor, `feeds/` and `feeds.opml`."""

    def generate_context(self) -> None:
        """Decide which feeds exist, so that every page can link them."""
        self.feeds: list[Feed] = []
        self.term_feeds: dict[str, list[Feed]] = {"province": [], "actor": []}
        self.context["site_feeds"] = []
        base = feed_base(self.settings)
        if not ABSOLUTE.match(base):
            return  # reported by the settings check
        sitename = self.settings["SITENAME"]
        entries = self.context.get("articles", [])
        if entries:
            self.context["site_feeds"] = self._pair(sitename, "TRACKER_FEED", {}, absolute(base, ""), entries, None)
        for kind in ("province", "actor"):
            for page in self.context.get(f"{kind}s", []):
                page.feeds = []
                if page.known and page.stats.entries:
                    title = f"{sitename}: {page.name}"
                    page.feeds = self._pair(title, f"{kind.upper()}_FEED", page.as_dict(), absolute(base, page.url), page.stats.entries, page)
                    self.term_feeds[kind] += [f for f in page.feeds if f.format == "rss"]
        self.context["all_feeds"] = self.feeds
        self.context["term_feeds"] = self.term_feeds

    def _pair(self, title: str, prefix: str, values: dict, page_url: str, entries: list, term: Any) -> list[Feed]:
        """The RSS and Atom feeds named by `<prefix>_RSS` and `<prefix>_ATOM`, where set."""
        feeds = []
        for fmt in FORMATS:
            pattern = self.settings.get(f"{prefix}_{fmt.upper()}")
            if pattern:
                save_as = pattern.format(**values)
                feeds.append(Feed(title, fmt, save_as, absolute(feed_base(self.settings), save_as), page_url, entries, term))
        self.feeds += feeds
        return feeds

    def output_paths(self) -> list[tuple[str, Any]]:
        """Every file this generator will write."""
        paths = [(feed.save_as, f"the feed '{feed.title}' ({feed.format})") for feed in self.feeds]
        if self.feeds:
            paths += [(self.settings["TRACKER_FEEDS_SAVE_AS"], "the feeds page"),
                      (self.settings["TRACKER_OPML_SAVE_AS"], "the OPML file")]
        return paths

    def generate_output(self, writer: Any) -> None:
        """Write every feed, then the subscribe page and the OPML bundle."""
        if not self.feeds:
            return
        for feed in self.feeds:
            items = feed.entries[: self.settings.get("FEED_MAX_ITEMS")]
            digest = digest_bytes(feed.tracker_digest, *(f"{e.source_digest}|{e.url}" for e in items))
            writer.write_bytes(feed.save_as, lambda feed=feed: render_feed(feed, self.settings), digest)
        site_rss = [f for f in self.context["site_feeds"] if f.format == "rss"]
        groups = [("Site", site_rss), ("Provinces", self.term_feeds["province"]), ("Actors", self.term_feeds["actor"])]
        writer.write_bytes(self.settings["TRACKER_OPML_SAVE_AS"], render_opml(f"{self.settings['SITENAME']} feeds", groups))
        writer.write_file(self.settings["TRACKER_FEEDS_SAVE_AS"], self.get_template("feeds"), self.context,
                          relative_urls=self.settings["RELATIVE_URLS"], url=self.settings["TRACKER_FEEDS_URL"],
                          page_name="feeds", opml_url=absolute(feed_base(self.settings), self.settings["TRACKER_OPML_SAVE_AS"]))
