"""The site model as pure functions: heads in; lists, pages that never move, change plans, entry
views and term pages out."""

import dataclasses
import datetime as dt

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tracker.model.events import Event
from tracker.model.lists import SITE, SiteLists, page_entries, page_numbers, pages_from, paginate
from tracker.model.plan import Planner
from tracker.model.record import (
    EntryRecord,
    EventFact,
    Head,
    SiteLink,
    Source,
    TagLink,
    Unknown,
    head_from_json,
    record_from_json,
    record_to_json,
)
from tracker.model.terms import Terms
from tracker.model.views import RELATED_WINDOW, view_of
from tracker.model.vocabulary import Term, Vocabulary
from tracker.settings import DEFAULTS

ZONE = dt.timezone(dt.timedelta(hours=3))
PATTERNS = [
    (1, "{base_name}/", "{base_name}/index.html"),
    (2, "{base_name}/{number}/", "{base_name}/{number}/index.html"),
]


def vocabulary(kind, *names):
    terms = [Term(name, name.lower(), line=n + 1) for n, name in enumerate(names)]
    return Vocabulary(kind, f"{kind}.yaml", terms, {t.key: t for t in terms})


VOCABULARIES = {
    "province": vocabulary("province", "Anbar", "Ninewa", "Kirkuk", "Basra"),
    "actor": vocabulary("actor", *[f"A{n:02d}" for n in range(14)], "ISIS", "ISF", "Peshmerga"),
    "place": vocabulary("place"),
}


def head(day, slug, provinces=(), actors=(), status="published", unknown=(), title=None, hour=0):
    return Head(
        f"/content/{slug}.md",
        status,
        dt.datetime(2014, 6, 1, hour, tzinfo=ZONE) + dt.timedelta(days=day - 1),
        slug,
        title or slug.title(),
        f"{slug}/",
        f"{slug}/index.html",
        tuple(p.lower() for p in provinces),
        tuple(a.lower() for a in actors),
        unknown=tuple(unknown),
        page=f"page of {slug} {title}",
        item=f"item of {slug} {title}",
    )


def lists_of(*heads):
    return SiteLists(str.lower).build(heads)


def slugs(heads):
    return [h.slug for h in heads]


def test_lists_keep_published_entries_oldest_first_and_same_moments_by_slug():
    lists = lists_of(
        head(5, "b", ["Anbar"]),
        head(5, "a", ["Anbar"]),
        head(3, "early", ["Ninewa", "Anbar"]),
        head(9, "draft", ["Anbar"], status="draft"),
        head(8, "hidden", ["Anbar"], status="hidden"),
    )
    assert slugs(lists.entries(("province", "anbar"))) == ["early", "a", "b"]
    assert slugs(lists.newest(SITE)) == ["b", "a", "early"]
    assert slugs(lists.newest(SITE, 2)) == ["b", "a"] and lists.newest(SITE, 0) == []
    assert lists.count(("province", "ninewa")) == 1 and lists.count(("province", "basra")) == 0
    assert sorted(lists.heads) == sorted(f"/content/{s}.md" for s in ["a", "b", "early", "draft", "hidden"])
    assert lists.keys("month") == [("month", 2014, 6)]


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.tuples(st.integers(1, 6), st.booleans(), st.sampled_from(["Anbar", "Ninewa"])), max_size=25)
)
def test_changing_lists_one_entry_at_a_time_equals_building_them_at_once(steps):
    """Adding and removing (as a build applies changes) leaves the lists a clean build makes."""
    lists, current = SiteLists(str.lower), {}
    for n, (day, remove, province) in enumerate(steps):
        slug = f"e{day}"
        if slug in current:
            lists.remove(current.pop(slug))
        if not remove:
            current[slug] = head(day, slug, [province], title=str(n))
            lists.add(current[slug])
    assert lists.lists == lists_of(*current.values()).lists


