"""Processes per replica, from what a container runs: gunicorn, uvicorn, hypercorn, puma, unicorn,
Sidekiq, Celery ... with their worker counts on the command line, in their config files
(`gunicorn.conf.py`, `config/puma.rb`) or in `WEB_CONCURRENCY`.

Every process opens its own pools (forked workers must not share connections), so the worker
count multiplies the pool.  Config files are parsed, never run: Python with `ast`, Ruby with a
line regex.  A count computed from the CPU count is unknown here, and the policy's
`capacity.processes` default (or a per-service entry) stands in for it.
"""

from __future__ import annotations

import ast
import re
import shlex
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from poolaudit.capacity.records import Count, EnvValue, Source

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
        count = _env_count(env, "SIDEKIQ_COUNT", reader) if "SIDEKIQ_COUNT" in env else Count(1, (reader,))
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
            if len(name) == 2 and token.startswith(name) and len(token) > 2 and token[2:].isdigit():
                return token[2:], i
    return None


def _value(text: str, what: Source, env: Mapping[str, EnvValue]) -> Count:
    """A number as written on a command line: `4`, `$WEB_CONCURRENCY`, `${WEB_CONCURRENCY:-4}`."""
    if text.isdigit():
        return Count(int(text), (Source(what.what, what.path, what.line, text),))
    match = _VAR.match(text)
    if match is None:
        return Count(None, (Source(f"{what.what} {text} (not a number)", what.path, what.line),))
    name, default = match.group(1), match.group(2)
    return _env_count(env, name, what, default)


def _env_count(env: Mapping[str, EnvValue], name: str, reader: Source, default: str | None = None) -> Count:
    """A count read from a variable: its value where the runner sets it, else the default."""
    found = env.get(name)
    if found is not None and found.text.strip().isdigit():
        return Count(int(found.text), (Source(name, found.path, found.line, found.text.strip()), reader), " read by ")
    if default is not None and default.strip().isdigit():
        return Count(int(default), (Source(f"{reader.what} default of {name}", reader.path, reader.line, default),))
    return Count(None, (Source(f"{name} (not set)"), reader), " read by ")


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
        return Launch(name, _env_count(env, "WEB_CONCURRENCY", Source(f"{name} workers", where.path, where.line)))
    return Launch(name, Count(1, (Source(f"{name} default of 1 worker", where.path, where.line),)))


def config_workers(text: str, path: str, env: Mapping[str, EnvValue]) -> Count | None:
    """`workers = ...` in a gunicorn config module: a literal, `int(os.getenv("WEB_CONCURRENCY",
    "2"))`, arithmetic on those; None when the file does not set workers."""
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError):
        return None
    names: dict[str, ast.expr] = {}
    line, expr = 0, None
    for node in tree.body:
        if isinstance(node, (ast.Assign, ast.AnnAssign)) and node.value is not None:
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                if isinstance(target, ast.Name):
                    names[target.id] = node.value
                    if target.id == "workers":
                        line, expr = node.lineno, node.value
    if expr is None:
        return None
    reader = Source("gunicorn workers", path, line)
    reads: list[tuple[str, str | None]] = []
    value = _evaluate(expr, names, env, reads, 0)
    if reads:
        var, default = reads[0]
        set_here = env.get(var)
        if set_here is not None and value is not None:
            return Count(value, (Source(var, set_here.path, set_here.line, set_here.text.strip()), reader), " read by ")
        if value is not None:
            return Count(value, (Source(f"gunicorn workers default of {var}", path, line, str(value)),))
    if value is None:
        return Count(None, (Source("gunicorn workers (computed, e.g. from the CPU count)", path, line),))
    return Count(value, (Source("gunicorn workers", path, line, str(value)),))


