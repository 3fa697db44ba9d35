"""The one generator of this plugin: builds the site model from Pelican's published entries, puts
its views in the shared context, and writes the pages the model adds to Pelican's: the province
and actor indexes and pages, feeds, the subscribe page and OPML, year and month archives, the
404 page and the sitemap.

It runs after Pelican's article and page generators (Pelican calls plugin generators after its
own), whose entries it needs; nothing else depends on generator order.
"""

from __future__ import annotations

import os
from functools import cache, partial
from typing import Any
from urllib.parse import urlparse

from pelican.generators import Generator

from ..model.dataset import exports
from ..model.digests import digest_bytes
from ..model.geo import check_place_locations, load_map
from ..model.site import SiteModel, absolute, build_site, feed_base, in_write_order
from ..settings import DEFAULT_MAP
from .feeds import render_feed, render_opml
from .listing import EntryItems
from .markup import Renderer, TimedOut
from .paths import paginated_paths, render_sitemap
from .run import DEFER_SEARCH_KEY, TrackerRun
from .search import write_search_index

KINDS = ("province", "actor", "place")


class SiteGenerator(Generator):
    """Builds the model in `generate_context`; writes its pages in `generate_output`."""

    def generate_context(self) -> None:
        run = TrackerRun.of(self.settings)
        self.model: SiteModel = build_site(
            self.context.get("articles", []),
            run.vocabularies,
            self.settings,
            self._descriptions(run),
            self._province_map(run),
            self._paginate,
        )
        model = self.model
        self.context.update(
            {
                "site": model,
                "site_base": feed_base(self.settings),
                "tracker_span": model.span,
                "province_pages": model.province_links,
                "actor_pages": model.actor_links,
                "place_pages": model.place_links,
                "place_provinces": model.place_provinces,
                "places_by_province": model.places_by_province,
                "provinces": model.provinces,
                "actors": model.actors,
                "places": model.places,
                "actor_kinds": model.actor_kinds,
                "site_feeds": model.site_feeds,
                "feeds_overview": model.feeds_overview,
                "province_map": model.site_map,
                "events_map": model.events_map,
                "data_url": self.settings["TRACKER_DATA_URL"] if model.data_files else "",
                "week_panel": model.week,
                "archive_years": model.archive_years,
                "archive_months": model.archive_months,
                "archive_index": model.archive_index,
                "entry_items": EntryItems(self.get_template("entry_item"), self.context),
            }
        )

    def _paginate(self, kind: str, save_as: str, url: str, entries: tuple) -> list[str]:
        """The save-as path of every page of a paginated term page, as Pelican's writer names them."""
        return paginated_paths(save_as, url, entries, kind, self.settings)

    def _descriptions(self, run: TrackerRun) -> dict[tuple[str, str], str]:
        """Vocabulary descriptions as cleaned HTML, by (kind, key); problems reported at the term's line."""
        renderer = Renderer(self.settings)
        found = {}
        for kind in KINDS:
            vocabulary = run.vocabularies[kind]
            for term in vocabulary.terms:
                description = term.fields.get("description")
                if not description:
                    continue
                try:
                    (html,), removed = renderer.html(str(description))
                except (TimedOut, RecursionError):
                    run.reporter.error(
                        vocabulary.path,
                        term.line,
                        f"description of '{term.name}' could not be rendered in time; not shown",
                    )
                    continue
                if removed:
                    run.reporter.warning(
                        vocabulary.path,
                        term.line,
                        f"unsafe HTML removed from the description of '{term.name}' ({', '.join(removed)})",
                    )
                found[(kind, term.key)] = html
        return found

    def _province_map(self, run: TrackerRun):
        """The GeoJSON named by TRACKER_MAP, or None: a site without the default file has no map."""
        setting = self.settings.get("TRACKER_MAP")
        path = os.path.join(self.settings["PATH"], setting or "")
        if not setting or (setting == DEFAULT_MAP and not os.path.exists(path)):
            return None
        province_map = load_map(path, run.vocabularies["province"], run.reporter)
        if province_map is not None:
            check_place_locations(
                province_map, run.vocabularies["place"], run.vocabularies["province"], run.reporter
            )
        return province_map

    def output_paths(self) -> list[tuple[str, Any]]:
        """Every file this generator writes, with what it is written for, in write order."""
        return list(self.model.outputs)

    def generate_output(self, writer: Any) -> None:
        write = partial(writer.write_file, relative_urls=self.settings["RELATIVE_URLS"])
        self._write_terms(write)
        self._write_feeds(writer)
        template = self.get_template("period_archives")
        for archive in self.model.archives:
            write(
                archive.save_as,
                template,
                self.context,
                url=archive.url,
                period=archive.period,
                period_num=archive.period_num,
                dates=archive.entries,
                articles=archive.entries,
                archive=archive,
            )
        write(
            self.settings["TRACKER_CORRECTIONS_SAVE_AS"],
            self.get_template("corrections"),
            self.context,
            url=self.settings["TRACKER_CORRECTIONS_URL"],
            articles=self.model.corrections,
        )
        if self.model.data_files:
            self._write_data(writer, write)
        if self.settings["TRACKER_SEARCH"]:
            write(
                self.settings["TRACKER_SEARCH_SAVE_AS"],
                self.get_template("search"),
                self.context,
                url=self.settings["TRACKER_SEARCH_URL"],
                search_terms=self._search_terms(),
            )
            write_search_index(
                writer, self.model.search, self.settings, bool(self.settings.get(DEFER_SEARCH_KEY))
            )
        # The 404 page uses root-absolute URLs, so it works at any depth.
        base = feed_base(self.settings)
        site_path = urlparse(base).path.rstrip("/") if base else ""
        writer.write_file(
            "404.html",
            self.get_template("404"),
            self.context,
            relative_urls=False,
            SITEURL=site_path,
            localsiteurl=site_path,
            url="404.html",
        )
        if base:
            writer.write_bytes("sitemap.xml", render_sitemap(base, TrackerRun.of(self.settings).output_paths))

    def _write_data(self, writer: Any, write: Any) -> None:
        """The data page and the exports it lists: a pair of files is made only when what it is made
        from changed, and a file is written only when its bytes differ."""
        write(
            self.settings["TRACKER_DATA_SAVE_AS"],
            self.get_template("data"),
            self.context,
            url=self.settings["TRACKER_DATA_URL"],
            data_files=self.model.data_files,
            event_tally=self.model.event_tally,
        )
        base = feed_base(self.settings)

        @cache
        def files(name: str) -> dict[str, bytes]:  # made only when a file is not as the last build left it
            return exports(
                name,
                self.model.entries,
                self.model.events,
                lambda entry: self.model.entry_urls[entry.source_path],
                lambda url: absolute(base, url) if base else url,
            )

        for data_file in self.model.data_files:
            writer.write_bytes(
                data_file.save_as,
                lambda data_file=data_file: files(data_file.kind)[data_file.name],
                digest_bytes(data_file.made_from, data_file.name),
            )

    def _search_terms(self) -> dict[str, dict[str, str]]:
        """The URL of every province and actor page by name, for the search results' chips."""
        return {
            kind: {page.name: page.url for page in pages if page.known}
            for kind, pages in (("province", self.model.provinces), ("actor", self.model.actors))
        }

    def _write_terms(self, write: Any) -> None:
        """The two index pages and one (paginated) page per province and actor."""
        for kind, pages in (
            ("province", self.model.provinces),
            ("actor", self.model.actors),
            ("place", self.model.places),
        ):
            if kind == "place" and not pages:
                continue
            write(
                self.settings[f"{kind.upper()}S_SAVE_AS"],
                self.get_template(f"{kind}s"),
                self.context,
                url=self.settings[f"{kind.upper()}S_URL"],
            )
            template = self.get_template(kind)
            for page in in_write_order(pages):
                entries = self.model.entries_of(page)
                write(
                    page.save_as,
                    template,
                    self.context,
                    url=page.url,
                    paginated={"articles": entries},
                    template_name=kind,
                    articles=entries,
                    **{kind: page},
                )

    def _write_feeds(self, writer: Any) -> None:
        """Every feed, then the subscribe page and the OPML bundle."""
        if not self.model.feeds:
            return
        for feed in self.model.feeds:
            writer.write_bytes(
                feed.save_as,
                partial(render_feed, feed, self.settings),
                feed.digest,
                context=self.context,
                feed=feed,
            )
        overview = self.model.feeds_overview
        groups = [
            ("Site", [f for f in overview.site if f.format == "rss"]),
            ("Provinces", [f for row in overview.province for f in row.feeds if f.format == "rss"]),
            ("Actors", [f for row in overview.actor for f in row.feeds if f.format == "rss"]),
        ]
        places = [f for row in overview.place for f in row.feeds if f.format == "rss"]
        groups += [("Places", places)] if places else []
        writer.write_bytes(
            self.settings["TRACKER_OPML_SAVE_AS"], render_opml(f"{self.settings['SITENAME']} feeds", groups)
        )
        writer.write_file(
            self.settings["TRACKER_FEEDS_SAVE_AS"],
            self.get_template("feeds"),
            self.context,
            relative_urls=self.settings["RELATIVE_URLS"],
            url=self.settings["TRACKER_FEEDS_URL"],
            opml_url=self.model.opml_url,
        )
