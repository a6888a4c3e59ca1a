"""Processes per replica, from what a container runs: gunicorn, uvicorn, hypercorn, puma, unicorn,
Sidekiq, Celery ... with their worker counts on the command line, in their config files
(`gunicorn.conf.py`, `config/puma.rb`) or in `WEB_CONCURRENCY`.

Every process opens its own pools (forked workers must not share connections), so the worker
count multiplies the pool.  Config files are parsed, never run: Python with `ast`, Ruby with a
line regex.  A count computed from the CPU count is unknown here, and the policy's
`capacity.processes` default (or a per-service entry) stands in for it.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from poolaudit.capacity.records import Count, EnvValue, Source
from poolaudit.capacity.server_configs import config_workers, env_count, ruby_workers

# (reported path, text) of the first of these files (relative to the service folder) that exists.
Finder = Callable[[tuple[str, ...]], "tuple[str, str] | None"]

_WRAPPERS = frozenset({
    "exec", "bundle", "poetry", "pipenv", "uv", "run", "dumb-init", "tini", "--", "ddtrace-run",
    "opentelemetry-instrument", "newrelic-admin", "run-program", "doppler", "chamber", "env",
})  # fmt: skip
_SHELLS = frozenset({"sh", "bash", "/bin/sh", "/bin/bash", "/usr/bin/env", "ash", "/bin/ash"})
_WEB = ("gunicorn", "uvicorn", "hypercorn", "granian", "daphne", "puma", "unicorn", "rails", "passenger")
_QUEUE = ("sidekiq", "sidekiqswarm", "celery", "rq", "dramatiq", "arq", "huey_consumer", "good_job", "solid_queue")
_VAR = re.compile(r"^\$\{?(\w+)(?::?-([^}]*))?\}?$")


@dataclass
class Launch:
    server: str  # "gunicorn", "sidekiq", ... ; "" when the command is no server poolaudit knows
    processes: Count
    serves_traffic: bool = True


def split_shell(text: str) -> list[str]:
    try:
        return shlex.split(text, comments=True)
    except ValueError:
        return text.split()


def launch(command: list[str], where: Source | None, env: Mapping[str, EnvValue], find: Finder) -> Launch:
    """What `command` starts and how many processes; an empty command: a config file alone
    (gunicorn.conf.py, config/puma.rb) says which server runs, else one process."""
    tokens = _program(command)
    name = tokens[0].rsplit("/", 1)[-1] if tokens else ""
    if name in ("python", "python3") and tokens[1:2] == ["-m"] and len(tokens) > 2:
        tokens, name = tokens[2:], tokens[2]
    here = where or Source("command")
    if name in ("gunicorn", "uvicorn", "hypercorn", "granian"):
        return _python_server(name, tokens, here, env, find)
    if name in ("puma", "rails", "unicorn", "unicorn_rails") or (name == "bin/rails" or tokens[:1] == ["bin/rails"]):
        return _ruby_server(name, tokens, here, env, find)
    if name in ("sidekiq", "sidekiqswarm"):
        # One process per container; Sidekiq Enterprise's swarm forks SIDEKIQ_COUNT of them.
        reader = Source("sidekiq processes", here.path, here.line)
        count = env_count(env, "SIDEKIQ_COUNT", reader) if "SIDEKIQ_COUNT" in env else Count(1, (reader,))
        return Launch("sidekiq", count, serves_traffic=False)
    if name == "celery":
        return Launch("celery", _celery(tokens, here, env), serves_traffic=False)
    if name in _QUEUE:
        return Launch(name, Count(1, (Source(f"{name} process", here.path, here.line),)), serves_traffic=False)
    if not tokens:
        for server, files in (("gunicorn", ("gunicorn.conf.py", "gunicorn_conf.py")), ("puma", ("config/puma.rb",))):
            found = find(files)
            if found is not None:
                return (_python_server if server == "gunicorn" else _ruby_server)(server, [server], here, env, find)
    what = f"one process ({name})" if name else "one process (no worker setting found)"
    return Launch("", Count(1, (Source(what, here.path, here.line),)))


def _program(command: list[str]) -> list[str]:
    """The server command inside wrappers: `sh -c "migrate && exec gunicorn ..."` -> gunicorn ..."""
    tokens = list(command)
    for _ in range(6):
        if len(tokens) >= 3 and tokens[0] in _SHELLS and tokens[1] in ("-c", "-ec", "-lc"):
            tokens = split_shell(tokens[2])
            continue
        segments = _segments(tokens)
        if len(segments) > 1:
            tokens = next((s for s in reversed(segments) if _known(s)), segments[-1])
            continue
        while tokens and (tokens[0] in _WRAPPERS or "=" in tokens[0] and not tokens[0].startswith("-")):
            tokens = tokens[1:]
        break
    return tokens


def _segments(tokens: list[str]) -> list[list[str]]:
    out: list[list[str]] = [[]]
    for token in tokens:
        if token in ("&&", ";", "||", "&"):
            out.append([])
        else:
            out[-1].append(token)
    return [s for s in out if s]


def _known(tokens: list[str]) -> bool:
    return any(t.rsplit("/", 1)[-1] in _WEB + _QUEUE for t in tokens[:4])


def _flag(tokens: list[str], *names: str) -> tuple[str, int] | None:
    """The value of `-w 4`, `--workers 4`, `--workers=4`, `-w4`, and its token index."""
    for i, token in enumerate(tokens):
        for name in names:
            if token == name and i + 1 < len(tokens):
                return tokens[i + 1], i
            if name.startswith("--") and token.startswith(name + "="):
                return token[len(name) + 1 :], i
            if len(name) == 2 and token.startswith(name) and len(token) > 2 and token[2:].isdecimal():
                return token[2:], i
    return None


def _value(text: str, what: Source, env: Mapping[str, EnvValue]) -> Count:
    """A number as written on a command line: `4`, `$WEB_CONCURRENCY`, `${WEB_CONCURRENCY:-4}`."""
    if text.isdecimal():
        return Count(int(text), (Source(what.what, what.path, what.line, text),))
    match = _VAR.match(text)
    if match is None:
        return Count(None, (Source(f"{what.what} {text} (not a number)", what.path, what.line),))
    name, default = match.group(1), match.group(2)
    return env_count(env, name, what, default)


def _python_server(name: str, tokens: list[str], where: Source, env: Mapping[str, EnvValue], find: Finder) -> Launch:
    flag = _flag(tokens, "-w", "--workers")
    if flag is not None:
        return Launch(name, _value(flag[0], Source(f"{name} --workers", where.path, where.line), env))
    if name == "gunicorn":
        from_args = env.get("GUNICORN_CMD_ARGS")
        args = _flag(split_shell(from_args.text), "-w", "--workers") if from_args else None
        if from_args is not None and args is not None:
            return Launch(name, _value(args[0], Source("GUNICORN_CMD_ARGS --workers", from_args.path, from_args.line), env))
        config = _flag(tokens, "-c", "--config")
        names = (config[0].removeprefix("python:").replace(".", "/") + ".py",) if config and config[0].startswith("python:") else (
            (config[0],) if config else ("gunicorn.conf.py", "gunicorn_conf.py")
        )
        found = find(names)
        if found is not None:
            count = config_workers(found[1], found[0], env)
            if count is not None:
                return Launch(name, count)
    if name in ("gunicorn", "uvicorn") and "WEB_CONCURRENCY" in env:
        # Both take their default worker count from WEB_CONCURRENCY.
        return Launch(name, env_count(env, "WEB_CONCURRENCY", Source(f"{name} workers", where.path, where.line)))
    return Launch(name, Count(1, (Source(f"{name} default of 1 worker", where.path, where.line),)))


def _ruby_server(name: str, tokens: list[str], where: Source, env: Mapping[str, EnvValue], find: Finder) -> Launch:
    server = "unicorn" if name.startswith("unicorn") else "puma"
    flag = _flag(tokens, "-w", "--workers") if server == "puma" else None
    if flag is not None:
        return Launch(server, _value(flag[0], Source("puma --workers", where.path, where.line), env))
    config = _flag(tokens, "-C", "--config", "-c")
    files = (config[0],) if config else (("config/puma.rb", "puma.rb") if server == "puma" else ("config/unicorn.rb",))
    found = find(files)
    if found is not None:
        count = ruby_workers(found[1], found[0], env)
        if count is not None:
            return Launch(server, count)
    return Launch(server, Count(1, (Source(f"{server} single mode (no workers setting)", where.path, where.line),)))


def _celery(tokens: list[str], where: Source, env: Mapping[str, EnvValue]) -> Count:
    pool = _flag(tokens, "-P", "--pool")
    if pool is not None and pool[0] in ("threads", "gevent", "eventlet", "solo"):
        return Count(1, (Source(f"celery --pool {pool[0]} (one process)", where.path, where.line),))
    flag = _flag(tokens, "-c", "--concurrency")
    if flag is not None:
        return _value(flag[0], Source("celery --concurrency", where.path, where.line), env)
    return Count(None, (Source("celery worker processes (default: the CPU count)", where.path, where.line),))
