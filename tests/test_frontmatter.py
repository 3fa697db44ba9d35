"""The entry parser as a unit: fields, conversions and every bad input with its line."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from pelican.settings import DEFAULT_CONFIG

from conftest import ACTORS, PROVINCES, Site, entry
from tracker.build import site_slugify
from tracker.model.entries import EntryParser, Source
from tracker.model.vocabulary import load_vocabulary
from tracker.problems import Reporter

BAGHDAD = ZoneInfo("Asia/Baghdad")


@pytest.fixture
def parser(tmp_path):
    slugify = site_slugify(DEFAULT_CONFIG)
    reporter = Reporter()
    vocabularies = {}
    for kind, text in (("province", PROVINCES), ("actor", ACTORS)):
        path = tmp_path / f"{kind}.yaml"
        path.write_text(text, encoding="utf-8")
        vocabularies[kind] = load_vocabulary(str(path), kind, reporter, slugify)
    assert reporter.problems == []
    return EntryParser(vocabularies, BAGHDAD, reporter, slugify)


def parse(parser, text, name="content/entries/2014/2014-06-22-qaim.md", **kwargs):
    data = text if isinstance(text, bytes) else text.encode("utf-8")
    return parser.parse(name, data, **kwargs)


def problems(parser):
    return [(p.line, p.severity, p.message) for p in sorted(parser.reporter.problems)]


def test_a_full_entry(parser):
    text = """---
