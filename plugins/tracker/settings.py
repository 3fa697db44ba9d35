"""Every setting the plugin reads, with its default and its check, declared in one place.

The settings are checked once, when a build (or a command) starts: every problem is one line
`settings: error: KEY: what is wrong (what was expected)`, all of them are printed, and the
build stops before reading any entry. An unknown `TRACKER_`, `PROVINCE_` or `ACTOR_` key is a
warning naming the nearest known one.
"""

from __future__ import annotations

import datetime as dt
import difflib
import ipaddress
import os
import re
import socket
import string
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .model.yamlnodes import CONTROL, describe_character
from .problems import Problem

DEFAULT_MAP = "data/provinces.geojson"
DEFAULT_PLACES = "data/places.yaml"
DEFAULT_EVENT_TYPES = "data/event_types.yaml"
# A site without these default files has no map, no gazetteer, no event types.
OPTIONAL_FILES = (DEFAULT_MAP, DEFAULT_PLACES, DEFAULT_EVENT_TYPES)
LANGUAGE_CODE = re.compile(r"[a-z]{2,3}")  # a language, not a locale: it names a folder and `lang`
ABSOLUTE = re.compile(r"https?://[^/\s]+", re.IGNORECASE)
Check = Callable[[Any, dict[str, Any]], str | None]  # (value, all settings) -> what is wrong, or None


@dataclass(frozen=True)
class Setting:
    """A setting: its default (None: Pelican's, or none) and the check of its value."""

    check: Check
    default: Any = None
    plugin: bool = True  # False: Pelican's own setting, whose default is Pelican's


# Checks: each returns "what is wrong (what was expected)", or None.


def boolean(value: Any, settings: dict[str, Any]) -> str | None:
    """True or False."""
    return None if isinstance(value, bool) else f"{value!r} is not True or False"


def whole_number(minimum: int, allow_none: bool = False, allow_false: bool = False) -> Check:
    """A whole number of at least `minimum` (or None, or False, where they switch something off)."""

    def check(value: Any, settings: dict[str, Any]) -> str | None:
        if (allow_none and value is None) or (allow_false and value is False):
            return None
        if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
            also = " or None" if allow_none else " or False" if allow_false else ""
            return f"{value!r} is not a whole number of at least {minimum}{also}"
        return None

    return check


def seconds(value: Any, settings: dict[str, Any]) -> str | None:
    """A number of seconds above 0, or None."""
    if value is None or (isinstance(value, (int, float)) and not isinstance(value, bool) and value > 0):
        return None
    return f"{value!r} is not a number of seconds above 0, or None"


def text(value: Any, settings: dict[str, Any]) -> str | None:
    """Text (that a page or a feed can hold)."""
    if not isinstance(value, str):
        return f"{value!r} is not text"
    found = CONTROL.search(value)
    return f"{describe_character(found.group())} is not allowed in text" if found else None


def optional_text(value: Any, settings: dict[str, Any]) -> str | None:
    """Text, or None."""
    return None if value is None else text(value, settings)


def time_of_day(value: Any, settings: dict[str, Any]) -> str | None:
    """A time of day, 'HH:MM' on the 24-hour clock."""
    if isinstance(value, str) and re.fullmatch(r"([01]\d|2[0-3]):[0-5]\d", value):
        return None
    return f"{value!r} is not a time of day 'HH:MM' (for example '12:00')"


ENTRY_RULES = ("body", "provinces", "actors", "summary", "sources")
RULE_SEVERITIES = ("error", "warning", "off")


def entry_rules(value: Any, settings: dict[str, Any]) -> str | None:
    """What a published entry must have, each rule with the severity of breaking it."""
    if not isinstance(value, dict):
        return f"{value!r} is not a mapping of rule to severity (rules: {', '.join(ENTRY_RULES)})"
    for rule, severity in value.items():
        if rule not in ENTRY_RULES:
            near = difflib.get_close_matches(str(rule), ENTRY_RULES, 1)
            hint = f"did you mean '{near[0]}'?" if near else f"rules: {', '.join(ENTRY_RULES)}"
            return f"unknown rule {rule!r} ({hint})"
        if severity not in RULE_SEVERITIES:
            return f"rule '{rule}': {severity!r} is not one of {', '.join(RULE_SEVERITIES)}"
    return None


