"""`make new-site`: a tracker for any country in one command.

The site folder holds its own settings and publish settings (so that it can never publish under
another tracker's name), an About page, an empty entries folder, and a vocabulary whose provinces
are the country's ISO 3166-2 first-level subdivisions, with names, codes and the subdivision type
from pycountry. Actors start empty, with a commented example; event types are the built-in ones
(ACLED's) until the site writes its own `data/event_types.yaml`. The map comes later, from a
boundaries file (`make boundaries`).
"""

from __future__ import annotations

import html
import os
import re
import unicodedata
from collections import Counter
from pathlib import Path

import pycountry
import yaml

from .model.entries import MAX_TITLE
from .model.yamlnodes import CONTROL

SETTINGS = '''"""Settings of {title_doc} (development build)."""

import os

# The tracker's code, its theme and plugins (lower case: not a setting); in CI, where the tool is
# checked out beside the site, the workflow says where (TRACKER_TOOL).
tool = os.environ.get("TRACKER_TOOL") or {tool!r}

AUTHOR = "Desk"
SITENAME = {title!r}
SITESUBTITLE = {subtitle!r}
SITEURL = ""
TIMEZONE = {timezone!r}
DEFAULT_LANG = {default_lang!r}
# The site's languages, its default first; another language's pages are under its code (ar/),
# and an entry says `lang: ar` to be one of them. TRACKER_LOCALES chooses the locale of a
# language's dates ({{"ar": "ar_IQ"}}: the months as Iraq and the Levant name them).
TRACKER_LANGUAGES = {languages!r}
PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "content")
ARTICLE_PATHS = ["entries"]
PAGE_PATHS = ["pages"]
STATIC_PATHS = []
THEME = os.path.join(tool, "theme")
THEME_STATIC_PATHS = ["static"]
PLUGIN_PATHS = [os.path.join(tool, "plugins")]
PLUGINS = ["tracker"]

TRACKER_PROVINCES = "data/provinces.yaml"
TRACKER_ACTORS = "data/actors.yaml"
TRACKER_MAP = "data/provinces.geojson"  # written by `make boundaries`; no file: no map
# Where the boundaries come from, e.g. "Map boundaries: geoBoundaries (CC BY 4.0)"
TRACKER_MAP_ATTRIBUTION = ""
TRACKER_PROVINCE_WORD = {word!r}
TRACKER_PROVINCES_WORD = {words!r}
TRACKER_STRICT = False

# Sections the sample site uses; see the tool's README for every setting.
ARTICLE_URL = "{{date:%Y}}/{{date:%m}}/{{date:%d}}/{{slug}}/"
ARTICLE_SAVE_AS = "{{date:%Y}}/{{date:%m}}/{{date:%d}}/{{slug}}/index.html"
PAGE_URL = "{{slug}}/"
PAGE_SAVE_AS = "{{slug}}/index.html"
DRAFT_URL = "drafts/{{slug}}/"
DRAFT_SAVE_AS = "drafts/{{slug}}/index.html"
TAG_URL = "tags/{{slug}}/"
TAG_SAVE_AS = "tags/{{slug}}/index.html"
TAGS_URL = "tags/"
TAGS_SAVE_AS = "tags/index.html"
AUTHOR_URL = "authors/{{slug}}/"
AUTHOR_SAVE_AS = "authors/{{slug}}/index.html"
AUTHORS_URL = "authors/"
AUTHORS_SAVE_AS = "authors/index.html"
ARCHIVES_URL = "archives/"
ARCHIVES_SAVE_AS = "archives/index.html"
TRACKER_YEAR_ARCHIVE_URL = "{{date:%Y}}/"
TRACKER_YEAR_ARCHIVE_SAVE_AS = "{{date:%Y}}/index.html"
TRACKER_MONTH_ARCHIVE_URL = "{{date:%Y}}/{{date:%m}}/"
TRACKER_MONTH_ARCHIVE_SAVE_AS = "{{date:%Y}}/{{date:%m}}/index.html"
FILENAME_METADATA = ""
PATH_METADATA = ""
USE_FOLDER_AS_CATEGORY = False
DEFAULT_CATEGORY = "entries"
CATEGORY_SAVE_AS = ""
CATEGORIES_SAVE_AS = ""
ARTICLE_TRANSLATION_ID = None
PAGE_TRANSLATION_ID = None
DIRECT_TEMPLATES = ["index", "tags", "authors", "archives"]
OUTPUT_RETENTION = [".git", ".hg", ".bzr", "CNAME"]  # kept in the published folder by every publish
JINJA_ENVIRONMENT = {{"trim_blocks": True, "lstrip_blocks": True, "autoescape": True, "auto_reload": False}}
DEFAULT_PAGINATION = 20
PAGINATION_PATTERNS = (
    (1, "{{url}}", "{{save_as}}"),
    (2, "{{base_name}}/page/{{number}}/", "{{base_name}}/page/{{number}}/index.html"),
)
FEED_DOMAIN = "http://127.0.0.1:8000"
FEED_ALL_ATOM = None
FEED_ALL_RSS = None
FEED_ATOM = None
FEED_RSS = None
CATEGORY_FEED_ATOM = None
CATEGORY_FEED_RSS = None
AUTHOR_FEED_ATOM = None
AUTHOR_FEED_RSS = None
TRANSLATION_FEED_ATOM = None
TRANSLATION_FEED_RSS = None
'''

