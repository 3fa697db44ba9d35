"""The tracker's generator: it reads, keeps and renders the entries itself, beside Pelican's
generators for pages and static files.

`generate_context` brings the entry store up to date with the files that changed, applies each
change to the site's lists (`remove(old)`, `add(new)`), and works out which outputs the changes
make dirty; `generate_output` renders those (every output, in worker processes, when nothing
can be compared), writes the files whose bytes changed, and indexes the search shards that
changed.
"""

from __future__ import annotations

import json
import os
import sys
from dataclasses import replace
from typing import Any

from pelican import signals
from pelican.generators import Generator
from pelican.utils import sanitised_join

from .build import Build
from .model.config import TrackerSettings
from .model.digests import digest_bytes
from .model.glance import glances
from .model.intrasite import describe, resolution
from .model.lists import SiteLists
from .model.maps import geometry
from .model.periods import months_between
from .model.plan import Plan, Planner
from .model.record import EntryRecord, Head
from .model.search import document
from .model.site import Site
from .model.terms import unknown_name
from .model.translations import alternates, language_of, retranslated, translations
from .model.views import view_of
from .problems import display_path
from .reading.changes import find_changes, load_records
from .reading.markup import TimedOut
from .reading.reader import read_row
from .reading.store import StoreFailed
from .session import Session, current
from .workers import worker_count
from .writing.fragments import Fragments
from .writing.outputs import Outputs
from .writing.pagetypes import registry
from .writing.render import render_all
from .writing.search import SearchFailed, document_name, index_language, index_shards, shard_files
from .writing.templates import TemplateFailed, TemplateReads, check_templates
from .writing.writer import write_bytes


