"""Hostile and careless input: every file accounted for, one line per problem, never a traceback
or a hang, and nothing unsafe or unlisted reaches the published pages."""

import os
import re
import time

import feedparser
import pytest

from conftest import ROOT, entry
from test_workflow import make


def problem_lines(result):
    """Stderr without make's own lines."""
    return [line for line in result.stderr.strip().splitlines() if not re.match(r"make(\[\d+\])?: ", line)]


def check(site):
    result = make("check", f"INPUTDIR={site.content}", cwd=site.root, timeout=120)
    assert "Traceback" not in result.stderr + result.stdout
    return result


def built_entries(site):
    return sorted(p.parent.name for p in site.output.glob("2014/*/*/*/index.html"))


def test_every_file_in_the_entries_folder_is_read_ignored_by_rule_or_reported(site):
    folder = site.content / "entries"
    site.write("entries/2014-06-01-good.md", entry(title="Good", date="2014-06-01"))
    site.write("entries/2014-06-02-upper.MD", entry(title="Upper", date="2014-06-02"))
    site.write("entries/2014-06-03-long.Markdown", entry(title="Long", date="2014-06-03"))
    site.write("entries/2014-06-04-short.mdown", entry(title="Short", date="2014-06-04"))
    site.write("entries/.2014-06-05-hidden.md", entry(title="Hidden file", date="2014-06-05"))
    site.write("entries/2014-06-06-backup.md~", entry(title="Backup", date="2014-06-06"))
    site.write("entries/2014-06-07-other.rst", "Other\n=====\n")
    site.write("entries/2014-06-08-page.html", "<html><body><h1>Raw</h1></body></html>")
    os.symlink("nowhere@host.1234", folder / ".#2014-06-01-good.md")  # an editor's lock file
    os.symlink("missing.md", folder / "2014-06-09-dangling.md")
    os.mkfifo(folder / "2014-06-10-fifo.md")
    os.symlink(
        "/proc/self/mem", folder / "2014-06-11-unreadable.md"
    )  # open() works, read() fails, even for root
    os.symlink("..", folder / "loop")
    started = time.monotonic()
    result = check(site)
    assert time.monotonic() - started < 60  # the FIFO is never opened
    lines = problem_lines(result)
    assert (
        "content/entries/2014-06-07-other.rst: warning: "
        "not read: only .md, .markdown and .mdown files are entries or pages" in lines
    )
    assert (
        "content/entries/2014-06-08-page.html: warning: "
        "not read: only .md, .markdown and .mdown files are entries or pages" in lines
    )
    assert "content/entries/2014-06-09-dangling.md:1: error: dangling symbolic link; not read" in lines
    assert "content/entries/2014-06-10-fifo.md:1: error: not a regular file (a FIFO); not read" in lines
    assert "content/entries/2014-06-11-unreadable.md:1: error: cannot be read: Input/output error" in lines
    assert (
        "content/entries/loop: warning: symbolic link to a folder that is already read; not followed" in lines
    )
    assert not [line for line in lines if "hidden" in line or "backup" in line or ".#" in line]
    assert lines[-1].startswith("3 errors, 3 warnings")

    built = site.build()
    assert built.returncode == 0 and "Traceback" not in built.stderr
    assert problem_lines(built)[:-1] == [
        line for line in lines[:-1] if ": info: " not in line
    ]  # the same lines
    assert "Cannot get modification stamp" not in built.stderr + built.stdout
    assert built_entries(site) == ["good", "long", "short", "upper"]
    assert not (site.output / "2014-06-08-page.html").exists() and not list(site.output.rglob("*other*"))


