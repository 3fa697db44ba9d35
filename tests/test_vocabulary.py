"""The vocabulary as a unit: matching, aliases and validation."""

from pathlib import Path

from pelican.settings import DEFAULT_CONFIG

from tracker.build import site_slugify
from tracker.model.vocabulary import load_vocabulary, normalise
from tracker.problems import Reporter

ROOT = Path(__file__).resolve().parents[1]
slugify = site_slugify(DEFAULT_CONFIG)


def load(tmp_path, text, kind="province"):
    path = tmp_path / "vocab.yaml"
    path.write_text(text, encoding="utf-8")
    reporter = Reporter()
    return load_vocabulary(str(path), kind, reporter, slugify), reporter


def test_normalise_ignores_case_spacing_and_typographic_punctuation():
    assert normalise("  Shi\u2019a   Militias ") == normalise("shi'a militias")
    assert normalise("Salah ad\u2013Din") == normalise("SALAH AD-DIN")
    assert normalise("Ninewa") != normalise("Nineveh")


def test_aliases_resolve_to_the_canonical_term(tmp_path):
    vocabulary, reporter = load(tmp_path, "- name: Ninewa\n  aliases: [Nineveh, Ninawa]\n  iso: IQ-NI\n")
    assert reporter.problems == []
    for spelling in ("Nineveh", "ninawa", "NINEWA", " Ninewa "):
        assert vocabulary.resolve(spelling).name == "Ninewa"
    assert vocabulary.resolve("Mosul") is None
    assert vocabulary.resolve("Ninewa").fields == {"iso": "IQ-NI"}
    assert vocabulary.suggestion("Ninewah") == "Ninewa"


def test_slug_comes_from_the_vocabulary_or_the_name(tmp_path):
    vocabulary, _ = load(tmp_path, "- name: Salah ad-Din\n- name: Dhi Qar\n  slug: thi-qar\n")
    assert [t.slug for t in vocabulary.terms] == ["salah-ad-din", "thi-qar"]


def test_duplicate_name_names_both_lines(tmp_path):
    _, reporter = load(tmp_path, "- name: Anbar\n- name: Kirkuk\n- name: ANBAR\n")
    [problem] = reporter.problems
    assert (problem.line, problem.severity) == (3, "error")
    assert "duplicate province name 'ANBAR'" in problem.message and "line 1" in problem.message


def test_alias_claimed_by_two_terms_is_an_error(tmp_path):
    _, reporter = load(
        tmp_path, "- name: ISIS\n  aliases: [IS]\n- name: Islamic Army\n  aliases: [is]\n", "actor"
    )
    [problem] = reporter.problems
    assert (problem.line, problem.severity) == (3, "error")
    assert "alias 'is' of 'Islamic Army' is already claimed by 'ISIS' at line 1" in problem.message


def test_near_miss_key_is_a_warning_and_other_keys_are_kept(tmp_path):
    vocabulary, reporter = load(tmp_path, "- name: ISIS\n  alias: [ISIL]\n  founded: 2013\n", "actor")
    [problem] = reporter.problems
    assert (problem.line, problem.severity) == (2, "warning")
    assert "unknown key 'alias' (did you mean 'aliases'?)" in problem.message
    assert vocabulary.resolve("ISIS").fields["founded"] == "2013"


def test_broken_vocabulary_files_are_reported_not_raised(tmp_path):
    _, reporter = load(tmp_path, "- name: Anbar\n  aliases: [Al Anbar\n")
    assert reporter.problems[0].severity == "error" and reporter.problems[0].line == 3
    _, reporter = load(tmp_path, "name: Anbar\n")
    assert "must be a YAML list" in reporter.problems[0].message
    reporter = Reporter()
    load_vocabulary(str(tmp_path / "missing.yaml"), "actor", reporter, slugify)
    assert "not found" in reporter.problems[0].message


def test_sample_vocabularies_load_cleanly():
    reporter = Reporter()
    provinces = load_vocabulary(str(ROOT / "content/data/provinces.yaml"), "province", reporter, slugify)
    actors = load_vocabulary(str(ROOT / "content/data/actors.yaml"), "actor", reporter, slugify)
    assert reporter.problems == []
    assert len(provinces.terms) == 19 and len(actors.terms) >= 30
    assert provinces.resolve("Nineveh").name == "Ninewa"
    assert actors.resolve("Daesh").name == actors.resolve("ISIL").name == "ISIS"
    assert provinces.resolve("Ramadi") is None  # a capital is not an alias


def test_an_empty_alias_is_an_error_at_its_line_and_a_null_list_is_no_aliases(tmp_path):
    for aliases in ("[~]", "[null]", "[ISIL, '']", "\n    - ISIL\n    -"):
        vocabulary, reporter = load(tmp_path, f"- name: ISIS\n  aliases: {aliases}\n", "actor")
        [problem] = reporter.problems
        assert problem.severity == "error" and "an empty item" in problem.message, aliases
        assert not any(alias in ("None", "~", "null", "") for t in vocabulary.terms for alias in t.aliases)
    for aliases in ("~", "null", ""):
        vocabulary, reporter = load(tmp_path, f"- name: ISIS\n  aliases: {aliases}\n", "actor")
        assert not reporter.problems and vocabulary.terms[0].aliases == (), aliases


def test_an_empty_alias_of_an_event_sub_type_is_an_error_and_never_the_alias_none(tmp_path):
    from tracker.model.events import load_event_types

    path = tmp_path / "event_types.yaml"
    for aliases, said in (("[~]", True), ("[None]", False), ("~", False)):
        path.write_text(f"- name: Battles\n  sub_types:\n    - name: Armed clash\n      aliases: {aliases}\n")
        reporter = Reporter()
        types = load_event_types(str(path), reporter, slugify)
        found = [alias for terms in types.sub_types.values() for t in terms.terms for alias in t.aliases]
        assert ("an empty item" in " ".join(str(p) for p in reporter.problems)) == said, aliases
        assert "~" not in found and (aliases == "[None]") == ("None" in found)  # None is a name there


def test_a_key_written_twice_is_an_error_at_the_second_line(tmp_path):
    text = "- name: Anbar\n  aliases: [Al Anbar]\n  iso: IQ-AN\n  aliases: [Anbar Province]\n"
    vocabulary, reporter = load(tmp_path, text)
    [problem] = reporter.problems
    assert (problem.line, problem.severity) == (4, "error")
    assert problem.message.startswith("duplicate key 'aliases' (first at line 2)")


def test_a_key_written_twice_in_event_types_or_places_is_an_error_too(tmp_path):
    from tracker.model.events import load_event_types

    path = tmp_path / "event_types.yaml"
    path.write_text(
        "- name: Battles\n  sub_types: [Armed clash]\n  sub_types: [Air strike]\n", encoding="utf-8"
    )
    reporter = Reporter()
    load_event_types(str(path), reporter, slugify)
    assert any(p.line == 3 and "duplicate key 'sub_types'" in p.message for p in reporter.problems)
    _, reporter = load(
        tmp_path, "- name: Ramadi\n  province: Anbar\n  lat: 33.4\n  lat: 33.5\n  lon: 43.3\n", "place"
    )
    assert any(p.line == 4 and "duplicate key 'lat'" in p.message for p in reporter.problems)
