"""sitemap.xml: every published HTML page of the site, sorted, dated by content only."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET

from ..model.feeds import absolute


def render_sitemap(base: str, pages: list[tuple[str, dt.datetime | None]]) -> bytes:
    """The sitemap of (output path, last change) pairs: HTML pages other than 404.html."""
    urlset = ET.Element("urlset", xmlns="http://www.sitemaps.org/schemas/sitemap/0.9")
    seen = set()
    for path, date in sorted(pages, key=lambda item: item[0]):
        if not path.endswith(".html") or path == "404.html" or path in seen:
            continue
        seen.add(path)
        url = ET.SubElement(urlset, "url")
        location = path[: -len("index.html")] if path.endswith("index.html") else path
        ET.SubElement(url, "loc").text = absolute(base, location)
        if isinstance(date, dt.datetime):
            ET.SubElement(url, "lastmod").text = date.isoformat()
    ET.indent(urlset)
    return ET.tostring(urlset, encoding="utf-8", xml_declaration=True) + b"\n"
