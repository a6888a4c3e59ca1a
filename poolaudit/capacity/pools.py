"""The pools each process of a service opens, with the values in force for one runner.

A pool is what a source reports as one (same file and `pool` id), as the check groups them:
a base file's pool and its environment's override are one pool (the override wins per setting).
A pool reading a variable (`os.getenv("DB_POOL_SIZE", "10")`, `${DB_POOL_SIZE:10}`) takes the
value the runner's own environment sets (its Deployment's `env`, its compose service, env
files), else the default written in place.  Variables that deployment files set for a pool no
code of the service shows (a Go or Node service) count as that runner's pool.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from poolaudit.capacity.records import EnvValue, Pool, Runner
from poolaudit.model import Provenance, Setting
from poolaudit.rules._finding import LAYERS, dead, key_name
from poolaudit.sources._values import UrlParam, parse_number, url_pool_params

if TYPE_CHECKING:
    from poolaudit.policy import Policy

OVERFLOW_DEFAULTS = {"sqlalchemy": 10, "flask-sqlalchemy": 10}  # SQLAlchemy QueuePool max_overflow
_SIZED = ("max_size", "overflow", "pool_class")


@dataclass
class PoolSettings:
    """One pool's settings as found, for one environment (override merged over base)."""

    service: str
    path: str
    pool: str
    framework: str
    settings: dict[str, Setting] = field(default_factory=dict)  # canonical -> setting


@dataclass
class Catalog:
    """The checked settings of every service, indexed for the capacity arithmetic."""

    readers: dict[str, list[Setting]] = field(default_factory=lambda: defaultdict(list))
    layers: dict[str, list[Setting]] = field(default_factory=lambda: defaultdict(list))
    at: dict[tuple[str, int, str], list[Setting]] = field(default_factory=lambda: defaultdict(list))

    def written_at(self, path: str, line: int, canonical: str) -> Setting | None:
        """The setting reported where a value is written: what a fix edits."""
        found = self.at.get((path, line, canonical), [])
        return next((s for s in found if is_layer(s)), found[0] if found else None)


def is_layer(setting: Setting) -> bool:
    return setting.kind == "env" or setting.framework in LAYERS


def catalog(settings: Iterable[Setting], policy: Policy) -> Catalog:
    from poolaudit.check import OPT_IN
    from poolaudit.resolve import is_documentation

    skip = set(policy.pools.skip_environments)
    included = set(policy.include)
    kept = [
        s for s in settings
        if s.canonical in _SIZED and not s.migration_only and s.environment not in skip and not dead(s)
        and not (s.framework in OPT_IN and s.framework not in included)
        and not (s.kind == "env" and is_documentation(s.path)) and s.framework != "pgbouncer"
    ]  # fmt: skip
    # A value inherited by named environments (a Rails `default:` anchor) belongs to them.
    named = {(s.path, s.line, s.column, s.canonical) for s in kept if s.environment != "any"}
    out = Catalog()
    for s in kept:
        if s.environment == "any" and (s.path, s.line, s.column, s.canonical) in named:
            continue
        (out.layers if is_layer(s) else out.readers)[s.service].append(s)
        out.at[(s.path, s.line, s.canonical)].append(s)
    return out


def pool_settings(cat: Catalog, service: str, environment: str) -> list[PoolSettings]:
    """The service's pools in `environment`: its own and those of no environment (a base file's
    pool that the environment's file overrides is merged into that override)."""
    groups: dict[tuple[str, str, str], PoolSettings] = {}
    for s in cat.readers.get(service, []):
        if s.environment not in (environment, "any"):
            continue
        key = (s.path, s.pool, s.environment)
        group = groups.setdefault(key, PoolSettings(service, s.path, s.pool, s.framework))
        group.settings.setdefault(s.canonical, s)
    own = [g for (_, _, env), g in groups.items() if env == environment]
    families = {(g.framework, g.pool): g for g in own}
    out = list(own)
    for (_, _, env), group in groups.items():
        if env != "any":
            continue
        override = families.get((group.framework, group.pool))
        if override is not None and override.path != group.path:
            for canonical, s in group.settings.items():
                override.settings.setdefault(canonical, s)
        elif override is None:
            out.append(group)
    return [g for g in out if _pooled(g)]


def _pooled(group: PoolSettings) -> bool:
    """A size, and pooling not switched off (`poolclass=NullPool`: a connection per checkout)."""
    pool_class = group.settings.get("pool_class")
    return "max_size" in group.settings and (pool_class is None or pool_class.value is not False)


def for_runner(cat: Catalog, service: str, groups: list[PoolSettings], runner: Runner, count: int) -> list[Pool]:
    """The pools each process of `runner` opens, with the values its environment gives them."""
    pools = [_pool(g, runner.env, count) for g in groups]
    read = {s.env_var.upper() for s in cat.readers.get(service, []) if s.env_var}
    pools.extend(_orphans(cat, service, runner, read, bool(groups), count))
    return pools


