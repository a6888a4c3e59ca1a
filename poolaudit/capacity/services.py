"""The files of each service, as the audit names services: which database a service uses, and
the deployment files the multipliers are read from.

The audit keeps no file listing in its Result, so the scanned roots are listed again here (git
lists a 1000-service monorepo in tens of milliseconds); only the files of services that a
declared database (or a traffic entry) names are ever read.
"""

from __future__ import annotations

import functools
import os
import re
import stat
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from pathlib import Path
from typing import TYPE_CHECKING

from poolaudit.environments import from_path

if TYPE_CHECKING:
    from poolaudit.discover import FileRef, ServiceMap
    from poolaudit.policy import Database, Policy

Listings = dict[str, "tuple[list[FileRef], set[str]]"]  # root -> (files a source reads, manifest folders)

MAX_BYTES = 1024 * 1024  # deployment files are small; a larger one is not a manifest
# Files that are not of a kind the audit reads, but say how a service runs.
EXTRA_FILES = ("Dockerfile", "Procfile", "config/puma.rb", "puma.rb")


@dataclass
class ServiceFiles:
    """One service's files under one scanned root."""

    name: str
    root: Path
    label: str  # prefix of reported paths ("" for a single root)
    folders: set[str] = field(default_factory=set)  # service folders, relative to the root
    files: list[str] = field(default_factory=list)  # relative to the root, in path order

    def reported(self, rel: str) -> str:
        return self.label + rel

    def read(self, rel: str) -> str | None:
        """The file's text, or None when it cannot be read as small UTF-8 text."""
        path = os.path.join(self.root, rel)
        try:
            info = os.lstat(path)  # links are not followed: a link may point out of the repository
            if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_BYTES:
                return None
            with open(path, "rb") as handle:
                return handle.read().decode("utf-8-sig")
        except (OSError, UnicodeDecodeError):
            return None

    def all_files(self) -> list[str]:
        """The audit's files plus the few others that say how the service runs."""
        extra = []
        for folder in sorted(self.folders):
            prefix = f"{folder}/" if folder else ""
            for name in EXTRA_FILES:
                rel = prefix + name
                if rel not in self.files and os.path.isfile(os.path.join(self.root, rel)):
                    extra.append(rel)
        return sorted({*self.files, *extra})


def services(roots: list[str], policy: Policy, listings: Listings | None = None) -> dict[str, list[ServiceFiles]]:
    """Every service of the scanned roots by its reported name (one entry per root)."""
    from poolaudit.discover import ServiceMap, discover

    found: dict[str, list[ServiceFiles]] = defaultdict(list)
    for root_text in roots:
        root = Path(root_text)
        label = "" if len(roots) == 1 else root.as_posix().rstrip("/") + "/"
        if listings is not None and root_text in listings:
            refs, manifests = listings[root_text]
        else:
            listing = discover(root)
            excluded = excluder(policy.exclude)
            refs, manifests = [ref for ref in listing.refs if not excluded(ref.rel)], listing.manifests
        smap = ServiceMap(root, manifests)
        by_folder: dict[str, list[str]] = {folder: [] for folder in manifests}
        for ref in refs:
            by_folder.setdefault(ref.rel.rpartition("/")[0], []).append(ref.rel)
        here: dict[str, ServiceFiles] = {}
        for folder, rels in by_folder.items():  # one service lookup per folder, not per file
            probe = f"{folder}/x" if folder else "x"
            name = _name(policy, smap, probe)
            entry = here.get(name)
            if entry is None:
                entry = here[name] = ServiceFiles(name, root, label)
            entry.folders.add(smap.folder(probe))
            entry.files.extend(rels)
        for name, entry in here.items():
            entry.files.sort()
            found[name].append(entry)
    return dict(found)


def excluder(globs: list[str]) -> Callable[[str], bool]:
    """The policy's `exclude:` globs, as the audit applies them."""
    from fnmatch import fnmatch

    return lambda rel: any(fnmatch(rel, g) or fnmatch(rel, g.rstrip("/") + "/*") for g in globs)


