"""Worker counts in server config files, parsed and never run: `workers = ...` in a gunicorn
config module (Python, with `ast`), `workers ...` in puma.rb and `worker_processes` in
unicorn.rb (Ruby, with line regexes); and counts read from a variable such as WEB_CONCURRENCY,
with the place that sets it."""

from __future__ import annotations

import ast
import re
from collections.abc import Callable, Mapping

from poolaudit.capacity.records import Count, EnvValue, Source


def env_count(env: Mapping[str, EnvValue], name: str, reader: Source, default: str | None = None) -> Count:
    """A count read from a variable: its value where the runner sets it, else the default."""
    found = env.get(name)
    if found is not None and found.text.strip().isdecimal():
        return Count(int(found.text), (Source(name, found.path, found.line, found.text.strip()), reader), " read by ")
    if default is not None and default.strip().isdecimal():
        return Count(int(default), (Source(f"{reader.what} default of {name}", reader.path, reader.line, default),))
    return Count(None, (Source(f"{name} (not set)"), reader), " read by ")


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
    again: Callable[[ast.expr], int | None] = lambda n: _evaluate(n, names, env, reads, depth + 1)  # noqa: E731
    if isinstance(node, ast.Constant):
        if isinstance(node.value, bool):
            return None
        if isinstance(node.value, int):
            return node.value
        if isinstance(node.value, str) and node.value.strip().isdecimal():
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
        return int(found.text) if found.text.strip().isdecimal() else None
    return fallback


_PUMA_WORKERS = re.compile(r"(?m)^[ \t]*(workers|worker_processes)\b[ \t]*(.+?)[ \t]*(?:#.*)?$")
_MODIFIER = re.compile(r"\s+(?:if|unless)\s+.*$")  # `workers n if n > 1`
_IDENTIFIER = re.compile(r"[a-z_]\w*")
_RUBY_ENV = re.compile(r"ENV(?:\.fetch\(\s*|\[\s*)[\"'](\w+)[\"']")
_RUBY_DEFAULT = re.compile(r"\{\s*(\d+)\s*\}|,\s*(\d+)\s*\)|\|\|\s*\(?\s*(\d+)|\"(\d+)\"\s*\)?\s*\{|fetch\([^)]*,\s*[\"'](\d+)[\"']")


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
    if expr.strip().isdecimal():
        return Count(max(int(expr), 1), (Source(reader.what, path, line, expr.strip()),))
    var = _RUBY_ENV.search(expr)
    default = _RUBY_DEFAULT.search(expr)
    fallback = next((g for g in default.groups() if g), None) if default else None
    if var is None:
        return Count(None, (Source(f"{reader.what} {expr.strip()} (computed)", path, line),))
    count = env_count(env, var.group(1), reader, fallback)
    return Count(max(count.value, 1), count.sources, count.joiner) if count.value is not None else count