WORKFLOW = """\
# Publishes the tracker to GitHub Pages: on every push to main, every morning, and by hand.
# Before the first run, set in the repository's settings: the variable TRACKER_SITEURL (the
# site's address, https://…), the variable TRACKER_TOOL_REPOSITORY (owner/name of the tracker
# tool's repository; TRACKER_TOOL_REF its branch or tag, main when unset), and "GitHub Actions"
# as the source of Pages. The build cache (the entry store and the last published site) is
# kept between runs, so a day's publish renders only what changed; another version of the tool
# starts afresh.
name: Publish

on:
  push:
    branches: [main]
  schedule:
    - cron: "30 5 * * *"
  workflow_dispatch:

permissions:
  contents: read
  pages: write
  id-token: write

concurrency:
  group: pages
  cancel-in-progress: false

env:
  TRACKER_SITEURL: ${{ vars.TRACKER_SITEURL }}
  TRACKER_TOOL: ${{ github.workspace }}/tool
  TRACKER_CACHE_DIR: ${{ github.workspace }}/.tracker-cache

jobs:
  publish:
    runs-on: ubuntu-latest
    environment:
      name: github-pages
      url: ${{ steps.deployment.outputs.page_url }}
    steps:
      - uses: actions/checkout@v4
        with:
          path: site
      - uses: actions/checkout@v4
        with:
          repository: ${{ vars.TRACKER_TOOL_REPOSITORY }}
          ref: ${{ vars.TRACKER_TOOL_REF || 'main' }}
          path: tool
      - uses: actions/setup-python@v5
        with:
          python-version: "3.11"
      - name: Which version of the tool
        id: tool
        run: echo "version=$(git -C tool rev-parse HEAD)" >> "$GITHUB_OUTPUT"
      - uses: actions/cache@v4
        with:
          path: |
            .tracker-cache
            site/public
          key: tracker-${{ steps.tool.outputs.version }}-${{ github.run_id }}
          restore-keys: tracker-${{ steps.tool.outputs.version }}-
      - name: Check every entry
        run: make -C tool check SITE=../site
      - name: Publish
        run: make -C tool publish SITE=../site
      - uses: actions/upload-pages-artifact@v3
        with:
          path: site/public
      - id: deployment
        uses: actions/deploy-pages@v4
"""

GITIGNORE = """\
output/
public/
__pycache__/
"""

ABOUT = """---
title: About
---
{title} is a daily briefing on security events across {country}, {word_lower} by
{word_lower}. Each entry is dated, names the {words_lower} and actors it concerns, and cites its
sources; the events it records can be downloaded as data.
"""

ACTORS = """# Actors of {title}: the groups, forces and governments named in entries.
#
# A list of mappings. `name` is the canonical name shown on every page; `aliases` are other names
# and abbreviations an author may type; `kind` groups the actors index (state, insurgent,
# militia, foreign, political, tribal, ...); `local_name` is the name in the country's language
# (search finds it); `description` is Markdown. For example:
#
# - name: Armed Forces
#   aliases: [army, the military]
#   kind: state
#   description: The country's regular army.
[]
"""


class NewSiteError(Exception):
    """A reason the site cannot be started, in one line."""


def country_of(code: str):
    """The country of an ISO 3166-1 alpha-2 or alpha-3 code or name."""
    found = pycountry.countries.get(alpha_2=code.upper()) or pycountry.countries.get(alpha_3=code.upper())
    if found is None:
        try:
            found = pycountry.countries.lookup(code)
        except LookupError:
            raise NewSiteError(f"COUNTRY '{code}' is not an ISO 3166 country code (YE, UA, SYR …)") from None
    return found


