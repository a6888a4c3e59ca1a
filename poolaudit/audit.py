"""The read side's core: paths and a policy in, a Result out (discover, extract, resolve, check)."""

from __future__ import annotations

import dataclasses
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from poolaudit import environments
from poolaudit.discover import FileRef, ServiceMap, discover, git_toplevel, kind_of, start_listing
from poolaudit.model import EnvDef, Extraction, Result, Setting, Suppression, Symbol
from poolaudit.prefilter import GitGrep
from poolaudit.resolve import resolve, usable
from poolaudit.scan import FileResult, ScanOptions, scan

if TYPE_CHECKING:
    from poolaudit.cache import ScanCache


@dataclasses.dataclass
class Target:
    """One scanned root, and (in hook mode) the files whose findings are reported."""

    root: Path
    label: str  # prefix for reported paths when several roots are scanned ("" for one)
    only: set[str] | None = None


def targets_for(paths: list[Path]) -> list[Target]:
    """Folders are scanned whole; files (as pre-commit passes them) are grouped by repository."""
    folders = [p for p in paths if p.is_dir()]
    files = [p for p in paths if not p.is_dir()]
    targets = [Target(p, "") for p in folders]
    by_root: dict[Path, set[str]] = {}
    for file in files:
        if kind_of(file.name) is None:
            continue  # nothing to read: a commit of unrelated files costs nothing
        absolute = file.absolute()
        root = git_toplevel(absolute.parent) if absolute.parent.exists() else None
        root = root or absolute.parent
        rel = absolute.resolve().relative_to(root.resolve()).as_posix()
        by_root.setdefault(root, set()).add(rel)
    targets.extend(Target(root, "", only) for root, only in by_root.items())
    if len(targets) > 1:
        for target, given in zip(targets, [*folders, *by_root]):
            target.label = given.as_posix().rstrip("/") + "/"
    return targets


def _context(refs: list[FileRef], services: ServiceMap, only: set[str]) -> list[FileRef]:
    """In hook mode, the files of the named files' services: what values may depend on."""
    wanted = {services.service(rel) for rel in only}
    return [ref for ref in refs if ref.rel in only or services.service(ref.rel) in wanted]


