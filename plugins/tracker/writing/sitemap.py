"""sitemap.xml: every published HTML page of the site, sorted, dated by content only, with its
translations in the site's other languages (hreflang alternates, as search engines read them)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from xml.sax.saxutils import escape

from ..model.feeds import absolute

HEAD = (
    "<?xml version='1.0' encoding='utf-8'?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\""
    ' xmlns:xhtml="http://www.w3.org/1999/xhtml">\n'
)
Alternates = Callable[[str], Sequence[tuple[str, str]]]  # output path -> (language, address) of each version


def render_sitemap(
    base: str, pages: list[tuple[str, dt.datetime | None]], alternates: Alternates = lambda path: ()
) -> bytes:
    """The sitemap of (output path, last change) pairs: HTML pages other than 404.html (written
    as text, one formatted line per page: the archive's thousands of pages make no tree)."""
    lines, seen = [HEAD], set()
    for path, date in sorted(pages, key=lambda item: item[0]):
        if not path.endswith(".html") or path == "404.html" or path in seen:
            continue
        seen.add(path)
        location = path[: -len("index.html")] if path.endswith("index.html") else path
        lines.append(f"  <url>\n    <loc>{escape(absolute(base, location))}</loc>\n")
        if isinstance(date, dt.datetime):
            lines.append(f"    <lastmod>{date.isoformat()}</lastmod>\n")
        for code, address in alternates(path):
            lines.append(f'    <xhtml:link rel="alternate" hreflang="{code}" href="{escape(address)}"/>\n')
        lines.append("  </url>\n")
    lines.append("</urlset>\n")
    return "".join(lines).encode("utf-8")