@pytest.mark.parametrize(
    "name, text, message",
    [
        (
            "deep",
            "---\ntitle: Deep\ndate: 2014-06-01\ntags: " + "[" * 50000 + "]" * 50000 + "\n---\n",
            "4: error: nested more than 20 levels deep",
        ),
        (
            "nested",
            "---\ntitle: Nested\ndate: 2014-06-01\nplaces:\n"
            + "".join("  " * n + "-\n" for n in range(1, 30))
            + "---\n",
            "error: nested more than 20 levels deep",
        ),
        (
            "alias",
            "---\ntitle: Alias\ndate: 2014-06-01\ntags: &t [a, b]\nplaces: *t\n---\n",
            "5: error: YAML alias '*t' is not allowed here; write the value out",
        ),
        (
            "formfeed",
            "---\ntitle: Form\ndate: 2014-06-01\n---\nA body with a \x0c form feed.\n",
            "5: error: form feed U+000C at column 15 is not allowed; remove it",
        ),
        (
            "escaped",
            '---\ntitle: "Bell\\a"\ndate: 2014-06-01\n---\nBody\n',
            "2: error: control character U+0007 in a value is not allowed",
        ),
        (
            "nul",
            "---\ntitle: Nul\x00\ndate: 2014-06-01\n---\n",
            "2: error: NUL U+0000 at column 11 is not allowed; remove it",
        ),
        (
            "surrogate",
            '---\ntitle: "x\\ud800"\ndate: 2014-06-01\n---\nBody\n',
            "2: error: lone surrogate U+D800 in a value is not allowed",
        ),
        (
            "tagsurrogate",
            '---\ntitle: T\ndate: 2014-06-01\ntags: ["\\udc00"]\n---\n',
            "4: error: lone surrogate U+DC00 in a value is not allowed",
        ),
        (
            "far",
            "---\ntitle: Far\ndate: 9999-12-31\n---\n",
            "3: error: date: year out of range in '9999-12-31' (expected 1000 to 2999)",
        ),
        (
            "early",
            "---\ntitle: Early\ndate: 0001-01-01\n---\n",
            "3: error: date: year out of range in '0001-01-01' (expected 1000 to 2999)",
        ),
        (
            "many",
            entry(
                title="Many", date="2014-06-01", provinces="[" + ", ".join(f"P{n}" for n in range(5000)) + "]"
            ),
            "4: error: provinces: 5000 names; at most 100 per entry",
        ),
        (
            "longtag",
            entry(title="Long tag", date="2014-06-01", tags="[" + "x" * 300 + "]"),
            "4: error: tags: name of 300 characters; at most 150",
        ),
        (
            "emptytag",
            entry(title="Empty tag", date="2014-06-01", tags="['???']"),
            "4: error: tags: '???' has no letter or digit to make a URL from",
        ),
        (
            "slug",
            entry(title="Slug", date="2014-06-01", slug="'../..'"),
            "4: error: slug: '../..' has no letter or digit to make a URL from",
        ),
    ],
)
def test_hostile_front_matter_is_one_line_and_the_rest_still_builds(site, name, text, message):
    site.write("entries/2014-06-02-fine.md", entry(title="Fine", date="2014-06-02"))
    site.write(f"entries/2014-06-01-{name}.md", text)
    lines = problem_lines(check(site))
    assert any(
        line.startswith(f"content/entries/2014-06-01-{name}.md:") and message in line for line in lines
    ), lines
    assert all("\n" not in line for line in lines) and len(lines) == 2 + sum(
        ": info: " in line for line in lines
    )
    built = site.build()
    assert built.returncode == 0 and "Traceback" not in built.stderr + built.stdout
    assert built_entries(site) == ["fine"]
    assert sum(1 for _ in site.output.rglob("*.html")) < 40  # nothing multiplied by the input


