"""Real sites built with the `pelican` command, as `make html` and `make publish` run it."""

import subprocess

from conftest import ROOT, entry


def entry_names(soup, css_class):
    return [span.get_text() for span in soup.select(f"header .{css_class}")]


def test_entry_pages_show_canonical_names_for_every_spelling(site):
    for n, spelling in enumerate(["Nineveh", "ninawa", "NINEWA", "Ninewa"]):
        site.write(
            f"entries/2014/2014-06-1{n}-e{n}.md",
            entry(
                title=f"Entry {n}",
                date=f"2014-06-1{n}",
                provinces=f"[{spelling}, Al  Anbar]",
                actors="ISIL, daesh, iraqi security forces",
            ),
        )
    result = site.build()
    assert result.returncode == 0, result.stderr
    assert "warning" not in result.stderr and "error" not in result.stderr
    for n in range(4):
        page = site.html(f"2014/06/1{n}/e{n}/index.html")
        assert page.h1.get_text() == f"Entry {n}"
        assert entry_names(page, "province") == ["Ninewa", "Anbar"]
        assert entry_names(page, "actor") == ["ISIS", "ISF"]


def test_drafts_are_previewed_but_listed_nowhere_and_hidden_entries_are_unlisted(site):
    site.write("entries/2014-06-20-public.md", entry(title="Public entry", date="2014-06-20", tags="[oil]"))
    site.write(
        "entries/2014-06-21-secret.md",
        entry(title="Draft entry", date="2014-06-21", status="draft", tags="[oil]"),
    )
    site.write(
        "entries/2014-06-22-quiet.md",
        entry(title="Hidden entry", date="2014-06-22", status="hidden", tags="[oil]"),
    )
    assert site.build().returncode == 0
    assert site.html("drafts/secret/index.html").h1.get_text() == "Draft entry"
    assert site.html("2014/06/22/quiet/index.html").h1.get_text() == "Hidden entry"
    assert not (site.output / "2014/06/21").exists()
    assert "1 entry" in site.html("archives/index.html").get_text()
    for listing in (
        "index.html",
        "2014/06/index.html",
        "2014/index.html",
        "tags/oil/index.html",
        "authors/tracker-desk/index.html",
    ):
        text = site.html(listing).get_text()
        assert "Public entry" in text, listing
        assert "Draft entry" not in text and "Hidden entry" not in text, listing


def test_non_strict_build_reports_each_problem_and_builds_the_rest(site):
    site.write("entries/2014-06-20-good.md", entry(title="Good entry", date="2014-06-20"))
    site.write("entries/2014-06-21-bad.md", "---\ntitle: Bad\ndate: 2014-13-45\n---\nBody\n")
    site.write(
        "entries/2014-06-22-typo.md", entry(title="Typo entry", date="2014-06-22", provinces="[Anbarr]")
    )
    result = site.build()
    assert result.returncode == 0
    assert "Traceback" not in result.stderr + result.stdout
    lines = result.stderr.strip().splitlines()
    assert lines == [
        "content/entries/2014-06-21-bad.md:3: error: date: invalid date '2014-13-45': month must be in 1..12",
        "content/entries/2014-06-22-typo.md:4: warning: unknown province 'Anbarr' (did you mean 'Anbar'?)",
        "1 error, 1 warning in 2 files",
    ]
    assert site.html("2014/06/20/good/index.html").h1.get_text() == "Good entry"
    assert entry_names(site.html("2014/06/22/typo/index.html"), "province") == ["Anbarr"]  # kept, not dropped
    assert not (site.output / "2014/06/21").exists()


def test_strict_build_lists_every_problem_exits_1_and_writes_nothing(site):
    site.write("entries/2014-06-20-good.md", entry(title="Good entry", date="2014-06-20"))
    site.write(
        "entries/2014-06-22-typo.md", entry(title="Typo", date="2014-06-22", provinces="[Anbar, Kirkukk]")
    )
    site.write("entries/2014-06-23-key.md", entry(title="Key", date="2014-06-23", actor="ISIS"))
    result = site.build("-e", "TRACKER_STRICT=true")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr + result.stdout
    assert result.stderr.strip().splitlines() == [
        "content/entries/2014-06-22-typo.md:4: warning: unknown province 'Kirkukk' (did you mean 'Kirkuk'?)",
        "content/entries/2014-06-23-key.md:4: warning: unknown front-matter key 'actor' "
        "(did you mean 'actors'?); ignored",
        "0 errors, 2 warnings in 2 files",
    ]
    assert not site.output.exists()


