"""Collecting reporter: every problem a user can cause is one `path:line: severity: message` line."""

from __future__ import annotations

import os
import re
import sys
from dataclasses import dataclass, field
from typing import TextIO

SEVERITIES = ("error", "warning", "info")
# Characters that would break a problem line or the terminal: line breaks, control characters,
# lone surrogates (from a value's escape, or a file name that is not UTF-8).
UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\ufffe\uffff]")


def one_line(text: str) -> str:
    """`text` with every unprintable character written as an escape (`\\n`, `\\x0c`, `\\udc80`)."""
    return UNPRINTABLE.sub(lambda found: found.group().encode("unicode_escape").decode("ascii"), text)


def display_path(path: str) -> str:
    """Return `path` as the user would type it: relative to the current directory when under it."""
    absolute = os.path.abspath(path)
    cwd = os.getcwd()
    if absolute == cwd or absolute.startswith(cwd + os.sep):
        return os.path.relpath(absolute, cwd)
    return absolute


@dataclass(frozen=True, order=True)
class Problem:
    """One problem, sortable by path then line."""

    path: str
    line: int
    severity: str
    message: str

    def __str__(self) -> str:
        where = f"{display_path(self.path)}:{self.line}" if self.line else display_path(self.path)
        return one_line(f"{where}: {self.severity}: {self.message}")


@dataclass
class Reporter:
    """Collects problems during a build; the build decides at the end whether they fail it."""

    problems: list[Problem] = field(default_factory=list)
    quiet: bool = False  # print errors and warnings only (TRACKER_QUIET)

    def add(self, severity: str, path: str, line: int, message: str) -> None:
        """Record one problem; `line` is 1-based, 0 when the problem is about the whole file."""
        self.problems.append(Problem(os.path.abspath(path), line, severity, message))

    def error(self, path: str, line: int, message: str) -> None:
        """Record an error."""
        self.add("error", path, line, message)

    def warning(self, path: str, line: int, message: str) -> None:
        """Record a warning."""
        self.add("warning", path, line, message)

    def count(self, severity: str) -> int:
        """Number of problems of one severity."""
        return sum(1 for p in self.problems if p.severity == severity)

    @property
    def failing(self) -> bool:
        """Whether a strict build must fail: any error or warning."""
        return any(p.severity in ("error", "warning") for p in self.problems)

    def summary(self) -> str:
        """One line such as `2 errors, 1 warning in 3 files`."""
        parts = [_plural(self.count(s), s) for s in SEVERITIES[:2]]
        if self.count("info"):
            parts.append(f"{self.count('info')} info")
        files = {p.path for p in self.problems if p.severity != "info"}
        return f"{', '.join(parts)} in {_plural(len(files), 'file')}" if files else ", ".join(parts)

    def print(self, stream: TextIO | None = None) -> None:
        """Print every problem, sorted by path and line, the info lines last (none when quiet),
        then the summary; nothing if all is well."""
        stream = stream or sys.stderr
        if not self.problems:
            return
        unique = dict.fromkeys(self.problems)  # info lines keep the order they were added in
        for problem in sorted(p for p in unique if p.severity != "info"):
            print(problem, file=stream)
        for problem in [] if self.quiet else [p for p in unique if p.severity == "info"]:
            print(problem, file=stream)
        print(self.summary(), file=stream)
        stream.flush()


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"
