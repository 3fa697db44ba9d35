"""The build session: what one process keeps while it builds a site, once (`make html`,
`make check`, `make publish`) or again and again (the devserver).

A session holds the mode, the build's typed settings (`model/config.py`), the build that is
running, and what a devserver keeps between its builds (the open entry store, what the last
build knew, the output folder it first wrote) or gives the next one (the files its watcher saw
change, the pages open in a browser, the search bundles made in the background). Pelican's
settings dict carries none of it, so none of it reaches a template's context; Pelican's
signals reach it through `bridge.py`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .build import Build
    from .generator import TrackerGenerator
    from .model.config import TrackerSettings
    from .reading.store import Store

MODES = ("build", "check", "publish", "devserver")


@dataclass
class Session:
    mode: str = "build"
    settings: TrackerSettings | None = None  # the running build's settings, typed and frozen
    build: Build | None = None  # the build running, or the last one
    generator: TrackerGenerator | None = None  # the build's generator, once Pelican made it
    # Kept by a devserver between its builds:
    store: Store | None = None  # the entry store, open
    kept: tuple[Any, dict[str, Any]] | None = None  # (the keys it read under, what the last build knew)
    identity: tuple[int, int] | None = None  # the output folder this process first wrote
    discovery: dict[str, list[str]] | None = None  # the site's own discovery settings (see inventory.py)
    # Given by a devserver to its next build:
    changed: set[str] | None = None  # the files its watcher saw change since the last build
    first: tuple[set[str], Callable[[set[str]], None]] | None = None  # (open pages, tell them)
    ready: dict[str, Any] | None = None  # search bundles made since the last build
    said: list[Any] | None = None  # the problems the last build printed (a devserver's)
    elsewhere: set[str] | None = None  # files the site's other languages' builds changed after it

    @property
    def deferred(self) -> bool:
        """A devserver's build: it commits the store and indexes search after the pages are told."""
        return self.mode == "devserver"

    def given_once(self) -> None:
        """Forget what the devserver gave the build that just ran."""
        self.changed = self.first = self.ready = None


def mode_of(settings: dict[str, Any]) -> str:
    """The mode the command line's settings ask for (the devserver says its own)."""
    if settings.get("TRACKER_CHECK"):
        return "check"
    return "publish" if settings.get("TRACKER_PUBLISHING") else "build"


_held: Session | None = None  # a devserver's session, used by every build it runs
_running: Session | None = None  # the session of the build running (Pelican runs one at a time)
# The last build's settings and session: `pelican -r` (make regenerate) runs again and again with
# one settings dict, and its builds share a session as a devserver's do.
_last: tuple[dict[str, Any], Session] | None = None


def hold(session: Session | None) -> None:
    """Use `session` for every build from now on (a devserver's), or (None) a new one per build."""
    global _held
    _held = session


def begin(settings: dict[str, Any]) -> Session:
    """The session of a build that starts: the one held, else a new one for the settings' mode."""
    global _running, _last
    if settings.get("TRACKER_LANGUAGE_PASS"):
        # Another language's build: a session of its own, every time (a devserver holds the
        # default language's session only).
        _running = Session(mode_of(settings))
        return _running
    if _held is not None:
        _running = _held
    elif _last is not None and _last[0] is settings:
        _running = _last[1]
    else:
        _running = Session(mode_of(settings))
    _last = (settings, _running)
    return _running


def resume(session: Session) -> None:
    """Make `session` the running one again (after another language's build ran inside its end)."""
    global _running
    _running = session


def current() -> Session:
    """The session of the build running."""
    if _running is None:
        raise RuntimeError("no build is running")
    return _running
