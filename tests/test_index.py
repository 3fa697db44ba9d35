"""The index model as a unit: grouping, ordering, counts and co-occurrence."""

import datetime as dt
from types import SimpleNamespace

from tracker.model.index import build_index
from tracker.model.vocabulary import Term, Vocabulary


def vocabulary(kind, *names):
    terms = [Term(name, name.lower(), line=n + 1) for n, name in enumerate(names)]
    return Vocabulary(kind, f"{kind}.yaml", terms, {t.key: t for t in terms})


VOCABULARIES = {
    "province": vocabulary("province", "Anbar", "Ninewa", "Kirkuk", "Basra"),
    "actor": vocabulary("actor", *[f"A{n:02d}" for n in range(14)], "ISIS", "ISF", "Peshmerga"),
}


def tagged(day, provinces, actors, slug=None):
    resolve = lambda kind, name: VOCABULARIES[kind].resolve(name) or Term(name, name.lower(), known=False)  # noqa: E731
    return SimpleNamespace(
        date=dt.datetime(2014, 6, day),
        slug=slug or f"e{day}",
        provinces=[resolve("province", p) for p in provinces],
        actors=[resolve("actor", a) for a in actors],
    )


def by_name(slots):
    return {slot.term.name: slot for slot in slots}


def test_entries_grouped_newest_first_with_counts_and_dates():
    entries = [
        tagged(10, ["Ninewa"], ["ISIS"]),
        tagged(22, ["Anbar", "Ninewa"], ["ISIS", "ISF"]),
        tagged(12, ["Kirkuk"], ["Peshmerga"]),
    ]
    index = build_index(entries, VOCABULARIES)
    provinces = by_name(index.provinces)
    assert [e.slug for e in provinces["Ninewa"].entries] == ["e22", "e10"]
    assert provinces["Ninewa"].count == 2
    assert (provinces["Ninewa"].first.day, provinces["Ninewa"].latest.day) == (10, 22)
    assert provinces["Basra"].count == 0 and provinces["Basra"].latest is None  # listed without entries
    assert [s.term.name for s in index.provinces] == ["Anbar", "Basra", "Kirkuk", "Ninewa"]
    assert [e.slug for e in by_name(index.actors)["ISIS"].entries] == ["e22", "e10"]


def test_same_day_entries_are_ordered_by_slug_for_stable_output():
    index = build_index(
        [tagged(5, ["Anbar"], [], "b"), tagged(5, ["Anbar"], [], "a"), tagged(5, ["Anbar"], [], "c")],
        VOCABULARIES,
    )
    assert [e.slug for e in by_name(index.provinces)["Anbar"].entries] == ["c", "b", "a"]


def test_co_occurrence_counts_ties_by_name_and_top_ten():
    entries = [
        tagged(1, ["Anbar"], ["ISIS", "ISF"]),
        tagged(2, ["Anbar"], ["ISIS", "Peshmerga"]),
        tagged(3, ["Anbar"], [f"A{n:02d}" for n in range(14)]),
    ]
    index = build_index(entries, VOCABULARIES)
    anbar = by_name(index.provinces)["Anbar"]
    assert [(t.name, n) for t, n in anbar.together[:4]] == [("ISIS", 2), ("A00", 1), ("A01", 1), ("A02", 1)]
    assert len(anbar.together) == 10
    isis = by_name(index.actors)["ISIS"]
    assert [(t.name, n) for t, n in isis.together] == [("ISF", 1), ("Peshmerga", 1)]  # never itself
    assert [(t.name, n) for t, n in isis.provinces] == [("Anbar", 2)]


def test_unknown_spellings_that_normalise_alike_share_one_entry_and_unused_ones_vanish():
    entries = [tagged(1, ["Anbarr"], ["Daash"]), tagged(2, ["ANBARR"], [])]
    index = build_index(entries, VOCABULARIES)
    unknown = [s for s in index.provinces if not s.term.known]
    assert len(unknown) == 1 and unknown[0].count == 2
    assert unknown[0].term.name == "ANBARR"  # the newest entry's spelling names the page
    assert [s.term.name for s in index.actors if not s.term.known] == ["Daash"]
    assert build_index([], VOCABULARIES).provinces[0].term.known  # no entries: only the vocabulary
    assert all(s.term.known for s in build_index([], VOCABULARIES).actors)
