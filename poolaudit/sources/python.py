"""The Python-code source: pool settings in SQLAlchemy, Flask-SQLAlchemy, Django and driver
code, found by parsing with `ast` (never importing or running anything).

The module is parsed once; only statements whose lines hold a trigger word are walked (a
5 MB generated module costs one parse and a scan of its top-level statements).  Value
resolution lives in `python_values`, the call catalogue in `python_calls`, configuration data
(Flask, Django, dicts, URLs) in `python_config`, constants and settings classes in
`python_classes`.  See `python_values` for the `ref` naming convention.
"""

from __future__ import annotations

import ast
import gc
import io
import re
import tokenize
import warnings
from bisect import bisect_left

from poolaudit import environments
from poolaudit.errors import SourceError
from poolaudit.model import Extraction, Suppression
from poolaudit.sources import python_classes, python_config, python_django, python_urls
from poolaudit.sources.python_calls import identify
from poolaudit.sources.python_code import Code
from poolaudit.sources.python_emit import Emitter, Module
from poolaudit.sources.python_pools import call
from poolaudit.sources.python_scopes import Scope, dotted, function_scope
from poolaudit.sources.python_values import Evaluator

KIND = "python"
# A file holding none of these cannot hold a pool setting this source reports.  Tuned for
# code: `pool_`/`POOL_` and class names rather than a bare `pool`, so thread-pool, Redis and
# HTTP-pool modules mostly stay away from `ast` (those that pass yield nothing).
LITERALS: tuple[bytes, ...] = (
    b"pool_", b"POOL_", b"_POOL", b"db_pool", b"database_pool", b"pg_pool", b"poolclass", b"QueuePool",
    b"create_pool", b"psycopg_pool", b"ThreadedConnectionPool", b"SimpleConnectionPool", b"Pooled",
    b"PoolSize", b"+pool:", b"overflow", b"OVERFLOW", b"create_engine", b"create_async_engine",
    b"engine_from_config", b"DATABASES", b"CONN_MAX_AGE", b"conn_max_age", b"conn_health_checks",
    b"ENGINE_OPTIONS", b"engine_options", b"MAX_CONNECTIONS", b"min_size", b"max_size",
    b"connection_limit", b"tortoise", b"BaseSettings", b"QueueTimeoutMS", b"IdleTimeMS",
)
# Statements holding one of these (or an alias of a pool-creating call) are walked.
TRIGGERS: tuple[str, ...] = (
    "pool", "Pool", "POOL", "overflow", "OVERFLOW", "create_engine", "create_async_engine",
    "engine_from_config", "DATABASES", "CONN_MAX_AGE", "CONN_HEALTH_CHECKS", "conn_max_age",
    "conn_health_checks", "ENGINE_OPTIONS", "engine_options", "max_connections", "min_size",
    "max_size", "minsize", "maxsize", "minconn", "maxconn", "connection_limit", "SQLALCHEMY_BINDS",
    "MongoClient", "MotorClient", "QueueTimeoutMS", "IdleTimeMS",
)
_SUPPRESS = re.compile(r"poolaudit:\s*ignore(?:\[([A-Za-z0-9_,\s]*)\])?[ \t]*:?[ \t]*(.*)")
_ENV_WORDS = ("env", "stage", "profile", "mode", "deploy", "tier")
_COMPOUND_FIELDS = ("body", "orelse", "finalbody")


def extract(path: str, text: str) -> Extraction:
    # A module's tree is millions of objects for a large file, none in reference cycles; the
    # collector walking them on every full collection triples the cost of a parse.
    paused = gc.isenabled()
    gc.disable()
    try:
        return _extract(path, text)
    finally:
        if paused:
            gc.enable()


def _extract(path: str, text: str) -> Extraction:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # invalid escapes in the scanned code are not our warnings
        try:
            tree = ast.parse(text, filename=path)
        except SyntaxError as exc:
            raise SourceError(exc.msg or "invalid syntax", exc.lineno) from None
        except (ValueError, MemoryError, RecursionError) as exc:
            raise SourceError(str(exc) or type(exc).__name__) from None
    code = Code(path, text)
    test = environments.from_path(path) == "test"
    m = Module(code, Evaluator(code), Emitter(code, "test" if test else "", _migration_only(path, text)))
    scope = Scope("module").bind(tree.body)
    symbols = python_classes.module_symbols(m, scope)
    symbols.extend(python_classes.class_fields(m, scope, tree.body))
    visitor = _Visitor(m, _hit_lines(code, scope))
    visitor.block(tree.body, scope, None, None)
    for name, report in m.later:
        if name not in m.consumed:
            report()
    # Break the cycles that would keep the tree alive until a collection (GC pressure slows
    # every later parse): closures in `later` hold the module context, class scopes their parent.
    m.later.clear()
    scope.class_scopes.clear()
    del tree, visitor
    return Extraction(settings=m.out.settings, symbols=symbols, suppressions=suppressions(path, text))


