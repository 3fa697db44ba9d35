"""Which context names each template reads, found in the templates themselves: a theme that
reads a value the build's change rules do not follow (the site's entry count in every footer)
has those pages rendered on every build, never stale, only slower.

A template reads what its own body reads, whatever the templates it extends and includes read,
and what the macros it imports read (each macro separately: importing one macro of a file of
macros does not read what the others do). Reads of the site model are named by attribute
(`site.province_map`). Each file is parsed once, and what was found is kept with the build key,
which covers the theme.
"""

from __future__ import annotations

import hashlib
import io
import os
import traceback
from dataclasses import dataclass, field
from importlib import metadata
from typing import Any

from jinja2 import (
    Environment,
    FileSystemBytecodeCache,
    TemplateError,
    TemplateNotFound,
    TemplateSyntaxError,
    meta,
    nodes,
)
from jinja2.bccache import Bucket

from ..model.digests import digest_bytes
from ..problems import display_path, one_line
from .outfolder import user_cache_folder, write_atomically

MODEL = "site"  # the site model


class Unknown(Exception):
    """A template's reads cannot be found statically (`{% include some_variable %}`)."""


@dataclass
class _File:
    """One template file: what its body reads, what each of its macros reads, and what it uses."""

    reads: set[str]
    macros: dict[str, set[str]]
    whole: list[str]  # templates it extends or includes
    imported: list[tuple[str, list[str] | None]]  # (template, macro names; None: all of them)
    local: set[str] = field(default_factory=set)  # names it sets itself


class TemplateReads:
    """The names each template reads, with the templates and macros it pulls in."""

    def __init__(self, env: Environment, known: dict | None = None) -> None:
        self.env = env
        known = known or {}
        self._reads: dict[str, frozenset[str] | None] = {
            name: None if names is None else frozenset(names)
            for name, names in known.get("reads", {}).items()
        }
        self.local: set[str] = set(known.get("local", ()))
        self._files: dict[str, _File] = {}

    def of(self, name: str) -> frozenset[str] | None:
        """The names `name` reads, or None when they cannot be known."""
        if name not in self._reads:
            try:
                self._reads[name] = frozenset(self._template(name, set()))
            except Unknown:
                self._reads[name] = None
        return self._reads[name]

    def found(self) -> dict:
        """What was found, as plain data to keep."""
        return {
            "reads": {name: None if names is None else sorted(names) for name, names in self._reads.items()},
            "local": sorted(self.local),
        }

    def _template(self, name: str, seen: set[str]) -> set[str]:
        if name in seen:
            return set()
        seen.add(name)
        file = self._file(name)
        found = set(file.reads)
        for other in file.whole:
            found |= self._template(other, seen)
        for other, macros in file.imported:
            imported = self._file(other)
            for macro in imported.macros if macros is None else macros:
                found |= self._macro(other, macro, set())
        return found

    def _macro(self, template: str, name: str, seen: set[str]) -> set[str]:
        """What a macro reads, with the macros of its own file it calls."""
        if name in seen:
            return set()
        seen.add(name)
        file = self._file(template)
        found = set()
        for read in file.macros.get(name, ()):
            found |= self._macro(template, read, seen) if read in file.macros else {read}
        for other, macros in file.imported:
            for macro in self._file(other).macros if macros is None else macros:
                found |= self._macro(other, macro, set())
        return found

    def _file(self, name: str) -> _File:
        """One template file, parsed once."""
        if name not in self._files:
            try:
                source = self.env.loader.get_source(self.env, name)[0] if self.env.loader else ""
            except TemplateNotFound as missing:
                raise Unknown(name) from missing
            tree = self.env.parse(source)
            referenced = list(meta.find_referenced_templates(tree))
            if any(other is None for other in referenced):
                raise Unknown(name)
            imported = []
            for node in tree.find_all((nodes.FromImport, nodes.Import)):
                if not isinstance(node.template, nodes.Const):
                    raise Unknown(name)
                names = (
                    [n if isinstance(n, str) else n[0] for n in node.names]
                    if isinstance(node, nodes.FromImport)
                    else None
                )
                imported.append((node.template.value, names))
            imported_names = {t for t, _ in imported}
            whole = [other for other in referenced if other not in imported_names]
            macros = {
                macro.name: _reads(nodes.Template([macro]).set_environment(self.env))
                for macro in tree.find_all(nodes.Macro)
            }
            body = nodes.Template([n for n in tree.body if not isinstance(n, nodes.Macro)]).set_environment(
                self.env
            )
            self._files[name] = _File(_reads(body), macros, whole, imported)
            self.local |= _set_names(tree)
        return self._files[name]


def _reads(tree: nodes.Template) -> set[str]:
    """The undeclared names a tree reads, its reads of the site model by attribute."""
    names = set(meta.find_undeclared_variables(tree))
    if MODEL in names:
        names.discard(MODEL)
        attributes = {id(node.node) for node in tree.find_all(nodes.Getattr)}
        for node in tree.find_all(nodes.Getattr):
            if isinstance(node.node, nodes.Name) and node.node.name == MODEL:
                names.add(f"{MODEL}.{node.attr}")
        for node in tree.find_all(nodes.Name):
            if node.name == MODEL and node.ctx == "load" and id(node) not in attributes:
                names.add(MODEL)  # the model passed on or looped over: what it reads of it is unknown
    return names