def subdivisions(country) -> list:
    """The country's first-level subdivisions (those with no parent), by name."""
    found = [s for s in pycountry.subdivisions.get(country_code=country.alpha_2) or () if not s.parent_code]
    return sorted(found, key=lambda s: s.name)


def plain(text: str) -> str:
    """`text` without diacritics or typographic marks: what an author may type."""
    decomposed = unicodedata.normalize("NFKD", text)
    kept = "".join(c for c in decomposed if not unicodedata.combining(c))
    return re.sub(r"[‘’ʼʻ`]", "", kept).strip()


def slug_of(text: str) -> str:
    """A URL slug: the plain name, lower case, words joined by '-'."""
    return re.sub(r"[^a-z0-9]+", "-", plain(text).lower()).strip("-")


def plural(word: str) -> str:
    """The English plural of a subdivision type ("Governorate", "Municipality")."""
    if word.endswith("y") and not word.endswith(("ay", "ey", "oy")):
        return word[:-1] + "ies"
    return word + ("es" if word.endswith(("s", "x", "ch", "sh")) else "s")


def tool_names(country) -> dict[str, str]:
    """The name `make new-site` gives each subdivision, by ISO code: pycountry's, without its
    bracketed note ("Kyïv [city]"), with its type where two share a name (Mozambique's "Maputo")."""
    parts = subdivisions(country)
    short = [re.sub(r"\s*\[.*?\]\s*", "", part.name).strip() for part in parts]
    return {
        part.code: f"{name} ({part.type.lower()})" if short.count(name) > 1 else name
        for part, name in zip(parts, short)
    }


def tool_types(country) -> tuple[dict[str, str], str]:
    """(pycountry's type of each subdivision by ISO code, the most common one)."""
    types = {part.code: part.type for part in subdivisions(country)}
    return types, Counter(types.values()).most_common(1)[0][0] if types else ""


def site_languages(text: str) -> tuple[str, ...]:
    """LANGUAGES as given ("en,ar"): codes Babel knows, the default first; ("en",) when none."""
    from babel import Locale, UnknownLocaleError

    codes = tuple(dict.fromkeys(c.strip().lower() for c in (text or "").split(",") if c.strip())) or ("en",)
    for code in codes:
        try:
            Locale.parse(code)
        except (UnknownLocaleError, ValueError):
            raise NewSiteError(f"LANGUAGES: '{code}' is not a language code (such as en, ar, uk)") from None
        if not code.isalpha() or len(code) > 3:
            raise NewSiteError(
                f"LANGUAGES: '{code}' is a locale, not a language: give its language (such as ar)"
            )
    return codes


def official_languages(country) -> tuple[str, ...]:
    """The country's official languages (Babel's CLDR data: ('uk',) for Ukraine, ('ar',) for
    Syria); () without Babel."""
    try:
        from babel.languages import get_official_languages
    except ImportError:
        return ()
    return tuple(get_official_languages(country.alpha_2))


def provinces_yaml(country, parts: list) -> str:
    """The vocabulary of provinces: each subdivision's name, slug and ISO code, with the name as
    typed without diacritics as an alias, and its type where it is not the most common one (the
    profile of the others says the site's word for a province)."""
    items = []
    names = tool_names(country)
    types, common = tool_types(country)
    for part in parts:
        name = names[part.code]
        item = {"name": name, "slug": slug_of(name)}
        aliases = sorted({plain(name)} - {name})
        if aliases:
            item["aliases"] = aliases
        item["iso"] = part.code
        if types[part.code] != common:
            item["type"] = types[part.code]
        items.append(item)
    header = (
        f"# Provinces of the tracker: the first-level subdivisions of {country.name} (ISO 3166-2),\n"
        f"# names, codes and types from pycountry {pycountry_version()}. `make boundaries` gives them\n"
        "# the names readers know from a boundaries file. Add `aliases` (other spellings authors type),\n"
        "# `local_name` (the name in the country's language, which search finds) and `capital`;\n"
        "# `map: false` for a subdivision the boundaries file has no shape for.\n"
    )
    return header + yaml.safe_dump(items, allow_unicode=True, sort_keys=False, width=100)


def pycountry_version() -> str:
    """The installed pycountry's version (its data's date)."""
    from importlib import metadata

    return metadata.version("pycountry")


