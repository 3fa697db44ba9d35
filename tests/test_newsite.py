"""A tracker for another country in a few commands (`make new-site`, `make boundaries`), with its
own settings; publishing beside a running preview."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup

from conftest import ROOT, Site, devserver, entry, fetch, wait_for

DATA = Path(__file__).parent / "data"


def make(*args: str, env: dict | None = None, timeout: int = 300, cwd=ROOT) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["make", "-s", "-f", str(ROOT / "Makefile"), *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, **(env or {})},
    )


def html(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def mapped_only(site: Path, codes: set[str]) -> None:
    """Give `map: false` to the provinces the boundaries file has no shape for, as the command says."""
    path = site / "content/data/provinces.yaml"
    lines = []
    for line in path.read_text(encoding="utf-8").splitlines():
        lines.append(line)
        found = re.match(r"  iso: (\S+)$", line)
        if found and found.group(1) not in codes:
            lines.append("  map: false")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def first_entry(site: Path, province: str, actor: str) -> None:
    (site / "content/data/actors.yaml").write_text(f"- name: {actor}\n  kind: state\n", encoding="utf-8")
    (site / "content/entries/2015-03-26-first.md").write_text(
        entry(
            "Strikes overnight, the first night",
            "2015-03-26",
            "Residents reported explosions through the night.",
            summary="Strikes overnight.",
            provinces=f"[{province}]",
            actors=f"[{actor}]",
            sources='["Residents reached by phone"]',
            events="\n  - type: explosions\n    sub_type: air strike"
            f"\n    province: {province}\n    fatalities: 13",
        ),
        encoding="utf-8",
    )


def test_a_yemen_tracker_from_new_site_to_publish(tmp_path):
    site = tmp_path / "yemen-tracker"
    made = make("new-site", f"DIR={site}", "COUNTRY=YE", "TITLE=Yemen Daily Tracker")
    assert made.returncode == 0, made.stderr
    provinces = yaml.safe_load((site / "content/data/provinces.yaml").read_text(encoding="utf-8"))
    assert len(provinces) == 22 and all(p["iso"].startswith("YE-") for p in provinces)
    assert {p.get("type") for p in provinces} == {None, "Municipality"}  # the word of the others: the site's
    assert "TRACKER_PROVINCES_WORD = 'Governorates'" in (site / "pelicanconf.py").read_text(encoding="utf-8")
    sanaa = next(p for p in provinces if p["iso"] == "YE-SN")
    assert sanaa["name"] == "Şanʻā’" and "Sana" in sanaa["aliases"]  # as an author may type it
    assert (site / "publishconf.py").is_file() and (site / "content/pages/about.md").is_file()
    assert not (site / "content/data/event_types.yaml").exists()  # the built-in (ACLED's) apply
    again = make("new-site", f"DIR={site}", "COUNTRY=YE")
    assert again.returncode != 0 and "exists and is not empty" in again.stderr

    mapped = make("boundaries", f"SITE={site}", f"FILE={DATA / 'yemen-adm1.topojson'}")
    assert mapped.returncode == 0, mapped.stderr
    assert "a feature of Yemen matches no province: Disputed area / -99" in mapped.stderr
    assert "no shape for the province 'Abyan'" in mapped.stderr
    geojson = yaml.safe_load((site / "content/data/provinces.geojson").read_text(encoding="utf-8"))
    assert sorted(f["properties"]["iso_3166_2"] for f in geojson["features"]) == ["YE-AD", "YE-MA", "YE-SN"]
    mapped_only(site, {"YE-AD", "YE-MA", "YE-SN"})
    first_entry(site, "Sana", "Houthis")

    checked = make("check", f"SITE={site}", env={"TRACKER_SITEURL": "https://yemen.tracker-desk.org"})
    assert checked.returncode == 0, checked.stderr
    placeholder = make("publish", f"SITE={site}", env={"TRACKER_SITEURL": ""})
    assert placeholder.returncode != 0 and "SITEURL 'https://tracker.example.org' is a placeholder" in (
        placeholder.stderr
    )
    assert not (site / "public").exists()
    published = make("publish", f"SITE={site}", env={"TRACKER_SITEURL": "https://yemen.tracker-desk.org"})
    assert published.returncode == 0, published.stderr
    home = html(site / "public/index.html")
    assert home.title.get_text() == "Yemen Daily Tracker"
    assert [a.get_text() for a in home.select("header.site nav a")][0] == "Governorates"
    # The name the boundaries file gives (geoBoundaries' shapeName), its address with it: the
    # site had no entry yet when `make boundaries` ran.
    assert home.select_one(".where svg.map-svg a.region[data-province='sanaa']") is not None
    assert home.select_one("link[rel=canonical]")["href"] == "https://yemen.tracker-desk.org/"
    stylesheet = home.select_one("link[rel=stylesheet]")["href"]
    assert stylesheet == "./theme/css/tracker.css"  # relative: the folder works served locally
    text = " ".join(
        p.read_text(encoding="utf-8", errors="replace") for p in (site / "public").rglob("*.html")
    )
    for word in ("Iraq", "ISIS", "Daesh", "Anbar", "Natural Earth", "tracker.example.org"):
        assert word not in text, word
    assert "Governorate" in html(site / "public/search/index.html").select_one("form")["data-province-word"]


def test_a_ukraine_tracker_from_a_geojson_file_with_its_own_word(tmp_path):
    site = tmp_path / "ukraine"
    made = make("new-site", f"DIR={site}", "COUNTRY=UA", "TITLE=Ukraine Daily Tracker", "WORD=Oblast")
    assert made.returncode == 0, made.stderr
    assert "TIMEZONE = 'Europe/Kyiv'" in (site / "pelicanconf.py").read_text(encoding="utf-8")
    mapped = make("boundaries", f"SITE={site}", f"FILE={DATA / 'ukraine-adm1.geojson'}")
    assert mapped.returncode == 0, mapped.stderr
    assert "a feature of Ukraine matches no province: Nowhere / XX" in mapped.stderr
    mapped_only(site, {"UA-14", "UA-09"})
    first_entry(site, "Donetska oblast", "Armed Forces")
    published = make("publish", f"SITE={site}", env={"TRACKER_SITEURL": "https://ukraine.tracker-desk.org"})
    assert published.returncode == 0, published.stderr
    home = html(site / "public/index.html")
    assert home.title.get_text() == "Ukraine Daily Tracker"
    assert "Oblasts" in [a.get_text() for a in home.select("header.site nav a")]
    assert html(site / "public/provinces/index.html").h1.get_text() == "Oblasts"
    assert home.select_one(".where svg.map-svg a.region[data-province='donetsk']") is not None


def test_new_site_takes_its_values_as_typed_and_shows_them_as_text(tmp_path):
    """DIR, COUNTRY, TITLE and WORD reach the site as typed: nothing runs in the shell or make,
    the title is text in the About page (never HTML or Markdown) and cannot end the settings' strings."""
    site = tmp_path / "site `touch made-by-dir` $HOME"
    title = 'The <b>Bold</b> *Desk* `touch made-by-title` $HOME "q" """ \\ [x](y)'
    word = 'Region$1 `touch made-by-word` "'
    made = make("new-site", f"DIR={site}", "COUNTRY=UA", f"TITLE={title}", f"WORD={word}", cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    assert not list(tmp_path.glob("made-by-*")) and not list(site.glob("made-by-*"))
    settings = (site / "pelicanconf.py").read_text(encoding="utf-8")
    assert f"SITENAME = {title!r}" in settings and f"TRACKER_PROVINCE_WORD = {word!r}" in settings
    site = site.rename(tmp_path / "site")  # make's own variables split a SITE= with spaces
    built = make("html", f"SITE={site}")
    assert built.returncode == 0, built.stderr
    about = html(site / "output/about/index.html")
    assert about.select_one("main b") is None and about.select_one("main em") is None
    assert title in about.select_one("main").get_text(" ", strip=True).replace("\n", " ")
    assert about.title.get_text().endswith(title)
    long = make("new-site", f"DIR={tmp_path / 'other'}", "COUNTRY=UA", f"TITLE={'x' * 201}")
    assert long.returncode != 0 and "TITLE has 201 characters" in long.stderr
    command = [
        sys.executable,
        "-m",
        "tracker.cli",
        "new-site",
        "--dir",
        str(tmp_path / "other"),
        "--country",
        "UA",
    ]
    for title in ("Two\nlines", "Two\u2028lines", "Two\u2029lines", "Two\x85lines"):
        broken = subprocess.run(
            [*command, "--title", title],
            capture_output=True,
            text=True,
            env={**os.environ, "PYTHONPATH": str(ROOT / "plugins")},
        )
        assert broken.returncode != 0 and "TITLE has a line break" in broken.stderr, (title, broken.stderr)
    assert not (tmp_path / "other").exists()


def test_boundaries_from_a_shapefile(tmp_path):
    shapefile = pytest.importorskip("shapefile")
    site = tmp_path / "ukraine"
    assert make("new-site", f"DIR={site}", "COUNTRY=UA").returncode == 0
    with shapefile.Writer(str(tmp_path / "adm1"), shapeType=shapefile.POLYGON) as shapes:
        shapes.field("ISO", "C")
        shapes.field("NAME_1", "C")
        shapes.poly([[[37.0, 47.5], [37.0, 48.8], [38.5, 48.8], [38.5, 47.5], [37.0, 47.5]]])
        shapes.record("UA-14", "Donetsk")
    mapped = make("boundaries", f"SITE={site}", f"FILE={tmp_path / 'adm1.shp'}")
    assert mapped.returncode == 0, mapped.stderr
    geojson = yaml.safe_load((site / "content/data/provinces.geojson").read_text(encoding="utf-8"))
    assert [f["properties"]["iso_3166_2"] for f in geojson["features"]] == ["UA-14"]
    broken = tmp_path / "broken.json"
    broken.write_text("[1, 2]", encoding="utf-8")
    refused = make("boundaries", f"SITE={site}", f"FILE={broken}")
    assert refused.returncode != 0 and "neither a GeoJSON FeatureCollection nor a TopoJSON" in refused.stderr
    assert "Traceback" not in refused.stderr


def polygon_feature(coordinates, properties=None) -> dict:
    return {
        "type": "Feature",
        "properties": {"ISO": "UA-14"} if properties is None else properties,
        "geometry": {"type": "Polygon", "coordinates": coordinates},
    }


def collection(coordinates: str) -> str:
    """A FeatureCollection's text around a polygon's coordinates, written as JSON text."""
    return (
        '{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {"ISO": "UA-14"}, '
        f'"geometry": {{"type": "Polygon", "coordinates": {coordinates}}}}}]}}'
    )


SQUARE = [[[37.0, 47.5], [37.0, 48.8], [38.5, 48.8], [38.5, 47.5], [37.0, 47.5]]]
HOSTILE_BOUNDARIES = {
    "coordinates as strings": json.dumps(
        {
            "type": "FeatureCollection",
            "features": [polygon_feature([[["37", "47"], ["37", "48"], ["38", "48"], ["37", "47"]]])],
        }
    ),
    "one-number points": json.dumps(
        {"type": "FeatureCollection", "features": [polygon_feature([[[37.0], [38.0], [39.0], [37.0]]])]}
    ),
    "100,000-deep nesting": collection("[" * 100_000 + "]" * 100_000),
    "NaN coordinates": collection("[[[NaN, 47], [37, 48], [38, 48], [NaN, 47]]]"),
    "Infinity coordinates": collection("[[[Infinity, 47], [37, 48], [38, 48], [Infinity, 47]]]"),
    "huge numbers": json.dumps(
        {
            "type": "FeatureCollection",
            "features": [polygon_feature([[[1e400, 47], [37, 48], [38, 48], [1e400, 47]]])],
        }
    ).replace("Infinity", "1e400"),
    "projected coordinates": json.dumps(
        {
            "type": "FeatureCollection",
            "features": [
                polygon_feature(
                    [[[4118000, 6040000], [4118000, 6240000], [4290000, 6240000], [4118000, 6040000]]]
                )
            ],
        }
    ),
    "a projected crs": json.dumps(
        {
            "type": "FeatureCollection",
            "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::3857"}},
            "features": [polygon_feature(SQUARE)],
        }
    ),
    "list-valued properties": json.dumps(
        {"type": "FeatureCollection", "features": [polygon_feature(SQUARE, ["UA-14"])]}
    ),
    "list-valued names": json.dumps(
        {
            "type": "FeatureCollection",
            "features": [polygon_feature(SQUARE, {"ISO": ["UA-14"], "NAME_1": ["Donetsk"]})],
        }
    ),
    "an integer too large for a float": collection(
        "[[[" + "9" * 400 + ", 47], [37, 48], [38, 48], [37, 47]]]"
    ),
    "a crs that is a list": json.dumps(
        {"type": "FeatureCollection", "crs": [], "features": [polygon_feature([[[1e9, 47]] * 4])]}
    ),
    "a crs whose properties are text": json.dumps(
        {
            "type": "FeatureCollection",
            "crs": {"properties": "x"},
            "features": [polygon_feature([[[1e9, 47]] * 4])],
        }
    ),
    "a TopoJSON object that is a list": json.dumps(
        {"type": "Topology", "objects": {"adm1": [{"type": "Polygon", "arcs": [[0]]}]}, "arcs": [SQUARE[0]]}
    ),
    "TopoJSON objects that are a list": json.dumps(
        {"type": "Topology", "objects": [{"type": "Polygon", "arcs": [[0]]}], "arcs": [SQUARE[0]]}
    ),
    "TopoJSON arcs of strings": json.dumps(
        {"type": "Topology", "objects": {"a": {"type": "Polygon", "arcs": [["x"]]}}, "arcs": [[["a", "b"]]]}
    ),
}


