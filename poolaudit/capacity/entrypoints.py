"""How a service's processes start, outside manifests: a Dockerfile's CMD/ENTRYPOINT and ENV,
a Procfile's process types, and variables in env files (`WEB_CONCURRENCY=4`)."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

from poolaudit.capacity.commands import split_shell
from poolaudit.capacity.records import EnvValue, Source


@dataclass
class Image:
    """What a Dockerfile's last stage runs."""

    command: list[str] = field(default_factory=list)
    where: Source | None = None
    env: dict[str, EnvValue] = field(default_factory=dict)


_INSTRUCTION = re.compile(r"(?i)^\s*(FROM|ENV|CMD|ENTRYPOINT|ARG)\s+(.*)$", re.S)
_ENV_PAIR = re.compile(r"""(\w+)=("(?:[^"\\]|\\.)*"|'[^']*'|\S*)""")


def dockerfile(text: str, path: str) -> Image:
    image = Image()
    entry: tuple[list[str], int] | None = None
    cmd: tuple[list[str], int] | None = None
    for line, body in _logical_lines(text):
        match = _INSTRUCTION.match(body)
        if match is None:
            continue
        word, rest = match.group(1).upper(), match.group(2).strip()
        if word == "FROM":  # a new stage: what the last one runs is what counts
            image, entry, cmd = Image(), None, None
        elif word == "ENV":
            pairs = _ENV_PAIR.findall(rest) if "=" in rest.split(None, 1)[0] else [tuple(rest.split(None, 1))]
            for pair in pairs:
                if len(pair) == 2:
                    image.env[pair[0]] = EnvValue(pair[0], pair[1].strip("\"'"), path, line)
        elif word in ("CMD", "ENTRYPOINT"):
            tokens = _form(rest)
            if word == "CMD":
                cmd = (tokens, line)
            else:
                entry = (tokens, line)
    if entry and cmd and not _script(entry[0]):
        image.command, line = entry[0] + cmd[0], cmd[1]
    elif cmd:
        image.command, line = cmd
    elif entry:
        image.command, line = entry
    else:
        return image
    image.where = Source("Dockerfile " + ("CMD" if cmd else "ENTRYPOINT"), path, line)
    return image


def _script(tokens: list[str]) -> bool:
    """`ENTRYPOINT ["/docker-entrypoint.sh"]`: a script that ends with `exec "$@"`; CMD is what runs."""
    first = tokens[0] if tokens else ""
    return first.endswith(".sh") or "entrypoint" in first.lower()


def _form(rest: str) -> list[str]:
    if rest.startswith("["):
        try:
            value = json.loads(rest)
        except ValueError:
            value = None
        if isinstance(value, list) and all(isinstance(t, str) for t in value):
            return value
    return ["sh", "-c", rest]


def _logical_lines(text: str) -> list[tuple[int, str]]:
    """Instructions joined over `\\` continuations, each with the line it starts on."""
    out: list[tuple[int, str]] = []
    pending: list[str] = []
    start = 0
    for number, raw in enumerate(text.splitlines(), 1):
        stripped = raw.strip()
        if not pending and (not stripped or stripped.startswith("#")):
            continue
        if not pending:
            start = number
        if stripped.endswith("\\"):
            pending.append(stripped[:-1])
            continue
        pending.append(stripped)
        out.append((start, " ".join(pending)))
        pending = []
    if pending:
        out.append((start, " ".join(pending)))
    return out


def procfile(text: str, path: str) -> list[tuple[str, list[str], Source]]:
    """(process type, command, where) for each `web: gunicorn ...` line; `release` runs once."""
    found = []
    for number, raw in enumerate(text.splitlines(), 1):
        name, colon, command = raw.partition(":")
        name = name.strip()
        if not colon or not re.fullmatch(r"[\w\-]+", name) or name == "release" or raw.lstrip().startswith("#"):
            continue
        found.append((name, split_shell(command.strip()), Source(f"Procfile {name}", path, number)))
    return found


_DOTENV = re.compile(r"^\s*(?:export\s+)?([A-Za-z_]\w*)\s*=\s*(\"[^\"]*\"|'[^']*'|[^#\s]*)")


def env_file(text: str, path: str) -> dict[str, EnvValue]:
    found = {}
    for number, raw in enumerate(text.splitlines(), 1):
        match = _DOTENV.match(raw)
        if match:
            found[match.group(1)] = EnvValue(match.group(1), match.group(2).strip("\"'"), path, number)
    return found