def _migration_only(path: str, text: str) -> bool:
    """Alembic's env.py builds a NullPool engine for migrations: never a production pool."""
    parts = path.split("/")
    if parts[-1] == "env.py" and any(p in ("alembic", "migrations") for p in parts[:-1]):
        return True
    return "context.configure(" in text


def _hit_lines(code: Code, scope: Scope) -> list[int]:
    text = code.text
    triggers = set(TRIGGERS)
    for local, imported in scope.imports.items():
        if local != imported.rsplit(".", 1)[-1] and identify(imported) is not None:
            triggers.add(local + "(")  # `ce(` after `from sqlalchemy import create_engine as ce`
    lines = set()
    for trigger in triggers:
        at = text.find(trigger)
        while at != -1:
            lines.add(code.line_col(at)[0])
            at = text.find(trigger, at + len(trigger))
    return sorted(lines)


class _Visitor:
    """Walks the statements that hold trigger lines, with the scope, environment (from class
    names and `if ENV == "production":` branches) and container class around them."""

    def __init__(self, m: Module, hits: list[int]) -> None:
        self.m = m
        self.hits = hits

    def _hit(self, stmt: ast.stmt) -> bool:
        first = min([stmt.lineno, *(d.lineno for d in getattr(stmt, "decorator_list", ()))])
        at = bisect_left(self.hits, first)
        return at < len(self.hits) and self.hits[at] <= (stmt.end_lineno or stmt.lineno)

    def block(self, stmts: list[ast.stmt], scope: Scope, env: str | None, container: str | None) -> None:
        for stmt in stmts:
            if self._hit(stmt):
                self.statement(stmt, scope, env, container)

    def statement(self, stmt: ast.stmt, scope: Scope, env: str | None, container: str | None) -> None:
        if isinstance(stmt, ast.ClassDef):
            self.exprs([*stmt.decorator_list, *stmt.bases, *(k.value for k in stmt.keywords)], scope, env, container)
            inner = (scope.class_scope(stmt.name) if scope.kind == "module" else None) or Scope("class", scope).bind(stmt.body)
            self.block(stmt.body, inner, environments.from_name(stmt.name) or env, stmt.name)
        elif isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
            defaults = [*stmt.args.defaults, *(d for d in stmt.args.kw_defaults if d is not None)]
            self.exprs([*stmt.decorator_list, *defaults], scope, env, container)
            self.block(stmt.body, function_scope(stmt, scope), env, None)
        elif isinstance(stmt, ast.If):
            self.exprs([stmt.test], scope, env, container)
            then_env, else_env = branch_environment(stmt.test, self.m.code)
            self.block(stmt.body, scope, then_env or env, container)
            self.block(stmt.orelse, scope, else_env or env, container)
        elif isinstance(stmt, ast.Match):
            self.exprs([stmt.subject], scope, env, container)
            for case in stmt.cases:
                self.block(case.body, scope, _case_environment(case) or env, container)
        elif any(getattr(stmt, f, None) for f in _COMPOUND_FIELDS) or isinstance(stmt, (ast.Try,)):
            headers = [getattr(stmt, f) for f in ("test", "iter", "target") if getattr(stmt, f, None) is not None]
            headers += [item.context_expr for item in getattr(stmt, "items", ())]
            self.exprs(headers, scope, env, container)
            for f in _COMPOUND_FIELDS:
                self.block(getattr(stmt, f, None) or [], scope, env, container)
            for handler in getattr(stmt, "handlers", ()):
                self.block(handler.body, scope, env, container)
        elif isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant):
            return  # a docstring or bare string: prose, not configuration
        else:
            if isinstance(stmt, (ast.Assign, ast.AnnAssign)) and stmt.value is not None:
                self.assignment(stmt, scope, env, container)
            self.exprs([stmt], scope, env, container)

    def assignment(self, stmt: ast.Assign | ast.AnnAssign, scope: Scope, env: str | None, container: str | None) -> None:
        value = stmt.value
        assert value is not None
        for target in stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]:
            if isinstance(target, ast.Name) and scope.kind in ("module", "class"):
                python_config.config_name(self.m, target.id, target, value, scope, env, container)
            elif isinstance(target, ast.Subscript):
                root, keys = _subscript_path(target)
                if not keys:
                    continue
                if root.rsplit(".", 1)[-1] == "DATABASES":
                    python_django.django(self.m, keys, target, value, scope, env)
                elif len(keys) == 1 and keys[0] in python_config.CONFIG_NAMES:
                    python_config.config_name(self.m, keys[0], target, value, scope, env, container)

    def exprs(self, nodes: list[ast.AST], scope: Scope, env: str | None, container: str | None) -> None:
        skip: set[int] = set()
        for top in nodes:
            for node in _walk(top):
                # Parsed trees hold exactly these classes: `type() is` is cheaper than isinstance.
                if type(node) is ast.Call:
                    call(self.m, node, scope, env, container)
                elif type(node) is ast.Dict:
                    python_config.dict_literal(self.m, node, scope, env, container)
                elif type(node) is ast.JoinedStr:
                    skip.update(id(v) for v in node.values)
                    python_urls.url_fstring(self.m, node, scope, env)
                elif type(node) is ast.Constant and isinstance(node.value, str) and "://" in node.value:
                    if id(node) not in skip:
                        python_urls.url_string(self.m, node, env)