@pytest.mark.parametrize("kind", sorted(HOSTILE_BOUNDARIES))
def test_a_hostile_boundaries_file_is_one_line_and_no_map(tmp_path_factory, kind):
    site = ukraine_site(tmp_path_factory)
    map_file = site / "content/data/provinces.geojson"
    before = map_file.read_bytes() if map_file.exists() else None
    source = site.parent / "hostile.geojson"
    source.write_text(HOSTILE_BOUNDARIES[kind], encoding="utf-8")
    refused = make("boundaries", f"SITE={site}", f"FILE={source}")
    assert refused.returncode != 0 and "Traceback" not in refused.stderr, refused.stderr
    said = [line for line in refused.stderr.splitlines() if line.startswith("make boundaries: error:")]
    assert len(said) == 1 and str(source) in said[0], refused.stderr
    assert (map_file.read_bytes() if map_file.exists() else None) == before


def test_a_projected_shapefile_and_no_file_are_one_line(tmp_path_factory):
    shapefile = pytest.importorskip("shapefile")
    site = ukraine_site(tmp_path_factory)
    with shapefile.Writer(str(site.parent / "projected"), shapeType=shapefile.POLYGON) as shapes:
        shapes.field("ISO", "C")
        shapes.poly([[[4118000, 6040000], [4118000, 6240000], [4290000, 6240000], [4118000, 6040000]]])
        shapes.record("UA-14")
    (site.parent / "projected.prj").write_text(
        'PROJCS["WGS_1984_Web_Mercator_Auxiliary_Sphere",GEOGCS["GCS_WGS_1984",DATUM["D_WGS_1984",'
        'SPHEROID["WGS_1984",6378137.0,298.257223563]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],'
        'PROJECTION["Mercator_Auxiliary_Sphere"],UNIT["Meter",1.0]]',
        encoding="utf-8",
    )
    refused = make("boundaries", f"SITE={site}", f"FILE={site.parent / 'projected.shp'}")
    assert refused.returncode != 0 and "Traceback" not in refused.stderr
    assert "coordinates are projected (WGS_1984_Web_Mercator_Auxiliary_Sphere)" in refused.stderr
    assert "ogr2ogr -t_srs EPSG:4326" in refused.stderr
    nothing = make("boundaries", f"SITE={site}")
    assert nothing.returncode != 0 and "Is a directory" not in nothing.stderr
    assert "give the boundaries file: make boundaries FILE=" in nothing.stderr


