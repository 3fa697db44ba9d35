"""Page types declare their outputs and what makes them dirty; a registered one is built,
rendered again when a change it shows comes, and when a change it says nothing about comes."""

import json
import time

import pytest

from conftest import entry
from test_incremental import rewritten_since, write_site
from tracker.model.lists import SITE
from tracker.model.plan import Plan
from tracker.writing.pagetypes import registry
from tracker.writing.pagetypes.base import KNOWN_CHANGES, Output, PageType


# The worked example of docs/internals.md: the newest entries as JSON, for a newsroom's widget.
def latest_outputs(model):
    """One file, where the site has entries."""
    return (
        [Output("latest.json", "latest", "latest", "the latest entries")]
        if model.site.lists.count(SITE)
        else []
    )


def render_latest(model, output):
    """The home page's entries: title, address and day."""
    heads = model.site.lists.newest(SITE)[: model.size]
    return json.dumps(
        [{"title": h.title, "url": h.url, "day": h.date.date().isoformat()} for h in heads]
    ).encode()


def latest_dirty(output, plan, views):
    """An entry on the home's front page changed, or one joined, left or moved there."""
    return 0 in plan.pages.get(SITE, ()) or SITE in plan.fronts


LATEST = PageType(
    "latest",
    latest_outputs,
    render_latest,
    unmoved_by=KNOWN_CHANGES,
    dirty=latest_dirty,
)


@pytest.fixture
def registered():
    before = registry.PAGE_TYPES
    yield registry.register
    registry.PAGE_TYPES = before
    registry.register()


def test_a_registered_page_type_is_built_and_follows_its_changes(site, registered):
    registered(LATEST)
    write_site(site, 12)
    assert site.build("-e", "DEFAULT_PAGINATION=4").returncode == 0
    latest = json.loads((site.output / "latest.json").read_text())
    assert [item["title"] for item in latest] == ["Entry 11", "Entry 10", "Entry 9", "Entry 8"]

    time.sleep(0.05)
    before = time.time_ns()
    site.write("entries/2014-06-01-e00.md", entry(title="Entry 0", date="2014-06-01", body="Edited."))
    assert site.build("-e", "DEFAULT_PAGINATION=4").returncode == 0
    assert "latest.json" not in rewritten_since(site.output, before)  # an old entry: not on it

    before = time.time_ns()
    site.write("entries/2014-06-20-new.md", entry(title="New", date="2014-06-20", provinces="[Anbar]"))
    assert site.build("-e", "DEFAULT_PAGINATION=4").returncode == 0
    assert "latest.json" in rewritten_since(site.output, before)
    assert json.loads((site.output / "latest.json").read_text())[0]["title"] == "New"


def test_a_change_a_page_type_says_nothing_about_renders_its_outputs_again(site, registered):
    rendered = []

    def render(model, output):
        rendered.append(output.kind)
        return output.kind.encode()

    silent = PageType("silent", lambda model: [Output("silent.txt", "silent")], render)
    quiet = PageType("quiet", lambda model: [Output("quiet.txt", "quiet")], render, unmoved_by=KNOWN_CHANGES)
    registered(silent, quiet)
    assert silent.is_dirty(Output("silent.txt", "silent"), Plan(named={"archives"}), set())
    assert quiet.is_dirty(
        Output("quiet.txt", "quiet"), Plan(named={"languages"}), set()
    )  # a change it does not know
    assert not quiet.is_dirty(Output("quiet.txt", "quiet"), Plan(named={"archives"}), set())
    write_site(site, 6)
    assert site.build().returncode == 0
    assert sorted(rendered) == ["quiet", "silent"] and (site.output / "quiet.txt").read_bytes() == b"quiet"
    rendered.clear()
    site.write("entries/2014-06-01-e00.md", entry(title="Entry 0, retitled", date="2014-06-01"))
    assert site.build().returncode == 0
    assert rendered == ["silent"]  # the archives changed: the one that says nothing of them is rendered


def test_every_page_type_answers_only_for_changes_the_planner_names():
    kinds = [page_type.kind for page_type in registry.PAGE_TYPES]
    assert len(kinds) == len(set(kinds))
    for page_type in registry.PAGE_TYPES:
        assert page_type.changes <= KNOWN_CHANGES, page_type.kind
        assert page_type.changes == KNOWN_CHANGES, (
            f"{page_type.kind} says nothing of {KNOWN_CHANGES - page_type.changes}"
        )


def test_a_registered_page_type_whose_code_changes_makes_a_full_build_that_says_so(
    site, registered, tmp_path
):
    from test_workflow import tree

    registered(LATEST)
    write_site(site, 5)
    assert site.build().returncode == 0

    def render_titles(model, output):
        """The titles only."""
        return json.dumps([h.title for h in model.site.lists.newest(SITE)[: model.size]]).encode()

    registry.PAGE_TYPES = tuple(t for t in registry.PAGE_TYPES if t is not LATEST)
    registered(
        PageType("latest", latest_outputs, render_titles, unmoved_by=KNOWN_CHANGES, dirty=latest_dirty)
    )
    result = site.build()
    assert "info: full build: page type latest changed" in result.stderr.splitlines()
    assert json.loads((site.output / "latest.json").read_text())[0] == "Entry 4"
    kept, site.output = site.output, tmp_path / "clean"
    assert site.build("-e", "TRACKER_CACHE=null").returncode == 0
    assert tree(kept) == tree(site.output)