def test_duplicate_slug_builds_the_earlier_file_and_reports_the_later(site):
    site.write("entries/a/2014-06-20-qaim.md", entry(title="First Qaim", date="2014-06-20"))
    site.write("entries/b/2014-06-20-qaim.md", entry(title="Second Qaim", date="2014-06-20"))
    result = site.build()
    assert result.returncode == 0
    assert (
        "content/entries/b/2014-06-20-qaim.md:1: error: duplicate slug 'qaim' "
        "(already used by content/entries/a/2014-06-20-qaim.md)" in result.stderr
    )
    assert site.html("2014/06/20/qaim/index.html").h1.get_text() == "First Qaim"
    assert "Second Qaim" not in site.html("index.html").get_text()


def test_a_new_file_that_takes_an_existing_entrys_slug_is_the_one_in_error(site):
    """Even when the new file comes first by name (an older date): the entry the last build kept
    keeps its page, lists and feeds; the newcomer gets the error until it has a slug of its own."""
    site.write(
        "entries/2014-06-20-qaim.md", entry(title="Qaim falls", date="2014-06-20", provinces="[Anbar]")
    )
    assert site.build().returncode == 0
    site.write("entries/2014-06-01-qaim.md", entry(title="Qaim newcomer", date="2014-06-01"))
    for _ in range(2):  # and on the next build, with nothing changed
        result = site.build()
        assert result.returncode == 0
        assert (
            "content/entries/2014-06-01-qaim.md:1: error: duplicate slug 'qaim' "
            "(already used by content/entries/2014-06-20-qaim.md)" in result.stderr
        ), result.stderr
        assert site.html("2014/06/20/qaim/index.html").h1.get_text() == "Qaim falls"
        assert not (site.output / "2014/06/01/qaim").exists()
        assert "Qaim newcomer" not in site.html("index.html").get_text()
        assert "Qaim falls" in site.html("provinces/anbar/index.html").get_text()
    site.write(
        "entries/2014-06-01-qaim.md", entry(title="Qaim newcomer", date="2014-06-01", slug="qaim-early")
    )
    fixed = site.build()
    assert fixed.returncode == 0 and "duplicate" not in fixed.stderr
    assert site.html("2014/06/01/qaim-early/index.html").h1.get_text() == "Qaim newcomer"
    assert site.html("2014/06/20/qaim/index.html").h1.get_text() == "Qaim falls"


def test_broken_vocabulary_is_reported_with_its_lines(site):
    site.write(
        "data/actors.yaml",
        "- name: ISIS\n  aliases: [IS]\n- name: Islamic Army\n  aliases: [IS]\n  alias: IAI\n",
    )
    site.write("entries/2014-06-20-good.md", entry(title="Good", date="2014-06-20", actors="[ISIS]"))
    result = site.build()
    assert result.returncode == 0 and "Traceback" not in result.stderr
    assert (
        "content/data/actors.yaml:3: error: alias 'IS' of 'Islamic Army' "
        "is already claimed by 'ISIS' at line 1" in result.stderr
    )
    assert (
        "content/data/actors.yaml:5: warning: unknown key 'alias' (did you mean 'aliases'?)" in result.stderr
    )


def test_sample_site_builds_cleanly_with_the_publish_settings(tmp_path):
    result = subprocess.run(
        ["make", "-s", "publish", f"PUBLISHDIR={tmp_path / 'out'}"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert "error" not in result.stderr and "warning" not in result.stderr
    entries = sorted(
        p.relative_to(tmp_path / "out") for p in (tmp_path / "out").glob("2014/*/*/*/index.html")
    )
    sources = list((ROOT / "content/entries").rglob("*.md"))
    english = [p for p in sources if "\nlang: " not in p.read_text(encoding="utf-8")]
    assert len(entries) == len(english) - 1  # all but the one draft
    translated = list((tmp_path / "out/ar").glob("2014/*/*/*/index.html"))  # the sample's Arabic entries
    assert len(translated) == len(sources) - len(english) > 0
    assert not (tmp_path / "out/drafts").exists()
    # The devserver's live-reload script is added to what it serves, never written into a site.
    written = [p for p in (tmp_path / "out").rglob("*") if p.is_file()]
    assert written and not [p for p in written if b"tracker-live" in p.read_bytes()]


def test_make_html_builds_another_content_folder(site):
    site.write(
        "entries/2014-06-20-only.md", entry(title="Other site entry", date="2014-06-20", provinces="[Ta’mim]")
    )
    result = subprocess.run(
        ["make", "-s", "html", f"INPUTDIR={site.content}", f"OUTPUTDIR={site.output}"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert entry_names(site.html("2014/06/20/only/index.html"), "province") == ["Kirkuk"]
    assert len(list(site.output.glob("2014/*/*/*/index.html"))) == 1
    written = [p for p in site.output.rglob("*") if p.is_file()]
    assert written and not [p for p in written if b"tracker-live" in p.read_bytes()]  # no live reload