def _evaluate(
    node: ast.expr, names: dict[str, ast.expr], env: Mapping[str, EnvValue], reads: list[tuple[str, str | None]], depth: int
) -> int | None:
    if depth > 12:
        return None
    again = lambda n: _evaluate(n, names, env, reads, depth + 1)  # noqa: E731
    if isinstance(node, ast.Constant):
        if isinstance(node.value, bool):
            return None
        if isinstance(node.value, int):
            return node.value
        if isinstance(node.value, str) and node.value.strip().isdigit():
            return int(node.value)
        return None
    if isinstance(node, ast.Name):
        return again(names[node.id]) if node.id in names else None
    if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Mult, ast.Sub, ast.FloorDiv)):
        left, right = again(node.left), again(node.right)
        if left is None or right is None:
            return None
        ops = {ast.Add: left + right, ast.Mult: left * right, ast.Sub: left - right}
        return ops.get(type(node.op), left // right if right else None)
    if isinstance(node, ast.Call):
        func = ast.unparse(node.func)
        if func in ("int", "max", "min") and node.args:
            values = [again(a) for a in node.args]
            if None in values:
                return None
            known = [v for v in values if v is not None]
            return {"int": known[0], "max": max(known), "min": min(known)}[func]
        if func in ("os.getenv", "os.environ.get", "environ.get", "getenv") and node.args:
            return _read_env(node.args[0], node.args[1] if len(node.args) > 1 else None, env, reads, again)
    if isinstance(node, ast.Subscript) and ast.unparse(node.value) in ("os.environ", "environ"):
        return _read_env(node.slice, None, env, reads, again)
    return None


def _read_env(
    key: ast.expr, default: ast.expr | None, env: Mapping[str, EnvValue], reads: list[tuple[str, str | None]],
    again: Callable[[ast.expr], int | None],
) -> int | None:
    if not isinstance(key, ast.Constant) or not isinstance(key.value, str):
        return None
    fallback = again(default) if default is not None else None
    reads.append((key.value, None if fallback is None else str(fallback)))
    found = env.get(key.value)
    if found is not None:
        return int(found.text) if found.text.strip().isdigit() else None
    return fallback


_PUMA_WORKERS = re.compile(r"(?m)^[ \t]*(workers|worker_processes)\b[ \t]*(.+?)[ \t]*(?:#.*)?$")
_MODIFIER = re.compile(r"\s+(?:if|unless)\s+.*$")  # `workers n if n > 1`
_IDENTIFIER = re.compile(r"[a-z_]\w*")
_RUBY_ENV = re.compile(r"ENV(?:\.fetch\(\s*|\[\s*)[\"'](\w+)[\"']")
_RUBY_DEFAULT = re.compile(r"\{\s*(\d+)\s*\}|,\s*(\d+)\s*\)|\|\|\s*\(?\s*(\d+)|\"(\d+)\"\s*\)?\s*\{|fetch\([^)]*,\s*[\"'](\d+)[\"']")


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


def ruby_workers(text: str, path: str, env: Mapping[str, EnvValue]) -> Count | None:
    """`workers 2`, `workers ENV.fetch("WEB_CONCURRENCY") { 2 }`, `Integer(ENV["X"] || 2)` in
    puma.rb (`worker_processes` in unicorn.rb).  Puma's `workers 0` is single mode: one process."""
    match = _PUMA_WORKERS.search(text)
    if match is None:
        return None
    expr, line = _MODIFIER.sub("", match.group(2)).strip(), text.count("\n", 0, match.start()) + 1
    if expr.startswith("(") and expr.endswith(")"):  # `workers(2)`
        expr = expr[1:-1]
    if _IDENTIFIER.fullmatch(expr.strip()):  # `workers worker_count` after `worker_count = ...`
        assigned = re.search(rf"(?m)^[ \t]*{re.escape(expr.strip())}[ \t]*=[ \t]*(.+?)[ \t]*(?:#.*)?$", text)
        expr = assigned.group(1) if assigned else expr
    reader = Source(f"puma {match.group(1)}" if match.group(1) == "workers" else "unicorn worker_processes", path, line)
    if expr.strip().isdigit():
        return Count(max(int(expr), 1), (Source(reader.what, path, line, expr.strip()),))
    var = _RUBY_ENV.search(expr)
    default = _RUBY_DEFAULT.search(expr)
    fallback = next((g for g in default.groups() if g), None) if default else None
    if var is None:
        return Count(None, (Source(f"{reader.what} {expr.strip()} (computed)", path, line),))
    count = _env_count(env, var.group(1), reader, fallback)
    return Count(max(count.value, 1), count.sources, count.joiner) if count.value is not None else count


def _celery(tokens: list[str], where: Source, env: Mapping[str, EnvValue]) -> Count:
    pool = _flag(tokens, "-P", "--pool")
    if pool is not None and pool[0] in ("threads", "gevent", "eventlet", "solo"):
        return Count(1, (Source(f"celery --pool {pool[0]} (one process)", where.path, where.line),))
    flag = _flag(tokens, "-c", "--concurrency")
    if flag is not None:
        return _value(flag[0], Source("celery --concurrency", where.path, where.line), env)
    return Count(None, (Source("celery worker processes (default: the CPU count)", where.path, where.line),))
