"""The policy: its pydantic models, where it is found, `extends`, and the bounds one pool must meet.

Lookup order: `--policy FILE`; else `.poolaudit.yaml`, `.poolaudit.yml`, `.poolaudit.toml`, or
`[tool.poolaudit]` in `pyproject.toml` at the root; else the shipped `default` preset.  A user
policy extends `default` unless it says `extends: strict`, `extends: path/to/base.yaml` or
`extends: none`.  Layers merge key by key (mappings merge, lists replace, except that
`pools.overrides` concatenate, parent first); every bound keeps the reason of the layer that set it.

This is the only module that imports pydantic (start-up time matters for the pre-commit hook).
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal, Union

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationError,
    field_validator,
    model_validator,
)

import poolaudit
from poolaudit.errors import PolicyError

if TYPE_CHECKING:
    from poolaudit.model import Setting

Environment = Literal["production", "staging", "development", "test", "any"]
Level = Literal["error", "warning", "info"]
BOUND_FIELDS = (
    "min_size", "max_size", "min_overflow", "acquire_timeout_max",
    "require_acquire_timeout", "require_recycle", "recommended_size",
)  # fmt: skip
PRESETS = ("default", "strict")
USER_FILES = (".poolaudit.yaml", ".poolaudit.yml", ".poolaudit.toml")


class _Model(BaseModel):
    # strict: `min_size: "10"` or `require_recycle: "yes"` are mistakes, not values to coerce.
    model_config = ConfigDict(extra="forbid", strict=True)


def _duration(value: Any) -> Any:
    """`acquire_timeout_max: 30s` / `"500ms"` as well as a number of seconds."""
    if isinstance(value, str):
        from poolaudit.sources._values import parse_duration

        seconds, _ = parse_duration(value)
        return float(seconds) if seconds is not None else value
    return value


class BoundsModel(_Model):
    """Bounds for one pool.  Unset fields leave the value of an earlier layer in force."""

    min_size: Union[int, None] = Field(None, ge=0)
    max_size: Union[int, None] = Field(None, ge=1)
    min_overflow: Union[int, None] = Field(None, ge=0)
    acquire_timeout_max: Union[float, None] = Field(None, gt=0)  # seconds
    require_acquire_timeout: Union[bool, None] = None
    require_recycle: Union[bool, None] = None
    recommended_size: Union[int, None] = Field(None, ge=1)  # what a fix writes (else min_size)
    reason: Union[str, dict[str, str], None] = None  # one reason, or one per bound
    ignore: list[str] = []  # rule codes or names not checked for the pools this block matches

    _timeout = field_validator("acquire_timeout_max", mode="before")(_duration)

    @field_validator("reason")
    @classmethod
    def _reason_keys(cls, value: Any) -> Any:
        if isinstance(value, dict):
            for key in value:
                if key not in BOUND_FIELDS:
                    known = ", ".join(BOUND_FIELDS)
                    raise ValueError(f"reason for unknown bound {key!r}; bounds are {known}")
        return value

    @field_validator("ignore")
    @classmethod
    def _known_ignores(cls, value: list[str]) -> list[str]:
        return [_rule_code(v) for v in value]


class Override(BoundsModel):
    """Bounds for the pools it matches: every criterion given must match (later entries win)."""

    services: list[str] = []  # globs on the service name or the file's path
    environments: list[Environment] = []
    frameworks: list[str] = []


class Pools(BoundsModel):
    assume_environment: Environment = "production"  # for settings that name no environment
    skip_environments: list[Environment] = ["test"]
    environments: dict[Environment, BoundsModel] = {}
    frameworks: dict[str, BoundsModel] = {}
    overrides: list[Override] = []


class Service(_Model):
    name: Union[str, None] = None  # the name reported for folders matching the key's glob


class Pooler(_Model):
    kind: str = "pgbouncer"
    pool_mode: Union[Literal["session", "transaction", "statement"], None] = None
    default_pool_size: Union[int, None] = Field(None, ge=1)
    max_db_connections: Union[int, None] = Field(None, ge=0)  # 0: unlimited (PgBouncer)
    max_client_conn: Union[int, None] = Field(None, ge=1)


class Database(_Model):
    """A database whose connection budget several services share (used by the capacity rules)."""

    name: str
    max_connections: int = Field(ge=1)
    reserved_connections: int = Field(3, ge=0)  # PostgreSQL superuser_reserved_connections
    pooler: Union[Pooler, None] = None
    services: list[str] = []  # service globs
    hosts: list[str] = []  # host names in the services' database URLs
    environments: list[Environment] = []  # empty: every environment

    @model_validator(mode="after")
    def _budget(self) -> Database:
        if self.reserved_connections >= self.max_connections:
            raise ValueError("reserved_connections must be smaller than max_connections")
        return self


Count = Annotated[int, Field(ge=0)]
Multiplier = Union[Count, dict[Environment, Count]]  # one count, or one per environment


class _Counts(BaseModel):
    """Counts per service: the keys that are not options are service globs."""

    # Globs are free-form keys, so extras are allowed here, and typed: a wrong value still fails.
    model_config = ConfigDict(extra="allow", strict=True)
    __pydantic_extra__: dict[str, Multiplier]

    default: Union[int, None] = Field(None, ge=0)  # where neither the files nor a glob say

    def by_service(self) -> dict[str, Multiplier]:
        return dict(self.model_extra or {})


class Replicas(_Counts):
    use_hpa_max: bool = True  # a HorizontalPodAutoscaler's maxReplicas counts, not spec.replicas
    include_surge: bool = True  # a rolling update's maxSurge pods run beside the old ones


class Processes(_Counts):
    pass


class PoolCounts(_Counts):
    """Instances of each pool per process, for code that builds pools at run time (default 1)."""


class Capacity(_Model):
    replicas: Replicas = Replicas()  # pods or containers per service
    processes: Processes = Processes()  # worker processes per replica
    pools: PoolCounts = PoolCounts()  # instances of each pool found, per process
    rebalance: bool = False  # `fix` lowers pools of an oversubscribed database (as `fix --rebalance`)
    metrics: Union[str, None] = None  # CSV/JSON file of peak_rps, db_time_ms per service (traffic)


class Traffic(_Model):
    peak_rps: float = Field(gt=0)
    db_time_ms: float = Field(gt=0)  # database time held per request
    headroom: float = Field(1.5, ge=1)  # busy connections (Little's law) x headroom


def _selector(value: str) -> str:
    from poolaudit import rules

    if not rules.matching(value):
        raise ValueError(f"unknown rule {value!r}")
    return value


RuleSelector = Annotated[str, AfterValidator(_selector)]  # a code, a name, a prefix (PA1) or ALL


class Policy(_Model):
    extends: Union[str, None] = None
    select: Union[list[RuleSelector], None] = None  # None: every rule
    ignore: list[RuleSelector] = []
    include: list[Literal["redis", "celery"]] = []
    severity: dict[str, Level] = {}
    fail_on: Literal["error", "warning"] = "error"
    exclude: list[str] = []  # globs of paths not scanned
    services: dict[str, Service] = {}
    pools: Pools = Pools()
    databases: list[Database] = []
    capacity: Capacity = Capacity()
    traffic: dict[str, Traffic] = {}
    _files: list[str] = PrivateAttr(default_factory=list)  # the files loaded, base first

    @field_validator("severity")
    @classmethod
    def _severity_codes(cls, value: dict[str, str]) -> dict[str, str]:
        return {_rule_code(key): level for key, level in value.items()}

    @field_validator("databases")
    @classmethod
    def _unique_databases(cls, value: list[Database]) -> list[Database]:
        names = [db.name for db in value]
        for name in names:
            if names.count(name) > 1:
                raise ValueError(f"database {name!r} is declared twice")
        return value

    @property
    def files(self) -> list[str]:
        return list(self._files)


def _rule_code(name: str) -> str:
    from poolaudit import rules

    try:
        return rules.get(name).CODE
    except KeyError:
        raise ValueError(f"unknown rule {name!r}") from None


# -- loading ------------------------------------------------------------------------------------


def presets_dir() -> Path:
    """The shipped presets: inside the installed package, else the checkout's `policies/`."""
    package = Path(poolaudit.__file__).parent
    installed = package / "policies"
    if (installed / "default.yaml").is_file():
        return installed
    return package.parent / "policies"


