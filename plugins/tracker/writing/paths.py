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
    """A file some part of the build will write: its path, and what writes it."""

    path: str
    item: Any = field(default=None, compare=False)


Describe = Callable[[Any], tuple[str, tuple[str, int]]]  # item -> (how a message names it, (file, line))


def normalised(path: str) -> str:
    """`path` without `.`, `..` or doubled separators (most paths have none: left as they are)."""
    return (
        os.path.normpath(path)
        if "//" in path or "." in path.replace(".html", "").replace(".xml", "")
        else path
    )


@dataclass
class Checked:
    """What the check found: claims that stand, by path, and the later claimants not written."""

    claims: dict[str, Claim]
    refused: list[Claim]


def check_claims(claims: list[Claim], reporter: Reporter, describe: Describe) -> Checked:
    """Report every claim that cannot be written as planned: a path claimed twice, a file where
    another needs a folder, or a name too long for the file system. Messages are made (by
    `describe`) only for the claims that fail."""
    files: dict[str, Claim] = {}
    folders: dict[str, Claim] = {}  # folder -> the first file under it
    refused = []
    for claim in claims:
        path = normalised(claim.path)
        found = None
        if len(path.encode("utf-8")) > MAX_NAME_BYTES and any(
            len(part.encode("utf-8")) > MAX_NAME_BYTES for part in path.split(os.sep)
        ):
            found = ("has a name longer than 255 bytes", None)
        elif path in files:
            found = ("is already used by", files[path])
        elif path in folders:
            found = ("would be a file where a folder is needed by", folders[path])
        else:
            at = path.find(os.sep)
            while at != -1 and found is None:
                if path[:at] in files:
                    found = ("needs a folder where there is a file of", files[path[:at]])
                at = path.find(os.sep, at + 1)
        if found is None:
            files[path] = claim
            at = path.find(os.sep)
            while at != -1:
                folders.setdefault(path[:at], claim)
                at = path.find(os.sep, at + 1)
            continue
        how, first = found
        owner, (where, line) = describe(claim.item)
        if not where and first is not None:
            where, line = describe(first.item)[1]
        against = f" {describe(first.item)[0]}" if first is not None else ""
        reporter.error(where or path, line, f"output path '{path}' of {owner} {how}{against}; not written")
        refused.append(claim)
    return Checked(files, refused)