def test_a_list_is_cut_from_its_oldest_entry_and_the_front_page_holds_the_newest():
    assert page_numbers(7, 3) == [(0, 3, 7), (1, 0, 3)]  # front: entries 4 to 7, page 1: the oldest 3
    assert page_numbers(5, 3) == [(0, 0, 5)]  # one page until there are two full ones
    assert page_numbers(9, 3) == [(0, 6, 9), (2, 3, 6), (1, 0, 3)]
    front, second, first = paginate(9, 3, "provinces/anbar/", "provinces/anbar/index.html", PATTERNS)
    assert (front.url, front.older, front.newer) == ("provinces/anbar/", (2, "provinces/anbar/2/"), None)
    assert (second.save_as, second.older, second.newer) == (
        "provinces/anbar/2/index.html",
        (1, "provinces/anbar/1/"),
        (0, "provinces/anbar/"),
    )
    assert (first.older, first.newer) == (None, (2, "provinces/anbar/2/"))
    lists = lists_of(*[head(day, f"e{day}", ["Anbar"]) for day in range(1, 10)])
    assert slugs(page_entries(lists, SITE, front)) == ["e9", "e8", "e7"]
    assert slugs(page_entries(lists, SITE, first)) == ["e3", "e2", "e1"]


@given(st.integers(0, 40), st.integers(1, 5))
def test_a_numbered_page_never_moves_when_a_newer_entry_comes(count, size):
    before = {n: (start, stop) for n, start, stop in page_numbers(count, size) if n}
    after = {n: (start, stop) for n, start, stop in page_numbers(count + 1, size) if n}
    assert all(after[n] == place for n, place in before.items())
    assert sum(stop - start for _, start, stop in page_numbers(count, size)) == count


@settings(max_examples=200, deadline=None)
@given(st.integers(0, 30), st.integers(1, 4), st.data())
def test_the_pages_an_entry_changes_are_the_ones_the_plan_names(count, size, data):
    """Adding an entry anywhere (or taking it out again) changes only pages `pages_from` names, on
    either side of the change, as the planner asks for them."""
    days = [2 * n for n in range(count)]
    day = data.draw(st.integers(-1, 2 * count + 1))
    new = head(day + 100, "new")
    old_lists = lists_of(*[head(d + 100, f"e{d:03d}") for d in days])
    new_lists = lists_of(*[head(d + 100, f"e{d:03d}") for d in days], new)

    def pages(lists):
        return {
            p.number: (slugs(page_entries(lists, SITE, p)), p.older, p.newer)
            for p in paginate(lists.count(SITE), size, "x/", "x/index.html", PATTERNS)
        }

    before, after = pages(old_lists), pages(new_lists)
    changed = {n for n in before.keys() | after.keys() if before.get(n) != after.get(n)}
    named = pages_from(new_lists.rank(SITE, new), count + 1, size)
    assert changed <= named


def test_the_planner_renders_the_changed_entry_its_lists_pages_and_what_its_neighbours_show():
    heads = [head(day, f"e{day}", ["Anbar"]) for day in range(1, 8)]
    lists, planner = lists_of(*heads), Planner(size=3, feed_items=2)
    old, new = heads[3], head(4, "e4", ["Anbar"], title="Retitled")
    planner.before(lists, old)
    lists.remove(old)
    lists.add(new)
    planner.after(lists, old, new)
    plan = planner.plan
    assert plan.entries == {new.path}
    assert plan.pages[SITE] == {0}  # the retitled item is on the front page (entries 4 to 7)
    assert heads[2].path in plan.suspects and heads[4].path in plan.suspects  # its neighbours' views
    assert not plan.feeds  # its page did not change, only its title: feeds carry the two newest
    assert "archives" in plan.named and "indexes" not in plan.named  # no counts changed