def test_a_vocabulary_cannot_expand_aliases_escape_the_output_folder_or_render_a_list(site):
    bomb = (
        "x: &a ["
        + ", ".join(["lol"] * 9)
        + "]\n"
        + "".join(
            f"x{n}: &a{n} [" + ", ".join([f"*{'a' if n == 1 else f'a{n - 1}'}"] * 9) + "]\n"
            for n in range(1, 8)
        )
    )
    site.write(
        "data/actors.yaml",
        "- name: ISIS\n  extra:\n" + "".join("    " + line + "\n" for line in bomb.splitlines()),
    )
    site.write(
        "data/provinces.yaml", "- name: Anbar\n  slug: ../../x\n- name: Kirkuk\n  description: [one, two]\n"
    )
    site.write("entries/2014-06-01-a.md", entry(title="A", date="2014-06-01", provinces="[Anbar, Kirkuk]"))
    lines = problem_lines(check(site))
    assert any(
        re.match(r"content/data/actors.yaml:\d+: error: YAML alias '\*a' is not allowed here", line)
        for line in lines
    ), lines
    assert (
        "content/data/provinces.yaml:2: error: slug '../../x' is not a URL path segment "
        "(lower-case letters, digits, and '-', '_' or '.' between them)"
    ) in lines
    assert "content/data/provinces.yaml:4: error: 'description' must be text, found a list" in lines
    built = site.build()
    assert built.returncode == 0 and "Traceback" not in built.stderr
    assert (site.output / "provinces/anbar/index.html").is_file() and not (site.root / "x").exists()
    assert "['one', 'two']" not in (site.output / "provinces/kirkuk/index.html").read_text(encoding="utf-8")


def test_an_offset_date_is_shown_filed_and_ordered_in_the_site_time_zone(site):
    site.write(
        "entries/2014-06-23-late.md", entry(title="Late", date="2014-06-22T23:30:00-05:00")
    )  # 07:30 on the 23rd in Baghdad
    site.write("entries/2014-06-23-early.md", entry(title="Early", date='"2014-06-23 06:00"'))
    assert site.build().returncode == 0
    late = site.html("2014/06/23/late/index.html")
    assert late.select_one("main header .meta time").get_text() == "23 June 2014"
    assert late.select_one("main header .byline time")["datetime"] == "2014-06-23T07:30:00+03:00"
    assert late.select_one("main header .byline time").get_text() == "23 June 2014, 07:30 UTC+03:00"
    assert late.select_one("a[rel=prev]").get_text() == "Early"  # ordered after the 06:00 entry
    assert [a.get_text() for a in site.html("index.html").select("main h2.headline a, main h3 a")] == [
        "Late",
        "Early",
    ]


def test_reserved_output_names_are_errors_at_the_page_and_never_crash_later_builds(site):
    site.write("entries/2014-06-01-a.md", entry(title="A", date="2014-06-01", provinces="[Anbar]"))
    for n, slug in enumerate(["rss.xml", "atom.xml", "404.html", "sitemap.xml", "feeds.opml", "index.html"]):
        site.write(f"pages/p{n}.md", f"---\ntitle: Page {n}\nslug: {slug}\n---\nText\n")
    conf_args = ("-e", 'SITEURL="https://example.org"')
    for _ in range(2):
        result = site.build(*conf_args)
        assert result.returncode == 0 and "Traceback" not in result.stderr + result.stdout
        lines = problem_lines(result)
        assert (
            "content/pages/p0.md:3: error: output path 'rss.xml/index.html' of content/pages/p0.md "
            "needs a folder where there is a file of the feed 'Iraq Daily Tracker' (rss); not written"
            in lines
        )
        assert len([line for line in lines if ": error: output path" in line]) == 6
    assert feedparser.parse(str(site.output / "rss.xml")).entries[0].title == "A"
    assert (site.output / "404.html").is_file() and (site.output / "index.html").is_file()


