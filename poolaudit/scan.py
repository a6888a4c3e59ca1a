"""The extract stage: read each file once, skip what cannot hold a setting, run its source.

Reading is the floor of a scan's cost, so everything here is about not doing more than that:
a byte-level prefilter decides before decoding, binary and oversized files are refused early,
and many files are spread over worker processes.
"""

from __future__ import annotations

import os
import stat
import sys
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from poolaudit import sources
from poolaudit.discover import FileRef
from poolaudit.errors import SourceError
from poolaudit.model import Extraction, Skipped
from poolaudit.prefilter import git_candidates, may_hold

DEFAULT_MAX_BYTES = 4 * 1024 * 1024
GIT_GREP_THRESHOLD = 300
PARALLEL_THRESHOLD = 400  # below this many files, worker start-up costs more than it saves


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


def scan_one(ref: FileRef, options: ScanOptions, excluded: bool = False) -> FileResult:
    """Read and extract one file; `excluded`: the prefilter already ruled it out, so it is
    only checked for what must be reported anyway (a link out of the root)."""
    root = str(ref.root)
    path = os.path.join(root, ref.rel)
    try:
        info = os.lstat(path)
        if stat.S_ISLNK(info.st_mode):
            if _outside(path, os.path.realpath(root)):
                return FileResult(ref, skipped=Skipped(ref.rel, "symlink pointing outside the scanned root"))
            info = os.stat(path)
        if excluded or not stat.S_ISREG(info.st_mode):
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


def _scan_chunk(args: tuple[list[FileRef], ScanOptions, frozenset[str]]) -> list[FileResult]:
    refs, options, ruled_out = args
    return [scan_one(ref, options, ref.rel in ruled_out) for ref in refs]



def scan(refs: list[FileRef], options: ScanOptions, git_root: Path | None = None) -> list[FileResult]:
    ruled_out: frozenset[str] = frozenset()
    # git grep pays a process start; for a handful of files (a hook run) bytes are cheaper.
    if options.prefilter and git_root is not None and len(refs) >= GIT_GREP_THRESHOLD:
        found = git_candidates(git_root, {ref.kind for ref in refs})
        if found is not None:
            ruled_out = frozenset(
                ref.rel for ref in refs if ref.kind in found and ref.rel not in found[ref.kind]
            )
    work = sum(1 for ref in refs if ref.rel not in ruled_out)
    jobs = options.jobs or min(2, os.cpu_count() or 1)
    if jobs <= 1 or work < PARALLEL_THRESHOLD or sys.platform == "win32":
        return [scan_one(ref, options, ref.rel in ruled_out) for ref in refs]
    chunk = 128
    chunks = [(refs[i : i + chunk], options, ruled_out) for i in range(0, len(refs), chunk)]
    import multiprocessing

    context = multiprocessing.get_context("fork")
    results: list[FileResult] = []
    with ProcessPoolExecutor(max_workers=jobs, mp_context=context) as pool:
        for part in pool.map(_scan_chunk, chunks):
            results.extend(part)
    return results

