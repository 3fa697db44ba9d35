"""The search index: each shard of the model's search documents (model/search.py) indexed by
Pagefind into `pagefind/<shard>/` of the site, and merged in the browser by the search page.

Pagefind reads HTML: each published entry becomes a small document written to a scratch folder
that Pagefind's own command indexes, so the index holds exactly the published entries and
nothing of the pages' header, footer or lists. Pagefind cannot update an index in place: a
shard whose documents changed is indexed again whole (two at a time), and the others' files stay
as they are. The newest shard is the search page's first index and carries Pagefind's script and
WebAssembly; the others carry only their index.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import re
import shutil
import stat
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from typing import Any

import cbor2

BUNDLE = "pagefind"  # the index's folder in the output folder
# Pagefind's ready-made interfaces: the search page has its own (theme/static/js/search.js).
UNUSED = re.compile(r"pagefind-(ui|modular-ui|component-ui|highlight)\.(js|css)$")
# What only the first index of the search page needs: the others use its script and WebAssembly.
PRIMARY_ONLY = re.compile(r"(pagefind(-worker)?\.js|wasm\..*\.pagefind)$")
TIME_LIMIT = 600  # seconds; Pagefind takes about 1 s for 1,000 entries


class SearchFailed(Exception):
    """Pagefind could not be run or did not finish; the message is one line."""


def document_name(url: str) -> str:
    """A record's file in the scratch folder: one flat folder (5,000 files are written faster
    than 5,000 nested folders), each named by its entry's URL, which results take from the
    record's `url` field."""
    return hashlib.blake2b(url.encode("utf-8"), digest_size=10).hexdigest() + ".html"


def index_bundle(
    documents: dict[str, str], lang: str, started: Callable[[subprocess.Popen], None] | None = None
) -> dict[str, bytes]:
    """Pagefind's files for some documents (file name -> HTML), by path in the bundle (the
    ready-made interfaces left out). SearchFailed when Pagefind cannot run or fails. `started` is
    given the Pagefind process, for a caller that may have to stop it."""
    from pagefind.service import get_executable  # asyncio and more: imported when an index is built

    executable = get_executable()
    if executable is None:
        raise SearchFailed("Pagefind is not installed (pagefind[bin] in requirements.txt)")
    size = sum(len(text) for text in documents.values())
    parent = scratch_parent(size)
    remove_stale_scratch()
    with tempfile.TemporaryDirectory(prefix=f"{SCRATCH}{os.getpid()}-", dir=parent) as scratch:
        site, bundle = os.path.join(scratch, "site"), os.path.join(scratch, "bundle")
        os.mkdir(site)
        for name, text in documents.items():
            with open(os.path.join(site, name), "w", encoding="utf-8") as handle:
                handle.write(text)
        command = [
            str(executable),
            "--site",
            site,
            "--output-path",
            bundle,
            "--force-language",
            lang,
            "--silent",
        ]
        try:
            process = subprocess.Popen(
                command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=scratch
            )
        except OSError as exc:
            raise SearchFailed(f"Pagefind did not run: {exc}") from None
        try:
            if started is not None:
                started(process)
            out, err = process.communicate(timeout=TIME_LIMIT)
        except subprocess.TimeoutExpired:
            raise SearchFailed(f"Pagefind did not finish in {TIME_LIMIT} s") from None
        finally:
            if process.poll() is None:  # stopped, timed out or interrupted: the scratch goes only after it
                process.kill()
                process.wait()
        if process.returncode != 0:
            said = (err or out).strip().splitlines()
            raise SearchFailed(
                f"Pagefind failed: {said[-1] if said else f'exit status {process.returncode}'}"
            )
        return _read_bundle(bundle)


SCRATCH = "tracker-search-"  # + the process id: a folder whose process is gone is a leftover


def remove_stale_scratch(parents: tuple[str | None, ...] = ("/dev/shm", None)) -> None:
    """Scratch folders of this user left by a process killed while indexing (they hold the site's
    documents, in memory when under /dev/shm), wherever they were put (None: the system's
    temporary folder): one whose process is gone, or one without a process id (an earlier
    version's) untouched for longer than an index may take."""
    for parent in parents:
        folder = parent or tempfile.gettempdir()
        try:
            names = [name for name in os.listdir(folder) if name.startswith(SCRATCH)]
        except OSError:
            continue
        for name in names:
            path = os.path.join(folder, name)
            try:
                info = os.lstat(path)
                if info.st_uid != os.getuid() or not stat.S_ISDIR(info.st_mode):
                    continue
                if _is_stale(name[len(SCRATCH) :].partition("-")[0], info.st_mtime):
                    shutil.rmtree(path, ignore_errors=True)
            except OSError:
                continue


def _is_stale(pid: str, modified: float) -> bool:
    if not pid.isascii() or not pid.isdigit() or len(pid) > 9:
        return time.time() - modified > TIME_LIMIT
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except OSError:
        return False  # alive (another user's process)
    return False