def _name(policy: Policy, smap: ServiceMap, rel: str) -> str:
    """The service name the audit reports for a file (audit._service_name)."""
    from poolaudit.policy import service_name

    default = smap.service(rel)
    return service_name(policy, smap.folder(rel), default) if policy.services else default


def glob_match(name: str, folders: set[str], pattern: str) -> bool:
    """A service glob: on the name, or on a service folder (as policy overrides match paths)."""
    if fnmatchcase(name, pattern):
        return True
    return any(fnmatchcase(folder, pattern) or fnmatchcase(folder, pattern.rstrip("/")) for folder in folders)


# Database URLs and host variables: `postgresql+psycopg://u:p@core-postgres.db:5432/x`,
# `jdbc:postgresql://host/db`, `DB_HOST: host`, `host=... dbname=...`.
_URL_HOST = re.compile(
    r"(?i)\b(?:jdbc:)?(?:postgres(?:ql)?|mysql|mariadb|cockroachdb|timescaledb|pgsql)[+\w]*://"
    r"(?:[^@/\s\"'?]*@)?\[?([A-Za-z0-9_.\-]+)"
)
_VAR_HOST = re.compile(
    r"(?i)\b(?:DB|DATABASE|POSTGRES|POSTGRESQL|PG|MYSQL)_?HOST(?:NAME)?\b[\"']?\s*[:=]\s*[\"']?([A-Za-z0-9_.\-]+)"
)
_DSN_HOST = re.compile(r"(?i)(?:^|[\s\"'])host\s*=\s*([A-Za-z0-9_.\-]+)")
_HOST_KINDS = ("env", "yaml", "properties", "toml", "python", "ini")


def hosts(entry: ServiceFiles) -> set[str]:
    """Host names in the service's database URLs and host variables."""
    from poolaudit.discover import kind_of

    found: set[str] = set()
    for rel in entry.files:
        if kind_of(rel.rsplit("/", 1)[-1]) not in _HOST_KINDS:
            continue
        text = entry.read(rel)
        if not text or ("://" not in text and "host" not in text.lower()):
            continue
        for pattern in (_URL_HOST, _VAR_HOST, _DSN_HOST):
            found.update(m.group(1).lower() for m in pattern.finditer(text))
    return found


def host_match(host: str, pattern: str) -> bool:
    """`core-postgres` matches `core-postgres`, `core-postgres.db.svc` and `core-postgres:5432`."""
    pattern = pattern.lower()
    return fnmatchcase(host, pattern) or host.split(".", 1)[0] == pattern or host.startswith(pattern + ".")


def users_of(database: Database, catalog: dict[str, list[ServiceFiles]]) -> list[str]:
    """The services a database declares: by glob, or by a host in their database URLs; in the
    order the globs are written (then by name)."""
    chosen: list[tuple[int, str]] = []
    for name, entries in sorted(catalog.items()):
        folders = {f for e in entries for f in e.folders}
        rank = next((i for i, g in enumerate(database.services) if glob_match(name, folders, g)), None)
        if rank is None and database.hosts:
            names = {h for e in entries for h in hosts(e)}
            if any(host_match(h, p) for h in names for p in database.hosts):
                rank = len(database.services)
        if rank is not None:
            chosen.append((rank, name))
    return [name for _, name in sorted(chosen)]


@functools.lru_cache(maxsize=4096)
def environment_of(rel: str) -> str:
    """environments.from_path, remembered: the same few files are asked about per variable."""
    return from_path(rel)


def basename(rel: str) -> str:
    return rel.rsplit("/", 1)[-1]


def inside(rel: str, folder: str) -> bool:
    return not folder or rel == folder or rel.startswith(folder.rstrip("/") + "/")


__all__ = ["ServiceFiles", "services", "users_of", "glob_match", "environment_of", "basename", "inside"]