def audit(
    paths: list[Path],
    policy: Any,
    options: ScanOptions | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Result:
    from poolaudit.check import check

    options = options or ScanOptions()
    result = Result()
    settings: list[Setting] = []
    env: list[EnvDef] = []
    symbols: list[Symbol] = []
    suppressions: list[Suppression] = []
    listings: dict[str, tuple[list[FileRef], set[str]]] = {}  # per root, for the capacity rules
    for target in targets_for(paths):
        refs, manifests, services, files = _read(target, policy, options, progress)
        result.roots.append(str(target.root))
        listings[str(target.root)] = (refs, manifests)
        result.files_scanned += len(refs)
        place = _placer(policy, services, target)
        files.reverse()
        while files:  # each file's raw records are freed once placed: half the peak memory
            file = place(files.pop())
            if file is None:
                continue
            if file.skipped is not None:
                result.skipped.append(file.skipped)
            if file.extraction is not None:
                settings.extend(file.extraction.settings)
                suppressions.extend(file.extraction.suppressions)
                env.extend(file.extraction.env)
                symbols.extend(file.extraction.symbols)
    result.settings = resolve(settings, env, symbols)
    fleet = None
    if all(p.is_dir() for p in paths):  # capacity rules weigh whole services: not in hook runs
        from poolaudit.capacity import Fleet

        fleet = Fleet(result.roots, listings)
    result.findings = check(result.settings, result.skipped, suppressions, policy, fleet)
    while _writing:
        _writing.pop().join()
    return result


@dataclasses.dataclass
class _Asked:
    """What git is asked about one root before the policy is even read: its files, which of
    them changed, and (without a usable cache) which hold a literal some source looks for."""

    listing: subprocess.Popen[bytes] | None
    cache: ScanCache | None
    grep: GitGrep | None


_asked: dict[str, _Asked] = {}
_writing: list[ScanCache] = []  # caches being saved while the audit goes on


def prepare(paths: list[Path], options: ScanOptions) -> None:
    """Starts git on each folder to scan, so that it answers while Python starts up."""
    for target in targets_for(paths):
        if target.only is None:
            _asked[str(target.root)] = _ask(target.root, options)


def _ask(root: Path, options: ScanOptions) -> _Asked:
    if not _in_git(root):
        return _Asked(None, None, None)
    from poolaudit.cache import ScanCache  # not for a hook's handful of files

    cache = ScanCache(root, options.key()) if options.cache else None
    # git grep reads every tracked file: not when the cache knows what most of them hold.
    grep = GitGrep(root) if options.prefilter and not (cache is not None and cache.exists) else None
    return _Asked(start_listing(root), cache, grep)


def _read(
    target: Target, policy: Any, options: ScanOptions, progress: Callable[[int, int], None] | None
) -> tuple[list[FileRef], set[str], ServiceMap, list[FileResult]]:
    """The files of one root and what their sources extract, in path order: from the cache
    for files whose content is unchanged, else read (git grep ruling out most files unread).
    A hook's handful of files is read without either."""
    root = target.root
    asked = _asked.pop(str(root), None) if target.only is None else _Asked(None, None, None)
    asked = asked or _ask(root, options)
    cache = asked.cache
    try:
        refs, manifests, from_git, unsearched, blobs = discover(root, asked.listing)
        candidates = asked.grep.collect() if asked.grep is not None else None  # reaps the processes
        candidates = candidates if from_git else None
        known = cache.known(blobs) if cache is not None else {}
    finally:
        if cache is not None:
            cache.close()
    services = ServiceMap(root, manifests)
    excluded = _excluder(policy)
    refs = [ref for ref in refs if not excluded(ref.rel)]
    if target.only is not None:
        refs = _context(refs, services, target.only)
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
        _writing.append(cache)
    return refs, manifests, services, files


def _remember(
    cache: ScanCache,
    refs: list[FileRef],
    blobs: dict[str, str],
    unsearched: set[str],
    known: dict[str, tuple[Any, Any]],
    found: dict[str, FileResult],
    fresh: bool,
) -> None:
    """Stores what each tracked, unmodified file holds (or that it holds nothing) for the next run."""
    modified = cache.modified()
    if modified is None:
        return
    entries: dict[str, tuple[str, Any, Any]] = {}
    for ref in refs:
        rel = ref.rel
        if rel not in blobs or rel in modified or rel in unsearched:
            continue
        if rel in known:
            entries[rel] = (blobs[rel], *known[rel])
            continue
        file = found.get(rel)
        if file is not None and file.skipped is not None and file.skipped.reason.startswith("unreadable"):
            continue  # permissions can change while the content stays
        entries[rel] = (blobs[rel], file.extraction if file else None, file.skipped if file else None)
    if fresh or len(entries) != cache.stored:
        cache.save(entries)


def _trim(file: FileResult) -> FileResult:
    """Drops, where the file was read, the env definitions no setting can take a value from."""
    if file.extraction is not None and not all(map(usable, file.extraction.env)):
        file.extraction.env = [d for d in file.extraction.env if usable(d)]
    return file


def _placer(policy: Any, services: ServiceMap, target: Target) -> Callable[[FileResult], FileResult | None]:
    """What a file's records become in the audit: paths under the root's label, the service and
    environment they belong to; what cannot matter is dropped (this runs in the worker that read
    the file, so the dropped records never travel).  In hook mode, only the named files report;
    the rest of their services is read for the values it defines."""
    label = target.label
    include = set(getattr(policy, "include", None) or [])

    def wanted(setting: Setting) -> bool:
        # Redis and Celery pools are listed only when the policy opts in to them.
        return setting.framework not in ("redis", "celery") or setting.framework in include

    def place(file: FileResult) -> FileResult | None:
        rel = file.ref.rel
        reported = target.only is None or rel in target.only
        skipped = file.skipped
        if skipped is not None:
            skipped = dataclasses.replace(skipped, path=label + skipped.path) if reported else None
        extraction = file.extraction
        if extraction is not None:
            service = _service_name(policy, services, rel)
            implied = environments.from_path(rel)
            extraction = Extraction(
                settings=[_stamp(s, label, service, implied) for s in extraction.settings if wanted(s)]
                if reported
                else [],
                suppressions=[
                    dataclasses.replace(s, path=label + s.path) if label else s for s in extraction.suppressions
                ]
                if reported
                else [],
                env=[
                    dataclasses.replace(
                        d,
                        path=label + d.path,
                        service=service,
                        environment=implied if d.environment == "any" else d.environment,
                    )
                    for d in extraction.env
                    if usable(d)
                ],
                symbols=[dataclasses.replace(s, path=label + s.path, service=service) for s in extraction.symbols],
            )
            if not (extraction.settings or extraction.env or extraction.symbols or extraction.suppressions):
                extraction = None
        if extraction is None and skipped is None:
            return None
        return FileResult(file.ref, extraction, skipped)

    return place


def _stamp(setting: Setting, label: str, service: str, implied: str) -> Setting:
    """A source's setting placed in the audit: its service, its environment, its root's label."""
    changes: dict[str, Any] = {"service": service}
    if setting.environment == "any":
        changes["environment"] = implied
    if label:
        changes["path"] = label + setting.path
        if setting.origin is not None:
            changes["origin"] = dataclasses.replace(setting.origin, path=label + setting.origin.path)
        if setting.insertion is not None:
            changes["insertion"] = dataclasses.replace(setting.insertion, path=label + setting.insertion.path)
    return setting.replace(**changes)


def _in_git(root: Path) -> bool:
    return git_toplevel(root) is not None


def _service_name(policy: Any, services: ServiceMap, rel: str) -> str:
    from poolaudit.policy import service_name

    default = services.service(rel)
    if not getattr(policy, "services", None):
        return default
    return service_name(policy, services.folder(rel), default)


def _excluder(policy: Any) -> Callable[[str], bool]:
    from fnmatch import fnmatch

    globs = list(getattr(policy, "exclude", None) or [])
    if not globs:
        return lambda rel: False
    return lambda rel: any(fnmatch(rel, g) or fnmatch(rel, g.rstrip("/") + "/*") for g in globs)
