"""Which policy a run uses, and the chain of files it extends.

Lookup order: `--policy FILE`; else `.poolaudit.yaml`, `.poolaudit.yml`, `.poolaudit.toml`, or
`[tool.poolaudit]` in `pyproject.toml`, in the scanned folder or the nearest folder above it
up to the top of its repository (as ruff finds its configuration: a subfolder audit or a
command run inside a service uses the repository's policy, and a service may keep its own);
else the shipped `default` preset.  A user policy extends `default` unless it says
`extends: strict`, `extends: path/to/base.yaml` or `extends: none`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import poolaudit
from poolaudit.errors import PolicyError
from poolaudit.policy.merging import merge, with_reasons
from poolaudit.policy.models import Policy
from poolaudit.policy.reading import Doc, parse_toml, read
from poolaudit.policy.validation import validate

PRESETS = ("default", "strict")
USER_FILES = (".poolaudit.yaml", ".poolaudit.yml", ".poolaudit.toml")


def presets_dir() -> Path:
    """The shipped presets: inside the installed package, else the checkout's `policies/`."""
    package = Path(poolaudit.__file__).parent
    installed = package / "policies"
    if (installed / "default.yaml").is_file():
        return installed
    return package.parent / "policies"


def load(explicit: Path | None, root: Path) -> Policy:
    """The policy for a run rooted at `root` (see the module docstring for the lookup order)."""
    if explicit is not None:
        if not explicit.is_file():
            raise PolicyError("policy file not found", str(explicit))
        return _load_chain(explicit)
    for folder in lookup_folders(root):
        for name in USER_FILES:
            if (folder / name).is_file():
                return _load_chain(folder / name)
        pyproject = folder / "pyproject.toml"
        if pyproject.is_file() and _has_tool_table(pyproject):
            return _load_chain(pyproject)
    return _load_chain(presets_dir() / "default.yaml")


def lookup_folders(root: Path) -> list[Path]:
    """The folders searched for a policy, nearest first: `root` and each folder above it up to
    the top of its git repository (only `root` outside a work tree: nothing above a copied
    folder is its configuration)."""
    from poolaudit.discover import git_toplevel

    folder = root.absolute()
    top = git_toplevel(folder)
    if top is None:
        return [folder]
    real, top = folder.resolve(), top.resolve()
    if real != top and top not in real.parents:
        return [folder]
    folders = [real]
    while folders[-1] != top:
        folders.append(folders[-1].parent)
    return folders


def _has_tool_table(pyproject: Path) -> bool:
    try:
        text = pyproject.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return False
    # Most pyproject files never mention us: do not parse TOML just to learn that.
    return "poolaudit" in text and "poolaudit" in parse_toml(text, pyproject).get("tool", {})


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
