"""Which files may hold a setting, decided before Python reads them.

Each source names literals that every file holding a setting contains (`LITERALS`).  Inside a
git work tree one `git grep` per file kind finds the tracked files that contain any of them, in
C and on several threads; elsewhere (and for untracked files) the scan checks the lowered bytes
in Python against the lowered literals, a superset that needs far fewer searches.
"""

from __future__ import annotations

import subprocess
from collections import defaultdict
from pathlib import Path

from poolaudit import sources
from poolaudit.discover import git_env
from poolaudit.lent import git_command

_needles: dict[str, tuple[bytes, ...]] = {}

# Extensions of each kind for git grep's pathspecs (env files have no literals: always read).
_PATHSPECS = {
    "python": ("*.py",),
    "yaml": ("*.yml", "*.yaml", "*.YML", "*.YAML"),
    "toml": ("*.toml",),
    "properties": ("*.properties",),
    "ini": ("*.ini", "*.cfg"),
}
# One git grep per group, not per kind: concurrent greps contend for the same disk and cores.
# Code and YAML (most files, specific literals) get their own; the small config kinds share
# one, and the byte prefilter then applies each kind's own literals to the files it reads.
_GROUPS = (("python",), ("yaml",), ("toml", "properties", "ini"))


def needles(kind: str) -> tuple[bytes, ...]:
    """A source's literals, lowered and without any that contains another: the same files
    pass, but a handful of `find`s over the lowered bytes replace dozens of case variants."""
    cached = _needles.get(kind)
    if cached is None:
        lowered = sorted({lit.lower() for lit in sources.get(kind).LITERALS}, key=len)
        kept: list[bytes] = []
        for lit in lowered:
            if not any(k in lit for k in kept):
                kept.append(lit)
        cached = _needles[kind] = tuple(kept)
    return cached


def may_hold(kind: str, data: bytes) -> bool:
    wanted = needles(kind)
    if not wanted:
        return True
    lowered = data.lower()
    return any(lit in lowered for lit in wanted)


class GitGrep:
    """`git grep` for each group of file kinds, started at once so that they run while the
    caller lists files; tracked files only (searching untracked ones would walk the tree again).
    `only`: search just these files (kind -> paths), e.g. the services a hook's files belong to;
    `lent`: a repository lent to a folder in no work tree, whose files are all untracked and
    searched with `--untracked` (symlinks are not: git grep reads regular files only)."""

    def __init__(self, root: Path, only: dict[str, list[str]] | None = None, lent: str | None = None) -> None:
        env = git_env()
        self._running: list[tuple[tuple[str, ...], subprocess.Popen[bytes]]] = []
        try:
            for group in _GROUPS:
                if only is not None:
                    specs = [path for kind in group for path in only.get(kind, ())]
                    if not specs:
                        continue  # nothing of these kinds to search
                else:
                    specs = [spec for kind in group for spec in _PATHSPECS[kind]]
                # The exact literals, case and all: git matches many fixed strings at once,
                # and they are more selective than the lowered needles Python falls back to.
                literals = sorted({lit for kind in group for lit in sources.get(kind).LITERALS})
                # File names as given, not as globs: `[` or `*` in a name means itself.
                command = git_command(root, lent)
                command += ["--literal-pathspecs"] if only is not None else []
                command += ["grep", "-l", "-z", "-F"] + (["--untracked"] if lent is not None else [])
                for literal in literals:
                    command += ["-e", literal.decode("utf-8", "surrogateescape")]
                command += ["--", *specs]
                proc = subprocess.Popen(command, cwd=root, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env)
                self._running.append((group, proc))
        except OSError:
            self.close()
            self._running = []

    def collect(self) -> dict[str, set[str]] | None:
        """For each kind, the root-relative paths holding one of its literals; None when git
        could not answer (the caller then checks bytes in Python)."""
        if not self._running:
            return None
        found: dict[str, set[str]] = defaultdict(set)
        try:
            for group, proc in self._running:
                stdout, _ = proc.communicate()
                if proc.returncode not in (0, 1):  # 1: nothing matched
                    return None
                names = {n for n in stdout.decode("utf-8", "surrogateescape").split("\0") if n}
                for kind in group:
                    found[kind] = names
        finally:
            self.close()
        return found

    def close(self) -> None:
        for _, proc in self._running:
            discard(proc)


def discard(proc: subprocess.Popen[bytes]) -> None:
    """Stops a git process whose answer is not wanted (or was read) and closes its pipe."""
    if proc.poll() is None:
        proc.kill()
        proc.wait()
    if proc.stdout is not None:
        proc.stdout.close()
