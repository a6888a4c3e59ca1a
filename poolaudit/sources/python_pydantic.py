"""How pydantic-settings names the variables of a settings class: `env_prefix`, aliases, and
for models held by a settings class with `env_nested_delimiter`, the nested variable
(`APP_` + `DATABASE` + `__` + `POOL_SIZE`), as `EnvSettingsSource.explode_env_vars` builds it.
Read from the class statements with `ast`, like everything else in the Python source."""

from __future__ import annotations

import ast
from dataclasses import dataclass

from poolaudit.sources.python_scopes import dotted

FIELD_CALLS = {"Field", "field", "attrib", "ib"}
MODEL_KINDS = ("settings", "model")
MAX_NESTING = 8


@dataclass(frozen=True, slots=True)
class Config:
    """The pydantic-settings options that name a class's variables."""

    prefix: str = ""
    delimiter: str | None = None  # env_nested_delimiter
    max_split: int | None = None  # env_nested_max_split
    v1: bool = False  # set in `class Config:` (pydantic v1 splits the whole name)


def read_config(cls: ast.ClassDef, configs: dict[str, Config]) -> Config:
    """`env_prefix`, `env_nested_delimiter`, `env_nested_max_split`: class keyword, `model_config`
    (v2), `class Config` (v1), or inherited from a base class of this module."""
    bases = [dotted(b).rsplit(".", 1)[-1] for b in cls.bases]
    inherited = next((configs[b] for b in bases if b in configs), Config())
    found: dict[str, object] = {}
    v1 = inherited.v1
    for keyword in cls.keywords:
        if keyword.arg and isinstance(keyword.value, ast.Constant):
            found.setdefault(keyword.arg, keyword.value.value)
    for stmt in cls.body:
        if isinstance(stmt, ast.ClassDef) and stmt.name == "Config":
            for inner in stmt.body:
                if isinstance(inner, ast.Assign) and isinstance(inner.value, ast.Constant):
                    for target in inner.targets:
                        if isinstance(target, ast.Name) and target.id not in found:
                            found[target.id] = inner.value.value
                            v1 = v1 or target.id == "env_nested_delimiter"
        if isinstance(stmt, (ast.AnnAssign, ast.Assign)):
            target = stmt.target if isinstance(stmt, ast.AnnAssign) else stmt.targets[0]
            if isinstance(target, ast.Name) and target.id == "model_config":
                for name in ("env_prefix", "env_nested_delimiter", "env_nested_max_split"):
                    value = config_value(stmt.value, name)
                    if value is not None:
                        found.setdefault(name, value)
    prefix = found.get("env_prefix", inherited.prefix)
    delimiter = found.get("env_nested_delimiter", inherited.delimiter)
    max_split = found.get("env_nested_max_split", inherited.max_split)
    return Config(
        prefix=prefix if isinstance(prefix, str) else inherited.prefix,
        delimiter=delimiter if isinstance(delimiter, str) and delimiter else None,
        max_split=max_split if isinstance(max_split, int) and not isinstance(max_split, bool) else None,
        v1=v1,
    )


def config_value(node: ast.expr | None, name: str) -> object:
    """The constant given for `name` in `SettingsConfigDict(...)` or a dict literal, or None."""
    if isinstance(node, ast.Call):
        for keyword in node.keywords:
            if keyword.arg == name and isinstance(keyword.value, ast.Constant):
                return keyword.value.value
    if isinstance(node, ast.Dict):
        for key, value in zip(node.keys, node.values):
            if isinstance(key, ast.Constant) and key.value == name and isinstance(value, ast.Constant):
                return value.value
    return None


def default_and_alias(value: ast.expr | None) -> tuple[ast.expr | None, str | None]:
    """`Field(10, alias="X")` -> (10, "X"); `10` -> (10, None); no default -> (None, ...)."""
    if not isinstance(value, ast.Call) or dotted(value.func).rsplit(".", 1)[-1] not in FIELD_CALLS:
        return value, None
    alias = None
    default: ast.expr | None = value.args[0] if value.args else None
    for keyword in value.keywords:
        if keyword.arg == "default":
            default = keyword.value
        elif keyword.arg == "default_factory" and isinstance(keyword.value, ast.Lambda) and not _has_args(keyword.value):
            default = keyword.value.body  # field(default_factory=lambda: int(os.getenv("X", "5")))
        elif keyword.arg in ("alias", "validation_alias", "env"):
            alias = alias_name(keyword.value) or alias
    if isinstance(default, ast.Constant) and default.value is Ellipsis:
        default = None
    return default, alias


def _has_args(node: ast.Lambda) -> bool:
    args = node.args
    return bool(args.posonlyargs or args.args or args.kwonlyargs or args.vararg or args.kwarg)


def alias_name(node: ast.expr) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.Call) and dotted(node.func).endswith("AliasChoices") and node.args:
        return alias_name(node.args[0])
    if isinstance(node, (ast.List, ast.Tuple)) and node.elts:  # pydantic v1 env=[...]
        return alias_name(node.elts[0])
    return None


