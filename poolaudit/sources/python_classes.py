"""Named values a module defines: its constants and the fields of its settings classes
(pydantic `BaseSettings` v1/v2, dataclasses, pydantic models, config classes).

Every one with a known value (or an environment variable) becomes a `Symbol`, so that
`settings.db_pool_size` in another module resolves.  A field of a settings class or dataclass
whose name is a pool setting's (`db_pool_size`, `POOL_SIZE`, `database_max_overflow`) is also
a setting itself: for `BaseSettings` its environment variable is `env_prefix` + the field name.
"""

from __future__ import annotations

import ast
from dataclasses import replace

from poolaudit import catalog, environments
from poolaudit.model import Provenance, Symbol
from poolaudit.sources.python_emit import Module
from poolaudit.sources.python_scopes import Scope, dotted
from poolaudit.sources.python_values import Val

_DATACLASS_DECORATORS = {"dataclass", "define", "frozen", "mutable", "attrs", "s", "pydantic_dataclass"}
_FIELD_CALLS = {"Field", "field", "attrib", "ib"}
_SKIP_FIELDS = {"model_config", "Config", "__slots__", "__tablename__"}


def module_symbols(m: Module, scope: Scope) -> list[Symbol]:
    """One symbol per assignment of a module-level name to a number, bool or env lookup."""
    symbols = []
    for name, nodes in scope.assigns.items():
        for node in nodes:
            if node is None or isinstance(node, (ast.Dict, ast.List, ast.Set, ast.JoinedStr, ast.Lambda)):
                continue
            symbol = _symbol(m, name, node, m.values.eval(node, scope), None, None)
            if symbol is not None:
                symbols.append(symbol)
    return symbols


def _symbol(m: Module, name: str, node: ast.AST, val: Val, env_var: str | None, container: str | None) -> Symbol | None:
    """A symbol for a number or bool, or for an unknown value read from a pool-like variable."""
    value = val.value if val.known and not isinstance(val.value, str) else None
    env_var = env_var or val.env_var
    if value is None and (env_var is None or _pool_name(env_var, name) is None):
        return None
    if val.origin is not None:
        line, column = m.code.line_col(val.origin.start)
    else:
        line, column = node.lineno, m.code.column(node)  # type: ignore[attr-defined]
    return Symbol(name, value, m.code.path, line, column, val.origin, env_var=env_var, container=container)


def class_fields(m: Module, module: Scope, body: list[ast.stmt]) -> list[Symbol]:
    """Symbols for the fields of every module-level class; settings for pool-named fields."""
    kinds: dict[str, str] = {}
    prefixes: dict[str, str] = {}
    symbols: list[Symbol] = []
    for cls in _classes(body):
        kind = _kind(cls, kinds)
        kinds[cls.name] = kind
        prefix = _env_prefix(cls, prefixes)
        prefixes[cls.name] = prefix
        scope = module.class_scope(cls.name) or Scope("class", module).bind(cls.body)
        environment = environments.from_name(cls.name)
        excluded = any(w in catalog.NOT_DB_WORDS for w in catalog.words(cls.name))
        for stmt in cls.body:
            symbols.extend(_field(m, stmt, cls.name, kind, prefix, scope, environment, excluded))
    return symbols


def _classes(body: list[ast.stmt]) -> list[ast.ClassDef]:
    found = []
    for stmt in body:
        if isinstance(stmt, ast.ClassDef):
            found.append(stmt)
        elif isinstance(stmt, (ast.If, ast.Try)):
            found.extend(_classes([*stmt.body, *stmt.orelse]))
    return found


def _kind(cls: ast.ClassDef, kinds: dict[str, str]) -> str:
    for base in cls.bases:
        last = dotted(base).rsplit(".", 1)[-1]
        if last == "BaseSettings":
            return "settings"
        if last == "BaseModel":
            return "model"
        if last in kinds:
            return kinds[last]
    for decorator in cls.decorator_list:
        target = decorator.func if isinstance(decorator, ast.Call) else decorator
        if dotted(target).rsplit(".", 1)[-1] in _DATACLASS_DECORATORS:
            return "dataclass"
    return "plain"


