"""All git work: find a repository, build a fix branch from a base commit without touching the
person's checkout, and push that branch (and only it) with a lease.

The branch commit is made with plumbing (hash-object, a throw-away index, write-tree,
commit-tree, update-ref), so the working tree, the index, the stash, untracked files and the
current branch are never read or written.  Git runs as a subprocess with inherited `GIT_*`
variables stripped, as pre-commit's `git.no_git_env()` does: inside a hook `GIT_INDEX_FILE` and
`GIT_DIR` point at the caller's repository.  GitPython cannot do that: `Git.execute` copies
`os.environ` and can only add variables, and `Repo()` reads `GIT_DIR`/`GIT_WORK_TREE` itself.
"""

from __future__ import annotations

import os
import re
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from poolaudit.errors import GitError
from poolaudit.sources._values import mask_secrets

DEFAULT_BRANCH = "poolaudit/raise-undersized-pools"
# Our commits carry their own tree id: a head whose trailer names another tree (amended,
# rebased, or someone else's commit) is not ours to replace.
MARKER = "Poolaudit-Tree"

Status = Literal["created", "updated", "up to date", "skipped"]

# Inherited GIT_* variables we keep: transport and config settings a CI job sets on purpose,
# and the identity variables the brief allows (pre-commit keeps a similar list).
_KEEP = {
    "GIT_EXEC_PATH", "GIT_SSH", "GIT_SSH_COMMAND", "GIT_SSH_VARIANT", "GIT_SSL_CAINFO",
    "GIT_SSL_NO_VERIFY", "GIT_ASKPASS", "GIT_TERMINAL_PROMPT", "GIT_HTTP_PROXY_AUTHMETHOD",
    "GIT_ALLOW_PROTOCOL", "GIT_CONFIG_COUNT", "GIT_CONFIG_GLOBAL", "GIT_CONFIG_SYSTEM",
    "GIT_CONFIG_NOSYSTEM", "GIT_AUTHOR_NAME", "GIT_AUTHOR_EMAIL", "GIT_COMMITTER_NAME",
    "GIT_COMMITTER_EMAIL",
}
_KEEP_PREFIXES = ("GIT_CONFIG_KEY_", "GIT_CONFIG_VALUE_")
_IDENT = re.compile(r"^\s*(?P<name>[^<>]*?)\s*<(?P<email>[^<>]*)>")
_TRAILER = re.compile(r"^[A-Za-z0-9][A-Za-z0-9-]*:\s")
_SHA = re.compile(r"^[0-9a-f]{40}([0-9a-f]{24})?$")


@dataclass
class BranchOutcome:
    """What happened to one repository's fix branch; `commit` is the branch head afterwards."""

    repo: Path
    branch: str
    commit: str | None
    status: Status
    reason: str = ""
    pushed: bool = False
    changes: int = 0


@dataclass
class _Commit:
    tree: str
    parents: list[str]
    message: str

    @property
    def ours(self) -> bool:
        marks = re.findall(rf"^{MARKER}:\s*(\S+)\s*$", self.message, re.MULTILINE)
        return len(self.parents) == 1 and bool(marks) and marks[-1] == self.tree


def _env(extra: dict[str, str] | None = None) -> dict[str, str]:
    env = {
        k: v for k, v in os.environ.items()
        if not k.startswith("GIT_") or k in _KEEP or k.startswith(_KEEP_PREFIXES)
    }
    # Messages are matched in a few places and shown to people reading CI logs: keep them stable.
    env.update(LC_ALL="C", LANGUAGE="C")
    env.update(extra or {})
    return env


def _run(root: Path, *args: str, stdin: bytes | None = None,
         env: dict[str, str] | None = None) -> subprocess.CompletedProcess[bytes]:
    try:
        return subprocess.run(["git", *args], cwd=root, input=stdin, capture_output=True,
                              env=_env(env))
    except OSError as exc:
        raise GitError(f"cannot run git: {exc}") from exc


def _git(root: Path, *args: str, stdin: bytes | None = None,
         env: dict[str, str] | None = None) -> str:
    out = _run(root, *args, stdin=stdin, env=env)
    if out.returncode != 0:
        err = out.stderr.decode("utf-8", "replace").strip() or f"exit status {out.returncode}"
        raise GitError(mask_secrets(f"git {args[0]} failed in {root}: {err}"))
    return out.stdout.decode("utf-8", "surrogateescape").strip()


def repo_root(path: Path) -> Path | None:
    """The top of the work tree holding `path`, or None outside any (or in a bare) repository."""
    cwd = path if path.is_dir() else path.parent
    if not cwd.is_dir():
        return None
    out = _run(cwd, "rev-parse", "--show-toplevel")
    err = out.stderr.decode("utf-8", "replace")
    if out.returncode != 0 and "safe.directory" in err:
        # Not "not a repository": a CI container whose checkout belongs to another user.
        raise GitError(err.strip())
    top = out.stdout.decode("utf-8", "surrogateescape").strip()
    return Path(top) if out.returncode == 0 and top else None


