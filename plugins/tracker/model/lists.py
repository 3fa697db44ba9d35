"""The site's lists: published entries in date order, all of them and per province, actor, place,
tag, author, year and month, each cut into pages that never move.

Pure: heads in, lists out. A change is applied as `remove(old)` then `add(new)`: a list keeps its
heads sorted oldest first, so an entry's rank in a list (and the page it is on) is found by
bisection, and adding today's entry only appends.

**Pages that never move.** A list of n entries is cut, from its oldest entry, into pages of `size`
entries: page 1 holds the oldest `size` entries, page 2 the next, and so on; the front page (the
list's own address) holds the newest full page and the newer entries not yet on a full page, from
`size` to `2 × size − 1` entries, newest first. A new entry therefore changes the front page only,
and once every `size` entries it completes a page, which gets its number: an older page's address
and entries never change, so a link to it, a bookmark or a cache stays right.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left, insort
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from .record import Head

# ("site",), (kind, term key), ("tag", slug), ("author", slug), ("year", y), ("month", y, m),
# ("week", ISO year, ISO week)
ListKey = tuple[str | int, ...]
SITE: ListKey = ("site",)
Entry = tuple[float, str, str]  # (moment, slug, path): a list's sort key and its entry (Head.order)


def week_key(date: dt.date) -> ListKey:
    """The list of the ISO week a day falls in: ("week", ISO year, week number)."""
    year, number, _ = date.isocalendar()
    return ("week", year, number)


class SiteLists:
    """Every entry's head by path, and the lists of the published ones (oldest first)."""

    def __init__(self, slugify: Any) -> None:
        self.heads: dict[str, Head] = {}
        self.lists: dict[ListKey, list[Entry]] = {}
        self.slugify = slugify
        self.names: dict[ListKey, str] = {}  # a tag's or author's name, as its first entry spells it

    def build(self, heads: Iterable[Head]) -> SiteLists:
        """All heads at once (one sort per list instead of an insertion per entry)."""
        for head in heads:
            self.heads[head.path] = head
            if head.published:
                order = head.order
                for key in self.keys_of(head):
                    self.lists.setdefault(key, []).append(order)
        for entries in self.lists.values():
            entries.sort()
        self._name_lists(h for h in self.heads.values() if h.published)
        return self

    def keys_of(self, head: Head) -> list[ListKey]:
        """The lists a published entry is on."""
        date = head.date
        keys: list[ListKey] = [SITE, ("year", date.year), ("month", date.year, date.month)]
        keys.append(week_key(date))
        keys += [("province", key) for key in head.provinces]
        keys += [("actor", key) for key in head.actors]
        keys += [("place", key) for key in head.places]
        if head.tags:
            keys += [("tag", self.slugify(tag)) for tag in head.tags]
        if head.author:
            keys.append(("author", self.slugify(head.author)))
        return keys if not head.tags else list(dict.fromkeys(keys))

    def add(self, head: Head) -> None:
        self.heads[head.path] = head
        if head.published:
            for key in self.keys_of(head):
                insort(self.lists.setdefault(key, []), head.order)
            self._name_lists([head])

    def remove(self, head: Head) -> None:
        del self.heads[head.path]
        if not head.published:
            return
        for key in self.keys_of(head):
            entries = self.lists[key]
            at = bisect_left(entries, head.order)
            del entries[at]
            if not entries:
                del self.lists[key]
                self.names.pop(key, None)
            elif key in self.names and key[0] in ("tag", "author"):
                self.names[key] = self._name_of(key)

    def _name_lists(self, heads: Iterable[Head]) -> None:
        for head in heads:
            for key, name in [(("tag", self.slugify(t)), t) for t in head.tags] + (
                [(("author", self.slugify(head.author)), head.author)] if head.author else []
            ):
                if key not in self.names or self.names[key] != self._name_of(key):
                    self.names[key] = self._name_of(key)

    def _name_of(self, key: ListKey) -> str:
        """A tag's or author's name: its oldest entry's spelling."""
        head = self.heads[self.lists[key][0][2]]
        names = head.tags if key[0] == "tag" else (head.author,)
        return next(name for name in names if self.slugify(name) == key[1])

    def entries(self, key: ListKey) -> list[Head]:
        """The list's entries, oldest first."""
        return [self.heads[path] for _, _, path in self.lists.get(key, ())]

    def newest(self, key: ListKey, count: int | None = None) -> list[Head]:
        """The list's entries, newest first (the newest `count`)."""
        entries = self.lists.get(key, ())
        chosen = entries[::-1] if count is None else entries[: -count - 1 : -1] if count else []
        return [self.heads[path] for _, _, path in chosen]

    def count(self, key: ListKey) -> int:
        return len(self.lists.get(key, ()))

    def rank(self, key: ListKey, head: Head) -> int | None:
        """The entry's place in the list, oldest first (None when it is not on it)."""
        entries = self.lists.get(key, [])
        at = bisect_left(entries, head.order)
        return at if at < len(entries) and entries[at][2] == head.path else None

    def at(self, key: ListKey, rank: int) -> Head | None:
        entries = self.lists.get(key, [])
        return self.heads[entries[rank][2]] if 0 <= rank < len(entries) else None

    def keys(self, kind: str) -> list[ListKey]:
        return [key for key in self.lists if key[0] == kind]

    @property
    def newest_head(self) -> Head | None:
        entries = self.lists.get(SITE)
        return self.heads[entries[-1][2]] if entries else None

    def published(self) -> Iterator[Head]:
        for _, _, path in self.lists.get(SITE, ()):
            yield self.heads[path]


