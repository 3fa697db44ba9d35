"""Links to the site's own files (`{filename}`, `{static}`, `{tag}` …) in entries and pages: they
lead where their targets are, relative to the page in the preview and in the published site and
absolute in feeds, follow a target that moves, and a link that leads nowhere is one line."""

import feedparser

from conftest import entry
from test_incremental import equals_a_clean_build
from test_workflow import make

LINKING = (
    "Since [the fall of Qaim]({filename}2014-06-21-qaim.md) and "
    "[Rawa](<{filename}/entries/2014-06-22-rawa.md#x>), see [the map]({static}/images/map.png), "
    "[the about page]({filename}/pages/about.md) and [the border tag]({tag}border)."
)


def linking_site(site):
    site.write("entries/2014-06-21-qaim.md", entry("Qaim falls", "2014-06-21", "Text.", tags="[border]"))
    site.write("entries/2014-06-22-rawa.md", entry("Rawa", "2014-06-22", "Text."))
    site.write("entries/2014-06-25-later.md", entry("Later", "2014-06-25", LINKING))
    site.write(
        "pages/about.md",
        "---\ntitle: About\n---\nStart with [Qaim]({filename}/entries/2014-06-21-qaim.md).\n",
    )
    site.write("images/map.png", b"\x89PNG not really")


def hrefs(soup) -> set[str]:
    return {a["href"] for a in soup.select(".body a, main a") if a.get("href")}


def test_links_lead_to_their_targets_relative_to_the_page_and_absolute_in_feeds(site):
    linking_site(site)
    built = site.build("-e", 'STATIC_PATHS=["images"]', 'FEED_DOMAIN="https://tracker-desk.org"')
    assert built.returncode == 0 and "warning" not in built.stderr, built.stderr
    later = hrefs(site.html("2014/06/25/later/index.html"))
    assert {
        "../../../../2014/06/21/qaim/",
        "../../../../2014/06/22/rawa/#x",
        "../../../../images/map.png",
        "../../../../about/",
        "../../../../tags/border/",
    } <= later
    assert not [h for h in later if "{" in h]
    assert "../2014/06/21/qaim/" in hrefs(site.html("about/index.html"))  # a page, relative to its folder
    assert "./2014/06/21/qaim/" in hrefs(site.html("index.html"))  # the home page's latest brief
    feed = feedparser.parse((site.output / "rss.xml").read_bytes())
    text = next(e for e in feed.entries if e.title == "Later").content[0].value
    assert 'href="https://tracker-desk.org/2014/06/21/qaim/"' in text and "{filename}" not in text


def test_published_pages_link_relatively_like_everything_else(site):
    linking_site(site)
    site.write(
        "entries/2014-06-25-later.md",
        entry("Later", "2014-06-25", "See [Qaim]({filename}2014-06-21-qaim.md)."),
    )
    published = make("publish", f"INPUTDIR={site.content}", f"OUTPUTDIR={site.output}")
    assert published.returncode == 0, published.stderr
    assert "../2014/06/21/qaim/" in hrefs(site.html("about/index.html"))
    assert "../../../../2014/06/21/qaim/" in hrefs(site.html("2014/06/25/later/index.html"))


def test_a_link_that_leads_nowhere_is_one_line_and_fails_check_and_publish(site):
    linking_site(site)
    site.write(
        "entries/2014-06-25-later.md",
        entry("Later", "2014-06-25", "Intro.\n\nSee [the gone one]({filename}2014-06-01-gone.md)."),
    )
    site.write(
        "pages/about.md", "---\ntitle: About\n---\nText.\n\nSee [nothing]({filename}/entries/none.md).\n"
    )
    built = site.build()
    assert built.returncode == 0, built.stderr
    lines = [line for line in built.stderr.splitlines() if "leads to nothing" in line]
    assert any(
        line.startswith(
            "content/entries/2014-06-25-later.md:7: warning: link {filename}entries/2014-06-01-gone.md"
        )
        for line in lines
    ), lines
    assert any(
        line.startswith("content/pages/about.md:6: warning: link {filename}entries/none.md") for line in lines
    ), lines
    assert len(lines) == 2 and "Unable to find" not in built.stderr
    checked = make("check", f"INPUTDIR={site.content}")
    assert checked.returncode != 0 and "leads to nothing" in checked.stderr
    published = make("publish", f"INPUTDIR={site.content}", f"OUTPUTDIR={site.output}")
    assert published.returncode != 0 and "leads to nothing" in published.stderr


def test_a_link_follows_its_target_when_it_moves_or_goes(site, tmp_path):
    linking_site(site)
    options = ("-e", 'STATIC_PATHS=["images"]')
    assert site.build(*options).returncode == 0
    # The target's date changes: its URL moves, and the page that links it follows, untouched.
    site.write("entries/2014-06-21-qaim.md", entry("Qaim falls", "2014-06-20", "Text.", tags="[border]"))
    assert site.build(*options).returncode == 0
    assert "../../../../2014/06/20/qaim/" in hrefs(site.html("2014/06/25/later/index.html"))
    assert equals_a_clean_build(site, tmp_path, *options)
    # The target goes: the link is said, and left as written.
    (site.content / "entries/2014-06-22-rawa.md").unlink()
    gone = site.build(*options)
    assert "link {filename}entries/2014-06-22-rawa.md leads to nothing" in gone.stderr
    assert equals_a_clean_build(site, tmp_path, *options)
    # A static file goes, and comes back.
    (site.content / "images/map.png").unlink()
    assert "{static}images/map.png leads to nothing" in site.build(*options).stderr
    assert equals_a_clean_build(site, tmp_path, *options)
    site.write("images/map.png", b"\x89PNG again")
    assert site.build(*options).returncode == 0
    assert "../../../../images/map.png" in hrefs(site.html("2014/06/25/later/index.html"))
    assert equals_a_clean_build(site, tmp_path, *options)


def test_a_static_file_an_entry_links_is_copied_as_pelican_copies_those_pages_link(site, tmp_path):
    site.write(
        "entries/2014-06-25-map.md", entry("Map", "2014-06-25", "See [the map]({static}/images/map.png).")
    )
    site.write("images/map.png", b"\x89PNG not really")
    for _ in range(2):  # a full build, then one with nothing changed
        built = site.build()
        assert built.returncode == 0 and "leads to nothing" not in built.stderr, built.stderr
        assert (site.output / "images/map.png").read_bytes() == b"\x89PNG not really"
        assert "../../../../images/map.png" in hrefs(site.html("2014/06/25/map/index.html"))
    assert equals_a_clean_build(site, tmp_path)
