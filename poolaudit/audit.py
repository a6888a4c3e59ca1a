"""The read side's core: paths and a policy in, a Result out (discover, extract, resolve, check)."""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from poolaudit import environments
from poolaudit.discover import FileRef, ServiceMap, git_toplevel, kind_of
from poolaudit.errors import PoolauditError
from poolaudit.gather import NOTHING_ASKED, Asked, ask, gather, options_key
from poolaudit.model import EnvDef, Extraction, Result, Setting, Suppression, Symbol
from poolaudit.resolve import resolve
from poolaudit.scan import FileResult, ScanOptions

if TYPE_CHECKING:
    from poolaudit.cache import ScanCache


@dataclasses.dataclass
class Target:
    """One scanned root, and (in hook mode) the files whose findings are reported."""

    root: Path
    label: str  # prefix for reported paths when several roots are scanned ("" for one)
    only: set[str] | None = None


def targets_for(paths: list[Path]) -> list[Target]:
    """Folders are scanned whole; files (as pre-commit passes them) are grouped by repository.
    A path that does not exist is an error, not a clean audit of nothing (a typo in CI)."""
    missing = [str(p) for p in paths if not os.path.lexists(p)]
    if missing:
        raise PoolauditError(f"no such file or folder: {', '.join(missing)}")
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
    saving: list[ScanCache] = []  # caches being written while the audit goes on
    for target in targets_for(paths):
        asked = _asked_for(target, options)
        refs, manifests, services, files, cache = gather(target.root, target.only, policy, options, asked, progress)
        if cache is not None:
            saving.append(cache)
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
    for cache in saving:
        cache.join()
    return result


_asked: dict[str, Asked] = {}  # git's answers, asked for by `prepare`


def _asked_for(target: Target, options: ScanOptions) -> Asked:
    if target.only is not None:
        return NOTHING_ASKED  # a hook's handful of files: no git grep, no cache
    prepared = _asked.pop(str(target.root), None)
    if prepared is not None and prepared.options == options_key(options):
        return prepared
    if prepared is not None:
        prepared.close()  # asked with other options (a guess before the options were parsed)
    return ask(target.root, options)


def forget_prepared() -> None:
    """Stops what `prepare` asked and no audit used (an error came first): git processes, a
    lent repository in the temporary folder."""
    while _asked:
        _asked.popitem()[1].close()


def prepare(paths: list[Path], options: ScanOptions) -> None:
    """Starts git on each folder to scan, so that it answers while Python starts up (once per
    folder and options: the console script may have guessed them before parsing)."""
    for target in targets_for(paths):
        key = str(target.root)
        if target.only is None and not (key in _asked and _asked[key].options == options_key(options)):
            if key in _asked:
                _asked.pop(key).close()
            _asked[key] = ask(target.root, options)


def _placer(policy: Any, services: ServiceMap, target: Target) -> Callable[[FileResult], FileResult | None]:
    """What a file's records become in the audit: paths under the root's label, the service and
    environment they belong to.  In hook mode only the named files report; the rest of their
    services is read for the values it defines."""
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


def _service_name(policy: Any, services: ServiceMap, rel: str) -> str:
    from poolaudit.policy import service_name

    default = services.service(rel)
    if not getattr(policy, "services", None):
        return default
    return service_name(policy, services.folder(rel), default)
