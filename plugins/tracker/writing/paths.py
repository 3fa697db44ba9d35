"""Output paths: every file the build will write, with its owner, checked before anything is
written. Two owners of one path, a file where another page needs a folder, or a name too long
for the file system are errors at the line of the entry or page that causes them; the later
claimant is not written."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ..problems import Reporter

MAX_NAME_BYTES = 255  # the longest file or folder name most file systems allow


@dataclass(frozen=True)
class Claim:
    """A file some part of the build will write: its path, who writes it (as a message names it),
    and where a problem with it is reported (file and line; "" when it has none)."""

    path: str
    owner: str
    where: tuple[str, int] = ("", 0)
    item: Any = field(default=None, compare=False)  # what is not written when the claim fails


class _Claims:
    """Output paths claimed so far, as files and as the folders they imply."""

    def __init__(self) -> None:
        self.files: dict[str, Claim] = {}
        self.folders: dict[str, Claim] = {}  # folder -> the first file under it

    def conflict(self, path: str) -> tuple[str, Claim] | None:
        """(how, claim) of an earlier claim that `path` cannot coexist with, or None."""
        if path in self.files:
            return "is already used by", self.files[path]
        if path in self.folders:
            return "would be a file where a folder is needed by", self.folders[path]
        parts = path.split(os.sep)
        for n in range(1, len(parts)):
            folder = os.sep.join(parts[:n])
            if folder in self.files:
                return "needs a folder where there is a file of", self.files[folder]
        return None

    def add(self, claim: Claim) -> None:
        self.files[claim.path] = claim
        parts = claim.path.split(os.sep)
        for n in range(1, len(parts)):
            self.folders.setdefault(os.sep.join(parts[:n]), claim)


@dataclass
class Checked:
    """What the check found: claims that stand, and what is not written."""

    claims: dict[str, Claim]
    refused: list[Claim]  # later claimants of a path, not written


def check_claims(claims: list[Claim], reporter: Reporter, located: Callable[[Claim], tuple[str, int]]) -> Checked:
    """Report every claim that cannot be written as planned: a path claimed twice, a file where
    another needs a folder, or a name too long for the file system. `located` gives where an
    owner without a place of its own is reported (an unknown name: its first entry)."""
    standing = _Claims()
    refused = []
    for claim in claims:
        path = os.path.normpath(claim.path)
        too_long = next((part for part in path.split(os.sep) if len(part.encode("utf-8")) > MAX_NAME_BYTES), None)
        found = ("has a name longer than 255 bytes", None) if too_long else standing.conflict(path)
        if found is None:
            standing.add(Claim(path, claim.owner, claim.where, claim.item))
            continue
        how, first = found
        where, line = claim.where if claim.where[0] else located(claim)
        if not where and first is not None:
            where, line = first.where if first.where[0] else located(first)
        against = f" {first.owner}" if first is not None else ""
        reporter.error(where or path, line, f"output path '{path}' of {claim.owner} {how}{against}; not written")
        refused.append(claim)
    return Checked(standing.files, refused)
