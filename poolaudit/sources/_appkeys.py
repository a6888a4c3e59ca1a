"""Which application-config keys (`[database] pool_size`, `db.pool.max`, `DATABASE_POOL_SIZE`)
and which URLs (`postgres://...?pool_max_conns=10`) are about a database pool.

Shared by the TOML, env, properties and INI sources: one place decides that `[db] max_connections`
is a pool size while `[http] pool_size`, `[redis.pool] max` and `server.tomcat.max-connections`
are not.
"""

from __future__ import annotations

import re

from poolaudit import catalog, envnames
from poolaudit.catalog import KeyInfo

# `tomcat` names a database pool only under `spring.datasource`; alone it is the web server
# (`server.tomcat.max-connections`), so it gives no database context to app-config keys.
_DB_WORDS = frozenset(catalog.DB_WORDS - {"tomcat"})
# Blocks that configure a connection pooler in front of the database (Helm values' `pgbouncer:`).
_POOLERS = frozenset({"pgbouncer", "pooler", "supavisor", "pgcat", "odyssey"})
# catalog.words splits upper-case names into letters ("DB" -> d, b); this keeps acronyms whole.
_WORD = re.compile(r"[A-Z]?[a-z0-9]+|[A-Z0-9]+(?![a-z])")


def words(name: str) -> list[str]:
    """`maximumPoolSize` -> [maximum, pool, size]; `DB_POOL_SIZE` -> [db, pool, size]."""
    return [w.lower() for w in _WORD.findall(name)]


def _decides(segment: str) -> bool | None:
    found = {catalog.normalize(segment), *words(segment)}
    if any(w in catalog.NOT_DB_WORDS for w in found):
        return False
    if any(w in _DB_WORDS for w in found):
        return True
    return None


def is_excluded(segments: list[str]) -> bool:
    """True when any name says "not a database" (`redis`, `http`, `threads` ...)."""
    return any(_decides(segment) is False for segment in segments)


def is_database(parents: list[str], leaf: str, context: tuple[str, ...] = ()) -> bool:
    """True when the nearest name that says anything says "database".

    Nearest wins so that `[tool.orders_worker.database] pool_size` is a database table (the
    service's name holds `worker`) while `[database.redis] pool_size` is not.  `context` holds
    outer names (the file's stem), consulted last.
    """
    for segment in (leaf, *reversed(parents), *reversed(context)):
        decided = _decides(segment)
        if decided is not None:
            return decided
    return False


def is_pool_block(name: str) -> bool:
    return catalog.normalize(name).endswith("pool")


def _within_pooler(parents: list[str]) -> bool:
    """Whether a connection pooler's block holds the key: `pgbouncer:`, `pgBouncer.config.global`,
    Zalando's `connectionPooler:` (a word of the name), up to the nearest name that says what
    else it is (`redis`, `database`)."""
    for segment in reversed(parents):
        found = {catalog.normalize(segment), *words(segment)}
        if found & _POOLERS:
            return True
        if _decides(segment) is not None:
            return False
    return False


def classify(parents: list[str], leaf: str, context: tuple[str, ...] = ()) -> KeyInfo | None:
    """The pool setting an app-config key holds, or None.

    Generic words (`size`, `max`, `timeout` ...) count only directly under a `pool` block;
    names that carry their own database word (`db_pool_size`, `DATABASE_MAX_CONNECTIONS`)
    are read like environment variables.
    """
    norm = catalog.normalize(leaf)
    info = catalog.APP.get(norm)
    generic = norm in catalog.POOL_BLOCK_ONLY
    if info is not None and generic and not (parents and is_pool_block(parents[-1])):
        info = None
    if info is None:
        leaf_words = words(leaf)
        if any(w in _DB_WORDS for w in leaf_words):
            info = envnames.classify_env_var("_".join(leaf_words).upper())
    pooler = _within_pooler(parents)
    if info is None and pooler:
        # PgBouncer's own keys wherever a pooler block nests them (an operator's
        # `pgBouncer.config.global.default_pool_size`); Airflow's chart: pgbouncer.metadataPoolSize.
        info = catalog.PGBOUNCER.get(norm) or (KeyInfo("max_size") if norm.endswith("poolsize") else None)
    if info is None or not is_database(parents, leaf, context):
        return None
    # A key of a pooler's block sizes the pooler's pool (PgBouncer's default_pool_size), not the app's.
    return KeyInfo(info.canonical, info.unit, "pgbouncer") if pooler else info


# ------------------------------------------------------------------------ database URLs

_DB_SCHEMES = frozenset(
    {
        "postgres",
        "postgresql",
        "pgsql",
        "psql",
        "pg",
        "postgis",
        "cockroachdb",
        "cockroach",
        "redshift",
        "timescaledb",
        "yugabytedb",
        "mysql",
        "mysqlx",
        "mariadb",
        "tidb",
        "mongodb",
        "mongo",
        "sqlserver",
        "mssql",
        "jdbc",
        "oracle",
        "db2",
        "crate",
        "sqlite",
        "sqlite3",
        "clickhouse",
        "prisma",
    }
)
_OTHER_SCHEMES = frozenset(
    {
        "redis",
        "rediss",
        "memcached",
        "amqp",
        "amqps",
        "kafka",
        "nats",
        "mqtt",
        "http",
        "https",
        "ws",
        "wss",
        "smtp",
        "smtps",
        "ldap",
        "ldaps",
        "s3",
        "gs",
        "file",
        "ftp",
        "sftp",
        "elasticsearch",
        "sentry",
        "statsd",
    }
)
_SCHEME = re.compile(r"\s*([A-Za-z][A-Za-z0-9+.\-]*):")


def is_database_url(name: str, value: str) -> bool:
    """True when `value` (held by a variable or key called `name`) is a database URL or DSN.

    A known scheme decides (`redis://` never is, whatever the name); without one, the name
    must hold a database word (`DATABASE_URL`, `PG_DSN`, `ConnectionStrings__Db`).
    """
    match = _SCHEME.match(value)
    if match is not None:
        first = re.split(r"[+.\-]", match.group(1).lower(), maxsplit=1)[0]
        if first in _DB_SCHEMES:
            return True
        if first in _OTHER_SCHEMES:
            return False
    name_words = words(name)
    if any(w in catalog.NOT_DB_WORDS for w in name_words):
        return False
    return any(w in _DB_WORDS for w in name_words) or "connectionstring" in catalog.normalize(name)