def _pool(group: PoolSettings, env: dict[str, EnvValue], count: int) -> Pool:
    size_setting = group.settings["max_size"]
    size, size_from, size_var, size_at = _in_force(size_setting, env)
    if size == 0 and group.framework in OVERFLOW_DEFAULTS:
        size, size_from = None, f"{size_from}: 0 means no limit"
    over_setting = group.settings.get("overflow")
    if over_setting is not None:
        overflow, over_from, over_var, over_at = _in_force(over_setting, env)
    elif group.framework in OVERFLOW_DEFAULTS:
        overflow, over_from, over_var, over_at = OVERFLOW_DEFAULTS[group.framework], "SQLAlchemy default max_overflow 10", None, None
    else:
        overflow, over_from, over_var, over_at = 0, "", None, None
    has_overflow = over_setting is not None or group.framework in OVERFLOW_DEFAULTS
    return Pool(
        group.service, f"{group.path} {group.pool}", group.framework, size, overflow or 0, has_overflow, count,
        size_from, over_from, size_setting, over_setting, size_var, over_var, size_at, over_at,
    )  # fmt: skip


def _in_force(s: Setting, env: dict[str, EnvValue]) -> tuple[int | None, str, str | None, tuple[str, int] | None]:
    """(value, where it comes from, the variable the runner sets, (path, line) where written)."""
    var = s.env_var.upper() if s.env_var else None
    given = env.get(var) if var else None
    if given is None and s.env_var:
        given = env.get(s.env_var)
    if given is not None and _integer(given.text) is not None:
        return _integer(given.text), str(given), given.name, (given.path, given.line)
    value = s.value
    if s.provenance is Provenance.ENV_FILE and s.env_file and not _env_file(s.env_file):
        value = s.written  # set in a manifest of another runner: this one runs the default
        if value is not None:
            return _whole(value), f"default of {s.env_var} ({s.path}:{s.line})", None, (s.path, s.line)
    origin = s.origin
    at = (origin.path, origin.line) if origin is not None else (s.path, s.line)
    if s.provenance is Provenance.ENV_FILE:
        text = f"{s.env_var}={_shown(value)} ({s.env_file}:{origin.line if origin else s.line})"
    elif s.provenance is Provenance.ENV_DEFAULT:
        text = f"default of {s.env_var} ({s.path}:{s.line})"
    elif s.provenance is Provenance.LIBRARY_DEFAULT:
        text = f"library default ({s.path}:{s.line})"
    else:
        text = f"{key_name(s)} ({s.path}:{s.line})"
    return _whole(value), text, None, at


def _orphans(cat: Catalog, service: str, runner: Runner, read: set[str], has_code_pools: bool, count: int) -> list[Pool]:
    """Pool sizes a runner's environment sets that no code of the service reads visibly: a
    variable named like a pool setting the audit found in a deployment file, or whose value is
    written where the audit found one (a Helm values key a template turns into the variable)."""
    names = {key_name(s).upper(): s for s in cat.layers.get(service, []) if s.canonical in ("max_size", "overflow")}
    sizes: list[tuple[str, EnvValue | UrlParam]] = []
    overflows: list[tuple[str, EnvValue]] = []
    for name, value in runner.env.items():
        layer = names.get(name.upper()) or cat.written_at(value.path, value.line, "max_size") or cat.written_at(
            value.path, value.line, "overflow"
        )
        if layer is None or name.upper() in read or _integer(value.text) is None:
            if not has_code_pools and "://" in value.text:
                sizes.extend((name, param) for param in url_pool_params(value.text) if param.canonical == "max_size")
            continue
        (sizes if layer.canonical == "max_size" else overflows).append((name, value))
    out = []
    for i, (name, sized) in enumerate(sizes):
        if isinstance(sized, EnvValue):
            size, size_from, at = _integer(sized.text), str(sized), (sized.path, sized.line)
        else:  # a pool parameter inside a URL
            url = runner.env[name]
            size, size_from, at = _integer(sized.raw), f"{sized.key}={sized.raw} in {name} ({url.path}:{url.line})", (url.path, url.line)
        over = overflows[0][1] if overflows and i == 0 else None
        out.append(Pool(
            service, f"{runner.name} {name}", "env", size, _integer(over.text) or 0 if over else 0, over is not None, count,
            size_from, str(over) if over else "", None, None, name, over.name if over else None, at,
            (over.path, over.line) if over else None,
        ))  # fmt: skip
    return out


def _env_file(path: str) -> bool:
    name = path.rsplit("/", 1)[-1]
    return name.startswith(".env") or name.endswith(".env")


def _integer(text: str) -> int | None:
    number = parse_number(text.strip().strip("\"'"))
    return int(number) if isinstance(number, (int, float)) and float(number).is_integer() else None


def _whole(value: object) -> int | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return int(value) if float(value).is_integer() else None


def _shown(value: object) -> str:
    return str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)