def load(explicit: Path | None, root: Path) -> Policy:
    """The policy for a run rooted at `root` (see the module docstring for the lookup order)."""
    if explicit is not None:
        if not explicit.is_file():
            raise PolicyError("policy file not found", str(explicit))
        return _load_chain(explicit)
    for name in USER_FILES:
        if (root / name).is_file():
            return _load_chain(root / name)
    pyproject = root / "pyproject.toml"
    if pyproject.is_file() and _has_tool_table(pyproject):
        return _load_chain(pyproject)
    return _load_chain(presets_dir() / "default.yaml")


def _has_tool_table(pyproject: Path) -> bool:
    try:
        text = pyproject.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return False
    # Most pyproject files never mention us: do not parse TOML just to learn that.
    return "poolaudit" in text and "poolaudit" in _parse_toml(text, pyproject).get("tool", {})


@dataclass
class _Doc:
    """One policy file as read: its data, and its text to find the line of a field."""

    path: Path
    text: str
    data: dict[str, Any]
    prefix: tuple[str, ...] = ()  # ("tool", "poolaudit") inside pyproject.toml

    def error(self, message: str, loc: tuple[Any, ...] = ()) -> PolicyError:
        full = self.prefix + tuple(loc)
        finder = _toml_line if self.path.suffix == ".toml" else _yaml_line
        return PolicyError(message, str(self.path), finder(self.text, full))


