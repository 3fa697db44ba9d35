"""Random front matter and bodies: whatever a file holds, reading it gives one-line problems and
never lets an exception escape (the reader, then `make check` on whole sites)."""

import os
import re
import subprocess
import sys

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pelican.settings import read_settings

from conftest import ACTORS, PROVINCES, ROOT
from tracker.model.entries import CONVERTERS, EntryParser
from tracker.model.vocabulary import load_vocabulary
from tracker.problems import Reporter
from tracker.site.markup import Renderer
from tracker.site.reader import prepare
from tracker.site.run import site_slugify

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

    return EntryParser(vocabularies, ZoneInfo(conf["TIMEZONE"]), reporter, slugify), Renderer(conf)


# A few hundred in `make test`; TRACKER_FUZZ_EXAMPLES=20000 for a long run.
EXAMPLES = int(os.environ.get("TRACKER_FUZZ_EXAMPLES", "300"))


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=entry_files())
def test_the_reader_turns_any_file_into_an_entry_or_one_line_problems(tmp_path, data):
    parser, renderer = make_parser(tmp_path)
    path = tmp_path / "2014-06-22-fuzz.md"
    path.write_bytes(data)
    entry, body, summary, problems, digest = prepare(str(path), parser, renderer, False, False)
    for problem in problems:
        assert "\n" not in str(problem) and problem.severity in ("error", "warning", "info")
        str(problem).encode("utf-8")  # printable as it is printed
        assert problem.line >= 0
    if entry is None:
        assert any(p.severity == "error" for p in problems)
    else:
        assert isinstance(body, str) and digest
        assert "<script" not in body and "<script" not in (summary or "")
        assert 1000 <= entry.date.year <= 2999 and entry.slug


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
