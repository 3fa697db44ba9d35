"""Settings are checked once, before anything is read: one `settings:` line per problem, exit 1."""

import os
import subprocess
import sys

import pytest

from conftest import ROOT, entry
from test_workflow import make
from tracker.settings import DEFAULTS, SCHEMA, check_settings


@pytest.mark.parametrize(
    "override, line",
    [
        (
            'TIMEZONE="Mars/Olympus"',
            "settings: error: TIMEZONE: unknown time zone 'Mars/Olympus' "
            "(expected a name such as 'Asia/Baghdad' or 'UTC')",
        ),
        (
            "TRACKER_PROVINCES=null",
            "settings: error: TRACKER_PROVINCES: "
            "None is not a file name (a path relative to the content folder)",
        ),
        (
            'TRACKER_ACTORS="data/nothing.yaml"',
            "settings: error: TRACKER_ACTORS: 'data/nothing.yaml' is not a file in the content folder",
        ),
        ("TRACKER_FEED_RSS=7", "settings: error: TRACKER_FEED_RSS: 7 is not a text pattern or None"),
        (
            'TRACKER_MAP="data"',
            "settings: error: TRACKER_MAP: 'data' is a folder (expected a file in the content folder)",
        ),
        (
            'DEFAULT_PAGINATION="twenty"',
            "settings: error: DEFAULT_PAGINATION: 'twenty' is not a whole number of at least 1 or False",
        ),
        (
            'PROVINCE_URL="provinces/{sulg}/"',
            "settings: error: PROVINCE_URL: 'provinces/{sulg}/' "
            "uses {sulg} (fields it may use: {name}, {slug})",
        ),
        (
            'ACTOR_SAVE_AS="../{slug}.html"',
            "settings: error: ACTOR_SAVE_AS: '../{slug}.html' leads out of the output folder",
        ),
        (
            "TRACKER_MARKDOWN_TIME_LIMIT=-1",
            "settings: error: TRACKER_MARKDOWN_TIME_LIMIT: -1 is not a number of seconds above 0, or None",
        ),
    ],
)
def test_each_bad_setting_is_one_line_and_nothing_is_read(site, override, line):
    site.write("entries/2014-06-01-a.md", "---\ntitle: [unclosed\n---\n")  # would be an error if it were read
    result = site.build("-e", override)
    assert result.returncode == 1 and "Traceback" not in result.stderr + result.stdout
    lines = result.stderr.strip().splitlines()
    assert any(problem.startswith(line) for problem in lines), lines
    assert not [
        problem for problem in lines if "2014-06-01-a.md" in problem
    ]  # stopped before reading entries
    assert lines[-1] == "1 error, 0 warnings in 1 file" and not site.output.exists()


def test_every_problem_is_printed_at_once(site):
    result = site.build("-e", 'TIMEZONE="Nowhere"', "DEFAULT_PAGINATION=0", 'TRACKER_STRICT="yes"')
    errors = [line for line in result.stderr.splitlines() if ": error: " in line]
    assert sorted(line.split(":")[2].strip() for line in errors) == [
        "DEFAULT_PAGINATION",
        "TIMEZONE",
        "TRACKER_STRICT",
    ]
    assert result.returncode == 1


def test_a_mistyped_setting_is_a_warning_with_the_right_spelling(site):
    site.write("entries/2014-06-01-a.md", entry(title="A", date="2014-06-01"))
    result = site.build("-e", "TRACKER_STRICTT=true", 'PROVINCE_SAVE_ASS="x"')
    assert result.returncode == 0
    assert (
        "settings: warning: TRACKER_STRICTT: unknown setting, ignored (did you mean TRACKER_STRICT?)"
        in result.stderr
    )
    assert (
        "settings: warning: PROVINCE_SAVE_ASS: unknown setting, ignored (did you mean PROVINCE_SAVE_AS?)"
        in result.stderr
    )
    strict = site.build("-e", "TRACKER_STRICTT=true", "TRACKER_STRICT=true")
    assert strict.returncode == 1  # a warning fails a strict build