def text_list(value: Any, settings: dict[str, Any]) -> str | None:
    """A list of text."""
    if isinstance(value, (list, tuple)) and all(isinstance(item, str) for item in value):
        return None
    return f"{value!r} is not a list of text"


def time_zone(value: Any, settings: dict[str, Any]) -> str | None:
    """A time zone name the system knows."""
    if not isinstance(value, str) or not value:
        return f"{value!r} is not a time zone name (for example 'Asia/Baghdad')"
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        return f"unknown time zone '{value}' (expected a name such as 'Asia/Baghdad' or 'UTC')"
    return None


def content_file(optional: bool = False) -> Check:
    """A file named relative to the content folder (a vocabulary, the map)."""

    def check(value: Any, settings: dict[str, Any]) -> str | None:
        if optional and not value:
            return None
        if not isinstance(value, str) or not value or "\x00" in value:
            return f"{value!r} is not a file name (a path relative to the content folder)"
        content = str(settings.get("PATH", ""))
        path = os.path.join(content, value)
        if os.path.isabs(value) or ".." in value.replace("\\", "/").split("/"):
            return f"'{value}' is not inside the content folder (give a path relative to it)"
        if optional and value in OPTIONAL_FILES and not os.path.lexists(path):
            return None  # a site without the default map or places file simply has none
        real, root = os.path.realpath(path), os.path.realpath(content)
        if not real.startswith(root.rstrip(os.sep) + os.sep):
            return f"'{value}' leads outside the content folder (a symbolic link?)"
        if os.path.isdir(path):
            return f"'{value}' is a folder (expected a file in the content folder)"
        if not os.path.isfile(path):
            return f"'{value}' is not a file in the content folder {settings.get('PATH')}"
        if not os.access(path, os.R_OK):
            return f"'{value}' cannot be read"
        return None

    return check


def cache_setting(value: Any, settings: dict[str, Any]) -> str | None:
    """'auto', None, or the absolute path of a file outside the output and content folders (the
    store holds the text of drafts: an output folder may be served, and a content folder is
    published from)."""
    if value in (None, "", "auto"):
        return None
    if not isinstance(value, str) or "\x00" in value:
        return f"{value!r} is not 'auto', None or a file name"
    if not os.path.isabs(value):
        return f"'{value}' is not an absolute path (a relative one would follow the current folder)"
    if os.path.isdir(value):
        return f"'{value}' is a folder (expected a file name)"
    real = os.path.realpath(value)
    for key, what in (("OUTPUT_PATH", "output"), ("PATH", "content")):
        folder = settings.get(key)
        if folder and _inside(real, os.path.realpath(str(folder))):
            return (
                f"'{value}' is inside the {what} folder {folder} (the store holds drafts' text: "
                "keep it in the cache folder, 'auto')"
            )
    return None


def _inside(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)


FIELDS = {
    "term": {"slug", "name"},
    "entry": {
        "slug",
        "date",
        "lang",
        "category",
        "author",
        "path",
        "title",
        "status",
        "updated",
        "modified",
        "covers",
        "provinces",
        "actors",
        "places",
        "tags",
        "sources",
        "summary",
    },
    "period": {"date"},
    "none": set(),
}
SAMPLE = {
    "slug": "x",
    "name": "x",
    "lang": "en",
    "category": "x",
    "author": "x",
    "path": "x",
    "title": "x",
    "status": "published",
    "date": dt.datetime(2014, 6, 22),
    "updated": dt.datetime(2014, 6, 22),
    "modified": dt.datetime(2014, 6, 22),
}


def pattern(kind: str, save_as: bool = False, optional: bool = False) -> Check:
    """A URL or save-as pattern in str.format syntax, using only the fields `kind` offers."""

    def check(value: Any, settings: dict[str, Any]) -> str | None:
        if optional and value in (None, "", False):
            return None
        if not isinstance(value, str):
            return f"{value!r} is not a text pattern" + (" or None" if optional else "")
        try:
            fields = {
                name.split(".")[0].split("[")[0]
                for _, name, _, _ in string.Formatter().parse(value)
                if name is not None
            }
        except ValueError as exc:
            return f"'{value}' is not a valid pattern ({exc})"
        unknown = sorted(fields - FIELDS[kind])
        if unknown:
            known = ", ".join("{" + f + "}" for f in sorted(FIELDS[kind])) or "none"
            return f"'{value}' uses {{{unknown[0]}}} (fields it may use: {known})"
        try:
            value.format(**{name: SAMPLE.get(name, "x") for name in fields})
        except (ValueError, TypeError, KeyError, IndexError, AttributeError) as exc:
            return f"'{value}' cannot be filled in ({exc})"
        if save_as and (value.startswith("/") or ".." in value.split("/")):
            return f"'{value}' leads out of the output folder (expected a relative path)"
        return None

    return check


