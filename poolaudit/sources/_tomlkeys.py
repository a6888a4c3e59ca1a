"""Which keys of a TOML file may hold a pool setting, decided from tomllib's data alone: the
TOML source runs its position scanner only for files that hold one (most TOML files, and
`pyproject.toml` above all, hold none)."""

from __future__ import annotations

import re
from typing import Any

from poolaudit.catalog import KeyInfo, normalize
from poolaudit.envnames import classify_env_var
from poolaudit.sources import _appkeys
from poolaudit.sources._tomlscan import Path

# Rocket profiles: `release` is what a release build (production) runs, `debug` a dev build.
ROCKET_PROFILES = {
    "default": None,
    "global": None,
    "debug": "development",
    "release": "production",
}
_ROCKET_KEYS = {
    "timeout": KeyInfo("acquire_timeout", "s"),  # rocket_sync_db_pools: wait for a connection
    "idle_timeout": KeyInfo("idle_timeout", "s"),  # rocket_db_pools
    # rocket_db_pools: "seconds to wait for a connection before timing out ... made or retrieved
    # from a pool" (contrib/db_pools config.rs); its sqlx pools take it as acquire_timeout and its
    # deadpool pools as the wait timeout.
    "connect_timeout": KeyInfo("acquire_timeout", "s"),
}
# Tables of environment variables (fly.toml `[env]`): their keys are read as env var names.
_ENV_TABLES = frozenset({"env", "environment"})
_ENV_NAME = re.compile(r"[A-Z][A-Z0-9_]*")


def variables(data: dict[str, Any]) -> set[Path]:
    """The variables a table of environment variables sets (fly.toml `[env] DB_POOL_SIZE =
    "20"`): values for the placeholders of the service's other files, as an env file's are."""
    found: set[Path] = set()
    for table, node in data.items():
        if table.lower() in _ENV_TABLES and isinstance(node, dict):
            for name, value in node.items():
                if _ENV_NAME.fullmatch(name) and isinstance(value, (str, int, float)):
                    found.add((table, name))
    return found


def candidates(data: dict[str, Any], stem: str, rocket: bool) -> set[Path]:
    """The key paths of scalars that may be reported: a pool key, or a string that is a database
    URL.  `_settings` returns nothing for every other scalar, so the scanner's other finds are
    skipped."""
    found: set[Path] = set()
    stack: list[tuple[Path, Any]] = [((), data)]
    while stack:
        path, node = stack.pop()
        for key, value in node.items() if isinstance(node, dict) else enumerate(node):
            if isinstance(value, (dict, list)):
                stack.append(((*path, key), value))
            elif isinstance(key, str):  # array elements are never settings
                keys = (*path, key)
                names = [k for k in keys if isinstance(k, str)]
                if names[:2] == ["tool", "poolaudit"]:
                    continue
                info, _, url_name = key_info(tuple(names), stem, rocket)
                if info is not None:
                    found.add(keys)
                elif isinstance(value, str):
                    # Without a colon there is no scheme: the key's name alone decides (cached).
                    if ":" in value:
                        url_name = _appkeys.is_database_url(".".join(names), value)
                    if url_name:
                        found.add(keys)
    return found


# (names, stem, Rocket.toml?) -> key_info's answer; the same keys recur in every service.
_KEY_INFO: dict[tuple[tuple[str, ...], str, bool], tuple[KeyInfo | None, bool, bool]] = {}


def key_info(
    names: tuple[str, ...], stem: str, rocket_file: bool
) -> tuple[KeyInfo | None, bool, bool]:
    """The pool setting the key `names` holds (or None), whether it is a Rocket pool's, and
    whether a value without a URL scheme is a database URL by the key's name alone."""
    cached = _KEY_INFO.get((names, stem, rocket_file))
    if cached is not None:
        return cached
    rocket = (
        len(names) == 4
        and normalize(names[1]) == "databases"
        and (rocket_file or names[0].lower() in ROCKET_PROFILES)
    )
    if len(names) == 2 and names[0].lower() in _ENV_TABLES and _ENV_NAME.fullmatch(names[1]):
        info = classify_env_var(names[1])  # fly.toml `[env] POOL_SIZE = "10"`: an env var's name
    elif rocket and names[-1].lower() in _ROCKET_KEYS:
        info = None if _appkeys.is_excluded(list(names[2:3])) else _ROCKET_KEYS[names[-1].lower()]
    else:
        info = _appkeys.classify(list(names[:-1]), names[-1], (stem,))
    if len(_KEY_INFO) >= 8192:  # a bound for huge monorepos; refilling is cheap
        _KEY_INFO.clear()
    url_name = _appkeys.is_database_url(".".join(names), "")
    _KEY_INFO[(names, stem, rocket_file)] = answer = (info, rocket, url_name)
    return answer


def names_other_service(data: dict[str, Any], table: Path) -> bool:
    """A table whose own `url` is a Redis/AMQP/HTTP URL holds that service's pool, whatever the
    table is called (`[default.databases.sessions] url = "redis://..."` in Rocket.toml)."""
    node: Any = data
    for key in table:
        node = node[key]
    if not isinstance(node, dict):
        return False
    for name in ("url", "uri", "dsn"):
        url = node.get(name)
        if isinstance(url, str) and "://" in url and not _appkeys.is_database_url("db", url):
            return True
    return False
