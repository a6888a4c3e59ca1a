"""Which files to read, of which kind, in which service.

Inside a git work tree, git itself lists the files (tracked, plus untracked ones it does not
ignore): far faster than a walk, and exactly right about `.gitignore`.  Elsewhere a walk honours
`.gitignore` files through `pathspec` (git's own wildmatch rules).  Vendored and generated
folders are pruned either way.
"""

from __future__ import annotations

import functools
import os
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from poolaudit.lent import git_command

# Folders never scanned: VCS data, dependencies, virtualenvs, build output, caches.
PRUNE = frozenset(
    {
        ".git", ".hg", ".svn", "node_modules", "bower_components", "vendor", "third_party",
        ".venv", "venv", "virtualenv", ".virtualenv", "site-packages", "__pycache__", ".tox",
        ".nox", ".mypy_cache", ".pytest_cache", ".ruff_cache", ".hypothesis", "build", "dist",
        "target", ".gradle", ".idea", ".eggs", ".terraform", ".next", ".cache",
    }
)

# A folder holding one of these is a service root: its name is the service's name.
MANIFESTS = frozenset(
    {
        "pyproject.toml", "setup.py", "setup.cfg", "requirements.txt", "Pipfile", "pom.xml",
        "build.gradle", "build.gradle.kts", "Gemfile", "package.json", "go.mod", "Cargo.toml",
        "Dockerfile", "Chart.yaml", "mix.exs", "composer.json",
    }
)

_ENV_NAME = re.compile(r"(?:\.env(?:\..+)?|.+\.env|\.?env\.(?:sample|example|template|dist|local|defaults?))")


# poolaudit's own policy files describe bounds and budgets; they are not service configuration.
OWN_FILES = frozenset({".poolaudit.yaml", ".poolaudit.yml", ".poolaudit.toml"})


_BY_EXTENSION = {
    "py": "python", "yml": "yaml", "yaml": "yaml", "toml": "toml", "properties": "properties",
    "ini": "ini", "cfg": "ini",
}


def kind_of(name: str) -> str | None:
    """The source kind that reads a file of this name, or None when no source reads it."""
    lowered = name.lower()
    kind = _BY_EXTENSION.get(lowered.rpartition(".")[2])
    if kind is not None:
        return None if lowered in OWN_FILES else kind
    if "env" in lowered and _ENV_NAME.fullmatch(lowered) and not lowered.endswith((".sh", ".md", ".json")):
        return "env"
    return None


@dataclass(frozen=True, slots=True)
class FileRef:
    root: Path  # the scanned root this path is relative to
    rel: str  # '/'-separated, relative to root
    kind: str


@functools.lru_cache(maxsize=64)
def git_toplevel(path: Path) -> Path | None:
    try:
        out = subprocess.run(
            ["git", "rev-parse", "--show-toplevel"],
            cwd=path if path.is_dir() else path.parent,
            capture_output=True,
            text=True,
            env=git_env(),
        )
    except OSError:
        return None
    return Path(out.stdout.strip()) if out.returncode == 0 and out.stdout.strip() else None


def git_env() -> dict[str, str]:
    # Inherited GIT_DIR/GIT_INDEX_FILE (set inside git hooks) would point git elsewhere.
    return {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}


def start_listing(
    root: Path, within: list[str] | None = None, lent: str | None = None
) -> subprocess.Popen[bytes] | None:
    """Asks git for the files of a root in a work tree (`discover` reads the answer), so that
    git can list them while Python does other things; `within`: only these folders; `lent`: a
    repository lent to a folder in no work tree (lent.py)."""
    if lent is None and git_toplevel(root) is None:
        return None
    command = [
        *git_command(root, lent),
        "--literal-pathspecs", "ls-files", "-z", "-v", "-s", "--cached", "--others", "--exclude-standard",
    ]  # fmt: skip
    if within:
        command += ["--", *within]
    try:
        return subprocess.Popen(
            command,
            cwd=root,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env=git_env(),
        )
    except OSError:
        return None


def _git_files(
    asked: subprocess.Popen[bytes], lent: bool = False
) -> tuple[list[str], set[str], dict[str, str]] | None:
    """Tracked files plus untracked ones git does not ignore; the ones `git grep` cannot vouch
    for: untracked files (it would walk the tree again; `lent`: every file is untracked, and
    `git grep --untracked` searches them) and symlinks (it reads the link); and each tracked
    file's blob id in the index (what the scan cache is keyed by)."""
    stdout, _ = asked.communicate()
    if asked.returncode != 0:
        return None
    names: set[str] = set()
    unsearched: set[str] = set()
    blobs: dict[str, str] = {}
    for entry in stdout.decode("utf-8", "surrogateescape").split("\0"):
        if entry.startswith("? "):  # untracked: "? path"
            if entry.endswith("/"):
                return None  # a repository nested in a lent folder: git lists it, not its files
            names.add(entry[2:])
            if not lent:
                unsearched.add(entry[2:])
        elif "\t" in entry:  # tracked: "H mode sha stage\tpath"
            info, _, name = entry.partition("\t")
            names.add(name)
            if info[2:8] == "120000":
                unsearched.add(name)
            elif info.startswith("H ") and info.endswith(" 0"):
                # Content named by the index: not a conflict (stage 0), not skip-worktree
                # ("S"), not assume-unchanged (lowercase "h"), where git would not notice edits.
                blobs[name] = info[9:-2]
    return list(names), unsearched, blobs