def test_commands_check_their_arguments_and_settings_too(site):
    bad_date = make("new", f"INPUTDIR={site.content}", "TITLE=x", "DATE=2014-13-45", cwd=site.root)
    assert bad_date.returncode != 0 and "Traceback" not in bad_date.stderr
    assert "make new: error: DATE '2014-13-45' is not a day written YYYY-MM-DD" in bad_date.stderr
    conf = site.root / "conf.py"
    conf.write_text("TIMEZONE = 'Mars/Olympus'\n", encoding="utf-8")
    for command in ("new", "check"):
        result = make(
            command,
            f"INPUTDIR={site.content}",
            f"CONFFILE={conf}",
            f"PUBLISHCONF={conf}",
            "TITLE=x",
            cwd=site.root,
        )
        assert result.returncode != 0 and "Traceback" not in result.stderr
        assert "settings: error: TIMEZONE: unknown time zone 'Mars/Olympus'" in result.stderr, (
            command,
            result.stderr,
        )
    assert not list(site.content.rglob("*-x.md"))


def test_every_default_passes_its_own_check(tmp_path):
    (tmp_path / "data").mkdir()
    for name in ("provinces.yaml", "actors.yaml"):
        (tmp_path / "data" / name).write_text("- name: X\n", encoding="utf-8")
    settings = {**DEFAULTS, "PATH": str(tmp_path), "TIMEZONE": "UTC", "SITEURL": "https://example.org"}
    assert check_settings(settings) == []
    assert all(key.startswith(("TRACKER_", "PROVINCE", "ACTOR", "PLACE")) for key in DEFAULTS) and len(
        DEFAULTS
    ) < len(SCHEMA)


def test_compiled_templates_are_kept_apart_by_the_environment_options_that_change_the_code():
    from tracker.writing.templates import compiled_templates

    plain = compiled_templates({"trim_blocks": True})
    escaping = compiled_templates({"trim_blocks": True, "autoescape": True})
    assert plain is not None and escaping is not None and plain.directory != escaping.directory
    assert compiled_templates({"autoescape": True, "trim_blocks": True}).directory == escaping.directory


def test_a_placeholder_address_is_an_error_when_publishing_or_checking_only():
    from tracker.settings import check_settings, is_placeholder

    for host in (
        "example.org",
        "tracker.example.com",
        "example.net",
        "localhost",
        "127.0.0.1",
        "127.8.9.10",
        "127.1",
        "2130706433",
        "0x7f.0.0.1",
        "[::1]",
        "0.0.0.0",
        "169.254.1.1",
        "192.0.2.10",
        "2001:db8::1",
        "x.example",
        "tracker.test",
        "newsroom.local",
        "tracker.internal",
        "router.home.arpa",
        "a.invalid",
    ):
        assert is_placeholder(host), host
    for host in (
        "www.understandingwar.org",
        "examples.org",
        "tracker-desk.org",
        "10.1.2.3",
        "8.8.8.8",
        "test.org",
    ):
        assert not is_placeholder(host), host
    from tracker.settings import address_problems

    base = {**DEFAULTS, "PATH": "/tmp", "TIMEZONE": "UTC", "SITEURL": "http://localhost:8000"}
    publishing = [str(p) for p in address_problems({**base, "TRACKER_PUBLISHING": True})]
    assert any("SITEURL 'http://localhost:8000' is a placeholder address" in line for line in publishing)
    assert "TRACKER_SITEURL=https://… make check / make publish" in publishing[0]
    assert not address_problems(base)  # a preview may use it
    assert not any("placeholder" in str(p) for p in check_settings({**base, "TRACKER_PUBLISHING": True}))


def test_make_check_with_a_placeholder_address_still_checks_every_entry(site):
    site.write(
        "entries/2014-06-22-a.md", "---\ntitle: A\ndate: 2014-06-22\nprovinces: [Anbarr]\n---\nText.\n"
    )
    checked = make("check", f"INPUTDIR={site.content}", env={"TRACKER_SITEURL": ""})
    assert checked.returncode != 0 and "Traceback" not in checked.stderr
    assert "SITEURL 'https://tracker.example.org' is a placeholder address" in checked.stderr
    assert "content/entries/2014-06-22-a.md:4: warning: unknown province 'Anbarr'" in checked.stderr.replace(
        str(site.root) + "/", ""
    ), checked.stderr


def test_a_site_address_with_a_query_fragment_or_user_name_is_an_error():
    from tracker.settings import check_settings

    base = {**DEFAULTS, "PATH": "/tmp", "TIMEZONE": "UTC"}
    for key in ("SITEURL", "FEED_DOMAIN"):
        for value, part in (
            ("https://tracker-desk.org/news?ref=feed", "a query"),
            ("https://tracker-desk.org/#top", "a fragment"),
            ("https://desk:secret@tracker-desk.org", "a user name"),
        ):
            lines = [str(p) for p in check_settings({**base, key: value}) if p.severity == "error"]
            shown = value.replace(":secret@", ":…@")
            assert f"settings: error: {key}: '{shown}' has {part}" in "\n".join(lines), (key, value, lines)
            assert "secret" not in "\n".join(lines)
    assert not [
        p
        for p in check_settings({**base, "SITEURL": "https://tracker-desk.org/news"})
        if p.message.startswith(("SITEURL", "FEED_DOMAIN"))
    ]