@dataclass(frozen=True)
class Page:
    """One page of a list: its number (0 for the front page, else counted from the oldest page),
    the ranks of its entries (oldest first, `start` included, `stop` not), and where it is."""

    number: int
    start: int
    stop: int
    url: str
    save_as: str
    older: tuple[int, str] | None = None  # (number, URL) of the page of older entries
    newer: tuple[int, str] | None = None


def page_numbers(count: int, size: int) -> list[tuple[int, int, int]]:
    """(number, start, stop) of each page of a list of `count` entries, the front page first."""
    full = count // size
    if full <= 1:
        return [(0, 0, count)]
    front = (0, (full - 1) * size, count)
    return [front] + [(n, (n - 1) * size, n * size) for n in range(full - 1, 0, -1)]


def page_of(rank: int, count: int, size: int) -> int:
    """The number of the page holding rank `rank` (0: the front page)."""
    full = count // size
    return 0 if full <= 1 or rank >= (full - 1) * size else rank // size + 1


def paginate(count: int, size: int, url: str, save_as: str, patterns: Any) -> list[Page]:
    """The pages of a list at `url`/`save_as`, the front page first; numbered pages are named by
    the site's PAGINATION_PATTERNS for pages after the first."""
    numbers = page_numbers(count, size)
    last = len(numbers) - 1  # the newest numbered page (0: there is only the front page)
    located = {0: (url, save_as)}
    if last:
        name = numbered(url, save_as, patterns)
        located.update((number, name(number)) for number, _, _ in numbers if number)
    pages = []
    for number, start, stop in numbers:
        if number == 0:
            older, newer = (last if last else None), None
        else:
            older, newer = (number - 1 if number > 1 else None), (number + 1 if number < last else 0)
        pages.append(
            Page(
                number,
                start,
                stop,
                *located[number],
                (older, located[older][0]) if older is not None else None,
                (newer, located[newer][0]) if newer is not None else None,
            )
        )
    return pages


def numbered(url: str, save_as: str, patterns: Any) -> Callable[[int], tuple[str, str]]:
    """A function giving (URL, save-as path) of numbered page `number` of a list, by the last
    pagination pattern for page numbers from 2 (numbered pages are never the list's first page)."""
    name, extension = save_as.rsplit(".", 1) if "." in save_as.rsplit("/", 1)[-1] else (save_as, "")
    folder, file = save_as.rsplit("/", 1) if "/" in save_as else ("", save_as)
    base_name = folder if file in ("index.htm", "index.html") else name
    rule = None
    for min_page, url_pattern, save_pattern in patterns:
        if min_page != -1 and min_page <= 2:
            rule = (url_pattern, save_pattern)
    values = {
        "save_as": save_as,
        "url": url,
        "name": name,
        "base_name": base_name,
        "extension": "." + extension if extension else "",
    }

    def located(number: int) -> tuple[str, str]:
        if rule is None:
            return url, save_as
        url_pattern, save_pattern = rule
        return (
            url_pattern.format(number=number, **values).removeprefix("/"),
            save_pattern.format(number=number, **values).removeprefix("/"),
        )

    return located


def page_entries(lists: SiteLists, key: ListKey, page: Page) -> list[Head]:
    """A page's entries, newest first."""
    entries = lists.lists.get(key, [])[page.start : page.stop]
    return [lists.heads[path] for _, _, path in reversed(entries)]


def pages_from(rank: int, count: int, size: int) -> set[int]:
    """The numbers of the pages that change when the list (of `count` entries) gains or loses an
    entry at `rank`: that entry's page and every newer one, the front page, and the two newest
    numbered pages (a page completed by the change gets a number, and the page before it a link)."""
    full = count // size
    first = page_of(rank, count, size)
    numbers = {number for number, _, _ in page_numbers(count, size)}
    changed = {0, full - 1, full - 2} | ({n for n in numbers if n >= first} if first else set())
    return changed & numbers
