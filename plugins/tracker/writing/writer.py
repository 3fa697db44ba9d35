"""Writing files: a file is written only when its bytes differ from what is there (its time stamp
and a sync's transfer stay as they were), and Pelican's writer contract is kept: `content_written`
for every page and `feed_written` for every feed it writes or keeps.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import sys
from contextlib import contextmanager
from typing import Any

from pelican import signals
from pelican.utils import sanitised_join
from pelican.writers import Writer

from .outfolder import SCRATCH
from .templates import TemplateFailed, rendered


def write_bytes(output_path: str, name: str, data: bytes) -> bool:
    """Write `data` at `name` in the output folder unless the file already holds it; whether it was
    written. A refusal of the file system stops the build in one line."""
    path = sanitised_join(output_path, name)
    if _holds(path, data):
        return False
    with stop_on_os_error(name):
        os.makedirs(os.path.dirname(path), exist_ok=True)
        replace_file(path, data, output_path)
    return True


_written = itertools.count()


def replace_file(path: str, data: bytes, output_path: str) -> None:
    """Put a new file at `path` (a new inode, renamed into place from the output folder's scratch
    folder): a file it replaces may be a hard link into the published site (a publish starts from
    a copy of it), which must never change, and a reader never sees a file half written."""
    scratch = os.path.join(output_path, SCRATCH)
    os.makedirs(scratch, exist_ok=True)
    temporary = os.path.join(scratch, f"{os.getpid()}-{next(_written)}")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW, 0o666)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.remove(temporary)
        raise


class TrackerWriter(Writer):
    """Pelican's writer, for the pages Pelican writes (the site's pages): a file is written only when
    its bytes change, a second write to one path is skipped (reported before writing). The bridge
    gives each build's writer the build's account of its output folder."""

    output: Any = None  # the build's OutputState: what it wrote and kept
    unchanged: bool = False  # nothing changed since the last build: write nothing

    def __init__(self, output_path: str, settings: dict[str, Any] | None = None) -> None:
        super().__init__(output_path, settings=settings)
        self._claimed: set[str] = set()

    def write_file(
        self,
        name,
        template,
        context,
        relative_urls=False,
        paginated=None,
        template_name=None,
        override_output=False,
        url=None,
        **kwargs,
    ):
        """Pelican's write_file, through `write_bytes`."""
        if not name or self.unchanged:  # nothing changed: the page is as the last build wrote it
            return
        output = self.output
        relative = os.path.normpath(name)
        if relative in self._claimed and not override_output:
            return
        self._claimed.add(relative)
        local = dict(context)
        if relative_urls:
            from pelican.utils import get_relative_path, path_to_url

            local["SITEURL"] = local["localsiteurl"] = path_to_url(get_relative_path(name))
            # As Pelican's writer does: a page's `{filename}` links are made relative to the page
            # from the shared context's `localsiteurl`.
            context["localsiteurl"] = local["localsiteurl"]
        local["output_file"] = name
        local.update(kwargs)
        if url is not None:
            local["url"] = url
        try:
            data = rendered(template, local, name).encode("utf-8")
        except TemplateFailed as failure:
            print(failure, file=sys.stderr, flush=True)
            raise SystemExit(1) from None
        if write_bytes(self.output_path, name, data):
            output.changed.add(relative)
        output.produced.add(relative)
        signals.content_written.send(sanitised_join(self.output_path, name), context=local)


@contextmanager
def stop_on_os_error(name: str):
    """The file system refused a write (full disk, permissions): one line, and the build stops.
    The output folder's marker still says incomplete, so the next build trusts none of it."""
    try:
        yield
    except OSError as exc:
        print(
            f"error: cannot write {name} in the output folder: {exc.strerror}; build stopped", file=sys.stderr
        )
        raise SystemExit(1) from None


def _holds(path: str, content: bytes) -> bool:
    """Whether the file at `path` holds exactly `content`."""
    try:
        if os.path.getsize(path) != len(content):
            return False
        with open(path, "rb") as handle:
            return handle.read() == content
    except OSError:
        return False
