"""A validated policy kept between runs, and read back without pydantic.

Importing pydantic and building the policy's validators costs about 50 ms: half of a small
repository's audit or of a pre-commit run.  Once a policy has been loaded and validated, its
data is stored in poolaudit's cache folder as plain objects (`Frozen`), beside a digest of
every file the lookup read or looked for (the `.poolaudit.*` candidates and `pyproject.toml` of
every folder searched, each file of the `extends` chain).  A later run whose files all have the
same digests, with the same poolaudit code, reads the snapshot; any difference means loading
and validating again.  A repository with no policy file shares the snapshot of the shipped
default with every other such repository.

A `Frozen` answers every read the audit makes of a policy: the fields (and extra keys) as
attributes, `model_fields_set`, `model_extra`, `model_copy(update=...)`, and `files`.
"""

from __future__ import annotations

import hashlib
import os
import pickle
from pathlib import Path
from typing import Any

_FORMAT = 1  # bump when Frozen changes shape


class Frozen:
    """A validated model's data without its class: fields as attributes, read-only by use."""

    model_fields_set: frozenset[str]
    model_extra: dict[str, Any] | None

    def __init__(self, fields: dict[str, Any], fields_set: frozenset[str], extra: dict[str, Any] | None) -> None:
        self.__dict__.update(fields)
        self.model_fields_set = fields_set
        self.model_extra = extra

    def model_copy(self, update: dict[str, Any] | None = None) -> Frozen:
        """As pydantic's: the fields updated count as set."""
        copy = Frozen.__new__(Frozen)
        copy.__dict__.update(self.__dict__)
        if update:
            copy.__dict__.update(update)
            copy.model_fields_set = self.model_fields_set | frozenset(update)
        return copy

    def __getattr__(self, name: str) -> Any:
        # Only reached for a name that is not a field: the same error a model gives.
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")


def freeze(value: Any) -> Any:
    """A validated policy (or any part of it) as plain data."""
    from pydantic import BaseModel

    if isinstance(value, BaseModel):
        fields = {name: freeze(getattr(value, name)) for name in type(value).model_fields}
        extra = {key: freeze(item) for key, item in value.model_extra.items()} if value.model_extra is not None else None
        frozen = Frozen({**fields, **(extra or {})}, frozenset(value.model_fields_set), extra)
        files = getattr(type(value), "files", None)
        if isinstance(files, property):  # the policy's own files: a property of the model
            frozen.__dict__["files"] = list(value.files)  # type: ignore[attr-defined]
        return frozen
    if isinstance(value, dict):
        return {key: freeze(item) for key, item in value.items()}
    if isinstance(value, list):
        return [freeze(item) for item in value]
    if isinstance(value, tuple):
        return tuple(freeze(item) for item in value)
    return value


def load(explicit: Path | None, root: Path) -> Any:
    """The policy `loading.load(explicit, root)` gives: from the snapshot when its files are
    unchanged, else loaded, validated and kept for the next run.  Where no policy file applies,
    the shipped default's snapshot serves every repository (checked: no policy file on the
    lookup path, and the preset unchanged)."""
    from poolaudit import cache
    from poolaudit.policy.lookup import CANDIDATES, lookup_folders, presets_dir, user_policy

    default = explicit is None and user_policy(root) is None
    if default:
        parts = ["default", str(presets_dir().absolute())]
    else:
        parts = [str(explicit.absolute() if explicit is not None else None), str(root.absolute())]
    key = "\n".join([str(_FORMAT), *parts, cache.code_stamp()])
    where = cache.folder() / f"policy-{hashlib.sha256(key.encode('utf-8', 'surrogateescape')).hexdigest()[:24]}.pickle"
    kept = _read(where)
    if kept is not None:
        return kept
    from poolaudit.policy.loading import load as load_and_validate

    policy = load_and_validate(explicit, root)
    # What the lookup looked for is checked by the next run itself when the default applies.
    looked_at = [] if explicit is not None or default else [f / n for f in lookup_folders(root) for n in CANDIDATES]
    files = {str(path): _digest(path) for path in [*looked_at, *(Path(f).absolute() for f in policy.files)]}
    cache.store(where, (files, freeze(policy)))
    return policy


def _read(where: Path) -> Frozen | None:
    try:
        with open(where, "rb") as handle:
            files, frozen = pickle.load(handle)
        if isinstance(frozen, Frozen) and all(_digest(Path(path)) == digest for path, digest in files.items()):
            try:
                os.utime(where)  # in use: not pruned with the month-old files (cache._prune)
            except OSError:
                pass  # a read-only cache folder still serves its snapshot
            return frozen
    except Exception:  # noqa: BLE001 - missing, unreadable, another shape: load afresh
        pass
    return None


def _digest(path: Path) -> str | None:
    try:
        with open(path, "rb") as handle:
            return hashlib.sha256(handle.read()).hexdigest()
    except OSError:  # missing, a folder, unreadable: as the lookup sees it, not a policy file
        return None
