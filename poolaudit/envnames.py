"""Which environment variable names are pool settings: Spring's, Quarkus's and Micronaut's
relaxed binding (the variable *is* the property), role patterns (`DB_POOL_SIZE`,
`DATABASE_MAX_OVERFLOW`, `PG_POOL_MAX`, ...), bare names that mean a pool on their own
(`POOL_SIZE`, `MAX_CONN`), pooler images' variables, and server limits that are not pools.
Built on catalog.py's key tables and database words.
"""

from __future__ import annotations

import functools
import re

from poolaudit.catalog import (
    APP,
    DB_WORDS,
    HIKARI,
    NOT_DB_WORDS,
    POOL_BLOCK_ONLY,
    QUARKUS,
    TOMCAT_DBCP,
    KeyInfo,
)


@functools.cache
def _env_patterns() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str], list[tuple[re.Pattern[str], KeyInfo]]]:
    """The env var name patterns, compiled on first use: a run that reads no env files, .env or
    manifests (a hook run on application.yml) never needs them (~0.6 ms of a 120 ms run)."""
    # Spring and Quarkus relaxed-binding environment names: the env var *is* the property.
    spring = re.compile(r"SPRING_DATASOURCE_(HIKARI|TOMCAT|DBCP2|ORACLEUCP)_([A-Z0-9_]+)")
    quarkus = re.compile(r"QUARKUS_DATASOURCE_(?:_?[A-Z0-9]+__)?(JDBC|REACTIVE)_([A-Z0-9_]+)")
    micronaut = re.compile(r"DATASOURCES_[A-Z0-9]+_([A-Z0-9_]+)")
    # Roles in generic env var names, matched on the words after the database word.
    roles: list[tuple[re.Pattern[str], KeyInfo]] = [
        (re.compile(r"(^|_)(MAX_)?OVERFLOW$|(^|_)POOL_(MAX_)?OVERFLOW$"), KeyInfo("overflow")),
        (re.compile(r"(^|_)POOL_(PRE_)?PING$|(^|_)PRE_PING$"), KeyInfo("pre_ping")),
        (
            re.compile(
                r"(^|_)POOL_RECYCLE$|(^|_)CONN_MAX_AGE$|(^|_)CONN_MAX_LIFETIME$|(^|_)(POOL_)?MAX_CONN_LIFETIME$"
                r"|(^|_)CONN_LIFETIME$"  # Hasura HASURA_GRAPHQL_PG_CONN_LIFETIME
            ),
            KeyInfo("recycle", "s"),
        ),
        (re.compile(r"(^|_)CONN_MAX_IDLE_TIME$|(^|_)POOL_IDLE_TIMEOUT$"), KeyInfo("idle_timeout", "s")),
        (re.compile(r"(^|_)POOL_(ACQUIRE_|ACQUISITION_|CHECKOUT_)?TIMEOUT$|(^|_)(ACQUIRE|CHECKOUT)_TIMEOUT$"), KeyInfo("acquire_timeout", "s")),
        (re.compile(r"(^|_)(POOL_)?MIN(_POOL)?(_SIZE|_CONNS?|_CONNECTIONS|_IDLE)?$|(^|_)POOL_MIN(_SIZE)?$|(^|_)MIN_IDLE$"), KeyInfo("min_idle")),
        (
            re.compile(
                r"(^|_)POOL(_SIZE|_MAX(_SIZE)?|_MAX_CONNS|_MAXSIZE)?$|(^|_)MAX_POOL(_SIZE)?$|(^|_)MAXPOOLSIZE$"
                r"|(^|_)MAX_(OPEN_|DB_|DATABASE_|PG_)?CONN(S|ECTIONS?)?$|(^|_)CONNECTION_LIMIT$|(^|_)POOL_MAX_CONNS$"
                r"|(^|_)POOLING_MAX$"  # soketi DB_POOLING_MAX (knex pool.max)
                r"|(^|_)POOLSIZE$"  # one word: Paperless-ngx PAPERLESS_DB_POOLSIZE
                # A count of database connections, the database word right before it: Hasura's
                # HASURA_GRAPHQL_PG_CONNECTIONS, DB_CONNECTIONS (DB_CONNECTION, singular, is Laravel's driver).
                r"|(^|_)(PG|DB|DATABASE|SQL)_CONNECTIONS$"
            ),
            KeyInfo("max_size"),
        ),
    ]
    return spring, quarkus, micronaut, roles


