"""What a scan found in each file last time, keyed by the file's content: git's blob id.

A tracked file whose work-tree copy matches the index has the content its blob id names, so
what the sources extracted from it (or that it holds nothing) is still true, whatever moved
around it.  Such files are neither searched nor read again: a repeated audit of a monorepo
costs the listing and the check, not the parse.  Untracked, modified, conflicted and symlinked
files are always read.

The cache lives in the user's cache folder (`$POOLAUDIT_CACHE_DIR`, else
`$XDG_CACHE_HOME/poolaudit`, else `~/.cache/poolaudit`), one file per scanned root, never in
the checkout.  Its name covers everything else a result depends on: the root, the poolaudit
code (a digest of every module, so an upgrade or an edit starts afresh), the Python that
parses, and the scan options.  A cache that cannot be read or written is ignored: it only ever saves time.
The validated policy is kept in the same folder (`policy/snapshot.py`, written with `store`).
"""

from __future__ import annotations

import functools
import hashlib
import os
import pickle
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import poolaudit

_FORMAT = 2  # bump when the stored records change shape


def folder() -> Path:
    given = os.environ.get("POOLAUDIT_CACHE_DIR")
    if given:
        return Path(given)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "poolaudit"


@functools.cache
def code_stamp(package: str | None = None) -> str:
    """The poolaudit code a stored result came from: a digest of every module's content, so
    that an edit or an upgrade starts afresh, while a reinstall of the same version (CI
    installs afresh on every run, with new file times) keeps the cache CI restores."""
    package = package or os.path.dirname(os.path.abspath(poolaudit.__file__))
    digest = hashlib.sha256()
    for folder_path, dirs, files in os.walk(package):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        for name in sorted(files):
            if name.endswith(".py"):
                digest.update(f"{os.path.relpath(folder_path, package)}/{name}\0".encode())
                with open(os.path.join(folder_path, name), "rb") as handle:
                    digest.update(handle.read())
    return digest.hexdigest()


class ScanCache:
    """Past results of one root: a path -> (blob id, extraction, skipped); both None for a
    file that holds nothing."""

    def __init__(self, root: Path, options_key: str) -> None:
        parts = [str(_FORMAT), poolaudit.__version__, sys.version, os.path.realpath(root), options_key, code_stamp()]
        key = "\n".join(parts)
        digest = hashlib.sha256(key.encode("utf-8", "surrogateescape")).hexdigest()[:24]
        self.path = folder() / f"scan-{digest}.pickle"
        self.exists = self.path.is_file()
        self.stored = 0  # entries in the cache file as read
        self._root = root
        self._modified: set[str] | None = None
        self._writer: int | None = None  # the process writing the file, until joined
        # Which tracked files differ from the index (or are gone): without an answer nothing is
        # taken from the cache or put into it.  With a cache to read, asked at once, while the
        # caller lists files; else only by the process that writes the cache, off the way.
        self._asking: subprocess.Popen[bytes] | None = self._ask() if self.exists else None
        self._asked = self._asking is not None

    def _ask(self) -> subprocess.Popen[bytes] | None:
        from poolaudit.discover import git_env

        env = git_env()
        try:
            return subprocess.Popen(
                # --relative: paths as `git ls-files` gives them when the root is a subfolder.
                ["git", "diff-files", "--name-only", "--relative", "-z"],
                cwd=self._root,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
                env=env,
            )
        except OSError:
            return None

    def modified(self) -> set[str] | None:
        if not self._asked:
            self._asking, self._asked = self._ask(), True
        if self._asking is not None:
            output, _ = self._asking.communicate()
            if self._asking.returncode == 0:
                self._modified = set(output.decode("utf-8", "surrogateescape").split("\0"))
            self._asking = None
        return self._modified

    def known(self, blobs: dict[str, str]) -> dict[str, tuple[Any, Any]]:
        """Past (extraction, skipped) of the files whose content is what it was."""
        if not self.exists:
            return {}
        modified = self.modified()
        if modified is None:
            return {}
        try:
            with open(self.path, "rb") as handle:
                stored = pickle.load(handle)
            if not isinstance(stored, dict):
                return {}
            self.stored = len(stored)
            return {
                rel: (extraction, skipped)
                for rel, (blob, extraction, skipped) in stored.items()
                if blobs.get(rel) == blob and rel not in modified
            }
        except Exception:  # noqa: BLE001 - unreadable, truncated, another shape: start afresh
            return {}

    def close(self) -> None:
        if self._asking is not None:
            from poolaudit.prefilter import discard

            discard(self._asking)
            self._asking = None

    def save(self, entries_for: Callable[[set[str]], dict[str, tuple[str, Any, Any]]]) -> None:
        """Replaces the stored results with `entries_for(modified files)`, in a forked process
        where there is fork: asking git what changed and pickling a monorepo's results take
        ~0.15 s, which the check and the report need not wait for.  `join` waits for it."""
        from poolaudit.forkmap import can_fork

        def write() -> None:
            modified = self.modified()
            if modified is not None:
                self._write(entries_for(modified))

        if not can_fork():
            write()
            return
        pid = os.fork()
        if pid == 0:  # pragma: no cover - the child; its work is seen through the file it writes
            try:
                write()
            finally:
                os._exit(0)
        self._writer = pid

    def join(self) -> None:
        if self._writer is not None:
            try:
                os.waitpid(self._writer, 0)
            except ChildProcessError:
                pass
            self._writer = None

    def _write(self, entries: dict[str, tuple[str, Any, Any]]) -> None:
        store(self.path, entries)


def store(path: Path, value: Any) -> None:
    """Pickles `value` to `path` atomically: a concurrent run reads the old file or the new
    one, whole.  A cache that cannot be written is no error: the next run does the work again."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        handle, temp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".pickle")
        try:
            with os.fdopen(handle, "wb") as out:
                pickle.dump(value, out, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(temp, path)
        except BaseException:
            os.unlink(temp)
            raise
        _prune(path.parent)
    except OSError:
        pass  # a read-only home, a full disk


def _prune(where: Path) -> None:
    """Forgets roots not scanned and policies not used for a month (checkouts deleted,
    temporary clones), and temporary files a killed run left."""
    month_ago = time.time() - 30 * 24 * 3600
    for entry in os.scandir(where):
        if entry.name.startswith(("scan-", "policy-", ".tmp-", ".scan-")) and entry.stat().st_mtime < month_ago:
            try:
                os.unlink(entry.path)
            except OSError:
                pass
