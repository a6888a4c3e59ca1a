"""Which Python calls read an environment variable, and the default they fall back to:
`os.getenv`/`os.environ.get`, `env.int(...)`-style readers (environs, django-environ,
python-decouple), a project's own helpers whose names say `env` (`envint("X", 5)`,
`EnvConfig.integer("X", 5)`), and module functions that pass their first parameter to one
(Paperless's `__get_int("X", 1)`)."""

from __future__ import annotations

import ast
import re

from poolaudit.sources.python_scopes import Scope, dotted

_ENV_NAME = re.compile(r"[A-Z][A-Z0-9_]*")
_ENV_RECEIVERS = {"env", "environ", "environment", "_env", "ENV"}
_ENV_METHODS = {"int", "float", "bool", "str", "get", "get_value", "decimal", "json", "setdefault"}
_ENV_READERS = {"os.getenv", "os.environ.get", "getenv", "environ.get", "os.environ.__getitem__"}


def env_lookup(node: ast.Call, qualified: str) -> tuple[str, ast.expr | None] | None:
    """(variable, default expression) when `node` reads an environment variable."""
    if not node.args or not isinstance(node.args[0], ast.Constant) or not isinstance(node.args[0].value, str):
        return None
    var = node.args[0].value
    receiver, _, method = qualified.rpartition(".")
    default = next((k.value for k in node.keywords if k.arg == "default"), None)
    if default is None and len(node.args) > 1:
        default = node.args[1]
    if method == "getenv" or qualified in ("os.environ.get", "os.environ.setdefault"):
        return var, default
    if receiver.rsplit(".", 1)[-1] in _ENV_RECEIVERS and method in _ENV_METHODS:
        return var, default
    if "env" in receiver.rsplit(".", 1)[-1].lower() and _ENV_NAME.fullmatch(var):
        return var, default  # a project's own helper: EnvConfig.integer("POOL_RECYCLE", 300)
    if qualified.startswith("decouple.") or (method in ("config", "env") and _ENV_NAME.fullmatch(var)):
        return var, default
    if "env" in method.lower() and _ENV_NAME.fullmatch(var):
        return var, default  # a project's own function: envint("DB_CONN_MAX_AGE", "0"), get_from_env(...)
    return None


def wrapped_lookup(
    node: ast.Call, name: str, scope: Scope, memo: dict[int, bool]
) -> tuple[str, ast.expr | None] | None:
    """(variable, default) for a call of a module function that passes its first parameter
    to an environment lookup: Paperless's `__get_int("PAPERLESS_TASK_WORKERS", 1)`."""
    if "." in name or not node.args or not isinstance(node.args[0], ast.Constant):
        return None
    var = node.args[0].value
    function = scope.module().functions.get(name)
    if function is None or not isinstance(var, str) or not _ENV_NAME.fullmatch(var):
        return None
    params = [a.arg for a in (*function.args.posonlyargs, *function.args.args)]
    if not params or not _reads_env(function, params[0], scope, memo):
        return None
    default = node.args[1] if len(node.args) > 1 else None
    named = {params[1], "default"} if len(params) > 1 else {"default"}
    default = next((k.value for k in node.keywords if k.arg in named), default)
    return var, default


def _reads_env(
    function: ast.FunctionDef | ast.AsyncFunctionDef, param: str, scope: Scope, memo: dict[int, bool]
) -> bool:
    """Whether `function` passes `param` to an environment lookup (`memo`: per module, by node)."""
    known = memo.get(id(function))
    if known is None:
        known = memo[id(function)] = any(
            isinstance(call, ast.Call)
            and call.args
            and isinstance(call.args[0], ast.Name)
            and call.args[0].id == param
            and (scope.qualify(dotted(call.func)) in _ENV_READERS or dotted(call.func) in _ENV_READERS)
            for call in ast.walk(function)
        )
    return known
