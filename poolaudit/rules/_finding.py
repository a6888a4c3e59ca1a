"""How rules word and build a finding about a setting: the key as people know it, the value with
where it came from, masked, and the policy's environment."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from poolaudit.model import Finding, Provenance, Setting, Severity, Value
from poolaudit.sources._values import mask_secrets

if TYPE_CHECKING:
    from poolaudit.policy import Bounds

TIMES = frozenset({"acquire_timeout", "idle_timeout", "max_lifetime", "recycle"})

# Deployment layers set a pool's variables; the pool itself is defined elsewhere (code, app
# config), so "the pool has no X" cannot be judged from them.  PgBouncer's pools are the
# server side of a pooler, with their own timeouts (query_wait_timeout), not a client pool.
LAYERS = frozenset({"env", "compose", "k8s", "kubernetes", "helm", "pydantic-settings", "dotenv", "pgbouncer"})

# A source's note that a setting does nothing (Flask-SQLAlchemy 3 dropped SQLALCHEMY_POOL_SIZE ...).
DEAD = re.compile(r"(?i)\b(ignored|not bound|never bound|no effect|not read|never read|unused|removed in)\b")

_KEY_SPLIT = re.compile(r"[.\[\]\"'?&;]+")
_GENERIC = frozenset({"timeout", "max", "min", "size", "maxsize", "minsize", "overflow", "recycle", "lifetime"})


def key_name(setting: Setting) -> str:
    """`spring.datasource.hikari.maximum-pool-size` -> `maximum-pool-size`;
    `env[name=DB_POOL_SIZE].value` -> `DB_POOL_SIZE`; `database.pool.timeout` -> `pool.timeout`."""
    parts = [p.strip() for p in _KEY_SPLIT.split(setting.key) if p.strip()]
    if not parts:
        return setting.key
    if len(parts) > 1 and parts[-1] == "value" and parts[-2].startswith("name="):
        return parts[-2][5:]
    if len(parts) > 1 and parts[-1].lower() in _GENERIC:
        return f"{parts[-2]}.{parts[-1]}"
    return parts[-1]


def dead(setting: Setting) -> bool:
    """The source notes that the library ignores this setting (PA108 reports it)."""
    note = setting.note
    return bool(note) and setting.provenance is not Provenance.UNRESOLVED and DEAD.search(note or "") is not None


def number(value: Value) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def shown(text: str, limit: int = 60) -> str:
    text = mask_secrets(" ".join(text.split()))
    return text if len(text) <= limit else text[: limit - 3] + "..."


def value_text(setting: Setting) -> str:
    if setting.canonical in TIMES and isinstance(setting.value, (int, float)):
        return f"{number(setting.value)} s"
    return number(setting.value)


def describe(setting: Setting) -> str:
    """`maximum-pool-size is 4`, with where the value comes from when it is not a literal."""
    key = key_name(setting)
    if setting.provenance is Provenance.LIBRARY_DEFAULT:
        return f"{key} uses the library default {value_text(setting)}"
    if setting.provenance is Provenance.ENV_FILE:
        return f"{key} is {value_text(setting)} ({setting.env_var} set in {setting.env_file})"
    if setting.provenance is Provenance.ENV_DEFAULT:
        return f"{key} is {value_text(setting)} (default of {shown(setting.raw)})"
    raw = shown(setting.raw).strip("\"'")
    text = value_text(setting)
    if raw.replace(" ", "") in (text.replace(" ", ""), number(setting.value)):
        return f"{key} is {text}"
    return f"{key} is {raw} ({text})"


def assumed(bounds: Bounds) -> str:
    """A tail for messages whose bound comes from an assumed environment."""
    return f" (no environment named; {bounds.environment} assumed)" if bounds.assumed else ""


def numeric(setting: Setting) -> bool:
    """A live setting with a number to compare (dead settings are PA108's alone)."""
    return isinstance(setting.value, (int, float)) and not isinstance(setting.value, bool) and not dead(setting)


def defines_pool(pool: list[Setting]) -> bool:
    """True when these settings define a client pool (a live size setting, even a library
    default, outside env files and manifests that only feed it variables)."""
    return any(
        s.canonical == "max_size" and s.kind != "env" and s.framework not in LAYERS and not dead(s) for s in pool
    )


def anchor(pool: list[Setting]) -> Setting:
    """The setting a pool-level finding is reported at: its size, else its first setting."""
    return next((s for s in pool if s.canonical == "max_size"), pool[0])


def make(
    code: str,
    name: str,
    severity: Severity,
    setting: Setting,
    message: str,
    expected: Value = None,
    fix_to: Value = None,
) -> Finding:
    return Finding(
        code=code,
        name=name,
        severity=severity,
        message=message,
        path=setting.path,
        line=setting.line,
        column=setting.column,
        setting=setting,
        expected=expected,
        fix_to=fix_to,
    )