def _env_prefix(cls: ast.ClassDef, prefixes: dict[str, str]) -> str:
    """pydantic-settings' `env_prefix`: class keyword, `model_config` (v2), `class Config` (v1),
    or inherited from a base class of this module."""
    for keyword in cls.keywords:
        if keyword.arg == "env_prefix" and isinstance(keyword.value, ast.Constant):
            return str(keyword.value.value)
    for stmt in cls.body:
        if isinstance(stmt, ast.ClassDef) and stmt.name == "Config":
            for inner in stmt.body:
                if (isinstance(inner, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "env_prefix" for t in inner.targets)
                        and isinstance(inner.value, ast.Constant)):
                    return str(inner.value.value)
        target = stmt.target if isinstance(stmt, ast.AnnAssign) else stmt.targets[0] if isinstance(stmt, ast.Assign) else None
        if isinstance(target, ast.Name) and target.id == "model_config":
            found = _config_value(stmt.value if isinstance(stmt, (ast.AnnAssign, ast.Assign)) else None, "env_prefix")
            if found is not None:
                return found
    for base in cls.bases:
        last = dotted(base).rsplit(".", 1)[-1]
        if last in prefixes:
            return prefixes[last]
    return ""


def _config_value(node: ast.expr | None, name: str) -> str | None:
    if isinstance(node, ast.Call):
        for keyword in node.keywords:
            if keyword.arg == name and isinstance(keyword.value, ast.Constant):
                return str(keyword.value.value)
    if isinstance(node, ast.Dict):
        for key, value in zip(node.keys, node.values):
            if isinstance(key, ast.Constant) and key.value == name and isinstance(value, ast.Constant):
                return str(value.value)
    return None


def _field(m: Module, stmt: ast.stmt, container: str, kind: str, prefix: str, scope: Scope,
           environment: str | None, excluded: bool) -> list[Symbol]:
    if isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name):
        name, target, value = stmt.target.id, stmt.target, stmt.value
    elif isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name):
        name, target, value = stmt.targets[0].id, stmt.targets[0], stmt.value
    else:
        return []
    if name in _SKIP_FIELDS or name.startswith("__"):
        return []
    default, alias = _default_and_alias(value)
    env_var = (alias or prefix + name).upper() if kind == "settings" else None
    if default is None:
        if kind != "settings" or not isinstance(stmt, ast.AnnAssign) or value is not None:
            return []
        val = Val(Provenance.UNRESOLVED, note=f"{container}.{name} has no default")
    else:
        val = m.values.eval(default, scope)
    if kind == "settings":
        val = replace(val, provenance=Provenance.ENV_DEFAULT if val.known else Provenance.UNRESOLVED, env_var=env_var)
    symbol = _symbol(m, name, default or target, val, env_var, container)
    if kind != "plain" and not excluded:
        info = _pool_name(env_var, name)
        if info is not None:
            m.consumed.update(val.names)
            m.out.emit(
                key=name, canonical=info.canonical, framework="pydantic-settings" if kind == "settings" else "app-config",
                pool=container, value_node=default or target, val=val, key_node=target, environment=environment,
                unit=info.unit,
            )
    return [symbol] if symbol is not None else []


def _pool_name(env_var: str | None, name: str) -> catalog.KeyInfo | None:
    """The pool setting a variable (or, failing that, a field called `name`) holds."""
    if env_var and any(w.lower() in catalog.NOT_DB_WORDS for w in env_var.split("_")):
        return None  # REDIS_POOL_SIZE: a Redis pool, whatever the field is called
    for candidate in (env_var, name.upper()):
        info = catalog.classify_env_var(candidate) if candidate else None
        if info is not None and info.framework is None:
            return info
    return None


def _default_and_alias(value: ast.expr | None) -> tuple[ast.expr | None, str | None]:
    """`Field(10, alias="X")` -> (10, "X"); `10` -> (10, None); no default -> (None, ...)."""
    if not isinstance(value, ast.Call) or dotted(value.func).rsplit(".", 1)[-1] not in _FIELD_CALLS:
        return value, None
    alias = None
    default: ast.expr | None = value.args[0] if value.args else None
    for keyword in value.keywords:
        if keyword.arg == "default":
            default = keyword.value
        elif keyword.arg in ("alias", "validation_alias", "env"):
            alias = _alias(keyword.value) or alias
    if isinstance(default, ast.Constant) and default.value is Ellipsis:
        default = None
    return default, alias


def _alias(node: ast.expr) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.Call) and dotted(node.func).endswith("AliasChoices") and node.args:
        return _alias(node.args[0])
    if isinstance(node, (ast.List, ast.Tuple)) and node.elts:  # pydantic v1 env=[...]
        return _alias(node.elts[0])
    return None
