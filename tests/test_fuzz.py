"""Random front matter and bodies: whatever a file holds, reading it gives one-line problems and
never lets an exception escape (the reader, then `make check` on whole sites)."""

import json
import os
import re
import subprocess
import sys

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pelican.settings import read_settings

from conftest import ACTORS, PROVINCES, ROOT
from tracker.build import site_slugify
from tracker.model.entries import CONVERTERS, EntryParser
from tracker.model.locations import Locations
from tracker.model.vocabulary import load_vocabulary
from tracker.problems import Problem, Reporter
from tracker.reading.markup import Renderer
from tracker.reading.reader import Reading, read_row

# Scalars as YAML and authors produce them: text of every kind, control characters and surrogates
# included, huge and odd numbers, dates that are not dates.
scalars = st.one_of(
    st.text(max_size=40),
    st.text(alphabet=st.characters(codec=None, exclude_categories=()), max_size=20),
    st.integers(min_value=-(10**40), max_value=10**40),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.none(),
    st.sampled_from(
        [
            "2014-06-22",
            "2014-13-45",
            "0001-01-01",
            "9999-12-31",
            "2014-06-22T23:30:00-05:00",
            "Anbar",
            "Nineveh",
            "ISIL",
            "[a](",
            "<script>alert(1)</script>",
            "javascript:alert(1)",
            "---",
            "&a",
            "*a",
        ]
    ),
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=5), st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=25,
)
keys = st.one_of(st.sampled_from(sorted(CONVERTERS)), st.text(max_size=10))
bodies = st.one_of(st.text(max_size=300), st.text(alphabet="[]()<>*_`#|-\\!\n \x0c\x00abc", max_size=300))


def dump(front: dict) -> str:
    try:
        return yaml.safe_dump(front, allow_unicode=True, sort_keys=False)
    except (yaml.YAMLError, ValueError):
        return repr(front)  # not YAML: still something a file may hold


@st.composite
def entry_files(draw) -> bytes:
    """The bytes of a file in the entries folder: mostly YAML front matter and a body, sometimes anything."""
    kind = draw(st.integers(0, 9))
    if kind == 0:
        return draw(st.binary(max_size=200))
    if kind == 1:
        return ("---\n" + draw(st.text(max_size=200)) + "\n---\n" + draw(bodies)).encode(
            "utf-8", "surrogatepass"
        )
    if kind == 2:
        depth = draw(st.integers(15, 3000))
        return f"---\ntitle: Deep\ndate: 2014-06-01\ntags: {'[' * depth}{']' * depth}\n---\n".encode()
    front = draw(st.dictionaries(keys, values, max_size=8))
    front.setdefault("title", draw(st.one_of(st.text(max_size=30), values)))
    front.setdefault("date", draw(st.one_of(st.sampled_from(["2014-06-22", "2014-06-23 08:15"]), values)))
    text = "---\n" + dump(front) + "---\n" + draw(bodies)
    return text.encode("utf-8", "surrogatepass")


def make_parser(tmp_path):
    conf = read_settings(str(ROOT / "pelicanconf.py"))
    slugify, reporter = site_slugify(conf), Reporter()
    vocabularies = {}
    for kind, text in (("province", PROVINCES), ("actor", ACTORS)):
        path = tmp_path / f"{kind}.yaml"
        path.write_text(text, encoding="utf-8")
        vocabularies[kind] = load_vocabulary(str(path), kind, reporter, slugify)
    conf["TRACKER_MARKDOWN_TIME_LIMIT"] = 5
    from zoneinfo import ZoneInfo

    parser = EntryParser(vocabularies, ZoneInfo(conf["TIMEZONE"]), reporter, slugify)
    locations = Locations(conf, slugify)
    return Reading(parser, Renderer(conf, limit=5), locations, str(tmp_path), "parse", "render", 50, "…")


# A few hundred in `make test`; TRACKER_FUZZ_EXAMPLES=20000 for a long run.
EXAMPLES = int(os.environ.get("TRACKER_FUZZ_EXAMPLES", "300"))


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=entry_files())
def test_the_reader_turns_any_file_into_an_entry_or_one_line_problems(tmp_path, data):
    reading = make_parser(tmp_path)
    path = tmp_path / "2014-06-22-fuzz.md"
    path.write_bytes(data)
    row = read_row(str(path), reading)
    problems = [Problem(*p) for p in row.problems]
    for problem in problems:
        assert "\n" not in str(problem) and problem.severity in ("error", "warning", "info")
        str(problem).encode("utf-8")  # printable as it is printed
        assert problem.line >= 0
    if row.record is None:
        assert any(p.severity == "error" for p in problems)
    else:
        body, summary, description = row.html
        assert isinstance(body, str) and row.digest
        assert "<script" not in body and "<script" not in summary and "<script" not in description
        assert 1000 <= int(row.record["date"][:4]) <= 2999 and row.record["slug"]