def test_the_store_is_an_absolute_file_outside_the_output_and_content_folders(tmp_path):
    from tracker.settings import check_settings

    content, output = tmp_path / "content", tmp_path / "output"
    content.mkdir()
    base = {**DEFAULTS, "PATH": str(content), "OUTPUT_PATH": str(output), "TIMEZONE": "UTC"}
    for value, said in (
        ("tracker-store.sqlite", "is not an absolute path"),
        (str(output), "is inside the output folder"),
        (str(output / "store.sqlite"), "is inside the output folder"),
        (str(content / "data/store.sqlite"), "is inside the content folder"),
        (str(tmp_path), "is a folder"),
    ):
        lines = [str(p) for p in check_settings({**base, "TRACKER_CACHE": value})]
        assert any(line.startswith("settings: error: TRACKER_CACHE:") and said in line for line in lines), (
            lines
        )
    for value in ("auto", None, str(tmp_path / "cache/store.sqlite")):
        assert not [
            p for p in check_settings({**base, "TRACKER_CACHE": value}) if "TRACKER_CACHE" in p.message
        ]


def test_make_html_with_a_store_setting_it_cannot_use_says_one_settings_line(site):
    from test_workflow import make

    site.write("entries/2014-06-22-a.md", "---\ntitle: A\ndate: 2014-06-22\n---\nText.\n")
    conf = site.root / "conf.py"
    for value in ("tracker-store.sqlite", str(site.output), str(site.output / "store.sqlite")):
        conf.write_text(
            f"import sys\nsys.path.insert(0, {str(ROOT)!r})\nfrom pelicanconf import *\n"
            f"THEME = {str(ROOT / 'theme')!r}\nPLUGIN_PATHS = [{str(ROOT / 'plugins')!r}]\n"
            f"TRACKER_CACHE = {value!r}\n",
            encoding="utf-8",
        )
        result = make("html", f"INPUTDIR={site.content}", f"OUTPUTDIR={site.output}", f"CONFFILE={conf}")
        assert result.returncode != 0 and "Traceback" not in result.stderr, result.stderr
        assert "settings: error: TRACKER_CACHE:" in result.stderr, result.stderr
        assert not (site.output / "store.sqlite").exists()


def test_a_function_in_the_settings_counts_by_its_code_the_same_in_every_process(tmp_path):
    module = tmp_path / "deskfilters.py"
    script = (
        f"import sys; sys.path[:0] = [{str(ROOT / 'plugins')!r}, {str(tmp_path)!r}]\n"
        "from tracker.build import settings_digests\nfrom deskfilters import shout\n"
        "print(settings_digests({'JINJA_FILTERS': {'shout': shout}}))\n"
    )

    def digest(seed: str) -> str:
        env = {**os.environ, "PYTHONHASHSEED": seed, "PYTHONDONTWRITEBYTECODE": "1"}
        return subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True).stdout

    module.write_text("WORDS = {'alpha', 'beta', 'gamma'}\ndef shout(text):\n    return text in WORDS\n")
    first = digest("1")
    assert first and first == digest("2") == digest("3")  # a set's order differs by process
    module.write_text(
        "# a comment\n\nWORDS = {'alpha', 'beta', 'gamma'}\ndef shout(text):\n    return text in WORDS\n"
    )
    assert digest("1") == first  # lines moved: the same code
    module.write_text("WORDS = {'alpha', 'beta', 'delta'}\ndef shout(text):\n    return text in WORDS\n")
    assert digest("1") != first  # a value the function reads
    module.write_text("WORDS = {'alpha', 'beta', 'gamma'}\ndef shout(text):\n    return text not in WORDS\n")
    assert digest("1") != first  # its code


def test_jobs_on_the_command_line_set_the_number_of_workers():
    from tracker.cli import Refused, split_jobs

    assert split_jobs(["-j", "4", "-q"]) == (["TRACKER_WORKERS=4"], ["-q"])
    assert split_jobs(["-j1"]) == (["TRACKER_WORKERS=1"], [])
    assert split_jobs(["--jobs=0", "-D"]) == (["TRACKER_WORKERS=0"], ["-D"])
    assert split_jobs(["-q"]) == ([], ["-q"])
    with pytest.raises(Refused):
        split_jobs(["-j"])