def _walk_files(root: Path) -> list[str]:
    import pathspec

    found: list[str] = []
    specs: list[tuple[str, pathspec.GitIgnoreSpec]] = []  # (folder prefix, rules of its .gitignore)
    for folder, dirs, files in os.walk(root):
        rel_folder = os.path.relpath(folder, root).replace(os.sep, "/")
        prefix = "" if rel_folder == "." else rel_folder + "/"
        specs = [(p, s) for p, s in specs if prefix.startswith(p)]
        if ".gitignore" in files:
            try:
                lines = (Path(folder) / ".gitignore").read_text("utf-8", "replace").splitlines()
                specs.append((prefix, pathspec.GitIgnoreSpec.from_lines(lines)))
            except OSError:
                pass

        def ignored(rel: str, is_dir: bool) -> bool:
            probe = rel + "/" if is_dir else rel
            return any(spec.match_file(probe[len(p):]) for p, spec in specs)

        dirs[:] = sorted(d for d in dirs if d not in PRUNE and not ignored(prefix + d, True))
        found.extend(prefix + f for f in sorted(files) if not ignored(prefix + f, False))
    return found


class Listing(NamedTuple):
    refs: list[FileRef]  # every file a source reads, in path order
    manifests: set[str]  # folders holding a manifest (service roots), from the same listing
    from_git: bool  # listed by git: git grep can search the tracked ones
    unsearched: set[str]  # untracked files and symlinks: git grep cannot vouch for them
    blobs: dict[str, str]  # tracked file -> blob id in the index (empty for a walk)


def discover(root: Path, asked: subprocess.Popen[bytes] | None = None, lent: bool = False) -> Listing:
    """The files under `root` that a source reads, without a stat per folder (`asked`: git's
    listing, if `start_listing` asked for it already; `lent`: through a lent repository)."""
    asked = asked or start_listing(root)
    listed = _git_files(asked, lent) if asked is not None else None
    if listed is not None and not listed[0]:
        listed = None  # a folder git ignores (or an empty one): the user asked for it, so walk it
    from_git = listed is not None
    names, unsearched, blobs = listed if listed is not None else (_walk_files(root), set(), {})
    refs = []
    manifests: set[str] = set()
    for rel in names:  # a monorepo lists hundreds of thousands: cheapest tests first
        folder, _, name = rel.rpartition("/")
        if name in MANIFESTS:
            manifests.add(folder)
        kind = kind_of(name)
        if kind is not None and (not folder or PRUNE.isdisjoint(folder.split("/"))):
            refs.append(FileRef(root, rel, kind))
    refs.sort(key=lambda ref: ref.rel)
    return Listing(refs, manifests, from_git, unsearched, blobs)


class ServiceMap:
    """Finds the service of a path: the nearest folder with a manifest (else the root)."""

    def __init__(self, root: Path, manifest_folders: set[str] | None = None) -> None:
        self.root = root
        self._manifests = manifest_folders
        self.root_name = root.resolve().name or "root"
        self._cache: dict[str, str] = {}

    def service(self, rel: str) -> str:
        return self._service_of(rel.rpartition("/")[0])

    def folder(self, rel: str) -> str:
        """The service root folder of a path, relative to the scanned root ("" for the root)."""
        folder = rel.rpartition("/")[0]
        name = self._service_of(folder)
        while folder and folder.rsplit("/", 1)[-1] != name:
            folder = folder.rpartition("/")[0]
        return folder

    def _service_of(self, folder: str) -> str:
        cached = self._cache.get(folder)
        if cached is not None:
            return cached
        if not folder:
            name = self.root_name
        elif self._has_manifest(folder) and not _inside_chart(folder):
            name = folder.rsplit("/", 1)[-1]
        else:
            name = self._service_of(folder.rpartition("/")[0])
        self._cache[folder] = name
        return name

    def _has_manifest(self, folder: str) -> bool:
        if self._manifests is not None:
            return folder in self._manifests
        return _has_manifest_on_disk(self.root, folder)


def _has_manifest_on_disk(root: Path, folder: str) -> bool:
    return any((root / folder / manifest).is_file() for manifest in MANIFESTS)


def _inside_chart(folder: str) -> bool:
    # A Helm chart (Chart.yaml) under deploy/ belongs to the service around it.
    parts = folder.split("/")
    return "deploy" in parts or "charts" in parts or "helm" in parts