def ukraine_site(tmp_path_factory):
    folder = tmp_path_factory.getbasetemp() / "hostile-boundaries-ukraine"
    if not folder.exists():
        assert make("new-site", f"DIR={folder}", "COUNTRY=UA").returncode == 0
    return folder


def test_a_second_site_never_publishes_with_the_first_ones_settings(tmp_path):
    site = tmp_path / "yemen"
    assert make("new-site", f"DIR={site}", "COUNTRY=YE", "TITLE=Yemen Daily Tracker").returncode == 0
    first_entry(site, "Sana", "Houthis")
    env = {"TRACKER_SITEURL": "https://yemen.tracker-desk.org"}
    conf = site / "pelicanconf.py"
    # CONFFILE alone: its own publish settings, beside it
    own = make(
        "publish",
        f"INPUTDIR={site / 'content'}",
        f"CONFFILE={conf}",
        f"PUBLISHDIR={tmp_path / 'out'}",
        env=env,
    )
    assert own.returncode == 0, own.stderr
    assert html(tmp_path / "out/index.html").title.get_text() == "Yemen Daily Tracker"
    # the sample's publish settings with the second site's settings: refused, naming both
    mixed = make(
        "publish",
        f"INPUTDIR={site / 'content'}",
        f"CONFFILE={conf}",
        f"PUBLISHCONF={ROOT / 'publishconf.py'}",
        f"PUBLISHDIR={tmp_path / 'mixed'}",
        env=env,
    )
    assert mixed.returncode != 0 and "are another site's (SITENAME 'Iraq Daily Tracker'" in mixed.stderr
    assert not (tmp_path / "mixed").exists()
    # its content with the sample's settings (INPUTDIR= alone): refused, saying SITE=
    for target in ("publish", "html", "check"):
        borrowed = make(target, f"INPUTDIR={site / 'content'}", f"OUTPUTDIR={tmp_path / 'borrowed'}", env=env)
        assert borrowed.returncode != 0 and "Traceback" not in borrowed.stderr, borrowed.stderr
        assert (
            f"belongs to the site folder {site}" in borrowed.stderr and f"give SITE={site}" in borrowed.stderr
        )
        assert not (tmp_path / "borrowed").exists()