def _set_names(tree: nodes.Node) -> set[str]:
    """Names a template sets itself (variables, loop targets, macros, macro arguments, imports)."""
    found = set()
    for node in tree.find_all((nodes.Assign, nodes.AssignBlock, nodes.For)):
        found |= {name.name for name in node.target.find_all(nodes.Name)} | (
            {node.target.name} if isinstance(node.target, nodes.Name) else set()
        )
    for node in tree.find_all(nodes.Macro):
        found |= {node.name} | {arg.name for arg in node.args}
    for node in tree.find_all(nodes.FromImport):
        found |= {n if isinstance(n, str) else n[1] for n in node.names}
    return found


class CheckedBytecodeCache(FileSystemBytecodeCache):
    """Jinja2's cache of compiled templates, each file kept with a checksum of its bytes: a file
    cut short or changed (a full disk, a bit flipped) is compiled again instead of being loaded,
    and a folder that cannot be written makes builds slower, never failed."""

    SUM = 16

    def load_bytecode(self, bucket: Bucket) -> None:
        try:
            with open(self._get_cache_filename(bucket), "rb") as handle:
                data = handle.read()
        except OSError:
            return
        code = data[self.SUM :]
        if len(data) < self.SUM or hashlib.blake2b(code, digest_size=self.SUM).digest() != data[: self.SUM]:
            return
        try:
            bucket.load_bytecode(io.BytesIO(code))
        except Exception:  # another version's code: compiled again
            bucket.reset()

    def dump_bytecode(self, bucket: Bucket) -> None:
        stream = io.BytesIO()
        bucket.write_bytecode(stream)
        code = stream.getvalue()
        try:
            write_atomically(
                self._get_cache_filename(bucket),
                hashlib.blake2b(code, digest_size=self.SUM).digest() + code,
                0o600,
            )
        except OSError:
            pass  # compiled again next time


def compiled_templates(environment: dict) -> CheckedBytecodeCache | None:
    """Templates compiled once and kept in the user's cache folder (by the Jinja2 version and the
    environment's options, each template by its name and source), so that a build does not
    compile the theme again. Jinja2 keys compiled code by name and source only, while options
    such as autoescaping change the code: a folder per set of options keeps two sites with
    different options apart. The folder holds code: like the rest of the cache folder, it is
    the user's own (0700)."""
    options = sorted((key, getattr(value, "__qualname__", repr(value))) for key, value in environment.items())
    try:
        folder = os.path.join(
            user_cache_folder(),
            "templates",
            f"jinja2-{metadata.version('jinja2')}-{digest_bytes(repr(options))[:16]}",
        )
        os.makedirs(folder, mode=0o700, exist_ok=True)
        return CheckedBytecodeCache(folder)
    except OSError:
        return None  # no cache folder: templates are compiled in every build


class TemplateFailed(Exception):
    """A template could not be compiled or rendered; the message is one `path:line:` line."""


def in_template(error: BaseException) -> bool:
    """Whether an error came from a template (Jinja's, or one a template's code raised)."""
    return isinstance(error, TemplateError) or bool(_template_frames(error))


def _template_frames(error: BaseException) -> list:
    return [
        frame
        for frame in traceback.extract_tb(error.__traceback__)
        if frame.name == "top-level template code" or frame.name.startswith(("block ", "macro ", "template"))
    ]


def template_failure(error: BaseException, what: str = "") -> TemplateFailed:
    """One line for an error of the theme: the template and line it is at, and what went wrong
    (`what`: the page being rendered)."""
    during = f" (rendering {what})" if what else ""
    if isinstance(error, TemplateSyntaxError):
        where = display_path(error.filename) if error.filename else (error.name or "a template")
        return TemplateFailed(one_line(f"{where}:{error.lineno}: error: {error.message}{during}"))
    if isinstance(error, TemplateNotFound):
        return TemplateFailed(one_line(f"theme: error: template '{error.name}' not found{during}"))
    frames = _template_frames(error)
    where = f"{display_path(frames[-1].filename)}:{frames[-1].lineno}" if frames else "theme"
    kind = "" if isinstance(error, TemplateError) else f"{type(error).__name__}: "
    return TemplateFailed(one_line(f"{where}: error: {kind}{error}{during}"))


def check_templates(env: Environment, names: set[str]) -> None:
    """Compile the templates a build renders, so that one with a syntax error stops the build in
    one line before anything is written (other files of the theme's folders are not read)."""
    for name in sorted(names):
        try:
            env.get_template(name)
        except TemplateNotFound:
            continue  # said when (if) a page needs it
        except TemplateError as error:
            raise template_failure(error) from None
        except UnicodeDecodeError as error:
            raise TemplateFailed(
                f"theme: error: template '{name}' is not UTF-8 text ({error.reason})"
            ) from None


def rendered(template: Any, values: dict[str, Any], what: str) -> str:
    """`template` rendered with `values`; TemplateFailed (one line) when the template fails."""
    try:
        return template.render(values)
    except Exception as error:
        if in_template(error):
            raise template_failure(error, what) from None
        raise
