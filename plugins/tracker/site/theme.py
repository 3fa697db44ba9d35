"""What the theme needs beyond lists: neighbours, the map, charts, calendars, 404 and sitemap."""

from __future__ import annotations

import calendar
import datetime as dt
import os
import xml.etree.ElementTree as ET
from typing import Any
from urllib.parse import urlparse

from pelican.generators import Generator

from ..model.digests import digest_bytes
from ..model.charts import activity
from ..settings import ABSOLUTE, DEFAULT_MAP
from .feeds import absolute, feed_base
from .run import TrackerRun
from ..model.geo import load_map, map_shapes, recent_counts, shade

MAP_WIDTH, LOCATOR_WIDTH = 600, 220


def month_calendar(year: int, month: int, entries: list[Any], span: tuple | None = None) -> list[list[dict[str, Any] | None]]:
    """Weeks (Monday first) of a month. Each day has its number, date, entries, and whether it is a
    gap: a day with no entry inside the site's span (days before the first entry or after the
    newest are not gaps). Days outside the month are None."""
    by_day: dict[int, list[Any]] = {}
    for entry in entries:
        if (entry.date.year, entry.date.month) == (year, month):
            by_day.setdefault(entry.date.day, []).append(entry)
    first, last = span or (dt.date.min, dt.date.max)

    def cell(day: int) -> dict[str, Any] | None:
        if day == 0:
            return None
        date, found = dt.date(year, month, day), by_day.get(day, [])
        return {"day": day, "date": date, "entries": found, "gap": not found and first <= date <= last}

    return [[cell(day) for day in week] for week in calendar.Calendar().monthdayscalendar(year, month)]


def set_neighbours(articles: list[Any], province_pages: list[Any]) -> None:
    """Previous/next entry by date, overall and within each of an entry's provinces."""
    ordered = sorted(articles, key=lambda a: (a.date, a.slug))
    for n, article in enumerate(ordered):
        article.previous_entry = ordered[n - 1] if n > 0 else None
        article.next_entry = ordered[n + 1] if n + 1 < len(ordered) else None
        article.province_neighbours = []
    for page in province_pages:
        entries = page.stats.entries  # newest first
        for n, article in enumerate(entries):
            older = entries[n + 1] if n + 1 < len(entries) else None
            newer = entries[n - 1] if n > 0 else None
            article.province_neighbours.append((page, older, newer))
    for article in ordered:
        order = [p.key for p in article.provinces]
        article.province_neighbours.sort(key=lambda item: order.index(item[0].key) if item[0].key in order else len(order))


class ThemeGenerator(Generator):
    """Adds neighbours, map and charts to the context; writes `404.html` and `sitemap.xml`."""

    def generate_context(self) -> None:
        base = feed_base(self.settings)
        self.base = base if ABSOLUTE.match(base) else ""
        self.context["SITE_BASE"] = self.base
        articles = self.context.get("articles", [])
        days = [a.date.date() for a in articles]
        self.context["TRACKER_SPAN"] = (min(days), max(days)) if days else None
        provinces = self.context.get("provinces", [])
        set_neighbours(articles, provinces)
        for page in provinces + self.context.get("actors", []):
            page.chart = activity(page.stats.entries)
        self.context["province_map"] = self._map(articles, provinces)
        self.archives = period_archives(self.context.get("dates", []), self.settings)
        self.context["period_archives"] = self.archives
        self.context["archive_years"] = [(a["period_num"][0], a["url"], len(a["dates"])) for a in self.archives.get("year", [])]
        self.context["archive_months"] = [(*a["period"], a["url"], len(a["dates"])) for a in self.archives.get("month", [])]
        set_digests(articles, provinces + self.context.get("actors", []), self.context["province_map"])
        self.context["province_map_digest"] = self.context["province_map"]["digest"] if self.context["province_map"] else ""

    def _map(self, articles: list[Any], provinces: list[Any]) -> dict[str, Any] | None:
        """Shapes, shading and the accessible table of the province map, or None without a map file."""
        setting = self.settings.get("TRACKER_MAP")
        path = os.path.join(self.settings["PATH"], setting or "")
        if not setting or (setting == DEFAULT_MAP and not os.path.exists(path)):
            return None  # a site without a GeoJSON simply has no map
        run = TrackerRun.of(self.settings)
        province_map = load_map(path, run.vocabularies["province"], run.reporter)
        if province_map is None or not province_map.shapes:
            return None
        newest = max((a.date for a in articles), default=None)
        counts = recent_counts(articles, newest)
        busiest = max(counts.values(), default=0)
        pages = {page.key: page for page in provinces}
        drawings = {}
        for name, width, digits in (("full", MAP_WIDTH, 1), ("locator", LOCATOR_WIDTH, 0)):
            projection, paths = map_shapes(province_map, width, digits)
            drawings[name] = {
                "width": round(projection.width), "height": round(projection.height),
                "shapes": [{"page": pages[key], "key": key, "d": d, "count": counts.get(key, 0),
                            "shade": shade(counts.get(key, 0), busiest)} for key, d in sorted(paths.items())],
            }
        return {
            **drawings,
            "since": newest - dt.timedelta(days=30) if newest else None, "until": newest,
            "rows": [(page, counts.get(page.key, 0)) for page in provinces if page.known],
            "notes": [str(t.fields.get("map_note") or f"{t.name} is not drawn on the map.") for t in province_map.unmapped],
            "legend": _legend(busiest),
        }

    def output_paths(self) -> list[tuple[str, Any]]:
        paths: list[tuple[str, Any]] = [("404.html", "the 404 page")]
        for archives in self.archives.values():
            paths += [(a["save_as"], "the archive of " + " ".join(map(str, a["period"]))) for a in archives]
        if self.base:
            paths.append(("sitemap.xml", "the sitemap"))
        return paths

    def generate_output(self, writer: Any) -> None:
        """The 404 page uses root-absolute URLs, so it works at any depth; then the sitemap."""
        template = self.get_template("period_archives")
        for archives in self.archives.values():
            for archive in archives:
                writer.write_file(archive["save_as"], template, self.context, relative_urls=self.settings["RELATIVE_URLS"],
                                  url=archive["url"], period=archive["period"], period_num=archive["period_num"],
                                  dates=archive["dates"], articles=archive["dates"])
        site_path = urlparse(self.base).path.rstrip("/") if self.base else ""
        writer.write_file("404.html", self.get_template("404"), self.context, relative_urls=False,
                          SITEURL=site_path, localsiteurl=site_path, url="404.html")
        if self.base:
            writer.write_bytes("sitemap.xml", render_sitemap(self.base, TrackerRun.of(self.settings).output_paths))