def _load_chain(path: Path) -> Policy:
    docs: list[_Doc] = []
    layers: list[dict[str, Any]] = []
    seen: list[Path] = []
    current: Path | None = path
    while current is not None:
        resolved = current.resolve()
        if resolved in seen:
            chain = " -> ".join(p.name for p in [*seen, resolved])
            raise PolicyError(f"extends: cycle ({chain})", str(current))
        seen.append(resolved)
        doc = _read(current)
        model = _validate(doc, doc.data)
        docs.append(doc)
        layers.append(_with_reasons(model.model_dump(exclude_unset=True), doc))
        current = _parent(doc, model.extends, resolved)
    merged: dict[str, Any] = {}
    for layer in reversed(layers):
        merged = _merge(merged, layer)
    merged.pop("extends", None)
    policy = _validate(docs[0], merged)
    policy._files = [str(doc.path) for doc in reversed(docs)]
    return policy


def _parent(doc: _Doc, extends: str | None, resolved: Path) -> Path | None:
    if extends is None:
        # A user policy refines the default; only the default itself stands alone.
        default = (presets_dir() / "default.yaml").resolve()
        return None if resolved == default else default
    if extends.lower() == "none":
        return None
    if extends in PRESETS:
        return presets_dir() / f"{extends}.yaml"
    if "/" in extends or "\\" in extends or extends.endswith((".yaml", ".yml", ".toml")):
        target = doc.path.parent / extends
        if not target.is_file():
            message = f"extends: policy file {extends!r} not found (relative to {doc.path.parent})"
            raise doc.error(message, ("extends",))
        return target
    message = f"extends: unknown preset {extends!r}; use {', '.join(PRESETS)}, none, or a path"
    raise doc.error(message, ("extends",))


def _read(path: Path) -> _Doc:
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise PolicyError("policy file is not UTF-8 text", str(path)) from None
    except OSError as exc:
        raise PolicyError(f"cannot read policy file: {exc.strerror or exc}", str(path)) from None
    if path.suffix == ".toml":
        data, prefix = _parse_toml(text, path), ()
        if path.name == "pyproject.toml":
            data, prefix = data.get("tool", {}).get("poolaudit"), ("tool", "poolaudit")
            if data is None:
                raise PolicyError("no [tool.poolaudit] table", str(path))
    else:
        data, prefix = _parse_yaml(text, path), ()
    if not isinstance(data, dict):
        raise PolicyError(f"a policy must be a mapping of fields, not {type(data).__name__}", str(path), 1)
    return _Doc(path, text, data, prefix)


def _parse_yaml(text: str, path: Path) -> Any:
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        data = yaml.load(text, Loader=loader)  # noqa: S506 - a safe loader
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        problem = getattr(exc, "problem", None) or str(exc)
        raise PolicyError(f"invalid YAML: {problem}", str(path), mark.line + 1 if mark else None) from None
    return {} if data is None else data


def _parse_toml(text: str, path: Path) -> dict[str, Any]:
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10
        import tomli as tomllib  # type: ignore[no-redef]
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        found = re.search(r"\(at line (\d+)", str(exc))
        message = re.sub(r"\s*\(at line \d+, column \d+\)", "", str(exc))
        line = int(found.group(1)) if found else None
        raise PolicyError(f"invalid TOML: {message}", str(path), line) from None


