"""The policy of a run: its file found (`lookup.py`), the chain of files it extends, merged
and validated.  A user policy extends `default` unless it says `extends: strict`,
`extends: path/to/base.yaml` or `extends: none`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from poolaudit.errors import PolicyError
from poolaudit.policy.lookup import PRESETS, presets_dir, user_policy
from poolaudit.policy.merging import merge, with_reasons
from poolaudit.policy.models import Policy
from poolaudit.policy.reading import Doc, read
from poolaudit.policy.validation import validate


def load(explicit: Path | None, root: Path) -> Policy:
    """The policy for a run rooted at `root` (lookup.py says which file that is)."""
    if explicit is not None:
        if not explicit.is_file():
            raise PolicyError("policy file not found", str(explicit))
        return _load_chain(explicit)
    found = user_policy(root)
    return _load_chain(found if found is not None else presets_dir() / "default.yaml")


def _load_chain(path: Path) -> Policy:
    docs: list[Doc] = []
    layers: list[dict[str, Any]] = []
    seen: list[Path] = []
    current: Path | None = path
    while current is not None:
        resolved = current.resolve()
        if resolved in seen:
            chain = " -> ".join(p.name for p in [*seen, resolved])
            raise PolicyError(f"extends: cycle ({chain})", str(current))
        seen.append(resolved)
        doc = read(current)
        model = validate(doc, doc.data)
        docs.append(doc)
        layers.append(with_reasons(model.model_dump(exclude_unset=True), doc))
        current = _parent(doc, model.extends, resolved)
    merged: dict[str, Any] = {}
    for layer in reversed(layers):
        merged = merge(merged, layer)
    merged.pop("extends", None)
    policy = validate(docs[0], merged)
    policy._files = [str(doc.path) for doc in reversed(docs)]
    return policy


def _parent(doc: Doc, extends: str | None, resolved: Path) -> Path | None:
    if extends is None:
        # A user policy refines the default; only the default itself stands alone.
        default = (presets_dir() / "default.yaml").resolve()
        return None if resolved == default else default
    if extends.lower() == "none":
        return None
    if extends in PRESETS:
        return presets_dir() / f"{extends}.yaml"
    if "/" in extends or "\\" in extends or extends.endswith((".yaml", ".yml", ".toml")):
        target = doc.path.parent / extends
        if not target.is_file():
            message = f"extends: policy file {extends!r} not found (relative to {doc.path.parent})"
            raise doc.error(message, ("extends",))
        return target
    message = f"extends: unknown preset {extends!r}; use {', '.join(PRESETS)}, none, or a path"
    raise doc.error(message, ("extends",))