@dataclass(frozen=True, slots=True)
class Route:
    """How pydantic-settings reaches a model held by an outer settings class: the outer field's
    variable (`APP_DATABASE`), the delimiter, and the field names below it."""

    head: str
    delimiter: str
    max_split: int | None
    path: tuple[str, ...] = ()
    root: str = ""  # the outer settings class

    def below(self, segment: str) -> Route:
        return Route(self.head, self.delimiter, self.max_split, (*self.path, segment), self.root)

    def var(self, segment: str) -> str | None:
        """The variable for field `segment`; None when pydantic-settings would split the name
        elsewhere (a delimiter inside a field name), so no variable reaches the field."""
        segments = [*self.path, segment]
        rest = self.delimiter.join(segments)
        if rest.split(self.delimiter, (self.max_split or 0) - 1) != segments:
            return None
        return f"{self.head}{self.delimiter}{rest}".upper()


def routes(classes: list[ast.ClassDef], kinds: dict[str, str], configs: dict[str, Config]) -> dict[str, list[Route]]:
    """The routes to every model class of this module held (at any depth) by a settings class
    with `env_nested_delimiter`.  A settings class itself held by another is reached through the
    outer one only: that class is what the application instantiates."""
    by_name = {cls.name: cls for cls in classes}
    found: dict[str, list[Route]] = {}
    for cls in classes:
        options = configs[cls.name]
        if kinds[cls.name] != "settings" or options.delimiter is None:
            continue
        for stmt in cls.body:
            if not (isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name)):
                continue
            name = stmt.target.id
            if options.v1 and options.delimiter in name:
                continue  # pydantic v1 splits the whole name: `db__main` is not one field
            head = default_and_alias(stmt.value)[1] or options.prefix + name
            route = Route(head, options.delimiter, options.max_split, root=cls.name)
            for inner in models(stmt.annotation, kinds):
                _walk(by_name, kinds, found, inner, route, (cls.name, inner))
    held = set(found)
    return {name: [r for r in rs if r.root not in held] or rs for name, rs in found.items()}


def _walk(by_name: dict[str, ast.ClassDef], kinds: dict[str, str], found: dict[str, list[Route]], name: str,
          route: Route, seen: tuple[str, ...]) -> None:
    """Record `route` for class `name`, its local model bases (their fields are its fields) and
    the models its fields hold, one segment further down."""
    cls = by_name[name]
    found.setdefault(name, []).append(route)
    if len(seen) > MAX_NESTING:
        return
    for base in cls.bases:
        last = dotted(base).rsplit(".", 1)[-1]
        if last in by_name and last not in seen and kinds.get(last) in MODEL_KINDS:
            _walk(by_name, kinds, found, last, route, (*seen, last))
    for stmt in cls.body:
        if isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name):
            for inner in models(stmt.annotation, kinds):
                if inner not in seen:
                    below = route.below(validation_alias(stmt.value) or stmt.target.id)
                    _walk(by_name, kinds, found, inner, below, (*seen, inner))


def annotation(stmt: ast.stmt) -> ast.expr | None:
    if isinstance(stmt, ast.AnnAssign):
        return stmt.annotation
    if isinstance(stmt, ast.Assign) and isinstance(stmt.value, ast.Call):
        return stmt.value.func  # pydantic v1 takes an unannotated field's type from its default
    return None


def models(node: ast.expr | None, kinds: dict[str, str]) -> list[str]:
    """Model classes of this module an annotation names: `DatabaseSettings`, `"DatabaseSettings"`,
    `Optional[...]`, `X | None`, `Union[...]`, `Annotated[X, ...]` (not `list[X]`, `dict[str, X]`)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        try:
            node = ast.parse(node.value, mode="eval").body
        except SyntaxError:
            return []
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
        return [*models(node.left, kinds), *models(node.right, kinds)]
    if isinstance(node, ast.Subscript):
        wrapper = dotted(node.value).rsplit(".", 1)[-1]
        inner = node.slice.elts if isinstance(node.slice, ast.Tuple) else [node.slice]
        if wrapper == "Annotated":
            return models(inner[0], kinds)
        if wrapper in ("Optional", "Union"):
            return [name for part in inner for name in models(part, kinds)]
        return []
    last = dotted(node).rsplit(".", 1)[-1] if node is not None else ""
    return [last] if kinds.get(last) in MODEL_KINDS else []


def validation_alias(value: ast.expr | None) -> str | None:
    """The name a model validates a field by: `Field(alias=...)` / `validation_alias=...`
    (`env=` names a variable, not a key)."""
    if isinstance(value, ast.Call) and dotted(value.func).rsplit(".", 1)[-1] in FIELD_CALLS:
        for keyword in value.keywords:
            if keyword.arg in ("alias", "validation_alias"):
                return alias_name(keyword.value)
    return None
