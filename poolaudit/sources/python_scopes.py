"""Names bound in Python code without running it: what a module, class or function body
assigns, imports and mutates, and the dotted names of expressions (`sa.create_engine`)."""

from __future__ import annotations

import ast

_MUTATORS = {"update", "setdefault", "pop", "clear", "__setitem__"}


def dotted(node: ast.AST) -> str:
    """`a.b.c` -> "a.b.c"; `get_settings().x` -> "get_settings().x"; anything else -> ""."""
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
    elif isinstance(node, ast.Call) and isinstance(node.func, (ast.Name, ast.Attribute)):
        parts.append(dotted(node.func) + "()")
    else:
        return ""
    return ".".join(reversed(parts))


class Scope:
    """The names bound in a module, class or function body (not in nested bodies)."""

    def __init__(self, kind: str, parent: Scope | None = None) -> None:
        self.kind = kind
        self.parent = parent
        self.assigns: dict[str, list[ast.expr | None]] = {}  # None: bound to something unknown
        self.mutated: set[str] = set()
        self.params: dict[str, ast.expr | None] = {}
        self.imports: dict[str, str] = {}  # local name -> dotted name it was imported as
        self.classes: dict[str, ast.ClassDef] = {}
        self.functions: dict[str, ast.FunctionDef | ast.AsyncFunctionDef] = {}
        self.instance_attrs: frozenset[str] | None = None  # a class's `self.x = ...` names, when asked
        self.class_scopes: dict[str, Scope] = {}

    def bind(self, stmts: list[ast.stmt]) -> Scope:
        for stmt in stmts:
            self._bind(stmt)
        return self

    def _bind(self, stmt: ast.stmt) -> None:
        if isinstance(stmt, ast.Assign):
            for target in stmt.targets:
                self._target(target, stmt.value)
        elif isinstance(stmt, ast.AnnAssign):
            if stmt.value is not None:
                self._target(stmt.target, stmt.value)
        elif isinstance(stmt, ast.AugAssign):
            self._target(stmt.target, None)
            if isinstance(stmt.target, ast.Name):
                self.mutated.add(stmt.target.id)
        elif isinstance(stmt, ast.Import):
            for alias in stmt.names:
                if alias.asname:
                    self.imports[alias.asname] = alias.name
                else:
                    head = alias.name.split(".", 1)[0]
                    self.imports[head] = head
        elif isinstance(stmt, ast.ImportFrom):
            module = "." * stmt.level + (stmt.module or "")
            for alias in stmt.names:
                if alias.name != "*":
                    self.imports[alias.asname or alias.name] = f"{module}.{alias.name}" if module else alias.name
        elif isinstance(stmt, ast.Expr):
            call = stmt.value
            if (
                isinstance(call, ast.Call)
                and isinstance(call.func, ast.Attribute)
                and call.func.attr in _MUTATORS
                and isinstance(call.func.value, ast.Name)
            ):
                self.mutated.add(call.func.value.id)
        elif isinstance(stmt, ast.ClassDef):
            self.classes[stmt.name] = stmt
            self.assigns.setdefault(stmt.name, []).append(None)
        elif isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
            self.assigns.setdefault(stmt.name, []).append(None)
            self.functions[stmt.name] = stmt
        else:
            if isinstance(stmt, (ast.For, ast.AsyncFor)):
                self._target(stmt.target, None)
            elif isinstance(stmt, (ast.With, ast.AsyncWith)):
                for item in stmt.items:
                    if item.optional_vars is not None:
                        self._target(item.optional_vars, None)
            for field in ("body", "orelse", "finalbody"):
                self.bind(getattr(stmt, field, None) or [])
            for handler in getattr(stmt, "handlers", None) or []:
                self.bind(handler.body)
            for case in getattr(stmt, "cases", None) or []:
                self.bind(case.body)

    def _target(self, target: ast.expr, value: ast.expr | None) -> None:
        if isinstance(target, ast.Name):
            self.assigns.setdefault(target.id, []).append(value)
        elif isinstance(target, (ast.Tuple, ast.List)):
            for element in target.elts:
                self._target(element.value if isinstance(element, ast.Starred) else element, None)
        elif isinstance(target, ast.Subscript) and isinstance(target.value, ast.Name):
            self.mutated.add(target.value.id)

    def module(self) -> Scope:
        scope = self
        while scope.parent is not None:
            scope = scope.parent
        return scope

    def class_scope(self, name: str) -> Scope | None:
        module = self.module()
        if name not in module.classes:
            return None
        if name not in module.class_scopes:
            module.class_scopes[name] = Scope("class", module).bind(module.classes[name].body)
        return module.class_scopes[name]

    def qualify(self, name: str) -> str:
        """`ce` -> "sqlalchemy.create_engine" after `from sqlalchemy import create_engine as ce`."""
        head, dot, rest = name.partition(".")
        scope: Scope | None = self
        while scope is not None:
            if head in scope.imports:
                full = scope.imports[head]
                return f"{full}.{rest}" if dot else full
            scope = scope.parent
        return name


def own_class(name: str, attr: str, scope: Scope) -> Scope | None:
    """The class scope `self.attr` reads in a method (`name` its first parameter): the class
    body's value, unless a method assigns `self.attr` (then the instance's value is not known)."""
    current: Scope | None = scope
    while current is not None and current.kind == "function":
        owner = current.parent
        if owner is not None and owner.kind == "class":
            if name not in ("self", "cls") or name not in current.params:
                return None
            return None if attr in _instance_assigned(owner) else owner
        current = owner
    return None


def _instance_assigned(owner: Scope) -> frozenset[str]:
    found = owner.instance_attrs
    if found is None:
        found = owner.instance_attrs = frozenset(
            target.attr
            for function in owner.functions.values()
            for node in ast.walk(function)
            if isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign))
            for target in (node.targets if isinstance(node, ast.Assign) else [node.target])
            if isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name) and target.value.id == "self"
        )
    return found


def function_scope(node: ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda, parent: Scope) -> Scope:
    scope = Scope("function", parent)
    args = node.args
    positional = [*args.posonlyargs, *args.args]
    defaults: list[ast.expr | None] = [None] * (len(positional) - len(args.defaults)) + list(args.defaults)
    for arg, default in zip(positional, defaults):
        scope.params[arg.arg] = default
    for arg, default in zip(args.kwonlyargs, args.kw_defaults):
        scope.params[arg.arg] = default
    for extra in (args.vararg, args.kwarg):
        if extra is not None:
            scope.params[extra.arg] = None
    if not isinstance(node, ast.Lambda):
        scope.bind(node.body)
    return scope