def scratch_parent(size: int, memory: str = "/dev/shm") -> str | None:
    """Where the scratch folder goes: the memory file system when it has room to spare for the
    documents and the index (writing 5,000 files there takes a quarter of the time it takes on
    a disk that is still flushing the site), else the system's temporary folder (None)."""
    try:
        free = os.statvfs(memory)
    except OSError:
        return None
    room = free.f_bavail * free.f_frsize
    return memory if os.access(memory, os.W_OK) and room > 4 * size + 256 * 2**20 else None


def _read_bundle(bundle: str) -> dict[str, bytes]:
    files = {}
    for folder, _, names in os.walk(bundle):
        for name in names:
            relative = os.path.relpath(os.path.join(folder, name), bundle)
            if not UNUSED.match(relative):
                with open(os.path.join(folder, name), "rb") as handle:
                    files[relative] = handle.read()
    return dict(sorted(in_fixed_order(files).items()))


# Pagefind writes each filter's values in hash-map order, which changes from run to run, and names
# files by their content: the filter files, the language's metadata file that names them, and the
# entry file that names that. The same records must give the same bytes, so those three are
# rewritten with the values sorted, and renamed by a digest of their new content.
SIGNATURE = b"pagefind_dcd"


def _decode(data: bytes) -> Any:
    raw = gzip.decompress(data)
    if not raw.startswith(SIGNATURE):
        raise ValueError("not a Pagefind data file")
    return cbor2.loads(raw[len(SIGNATURE) :])


def _encode(value: Any) -> bytes:
    return gzip.compress(SIGNATURE + cbor2.dumps(value), compresslevel=9, mtime=0)


def _renamed(old: str, data: bytes, digits: int) -> str:
    """A file's name with its hash part replaced by a digest of `data`: en_6998e5a -> en_<digest>."""
    language = old.split("_")[0]
    return f"{language}_{hashlib.blake2b(data, digest_size=8).hexdigest()[:digits]}"


def in_fixed_order(files: dict[str, bytes]) -> dict[str, bytes]:
    """The bundle with its filter values in a fixed order (see above). A bundle whose files are not
    as this version of Pagefind writes them is returned as it is."""
    try:
        entry = json.loads(files["pagefind-entry.json"])
        fixed = dict(files)
        for language in entry["languages"].values():
            meta_path = f"pagefind.{language['hash']}.pf_meta"
            meta = _decode(files[meta_path])
            filters = []
            for name, old in sorted(meta[3]):
                values = _decode(fixed.pop(f"filter/{old}.pf_filter"))
                values[1].sort(key=lambda item: item[0])
                data = _encode(values)
                new = _renamed(old, data, len(old.split("_")[1]))
                fixed[f"filter/{new}.pf_filter"] = data
                filters.append([name, new])
            meta[3] = filters
            data = _encode(meta)
            del fixed[meta_path]
            language["hash"] = _renamed(language["hash"], data, len(language["hash"].split("_")[1]))
            fixed[f"pagefind.{language['hash']}.pf_meta"] = data
        fixed["pagefind-entry.json"] = json.dumps(entry, ensure_ascii=False, separators=(",", ":")).encode()
        return fixed
    except (KeyError, IndexError, TypeError, AttributeError, ValueError, OSError, EOFError, cbor2.CBORError):
        return files


def index_shards(
    names: list[str],
    documents_of: Callable[[str], dict[str, str]],
    lang: str,
    done: Callable[[str, dict[str, bytes]], None],
    started: Callable[[subprocess.Popen], None] | None = None,
) -> None:
    """Index shards two at a time, each shard's documents made (`documents_of`) when its turn
    comes, so that no more than three shards' are held at once; `done(shard, bundle)` is called
    here as each finishes. SearchFailed once the shards under way are done, if one failed."""
    failed: SearchFailed | None = None
    running: dict[Future, str] = {}

    def settle(futures: Iterable[Future]) -> None:
        nonlocal failed
        for future in futures:
            name = running.pop(future)
            try:
                done(name, future.result())
            except SearchFailed as exc:
                failed = failed or exc

    with ThreadPoolExecutor(max_workers=2) as pool:
        for name in names:
            if failed is not None:
                break
            if len(running) >= 2:
                settle(wait(running, return_when=FIRST_COMPLETED)[0])
            running[pool.submit(index_bundle, documents_of(name), lang, started)] = name
        settle(list(running))
    if failed is not None:
        raise failed


def shard_files(shard: str, bundle: dict[str, bytes], primary: bool) -> dict[str, bytes]:
    """A shard's files by path in the output folder; only the primary shard keeps the script."""
    return {
        f"{BUNDLE}/{shard}/{path}": data
        for path, data in bundle.items()
        if primary or not PRIMARY_ONLY.match(path)
    }


def index_language(settings: dict[str, Any]) -> str:
    """The one language the whole index is built in (an entry's own `lang` would split it)."""
    return settings.get("DEFAULT_LANG") or "en"