@settings(
    max_examples=max(4, EXAMPLES // 75),
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.data_too_large,
        HealthCheck.too_slow,
    ],
)
@given(files=st.lists(entry_files(), min_size=10, max_size=30))
def test_make_check_and_a_build_of_random_sites_print_only_problem_lines(tmp_path_factory, files):
    root = tmp_path_factory.mktemp("fuzzsite")
    content = root / "content"
    (content / "data").mkdir(parents=True)
    (content / "data/provinces.yaml").write_text(PROVINCES, encoding="utf-8")
    (content / "data/actors.yaml").write_text(ACTORS, encoding="utf-8")
    (content / "entries").mkdir()
    for n, data in enumerate(files):
        (content / "entries" / f"2014-06-{n % 28 + 1:02d}-f{n}.md").write_bytes(data)
    env = {**os.environ, "PYTHONPATH": str(ROOT / "plugins")}
    for command in (
        ["check", "--input", str(content), "--conf", str(ROOT / "publishconf.py")],
        [
            "html",
            "--input",
            str(content),
            "--output",
            str(root / "output"),
            "--conf",
            str(ROOT / "pelicanconf.py"),
        ],
    ):
        result = subprocess.run(
            [sys.executable, "-m", "tracker.cli", *command],
            cwd=root,
            capture_output=True,
            text=True,
            timeout=600,
            env=env,
        )
        assert "Traceback" not in result.stderr + result.stdout, result.stderr[-3000:]
        problem_lines = [line for line in result.stderr.splitlines() if line.strip()]
        pattern = re.compile(
            r"^(content/[^:]+(:\d+)?"
            r"|settings|content/entries): (error|warning|info): .+$|^\d+ errors?, \d+ warnings?"
        )
        assert all(pattern.match(line) for line in problem_lines), [
            line for line in problem_lines if not pattern.match(line)
        ]
        assert result.returncode in (0, 1)


# Whole sites with events, places, sources, covers and data files: whatever a `make publish`
# (a strict build) fails on, `make check` fails on, with the same lines.
names = st.one_of(
    st.sampled_from(["Anbar", "Nineveh", "Kirkuk", "Anbarr", "ISIS", "ISIL", "ISF", "Peshmerga", "Qaim"]),
    st.sampled_from(["Al-Qaim", "Mosul", "Qaimm", "!!!", "", "~", "A" * 200, "=cmd|x", "Ninewa"]),
    st.text(max_size=12),
)
links = st.one_of(
    st.sampled_from(
        [
            "https://example.org/report",
            "https://[oops/report",
            "http://example.org:99999/x",
            "mailto:desk@example.org",
            "mailto:@x",
            "Local council by phone",
            "Report <https://example.org/r>",
            "Report <https://[x>",
            "javascript:alert(1)",
            "@SUM(1+1)",
            "https://" + "a" * 3000,
        ]
    ),
    st.text(max_size=30),
)
days = st.one_of(
    st.sampled_from(["2014-06-22", "2014-06-21", "20140622", "2014-13-45", "June", "2014-06-20"]),
    st.text(max_size=10),
)


def flow(items: list[str]) -> str:
    return "[" + ", ".join(json.dumps(item, ensure_ascii=False) for item in items) + "]"


@st.composite
def event_texts(draw) -> str:
    """One event as front-matter lines."""
    fields = {"type": draw(st.sampled_from(["battle", "Battles", "air strike", "explosions", "battel", ""]))}
    for key, strategy in (
        ("sub_type", st.sampled_from(["armed clash", "air strike", "suicide bomb", "x"])),
        ("place", names),
        ("province", names),
        ("fatalities", st.sampled_from(["0", "3", "about 10", "-1", "99999999", "2.5", "¹"])),
        ("date", days),
        ("claim", st.sampled_from(["reported", "confirmed", "rumoured"])),
        ("source", links),
        ("notes", st.one_of(st.text(max_size=40), st.just("+1+1"), st.just("\\t=1+1"))),
    ):
        if draw(st.booleans()):
            fields[key] = draw(strategy)
    lines = [f"  - type: {json.dumps(fields.pop('type'), ensure_ascii=False)}"]
    lines += [f"    {key}: {json.dumps(value, ensure_ascii=False)}" for key, value in fields.items()]
    if draw(st.booleans()):
        lines.append(f"    actors: {flow(draw(st.lists(names, max_size=4)))}")
    return "\n".join(lines)


