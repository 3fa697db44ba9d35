"""Province and actor pages of real sites, read back from the HTML."""

import subprocess

import pytest

from conftest import ROOT, built_once, entry

ARTICLE_URL = "{date:%Y}/{date:%m}/{date:%d}/{slug}/"


def listed_titles(site, first_page):
    """Entry titles across every pagination page, following rel=next."""
    titles, page = [], first_page
    while page:
        soup = site.html(page + "index.html")
        titles += [a.get_text() for a in soup.select("main ol.entries .entry-title a")]
        head_next = soup.head.find("link", rel="next")
        visible_next = soup.main.find("a", rel="next")
        assert (head_next is None) == (visible_next is None)
        page = None
        if head_next:
            assert head_next["href"] == visible_next["href"]
            page = page_path(first_page, head_next["href"])
    return titles


def page_path(first_page, href):
    """The output path of a relative pagination link (all of them point below the site root)."""
    return href[href.index(first_page.split("/")[0] + "/") :]


def write_fixture(site):
    for day in range(1, 6):
        site.write(
            f"entries/2014-06-0{day}-anbar{day}.md",
            entry(
                title=f"Anbar {day}",
                date=f"2014-06-0{day}",
                provinces="[Al Anbar]",
                actors="[ISIL, Iraqi Security Forces]",
            ),
        )
    site.write(
        "entries/2014-06-06-mosul.md",
        entry(title="Mosul", date="2014-06-06", provinces="[nineveh, anbar]", actors="[Daesh, Peshmerga]"),
    )
    site.write(
        "entries/2014-06-07-draft.md",
        entry(
            title="Draft", date="2014-06-07", status="draft", provinces="[Anbar, Draftistan]", actors="[ISIS]"
        ),
    )
    site.write(
        "entries/2014-06-08-hidden.md",
        entry(title="Hidden", date="2014-06-08", status="hidden", provinces="[Anbar]", actors="[ISIS]"),
    )
    site.write(
        "entries/2014-06-09-typo.md",
        entry(title="Typo", date="2014-06-09", provinces="[Anbarr]", actors="[ISIS]"),
    )
    site.write("entries/2014-06-10-typo2.md", entry(title="Typo 2", date="2014-06-10", provinces="[ANBARR]"))


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The fixture site, built once for the tests that only read what was written."""
    return built_once(tmp_path_factory, "terms", write_fixture)


def test_term_pages_list_exactly_their_entries_across_pages(site):
    write_fixture(site)
    result = site.build("-e", "DEFAULT_PAGINATION=2")
    assert result.returncode == 0 and "Traceback" not in result.stderr
    assert listed_titles(site, "provinces/anbar/") == [
        "Mosul",
        "Anbar 5",
        "Anbar 4",
        "Anbar 3",
        "Anbar 2",
        "Anbar 1",
    ]
    assert listed_titles(site, "actors/isis/") == [
        "Typo",
        "Mosul",
        "Anbar 5",
        "Anbar 4",
        "Anbar 3",
        "Anbar 2",
        "Anbar 1",
    ]
    assert listed_titles(site, "provinces/ninewa/") == ["Mosul"]
    # Pages never move: page 1 holds the oldest two, page 2 the next two, the front page the rest.
    assert listed_titles(site, "provinces/anbar/page/1/") == ["Anbar 2", "Anbar 1"]
    assert (site.output / "provinces/anbar/page/2/index.html").exists()
    assert not (site.output / "provinces/anbar/page/3/index.html").exists()
    page2 = site.html("provinces/anbar/page/2/index.html")
    assert page2.head.find("link", rel="prev") and page2.head.find("link", rel="next")


def test_drafts_and_hidden_entries_appear_on_no_index_page_or_count(built):
    site = built
    for page in site.output.glob("**/index.html"):
        relative = page.relative_to(site.output).as_posix()
        if relative.startswith(("provinces/", "actors/")):
            text = page.read_text(encoding="utf-8")
            assert "Draft" not in text and "Hidden" not in text, relative
    assert not (site.output / "provinces/draftistan").exists()  # a draft's term creates no page
    rows = {row.th.a.get_text(): row for row in site.html("provinces/index.html").select("tbody tr")}
    assert rows["Anbar"].select_one(".count").get_text() == "6"


def test_indexes_profiles_and_co_occurrence(built):
    site = built
    index = site.html("provinces/index.html")
    rows = {row.th.a.get_text(): row for row in index.select("main tbody tr")}
    assert set(rows) == {
        "Anbar",
        "Ninewa",
        "Kirkuk",
        "Anbarr",
    }  # an unknown term is named by its oldest spelling, which no new entry changes
    assert (
        rows["Kirkuk"].select_one(".count").get_text() == "0"
        and "no entries yet" in rows["Kirkuk"].get_text()
    )
    assert "6 June 2014" in rows["Anbar"].get_text()
    assert rows["Ninewa"].th.a["href"].endswith("provinces/ninewa/")

    ninewa = site.html("provinces/ninewa/index.html")
    profile = dict(
        zip([dt.get_text() for dt in ninewa.select("dl.profile dt")], ninewa.select("dl.profile dd"))
    )
    assert profile["ISO 3166-2"].get_text() == "IQ-NI"
    assert (profile["Local name"]["lang"], profile["Local name"]["dir"]) == ("ar", "rtl")
    assert "first mention" in ninewa.select_one(".mentions").get_text()

    anbar = site.html("provinces/anbar/index.html")
    together = [(li.a.get_text(), li.select_one(".count").get_text()) for li in anbar.select(".counted li")]
    assert together == [("ISIS", "6"), ("ISF", "5"), ("Peshmerga", "1")]

    isis = site.html("actors/isis/index.html")
    assert "ISIL" in isis.select_one(".aliases").get_text()
    provinces = [
        (li.a.get_text(), li.select_one(".count").get_text())
        for li in isis.select(".counted")[0].select("li")
    ]
    assert provinces == [("Anbar", "6"), ("Anbarr", "1"), ("Ninewa", "1")]

    kinds = [h2.get_text() for h2 in site.html("actors/index.html").select("main section.kind h2")]
    assert kinds == ["Insurgent", "State", "Kurdish"]


def test_unknown_spellings_share_a_page_marked_not_in_the_vocabulary(built):
    site = built
    page = site.html("provinces/anbarr/index.html")
    assert "Not in the vocabulary" in page.select_one(".not-in-vocabulary").get_text()
    assert [a.get_text() for a in page.select("main ol.entries .entry-title a")] == ["Typo 2", "Typo"]


def test_entry_pages_link_canonical_names_to_term_pages(built):
    site = built
    page = site.html("2014/06/06/mosul/index.html")
    links = {a.get_text(): a["href"] for a in page.select("main header .terms a")}
    assert links == {
        "Ninewa": "../../../../provinces/ninewa/",
        "Anbar": "../../../../provinces/anbar/",
        "ISIS": "../../../../actors/isis/",
        "Peshmerga": "../../../../actors/peshmerga/",
    }


def test_two_owners_of_one_output_path_are_an_error_not_a_traceback(site):
    site.write("pages/provinces.md", "---\ntitle: A page slugged provinces\n---\nText\n")
    site.write("data/actors.yaml", "- name: ISIS\n- name: Isis\n  slug: isis-2\n- name: I.S.I.S.\n")
    site.write(
        "entries/2014-06-01-e.md", entry(title="E", date="2014-06-01", provinces="[Anbar]", actors="[ISIS]")
    )
    result = site.build()
    assert result.returncode == 0
    assert "Traceback" not in result.stderr + result.stdout
    # The site's own pages win: the page is the one not written, and the error points at it.
    assert (
        "content/pages/provinces.md:1: error: output path 'provinces/index.html' "
        "of content/pages/provinces.md "
        "is already used by the provinces index; not written"
    ) in result.stderr
    assert "content/data/actors.yaml:2: error: duplicate actor name 'Isis'" in result.stderr
    assert (
        "content/data/actors.yaml:4: error: output path 'actors/isis/index.html' of actor 'I.S.I.S.' "
        "is already used by actor 'ISIS'; not written"
    ) in result.stderr
    assert site.html("provinces/index.html").h1.get_text() == "Provinces"
    assert (
        "A page slugged provinces" not in site.html("index.html").get_text()
    )  # no link to a page not written


def test_sample_site_has_a_page_per_province_and_actor(tmp_path):
    out = tmp_path / "out"
    result = subprocess.run(
        ["make", "-s", "html", f"OUTPUTDIR={out}"], cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stderr
    provinces = (ROOT / "content/data/provinces.yaml").read_text(encoding="utf-8").count("\n- name:")
    actors = (ROOT / "content/data/actors.yaml").read_text(encoding="utf-8").count("\n- name:")
    assert len(list(out.glob("provinces/*/index.html"))) == provinces
    assert len(list(out.glob("actors/*/index.html"))) == actors
