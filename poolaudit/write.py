"""Reading a file for editing and writing it back: exact bytes, atomic, never through a link.

A `Snapshot` keeps the bytes as read, so the written file differs from them only inside the
edits: line endings (read as bytes, never translated), encoding, byte-order mark and mode are
those of the original.  `write` refuses rather than loses data: not when the file changed
on disk since it was read, not through a symbolic link, not over a read-only file.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import stat
import tempfile
from dataclasses import dataclass
from pathlib import Path

BOM = b"\xef\xbb\xbf"


@dataclass(frozen=True)
class Snapshot:
    """A file's content as read: its bytes and the text the sources saw."""

    path: Path
    data: bytes
    text: str
    encoding: str
    bom: bool

    @property
    def digest(self) -> str:
        return hashlib.sha256(self.data).hexdigest()

    def encode(self, text: str) -> bytes:
        """`text` in this file's encoding, with its byte-order mark if it had one."""
        return (BOM if self.bom else b"") + text.encode(self.encoding)


def decode(data: bytes, kind: str) -> tuple[str, str, bool]:
    """(text, encoding, bom) exactly as the scan decodes (scan._decode): utf-8 without the
    BOM; a Python file may declare another encoding in a PEP 263 coding cookie."""
    bom = data.startswith(BOM)
    try:
        return data[3 if bom else 0 :].decode("utf-8"), "utf-8", bom
    except UnicodeDecodeError:
        if kind != "python":
            raise
    import io
    import tokenize

    encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    return data.decode(encoding), encoding, False


def snapshot(path: Path, kind: str) -> Snapshot:
    """Read `path`; raises OSError, UnicodeDecodeError or SyntaxError (bad coding cookie)."""
    data = path.read_bytes()
    text, encoding, bom = decode(data, kind)
    return Snapshot(path, data, text, encoding, bom)


class WriteRefused(Exception):
    """The file was not written; the message says why, for the fix report."""


def problem(path: Path) -> str | None:
    """Why `path` cannot be written in place, or None."""
    if path.is_symlink():
        return "symbolic link: not written through (edit the file it points to)"
    try:
        mode = path.stat().st_mode
    except OSError as exc:
        return f"cannot read the file's status: {exc.strerror or exc}"
    # root may write anything, so also look at the mode bits: a read-only file is a decision.
    if not os.access(path, os.W_OK) or not mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH):
        return "read-only file"
    if not os.access(path.parent, os.W_OK | os.X_OK):
        return "its folder is not writable"
    return None


def write(snap: Snapshot, new: bytes) -> bool:
    """Replace the file with `new` atomically; False when there was nothing to change.

    Raises WriteRefused when the file is a link, read-only, or no longer holds the bytes of
    `snap` (changed by someone else since it was read).
    """
    if new == snap.data:
        return False
    path = snap.path
    reason = problem(path)
    if reason:
        raise WriteRefused(reason)
    mode = stat.S_IMODE(path.stat().st_mode)
    _unchanged_since(snap)
    fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".poolaudit", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(new)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temp, mode)
        _keep_owner(path, temp)
        _unchanged_since(snap)  # checked again right before the rename: the window stays tiny
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise
    return True


def _unchanged_since(snap: Snapshot) -> None:
    try:
        current = snap.path.read_bytes()
    except OSError as exc:
        raise WriteRefused(f"cannot read it again before writing: {exc.strerror or exc}") from None
    if current != snap.data:
        raise WriteRefused("the file changed on disk since it was read; run fix again")


def _keep_owner(path: Path, temp: str) -> None:
    # Only root can give a file away; for anyone else the new file is already theirs.
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        info = path.stat()
        with contextlib.suppress(OSError):
            os.chown(temp, info.st_uid, info.st_gid)
