"""Which policy file a run uses, decided without pydantic (the snapshot asks it on every run).

`--policy FILE`; else `.poolaudit.yaml`, `.poolaudit.yml`, `.poolaudit.toml`, or
`[tool.poolaudit]` in `pyproject.toml`, in the scanned folder or the nearest folder above it up
to the top of its git repository (as ruff finds its configuration: a subfolder audit or a
command run inside a service uses the repository's policy, and a service may keep its own);
else the shipped `default` preset.
"""

from __future__ import annotations

from pathlib import Path

import poolaudit
from poolaudit.policy.reading import parse_toml

PRESETS = ("default", "strict")
USER_FILES = (".poolaudit.yaml", ".poolaudit.yml", ".poolaudit.toml")
CANDIDATES = (*USER_FILES, "pyproject.toml")  # per folder, in the order they are tried


def presets_dir() -> Path:
    """The shipped presets: inside the installed package, else the checkout's `policies/`."""
    package = Path(poolaudit.__file__).parent
    installed = package / "policies"
    if (installed / "default.yaml").is_file():
        return installed
    return package.parent / "policies"


def user_policy(root: Path) -> Path | None:
    """The user's policy file for a run rooted at `root`; None: the shipped default applies."""
    for folder in lookup_folders(root):
        for name in USER_FILES:
            if (folder / name).is_file():
                return folder / name
        pyproject = folder / "pyproject.toml"
        if pyproject.is_file() and has_tool_table(pyproject):
            return pyproject
    return None


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


def has_tool_table(pyproject: Path) -> bool:
    try:
        text = pyproject.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return False
    # Most pyproject files never mention us: do not parse TOML just to learn that.
    return "poolaudit" in text and "poolaudit" in parse_toml(text, pyproject).get("tool", {})