def _checked_root(root: Path) -> Path:
    top = repo_root(root)
    if top is None:
        raise GitError(f"{root} is not inside a git work tree")
    if top.resolve() != root.resolve():
        raise GitError(f"{root} is not the top of its repository ({top})")
    return top


def _resolve_base(root: Path, base: str) -> str:
    # No --end-of-options: git before 2.30 takes it for a revision.
    out = _run(root, "rev-parse", "--verify", "--quiet", f"{base}^{{commit}}")
    if out.returncode == 0 and not base.startswith("-"):
        return out.stdout.decode().strip()
    if _run(root, "rev-parse", "--verify", "--quiet", "HEAD").returncode != 0 and base == "HEAD":
        raise GitError(f"{root} has no commits yet; commit first or pass --base")
    raise GitError(f"base {base!r} is not a commit in {root}")


def _identity(root: Path, author: str | None) -> dict[str, str]:
    """Author and committer as env variables: `author` for both, else git's configured identity
    (config or GIT_AUTHOR_*/GIT_COMMITTER_*); guessing from the host name is switched off."""
    if author is not None:
        m = _IDENT.match(author)
        if not m or not m["name"] or not m["email"] or author[m.end():].strip():
            raise GitError(f"--author must look like 'Name <email>', not {author!r}")
        name, email = m["name"], m["email"]
        return {"GIT_AUTHOR_NAME": name, "GIT_AUTHOR_EMAIL": email,
                "GIT_COMMITTER_NAME": name, "GIT_COMMITTER_EMAIL": email}
    idents: dict[str, tuple[str, str]] = {}
    for role in ("AUTHOR", "COMMITTER"):
        out = _run(root, "-c", "user.useConfigOnly=true", "var", f"GIT_{role}_IDENT")
        m = _IDENT.match(out.stdout.decode("utf-8", "replace")) if out.returncode == 0 else None
        if m and m["email"]:
            idents[role] = (m["name"], m["email"])
    if "AUTHOR" not in idents:
        raise GitError(
            f"no git identity for commits in {root}: run `git config user.name 'Name'` and "
            "`git config user.email 'you@example.com'`, pass --author 'Name <email>', or set "
            "GIT_AUTHOR_NAME and GIT_AUTHOR_EMAIL")
    # A CI job that sets only GIT_AUTHOR_* means that identity for the committer too.
    committer = idents.get("COMMITTER", idents["AUTHOR"])
    return {"GIT_AUTHOR_NAME": idents["AUTHOR"][0], "GIT_AUTHOR_EMAIL": idents["AUTHOR"][1],
            "GIT_COMMITTER_NAME": committer[0], "GIT_COMMITTER_EMAIL": committer[1]}


def _bad_path(path: str) -> str | None:
    parts = path.split("/")
    if path.startswith("/") or "\0" in path or any(p in ("", ".", "..") for p in parts):
        return f"{path!r} is not a path inside the repository"
    if any(p.lower() == ".git" for p in parts):
        return f"{path!r} is inside .git"
    return None


def _entries(root: Path, commit: str, paths: list[str]) -> dict[str, tuple[str, str, str]]:
    """path -> (mode, type, object id) in `commit` for exactly these paths (literal, no globs)."""
    out = _run(root, "ls-tree", "-z", "--full-tree", commit, "--", *paths,
               env={"GIT_LITERAL_PATHSPECS": "1"})
    if out.returncode != 0:
        raise GitError(mask_secrets(f"git ls-tree failed in {root}: {out.stderr.decode().strip()}"))
    found: dict[str, tuple[str, str, str]] = {}
    for rec in out.stdout.split(b"\0"):
        if rec:
            meta, _, name = rec.partition(b"\t")
            mode, kind, oid = meta.decode().split()
            found[name.decode("utf-8", "surrogateescape")] = (mode, kind, oid)
    return found


def _refusal(files: dict[str, bytes], entries: dict[str, tuple[str, str, str]]) -> str | None:
    for path in sorted(files):
        mode = entries.get(path, ("", "", ""))[0]
        if mode == "120000":
            return f"{path} is a symbolic link in the base commit; not editing through links"
        if mode not in ("100644", "100755"):
            return f"{path} is not a regular tracked file in the base commit"
    return None


