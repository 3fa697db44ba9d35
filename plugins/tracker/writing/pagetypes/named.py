"""The site's pages of one file each that show the whole archive in brief: the archives page,
the corrections page, the 404 page, the map's outlines and the sitemap."""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import urlparse

from ..sitemap import render_sitemap
from ..templates import rendered
from .base import KNOWN_CHANGES, Output, PageType

if TYPE_CHECKING:
    from ..outputs import Outputs


def archives(model: Outputs) -> list[Output]:
    """The archives page, where the settings give it an address."""
    save_as = model.settings.get("ARCHIVES_SAVE_AS")
    return [Output(save_as, "archives", "archives", "the archives page")] if save_as else []


def render_archives(model: Outputs, output: Output) -> bytes:
    """The archives page: every year and month, with counts."""
    return model.page(
        "archives",
        output,
        url=model.settings.get("ARCHIVES_URL", ""),
        archive_index=model.site.archive_index(),
    )


ARCHIVES = PageType(
    "archives",
    archives,
    render_archives,
    dirty_on=frozenset({"archives"}),  # an entry changed its title, URL, date, status or correction
    unmoved_by=KNOWN_CHANGES - {"archives"},
    template="archives",
    reads=frozenset({"archive_index", "site.archive_years"}),
    cost=5.0,
)


def corrections(model: Outputs) -> list[Output]:
    """The corrections page."""
    return [
        Output(
            model.settings["TRACKER_CORRECTIONS_SAVE_AS"],
            "corrections",
            "corrections",
            "the corrections page",
        )
    ]


def render_corrections(model: Outputs, output: Output) -> bytes:
    """The corrections page: every corrected entry, newest correction first."""
    return model.page(
        "corrections",
        output,
        url=model.settings["TRACKER_CORRECTIONS_URL"],
        articles=model.site.corrections(),
    )


CORRECTIONS = PageType(
    "corrections",
    corrections,
    render_corrections,
    dirty_on=frozenset({"corrections"}),  # a corrected entry changed
    unmoved_by=KNOWN_CHANGES - {"corrections"},
    template="corrections",
    reads=frozenset({"articles"}),
    cost=5.0,
)


def not_found(model: Outputs) -> list[Output]:
    """The 404 page."""
    return [Output("404.html", "404", "404", "the 404 page")]


def render_not_found(model: Outputs, output: Output) -> bytes:
    """The 404 page, with addresses that work at any depth."""
    # Root-absolute URLs, so that it works at any depth.
    site_path = urlparse(model.site.base).path.rstrip("/") if model.site.base else ""
    local = dict(
        model.context, output_file="404.html", url="404.html", SITEURL=site_path, localsiteurl=site_path
    )
    return rendered(model.template("404"), local, "404.html").encode("utf-8")


# It shows what every page shows, and nothing of the entries.
NOT_FOUND = PageType(
    "404",
    not_found,
    render_not_found,
    unmoved_by=KNOWN_CHANGES,
    template="404",
)


def outlines(model: Outputs) -> list[Output]:
    """The map's outlines, where the site has a map."""
    geometry = model.site.geometry
    return [Output(geometry.sprite_path, "outlines", "outlines", "the map's outlines")] if geometry else []


def render_outlines(model: Outputs, output: Output) -> bytes:
    """The map's outlines as one SVG sprite."""
    return model.site.geometry.sprite.encode("utf-8")


# The map file's outlines (its name changes with them; the map is in the build key).
OUTLINES = PageType("outlines", outlines, render_outlines, unmoved_by=KNOWN_CHANGES)


def sitemap(model: Outputs) -> list[Output]:
    """The sitemap, where the site has an address."""
    return [Output("sitemap.xml", "sitemap", "sitemap", "the sitemap")] if model.site.base else []


def render_site_map(model: Outputs, output: Output) -> bytes:
    """The sitemap of every published page."""
    return render_sitemap(model.site.base, model.sitemap, model.sitemap_alternates())


SITEMAP = PageType(
    "sitemap",
    sitemap,
    render_site_map,
    dirty_on=frozenset({"sitemap"}),  # an entry changed its URL, date, status or correction
    unmoved_by=KNOWN_CHANGES - {"sitemap"},
    cost=5.0,
)