def set_digests(articles: list[Any], term_pages: list[Any], province_map: dict[str, Any] | None) -> None:
    """What each entry page, term page and the map are rendered from, for the incremental writer."""
    urls = {id(article): article.url for article in articles}  # Pelican computes `url` anew on each access

    def link(entry: Any) -> str:
        return f"{urls[id(entry)]}|{entry.title}" if entry else ""
    for article in articles:
        neighbours = [f"{p.key}|{link(older)}|{link(newer)}" for p, older, newer in article.province_neighbours]
        article.tracker_digest = digest_bytes(article.source_digest, urls[id(article)], link(article.previous_entry),
                                              link(article.next_entry), *neighbours)
    for page in term_pages:
        stats = page.stats
        chart = page.chart.bars if page.chart else []
        page.tracker_digest = digest_bytes(
            page.name, page.slug, str(page.url), str(page.known), repr(sorted(page.term.fields.items(), key=str)),
            repr(page.term.aliases), page.description, str(stats.count), str(stats.first), str(stats.latest),
            repr([(t.name, str(t.url), n) for t, n in page.together]), repr([(t.name, str(t.url), n) for t, n in page.in_provinces]),
            repr([(b.label, b.count, b.height) for b in chart]), repr([f.url for f in getattr(page, "feeds", [])]))
    if province_map:
        province_map["digest"] = digest_bytes(repr([(s["key"], s["count"], s["shade"]) for s in province_map["full"]["shapes"]]),
                                              repr(province_map["legend"]), repr(province_map["notes"]), str(province_map["until"]),
                                              repr([(p.key, n) for p, n in province_map["rows"]]))


def period_archives(dates: list[Any], settings: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """Year and month archives in one pass over the entries (newest first), shaped like Pelican's."""
    archives: dict[str, list[dict[str, Any]]] = {}
    for granularity, key in (("year", lambda d: (d.year,)), ("month", lambda d: (d.year, d.month))):
        save_as = settings.get(f"TRACKER_{granularity.upper()}_ARCHIVE_SAVE_AS")
        if not save_as:
            continue
        groups: dict[tuple, list[Any]] = {}
        for entry in dates:
            groups.setdefault(key(entry.date), []).append(entry)
        archives[granularity] = [{
            "period": period if granularity == "year" else (period[0], calendar.month_name[period[1]]),
            "period_num": period, "dates": group,
            "save_as": save_as.format(date=group[0].date),
            "url": settings[f"TRACKER_{granularity.upper()}_ARCHIVE_URL"].format(date=group[0].date),
        } for period, group in groups.items()]
    return archives


def _legend(busiest: int) -> list[tuple[int, str]]:
    """(shade class, label) pairs for the map legend."""
    if busiest <= 0:
        return [(0, "no entries")]
    labels, previous = [(0, "none")], 0
    for count in range(1, busiest + 1):
        level = shade(count, busiest)
        if level != previous:
            labels.append((level, str(count)))
            previous = level
        else:
            labels[-1] = (level, f"{labels[-1][1].split('–')[0]}–{count}")
    return labels


def render_sitemap(base: str, output_paths: list[tuple[str, Any]]) -> bytes:
    """sitemap.xml of every published HTML page (no draft or hidden entry or page, no 404), sorted,
    dated by content only."""
    urlset = ET.Element("urlset", xmlns="http://www.sitemaps.org/schemas/sitemap/0.9")
    seen = set()
    for path, owner in sorted(output_paths, key=lambda item: item[0]):
        status = getattr(owner, "status", "published")
        if not path.endswith(".html") or path == "404.html" or status != "published" or path in seen:
            continue
        seen.add(path)
        url = ET.SubElement(urlset, "url")
        location = path[: -len("index.html")] if path.endswith("index.html") else path
        ET.SubElement(url, "loc").text = absolute(base, location)
        date = getattr(owner, "updated", None) or getattr(owner, "date", None)
        if isinstance(date, dt.datetime):
            ET.SubElement(url, "lastmod").text = date.isoformat()
    ET.indent(urlset)
    return ET.tostring(urlset, encoding="utf-8", xml_declaration=True) + b"\n"