def test_unsafe_html_is_removed_from_every_page_and_feed_and_the_author_is_told(site):
    site.write(
        "data/actors.yaml",
        '- name: ISIS\n  description: "Group <script>alert(3)</script> with <b>bold</b>"\n',
    )
    site.write(
        "entries/2014-06-01-x.md",
        entry(
            title="Hostile",
            date="2014-06-01",
            actors="[ISIS]",
            summary='"Sum <script>alert(1)</script> <a href=\\"javascript:alert(2)\\">link</a>"',
            sources='["Bad <javascript:alert(4)>", "Good <https://example.org/r>"]',
            body='Body <img src="x.png" onerror="alert(5)"> <iframe src="https://evil.example"></iframe>\n\n'
            "| A | B |\n|---|---|\n| 1 | 2 |\n\n[ok](https://example.org) and **bold**\n",
        ),
    )
    result = site.build()
    assert result.returncode == 0
    lines = problem_lines(result)
    assert (
        "content/entries/2014-06-01-x.md: warning: "
        "unsafe HTML removed (<iframe>, <script>, javascript: links, onerror=); "
        "TRACKER_RAW_HTML = True would trust the authors' HTML"
    ) in lines
    assert (
        "content/entries/2014-06-01-x.md:6: warning: source 'Bad <javascript:alert(4)>' "
        "is not a valid link; shown without a link" in lines
    )
    assert any(
        line.startswith(
            "content/data/actors.yaml:1: warning: unsafe HTML removed from the description of 'ISIS'"
        )
        for line in lines
    )
    for path in site.output.rglob("*"):
        if path.is_file() and path.suffix in (".html", ".xml"):
            text = path.read_text(encoding="utf-8").lower()
            text = re.sub(
                r'<script src="[./]*/theme/js/(copy-link|search)\.js" defer></script>', "", text
            )  # the theme's
            # The search page's term links as JSON, in which `<` and `>` are always escaped.
            text = re.sub(r'<script type="application/json" id="search-terms">[^<]*</script>', "", text)
            for bad in (
                "<script",
                "&lt;script",
                '="javascript:',
                "&quot;javascript:",
                "onerror=",
                "<iframe",
                "&lt;iframe",
            ):
                assert bad not in text, (path, bad)
    page = site.html("2014/06/01/x/index.html")
    assert page.select_one(".body table td").get_text() == "1"  # tables, links, images and formatting stay
    assert page.select_one('.body a[href="https://example.org"]') and page.select_one(
        '.body img[src="x.png"]'
    )
    assert [li.get_text() for li in page.select(".sources li")] == ["Bad <javascript:alert(4)>", "Good"]
    assert [a["href"] for a in page.select(".sources a")] == ["https://example.org/r"]
    assert page.select_one('meta[name="description"]')["content"] == "Sum link"  # no escaped tags
    assert "<b>bold</b>" in (site.output / "actors/isis/index.html").read_text(encoding="utf-8")


def test_raw_html_can_be_trusted_by_setting(site):
    site.write(
        "entries/2014-06-01-x.md",
        entry(title="Video", date="2014-06-01", body='<iframe src="https://video.example/1"></iframe>'),
    )
    result = site.build("-e", "TRACKER_RAW_HTML=true")
    assert "unsafe HTML" not in result.stderr
    assert site.html("2014/06/01/x/index.html").select_one(".body iframe")["src"] == "https://video.example/1"


def test_markdown_that_would_take_minutes_is_stopped_and_reported(site):
    site.write("entries/2014-06-01-slow.md", entry(title="Slow", date="2014-06-01", body="[a](" * 20000))
    site.write("entries/2014-06-02-fine.md", entry(title="Fine", date="2014-06-02"))
    started = time.monotonic()
    result = site.build()
    assert time.monotonic() - started < 60  # unbounded, this entry alone takes over a minute
    assert (
        "content/entries/2014-06-01-slow.md: error: the Markdown took more than 5 s to render "
        "(TRACKER_MARKDOWN_TIME_LIMIT); long runs of '[' or '](' are the usual cause"
    ) in problem_lines(result)
    assert built_entries(site) == ["fine"]