def create(
    folder: str, code: str, title: str, tool: str, word: str | None = None, languages: str = ""
) -> list[str]:
    """Write a new site into `folder` (which must be new or empty); the files written."""
    country = country_of(code)
    codes = site_languages(languages)
    parts = subdivisions(country)
    if not parts:
        raise NewSiteError(f"pycountry lists no subdivisions for {country.name}")
    root = Path(folder)
    if root.exists() and (not root.is_dir() or any(root.iterdir())):
        raise NewSiteError(f"DIR {folder} exists and is not empty: give a new folder")
    kind = Counter(p.type for p in parts).most_common(1)[0][0]
    word = one_line_text("WORD", word, 60) or kind
    words = plural(word)
    title = one_line_text("TITLE", title, MAX_TITLE) or f"{short_name(country)} Daily Tracker"
    timezone = first_timezone(country.alpha_2)
    values = {
        "title": title,
        "title_doc": docstring_text(title),
        "subtitle": f"A daily security briefing, {word.lower()} by {word.lower()}",
        "tool": os.path.abspath(tool),
        "timezone": timezone,
        "word": word,
        "words": words,
        "country": short_name(country),
        "word_lower": word.lower(),
        "words_lower": words.lower(),
        "default_lang": codes[0],
        "languages": list(codes) if len(codes) > 1 else [],
    }
    about = {
        **values,
        **{key: markdown_text(values[key]) for key in ("title", "country", "word_lower", "words_lower")},
    }
    files = {
        "pelicanconf.py": SETTINGS.format(**values),
        "publishconf.py": publish_settings(tool, title),
        "content/pages/about.md": ABOUT.format(**about),
        "content/data/provinces.yaml": provinces_yaml(country, parts),
        "content/data/actors.yaml": ACTORS.format(**values),
        "content/entries/.keep": "",
        ".github/workflows/publish.yml": WORKFLOW,
        ".gitignore": GITIGNORE,
    }
    for relative, text in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return list(files)


def publish_settings(tool: str, title: str) -> str:
    """The tool's own publish settings (they import the `pelicanconf` beside them), named for the site."""
    text = (Path(tool) / "publishconf.py").read_text(encoding="utf-8")
    _, rest = text.split("\n", 1)  # its docstring's line
    name = docstring_text(title)
    return f'"""Publish settings of {name}: its own settings, strict, with its address."""\n{rest}'


def one_line_text(name: str, text: str | None, longest: int) -> str:
    """A title or word as typed; NewSiteError for a line break, a control character or too many
    characters (it goes into settings, YAML comments and Markdown)."""
    text = (text or "").strip()
    if CONTROL.search(text) or any(c in text for c in "\n\t\u2028\u2029"):
        raise NewSiteError(f"{name} has a line break or a control character")
    if len(text) > longest:
        raise NewSiteError(f"{name} has {len(text)} characters; at most {longest}")
    return text


def docstring_text(text: str) -> str:
    """Text that a triple-quoted Python string holds as it is (no quote or backslash ends it)."""
    return text.replace("\\", "\\\\").replace('"', '\\"')


def markdown_text(text: str) -> str:
    """Text that Markdown shows as it is: HTML's special characters as entities, Markdown's
    punctuation escaped."""
    return re.sub(r"([\\`*_{}\[\]()#+\-.!])", r"\\\1", html.escape(text, quote=False))


def short_name(country) -> str:
    """The name a reader knows: "Syria", "Iran", not "Syrian Arab Republic", "Iran, Islamic Republic of"."""
    return getattr(country, "common_name", None) or country.name.split(",")[0].strip()


def first_timezone(alpha_2: str) -> str:
    """The country's main time zone in the tz database's zone.tab (the first one listed for it;
    UTC when the database or the country is not there). Edit TIMEZONE if it is not the desk's."""
    from zoneinfo import available_timezones

    for zones in (Path("/usr/share/zoneinfo/zone.tab"), Path("/usr/share/zoneinfo/zone1970.tab")):
        try:
            lines = zones.read_text(encoding="utf-8").splitlines()
        except OSError:
            continue
        found = [
            fields
            for fields in (line.split("\t") for line in lines if not line.startswith("#"))
            if len(fields) > 2 and fields[0].split(",")[0] == alpha_2 and fields[2] in available_timezones()
        ]
        # The zone of "most of" the country when the database says so (Ukraine: Kyiv, not Crimea).
        found.sort(key=lambda fields: "most" not in (fields[3] if len(fields) > 3 else ""))
        if found:
            return found[0][2]
    return "UTC"