def pagination_patterns(value: Any, settings: dict[str, Any]) -> str | None:
    """Pelican's (first page number, URL pattern, save-as pattern) triples."""
    shape = "a list of (first page number, URL pattern, save-as pattern)"
    if not isinstance(value, (list, tuple)) or not value:
        return f"{value!r} is not {shape}"
    for item in value:
        if (
            not isinstance(item, (list, tuple))
            or len(item) != 3
            or isinstance(item[0], bool)
            or not isinstance(item[0], int)
            or not all(isinstance(p, str) for p in item[1:])
        ):
            return f"{item!r} is not (first page number, URL pattern, save-as pattern)"
    return None


def mapping(value: Any, settings: dict[str, Any]) -> str | None:
    """A mapping."""
    return None if isinstance(value, dict) else f"{value!r} is not a mapping"


def paths_list(value: Any, settings: dict[str, Any]) -> str | None:
    """A list of at least one folder name."""
    if text_list(value, settings) or not value:
        return f"{value!r} is not a list of at least one folder name"
    return None


def entry_paths(value: Any, settings: dict[str, Any]) -> str | None:
    """The entry folders (ARTICLE_PATHS as the site gives it, before the plugin takes it over)."""
    return paths_list(settings.get("TRACKER_ENTRY_PATHS", value), settings)


def one_of(*choices: str) -> Check:
    """One of a few words."""

    def check(value: Any, settings: dict[str, Any]) -> str | None:
        return None if value in choices else f"{value!r} is not one of {', '.join(map(repr, choices))}"

    return check


def locale_name(value: Any, settings: dict[str, Any]) -> str | None:
    """A locale Babel knows ("ar", "ar_IQ", "uk")."""
    try:
        from babel import Locale, UnknownLocaleError

        Locale.parse(str(value).replace("-", "_"))
    except (UnknownLocaleError, ValueError, TypeError):
        return f"{value!r} is not a language or locale Babel knows (such as 'en', 'ar', 'ar_IQ', 'uk')"
    return None


def locales(value: Any, settings: dict[str, Any]) -> str | None:
    """Language code -> the locale its dates and numbers are written in."""
    if not isinstance(value, dict):
        return f"{value!r} is not a mapping of language codes to locales"
    return next((f"{k}: {wrong}" for k, v in value.items() if (wrong := locale_name(v, settings))), None)


def languages(value: Any, settings: dict[str, Any]) -> str | None:
    """The site's languages, its default first (["en", "ar"]), or none (one language: DEFAULT_LANG)."""
    if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) and v for v in value):
        return f"{value!r} is not a list of language codes (such as ['en', 'ar'])"
    if len(set(value)) != len(value):
        return f"{value!r} names a language twice"
    wrong = [v for v in value if locale_name(v, settings) or not LANGUAGE_CODE.fullmatch(v)]
    return f"{wrong[0]!r} is not a language code Babel knows (such as 'en', 'ar', 'uk')" if wrong else None


# What a language's own settings may give it (TRACKER_LANGUAGE_SETTINGS): the site's words.
PER_LANGUAGE = ("SITENAME", "SITESUBTITLE", "AUTHOR", "TRACKER_MAP_ATTRIBUTION", "TRACKER_LICENSE")


def language_settings(value: Any, settings: dict[str, Any]) -> str | None:
    """Language code -> the settings its pages use instead of the site's ({"ar": {"SITENAME": …}})."""
    if not isinstance(value, dict) or not all(isinstance(v, dict) for v in value.values()):
        return f"{value!r} is not a mapping of language codes to settings"
    for code, given in value.items():
        wrong = sorted(set(given) - set(PER_LANGUAGE))
        if wrong:
            return (
                f"{code}: {wrong[0]} is not a setting a language may change (only {', '.join(PER_LANGUAGE)})"
            )
        if not all(isinstance(v, str) for v in given.values()):
            return f"{code}: every value must be text"
    return None


