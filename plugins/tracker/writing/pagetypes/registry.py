"""Every page type, in the order their outputs claim their paths: the site's own pages first
(the home page, each vocabulary's index before its terms' pages), entries last, so that a
conflict is charged to what comes later. Adding a page type: a module of this folder, and its
line here."""

from __future__ import annotations

from . import exports, feeds, indexes, lists, named, periods, search, weeks
from .base import PageType
from .entry import ENTRY

PAGE_TYPES: tuple[PageType, ...] = (
    lists.HOME,
    indexes.PROVINCES,
    lists.PROVINCE,
    indexes.ACTORS,
    lists.ACTOR,
    indexes.PLACES,
    lists.PLACE,
    indexes.TAGS,
    lists.TAG,
    indexes.AUTHORS,
    lists.AUTHOR,
    feeds.FEED,
    feeds.FEEDS_PAGE,
    feeds.OPML,
    named.ARCHIVES,
    periods.PERIOD,
    weeks.WEEK,
    weeks.WEEKLY_FEED,
    named.CORRECTIONS,
    search.SEARCH,
    exports.DATA,
    exports.EXPORT,
    named.NOT_FOUND,
    named.OUTLINES,
    named.SITEMAP,
    ENTRY,
)
BY_KIND: dict[str, PageType] = {}
TEMPLATES: dict[str, frozenset[str]] = {}  # each template of a page type -> the names the rules follow


def register(*page_types: PageType) -> None:
    """Make `page_types` the site's (after those there are: their paths are claimed later)."""
    global PAGE_TYPES
    PAGE_TYPES = PAGE_TYPES + tuple(t for t in page_types if t not in PAGE_TYPES)
    BY_KIND.clear()
    BY_KIND.update((page_type.kind, page_type) for page_type in PAGE_TYPES)
    TEMPLATES.clear()
    TEMPLATES.update((t.template, t.reads) for t in PAGE_TYPES if t.template is not None)


register()
