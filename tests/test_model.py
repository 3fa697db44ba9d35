"""The site model as a pure function: plain objects in, one immutable model out."""

import dataclasses
import datetime as dt
from types import SimpleNamespace

import pytest

from tracker.model.site import build_site
from tracker.model.vocabulary import Term, Vocabulary
from tracker.settings import DEFAULTS

ZONE = dt.timezone(dt.timedelta(hours=3))
ANBAR, NINEWA = Term("Anbar", "anbar", line=1), Term("Ninewa", "ninewa", line=2)
ISIS = Term("ISIS", "isis", line=1)


def vocabularies():
    found = {}
    for kind, terms in (("province", [ANBAR, NINEWA]), ("actor", [ISIS])):
        found[kind] = Vocabulary(kind, f"{kind}.yaml", terms, {t.key: t for t in terms})
    return found


def entry(day, slug, provinces, title=None):
    return SimpleNamespace(
        source_path=f"{slug}.md",
        source_digest=f"bytes of {slug} {title}",
        slug=slug,
        title=title or slug.title(),
        url=f"2014/06/{day:02d}/{slug}/",
        date=dt.datetime(2014, 6, day, tzinfo=ZONE),
        provinces=provinces,
        actors=[ISIS],
    )


def model(entries, siteurl="https://example.org"):
    settings = {**DEFAULTS, "SITENAME": "Tracker", "SITEURL": siteurl, "FEED_MAX_ITEMS": 2}
    return build_site(
        entries, vocabularies(), settings, {}, None, lambda kind, save_as, url, items: [save_as]
    )


def test_neighbours_terms_feeds_and_archives_come_from_the_entries_alone():
    first, second, third = entry(1, "qaim", [ANBAR]), entry(2, "mosul", [NINEWA]), entry(3, "rawa", [ANBAR])
    site = model([second, third, first])
    assert site.entries == (third, second, first)
    view = site.view(third)
    assert (view.previous, view.next) == (second, None)
    assert [(link.name, older, newer) for link, older, newer in view.provinces] == [("Anbar", first, None)]
    anbar = next(page for page in site.provinces if page.key == "anbar")
    assert (anbar.stats.count, anbar.url, anbar.save_as) == (
        2,
        "provinces/anbar/",
        "provinces/anbar/index.html",
    )
    assert site.entries_of(anbar) == (third, first)
    assert [(link.name, n) for link, n in anbar.together] == [("ISIS", 2)]
    assert [f.url for f in site.site_feeds] == [
        "https://example.org/rss.xml",
        "https://example.org/atom.xml",
        "https://example.org/feed.json",
    ]
    assert [len(f.entries) for f in site.feeds][:2] == [2, 2]  # at most FEED_MAX_ITEMS
    assert [(a.granularity, a.save_as) for a in site.archives] == [
        ("year", "2014/index.html"),
        ("month", "2014/06/index.html"),
    ]
    assert ("provinces/anbar/index.html", anbar) in site.outputs and (
        "sitemap.xml",
        "the sitemap",
    ) in site.outputs


def test_the_model_is_immutable_and_its_digests_follow_what_pages_show():
    entries = [entry(1, "qaim", [ANBAR]), entry(2, "mosul", [NINEWA]), entry(3, "rawa", [ANBAR])]
    site, again = model(entries), model(list(entries))
    with pytest.raises(dataclasses.FrozenInstanceError):
        site.provinces[0].description = "changed"
    assert site.digest == again.digest
    assert [v.digest for v in site.views.values()] == [v.digest for v in again.views.values()]
    retitled = [entries[0], entry(2, "mosul", [NINEWA], title="Mosul falls"), entries[2]]
    changed = model(retitled)
    # A new title shows on its neighbours' pages, not on the pages of its terms' other entries.
    assert changed.view(entries[0]).digest != site.view(entries[0]).digest
    assert changed.province_links["anbar"].digest == site.province_links["anbar"].digest
    anbar = next(page for page in site.provinces if page.key == "anbar")
    assert next(page for page in changed.provinces if page.key == "anbar").digest == anbar.digest


def test_without_an_absolute_address_there_are_no_feeds():
    site = model([entry(1, "qaim", [ANBAR])], siteurl="/tracker")
    assert site.feeds == () and site.site_feeds == () and site.opml_url == ""
    assert not [path for path, _ in site.outputs if path.endswith((".xml", ".opml"))]


def test_related_entries_share_the_most_terms_nearest_first_within_the_window():
    from tracker.model.site import RELATED_WINDOW, related_positions

    a, b, c = 1, 2, 4  # three terms as bits
    masks = [a | b, a, 0, a | b, c, a | b | c] + [c] * RELATED_WINDOW + [a | b]
    related = related_positions(masks)
    assert related[0] == [3, 5, 1]  # two terms shared (3 and 5: nearer first), then one
    assert related[2] == []  # no terms: nothing related
    assert related[3] == [5, 0, 1]  # two terms shared: the nearer first
    assert related[5] == [3, 0, 6, 4, 7]  # one term shared at equal distance: the later first
    assert 0 not in related[len(masks) - 1]  # beyond the window