def test_an_entry_view_shows_neighbours_overall_and_per_province():
    first, second, third = (
        head(1, "qaim", ["Anbar"]),
        head(2, "mosul", ["Ninewa"]),
        head(3, "rawa", ["Anbar"]),
    )
    lists = lists_of(second, third, first)
    links = {"anbar": "Anbar link", "ninewa": "Ninewa link"}
    view = view_of(lists, third, links)
    assert (view.previous.title, view.next) == ("Mosul", None)
    assert [(link, older.title, newer) for link, older, newer in view.provinces] == [
        ("Anbar link", "Qaim", None)
    ]
    assert view_of(lists, head(4, "draft", ["Anbar"], status="draft"), links) is None


def test_related_entries_share_the_most_terms_nearest_first_within_the_window():
    terms = {1: ["Anbar"], 2: ["Ninewa"], 4: ["ISIS"]}  # three terms as bits

    def tagged(day, mask):
        chosen = [t for bit, names in terms.items() if mask & bit for t in names]
        return head(
            day, f"e{day:02d}", [t for t in chosen if t != "ISIS"], [t for t in chosen if t == "ISIS"]
        )

    masks = [3, 1, 0, 3, 4, 7] + [4] * RELATED_WINDOW + [3]
    heads = [tagged(n + 1, mask) for n, mask in enumerate(masks)]
    lists = lists_of(*heads)

    def related(n):
        return [
            int(link.url[1:3]) - 1 for link in view_of(lists, heads[n], {"anbar": 0, "ninewa": 0}).related
        ]

    assert related(0) == [3, 5, 1]  # two terms shared (3 and 5: nearer first), then one
    assert related(2) == []  # no terms: nothing related
    assert related(3) == [5, 0, 1]  # two terms shared: the nearer first
    assert related(5) == [3, 0, 6, 4, 7]  # one term shared at equal distance: the later first
    assert 0 not in related(len(masks) - 1)  # beyond the window


def terms_of(*heads):
    settings = {**DEFAULTS, "SITEURL": "https://example.org"}
    return Terms(VOCABULARIES, lists_of(*heads), settings, lambda kind, term: "", lambda page: ())


def test_term_pages_count_entries_and_the_actors_named_with_them():
    terms = terms_of(
        head(1, "e1", ["Anbar"], ["ISIS", "ISF"]),
        head(2, "e2", ["Anbar"], ["ISIS", "Peshmerga"]),
        head(3, "e3", ["Anbar", "Ninewa"], [f"A{n:02d}" for n in range(14)]),
    )
    anbar = terms.pages["province"]["anbar"]
    assert (anbar.stats.count, anbar.stats.first.day, anbar.stats.latest.day) == (3, 1, 3)
    assert [(link.name, n) for link, n in anbar.together[:4]] == [
        ("ISIS", 2),
        ("A00", 1),
        ("A01", 1),
        ("A02", 1),
    ]
    assert len(anbar.together) == 10
    isis = terms.pages["actor"]["isis"]
    assert [(link.name, n) for link, n in isis.together] == [("ISF", 1), ("Peshmerga", 1)]  # never itself
    assert [(link.name, n) for link, n in isis.in_provinces] == [("Anbar", 2)]
    basra = terms.pages["province"]["basra"]
    assert basra.stats.count == 0 and basra.stats.latest is None  # listed without entries
    assert [p.name for p in terms.listed("province")] == ["Anbar", "Basra", "Kirkuk", "Ninewa"]


def test_an_unknown_name_gets_a_page_named_by_its_oldest_entry_while_in_use():
    def typo(day, spelling):
        return head(day, f"t{day}", unknown=[Unknown("province", "anbarr", spelling, "anbarr")])

    first, second = typo(1, "Anbarr"), typo(2, "ANBARR")
    first.provinces = second.provinces = ("anbarr",)
    terms = terms_of(second, first)
    unknown = [p for p in terms.listed("province") if not p.known]
    assert [(p.name, p.stats.count) for p in unknown] == [("Anbarr", 2)]
    assert all(p.known for p in terms_of().listed("province"))  # no entries: only the vocabulary