def test_publish_while_the_devserver_runs_and_both_keep_working(tmp_path):
    site = Site(tmp_path)
    site.write("entries/2014-06-01-one.md", entry("One", "2014-06-01", provinces="[Anbar]"))
    public = tmp_path / "public"
    with devserver(site, "PELICANOPTS=-e TRACKER_ENTRY_RULES={}") as (port, log, server):
        base = f"http://127.0.0.1:{port}/"
        assert wait_for(lambda: fetch(base + "2014/06/01/one/") is not None, 120), log.read_text()
        published = subprocess.run(
            [
                "make",
                "-s",
                "-f",
                str(ROOT / "Makefile"),
                "publish",
                f"INPUTDIR={site.content}",
                f"PUBLISHDIR={public}",
                "PELICANOPTS=-e TRACKER_ENTRY_RULES={}",
            ],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert published.returncode == 0, published.stderr
        assert (public / "2014/06/01/one/index.html").is_file() and not (
            site.output / ".tracker-build.json"
        ).samefile(public / ".tracker-build.json")
        page = fetch(base + "2014/06/01/one/")
        assert (
            page is not None and 'href="../../../../theme/css/tracker.css"' in page
        )  # the preview, as it was
        time.sleep(2.1)  # past the settle time, so the save is seen as a change
        site.write("entries/2014-06-01-one.md", entry("One, edited", "2014-06-01", provinces="[Anbar]"))
        assert wait_for(lambda: "One, edited" in (fetch(base + "2014/06/01/one/") or ""), 60), log.read_text()
        assert "restart" not in log.read_text()
    assert "<title>One ·" in (public / "2014/06/01/one/index.html").read_text(
        encoding="utf-8"
    )  # publish untouched
