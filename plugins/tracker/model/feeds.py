"""The site's feeds: the whole site's and each term's, in RSS and Atom (and the site's as a JSON
Feed), each carrying its list's newest entries; and the subscribe page's overview of them.

Pure: lists and settings in, feed descriptions out (feeds/ writes them).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .lists import SITE, ListKey, SiteLists
from .record import Head
from .terms import FORMATS, FeedLink, TermLink


def feed_base(settings: Mapping[str, Any]) -> str:
    """The absolute address feed links are built on: FEED_DOMAIN, else SITEURL ("" when neither is
    absolute)."""
    base = str(settings.get("FEED_DOMAIN") or settings.get("SITEURL") or "").rstrip("/")
    parts = base.split("/")
    return base if base.lower().startswith(("http://", "https://")) and len(parts) >= 3 and parts[2] else ""


def absolute(base: str, url: str) -> str:
    """An output URL made absolute on `base`."""
    return f"{base}/{url.lstrip('/')}" if url else f"{base}/"


@dataclass(frozen=True)
class Feed:
    """One feed file: its link, where it is written, the list it carries and, for a term's feed,
    the term (whose name tells a reader's guids apart)."""

    link: FeedLink
    save_as: str
    list_key: ListKey
    term: TermLink | None

    title = property(lambda self: self.link.title)
    format = property(lambda self: self.link.format)
    url = property(lambda self: self.link.url)
    page_url = property(lambda self: self.link.page_url)
    type = property(lambda self: self.link.type)
    label = property(lambda self: self.link.label)


def feeds_for(
    settings: Mapping[str, Any],
    prefix: str,
    values: Mapping[str, str],
    title: str,
    page_url: str,
    list_key: ListKey,
    term: TermLink | None,
) -> tuple[Feed, ...]:
    """The feeds named by `<prefix>_RSS`, `_ATOM` and `_JSON`, where set and where the site has an
    absolute address (feed links must be absolute)."""
    base = feed_base(settings)
    if not base:
        return ()
    found = []
    for fmt in FORMATS:
        pattern = settings.get(f"{prefix}_{fmt.upper()}")
        if pattern:
            save_as = pattern.format(**values)
            found.append(
                Feed(
                    FeedLink(title, fmt, absolute(base, save_as), absolute(base, page_url)),
                    save_as,
                    list_key,
                    term,
                )
            )
    return tuple(found)


def site_feeds(settings: Mapping[str, Any], lists: SiteLists) -> tuple[Feed, ...]:
    """The whole site's feeds (none before the first published entry)."""
    if not lists.count(SITE):
        return ()
    return feeds_for(settings, "TRACKER_FEED", {}, str(settings.get("SITENAME", "")), "", SITE, None)


def term_feeds(settings: Mapping[str, Any], lists: SiteLists, link: TermLink) -> tuple[Feed, ...]:
    """A known term's feeds, once it has entries."""
    if not link.known or not lists.count((link.kind, link.key)):
        return ()
    return feeds_for(
        settings,
        f"{link.kind.upper()}_FEED",
        {"slug": link.slug, "name": link.name},
        f"{settings.get('SITENAME', '')}: {link.name}",
        link.url,
        (link.kind, link.key),
        link,
    )


def carried(lists: SiteLists, feed: Feed, limit: int | None) -> list[Head]:
    """A feed's items: its list's newest entries, at most `limit` (FEED_MAX_ITEMS)."""
    return lists.newest(feed.list_key, limit)


@dataclass(frozen=True)
class TermFeeds:
    """A term's row on the subscribe page."""

    term: TermLink
    count: int
    feeds: tuple[FeedLink, ...]


@dataclass(frozen=True)
class SiteFeedRow:
    """One of the site's feeds on the subscribe page, with the number of entries it carries."""

    title: str
    url: str
    label: str
    format: str
    count: int