def _validate(doc: _Doc, data: dict[str, Any]) -> Policy:
    try:
        return Policy.model_validate(data)
    except ValidationError as exc:
        errors = exc.errors()
        first = errors[0]
        loc = _data_loc(data, first["loc"], first["type"] == "missing")
        message = _message(first, [*doc.prefix, *loc])
        if len(errors) > 1:
            message += f" (and {len(errors) - 1} more error{'s' if len(errors) > 2 else ''})"
        raise doc.error(message, tuple(loc)) from None


def _data_loc(data: Any, loc: tuple[Any, ...], missing: bool) -> list[Any]:
    """The error's location as keys of the data: drops pydantic's union and key tags."""
    kept: list[Any] = []
    node = data
    for i, part in enumerate(loc):
        if isinstance(node, dict) and part in node:
            node = node[part]
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            node = node[part]
        elif missing and i == len(loc) - 1:
            pass  # the field that is missing: name it, though it is not in the data
        else:
            continue  # "int", "dict[str,str]", "[key]", "function-after[...]"
        kept.append(part)
    return kept


def _message(error: Any, loc: list[Any]) -> str:
    where = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in loc).lstrip(".") or "policy"
    text = str(error["msg"]).removeprefix("Value error, ")
    if error["type"] == "extra_forbidden" and loc:
        close = difflib.get_close_matches(str(loc[-1]), _field_names(), n=1)
        text = "unknown field" + (f" (did you mean {close[0]!r}?)" if close else "")
    return f"{where}: {text}"


def _field_names() -> list[str]:
    models = (
        Policy, Pools, Override, BoundsModel, Service, Database, Pooler, Capacity, Replicas, Processes, Traffic,
    )  # fmt: skip
    return sorted({name for model in models for name in model.model_fields})


def _with_reasons(layer: dict[str, Any], doc: _Doc) -> dict[str, Any]:
    """Give every bound this layer sets a reason of its own (its `reason`, else where it is set),
    so that merging layers keeps each bound's reason with its value."""
    pools = layer.get("pools")
    if not isinstance(pools, dict):
        return layer
    blocks = [("pools", pools)]
    for section in ("environments", "frameworks"):
        blocks += [(f"pools.{section}.{name}", block) for name, block in pools.get(section, {}).items()]
    blocks += [(f"pools.overrides[{i}]", block) for i, block in enumerate(pools.get("overrides", []))]
    for where, block in blocks:
        given = block.get("reason")
        reasons = {}
        for bound in BOUND_FIELDS:
            if bound not in block:
                continue
            text = given if isinstance(given, str) else (given or {}).get(bound)
            reasons[bound] = text or f"{doc.path.name}: {where}.{bound}"
        block["reason"] = reasons
    return layer


def _merge(base: dict[str, Any], over: dict[str, Any], where: str = "") -> dict[str, Any]:
    merged = dict(base)
    for key, value in over.items():
        here = f"{where}.{key}" if where else key
        if here == "pools.overrides":
            merged[key] = [*base.get(key, []), *value]  # later entries win: the child's come last
        elif isinstance(value, dict) and isinstance(base.get(key), dict):
            merged[key] = _merge(base[key], value, here)
        else:
            merged[key] = value
    return merged


