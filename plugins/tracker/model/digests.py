"""Digests of model data: short, stable, and the same in every process and build."""

from __future__ import annotations

import hashlib


def digest_bytes(*parts: bytes | str) -> str:
    """A short stable digest of some bytes or strings."""
    try:
        data = ("\x00".join(parts) + "\x00").encode("utf-8")  # type: ignore[arg-type]
    except TypeError:  # some parts are bytes: the same byte stream, built part by part
        data = b"".join((p.encode("utf-8") if isinstance(p, str) else p) + b"\x00" for p in parts)
    return hashlib.blake2b(data, digest_size=16).hexdigest()