def _walk(top: ast.AST) -> list[ast.AST]:
    """`ast.walk`'s nodes in its order (breadth first), without its two generators per node:
    the visitor's largest cost after `ast.parse`."""
    nodes = [top]
    at = 0
    while at < len(nodes):
        node = nodes[at]
        at += 1
        for name in node._fields:
            child = getattr(node, name, None)
            if isinstance(child, list):
                nodes.extend(item for item in child if isinstance(item, ast.AST))
            elif isinstance(child, ast.AST):
                nodes.append(child)
    return nodes


def _subscript_path(node: ast.Subscript) -> tuple[str, list[str]]:
    """`app.config["A"]["B"]` -> ("app.config", ["A", "B"]); non-string keys -> ("", [])."""
    keys: list[str] = []
    current: ast.expr = node
    while isinstance(current, ast.Subscript):
        key = current.slice
        if not (isinstance(key, ast.Constant) and isinstance(key.value, str)):
            return "", []
        keys.append(key.value)
        current = current.value
    return dotted(current), list(reversed(keys))


def branch_environment(test: ast.expr, code: Code) -> tuple[str | None, str | None]:
    """(environment of the `if` body, of the `else` body) for `if ENV == "production":`,
    `if settings.environment in ("prod", "production"):`, `if APP_ENV != "test":`."""
    if not isinstance(test, ast.Compare) or len(test.ops) != 1:
        return None, None
    op = test.ops[0]
    for const, other in ((test.comparators[0], test.left), (test.left, test.comparators[0])):
        names = _environment_names(const)
        if not names or _environment_names(other) or not any(w in code.raw(other).lower() for w in _ENV_WORDS):
            continue
        found = {environments.from_name(n) for n in names}
        if len(found) != 1 or None in found:
            return None, None
        environment = found.pop()
        if isinstance(op, (ast.Eq, ast.In, ast.Is)):
            return environment, None
        if isinstance(op, (ast.NotEq, ast.NotIn, ast.IsNot)):
            return None, environment
    return None, None


def _environment_names(node: ast.expr) -> list[str]:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
        names = [e.value for e in node.elts if isinstance(e, ast.Constant) and isinstance(e.value, str)]
        return names if len(names) == len(node.elts) else []
    if isinstance(node, ast.Attribute) and environments.from_name(node.attr):  # Environment.PRODUCTION
        return [node.attr]
    return []


def _case_environment(case: ast.match_case) -> str | None:
    pattern = case.pattern
    values = pattern.patterns if isinstance(pattern, ast.MatchOr) else [pattern]
    names = [p.value.value for p in values if isinstance(p, ast.MatchValue) and isinstance(p.value, ast.Constant)]
    found = {environments.from_name(str(n)) for n in names}
    return found.pop() if len(found) == 1 and len(names) == len(values) else None


def suppressions(path: str, text: str) -> list[Suppression]:
    """`# poolaudit: ignore[PA101] reason` comments; only real comments count, so the
    tokenizer runs (only in files that mention poolaudit at all)."""
    if "poolaudit" not in text:
        return []
    found = []
    try:
        for token in tokenize.generate_tokens(io.StringIO(text, newline=None).readline):
            if token.type != tokenize.COMMENT:
                continue
            match = _SUPPRESS.search(token.string)
            if match is None:
                continue
            codes = tuple(c.strip().upper() for c in (match.group(1) or "").split(",") if c.strip())
            found.append(Suppression(path, token.start[0], codes, match.group(2).strip() or None))
    except (tokenize.TokenError, SyntaxError):
        pass
    return found
