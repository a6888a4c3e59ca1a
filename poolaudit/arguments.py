"""`audit`'s command line read without typer, exactly as click reads it (cli.py's fast route).

Only what is certain is read here: paths, `--name value`, `--name=value`, `-f value`, `-o value`
and flags; anything else (help, `--`, clustered short options, a value that is not a number, an
unknown format) is left to typer, which parses it or says what is wrong.  Tests hold the option
tables equal to typer's command, and every line read here equal to what click reads.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from poolaudit.cli import default_format

# `audit`'s options as commands.py declares them (a test holds these equal to typer's).
AUDIT_VALUES = {
    "--policy": "policy", "--format": "format", "-f": "format", "--output": "output", "-o": "output",
    "--select": "select", "--ignore": "ignore", "--baseline": "baseline", "--write-baseline": "write_baseline",
    "--jobs": "jobs", "--max-file-size": "max_file_size",
}  # fmt: skip
AUDIT_FLAGS = {"--exit-zero": "exit_zero", "--no-cache": "no_cache", "--debug": "debug"}
_REPEATABLE = ("format", "output", "select", "ignore")


def audit_arguments(args: list[str]) -> dict[str, Any] | None:
    """The keyword arguments of `audit` for a command line of paths, `--name value`,
    `--name=value`, `-f value`, `-o value` and flags; None when click might read it otherwise."""
    from poolaudit.report import FORMATS

    paths: list[str] = []
    values: dict[str, list[str]] = {}
    flags: dict[str, bool] = {}
    at = 0
    while at < len(args):
        arg = args[at]
        at += 1
        if not arg.startswith("-"):
            if not arg:
                return None
            paths.append(arg)
            continue
        name, eq, value = arg.partition("=")
        if name in AUDIT_FLAGS and not eq:
            flags[AUDIT_FLAGS[name]] = True
            continue
        if name not in AUDIT_VALUES or (eq and not name.startswith("--")):
            return None  # an unknown option, `--`, `-`, `-f=x`, `-fjson`: typer's to read
        if not eq:
            if at == len(args):
                return None
            value = args[at]
            at += 1
        if not value or value.startswith("-"):
            return None
        values.setdefault(AUDIT_VALUES[name], []).append(value)
    last = {name: given[-1] for name, given in values.items() if name not in _REPEATABLE}
    try:
        # click converts with int() and float() too; what they refuse, typer explains.
        jobs = int(last["jobs"]) if "jobs" in last else 0
        max_file_size = float(last["max_file_size"]) if "max_file_size" in last else 4.0
    except ValueError:
        return None
    pairs = outputs(args, values.get("format"))
    if any(fmt not in FORMATS for fmt, _ in pairs):
        return None
    return {
        "paths": [Path(p) for p in paths] or None,
        "policy": Path(last["policy"]) if "policy" in last else None,
        "pairs": pairs,
        "select": split_codes(values.get("select")),
        "ignore": split_codes(values.get("ignore")),
        "baseline": Path(last["baseline"]) if "baseline" in last else None,
        "write_baseline": Path(last["write_baseline"]) if "write_baseline" in last else None,
        "jobs": jobs,
        "max_file_size": max_file_size,
        **flags,
    }


def outputs(args: list[str], formats: list[str] | None) -> list[tuple[str, Path | None]]:
    """Pairs each --output with the --format before it (from the raw arguments, in order);
    formats without one go to stdout."""
    pairs: list[tuple[str, Path | None]] = []
    pending: str | None = None
    for i, arg in enumerate(args):
        name, eq, inline = arg.partition("=")
        if name in ("--format", "-f"):
            value = inline if eq else (args[i + 1] if i + 1 < len(args) else "")
            if pending is not None:
                pairs.append((pending, None))
            pending = value
        elif name in ("--output", "-o"):
            value = inline if eq else (args[i + 1] if i + 1 < len(args) else "")
            pairs.append((pending or default_format(), Path(value)))
            pending = None
    if pending is not None:
        pairs.append((pending, None))
    if not pairs:
        pairs = [(f, None) for f in formats or []] or [(default_format(), None)]
    return pairs


def split_codes(values: list[str] | None) -> list[str]:
    """`--select PA101,PA103 --select PA2`: every code or name given, in order."""
    return [v.strip() for value in values or [] for v in value.split(",") if v.strip()]