def _yaml_line(text: str, loc: tuple[Any, ...]) -> int | None:
    """The line of the deepest key of `loc` that the YAML text holds (PyYAML compose marks)."""
    import yaml

    try:
        node = yaml.compose(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError:
        return None
    if node is None:
        return None
    line = node.start_mark.line + 1
    for part in loc:
        if isinstance(node, yaml.MappingNode):
            match = next(((k, v) for k, v in node.value if getattr(k, "value", None) == str(part)), None)
            if match is None:
                break
            line, node = match[0].start_mark.line + 1, match[1]
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
            node = node.value[part]
            line = node.start_mark.line + 1
        else:
            break
    return line


_TOML_HEADER = re.compile(r"\s*(\[\[?)([^\]]+)\]")
_TOML_KEY = re.compile(r"\s*((?:[\w-]+|\"[^\"]*\"|'[^']*')(?:\s*\.\s*(?:[\w-]+|\"[^\"]*\"|'[^']*'))*)\s*=")
_TOML_PART = re.compile(r"\"([^\"]*)\"|'([^']*)'|([\w-]+)")


def _toml_line(text: str, loc: tuple[Any, ...]) -> int | None:
    """The line of the deepest key of `loc` in TOML text: tomllib keeps no positions, so the
    table headers and keys are followed by a text search."""
    target = [str(part) for part in loc]
    best, best_depth = None, 0
    table: list[str] = []
    arrays: dict[tuple[str, ...], int] = {}
    for number, line in enumerate(text.splitlines(), 1):
        header = _TOML_HEADER.match(line)
        key = None if header else _TOML_KEY.match(line)
        if header:
            table = [a or b or c for a, b, c in _TOML_PART.findall(header.group(2))]
            if header.group(1) == "[[":
                index = arrays[tuple(table)] = arrays.get(tuple(table), -1) + 1
                table = [*table, str(index)]
            path = table
        elif key:
            path = table + [a or b or c for a, b, c in _TOML_PART.findall(key.group(1))]
        else:
            continue
        depth = 0
        for mine, wanted in zip(path, target):
            if mine != wanted:
                break
            depth += 1
        if depth > best_depth:
            best, best_depth = number, depth
    return best


# -- bounds -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Bounds:
    """The bounds one pool must meet, each with the reason the policy gives for it."""

    environment: str  # the environment whose bounds apply
    assumed: bool = False  # the settings named no environment; `environment` was assumed
    min_size: int | None = None
    max_size: int | None = None
    min_overflow: int | None = None
    acquire_timeout_max: float | None = None
    require_acquire_timeout: bool = False
    require_recycle: bool = False
    recommended_size: int | None = None
    reasons: dict[str, str] = field(default_factory=dict)
    ignore: frozenset[str] = frozenset()  # rule codes the matching blocks switch off

    def reason(self, bound: str) -> str:
        return self.reasons.get(bound, "")


def bounds(policy: Policy, setting: Setting, assume: bool = True) -> Bounds:
    """Layers, later winning: `pools`, `pools.frameworks[fw]`, `pools.environments[env]`, then
    every matching override in order.  A setting of no environment gets the bounds of
    `assume_environment` unless `assume` is False (the check passes False for a base value
    that the assumed environment overrides elsewhere)."""
    pools = policy.pools
    environment, assumed = setting.environment, False
    if environment == "any" and "any" not in pools.environments and assume:
        environment = pools.assume_environment
        assumed = environment != "any"
    layers: list[BoundsModel] = [pools]
    if setting.framework in pools.frameworks:
        layers.append(pools.frameworks[setting.framework])
    if environment in pools.environments:
        layers.append(pools.environments[environment])  # type: ignore[index]
    layers += [o for o in pools.overrides if _matches(o, setting, environment)]
    values: dict[str, Any] = {}
    reasons: dict[str, str] = {}
    ignore: set[str] = set()
    for layer in layers:
        for bound in BOUND_FIELDS:
            if bound in layer.model_fields_set:
                values[bound] = getattr(layer, bound)
                given = layer.reason
                reasons[bound] = given if isinstance(given, str) else (given or {}).get(bound, "")
        ignore.update(layer.ignore)
    for flag in ("require_acquire_timeout", "require_recycle"):
        values[flag] = bool(values.get(flag))
    return Bounds(environment, assumed, reasons=reasons, ignore=frozenset(ignore), **values)


def _matches(override: Override, setting: Setting, environment: str) -> bool:
    wanted = override.environments
    if wanted and environment not in wanted and setting.environment not in wanted:
        return False
    if override.frameworks and setting.framework not in override.frameworks:
        return False
    return not override.services or any(_glob(setting.service, setting.path, g) for g in override.services)


def _glob(service: str, path: str, pattern: str) -> bool:
    """A glob on the service name, or on the path (a folder matches every file below it)."""
    if fnmatchcase(service, pattern) or fnmatchcase(path, pattern):
        return True
    folder = pattern.rstrip("/")
    if fnmatchcase(path, folder + "/*"):
        return True
    return pattern.startswith("**/") and _glob(service, path, pattern[3:])


def service_name(policy: Policy, folder: str, default: str) -> str:
    """A service's reported name: `services: {glob: {name: ...}}` renames folders (glob on the
    folder's path relative to the root, or on its default name)."""
    for pattern, entry in policy.services.items():
        if entry.name and (fnmatchcase(folder, pattern) or fnmatchcase(default, pattern)):
            return entry.name
    return default