class TrackerGenerator(Generator):
    """Reads the entries, models the site, and writes every page the model makes."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.session: Session = current()
        self.translated: dict[str, dict[str, str]] = {}  # every entry's URL by slug and language
        self.elsewhere: dict[str, Head] = {}  # the other languages' entries (URL from this site's root)
        super().__init__(*args, **kwargs)

    @property
    def build(self) -> Build:
        """The build running (its session's)."""
        build = self.session.build
        assert build is not None  # a generator is made once a build has started
        return build

    @property
    def config(self) -> TrackerSettings:
        """The build's settings, typed."""
        return self.build.inputs.config

    def generate_context(self) -> None:
        build = self.build
        self.session.generator = self
        found = len(build.inputs.reporter.problems)
        self._modelled = (found, found)  # the problems `model` added: problems[start:end]
        try:
            check_templates(self.env, self.rendered_templates())
            self.fragments = Fragments(self.env, self.context, build.inputs.vocabularies)
            self.with_store(self._context)
        except TemplateFailed as failure:
            self.stop(failure)

    def rendered_templates(self) -> set[str]:
        """The templates this build may render: the site's own pages' and the pages' (Pelican's)."""
        pages = [
            page
            for key in ("pages", "hidden_pages", "draft_pages")
            for page in self.context.get(key, ()) or ()
        ]
        return (
            {f"{name}.html" for name in registry.TEMPLATES}
            | {"entry_item.html"}
            | {f"{getattr(page, 'template', 'page')}.html" for page in pages}
            | {"page.html"}
        )

    def stop(self, failure: TemplateFailed) -> None:
        """A template failed: its one line, and the build stops (nothing more is written)."""
        print(failure, file=sys.stderr, flush=True)
        self.build.stop()
        raise SystemExit(1) from None

    def _context(self) -> None:
        build = self.build
        if build.unchanged:  # pages may still link entries: by their paths and URLs, as last built
            for relative, url in json.loads(build.store.meta("links", "[]")):
                self.add_source_path(_Kept(relative, url))
            linked = json.loads(build.store.meta("static_links", "[]"))
        else:
            self.model()
            linked = self.static_links()
        # Static files the entries link are copied, as Pelican copies those its articles link (a
        # file that is not there is left to the link's warning).
        root = build.inputs.root
        found = [p.replace("/", os.sep) for p in linked if os.path.isfile(os.path.join(root, p))]
        self.context.setdefault("static_links", set()).update(found)

    def static_links(self) -> list[str]:
        """The files (in the content folder) the entries link with `{static}` or `{attach}`."""
        return sorted(
            {
                target.lstrip("/")
                for head in self.lists.heads.values()
                for what, target, _ in head.links
                if what in ("static", "attach")
            }
        )

    def with_store(self, step: Any) -> Any:
        """`step()`; when the store fails during it, start the store again, model the site again
        from the files, and run `step` again (see `Build.restart_store`)."""
        try:
            return step()
        except StoreFailed as failure:
            self.recover(failure)
        return step()

    def recover(self, failure: StoreFailed, keep_later: bool = True) -> None:
        """Model the site again from the files alone, after the store failed. The problems the
        model found are found again; those found after it (output paths) are kept, unless the
        caller finds them again too (`keep_later` False)."""
        build = self.build
        problems = build.inputs.reporter.problems
        start, end = self._modelled
        later = problems[end:] if keep_later else []
        while True:
            build.restart_store(failure)
            del problems[start:]
            self._exports = None
            self.__dict__.pop("_outputs", None)
            try:
                self.model()
                break
            except StoreFailed as again:  # the new store failed too: the next one is in memory
                failure = again
        problems.extend(later)
        if keep_later and build.refused:  # else the caller checks the output paths again
            self.drop(build.refused)

    def model(self) -> None:
        """Find what changed, apply it to the lists, and model the site."""
        build = self.build
        inputs, store = build.inputs, build.store
        self._modelled = (len(inputs.reporter.problems), len(inputs.reporter.problems))
        pages = tuple(os.path.join(inputs.root, p) for p in inputs.settings["PAGE_PATHS"])
        entry_files = [
            p for p in inputs.inventory.sources if not p.startswith(tuple(f + os.sep for f in pages))
        ]
        session = self.session
        kept = session.kept  # a devserver's last build, if it read under the same keys
        kept = kept[1] if kept and kept[0] == (inputs.parse_key, store.path) else None
        self.changes = changes = find_changes(
            entry_files,
            store,
            inputs.reading(),
            inputs.build_key,
            self.fragments.make,
            inputs.vocabularies,
            self.config.parallel_min,
            worker_count(self.config.workers),
            kept,
            session.changed if kept is not None else None,
            keep_last_good=not self.config.strict and not self.config.check,
        )
        session.kept = None  # kept again once this build finishes (see `bridge.report`)
        inputs.reporter.problems.extend(changes.problems)
        # The entries the last build kept: of two with one slug, the one it kept keeps it (a new
        # file that takes an existing entry's slug is the one in error, whatever its name).
        dropped = set(json.loads(store.meta("dropped", "[]")))
        old = {path: head for path, head in changes.old.items() if path not in dropped}
        # Every language's entries are read; this build's language's are its site's, the others'
        # are their translations (each language's build makes its own pages).
        language, default = self.config.language, self.config.languages[0]
        before, self.translated = (
            translations(old.values(), default),
            translations(changes.new.values(), default),
        )
        old = {path: head for path, head in old.items() if language_of(head, default) == language}
        own = {path: head for path, head in changes.new.items() if language_of(head, default) == language}
        # The other languages' published entries, where a `{filename}` link to one leads from here.
        up = "" if language == default else "../"
        self.elsewhere = {
            path: replace(head, url=f"{up}{'' if lang == default else lang + '/'}{head.url}")
            for path, head in changes.new.items()
            if (lang := language_of(head, default)) != language and head.published and head.save_as
        }
        new = drop_duplicates(own, inputs.reporter, self._slug_line, kept_before=old)
        self.dropped = sorted(set(own) - set(new))
        self.lists, self.plan, self.planner = plan_changes(build, old, new, changes.full)
        self.plan.entries |= retranslated(before, self.translated, new.values(), language)
        if before != self.translated:
            self.plan.named.add("sitemap")  # it lists each page's translations
        self._file_urls = None
        # What finding the changes held and the rest of the build does not need (rendering
        # workers would each copy it): the entries as they were, and the rows as read.
        changes.old, changes.new, changes.problems = {}, {}, []
        changes.rows = {}
        if not session.deferred:
            changes.known = {}  # a devserver keeps it for its next build
        self.site = Site(
            self.lists,
            inputs.vocabularies,
            self.settings,
            inputs.config,
            geometry(
                inputs.province_map,
                _province_links(self, inputs),
                inputs.vocabularies["place"],
                {
                    t.key: str(t.fields["label"])
                    for t in inputs.vocabularies["province"].terms
                    if t.fields.get("label")
                },
            )
            if inputs.province_map is not None and inputs.province_map.shapes
            else None,
            self._describe,
            self.records,
        )
        self.context.update(shared_context(self.site, self.settings))
        build.chrome = chrome_digest(self.context)
        if build.chrome != store.meta("chrome"):
            self.plan.full = True  # every page's header or footer changed
            if store.meta("chrome") and not self.config.check:
                build.say_full(
                    "every page's header or footer changed (the site's pages, feeds, places or data)"
                )
        for head in (*self.lists.heads.values(), *self.elsewhere.values()):
            self.add_source_path(_Linked(head, inputs.root))
        self._modelled = (self._modelled[0], len(inputs.reporter.problems))

    def links(self) -> list[tuple[str, str]]:
        """(path in the content folder, URL) of every entry, as pages' `{filename}` links find them."""
        root = self.build.inputs.root
        found = [_Linked(head, root) for head in self.lists.heads.values()]
        return [(linked.get_relative_source_path(), linked.url) for linked in found]

    def drop(self, paths: list[str]) -> None:
        """Take entries whose output path was refused out of the lists, and model the site again."""
        for path in paths:
            head = self.lists.heads.get(path)
            if head is not None:
                self.lists.remove(head)
        self.plan.full = True
        self.build.say_full("an entry's output path is refused")
        self._exports = None
        self.site = Site(
            self.lists,
            self.site.terms.vocabularies,
            self.settings,
            self.config,
            self.site.geometry,
            self._describe,
            self.records,
        )
        self.context.update(shared_context(self.site, self.settings))
        self.outputs().rebuild(self.site)

    # What the model loads

    def _slug_line(self, path: str) -> int:
        """The line of an entry's slug (its title's when it has none), for a message about it."""
        build = self.build
        try:
            record = build.store.column("record", [path]).get(path)
        except StoreFailed:  # the next use of the store will say so: the file says it too
            record = read_row(path, build.inputs.reading()).record
        return record.get("slug_line", 1) if isinstance(record, dict) else 1

    def records(self, paths: list[str], bodies: bool = True) -> dict[str, EntryRecord]:
        """Whole records by path, from the store (which holds this build's reading too); without
        `bodies`, their HTML is left empty. StoreFailed when one is missing."""
        build = self.build
        inputs = build.inputs
        heads, zone = self.lists.heads, inputs.parser.timezone
        found = load_records(build.store, paths, inputs.vocabularies, zone, heads, bodies)
        _all_there(paths, found, "record")
        return found

    def items(self, paths: list[str]) -> dict[str, str]:
        """List items by path."""
        found = self.build.store.column("item", paths)
        _all_there(paths, found, "list item")
        return found

    def exports(self) -> dict[str, bytes]:
        """The export files, made once per build from every published entry's rows."""
        if self._exports is None:
            self._exports = self._make_exports()
        return self._exports

    _exports: dict[str, bytes] | None = None

    def _make_exports(self) -> dict[str, bytes]:
        from .model.dataset import exports

        heads = list(self.lists.published())
        rows = self.build.store.column("export")  # every row in one pass, then in order
        _all_there([h.path for h in heads], rows, "export row")
        return exports([rows[h.path] for h in heads if rows.get(h.path)])

    def _describe(self, kind: str, term: Any) -> str:
        """A term's Markdown description as cleaned HTML; a problem is reported at the term's line."""
        description = term.fields.get("description") if term.known else None
        if not description:
            return ""
        inputs = self.build.inputs
        vocabulary = inputs.vocabularies[kind]
        try:
            (html,), removed = self.build.inputs.renderer().html(str(description))
        except (TimedOut, RecursionError):
            inputs.reporter.error(
                vocabulary.path,
                term.line,
                f"description of '{term.name}' could not be rendered in time; not shown",
            )
            return ""
        if removed:
            inputs.reporter.warning(
                vocabulary.path,
                term.line,
                f"unsafe HTML removed from the description of '{term.name}' ({', '.join(removed)})",
            )
        return html or ""

    # Outputs

    def outputs(self) -> Outputs:
        if not hasattr(self, "_outputs"):
            self._outputs = Outputs(
                self.site,
                self.env,
                self.context,
                self.settings,
                self.records,
                self.items,
                self.exports,
                self.lookup,
            )
            self._outputs.translated = self.translated
        return self._outputs

    # Links to the site's own files (model/intrasite.py)

    def lookup(self, what: str, target: str) -> str | None:
        """Where a link to the site's own files leads (its URL), or None when nowhere: an entry or
        page by its path in the content folder, a static file, a tag, an author, the home page."""
        if what == "filename":
            return self._files().get(target.lstrip("/"))
        if what in ("static", "attach"):
            found = self.context.get("static_content", {}).get(target.lstrip("/").replace("/", os.sep))
            return found.url if found is not None and getattr(found, "save_as", None) else None
        if what in ("tag", "author"):
            key = (what, self.build_slugify(target))
            pattern = self.settings.get(f"{what.upper()}_URL")
            return pattern.format(slug=key[1], name=target) if pattern and self.lists.count(key) else None
        if what == "index":
            return ""
        return None

    @property
    def build_slugify(self) -> Any:
        return self.build.inputs.slugify

    def _files(self) -> dict[str, str]:
        """The URL of every entry and page that is written, by its path in the content folder."""
        if getattr(self, "_file_urls", None) is None:
            root = self.build.inputs.root
            found = {
                path.replace(os.sep, "/"): item.url
                for path, item in self.context.get("generated_content", {}).items()
                if not isinstance(item, (_Linked, _Kept)) and getattr(item, "save_as", None)
            }
            for head in (*self.lists.heads.values(), *self.elsewhere.values()):
                if head.save_as:
                    found[os.path.relpath(head.path, root).replace(os.sep, "/")] = head.url
            self._file_urls = found
        return self._file_urls

    def link_problems(self, reporter: Any) -> None:
        """A link that leads nowhere is a warning at its line (it is left as written)."""
        for head in self.lists.heads.values():
            for what, target, line in head.links:
                if self.lookup(what, target) is None:
                    reporter.warning(head.path, line, unresolved(what, target))

    def relink(self) -> dict[str, str]:
        """Where each entry's links lead now (a digest per entry), and every entry whose links lead
        elsewhere than when its outputs were last rendered planned again, as if its text changed."""
        now = {
            head.path: digest_bytes(repr(resolution(head.links, self.lookup)))
            for head in self.lists.heads.values()
            if head.links
        }
        planner = getattr(self, "planner", None)
        if planner is None or self.plan.full:
            return now
        before = json.loads(self.build.store.meta("resolved", "{}"))
        for path in sorted(set(now) | set(before)):
            head = self.lists.heads.get(path)
            if head is not None and now.get(path) != before.get(path):
                moved = replace(head, page=digest_bytes(head.page, now.get(path, "")))
                moved.item = digest_bytes(head.item, now.get(path, ""))
                planner.before(self.lists, head)
                planner.after(self.lists, head, moved)
        return now

    def generate_output(self, writer: Any) -> None:
        if self.build.unchanged:
            return
        try:
            try:
                self._generate_output()
            except StoreFailed as failure:  # every output again, from a model made from the files
                self.recover(failure, keep_later=False)
                self.settle()  # its outputs and their paths checked again, as for any build
                self._generate_output()
        except TemplateFailed as failure:
            self.stop(failure)

    def _generate_output(self) -> None:
        build = self.build
        outputs = self.outputs()
        build.resolved = self.relink()
        if self.site.shard_order != json.loads(build.store.meta("shard_order", "[]")):
            self.plan.named.add("search")  # the search page lists the shards it merges
        views = self._changed_views()
        dirty = outputs.dirty(
            self.all_outputs, self.plan, views, outputs.unfollowed(self._template_reads(build))
        )
        altered = build.output.altered
        if altered:  # what was removed or edited by hand is written again
            chosen = set(map(id, dirty))
            dirty = [o for o in self.all_outputs if id(o) in chosen or o.save_as in altered]
        first = self.session.first
        if first is not None:  # the devserver: the pages open in a browser first, and tell them
            open_pages, tell = first
            shown = [o for o in dirty if o.save_as.replace(os.sep, "/") in open_pages]
            changed = render_all(outputs, shown, self.output_path)
            build.output.changed |= changed
            if not build.inputs.reporter.count("error"):
                tell(changed)
            dirty = [o for o in dirty if o not in shown]
        many = self.plan.full and len(dirty) >= max(1, self.config.parallel_min)
        workers = worker_count(self.config.workers) if many else 1
        if workers > 1:  # what the workers read is committed, and each opens the store again
            build.store.commit()
        changed = render_all(outputs, dirty, self.output_path, workers, in_worker=build.store.reopen)
        build.output.changed |= changed
        build.output.produced |= {o.save_as for o in self.all_outputs}
        self._write_search(build)
        self._announce()

    def _announce(self) -> None:
        """Pelican's writer contract: `content_written` for every page and `feed_written` for every
        feed, written or kept as it was (plugins such as sitemaps and search indexers see the whole
        site on every build). Only when a plugin listens."""
        if not (signals.content_written.receivers or signals.feed_written.receivers):
            return
        for output in self.all_outputs:
            path = sanitised_join(self.output_path, output.save_as)
            if output.kind in ("feed", "weekly"):  # the weekly feed's key: (format, its weeks)
                signals.feed_written.send(path, context=self.context, feed=output.key)
            elif output.save_as.endswith(".html"):
                signals.content_written.send(path, context={**self.context, "output_file": output.save_as})

    def _template_reads(self, build: Build) -> TemplateReads:
        """Which names each template reads: kept with the build key (which covers the theme)."""
        kept = build.store.meta("template_reads")
        known = json.loads(kept)[1] if kept and json.loads(kept)[0] == build.inputs.build_key else None
        reads = TemplateReads(self.env, known)
        build.template_reads = reads
        return reads

    def _changed_views(self) -> set[str]:
        """Entries whose view (neighbours, related entries) is not what their page last showed."""
        build = self.build
        suspects = [p for p in self.plan.suspects if p in self.lists.heads and self.lists.heads[p].published]
        if self.plan.full:
            suspects = [h.path for h in self.lists.published()]
        shown = build.store.views(suspects) if not self.plan.full else {}
        changed = set()
        links = self.site.links("province")
        for path in suspects:
            digest = view_of(self.lists, self.lists.heads[path], links).digest
            build.views[path] = digest
            if shown.get(path) != digest:
                changed.add(path)
        return changed

    def _write_search(self, build: Build) -> None:
        """Index the shards whose entries changed, known by a digest of their entries' pages (every
        shard when the build key changed); keep the others' files. The newest shard carries
        Pagefind's script. A devserver indexes after reloading the pages (`pending_shards`)."""
        if not self.config.search:
            return
        shards = self.site.shards
        newest = self.site.shard_order[0] if shards else None
        heads = self.lists.heads
        key = build.inputs.build_key
        digests = {
            name: digest_bytes(key, name, str(name == newest), *(heads[p].page for p in paths))
            for name, paths in shards.items()
        }
        kept = build.store.shards() if build.output.trusted else {}  # else its files may be gone
        output = build.output
        dirty = {
            name
            for name in shards
            if kept.get(name, ("", []))[0] != digests[name] or output.altered.intersection(kept[name][1])
        }
        build.shards = {name: kept[name] for name in shards if name in kept}
        for name in build.shards:
            output.produced |= set(kept[name][1])
        if not dirty:
            return

        def write(name: str, bundle: dict[str, bytes]) -> None:
            files = shard_files(name, bundle, name == newest)
            for path, data in files.items():
                if write_bytes(self.output_path, path, data):
                    output.changed.add(os.path.normpath(path))
            for path in build.shards.get(name, ("", []))[1]:
                output.produced.discard(path)
            output.produced |= {os.path.normpath(p) for p in files}
            build.shards[name] = (digests[name], sorted(os.path.normpath(p) for p in files))

        ready = self.session.ready or {}
        for name in sorted(dirty):
            if name in ready and ready[name][0] == digests[name]:
                write(name, ready[name][1])  # indexed by a devserver after the last build
        waiting = sorted(name for name in dirty if name not in ready or ready[name][0] != digests[name])
        lang = index_language(self.settings)
        if waiting and self.session.deferred:
            build.pending_shards = {
                name: (digests[name], self._documents(shards[name], name, lang)) for name in waiting
            }
            # Not indexed yet: the store must not take a shard's files as they stand (one may have
            # been edited by hand) for the shard's new index, so the next build writes it.
            for name in waiting:
                build.shards.pop(name, None)
        elif waiting:
            try:
                index_shards(waiting, lambda name: self._documents(shards[name], name, lang), lang, write)
            except SearchFailed as failed:
                build.inputs.reporter.error("search", 0, f"{failed}; the last index is kept")

    def _documents(self, paths: list[str], shard: str, lang: str) -> dict[str, str]:
        """The search documents of a shard's entries."""
        records = self.records(paths)
        return {
            document_name(records[p].url): document(records[p], shard, lang) for p in paths if p in records
        }


class _Kept:
    """An entry as the last build linked it (see `_Linked`)."""

    def __init__(self, relative: str, url: str) -> None:
        self._relative, self.url = relative, url

    def get_relative_source_path(self) -> str:
        return self._relative


class _Linked:
    """An entry as Pelican's `{filename}` links from pages find it: by its path in the content folder."""

    def __init__(self, head: Head, root: str) -> None:
        self.url = head.url
        prefix = root.rstrip(os.sep) + os.sep
        self._relative = (
            head.path[len(prefix) :] if head.path.startswith(prefix) else os.path.relpath(head.path, root)
        )

    def get_relative_source_path(self) -> str:
        return self._relative


def _province_links(generator: TrackerGenerator, inputs) -> dict:
    from .model.terms import term_links

    return term_links("province", inputs.vocabularies["province"], generator.lists, generator.settings)


def drop_duplicates(
    heads: dict[str, Head], reporter, slug_line, kept_before: dict[str, Head] | None = None
) -> dict[str, Head]:
    """Two entries with one slug, or one output path: the one the last build kept (in
    `kept_before`, with the same slug) keeps it, else the earlier file by path; the other is an
    error and is not built."""
    kept: dict[str, Head] = {}
    slugs: dict[str, str] = {}
    places: dict[str, str] = {}
    kept_before = kept_before or {}

    def order(path: str) -> tuple[bool, str]:
        before = kept_before.get(path)
        return (before is None or before.slug != heads[path].slug, path)

    for path in sorted(heads, key=order):
        head = heads[path]
        first = slugs.get(head.slug) or (places.get(head.save_as) if head.save_as else None)
        if first is not None:
            if reporter is not None:
                what = f"slug '{head.slug}'" if slugs.get(head.slug) else f"output path '{head.save_as}'"
                reporter.error(
                    path, slug_line(path), f"duplicate {what} (already used by {display_path(first)})"
                )
            continue
        slugs[head.slug] = path
        if head.save_as:
            places[head.save_as] = path
        kept[path] = head
    return kept


def plan_changes(
    build: Build, old: dict[str, Head], new: dict[str, Head], full: bool
) -> tuple[SiteLists, Plan, Planner | None]:
    """The site's lists as they are now, and what changed in them: each change applied as
    remove(old) then add(new) to the lists as the last build left them. Every output is dirty when
    the store cannot say what changed, the output folder is not as the store's build left it, or
    an entry's output path was refused (the rules do not follow that)."""
    settings = build.inputs.settings
    slugify = build.inputs.slugify
    if full or not build.output.trusted or build.store.meta("refused", "[]") != "[]":
        if full and old:
            build.say_full("the entry store could not say what changed")
        elif build.output.trusted and new:
            build.say_full("the last build refused an entry's output path")
        return SiteLists(slugify).build(new.values()), Plan(full=True), None
    lists = SiteLists(slugify).build(old.values())
    planner = Planner(settings["DEFAULT_PAGINATION"] or 10**9, settings.get("FEED_MAX_ITEMS"))
    span, periods = _span(lists), set(lists.keys("year")) | set(lists.keys("month"))
    weeks, glanced = set(lists.keys("week")), glances(lists)
    changed = sorted(p for p in old.keys() | new.keys() if old.get(p) != new.get(p))
    unknown = {(u.kind, u.key) for p in changed for h in (old.get(p), new.get(p)) if h for u in h.unknown}
    spelt = {name: unknown_name(lists, *name) for name in unknown}
    for path in changed:
        before, after = old.get(path), new.get(path)
        planner.before(lists, before)
        if before is not None:
            lists.remove(before)
        if after is not None:
            lists.add(after)
        planner.after(lists, before, after)
    plan = planner.plan
    if any(_respelt(spelling, unknown_name(lists, *name)) for name, spelling in spelt.items()):
        plan.full = True  # every page that shows the name (rare: see `unknown_name`)
        build.say_full("a name no vocabulary knows is now spelt as another entry spells it")
    now = _span(lists)
    if now != span:  # a month's calendar marks the days without an entry inside the site's span
        plan.months |= months_between(span[1], now[1]) | months_between(span[0], now[0])
    if periods != set(lists.keys("year")) | set(lists.keys("month")):
        plan.named.add("periods")  # an archive page links the periods before and after it
    if weeks != set(lists.keys("week")):
        plan.named.add("weeks")  # a week page links the weeks either side, a month's its weeks
    now_glanced = glances(lists)  # a term page's first screen: its last 7 days and its month
    plan.fronts |= {
        key for key in glanced.keys() | now_glanced.keys() if glanced.get(key) != now_glanced.get(key)
    }
    return lists, plan, planner


def unresolved(what: str, target: str) -> str:
    """The warning for a link to the site's own files that leads nowhere."""
    return (
        f"link {describe(what, target)} leads to nothing this site writes (no such entry, page or "
        "file, or a draft); left as written"
    )


def _respelt(before: Any, after: Any) -> bool:
    """Whether an unknown name in use before and after a change is spelt otherwise (one that came or
    went is shown only by the entries that changed, and by its own page)."""
    return before is not None and after is not None and before.name != after.name


def _span(lists: SiteLists) -> tuple:
    first, newest = lists.at(("site",), 0), lists.newest_head
    return (first.date.date() if first else None, newest.date.date() if newest else None)


def shared_context(site: Site, settings: dict[str, Any]) -> dict[str, Any]:
    """What every template may read beyond Pelican's context."""
    return {
        "site": site,
        "site_base": site.base,
        "site_feeds": tuple(f.link for f in site.site_feeds),
        "province_pages": site.links("province"),
        "actor_pages": site.links("actor"),
        "place_pages": site.links("place") if site.has_gazetteer else {},
        "place_provinces": site.terms.place_provinces,
        "places": site.places,
        "provinces": site.provinces,
        "actors": site.actors,
        "actor_kinds": site.terms.by_kind(),
        "places_by_province": site.terms.places_by_province(),
        "map_geometry": site.geometry,
        "map_sprite": site.geometry.sprite_path if site.geometry is not None else "",
        "data_url": settings["TRACKER_DATA_URL"] if site.data_files else "",
        "tracker_span": site.span,
        # The site's other languages' homes: a page with no counterpart of its own (Pelican's
        # pages) switches there.
        "language_homes": alternates(
            site.config.languages, site.config.language, site.config.root_base or site.base, {}
        )
        if len(site.config.languages) > 1
        else (),
    }


def chrome_digest(context: dict[str, Any]) -> str:
    """What the header and footer of every page show: when it changes, every page is rendered."""
    pages = [(p.title, p.url) for p in context.get("pages", ())]
    return digest_bytes(
        repr(pages),
        repr(bool(context["places"])),
        repr([(f.title, f.url, f.type) for f in context["site_feeds"]]),
        context["data_url"],
    )


def _all_there(paths: list[str], found: dict, what: str) -> None:
    """StoreFailed when the store has lost what it kept of an entry the model holds."""
    missing = [path for path in paths if path not in found]
    if missing:
        raise StoreFailed("damaged", f"the {what} of {display_path(missing[0])} is missing")