_NESTED = re.compile(r"__+")

# A server's own `max_connections` as database images name it (sclorg and bitnami images:
# POSTGRESQL_MAX_CONNECTIONS, MYSQL_MAX_CONNECTIONS): the server's limit, not a client pool,
# wherever it is set (a `.env` that compose passes to the database container).
_SERVER_ENV = frozenset(
    f"{server}_MAX_CONNECTIONS" for server in ("POSTGRES", "POSTGRESQL", "MYSQL", "MARIADB", "PGSQL")
)

# Bare names that are pool variables on their own (no database word needed).
_BARE_ENV = {
    "POOL_SIZE": KeyInfo("max_size"),
    "MAX_POOL_SIZE": KeyInfo("max_size"),
    "MIN_POOL_SIZE": KeyInfo("min_idle"),
    "POOL_MAX_SIZE": KeyInfo("max_size"),
    "POOL_MIN_SIZE": KeyInfo("min_idle"),
    "POOL_MAX_OVERFLOW": KeyInfo("overflow"),
    "MAX_OVERFLOW": KeyInfo("overflow"),
    "POOL_TIMEOUT": KeyInfo("acquire_timeout", "s"),
    "POOL_RECYCLE": KeyInfo("recycle", "s"),
    "CONN_MAX_AGE": KeyInfo("recycle", "s"),
    "HIKARI_MAXIMUM_POOL_SIZE": KeyInfo("max_size", framework="spring"),
    # Names seen with no database word: MAX_CONN/MIN_CONN (Python settings), MAX_OPEN_CONNS
    # (Go database/sql SetMaxOpenConns).  Only these exact names: REDIS_MAX_CONN, WORKER_MAX_CONN,
    # MAX_CONNECTIONS_PER_HOST still need a database word (and have an excluding one).
    "MAX_CONN": KeyInfo("max_size"),
    "MIN_CONN": KeyInfo("min_idle"),
    "MAX_OPEN_CONNS": KeyInfo("max_size"),
    # PgBouncer container images generate pgbouncer.ini from these (bitnami: PGBOUNCER_ + the ini
    # key upper-cased; edoburu: the bare key).  Same meanings as the ini keys (sources/ini.py);
    # max_client_conn bounds clients, not a pool, and is not one of them.
    "PGBOUNCER_DEFAULT_POOL_SIZE": KeyInfo("max_size", framework="pgbouncer"),
    "PGBOUNCER_MIN_POOL_SIZE": KeyInfo("min_idle", framework="pgbouncer"),
    "PGBOUNCER_RESERVE_POOL_SIZE": KeyInfo("overflow", framework="pgbouncer"),
    "DEFAULT_POOL_SIZE": KeyInfo("max_size", framework="pgbouncer"),
}


# Poolers other than PgBouncer whose images take PgBouncer's names behind a prefix.
_POOLER_PREFIXES = frozenset({"POOLER", "SUPAVISOR", "PGCAT", "ODYSSEY"})
_GLUED_SECTIONS = frozenset(f"{word}{suffix}" for word in ("SQL", "DB", "DATABASE") for suffix in ("SETTINGS", "CONFIG"))


def _glued(parts: list[str]) -> KeyInfo | None:
    """Env names made from a JSON config's CamelCase keys with the words glued, the way
    Mattermost reads `SqlSettings.MaxOpenConns` from MM_SQLSETTINGS_MAXOPENCONNS: a database
    section, then a key spelled as the app-config catalogue spells it."""
    if not any(p in _GLUED_SECTIONS for p in parts[:-1]):
        return None
    leaf = parts[-1].lower()
    return None if leaf in POOL_BLOCK_ONLY else APP.get(leaf)


