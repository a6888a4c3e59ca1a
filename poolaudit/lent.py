"""A folder in no work tree (a tarball, a copy, a CI artifact) listed and searched by git.

git lists and searches only work trees.  An empty bare repository made in the temporary folder
and named with `--git-dir`, with the folder as `--work-tree`, lends it one: git's own walk and
`.gitignore` rules, in C, and nothing written to the folder.  The caller removes the repository
(`return_repository`) once git has answered.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path


def lend_repository(root: Path) -> str | None:
    """The path of a new empty repository in the temporary folder, for `root`; None when git
    cannot make one (no git, no temporary folder, a folder git cannot enter)."""
    import tempfile

    from poolaudit.discover import git_env

    try:
        path = tempfile.mkdtemp(prefix="poolaudit-git-")
    except OSError:
        return None
    try:
        made = subprocess.run(
            ["git", "init", "-q", "--bare", "--template=", path],
            cwd=root,  # git runs where it will list: a folder it cannot enter gets no repository
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env=git_env(),
        )
    except OSError:
        made = None
    if made is None or made.returncode != 0:
        return_repository(path)
        return None
    return path


def return_repository(path: str) -> None:
    import shutil

    shutil.rmtree(path, ignore_errors=True)


def git_command(root: Path, lent: str | None) -> list[str]:
    """`git`, pointed at the lent repository and the folder as its work tree when there is one."""
    if lent is None:
        return ["git"]
    return ["git", f"--git-dir={lent}", f"--work-tree={os.path.abspath(root)}"]