def _plugin(check: Check, default: Any) -> Setting:
    return Setting(check, default)


def _pelican(check: Check) -> Setting:
    return Setting(check, plugin=False)


SCHEMA: dict[str, Setting] = {
    "TRACKER_PROVINCES": _plugin(content_file(), "data/provinces.yaml"),
    "TRACKER_ACTORS": _plugin(content_file(), "data/actors.yaml"),
    "TRACKER_MAP": _plugin(content_file(optional=True), DEFAULT_MAP),
    "TRACKER_PLACES": _plugin(content_file(optional=True), DEFAULT_PLACES),
    "TRACKER_EVENT_TYPES": _plugin(content_file(optional=True), DEFAULT_EVENT_TYPES),
    "TRACKER_STRICT": _plugin(boolean, False),
    # `make check`: read and check everything, write nothing
    "TRACKER_CHECK": _plugin(boolean, False),
    "TRACKER_QUIET": _plugin(boolean, False),  # print errors and warnings only, no info lines
    "TRACKER_CACHE": _plugin(
        cache_setting, "auto"
    ),  # "auto": a file per output folder in the user's cache folder
    "TRACKER_PARALLEL_MIN": _plugin(
        whole_number(0), 200
    ),  # read or render in worker processes from this many files or outputs
    # worker processes that read and render (0: one per core; `-j N` on the command line)
    "TRACKER_WORKERS": _plugin(whole_number(0), 0),
    "TRACKER_MARKDOWN_TIME_LIMIT": _plugin(
        seconds, 5
    ),  # seconds to render one entry's Markdown; None: no limit
    "TRACKER_FRONT_MATTER_TIME_LIMIT": _plugin(
        seconds, 5
    ),  # seconds to read and check one entry's front matter; None: no limit
    # The most days an entry's `covers:` may span (see model/entries.py for why a year).
    "TRACKER_COVERS_MAX_DAYS": _plugin(whole_number(1), 366),
    "TRACKER_LOCK": _plugin(
        boolean, True
    ),  # False only where another process holds the lock (publish's fresh folder)
    "TRACKER_RAW_HTML": _plugin(
        boolean, False
    ),  # True: trust authors' raw HTML (scripts, iframes) in Markdown
    "PROVINCE_URL": _plugin(pattern("term"), "provinces/{slug}/"),
    "PROVINCE_SAVE_AS": _plugin(pattern("term", save_as=True), "provinces/{slug}/index.html"),
    "PROVINCES_URL": _plugin(pattern("none"), "provinces/"),
    "PROVINCES_SAVE_AS": _plugin(pattern("none", save_as=True), "provinces/index.html"),
    "ACTOR_URL": _plugin(pattern("term"), "actors/{slug}/"),
    "ACTOR_SAVE_AS": _plugin(pattern("term", save_as=True), "actors/{slug}/index.html"),
    "ACTORS_URL": _plugin(pattern("none"), "actors/"),
    "ACTORS_SAVE_AS": _plugin(pattern("none", save_as=True), "actors/index.html"),
    "PLACE_URL": _plugin(pattern("term"), "places/{slug}/"),
    "PLACE_SAVE_AS": _plugin(pattern("term", save_as=True), "places/{slug}/index.html"),
    "PLACES_URL": _plugin(pattern("none"), "places/"),
    "PLACES_SAVE_AS": _plugin(pattern("none", save_as=True), "places/index.html"),
    "TRACKER_FEED_RSS": _plugin(pattern("none", save_as=True, optional=True), "rss.xml"),
    "TRACKER_FEED_ATOM": _plugin(pattern("none", save_as=True, optional=True), "atom.xml"),
    "PROVINCE_FEED_RSS": _plugin(pattern("term", save_as=True, optional=True), "provinces/{slug}/rss.xml"),
    "PROVINCE_FEED_ATOM": _plugin(pattern("term", save_as=True, optional=True), "provinces/{slug}/atom.xml"),
    "ACTOR_FEED_RSS": _plugin(pattern("term", save_as=True, optional=True), "actors/{slug}/rss.xml"),
    "ACTOR_FEED_ATOM": _plugin(pattern("term", save_as=True, optional=True), "actors/{slug}/atom.xml"),
    "PLACE_FEED_RSS": _plugin(pattern("term", save_as=True, optional=True), "places/{slug}/rss.xml"),
    "PLACE_FEED_ATOM": _plugin(pattern("term", save_as=True, optional=True), "places/{slug}/atom.xml"),
    "TRACKER_FEED_JSON": _plugin(pattern("none", save_as=True, optional=True), "feed.json"),
    "TRACKER_FEED_FULL_CONTENT": _plugin(boolean, True),
    # The time of an entry dated by day alone, in TIMEZONE: noon keeps its day for readers 12 hours
    # either side of the site's zone (Baghdad's noon is 09:00 UTC: the same day from UTC-9 to UTC+14).
    "TRACKER_DATE_ONLY_TIME": _plugin(time_of_day, "12:00"),
    # What every published entry should have; a rule left out is off.
    "TRACKER_ENTRY_RULES": _plugin(entry_rules, {rule: "warning" for rule in ENTRY_RULES}),
    "TRACKER_FEEDS_URL": _plugin(pattern("none"), "feeds/"),
    "TRACKER_FEEDS_SAVE_AS": _plugin(pattern("none", save_as=True), "feeds/index.html"),
    "TRACKER_OPML_SAVE_AS": _plugin(pattern("none", save_as=True), "feeds.opml"),
    "TRACKER_CORRECTIONS_URL": _plugin(pattern("none"), "corrections/"),
    "TRACKER_CORRECTIONS_SAVE_AS": _plugin(pattern("none", save_as=True), "corrections/index.html"),
    # Data: the events and entries as CSV and JSON, in the folder of the data page; False: none.
    "TRACKER_DATA": _plugin(boolean, True),
    "TRACKER_DATA_URL": _plugin(pattern("none"), "data/"),
    "TRACKER_DATA_SAVE_AS": _plugin(pattern("none", save_as=True), "data/index.html"),
    # The licence of the site's content, named on the data page (no name: none is stated).
    "TRACKER_LICENSE": _plugin(optional_text, None),
    "TRACKER_LICENSE_URL": _plugin(optional_text, None),
    # Search: an index of the published entries (Pagefind) and a search page; False: neither.
    "TRACKER_SEARCH": _plugin(boolean, True),
    # What the site calls its first-level divisions, singular and plural ("Governorate",
    # "Governorates"; "Oblast", "Oblasts"): in navigation, headings, search filters and feeds.
    "TRACKER_PROVINCE_WORD": _plugin(text, "Province"),
    "TRACKER_PROVINCES_WORD": _plugin(text, "Provinces"),
    # Where the map's boundaries come from, under every map ("" for no line).
    "TRACKER_MAP_ATTRIBUTION": _plugin(text, ""),
    # The search index is cut by the entries' dates into shards, each indexed again only when one of
    # its entries changes: a "year", "quarter" or "month" each.
    "TRACKER_SEARCH_SHARD": _plugin(one_of("year", "quarter", "month"), "quarter"),
    "TRACKER_SEARCH_URL": _plugin(pattern("none"), "search/"),
    "TRACKER_SEARCH_SAVE_AS": _plugin(pattern("none", save_as=True), "search/index.html"),
    # Year and month archives are written by this plugin (Pelican's own grouping is quadratic).
    "TRACKER_YEAR_ARCHIVE_URL": _plugin(pattern("period", optional=True), "{date:%Y}/"),
    "TRACKER_YEAR_ARCHIVE_SAVE_AS": _plugin(
        pattern("period", save_as=True, optional=True), "{date:%Y}/index.html"
    ),
    "TRACKER_MONTH_ARCHIVE_URL": _plugin(pattern("period", optional=True), "{date:%Y}/{date:%m}/"),
    "TRACKER_MONTH_ARCHIVE_SAVE_AS": _plugin(
        pattern("period", save_as=True, optional=True), "{date:%Y}/{date:%m}/index.html"
    ),
    # A page per ISO 8601 week with entries ({date} is its Monday; %G and %V its ISO year and
    # number); an empty save-as: none. The weekly feed has an item per finished week.
    "TRACKER_WEEK_URL": _plugin(pattern("period", optional=True), "weeks/{date:%G}-W{date:%V}/"),
    "TRACKER_WEEK_SAVE_AS": _plugin(
        pattern("period", save_as=True, optional=True), "weeks/{date:%G}-W{date:%V}/index.html"
    ),
    "TRACKER_WEEKLY_FEED_RSS": _plugin(pattern("none", save_as=True, optional=True), "weeks/rss.xml"),
    "TRACKER_WEEKLY_FEED_ATOM": _plugin(pattern("none", save_as=True, optional=True), "weeks/atom.xml"),
    # Languages: the locale whose dates and numbers each language's pages use (default: the
    # language's own; "ar_IQ" names the months as Iraq and the Levant do, حزيران, and "ar" or
    # "ar_EG" as Egypt and the Gulf do, يونيو), and the digits they are written in.
    "TRACKER_LANGUAGES": _plugin(languages, []),
    "TRACKER_LOCALES": _plugin(locales, {}),
    "TRACKER_LANGUAGE_SETTINGS": _plugin(language_settings, {}),
    "TRACKER_DIGITS": _plugin(one_of("latin", "native"), "latin"),
    # Pelican's settings this plugin relies on.
    "DEFAULT_LANG": _pelican(locale_name),
    "TIMEZONE": _pelican(time_zone),
    "DEFAULT_PAGINATION": _pelican(whole_number(1, allow_false=True)),
    "PAGINATION_PATTERNS": _pelican(pagination_patterns),
    "SITEURL": _pelican(text),
    "FEED_DOMAIN": _pelican(optional_text),
    "FEED_MAX_ITEMS": _pelican(whole_number(1, allow_none=True)),
    "SITENAME": _pelican(text),
    # The entry folders: the site's ARTICLE_PATHS, which this plugin reads instead of Pelican.
    "ARTICLE_PATHS": _pelican(entry_paths),
    "PAGE_PATHS": _pelican(text_list),
    "STATIC_PATHS": _pelican(text_list),
    "OUTPUT_RETENTION": _pelican(text_list),
    "DIRECT_TEMPLATES": _pelican(text_list),
    "MARKDOWN": _pelican(mapping),
    "RELATIVE_URLS": _pelican(boolean),
    **{
        key: _pelican(pattern("entry", save_as=key.endswith("SAVE_AS"), optional=True))
        for key in (
            "ARTICLE_URL",
            "ARTICLE_SAVE_AS",
            "PAGE_URL",
            "PAGE_SAVE_AS",
            "DRAFT_URL",
            "DRAFT_SAVE_AS",
            "DRAFT_PAGE_URL",
            "DRAFT_PAGE_SAVE_AS",
            "TAG_URL",
            "TAG_SAVE_AS",
            "AUTHOR_URL",
            "AUTHOR_SAVE_AS",
        )
    },
}
DEFAULTS = {key: setting.default for key, setting in SCHEMA.items() if setting.plugin}
# Settings this plugin keeps in the settings mapping for the length of a build (not the site's).
INTERNAL = {"TRACKER_ENTRY_PATHS", "TRACKER_PUBLISHING", "TRACKER_LANGUAGE_PASS"}
OWN_PREFIXES = ("TRACKER_", "PROVINCE_", "PROVINCES_", "ACTOR_", "ACTORS_", "PLACE_", "PLACES_")