def test_a_head_goes_to_plain_data_and_back():
    original = head(3, "qaim", ["Anbar"], ["ISIS"], unknown=[Unknown("actor", "jrtn", "JRTN", "jrtn")])
    original.events = (EventFact("2014-06-03", "attack", "anbar", None, ("isis",), None),)
    original.updated = dt.datetime(2014, 6, 4, 9, tzinfo=ZONE)
    original.links = (SiteLink("filename", "/entries/x.md", 7),)
    data = original.to_json()
    again = head_from_json(original.path, orjson.loads(orjson.dumps(data)), ZONE)
    assert again == original
    assert orjson.dumps(again.to_json()) == orjson.dumps(data)  # the same bytes for the same head
    assert list(data) == [f.name for f in dataclasses.fields(Head) if f.name != "path"]  # the store's key
    assert data["date"] == "2014-06-03T00:00:00+03:00" and data["updated"] == "2014-06-04T09:00:00+03:00"
    assert data["events"] == [
        {
            "day": "2014-06-03",
            "type": "attack",
            "province": "anbar",
            "place": None,
            "actors": ["isis"],
            "fatalities": None,
        }
    ]
    assert data["unknown"] == [{"kind": "actor", "key": "jrtn", "name": "JRTN", "slug": "jrtn"}]
    assert data["links"] == [{"what": "filename", "target": "/entries/x.md", "line": 7}]


def test_a_head_that_does_not_fit_is_refused():
    data = head(3, "qaim", ["Anbar"]).to_json()
    fact = ["2014-06-03", "attack", "anbar", None, [], None]  # an event as a list, not by its names
    for damaged in (
        list(data.values()),  # a head as a list, not by its names
        {name: value for name, value in data.items() if name != "slug"},
        {**data, "date": None},
        {**data, "date": "yesterday"},
        {**data, "events": [fact]},
        None,
    ):
        with pytest.raises((ValueError, KeyError, TypeError)):
            head_from_json("/content/qaim.md", damaged, ZONE)


def a_record(**changes):
    anbar, isis = VOCABULARIES["province"].by_key["anbar"], VOCABULARIES["actor"].by_key["isis"]
    nobody = Term("Nobody", "nobody", known=False, line=9)
    event = Event(
        "battle", "armed clash", None, anbar, (isis, nobody), 3, dt.date(2014, 6, 2), "disputed", "", "", 9
    )
    fields = dict(
        path="/content/entries/2014-06-03-x.md",
        relative_path="entries/2014-06-03-x.md",
        digest="d",
        title="X",
        slug="x",
        date=dt.datetime(2014, 6, 3, 12, tzinfo=ZONE),
        timed=True,
        status="published",
        url="x/",
        save_as="x/index.html",
        content="<p>Body</p>",
        summary="",
        description="<p>Body</p>",
        provinces=(anbar, Term("Nowhere", "nowhere", known=False, line=4)),
        actors=(isis, nobody),
        tags=(TagLink("oil", "oil", "tag/oil/"),),
        author="Desk",
        sources=(Source("https://example.org/r", "Report"),),
        covers=(dt.date(2014, 6, 1), dt.date(2014, 6, 3)),
        updated=dt.datetime(2014, 6, 4, 9, tzinfo=ZONE),
        correction="The count.",
        events=(event,),
    )
    return EntryRecord(**{**fields, **changes})