def _write_tree(root: Path, base: str, files: dict[str, bytes],
                entries: dict[str, tuple[str, str, str]]) -> str:
    """The base commit's tree with exactly these blobs replaced, modes kept; via a private index."""
    with tempfile.TemporaryDirectory(prefix="poolaudit-") as tmp:
        names: list[str] = []
        for i, content in enumerate(files.values()):
            (Path(tmp) / str(i)).write_bytes(content)
            names.append(str(Path(tmp) / str(i)))
        # --no-filters: the bytes given are the bytes committed (no eol or clean filters).
        oids = _git(root, "hash-object", "-w", "--no-filters", "--stdin-paths",
                    stdin="\n".join(names).encode() + b"\n").split()
        index = {"GIT_INDEX_FILE": str(Path(tmp) / "index")}
        safe = ("-c", "core.splitIndex=false", "-c", "core.fsmonitor=false")
        _git(root, *safe, "read-tree", base, env=index)
        info = b"".join(f"{entries[p][0]} {oid}\t".encode()
                        + p.encode("utf-8", "surrogateescape") + b"\0"
                        for p, oid in zip(files, oids))
        _git(root, *safe, "update-index", "-z", "--index-info", stdin=info, env=index)
        return _git(root, *safe, "write-tree", env=index)


def _read_commit(root: Path, sha: str) -> _Commit:
    raw = _run(root, "cat-file", "commit", sha).stdout.decode("utf-8", "replace")
    header, _, message = raw.partition("\n\n")
    fields = [line.split(" ", 1) for line in header.splitlines() if " " in line]
    tree = next((v for k, v in fields if k == "tree"), "")
    return _Commit(tree, [v for k, v in fields if k == "parent"], message)


def _ref(root: Path, ref: str) -> str | None:
    out = _run(root, "rev-parse", "--verify", "--quiet", ref)
    return out.stdout.decode().strip() if out.returncode == 0 else None


def _checked_out(root: Path, ref: str) -> bool:
    listing = _git(root, "worktree", "list", "--porcelain")
    return f"branch {ref}" in listing.splitlines()


def _message(message: str, tree: str) -> str:
    lines = [ln for ln in mask_secrets(message).rstrip().splitlines()
             if not ln.startswith(f"{MARKER}:")]
    body = "\n".join(lines).rstrip()
    if not body:
        raise GitError("the commit message is empty")
    last = body.split("\n\n")[-1].splitlines()
    joiner = "\n" if "\n\n" in body and all(_TRAILER.match(ln) for ln in last) else "\n\n"
    return f"{body}{joiner}{MARKER}: {tree}\n"


def _check_branch(root: Path, branch: str) -> str:
    ref = f"refs/heads/{branch}"
    if branch.startswith("-") or _run(root, "check-ref-format", ref).returncode != 0:
        raise GitError(f"{branch!r} is not a valid branch name")
    return ref


def _check_remote(remote: str) -> None:
    if not remote or remote.startswith("-"):
        raise GitError(f"{remote!r} is not a remote name or URL")


def commit_fix_branch(
    root: Path,
    files: dict[str, bytes],
    message: str,
    *,
    branch: str = DEFAULT_BRANCH,
    base: str = "HEAD",
    author: str | None = None,
    trailer_key: str = "Poolaudit-Fingerprint",
    reuse: str | None = None,
) -> BranchOutcome:
    """Point `branch` at one commit on `base` whose tree is base's with `files` (repo-relative
    '/' paths -> complete new bytes) replaced.  Same tree and base as our existing head: "up to
    date"; ours but different: "updated" (replaced, not stacked); someone else's head, or the
    branch checked out somewhere: "skipped".  `reuse` (the remote head seen before building)
    is taken as is when it is our commit with the same tree and base, so a fresh CI clone does
    not replace an identical remote commit.  `changes` counts `trailer_key:` lines in the
    message (one per fixed finding), else files."""
    root = _checked_root(root)
    ref = _check_branch(root, branch)
    old = _ref(root, ref)

    def done(status: Status, commit: str | None, reason: str = "",
             changes: int = 0) -> BranchOutcome:
        return BranchOutcome(root, branch, commit, status, reason, changes=changes)

    if not files:
        return done("skipped", old, "nothing to fix")
    base_sha = _resolve_base(root, base)
    ident = _identity(root, author)
    bad = next((r for r in map(_bad_path, files) if r), None)
    entries = {} if bad else _entries(root, base_sha, sorted(files))
    if reason := bad or _refusal(files, entries):
        return done("skipped", old, reason)
    head = _read_commit(root, old) if old else None
    if head is not None and not head.ours:
        return done("skipped", old, f"{branch} has commits not made by poolaudit; left alone")
    tree = _write_tree(root, base_sha, files, entries)
    if tree == _read_commit(root, base_sha).tree:
        return done("skipped", old, "the base commit already has this content")
    text = _message(message, tree)
    keyed = re.findall(rf"^{re.escape(trailer_key)}:", text, re.MULTILINE | re.IGNORECASE)
    changes = len(keyed) or len(files)

    def same(commit: _Commit | None) -> bool:
        return (commit is not None and commit.ours and commit.tree == tree
                and commit.parents == [base_sha])

    if old and same(head):
        return done("up to date", old, changes=changes)
    if _checked_out(root, ref):
        return done("skipped", old, f"{branch} is checked out in a work tree; not moving it")
    status: Status
    if reuse and _SHA.match(reuse) and same(_read_commit(root, reuse)):
        new, status = reuse, "up to date"
    else:
        new = _git(root, "commit-tree", tree, "-p", base_sha, stdin=text.encode(), env=ident)
        status = "updated" if old else "created"
    # The old value makes the move conditional: a branch changed meanwhile is left as it is.
    moved = _run(root, "update-ref", "-m", "poolaudit: fix branch", ref, new, old or "")
    if moved.returncode != 0:
        reason = f"{branch} changed while poolaudit built it; run again"
        return done("skipped", _ref(root, ref), reason)
    return done(status, new, changes=changes)