def check_settings(settings: dict[str, Any]) -> list[Problem]:
    """Every problem with the settings (defaults filled in), errors and warnings, in key order."""
    values = {**DEFAULTS, **settings}
    problems = []
    for key, setting in SCHEMA.items():
        if key not in values and not setting.plugin:
            continue  # a Pelican setting this version of Pelican does not have
        wrong = setting.check(values[key], values)
        if wrong:
            problems.append(Problem("settings", 0, "error", f"{key}: {wrong}"))
    for key in sorted(
        k for k in settings if k.startswith(OWN_PREFIXES) and k not in SCHEMA and k not in INTERNAL
    ):
        near = difflib.get_close_matches(key, list(SCHEMA), n=1, cutoff=0.75)
        hint = f" (did you mean {near[0]}?)" if near else ""
        problems.append(Problem("settings", 0, "warning", f"{key}: unknown setting, ignored{hint}"))
    for key in ("SITEURL", "FEED_DOMAIN"):
        wrong = address_parts(values.get(key))
        if wrong and not any(p.message.startswith(key) for p in problems):
            problems.append(Problem("settings", 0, "error", f"{key}: {wrong}"))
    base = str(values.get("FEED_DOMAIN") or values.get("SITEURL") or "").rstrip("/")
    if not any(p.message.startswith(("SITEURL", "FEED_DOMAIN")) for p in problems) and not ABSOLUTE.match(
        base
    ):
        severity = "error" if values.get("TRACKER_STRICT") is True else "warning"
        problems.append(
            Problem(
                "settings",
                0,
                severity,
                f"SITEURL (or FEED_DOMAIN) '{base}' is not an absolute http(s) "
                "address; feed links must be absolute, so no feed is written",
            )
        )
    return problems


