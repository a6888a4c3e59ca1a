"""What the files of one scanned root hold: git's answers, the scan cache, the scan.

Inside a git work tree, git is asked up to three things at once, before the policy is even
read (`ask`): the files (`git ls-files`); with a cache to read, which tracked files differ from
the index (`git diff-files`); without one, which files hold a literal some source looks for
(`git grep`).  A folder in no work tree gets the listing and the search through an empty
repository lent from the temporary folder (no cache: its files have no blob ids).  Files whose content the cache knows are not read; the others are read and
extracted by the scan, and what they hold is remembered.  A hook's files bring only their
services' folders; a large service (a monolith) gets the cache and `git grep` too.
"""

from __future__ import annotations

import dataclasses
import os
import subprocess
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from poolaudit.discover import FileRef, ServiceMap, discover, git_toplevel, start_listing
from poolaudit.lent import lend_repository, return_repository
from poolaudit.prefilter import GitGrep, discard
from poolaudit.resolve import usable
from poolaudit.scan import FileResult, ScanOptions, scan

if TYPE_CHECKING:
    from poolaudit.cache import ScanCache


@dataclasses.dataclass
class Asked:
    """git's pending answers about one root."""

    listing: subprocess.Popen[bytes] | None
    cache: ScanCache | None
    grep: GitGrep | None
    options: str = ""  # the scan options asked with (ScanOptions.key and the cache switch)
    lent: str | None = None  # a repository lent to a folder in no work tree (lent.py)

    def close(self) -> None:
        """Stops what is still running (answers asked for and not wanted)."""
        if self.listing is not None:
            discard(self.listing)
        if self.cache is not None:
            self.cache.close()
        if self.grep is not None:
            self.grep.close()
        self.release()

    def release(self) -> None:
        """Removes the lent repository, once git has answered (or been stopped)."""
        if self.lent is not None:
            return_repository(self.lent)
            self.lent = None


NOTHING_ASKED = Asked(None, None, None)


def options_key(options: ScanOptions) -> str:
    return f"{options.key()} cache={options.cache}"


def ask(root: Path, options: ScanOptions) -> Asked:
    """Starts git on a root: in a work tree, or in a folder in no work tree through a lent
    empty repository (then without the cache: such files have no blob ids)."""
    if git_toplevel(root) is None:
        lent = lend_repository(root) if root.is_dir() else None
        if lent is None:
            return NOTHING_ASKED
        grep = GitGrep(root, lent=lent) if options.prefilter else None
        return Asked(start_listing(root, lent=lent), None, grep, options_key(options), lent)
    from poolaudit.cache import ScanCache  # not for a hook's handful of files

    cache = ScanCache(root, options.key()) if options.cache else None
    # git grep reads every tracked file: not when the cache knows what most of them hold.
    grep = GitGrep(root) if options.prefilter and not (cache is not None and cache.exists) else None
    return Asked(start_listing(root), cache, grep, options_key(options))


class Gathered(NamedTuple):
    refs: list[FileRef]  # the files read or known, after the policy's excludes
    manifests: set[str]
    services: ServiceMap
    files: list[FileResult]  # what they hold, in path order; files holding nothing left out
    cache: ScanCache | None  # being saved; `join` it before the process ends


def gather(
    root: Path,
    only: set[str] | None,
    policy: Any,
    options: ScanOptions,
    asked: Asked,
    progress: Callable[[int, int], None] | None = None,
) -> Gathered:
    """The files of `root` and what their sources extract: from the cache for files whose
    content is unchanged, else read (git grep ruling out most files unread).  With `only`
    (a hook's files), those files and the rest of their services."""
    cache = asked.cache
    listing = asked.listing
    if only is not None and listing is None:
        # A hook's files: only their services' folders are listed, not a whole monorepo.
        folders = sorted({ServiceMap(root).folder(rel) for rel in only})
        listing = start_listing(root, folders if "" not in folders else None)
    lent = asked.lent is not None
    try:
        refs, manifests, from_git, unsearched, blobs = discover(root, listing, lent)
        candidates = asked.grep.collect() if asked.grep is not None else None  # reaps the processes
        candidates = candidates if from_git else None
        known = cache.known(blobs) if cache is not None else {}
    finally:
        if cache is not None:
            cache.close()
        if asked.grep is not None:
            asked.grep.close()  # stopped, if an error came first: before its repository goes
        asked.release()
    if lent and candidates is not None:
        unsearched = _symlinks(root, refs, candidates)
    services = ServiceMap(root, manifests)
    excluded = _excluder(policy)
    refs = [ref for ref in refs if not excluded(ref.rel)]
    if only is not None:
        refs = _context(refs, services, only)
        if from_git and len(refs) >= LARGE_CONTEXT:
            cache, known, candidates = _large_context(root, refs, blobs, options)
    fresh = [ref for ref in refs if ref.rel not in known]
    found = {file.ref.rel: file for file in scan(fresh, options, candidates, unsearched, progress, _trim)}
    files = []
    for ref in refs:
        if ref.rel in known:
            extraction, skipped = known[ref.rel]
            if extraction is not None or skipped is not None:
                files.append(FileResult(ref, extraction, skipped))
        elif ref.rel in found:
            files.append(found[ref.rel])
    if cache is not None:
        _remember(cache, refs, blobs, unsearched, known, found, bool(fresh))
    return Gathered(refs, manifests, services, files, cache)


