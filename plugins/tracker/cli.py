"""The authoring commands behind `make new`, `make check`, `make publish`, `make clean`,
`make serve` and `make devserver`.

    python -m tracker.cli new --input content --conf pelicanconf.py --title "Qaim falls"
    python -m tracker.cli check --input content --conf publishconf.py
    python -m tracker.cli html --input content --output output --conf pelicanconf.py [pelican options]
    python -m tracker.cli publish --input content --output output --conf publishconf.py
    python -m tracker.cli clean --input content --output output --conf pelicanconf.py
    python -m tracker.cli serve --input content --output output --conf pelicanconf.py [--rebuild]

Every refusal is one line on stderr and a non-zero exit; nothing is moved or deleted before
every check has passed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
import tempfile
import threading
from collections import Counter
from functools import partial
from zoneinfo import ZoneInfo

import pelican
from pelican.settings import read_settings

from .build import language_cache, site_slugify, store_path
from .devserver import Builds, make_server, rebuild_forever
from .model.entries import FILE_DATE, MAX_TITLE, YEARS
from .model.yamlnodes import CONTROL
from .problems import Reporter, display_path
from .publishing import Interrupted, Refused, interruptible, publish_into, seed
from .reading.inventory import take_inventory
from .settings import DEFAULT_MAP, DEFAULTS, check_settings
from .writing.outfolder import (
    MARKER,
    FolderRefused,
    OutputLock,
    check_output_folder,
    is_mount_point,
    read_marker,
    remove_files,
)

TEMPLATE = """\
---
title: {title}
date: {date}
summary:  # one or two sentences, shown in lists, feeds and on the home page
provinces: []
actors: []
# places: []
sources: []  # ["Reuters <https://www.reuters.com/…>", "local council by phone"]: a link when there is one
# Events: one per incident, with ACLED's types (battles, explosions, violence against
# civilians, protests, riots, strategic developments). Remove the # to fill one in.
# events:
#   - type: explosions
#     sub_type: air strike
#     place:           # or province:
#     actors: []
#     fatalities:      # the lowest figure reported; leave it out when none was given (no figure
#                      # is not 0); a range or an estimate goes in notes
#     notes: ""
# covers: {day}/{day}
# tags: []
# updated: {day}
status: draft  # remove this line to publish
---

"""
SLUG_LENGTH = 80  # file names stay readable; the title itself is kept whole


class SettingsRefused(Exception):
    """The settings have errors, already printed one per line."""


def load_settings(content: str, conf: str, output: str | None = None) -> dict:
    """The site's settings with the content (and output) folder given on the command line."""
    if not os.path.isdir(content):
        raise Refused(f"content folder '{content}' does not exist (INPUTDIR)")
    if not os.path.isfile(conf):
        raise Refused(f"settings file '{conf}' does not exist")
    override = {"PATH": os.path.abspath(content)}
    if output is not None:
        override["OUTPUT_PATH"] = os.path.abspath(output)
    try:
        settings = read_settings(conf, override=override)
    except Exception as exc:  # the settings file is the site's own Python: any error in it is one line
        raise Refused(f"settings file '{conf}' could not be read: {type(exc).__name__}: {exc}") from None
    errors = Reporter([p for p in check_settings(settings) if p.severity == "error"])
    if errors.problems:
        errors.print()
        raise SettingsRefused()
    return settings


def new_entry(content: str, conf: str, title: str, day: str | None) -> int:
    """Create today's entry file (in the site's TIMEZONE) and print its path; never overwrite."""
    settings = load_settings(content, conf)
    if not title.strip():
        raise Refused('give the entry a title, e.g. make new TITLE="Qaim falls"')
    if len(title) > MAX_TITLE:
        raise Refused(f"the title has {len(title)} characters; at most {MAX_TITLE}")
    if CONTROL.search(title) or any(c in title for c in "\n\t\u2028\u2029"):
        raise Refused("the title has a line break or a control character")
    now = dt.datetime.now(ZoneInfo(settings["TIMEZONE"]))
    date = parse_day(day) if day else now.date()
    slug = short_slug(site_slugify(settings)(title))
    if not slug:
        raise Refused(f"the title '{title}' has no letter or digit to make a file name from")
    folder = os.path.join(content, settings["ARTICLE_PATHS"][0])
    existing = entry_with_slug(folder, slug)
    if existing:
        raise Refused(f"{existing} already has the slug '{slug}'; choose another title (nothing written)")
    path = os.path.join(folder, f"{date:%Y}", f"{date:%Y-%m-%d}-{slug}.md")
    os.makedirs(os.path.dirname(path), exist_ok=True)
    stamp = date.isoformat() if day else f"{now:%Y-%m-%d %H:%M}"
    with open(path, "x", encoding="utf-8") as handle:
        handle.write(TEMPLATE.format(title=_yaml_text(title), date=f'"{stamp}"', day=date.isoformat()))
    print(path)
    return 0