@functools.lru_cache(maxsize=4096)  # the same few names recur in every service of a monorepo
def classify_env_var(name: str, include: frozenset[str] = frozenset()) -> KeyInfo | None:
    """The pool setting an environment variable holds, or None.

    `DB_POOL_SIZE`, `DATABASE_MAX_OVERFLOW`, `PG_POOL_MAX`, `SQLALCHEMY_POOL_TIMEOUT`,
    `SPRING_DATASOURCE_HIKARI_MAXIMUMPOOLSIZE` are; `REDIS_POOL_MAX`, `THREAD_POOL_SIZE`,
    `WEB_CONCURRENCY` are not.
    """
    upper = name.upper()
    if upper in _BARE_ENV:
        return _BARE_ENV[upper]
    if upper in _SERVER_ENV:
        return None
    head, _, rest = upper.partition("_")
    if head in _POOLER_PREFIXES and f"PGBOUNCER_{rest}" in _BARE_ENV:
        return _BARE_ENV[f"PGBOUNCER_{rest}"]  # Supabase's POOLER_DEFAULT_POOL_SIZE: the pooler's own pool
    if upper.startswith("PGBOUNCER_"):
        # The image's other variables are the ini's other keys: PGBOUNCER_MAX_DB_CONNECTIONS
        # bounds the server side of every pool, as max_db_connections does (not reported).
        return None
    spring_env, quarkus_env, micronaut_env, roles = _env_patterns()
    spring = spring_env.fullmatch(upper)
    if spring:
        table = HIKARI if spring.group(1) == "HIKARI" else TOMCAT_DBCP
        info = table.get(spring.group(2).replace("_", "").lower())
        return KeyInfo(info.canonical, info.unit, "spring") if info else None
    quarkus = quarkus_env.fullmatch(upper)
    if quarkus:
        info = QUARKUS.get(quarkus.group(2).replace("_", "").lower())
        return KeyInfo(info.canonical, info.unit, "quarkus") if info else None
    micronaut = micronaut_env.fullmatch(upper)
    if micronaut:
        info = HIKARI.get(micronaut.group(1).replace("_", "").lower())
        return KeyInfo(info.canonical, info.unit, "micronaut") if info else None
    # `__` nests (Directus DB_POOL__MAX, Ghost database__pool__max, GITEA__database__X,
    # pydantic and ASP.NET): the roles read the name with single separators.
    upper = _NESTED.sub("_", upper)
    parts = upper.split("_")
    lowered = {p.lower() for p in parts}
    if any(p in NOT_DB_WORDS and p not in include for p in lowered):
        return None
    has_db = any(p in DB_WORDS for p in lowered) or any(p in include for p in lowered)
    if not has_db:
        return _glued(parts)
    for pattern, info in roles:
        if pattern.search(upper):
            return info
    return _with_time_suffix(upper, roles)


# A time role with its unit in the name: DATABASE_POOL_IDLE_TIMEOUT_MS (Unleash, node-postgres'
# idleTimeoutMillis), DB_POOL_TIMEOUT_SECONDS.
_TIME_SUFFIXES = {"_MS": "ms", "_MILLIS": "ms", "_MILLISECONDS": "ms", "_SECONDS": "s", "_SECS": "s", "_SEC": "s"}


def _with_time_suffix(upper: str, roles: list[tuple[re.Pattern[str], KeyInfo]]) -> KeyInfo | None:
    for suffix, unit in _TIME_SUFFIXES.items():
        if upper.endswith(suffix):
            stem = upper[: -len(suffix)]
            for pattern, info in roles:
                if pattern.search(stem):
                    return KeyInfo(info.canonical, unit) if info.unit is not None else None
            return None
    return None