def address_problems(settings: dict[str, Any]) -> list[Problem]:
    """When publishing or checking, an address that is a placeholder: an error that fails the
    build, said with the entries' problems (it stops nothing from being checked)."""
    values = {**DEFAULTS, **settings}
    base = str(values.get("FEED_DOMAIN") or values.get("SITEURL") or "").rstrip("/")
    host = (urlsplit(base).hostname or "") if ABSOLUTE.match(base) else ""
    if values.get("TRACKER_PUBLISHING") is not True or not host or not is_placeholder(host):
        return []
    feed_domain = values.get("FEED_DOMAIN")
    key = "FEED_DOMAIN" if feed_domain and feed_domain != values.get("SITEURL") else "SITEURL"
    return [
        Problem(
            "settings",
            0,
            "error",
            f"{key} '{base}' is a placeholder address: give the site's address (SITEURL in its "
            "publishconf.py, or TRACKER_SITEURL=https://… make check / make publish)",
        )
    ]


def address_parts(value: Any) -> str | None:
    """What is wrong with a site address that every link is made by adding a path to: a query, a
    fragment or a user name in it would end up in the middle of every link."""
    if not isinstance(value, str) or not value:
        return None
    try:
        parts = urlsplit(value)
    except ValueError as exc:
        return f"'{value}' is not an address ({exc})"
    extra = [
        what
        for what, there in (
            ("a query", parts.query),
            ("a fragment", parts.fragment),
            ("a user name", parts.username),
        )
        if there or (what == "a query" and "?" in value) or (what == "a fragment" and "#" in value)
    ]
    if extra:
        shown = value.replace(f":{parts.password}@", ":…@") if parts.password else value  # never echoed
        return (
            f"'{shown}' has {' and '.join(extra)}: every link adds a path to this address, so give the "
            f"address alone ({parts.scheme}://{parts.hostname or ''}{parts.path})"
        )
    return None