def base_files(root: Path, paths: list[str], base: str = "HEAD") -> dict[str, bytes | None]:
    """The committed bytes of these paths at `base` (None: not a regular tracked file there), so
    that edits for a fix branch are computed from what is committed, not from a dirty checkout."""
    root = _checked_root(root)
    sha = _resolve_base(root, base)
    entries = _entries(root, sha, [p for p in paths if not _bad_path(p)]) if paths else {}
    wanted = {p: entries[p][2] for p in paths if entries.get(p, ("",))[0] in ("100644", "100755")}
    blobs: dict[str, bytes] = {}
    if wanted:
        listing = "".join(f"{oid}\n" for oid in wanted.values()).encode()
        out = _run(root, "cat-file", "--batch", stdin=listing)
        data, pos = out.stdout, 0
        while pos < len(data):
            eol = data.index(b"\n", pos)
            oid, _, size = data[pos:eol].decode().split()
            blobs[oid] = data[eol + 1:eol + 1 + int(size)]
            pos = eol + 2 + int(size)
    return {p: blobs.get(wanted[p]) if p in wanted else None for p in paths}


def _network() -> dict[str, str]:
    # A CI job must fail, not wait for a password on a terminal nobody watches.
    return {"GIT_TERMINAL_PROMPT": os.environ.get("GIT_TERMINAL_PROMPT", "0")}


def _fetch_if_missing(root: Path, remote: str, ref: str, sha: str) -> None:
    if _run(root, "cat-file", "-e", f"{sha}^{{commit}}").returncode != 0:
        _git(root, "fetch", "--quiet", "--no-tags", "--recurse-submodules=no", remote, ref,
             env=_network())


def remote_head(root: Path, remote: str, branch: str = DEFAULT_BRANCH) -> str | None:
    """The commit `branch` has on `remote` now (None: no such branch), fetched if not present
    locally; pass it to commit_fix_branch(reuse=) and then to push() as the lease."""
    root = _checked_root(root)
    _check_remote(remote)
    ref = _check_branch(root, branch)
    listing = _git(root, "ls-remote", remote, ref, env=_network())
    sha = next((ln.split("\t")[0] for ln in listing.splitlines() if ln.endswith(f"\t{ref}")), None)
    if sha:
        _fetch_if_missing(root, remote, ref, sha)
    return sha


def push(root: Path, remote: str, branch: str, expected_remote_sha: str | None) -> None:
    """Push `refs/heads/<branch>` (and nothing else) to `remote`, replacing the remote branch only
    if it still holds `expected_remote_sha` (None: it must not exist) and that commit is ours."""
    root = _checked_root(root)
    _check_remote(remote)
    ref = _check_branch(root, branch)
    local = _ref(root, ref)
    if local is None or not _read_commit(root, local).ours:
        raise GitError(f"{branch} in {root} is not a poolaudit fix branch; not pushing it")
    if expected_remote_sha is not None:
        if not _SHA.match(expected_remote_sha):
            raise GitError(f"{expected_remote_sha!r} is not a full commit id")
        if expected_remote_sha == local:
            return
        _fetch_if_missing(root, remote, ref, expected_remote_sha)
        if _ref(root, f"{expected_remote_sha}^{{commit}}") is None:
            raise GitError(f"{branch} on {remote} moved since poolaudit read it; run again")
        if not _read_commit(root, expected_remote_sha).ours:
            raise GitError(
                f"{branch} on {remote} has commits not made by poolaudit; not replacing it")
    lease = f"--force-with-lease={ref}:{expected_remote_sha or ''}"
    _git(root, "push", "--quiet", "--no-follow-tags", "--recurse-submodules=no", lease,
         remote, f"{ref}:{ref}", env=_network())