def test_a_record_goes_to_plain_data_and_back_by_its_names():
    original = a_record()
    html = (original.content, original.summary, original.description)
    data = orjson.loads(orjson.dumps(record_to_json(original)))
    again = record_from_json(original.path, data, html, VOCABULARIES, ZONE)
    assert again == original and again.provinces[0] is VOCABULARIES["province"].by_key["anbar"]
    assert orjson.dumps(record_to_json(again)) == orjson.dumps(record_to_json(original))
    assert not {"path", "content", "summary", "description", "head"} & set(data)  # the store keeps them apart
    assert data["provinces"] == ["anbar", {"name": "Nowhere", "slug": "nowhere", "line": 4}]
    assert data["tags"] == [{"name": "oil", "slug": "oil", "url": "tag/oil/"}]
    assert data["sources"] == [{"url": "https://example.org/r", "title": "Report"}]
    assert data["covers"] == ["2014-06-01", "2014-06-03"]
    assert data["events"][0]["date"] == "2014-06-02" and data["events"][0]["province"] == "anbar"
    assert data["events"][0]["actors"] == ["isis", {"name": "Nobody", "slug": "nobody", "line": 9}]
    bare = a_record(covers=None, updated=None, correction=None, tags=(), sources=(), events=())
    assert record_from_json(bare.path, record_to_json(bare), html, VOCABULARIES, ZONE) == bare


def test_a_record_that_does_not_fit_is_refused():
    data = record_to_json(a_record())
    html = ("", "", "")
    for damaged in (
        {**data, "date": None},  # once read as a record without a date
        {**data, "provinces": ["atlantis"]},  # not in the vocabulary
        {**data, "tags": [["oil", "oil", "tag/oil/"]]},  # a tag as a list, not by its names
        {**data, "events": [{**data["events"][0], "date": "June"}]},
        {name: value for name, value in data.items() if name != "title"},
        list(data.values()),
    ):
        with pytest.raises((ValueError, KeyError, TypeError)):
            record_from_json("/content/entries/2014-06-03-x.md", damaged, html, VOCABULARIES, ZONE)


def test_search_shards_by_quarter_with_the_newest_quarter_by_month():
    from tracker.model.search import newest_first, shards_of

    heads = [head(day, f"e{day:03d}") for day in (1, 40, 95, 100, 130, 131)]  # June 1 ... October 9
    shards = shards_of(heads, "quarter")
    assert {name: [p[len("/content/") : -3] for p in paths] for name, paths in shards.items()} == {
        "2014-q2": ["e001"],
        "2014-q3": ["e040", "e095", "e100"],
        "2014-10": ["e130", "e131"],  # the newest quarter, by month
    }
    assert list(shards_of(heads, "month")) == ["2014-06", "2014-07", "2014-09", "2014-10"]
    assert newest_first(["2014-q2", "2014-10", "2013", "2014-q3"]) == [
        "2014-10",
        "2014-q3",
        "2014-q2",
        "2013",
    ]


def test_rendering_is_shared_out_whole_with_feeds_in_one_worker():
    from tracker.writing.pagetypes.base import Output
    from tracker.writing.render import shared_out

    dirty = [Output(f"e{n}", "entry") for n in range(20)] + [Output(f"f{n}", "feed") for n in range(4)]
    dirty += [Output("index.html", "home")]
    first, second = shared_out(dirty, 2)
    assert sorted(first + second) == sorted(dirty)  # each output once
    assert {o.kind for o in second} <= {"entry", "home"}  # feeds all in the first
    assert abs(len(first) - len(second)) <= 4  # about even, by cost


def test_a_fatality_total_says_what_it_leaves_out():
    from tracker.model.figures import Fatalities

    assert Fatalities.of([]).total is None
    assert Fatalities.of([None, None]).total is None and Fatalities.of([None]).text() == "no figure given"
    assert Fatalities.of([0]).total == 0 and Fatalities.of([0]).text() == "0"  # a figure of none dead
    mixed = Fatalities.of([30, None, 5, None])
    assert (mixed.total, mixed.without, mixed.events) == (35, 2, 4)
    assert mixed.text() == "at least 35 (2 events without a figure)" and mixed.short() == "at least 35"
    assert (Fatalities.of([1]) + Fatalities.of([None])).text() == "at least 1 (1 event without a figure)"


