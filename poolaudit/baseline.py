"""The baseline file: today's findings by fingerprint, so that a team adopts the tool and sees
only new findings (`--write-baseline FILE`, then `--baseline FILE`)."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from poolaudit.errors import PoolauditError
from poolaudit.model import Finding

VERSION = 1


def write(path: Path, findings: list[Finding]) -> None:
    """Writes the baseline atomically, sorted so that it diffs well under version control."""
    entries = sorted(
        (
            {"fingerprint": f.fingerprint, "code": f.code, "path": f.path, "key": f.setting.key if f.setting else ""}
            for f in findings
        ),
        key=lambda e: (e["path"], e["code"], e["key"], e["fingerprint"]),
    )
    text = json.dumps({"version": VERSION, "findings": entries}, indent=2) + "\n"
    folder = path.parent if str(path.parent) else Path(".")
    try:
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
        os.replace(tmp, path)
    except OSError as exc:
        raise PoolauditError(f"cannot write baseline {path}: {exc.strerror or exc}") from None


def read(path: Path) -> set[str]:
    """The fingerprints a baseline file records."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise PoolauditError(f"baseline {path} not found (create it with --write-baseline {path})") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise PoolauditError(f"cannot read baseline {path}: {exc}") from None
    except json.JSONDecodeError as exc:
        raise PoolauditError(f"baseline {path} is not valid JSON (line {exc.lineno}: {exc.msg})") from None
    entries = data.get("findings") if isinstance(data, dict) else None
    if not isinstance(entries, list) or data.get("version") != VERSION:
        raise PoolauditError(
            f"baseline {path} is not a poolaudit baseline (expected {{\"version\": {VERSION}, \"findings\": [...]}})"
        )
    fingerprints = set()
    for entry in entries:
        if not isinstance(entry, dict) or not isinstance(entry.get("fingerprint"), str):
            raise PoolauditError(f"baseline {path}: every finding needs a \"fingerprint\" string")
        fingerprints.add(entry["fingerprint"])
    return fingerprints


def filter(path: Path, findings: list[Finding]) -> list[Finding]:  # noqa: A001 - the interface's name
    """The findings that are not in the baseline."""
    known = read(path)
    return [f for f in findings if f.fingerprint not in known]