# Names no published site has: RFC 2606's and RFC 6761's reserved names, mDNS's `.local`
# (RFC 6762), `.internal` (ICANN, 2024) and `home.arpa` (RFC 8375).
RESERVED_NAMES = (
    "example.org",
    "example.com",
    "example.net",
    "example",
    "invalid",
    "localhost",
    "test",
    "local",
    "internal",
    "home.arpa",
)
# Addresses no reader can reach a site at: documentation ranges (RFC 5737, RFC 3849) and the
# loopback, unspecified, link-local, multicast and reserved ones (`ipaddress` knows those).
DOCUMENTATION_NETWORKS = tuple(
    ipaddress.ip_network(n) for n in ("192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24", "2001:db8::/32")
)


def is_placeholder(host: str) -> bool:
    """Whether `host` is an address no published site has: a reserved name, this machine, or an
    address that is not on the internet."""
    host = host.lower().rstrip(".").strip("[]")
    address = ip_of(host)
    if address is None:
        return any(host == name or host.endswith("." + name) for name in RESERVED_NAMES)
    return (
        address.is_loopback
        or address.is_unspecified
        or address.is_link_local
        or address.is_multicast
        or address.is_reserved
        or any(address in network for network in DOCUMENTATION_NETWORKS)
    )


def ip_of(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    """The IP address a host name is written as, in any form a browser reads (`127.1`,
    `2130706433`, `0x7f.0.0.1`), or None for a name."""
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        pass
    if host and all(re.fullmatch(r"0x[0-9a-f]*|[0-9]+", part) for part in host.split(".")):
        try:
            return ipaddress.IPv4Address(socket.inet_aton(host))
        except OSError:
            return None
    return None