def parse_day(text: str) -> dt.date:
    """DATE=YYYY-MM-DD, within the years an entry may have."""
    try:
        day = dt.date.fromisoformat(text.strip())
    except ValueError:
        raise Refused(f"DATE '{text}' is not a day written YYYY-MM-DD") from None
    if not YEARS[0] <= day.year <= YEARS[1]:
        raise Refused(f"DATE '{text}' is outside the years {YEARS[0]} to {YEARS[1]}")
    return day


def short_slug(slug: str) -> str:
    """A slug cut at a word boundary to SLUG_LENGTH characters."""
    if len(slug) <= SLUG_LENGTH:
        return slug
    cut = slug[:SLUG_LENGTH]
    return cut.rsplit("-", 1)[0] if "-" in cut else cut


def entry_with_slug(folder: str, slug: str) -> str | None:
    """An existing entry file whose name gives `slug` (the URL `make new` would give), or None."""
    for path in take_inventory(folder, [""], [], Reporter()).sources:
        stem = os.path.splitext(os.path.basename(path))[0]
        if FILE_DATE.sub("", stem, count=1) == slug:
            return display_path(path)
    return None


def _yaml_text(text: str) -> str:
    """A title as a YAML double-quoted scalar, safe whatever punctuation it holds."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def build(content: str, output: str, conf: str, *extra: str, options: tuple[str, ...] = ("-q",)) -> int:
    """Run Pelican as the `pelican` command does; our plugin prints problems and sets the exit code.
    `extra` settings win over any the options (PELICANOPTS) give with `-e`."""
    given, options = split_extra_settings(options)
    jobs, options = split_jobs(options)
    given += jobs
    check_extra_settings(given)
    argv = [content, "-o", output, "-s", conf, *options]
    if given or extra:
        argv += ["-e", *given, *extra]
    try:
        pelican.main(argv)
    except SystemExit as stop:
        return int(stop.code or 0)
    return 0


def split_extra_settings(options: tuple[str, ...] | list[str]) -> tuple[list[str], list[str]]:
    """(the KEY=VALUE items of pelican's `-e`/`--extra-settings` options, the other options)."""
    given: list[str] = []
    rest: list[str] = []
    taking = False
    for option in options:
        if option in ("-e", "--extra-settings"):
            taking = True
        elif option.startswith("--extra-settings="):
            taking = True
            given.append(option.partition("=")[2])
        elif option.startswith("-e") and not option.startswith("--"):
            taking = True
            given.append(option[2:])
        elif taking and not option.startswith("-"):
            given.append(option)
        else:
            taking = False
            rest.append(option)
    return given, rest


def split_jobs(options: list[str]) -> tuple[list[str], list[str]]:
    """(`-j N`, `-jN`, `--jobs N` or `--jobs=N` as the setting TRACKER_WORKERS=N, the other
    options): how many worker processes a build runs (0: one per core)."""
    found: list[str] = []
    rest: list[str] = []
    taking = False
    for option in options:
        if taking:
            found, taking = [f"TRACKER_WORKERS={option}"], False
        elif option in ("-j", "--jobs"):
            taking = True
        elif option.startswith("--jobs="):
            found = [f"TRACKER_WORKERS={option.partition('=')[2]}"]
        elif option.startswith("-j") and option[2:].isdigit():
            found = [f"TRACKER_WORKERS={option[2:]}"]
        else:
            rest.append(option)
    if taking:
        raise Refused("PELICANOPTS: -j needs a number of workers (0: one per core)")
    return found, rest


def check_extra_settings(items: list[str]) -> None:
    """Refused, in one line, for a `-e KEY=VALUE` whose value is not JSON (as Pelican reads it)."""
    for item in items:
        key, equals, value = item.partition("=")
        if not equals or not key.strip():
            raise Refused(f"PELICANOPTS: '-e {item}' is not KEY=VALUE")
        try:
            json.loads(value)
        except ValueError:
            raise Refused(
                f"PELICANOPTS: -e {item}: '{value}' is not a JSON value "
                """(true, false, null, a number, or text in double quotes: -e 'KEY="text"')"""
            ) from None


def html(content: str, output: str, conf: str, options: list[str]) -> int:
    """`make html`: the pelican command, after the checks it would otherwise answer with a traceback."""
    check_output_folder(os.path.abspath(output), load_settings(content, conf, output))
    status = build(content, output, conf, options=tuple(options))
    if status == 0 and "-r" not in options and "--autoreload" not in options:
        folder = os.path.relpath(os.path.abspath(output))
        folder = os.path.abspath(output) if folder.startswith("..") else folder
        print(
            f"the site is in {os.path.join(folder, 'index.html')}: see it with make serve or make devserver "
            "(with the same SITE= or OUTPUTDIR=), on http://127.0.0.1:8000"
        )
    return status


def check(content: str, conf: str, quiet: bool = False, options: list[str] = ()) -> int:
    """Every check of a strict build, drafts included, without writing anything."""
    load_settings(content, conf)
    extra = ["TRACKER_CHECK=true", "TRACKER_PUBLISHING=true", "DELETE_OUTPUT_DIRECTORY=false"] + (
        ["TRACKER_QUIET=true"] if quiet else []
    )
    with tempfile.TemporaryDirectory() as scratch:
        return build(content, scratch, conf, *extra, options=("-q", *options))


def publish(content: str, output: str, conf: str, options: list[str] = ()) -> int:
    """A strict build into a fresh folder beside the output folder, swapped in only if it all
    succeeded (see publishing.py). A symbolic link publishes into the folder it points to."""
    settings = load_settings(content, conf, output)
    target = published_folder(output, settings)
    lock = OutputLock(target)
    lock.acquire("make publish")
    # The published site's own store (not the preview's): a publish starts from a copy of the
    # last site (hard links) and renders only what changed since.
    store = store_path(target, settings.get("TRACKER_CACHE", "auto"))

    def build_into(fresh: str) -> int:
        if seed(fresh, target, store):  # then each other language's site, from its own store
            for code in (settings.get("TRACKER_LANGUAGES") or [])[1:]:
                seed(os.path.join(fresh, code), os.path.join(target, code), language_cache(store, code))
        # No lock of its own: this publish holds the target's.
        return build(
            content,
            fresh,
            conf,
            "TRACKER_STRICT=true",
            "TRACKER_PUBLISHING=true",
            'DRAFT_SAVE_AS=""',
            'DRAFT_PAGE_SAVE_AS=""',
            f"TRACKER_CACHE={json.dumps(store)}",
            "TRACKER_LOCK=false",
            "DELETE_OUTPUT_DIRECTORY=false",  # it holds the last site's files: stale ones are removed
            options=("-q", *options),
        )

    try:
        status = publish_into(target, settings.get("OUTPUT_RETENTION", []), build_into, output)
    finally:
        lock.release()
    if status == 0:
        print(f"published to {output}" + (f" ({target})" if target != os.path.abspath(output) else ""))
    return status


def same_site(content: str, site_conf: str, publish_conf: str) -> None:
    """Refuse publish settings that are another site's: a second tracker never publishes under
    the first one's name."""
    published = load_settings(content, publish_conf)
    forget_settings_modules(site_conf, publish_conf)
    own = load_settings(content, site_conf)
    forget_settings_modules(site_conf, publish_conf)
    if own.get("SITENAME") != published.get("SITENAME"):
        raise Refused(
            f"the publish settings {publish_conf} are another site's "
            f"(SITENAME '{published.get('SITENAME')}', while {site_conf} says '{own.get('SITENAME')}'): "
            "give this site's own (PUBLISHCONF=…, or SITE=folder)"
        )


def forget_settings_modules(*files: str) -> None:
    """Forget the settings modules imported so far (and those they import by the same names), so
    that a publish settings file imports its own site's `pelicanconf`, not another's."""
    for name in {os.path.splitext(os.path.basename(f))[0] for f in files} | {"pelicanconf", "publishconf"}:
        sys.modules.pop(name, None)


def new_site(folder: str, country: str, title: str, word: str, languages: str = "") -> int:
    """`make new-site`: a tracker for any country (see newsite.py)."""
    from .newsite import NewSiteError, create

    tool = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    try:
        files = create(folder, country, title, tool, word or None, languages)
    except NewSiteError as error:
        raise Refused(str(error)) from None
    print(f"new site in {folder}: {', '.join(f for f in files if not f.endswith('.keep'))}")
    print(
        f"next: make boundaries SITE={folder} FILE=<admin-1 boundaries>, "
        f'then make new SITE={folder} TITLE="…"'
    )
    return 0


def boundaries(content: str, conf: str, source: str, budget_kb: int) -> int:
    """`make boundaries`: the site's map file from a boundaries file, and the names readers know
    in its vocabulary (see boundaries.py). Its whole report fits on a screen."""
    from .boundaries import BoundariesError, convert, name_provinces, short_name
    from .model.vocabulary import load_vocabulary

    settings = {**DEFAULTS, **load_settings(content, conf)}
    reporter = Reporter()
    vocabulary_path = os.path.join(settings["PATH"], settings["TRACKER_PROVINCES"])
    slugify = site_slugify(settings)
    provinces = load_vocabulary(vocabulary_path, "province", reporter, slugify)
    if reporter.count("error"):
        reporter.print()
        return 1
    country = vocabulary_country(provinces)
    try:
        made = convert(source, provinces, budget_kb * 1024, country)
    except BoundariesError as error:
        raise Refused(str(error)) from None
    say = partial(print, file=sys.stderr)
    where = f" of {short_name(country)}" if country is not None else ""
    say(
        f"{source}: {made.kept:,} features{where}"
        + (f"; {made.skipped:,} of other countries skipped" if made.skipped else "")
    )
    for feature in made.unmatched:
        say(f"{source}: a feature{where} matches no province: {feature}")
    for name in made.missing:
        say(f"{source}: no shape for the province '{name}' (give it `map: false` to say so)")
    target = os.path.join(settings["PATH"], settings["TRACKER_MAP"] or DEFAULT_MAP)
    os.makedirs(os.path.dirname(target), exist_ok=True)
    with open(target, "w", encoding="utf-8") as handle:
        handle.write(made.text)
    named = name_provinces(
        vocabulary_path,
        provinces,
        made.matched,
        str(settings.get("DEFAULT_LANG") or "en")[:2],
        country,
        keep_slugs=has_entries(settings),
        others=tuple(settings.get("TRACKER_LANGUAGES") or ())[1:],
    )
    by_key = {t.key: t.name for t in provinces.terms}
    for shared in named.shared:
        both = " and ".join(by_key.get(key, key) for key in shared.keys)
        say(f"{source}: '{shared.name}' names {both}: used for neither")
    size = len(made.text.encode("utf-8")) / 1024
    if size > budget_kb:
        say(
            f"{source}: the map file is {size:.0f} KB, over the budget of {budget_kb} KB even "
            "simplified (BUDGET=)"
        )
    changes = [
        f"{len(named.renamed)} provinces renamed to the names readers know (their ISO names kept as aliases)"
        if named.renamed
        else "",
        f"{named.aliases} aliases" if named.aliases else "",
        f"{named.local_names} local names" if named.local_names else "",
        f"{named.translated} names in the site's other languages" if named.translated else "",
        f"{named.wikidata} Wikidata ids" if named.wikidata else "",
    ]
    added = ", ".join(c for c in changes if c)
    print(f"{display_path(vocabulary_path)}: {added or 'no names to add'}")
    note = (
        f", outlines simplified by {made.tolerance:g}° with every shared border kept shared"
        if made.tolerance
        else ""
    )
    print(f"wrote {display_path(target)} ({size:.0f} KB{note}): {len(made.matched)} provinces mapped")
    return 0


def vocabulary_country(provinces):
    """The country whose ISO 3166-2 codes most of the vocabulary's provinces have (pycountry's),
    or None."""
    import pycountry

    codes = Counter(
        str(t.fields.get("iso", "")).split("-")[0].upper() for t in provinces.terms if t.fields.get("iso")
    )
    if not codes:
        return None
    return pycountry.countries.get(alpha_2=codes.most_common(1)[0][0])


def has_entries(settings: dict) -> bool:
    """Whether the site has any entry file yet (its addresses are then in use)."""
    folders = [
        os.path.join(settings["PATH"], f)
        for f in settings.get("TRACKER_ENTRY_PATHS") or settings["ARTICLE_PATHS"]
    ]
    return bool(
        take_inventory(
            settings["PATH"], [os.path.relpath(f, settings["PATH"]) for f in folders], [], Reporter()
        ).sources
    )


def published_folder(output: str, settings: dict) -> str:
    """The folder a publish replaces: `output`, or the folder it links to. Refused when it must
    not be replaced (see outfolder.check_output_folder), or cannot be (a mount point)."""
    absolute = os.path.abspath(output)
    target = os.path.realpath(absolute)
    check_output_folder(absolute, settings)
    if is_mount_point(target):
        raise Refused(
            f"output folder '{output}' is a mount point, which cannot be replaced in one step; "
            "publish into a folder inside it"
        )
    return target


def clean(content: str, output: str, conf: str) -> int:
    """Remove what builds wrote into the output folder (by its marker), and the build cache; each
    other language's folder first (its own build's)."""
    settings = load_settings(content, conf, output)
    absolute = os.path.abspath(output)
    check_output_folder(absolute, settings)
    for code in (settings.get("TRACKER_LANGUAGES") or [])[1:]:
        folder = os.path.join(absolute, code)
        if os.path.isdir(folder) and not os.path.islink(folder):
            cache = language_cache(settings.get("TRACKER_CACHE", "auto"), code)
            clean_folder(folder, {**settings, "OUTPUT_PATH": folder, "TRACKER_CACHE": cache})
    clean_folder(absolute, settings)
    return 0


def clean_folder(absolute: str, settings: dict) -> None:
    """Remove what one build wrote into `absolute` (by its marker), and its store."""
    lock = OutputLock(absolute)
    lock.acquire("make clean")
    try:
        marker = read_marker(absolute)
        if marker.exists:
            remove_files(absolute, set(marker.files))
            os.remove(os.path.join(absolute, MARKER))
        if (
            os.path.isdir(absolute)
            and not os.path.islink(absolute)
            and not os.listdir(absolute)
            and not is_mount_point(absolute)
        ):
            os.rmdir(absolute)
        stored = store_path(settings["OUTPUT_PATH"], settings.get("TRACKER_CACHE", "auto"))
        for suffix in ("", "-wal", "-shm", "-journal"):
            if stored and os.path.isfile(stored + suffix):
                os.remove(stored + suffix)
    finally:
        lock.release()


def serve(content: str, output: str, conf: str, bind: str, port: str, rebuild: bool) -> int:
    """Serve the output folder; with `rebuild`, also rebuild on every save and reload open pages."""
    load_settings(content, conf, output)
    if not (port.isascii() and port.isdigit() and 1 <= int(port) <= 65535):
        raise Refused(f"PORT '{port}' is not a port number (1 to 65535)")
    builds = Builds() if rebuild else None
    try:
        server = make_server(output, bind, int(port), builds)
    except (OSError, OverflowError, UnicodeError) as exc:
        raise Refused(f"cannot listen on {bind}:{port}: {getattr(exc, 'strerror', None) or exc}") from None
    print(f"Serving {output} at http://{bind}:{port}/ (Ctrl-C to stop)", flush=True)
    if builds is None:
        with server:
            server.serve_forever()
        return 0
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        rebuild_forever(content, output, conf, builds)  # in the main thread: the time limits need it
    finally:
        server.shutdown()
    return 0


def main(argv: list[str] | None = None) -> int:
    """Run one command; every refusal is one line and exit status 1."""
    parser = argparse.ArgumentParser(prog="tracker")
    commands = parser.add_subparsers(dest="command", required=True)
    site = commands.add_parser("new-site")
    site.add_argument("--dir", required=True, help="the new site's folder (DIR)")
    site.add_argument("--country", required=True, help="an ISO 3166 country code (COUNTRY)")
    site.add_argument("--title", default="", help="the site's name (TITLE)")
    site.add_argument("--word", default="", help="what the site calls a province (WORD)")
    site.add_argument("--languages", default="", help="the site's languages, its default first (LANGUAGES)")
    borders = commands.add_parser("boundaries")
    borders.add_argument("--input", required=True)
    borders.add_argument("--conf", required=True)
    borders.add_argument("--file", required=True, help="GeoJSON, TopoJSON or a shapefile (FILE)")
    borders.add_argument("--budget", type=int, default=100, help="the map file's size in KB at most")
    for name in ("new", "check", "html", "publish", "clean", "serve"):
        command = commands.add_parser(name)
        command.add_argument("--input", required=True, help="the content folder (INPUTDIR)")
        command.add_argument("--conf", required=True, help="the settings file")
        if name == "check":
            command.add_argument("--quiet", action="store_true", help="no info lines (Q=1)")
        if name == "new":
            command.add_argument("--title", required=True)
            command.add_argument("--date", help="YYYY-MM-DD instead of today")
        if name in ("html", "publish", "clean", "serve"):
            command.add_argument("--output", required=True, help="the output folder (OUTPUTDIR)")
        if name == "serve":
            command.add_argument("--bind", default="127.0.0.1")
            command.add_argument("--port", default="8000")
            command.add_argument(
                "--rebuild", action="store_true", help="rebuild on every change (make devserver)"
            )
        if name in ("check", "publish"):
            command.add_argument("--site-conf", default="", help="the site's own settings (CONFFILE)")
        if name in ("html", "check", "publish"):
            command.add_argument(
                "options", nargs=argparse.REMAINDER, help="more options for pelican (PELICANOPTS)"
            )
    # Options for pelican (PELICANOPTS) may start with a dash, which argparse's REMAINDER refuses.
    args, unknown = parser.parse_known_args(argv)
    if unknown and args.command not in ("html", "check", "publish"):
        parser.error(f"unrecognized arguments: {' '.join(unknown)}")
    if unknown:
        args.options = [*unknown, *args.options]
    try:
        with interruptible():
            return run_command(args)
    except (Refused, FolderRefused) as refused:
        print(f"make {args.command}: error: {refused}", file=sys.stderr)
        return 1
    except SettingsRefused:
        return 1
    except OSError as exc:  # the file system said no (permissions, a full disk): one line, not a traceback
        print(f"make {args.command}: error: {exc.strerror}: {exc.filename}", file=sys.stderr)
        return 1
    except (KeyboardInterrupt, Interrupted) as stop:
        print(f"make {args.command}: stopped", file=sys.stderr)
        return 128 + getattr(stop, "signum", 2)


def same_folder(content: str, conf: str) -> None:
    """Refuse a content folder that belongs to a site folder with settings of its own (a folder
    `make new-site` made, or the sample's) when the settings given are not from that folder: one
    site's entries never go out under another's name and address."""
    folder = os.path.dirname(os.path.realpath(content))
    if not os.path.isfile(os.path.join(folder, "pelicanconf.py")):
        return
    if os.path.dirname(os.path.realpath(conf)) != folder:
        raise Refused(
            f"the content folder {content} belongs to the site folder {folder}, which has settings of its "
            f"own ({os.path.join(folder, 'pelicanconf.py')}), not {conf}: give SITE={folder}"
        )


def run_command(args: argparse.Namespace) -> int:
    """The command `args` names."""
    if args.command == "new-site":
        return new_site(args.dir, args.country, args.title, args.word, args.languages)
    same_folder(args.input, getattr(args, "site_conf", "") or args.conf)
    if args.command == "boundaries":
        return boundaries(args.input, args.conf, args.file, args.budget)
    if args.command in ("check", "publish") and args.site_conf:
        same_site(args.input, args.site_conf, args.conf)
    if args.command == "new":
        return new_entry(args.input, args.conf, args.title, args.date)
    if args.command == "check":
        return check(args.input, args.conf, args.quiet, args.options)
    if args.command == "html":
        return html(args.input, args.output, args.conf, args.options)
    if args.command == "clean":
        return clean(args.input, args.output, args.conf)
    if args.command == "serve":
        return serve(args.input, args.output, args.conf, args.bind, args.port, args.rebuild)
    return publish(args.input, args.output, args.conf, args.options)


if __name__ == "__main__":
    sys.exit(main())
