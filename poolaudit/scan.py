"""The extract stage: read each file once, skip what cannot hold a setting, run its source.

Reading is the floor of a scan's cost, so everything here is about not doing more than that:
a byte-level prefilter decides before decoding, binary and oversized files are refused early,
and many files are spread over worker processes.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable
from dataclasses import dataclass, field

from poolaudit import sources
from poolaudit.discover import FileRef
from poolaudit.errors import SourceError
from poolaudit.forkmap import fork_map
from poolaudit.model import Extraction, Skipped
from poolaudit.prefilter import may_hold

DEFAULT_MAX_BYTES = 4 * 1024 * 1024
PARALLEL_THRESHOLD = 400  # below this many files, a fork costs more than it saves


@dataclass
class FileResult:
    ref: FileRef
    extraction: Extraction | None = None
    skipped: Skipped | None = None


@dataclass
class ScanOptions:
    max_bytes: int = DEFAULT_MAX_BYTES
    jobs: int = 0  # 0: choose
    prefilter: bool = True  # False: parse every file of a known kind (for measuring the prefilter)
    # False: read every file again instead of taking unchanged files' results from the cache.
    cache: bool = field(default_factory=lambda: not os.environ.get("POOLAUDIT_NO_CACHE"))

    def key(self) -> str:
        """What, besides a file's content, decides what its scan finds."""
        return f"max_bytes={self.max_bytes} prefilter={self.prefilter}"


def _decode(data: bytes, kind: str) -> str:
    try:
        return data.decode("utf-8-sig")  # a BOM is not part of the text a source sees
    except UnicodeDecodeError:
        if kind != "python":
            raise
    # Python files may declare their encoding in a coding cookie (PEP 263).
    import io
    import tokenize

    encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    return data.decode(encoding)


def _outside(path: str, root: str) -> bool:
    real = os.path.realpath(path)
    return not (real == root or real.startswith(root.rstrip(os.sep) + os.sep))


def scan_one(ref: FileRef, options: ScanOptions) -> FileResult:
    """Read and extract one file; whatever goes wrong becomes a Skipped entry."""
    root = str(ref.root)
    path = os.path.join(root, ref.rel)
    try:
        info = os.lstat(path)
        if stat.S_ISLNK(info.st_mode):
            if _outside(path, os.path.realpath(root)):
                return FileResult(ref, skipped=Skipped(ref.rel, "symlink pointing outside the scanned root"))
            info = os.stat(path)
        if not stat.S_ISREG(info.st_mode):
            return FileResult(ref)  # a submodule or a folder named like a file
        if info.st_size > options.max_bytes:
            limit = options.max_bytes / (1024 * 1024)
            return FileResult(ref, skipped=Skipped(ref.rel, f"file too large ({info.st_size} bytes; limit {limit:g} MiB)"))
        with open(path, "rb") as handle:
            data = handle.read()
    except FileNotFoundError:
        return FileResult(ref)  # listed by git but deleted in the work tree
    except OSError as exc:
        return FileResult(ref, skipped=Skipped(ref.rel, f"unreadable: {exc.strerror or exc}"))
    if b"\0" in data[:8192]:
        return FileResult(ref, skipped=Skipped(ref.rel, "binary file"))
    if options.prefilter and not may_hold(ref.kind, data):
        return FileResult(ref)
    source = sources.get(ref.kind)
    try:
        text = _decode(data, ref.kind)
    except (UnicodeDecodeError, SyntaxError, LookupError):
        return FileResult(ref, skipped=Skipped(ref.rel, "not UTF-8 text (and no encoding declared)"))
    try:
        return FileResult(ref, extraction=source.extract(ref.rel, text))
    except SourceError as exc:
        return FileResult(ref, skipped=Skipped(ref.rel, f"does not parse: {exc}", exc.line))
    except RecursionError:
        return FileResult(ref, skipped=Skipped(ref.rel, "does not parse: nested too deeply"))


def scan(
    refs: list[FileRef],
    options: ScanOptions,
    candidates: dict[str, set[str]] | None = None,
    unsearched: set[str] | frozenset[str] = frozenset(),
    progress: Callable[[int, int], None] | None = None,
    finish: Callable[[FileResult], FileResult | None] | None = None,
) -> list[FileResult]:
    """Extract every file; `candidates` (git grep's answer) rules out, unread, the files of a
    kind that hold none of its literals, except those git grep did not search (`unsearched`).

    `finish` runs on each result in the process that read the file (placing its records in the
    audit), and may drop it.  Results that carry nothing are dropped: only what is kept travels
    back from a worker."""
    if options.prefilter and candidates is not None:
        refs = [r for r in refs if r.kind not in candidates or r.rel in candidates[r.kind] or r.rel in unsearched]
    jobs = options.jobs or min(2, os.cpu_count() or 1)
    if len(refs) < PARALLEL_THRESHOLD:
        jobs = 1
    else:
        for kind in {ref.kind for ref in refs}:
            sources.get(kind)  # imported once here, not once in every worker

    def one(ref: FileRef) -> FileResult | None:
        result = scan_one(ref, options)
        if result.extraction is None and result.skipped is None:
            return None
        return finish(result) if finish is not None else result

    # A worker sends back what it found, not the FileRef (a Path and two strings) this process holds.
    return fork_map(one, refs, jobs, progress, _pack, _unpack)


def _pack(result: FileResult) -> tuple[Extraction | None, Skipped | None]:
    return result.extraction, result.skipped


def _unpack(ref: FileRef, packed: tuple[Extraction | None, Skipped | None]) -> FileResult:
    return FileResult(ref, *packed)