@st.composite
def site_entries(draw) -> bytes:
    """An entry that records events, places, sources and what it covers."""
    day = draw(st.sampled_from(["2014-06-22", "2014-06-23", "2014-07-01"]))
    lines = ["---", f"title: {json.dumps(draw(st.text(min_size=1, max_size=20)), ensure_ascii=False)}"]
    lines.append(f"date: {day}")
    for key, strategy in (
        ("provinces", st.lists(names, max_size=3).map(flow)),
        ("actors", st.lists(names, max_size=3).map(flow)),
        ("places", st.lists(names, max_size=3).map(flow)),
        ("sources", st.lists(links, max_size=3).map(flow)),
        (
            "covers",
            st.sampled_from(
                ["2014-06-20/2014-06-22", "1000-01-01/2999-12-31", "2014-06-22", "2014-06-30/2014-06-01"]
            ),
        ),
        ("status", st.sampled_from(["published", "draft", "hidden"])),
        ("summary", st.text(min_size=1, max_size=30).map(lambda t: json.dumps(t, ensure_ascii=False))),
    ):
        if draw(st.booleans()):
            lines.append(f"{key}: {draw(strategy)}")
    events = draw(st.lists(event_texts(), max_size=3))
    if events:
        lines.append("events:")
        lines += events
    lines += ["---", draw(bodies)]
    return "\n".join(lines).encode("utf-8", "surrogatepass")


@st.composite
def data_files(draw) -> dict[str, str]:
    """The site's vocabulary, gazetteer and event types, sometimes damaged."""
    from test_events import TYPES
    from test_places import PLACES

    coordinates = st.sampled_from(["34.37", "3_3.4", "1e1", "-33.4", "200", "north", "36.34"])
    extra_place = draw(
        st.one_of(
            st.just(""),
            st.builds(
                lambda name, lat, lon: (
                    f"- name: {json.dumps(name, ensure_ascii=False)}\n  province: Anbar\n"
                    f"  lat: {lat}\n  lon: {lon}\n"
                ),
                names,
                coordinates,
                coordinates,
            ),
        )
    )
    extra_type = draw(
        st.sampled_from(
            [
                "",
                "- name: Strategic developments\n  sub_types: [Looting, ~]\n",
                "- name: Odd\n  sub_types:\n    - name: A\n      aliases: [[a]]\n",
                "- name: Odd\n  sub_types: text\n",
            ]
        )
    )
    extra_province = draw(st.sampled_from(["", "- name: Kirkuk\n", "- name: Diyala\n  aliases: [~]\n"]))
    return {
        "data/provinces.yaml": PROVINCES + extra_province,
        "data/actors.yaml": ACTORS,
        "data/places.yaml": PLACES + extra_place,
        "data/event_types.yaml": TYPES + extra_type,
    }


def problem_set(stderr: str) -> set[str]:
    return {line for line in stderr.splitlines() if re.search(r": (error|warning): ", line)}


@settings(
    max_examples=max(3, EXAMPLES // 50),
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.data_too_large,
        HealthCheck.too_slow,
    ],
)
@given(files=st.lists(site_entries(), min_size=2, max_size=8), data=data_files(), mapped=st.booleans())
def test_make_check_fails_with_the_same_lines_on_whatever_a_publish_fails_on(
    tmp_path_factory, files, data, mapped
):
    from conftest import Site
    from test_workflow import publishconf

    site = Site(tmp_path_factory.mktemp("fuzzdata"))
    for name, text in data.items():
        site.write(name, text)
    if mapped:
        site.write(
            "data/provinces.geojson", (ROOT / "content/data/provinces.geojson").read_text(encoding="utf-8")
        )
    for n, text in enumerate(files):
        site.write(f"entries/2014-06-{n % 28 + 1:02d}-e{n}.md", text)
    conf = publishconf(site, TRACKER_ENTRY_RULES={})
    env = {**os.environ, "PYTHONPATH": str(ROOT / "plugins")}
    results = {}
    for command in ("check", "publish", "html"):
        arguments = [
            "--input",
            str(site.content),
            "--conf",
            str(conf if command != "html" else ROOT / "pelicanconf.py"),
        ]
        if command != "check":
            arguments += ["--output", str(site.root / command)]
        results[command] = result = subprocess.run(
            [sys.executable, "-m", "tracker.cli", command, *arguments],
            cwd=site.root,
            capture_output=True,
            text=True,
            timeout=600,
            env=env,
        )
        assert "Traceback" not in result.stderr + result.stdout, result.stderr[-3000:]
    checked, published = results["check"], results["publish"]
    assert problem_set(published.stderr) == problem_set(checked.stderr), (checked.stderr, published.stderr)
    assert (published.returncode == 0) == (checked.returncode == 0), (checked.stderr, published.stderr)
    assert results["html"].returncode == 0, results["html"].stderr