title: Qaim, Rawa and Ana fall
date: 2014-06-22
covers: 2014-06-21/2014-06-22
provinces: [Al Anbar, Nineveh, ninawa]
actors: ISIL, Iraqi Security Forces
places: [Qaim, Rawa]
tags: [border crossings]
summary: One sentence.
sources: ["Niqash report <https://example.org/niqash>", https://example.org/plain]
updated: 2014-06-23 09:30
author: Desk
status: hidden
---
Body *here*.
"""
    result = parse(parser, text)
    assert problems(parser) == []
    assert result.title == "Qaim, Rawa and Ana fall"
    assert result.slug == "qaim"  # file name without the leading date
    assert result.date == dt.datetime(2014, 6, 22, 12, tzinfo=BAGHDAD)  # a day alone: noon
    assert result.timed is False
    assert result.covers == (dt.date(2014, 6, 21), dt.date(2014, 6, 22))
    assert [t.name for t in result.provinces] == ["Anbar", "Ninewa"]  # aliases merge into one term
    assert [t.name for t in result.actors] == ["ISIS", "ISF"]
    assert [str(p) for p in result.places] == ["Qaim", "Rawa"] and result.tags == ["border crossings"]
    assert result.sources == [
        Source("https://example.org/niqash", "Niqash report"),
        Source("https://example.org/plain"),
    ]
    assert result.updated == dt.datetime(2014, 6, 23, 9, 30, tzinfo=BAGHDAD)
    assert (result.author, result.status, result.summary) == ("Desk", "hidden", "One sentence.")
    assert result.body.strip() == "Body *here*."


@pytest.mark.parametrize(
    "value, expected",
    [
        ("2014-06-22", dt.datetime(2014, 6, 22, 12, tzinfo=BAGHDAD)),
        ('"2014-06-22 18:45"', dt.datetime(2014, 6, 22, 18, 45, tzinfo=BAGHDAD)),
        # A time with another offset is the same instant in the site's time zone.
        ("2014-06-22T18:45:00+01:00", dt.datetime(2014, 6, 22, 20, 45, tzinfo=BAGHDAD)),
        ("2014-06-22T15:45:00Z", dt.datetime(2014, 6, 22, 18, 45, tzinfo=BAGHDAD)),
    ],
)
def test_date_forms(parser, value, expected):
    result = parse(parser, entry(date=value))
    assert problems(parser) == []
    assert result.date == expected and result.date.utcoffset() == expected.utcoffset()
    assert result.date.tzinfo is BAGHDAD
    assert result.timed is (value != "2014-06-22")


def test_bom_and_crlf_parse_normally(parser):
    text = "\ufeff" + entry(title="Windows file", provinces="[Nineveh]").replace("\n", "\r\n")
    result = parse(parser, text)
    assert problems(parser) == []
    assert result.title == "Windows file" and [t.name for t in result.provinces] == ["Ninewa"]


def test_arabic_and_kurdish_text(parser):
    result = parse(parser, entry(title="الموصل تسقط — هەولێر", places="[الموصل]"))
    assert problems(parser) == []
    assert result.title == "الموصل تسقط — هەولێر" and [str(p) for p in result.places] == ["الموصل"]


@pytest.mark.parametrize(
    "text, line, message",
    [
        (
            "---\ntitle: [unclosed\ndate: 2014-06-22\n---\n",
            3,
            "invalid YAML: while parsing a flow sequence started at line 2",
        ),
        (
            "---\ntitle: x\ndate: 2014-13-45\n---\n",
            3,
            "date: invalid date '2014-13-45': month must be in 1..12",
        ),
        ("---\ntitle: x\ndate: 22/06/2014\n---\n", 3, "date: invalid date '22/06/2014'"),
        (
            "---\ntitle: x\ndate: 2014-06-22\nactors: {ISIS: yes}\n---\n",
            4,
            "actors: expected a list or a comma-separated string, found a mapping",
        ),
        (
            "---\ntitle: x\ndate: 2014-06-22\nactors:\n  - ISIS\n  - {a: b}\n---\n",
            6,
            "actors: list items must be names, found a mapping",
        ),
        ("---\ntitle: [a, b]\ndate: 2014-06-22\n---\n", 2, "title: expected text, found a list"),
        ("---\ntitle: x\ndate: 2014-06-22\nprovinces:\n\t- Anbar\n---\n", 5, "tab used for indentation"),
        ("---\ndate: 2014-06-22\n---\nBody\n", 1, "missing required field 'title'"),
        ("---\ntitle: x\n---\nBody\n", 1, "missing required field 'date'"),
        ("---\ntitle: x\ndate: 2014-06-22\nBody\n", 1, "front matter is not closed"),
        ("", 1, "empty file"),
        ("  \n\n", 1, "empty file"),
        ("title: x\ndate: 2014-06-22\n", 1, "no front matter"),
        ("---\ntitle: x\ndate: 2014-06-22\nstatus: secret\n---\n", 4, "status: unknown status 'secret'"),
        ("---\ntitle: x\ndate: 2014-06-22\ntitle: y\n---\n", 4, "duplicate key 'title' (first at line 2)"),
        (
            "---\ntitle: x\ndate: 2014-06-22\ncovers: 2014-06-23/2014-06-21\n---\n",
            4,
            "covers: the interval ends",
        ),
        (
            "---\ntitle: x\ndate: 2014-06-22\nupdated: 2014-06-21\n---\n",
            4,
            "updated 2014-06-21 is before the entry's date 2014-06-22",
        ),
        (
            "---\ntitle: x\ndate: 2014-06-22 18:00\nupdated: 2014-06-22 17:59\n---\n",
            4,
            "updated 2014-06-22 17:59 is before the entry's date 2014-06-22 18:00",
        ),
        (
            b"---\ntitle: x\ndate: 2014-06-22\n---\nline five\ncaf\xe9\n",
            6,
            "file is not UTF-8 text (invalid byte 0xe9)",
        ),
    ],
)
def test_errors_name_the_line_and_skip_the_entry(parser, text, line, message):
    assert parse(parser, text) is None
    [(got_line, severity, got_message)] = problems(parser)
    assert (got_line, severity) == (line, "error")
    assert message in got_message


def test_unknown_terms_are_warnings_with_suggestions_and_are_kept(parser):
    result = parse(parser, entry(provinces="[Anbarr, Nineveh]", actors="\n  - Daesh\n  - Peshmerga forces"))
    assert problems(parser) == [
        (4, "warning", "unknown province 'Anbarr' (did you mean 'Anbar'?)"),
        (7, "warning", "unknown actor 'Peshmerga forces' (did you mean 'Peshmerga'?)"),
    ]
    assert [(t.name, t.known) for t in result.provinces] == [("Anbarr", False), ("Ninewa", True)]
    assert [(t.name, t.known) for t in result.actors] == [("ISIS", True), ("Peshmerga forces", False)]


def test_unknown_key_is_a_warning_with_a_suggestion(parser):
    result = parse(parser, entry(province="Anbar"))
    assert problems(parser) == [
        (4, "warning", "unknown front-matter key 'province' (did you mean 'provinces'?); ignored")
    ]
    assert result is not None and result.provinces == []


def test_file_name_date_that_disagrees_is_a_warning(parser):
    result = parse(parser, entry(date="2014-06-23"), name="entries/2014-06-22-qaim.md")
    assert problems(parser) == [
        (3, "warning", "date 2014-06-23 disagrees with the date in the file name (2014-06-22)")
    ]
    assert result.slug == "qaim"


def test_explicit_slug_wins_and_unsafe_slugs_are_fixed(parser):
    assert parse(parser, entry(slug="qaim-border")).slug == "qaim-border"
    assert parse(parser, entry(slug="Qaim Border")).slug == "qaim-border"
    assert problems(parser) == [(4, "warning", "slug 'Qaim Border' is not URL-safe; using 'qaim-border'")]


def test_pages_need_only_a_title(parser):
    result = parse(parser, "---\ntitle: About\n---\nText\n", name="content/pages/about.md", page=True)
    assert problems(parser) == [] and result.title == "About" and result.date is None


def test_a_correction_is_dated_by_updated_on_or_after_the_entry_day(parser):
    same_day = parse(
        parser, entry(date='"2014-06-22 18:00"', updated="2014-06-22", correction="Fixed a name.")
    )
    assert problems(parser) == [] and same_day.correction == "Fixed a name."
    assert same_day.timed is True
    assert parse(parser, entry(correction="Fixed a name.")) is not None
    assert problems(parser) == [
        (4, "warning", "correction without 'updated:'; add the date of the correction")
    ]


def test_a_source_without_a_link_is_a_source_and_passes_a_strict_check(tmp_path):
    from test_hostile_input import check, problem_lines

    site = Site(tmp_path)

    def write(sources: str) -> None:
        site.write(
            "entries/2014-06-22-phone.md",
            entry(
                "Reached by phone",
                "2014-06-22",
                summary="A call.",
                provinces="[Anbar]",
                actors="[ISIS]",
                sources=sources,
            ),
        )

    write('["local council by phone", "Reuters <https://www.reuters.com/x>", "Bad <https://[oops/x>"]')
    result = check(site)
    lines = problem_lines(result)
    assert not any("local council" in line for line in lines)  # a name is a source
    assert any("source 'Bad <https://[oops/x>' is not a valid link" in line for line in lines)
    write('["local council by phone"]')  # without the malformed link, the strict check passes
    assert check(site).returncode == 0
    assert site.build().returncode == 0
    page = site.html("2014/06/22/phone/index.html")
    assert [li.get_text() for li in page.select(".sources li")] == ["local council by phone"]


def test_an_unquoted_colon_says_to_quote_the_value(tmp_path):
    from test_hostile_input import check, problem_lines

    site = Site(tmp_path)
    site.write(
        "entries/2014-06-22-mosul.md", "---\ntitle: Mosul: the day after\ndate: 2014-06-22\n---\nBody.\n"
    )
    lines = problem_lines(check(site))
    assert any(
        line.startswith("content/entries/2014-06-22-mosul.md:2: error: invalid YAML")
        and 'must be quoted: title: "Mosul: the day after"' in line
        for line in lines
    ), lines
