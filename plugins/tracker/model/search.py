"""The search model: what the site's search index holds of each published entry, and which shard
of the index holds it.

Pure: no I/O. Drafts and hidden entries never reach it. An entry is indexed with its title, date,
body, summary, sources and correction, its filters (province, actor, place, year) under their
canonical names, and every name and alias of its provinces, actors and places, so that a search
for `Daesh` finds the entries tagged ISIS.

**Shards.** Pagefind builds an index of a whole site at once, so the index is cut by the entries'
dates into shards (a quarter each by default: `TRACKER_SEARCH_SHARD`) that the search page merges
in the browser; an edit indexes its entry's shard again, not the archive. The newest period is cut
by month, so that today's entry indexes a month of entries again, not a quarter; once a newer
period starts, its months are indexed again as one shard. Each document carries its shard as a
hidden filter, so that the search page can list results newest first across shards.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from html import escape
from typing import Any

from .dataset import plain_text
from .dates import day_text
from .language import N_, active

# A word no search finds (Pagefind indexes no punctuation) that ends the brief in a document's text.
MARK = "\u2042"


def shard_of(date: dt.datetime | dt.date, size: str) -> str:
    """The shard an entry of `date` is in: `2014`, `2014-q3` or `2014-07`."""
    if size == "year":
        return f"{date.year}"
    if size == "quarter":
        return f"{date.year}-q{(date.month - 1) // 3 + 1}"
    return f"{date.year}-{date.month:02d}"


def shards_of(heads: Iterable[Any], size: str) -> dict[str, list[str]]:
    """Shard name -> paths of the entries in it (heads oldest first, published only): by `size`,
    the newest period by month."""
    heads = list(heads)
    newest = shard_of(heads[-1].date, size) if heads else None
    found: dict[str, list[str]] = {}
    for head in heads:
        name = shard_of(head.date, size)
        found.setdefault(shard_of(head.date, "month") if name == newest else name, []).append(head.path)
    return found


def shard_start(name: str) -> str:
    """The first month a shard covers (`YYYY-MM`): what orders shards of any size by date."""
    year, _, part = name.partition("-")
    if not part:
        return f"{year}-01"
    if part.startswith("q"):
        return f"{year}-{(int(part[1:]) - 1) * 3 + 1:02d}"
    return name


def newest_first(names: Iterable[str]) -> list[str]:
    """Shard names, the newest shard first."""
    return sorted(names, key=shard_start, reverse=True)


def sort_key(record: Any) -> str:
    """Newest first when sorted descending: the moment in UTC, then the URL for one moment."""
    return f"{record.date.astimezone(dt.timezone.utc):%Y-%m-%dT%H:%M:%SZ} {record.url}"


def document(record: Any, shard: str, lang: str) -> str:
    """The HTML Pagefind indexes for one published entry (built with `escape`, not templates:
    thousands are written when the whole index is built)."""
    day = day_text(record.date)
    meta = (
        ("title", record.title),
        ("date", day),
        ("url", record.url),
        ("summary", plain_text(record.description)),
    )
    parts = [f'<!DOCTYPE html><html lang="{escape(lang)}"><head><meta charset="utf-8"></head><body>']
    parts += [f'<p data-pagefind-meta="{key}">{escape(value)}</p>' for key, value in meta]
    parts.append(f'<p data-pagefind-sort="date">{escape(sort_key(record))}</p>')
    parts += [
        f'<p data-pagefind-filter="{name}">{escape(value)}</p>'
        for name, values in filters(record, shard)
        for value in values
    ]
    parts.append(f"<main data-pagefind-body><div>{record.content}</div>")  # the entry's cleaned HTML
    if record.summary:
        parts.append(f"<div>{record.summary}</div>")
    sources = [s.title or s.url for s in record.sources]
    words = active()
    if sources:
        said = words.gettext("Sources: %(sources)s.") % {"sources": "; ".join(sources)}
        parts.append(f"<p>{escape(said)}</p>")
    if record.correction:
        said = words.gettext("Correction: %(correction)s") % {"correction": record.correction}
        parts.append(f"<p>{escape(said)}</p>")
    # The title and date after the text, and the other names after a mark that ends the brief:
    # the search page takes its excerpts from the text before the first mark (the brief) and shows
    # the summary when only the title, a filter or another name matched.
    parts.append(f"<p>{MARK}</p><h1>{escape(record.title)}</h1><p>{day}</p><p>{MARK}</p>")
    # Other names rank below the entry's own words: an entry that says "Daesh" comes first.
    parts += [
        f'<p data-pagefind-weight="0.5">{escape(names(kind, record))}</p>'
        for kind in ("province", "actor", "place")
    ]
    parts.append("</main></body></html>")
    return "".join(parts)


def filters(record: Any, shard: str) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """(filter, values): province, actor, place by canonical name, year, month ("2014-07"), and
    the shard."""
    return (
        ("province", tuple(t.name for t in record.provinces)),
        ("actor", tuple(t.name for t in record.actors)),
        ("place", tuple(t.name for t in record.places)),
        ("year", (str(record.date.year),)),
        ("month", (f"{record.date:%Y-%m}",)),
        ("shard", (shard,)),
    )


# Arabic as readers type it: short vowels and other marks (tashkeel) and the tatweel are left out
# or not, the hamza on an alef (أ إ آ) often is, and a name is typed with its article or without.
ARABIC_MARKS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640]")
ALEFS = str.maketrans("أإآٱ", "اااا")
ARABIC = re.compile("[\u0600-\u06ff]")


def arabic_spellings(name: str) -> list[str]:
    """Other spellings of an Arabic name that search should find it by: without marks, with a
    plain alef, and each word without its article (الموصل: موصل); none for a name in another script."""
    if not ARABIC.search(name):
        return []
    plain = ARABIC_MARKS.sub("", name).translate(ALEFS)
    bare = " ".join(w[2:] if w.startswith("ال") and len(w) > 4 else w for w in plain.split())
    return [s for s in dict.fromkeys([plain, bare]) if s != name]


def names(kind: str, record: Any) -> str:
    """'Actors: ISIS (also ISIL, Daesh, الدولة الإسلامية); ISF.': every name of the record's terms of
    one kind, local names included (Arabic ones in the spellings readers type too)."""
    named = []
    for t in getattr(record, kind + "s"):
        others = [*t.aliases, *([t.fields["local_name"]] if t.fields.get("local_name") else [])]
        others = list(dict.fromkeys(others + [other for name in others for other in arabic_spellings(name)]))
        also = active().gettext("%(name)s (also %(others)s)")
        named.append(also % {"name": t.name, "others": ", ".join(others)} if others else t.name)
    said = {
        "province": N_("Provinces: %(names)s."),
        "actor": N_("Actors: %(names)s."),
        "place": N_("Places: %(names)s."),
    }
    return active().gettext(said[kind]) % {"names": "; ".join(named)} if named else ""