LARGE_CONTEXT = 400  # a hook's services holding more files than this get the cache and git grep


def _large_context(
    root: Path, refs: list[FileRef], blobs: dict[str, str], options: ScanOptions
) -> tuple[ScanCache | None, dict[str, tuple[Any, Any]], dict[str, set[str]] | None]:
    """A hook's files in a large service (a monolith under one `pyproject.toml`): what the
    cache knows is not read again, and git grep rules out the rest before Python reads it."""
    from poolaudit.cache import ScanCache

    cache = ScanCache(root, options.key()) if options.cache else None
    known = cache.known(blobs) if cache is not None else {}
    fresh: dict[str, list[str]] = defaultdict(list)
    for ref in refs:
        if ref.rel not in known:
            fresh[ref.kind].append(ref.rel)
    large = sum(map(len, fresh.values())) >= LARGE_CONTEXT
    candidates = GitGrep(root, fresh).collect() if options.prefilter and large else None
    return cache, known, candidates


def _remember(
    cache: ScanCache,
    refs: list[FileRef],
    blobs: dict[str, str],
    unsearched: set[str],
    known: dict[str, tuple[Any, Any]],
    found: dict[str, FileResult],
    fresh: bool,
) -> None:
    """Stores what each tracked, unmodified file holds (or that it holds nothing) for the next
    run; not when nothing was read and nothing known was dropped."""
    if not fresh and len(known) == cache.stored:
        return

    def entries(modified: set[str]) -> dict[str, tuple[str, Any, Any]]:
        # Everything still true is kept, files outside `refs` included (a hook reads a few
        # services; the policy may exclude some files today and not tomorrow).
        kept = {rel: (blobs[rel], *known[rel]) for rel in known if rel not in modified}
        for ref in refs:
            rel = ref.rel
            if rel in kept or rel not in blobs or rel in modified or rel in unsearched:
                continue
            file = found.get(rel)
            if file is not None and file.skipped is not None and file.skipped.reason.startswith("unreadable"):
                continue  # permissions can change while the content stays
            kept[rel] = (blobs[rel], file.extraction if file else None, file.skipped if file else None)
        return kept

    cache.save(entries)


def _symlinks(root: Path, refs: list[FileRef], candidates: dict[str, set[str]]) -> set[str]:
    """Of the files git grep ruled out in a lent folder, the symlinks: it did not read them."""
    ruled_out = (ref.rel for ref in refs if ref.kind in candidates and ref.rel not in candidates[ref.kind])
    return {rel for rel in ruled_out if os.path.islink(os.path.join(root, rel))}


def _trim(file: FileResult) -> FileResult:
    """Drops, where the file was read, the env definitions no setting can take a value from."""
    if file.extraction is not None and not all(map(usable, file.extraction.env)):
        file.extraction.env = [d for d in file.extraction.env if usable(d)]
    return file


def _context(refs: list[FileRef], services: ServiceMap, only: set[str]) -> list[FileRef]:
    """In hook mode, the files of the named files' services: what values may depend on."""
    wanted = {services.service(rel) for rel in only}
    return [ref for ref in refs if ref.rel in only or services.service(ref.rel) in wanted]


def _excluder(policy: Any) -> Callable[[str], bool]:
    from fnmatch import fnmatch

    globs = list(getattr(policy, "exclude", None) or [])
    # `**/x/**` matches `x/...` at the top too, as in gitignore (and overrides' globs, bounds._glob).
    globs += [g[3:] for g in globs if g.startswith("**/")]
    if not globs:
        return lambda rel: False
    return lambda rel: any(fnmatch(rel, g) or fnmatch(rel, g.rstrip("/") + "/*") for g in globs)
