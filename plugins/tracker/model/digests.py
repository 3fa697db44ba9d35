"""Digests of model data: short, stable, and the same in every process and build."""

from __future__ import annotations

import hashlib


def digest_bytes(*parts: bytes | str) -> str:
    """A short stable digest of some bytes or strings."""
    h = hashlib.blake2b(digest_size=16)
    for part in parts:
        h.update(part.encode("utf-8") if isinstance(part, str) else part)
        h.update(b"\x00")
    return h.hexdigest()
