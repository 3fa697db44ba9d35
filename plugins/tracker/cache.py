"""What one build keeps for the next: parsed entries and a digest of every page it wrote.

A rebuild then reads only changed files and renders only pages whose inputs changed; a
digest of everything global (theme, plugin code, settings, vocabulary) guards both, so a
change there makes the next build a full one.
"""

from __future__ import annotations

import hashlib
import os
import pickle
from pathlib import Path
from typing import Any

FORMAT = 1


def digest_bytes(*parts: bytes | str) -> str:
    """A short stable digest of some bytes or strings."""
    h = hashlib.blake2b(digest_size=16)
    for part in parts:
        h.update(part.encode("utf-8") if isinstance(part, str) else part)
        h.update(b"\x00")
    return h.hexdigest()


def tree_digest(*folders: str) -> str:
    """A digest of every file's path and bytes under some folders (theme, plugin code)."""
    h = hashlib.blake2b(digest_size=16)
    for folder in folders:
        for path in sorted(Path(folder).rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                h.update(str(path.relative_to(folder)).encode())
                h.update(path.read_bytes())
    return h.hexdigest()


def settings_digest(settings: dict[str, Any]) -> str:
    """A digest of the plain settings (callables and the build's own state are left out)."""
    def plain(value: Any) -> Any:
        if isinstance(value, (str, int, float, bool, type(None))):
            return value
        if isinstance(value, (list, tuple)):
            return [plain(v) for v in value]
        if isinstance(value, dict):
            return {str(k): plain(v) for k, v in sorted(value.items(), key=lambda kv: str(kv[0]))}
        return type(value).__name__
    return digest_bytes(repr(plain({k: v for k, v in settings.items() if k.isupper() and k != "TRACKER_RUN"})))


class BuildCache:
    """Loaded at the start of a build and saved at its end; any problem loading it means a full build."""

    def __init__(self, path: str | None, key: str) -> None:
        self.path, self.key = path, key
        self.entries: dict[str, tuple] = {}  # source path -> (stat, result of reading)
        self.outputs: dict[str, str] = {}  # output path -> digest of what was rendered into it
        if path and os.path.exists(path):
            try:
                with open(path, "rb") as handle:
                    stored = pickle.load(handle)
                if stored.get("format") == FORMAT and stored.get("key") == key:
                    self.entries, self.outputs = stored["entries"], stored["outputs"]
            except Exception:  # a damaged or foreign cache only costs a full build
                self.entries, self.outputs = {}, {}

    def save(self, entries: dict[str, tuple], outputs: dict[str, str]) -> None:
        """Write the new cache next to the old one, then replace it in one rename."""
        if not self.path:
            return
        temporary = f"{self.path}.tmp"
        with open(temporary, "wb") as handle:
            pickle.dump({"format": FORMAT, "key": self.key, "entries": entries, "outputs": outputs}, handle,
                        protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(temporary, self.path)


def cache_path(settings: dict[str, Any]) -> str | None:
    """`TRACKER_CACHE`, else a hidden file next to the output folder (never inside it)."""
    configured = settings.get("TRACKER_CACHE", "auto")
    if configured != "auto":
        return configured or None
    output = os.path.abspath(settings["OUTPUT_PATH"].rstrip("/"))
    return os.path.join(os.path.dirname(output), f".{os.path.basename(output)}.tracker-cache")