def test_places_at_one_spot_share_a_dot_sized_by_their_counts_together():
    from tracker.model.maps import place_dots
    from tracker.model.terms import TermLink

    links = {
        k: TermLink("place", k, k.title(), k, f"places/{k}/", True) for k in ("kadhimiya", "baghdad", "mosul")
    }
    spots = {"kadhimiya": (100.0, 100.0), "baghdad": (101.0, 102.0), "mosul": (10.0, 10.0)}
    dots = place_dots({"kadhimiya": 1, "baghdad": 3, "mosul": 2}, spots, links)
    assert [(d.link.name, d.count) for d in dots] == [("Baghdad", 4), ("Mosul", 2)]
    assert [(link.name, n) for link, n in dots[0].places] == [("Baghdad", 3), ("Kadhimiya", 1)]
    assert dots[0].r == 9.0 and dots[1].r < dots[0].r


def test_a_name_the_boundaries_give_two_provinces_names_neither_and_a_name_beats_an_alias():
    from tracker.model.boundary_names import FileNames, file_names, without_shared

    found = {
        "kyiv-city": FileNames("Kyiv", ["Kyiv City"], "Київ"),
        "kyiv-oblast": FileNames("Kyiv", ["Kiev Oblast"], "Київ"),
        "damascus": FileNames("Damascus", [], ""),
        "rif-dimashq": FileNames("Rif Dimashq", ["Damascus", "Rural Damascus"], ""),
        "aleppo": FileNames("Aleppo", ["Haleb", "Idlib"], ""),
        "idlib": FileNames("Idleb", [], ""),
    }
    taken = {"idlib": {"Idlib"}, "aleppo": {"Ḩalab"}}
    kept, shared = without_shared(found, taken)
    assert kept["kyiv-city"].display == kept["kyiv-oblast"].display == ""  # the file's "Kyiv" twice
    assert kept["kyiv-city"].local == kept["kyiv-oblast"].local == ""
    assert kept["kyiv-city"].aliases == ["Kyiv City"]
    assert kept["damascus"].display == "Damascus"  # a name beats another's other spelling
    assert kept["rif-dimashq"].aliases == ["Rural Damascus"]
    assert kept["aleppo"].aliases == ["Haleb"]  # "Idlib" is another province's name already
    said = {s.name: s.keys for s in shared}
    assert said["Kyiv"] == ("kyiv-city", "kyiv-oblast") and said["Idlib"] == ("aleppo", "idlib")
    assert "Damascus" not in said  # nothing to say: the name went to the province it names
    names = file_names(
        {
            "name_en": "Kharkiv",
            "name": "Kharkiv",
            "name_alt": "Charkow|Khar'kov",
            "name_local": "",
            "name_uk": "Харківська область",
            "wikidataid": "Q170666",
        },
        "en",
        ("uk",),
    )
    assert (names.display, names.aliases, names.local, names.wikidata) == (
        "Kharkiv",
        ["Charkow", "Khar'kov"],
        "Харківська область",
        "Q170666",
    )


def test_a_worker_says_where_it_failed_and_an_error_that_cannot_come_back_whole_still_does():
    import pytest

    from tracker.model.yamlnodes import YAMLProblem
    from tracker.workers import WorkerTraceback, in_workers

    def work(share):
        raise YAMLProblem(3, "bad")  # its arguments are not what pickling gives back

    with pytest.raises(RuntimeError) as raised:
        list(in_workers([[1], [2]], work, 2))
    assert "YAMLProblem" in str(raised.value) and isinstance(raised.value.__cause__, WorkerTraceback)

    def fails(share):
        return {}[share[0]]

    with pytest.raises(KeyError) as missing:
        list(in_workers([[1], [2]], fails, 2))
    assert "in fails" in str(missing.value.__cause__)  # the worker's traceback