def test_hidden_entries_and_pages_are_not_in_the_sitemap(site):
    site.write("entries/2014-06-01-open.md", entry(title="Open", date="2014-06-01"))
    site.write("entries/2014-06-02-quiet.md", entry(title="Quiet", date="2014-06-02", status="hidden"))
    site.write("pages/secret.md", "---\ntitle: Secret page\nstatus: hidden\n---\nText\n")
    assert site.build("-e", 'SITEURL="https://example.org"').returncode == 0
    sitemap = (site.output / "sitemap.xml").read_text(encoding="utf-8")
    assert "/2014/06/01/open/</loc>" in sitemap
    assert "quiet" not in sitemap and "secret" not in sitemap
    assert (site.output / "2014/06/02/quiet/index.html").is_file()  # hidden: written, but unlisted


def test_a_new_tracker_with_a_map_and_no_published_entry_builds(site):
    site.write(
        "data/provinces.geojson", (ROOT / "content/data/provinces.geojson").read_text(encoding="utf-8")
    )
    site.write("data/provinces.yaml", (ROOT / "content/data/provinces.yaml").read_text(encoding="utf-8"))
    for status in (None, "draft"):
        if status:
            site.write(
                "entries/2014-06-01-d.md",
                entry(title="Draft", date="2014-06-01", status=status, provinces="[Anbar]"),
            )
        result = site.build()
        assert result.returncode == 0 and "Traceback" not in result.stderr + result.stdout, result.stderr
        assert (
            "content/entries: info: no published entry yet: the site is built without entries"
            in problem_lines(result)
        )
        assert not (site.output / "pagefind").exists()  # nothing to index
        search = site.html("search/index.html").select_one("main").get_text()
        assert "There is nothing to search yet" in search
        home = site.html("index.html")
        assert (
            home.select_one("figure.map svg")
            and "No entries yet." in home.select_one("figure.map figcaption").get_text()
        )
        assert check(site).returncode == 0


def test_a_link_to_the_root_folder_among_the_entries_is_a_loop_and_is_not_read(site):
    site.write("entries/2014-06-01-good.md", entry(title="Good", date="2014-06-01"))
    os.symlink("/", site.content / "entries/everything")
    lines = problem_lines(check(site))
    assert lines == [
        "content/entries/everything: warning: symbolic link to a folder that is already read; not followed",
        "0 errors, 1 warning in 1 file",
    ]
    built = site.build()
    assert built.returncode == 0 and built_entries(site) == ["good"]


def test_static_files_are_copied_beside_the_tracker_entries_and_a_loop_among_them_is_one_warning(site):
    site.write("entries/2014-06-01-good.md", entry(title="Good", date="2014-06-01"))
    gif = bytes.fromhex(
        "47494638396101000100800000000000ffffff21f90400000000002c00000000010001000002024401003b"
    )
    site.write("images/photo.gif", gif)
    site.write("images/maps/qaim.gif", gif)
    os.symlink("..", site.content / "images/maps/up")
    result = site.build("-e", 'STATIC_PATHS=["images"]')
    assert result.returncode == 0 and "Traceback" not in result.stderr + result.stdout, result.stderr
    assert problem_lines(result) == [
        "content/images/maps/up: warning: symbolic link to a folder that is already read; not followed",
        "0 errors, 1 warning in 1 file",
    ]
    assert (site.output / "images/photo.gif").read_bytes() == gif
    assert (site.output / "images/maps/qaim.gif").read_bytes() == gif
    assert built_entries(site) == ["good"]


def test_a_link_to_a_static_folder_never_hides_the_folder_itself(site):
    site.write("entries/2014-06-01-good.md", entry(title="Good", date="2014-06-01"))
    site.write("images/b/x.gif", b"GIF89a")
    os.symlink("b", site.content / "images/a")  # walked before b in name order
    result = site.build("-e", 'STATIC_PATHS=["images"]')
    assert result.returncode == 0, result.stderr
    assert problem_lines(result) == [
        "content/images/a: warning: symbolic link to a folder that is already read; not followed",
        "0 errors, 1 warning in 1 file",
    ]
    assert (site.output / "images/b/x.gif").read_bytes() == b"GIF89a"
