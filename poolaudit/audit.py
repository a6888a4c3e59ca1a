"""The read side's core: paths and a policy in, a Result out (discover, extract, resolve, check)."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path
from typing import Any

from poolaudit import environments
from poolaudit.discover import FileRef, ServiceMap, discover, git_toplevel, kind_of
from poolaudit.model import EnvDef, Result, Setting, Suppression, Symbol
from poolaudit.prefilter import GitGrep
from poolaudit.resolve import resolve
from poolaudit.scan import ScanOptions, scan


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
        # git grep runs while git lists the files; not for a hook's handful of files.
        grep = GitGrep(target.root) if target.only is None and options.prefilter and _in_git(target.root) else None
        refs, manifests, from_git, unsearched = discover(target.root)
        candidates = grep.collect() if grep is not None else None  # collect reaps the processes
        candidates = candidates if from_git else None
        services = ServiceMap(target.root, manifests)
        excluded = _excluder(policy)
        refs = [ref for ref in refs if not excluded(ref.rel)]
        if target.only is not None:
            refs = _context(refs, services, target.only)
        result.roots.append(str(target.root))
        listings[str(target.root)] = (refs, manifests)
        result.files_scanned += len(refs)
        label = target.label

        def place(rel: str) -> str:
            return label + rel

        for file in scan(refs, options, candidates, unsearched, progress):
            reported = target.only is None or file.ref.rel in target.only
            if file.skipped is not None and reported:
                result.skipped.append(dataclasses.replace(file.skipped, path=place(file.skipped.path)))
            extraction = file.extraction
            if extraction is None:
                continue
            service = _service_name(policy, services, file.ref.rel)
            implied = environments.from_path(file.ref.rel)
            if reported:
                settings.extend(_stamp(s, label, service, implied) for s in extraction.settings)
                suppressions.extend(dataclasses.replace(s, path=place(s.path)) for s in extraction.suppressions)
            env.extend(
                dataclasses.replace(
                    d,
                    path=place(d.path),
                    service=service,
                    environment=implied if d.environment == "any" else d.environment,
                )
                for d in extraction.env
            )
            symbols.extend(dataclasses.replace(s, path=place(s.path), service=service) for s in extraction.symbols)
    include = set(getattr(policy, "include", None) or [])
    # Redis and Celery pools are listed only when the policy opts in to them.
    settings = [s for s in settings if s.framework not in ("redis", "celery") or s.framework in include]
    result.settings = resolve(settings, env, symbols)
    fleet = None
    if all(p.is_dir() for p in paths):  # capacity rules weigh whole services: not in hook runs
        from poolaudit.capacity import Fleet

        fleet = Fleet(result.roots, listings)
    result.findings = check(result.settings, result.skipped, suppressions, policy, fleet)
    return result


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
