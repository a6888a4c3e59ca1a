"""The catalogue of pool-setting spellings in configuration files and environment variables.

One place knows that `maximum-pool-size`, `maximumPoolSize`, `MAXIMUMPOOLSIZE`, `pool`,
`max_connections` and `DB_POOL_SIZE` all mean "the pool's size", and which surrounding
names make a key a *database* pool (and not a thread, HTTP, Redis or Celery pool).
See ../shared/reference/pool-settings.md for the sources of every entry.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class KeyInfo:
    canonical: str
    unit: str | None = None  # "ms" / "s" for times written as bare numbers; "duration" when a string
    framework: str | None = None  # when the key itself names the framework


def env_framework(info: KeyInfo, layer: str) -> str:
    """The framework an env-var setting is reported under: the deployment layer that sets it
    (env, compose, k8s), unless the variable configures a separate program: PgBouncer's image
    variables are PgBouncer's pool, checked against `pools.frameworks.pgbouncer`."""
    return info.framework if info.framework == "pgbouncer" else layer


@functools.lru_cache(maxsize=4096)
def normalize(key: str) -> str:
    """Spring relaxed binding: case, dashes and underscores do not matter."""
    return key.replace("-", "").replace("_", "").lower()


# Leaf keys (normalized) of JVM pools, under spring.datasource.<pool>.*, datasources.<name>.*,
# quarkus.datasource[.name].jdbc|reactive.*, hibernate.hikari.*, hikari.properties.
HIKARI = {
    "maximumpoolsize": KeyInfo("max_size"),
    "minimumidle": KeyInfo("min_idle"),
    "connectiontimeout": KeyInfo("acquire_timeout", "ms"),
    "idletimeout": KeyInfo("idle_timeout", "ms"),
    "maxlifetime": KeyInfo("recycle", "ms"),
}
TOMCAT_DBCP = {
    "maxactive": KeyInfo("max_size"),  # Tomcat JDBC, DBCP 1
    "maxtotal": KeyInfo("max_size"),  # DBCP2
    "minidle": KeyInfo("min_idle"),
    "maxwait": KeyInfo("acquire_timeout", "ms"),
    "maxwaitmillis": KeyInfo("acquire_timeout", "ms"),
    "maxpoolsize": KeyInfo("max_size"),  # Oracle UCP
    "minpoolsize": KeyInfo("min_idle"),
}
QUARKUS = {
    "maxsize": KeyInfo("max_size"),
    "minsize": KeyInfo("min_idle"),
    "acquisitiontimeout": KeyInfo("acquire_timeout", "s"),  # Duration; a bare number is seconds
    "maxlifetime": KeyInfo("recycle", "s"),
    # Agroal reaps connections idle longer than this (default 5M): the pool's idle timeout.
    "idleremovalinterval": KeyInfo("idle_timeout", "s"),
}
R2DBC = {  # spring.r2dbc.pool.*: java.time.Duration properties, a bare number is milliseconds
    "maxsize": KeyInfo("max_size"),
    "minidle": KeyInfo("min_idle"),
    "maxacquiretime": KeyInfo("acquire_timeout", "ms"),
    "maxidletime": KeyInfo("idle_timeout", "ms"),
    "maxlifetime": KeyInfo("recycle", "ms"),
}
# spring.datasource.<pool>.*: which table reads the keys of each pool Spring Boot can configure.
SPRING_POOLS = {"hikari": HIKARI, "tomcat": TOMCAT_DBCP, "dbcp2": TOMCAT_DBCP, "oracleucp": TOMCAT_DBCP}
DROPWIZARD = {
    "maxsize": KeyInfo("max_size"),
    "minsize": KeyInfo("min_idle"),
    "maxwaitforconnection": KeyInfo("acquire_timeout", "s"),
    "maxconnectionage": KeyInfo("recycle", "s"),
    "minidletime": KeyInfo("idle_timeout", "s"),  # Tomcat's minEvictableIdleTime; `1 minute`
}
RAILS = {
    "pool": KeyInfo("max_size"),
    "maxconnections": KeyInfo("max_size"),  # Rails 8.1 name for `pool`
    "minconnections": KeyInfo("min_idle"),
    "checkouttimeout": KeyInfo("acquire_timeout", "s"),
    "idletimeout": KeyInfo("idle_timeout", "s"),
    "maxage": KeyInfo("recycle", "s"),  # Rails 8.1: a connection's maximum age
}
# Application config tables/blocks ([database], database:, db.pool.*): Python/Rust/Go style.
APP = {
    "poolsize": KeyInfo("max_size"),
    "pool": KeyInfo("max_size"),
    "size": KeyInfo("max_size"),  # only directly under a `pool` block
    "maxsize": KeyInfo("max_size"),
    "maxpoolsize": KeyInfo("max_size"),
    "poolmax": KeyInfo("max_size"),
    "poolmaxsize": KeyInfo("max_size"),
    "max": KeyInfo("max_size"),  # only directly under a `pool` block
    "maxconnections": KeyInfo("max_size"),
    "maxconns": KeyInfo("max_size"),
    "maxopenconns": KeyInfo("max_size"),
    "maxopenconn": KeyInfo("max_size"),  # Grafana [database] max_open_conn (Go SetMaxOpenConns)
    "maxoverflow": KeyInfo("overflow"),
    "poolmaxoverflow": KeyInfo("overflow"),
    "overflow": KeyInfo("overflow"),
    "minsize": KeyInfo("min_idle"),
    "min": KeyInfo("min_idle"),  # only directly under a `pool` block
    "minpoolsize": KeyInfo("min_idle"),
    "poolmin": KeyInfo("min_idle"),
    "poolminsize": KeyInfo("min_idle"),  # Keycloak CR spec.db.poolMinSize (beside poolMaxSize)
    "minconnections": KeyInfo("min_idle"),
    "minconns": KeyInfo("min_idle"),
    "minidle": KeyInfo("min_idle"),
    "pooltimeout": KeyInfo("acquire_timeout", "s"),
    "acquiretimeout": KeyInfo("acquire_timeout", "s"),
    "timeout": KeyInfo("acquire_timeout", "s"),  # only directly under a `pool` block
    # Only directly under a `pool` block: Apereo CAS `…jpa.pool.max-wait=PT2S` (CAS 5: `2000`,
    # milliseconds, as Tomcat/DBCP's maxWait).
    "maxwait": KeyInfo("acquire_timeout", "ms"),
    "poolrecycle": KeyInfo("recycle", "s"),
    # Go database/sql as apps spell it (Gitea, Grafana, Go services' config.yaml):
    # SetConnMaxLifetime / SetConnMaxIdleTime; values are seconds or Go durations (`30m`).
    "connmaxlifetime": KeyInfo("recycle", "s"),
    "connmaxidletime": KeyInfo("idle_timeout", "s"),
    # pgx's own field names (pgxpool.Config MaxConnLifetime/MaxConnIdleTime) as Go services and
    # Temporal's persistence config (`maxConnLifetime: "1h"`) spell them.
    "maxconnlifetime": KeyInfo("recycle", "s"),
    "maxconnidletime": KeyInfo("idle_timeout", "s"),
    # Hasura's pool_settings, Npgsql/SqlClient `Connection Lifetime`: a connection's maximum age.
    "connectionlifetime": KeyInfo("recycle", "s"),
    "idletimeout": KeyInfo("idle_timeout", "s"),  # sqlx, rocket_db_pools, knex-style blocks
    "recycle": KeyInfo("recycle", "s"),  # only directly under a `pool` block
    "poolprepping": KeyInfo("pre_ping"),
    "prepping": KeyInfo("pre_ping"),
    "poolpreping": KeyInfo("pre_ping"),  # normalize("pool_pre_ping"): one p
    "preping": KeyInfo("pre_ping"),  # only directly under a `pool` block
}
# Generic words that mean a pool setting only when their parent is literally `pool`.
POOL_BLOCK_ONLY = {"size", "max", "min", "timeout", "recycle", "prepping", "overflow", "preping", "maxwait"}

# Names whose presence in a key path (or an env var) makes it a database pool.
DB_WORDS = {
    "database", "databases", "db", "datasource", "datasources", "jdbc", "postgres", "postgresql",
    "pg", "psql", "mysql", "mariadb", "sql", "sqlalchemy", "hikari", "tomcat", "dbcp", "dbcp2",
    "oracleucp", "mongo", "mongodb", "sqlx", "diesel", "rdb", "rds", "primary", "replica",
    "orm", "sequelize", "knex", "prisma", "typeorm", "ecto", "repo", "dsn",
    "jpa",  # Apereo CAS cas.ticket.registry.jpa.pool.max-size: a JPA datasource's pool
    *("pgbouncer", "pooler", "supavisor", "pgcat", "odyssey"),  # connection poolers' own pools
    "alchemy",  # pydantic env_prefix="ALCHEMY_" for SQLAlchemy settings: ALCHEMY_POOL_SIZE
}
# Names that make a pool clearly *not* a database pool (unless the policy opts in).
NOT_DB_WORDS = {
    "redis", "http", "https", "httpx", "urllib3", "requests", "thread", "threads", "threadpool",
    "executor", "executors", "celery", "worker", "workers", "concurrency", "cache", "memcached",
    "kafka", "amqp", "rabbit", "rabbitmq", "grpc", "tomcatthreads", "server", "undertow",
    "jetty", "netty", "sidekiq", "queue", "smtp", "mail", "ldap", "elasticsearch", "es",
    "s3", "aws", "process", "processes", "gunicorn", "uvicorn", "puma", "web",
    "task", "tasks", "execution", "scheduling", "scheduler",
}

_WORD = re.compile(r"[A-Z]?[a-z0-9]+|[A-Z0-9]+(?![a-z])")


def words(key: str) -> list[str]:
    """`spring.datasource.hikari.maximumPoolSize` -> [spring, datasource, hikari, maximum, pool, size]."""
    return [w.lower() for w in _WORD.findall(key)]


def segment_words(segments: list[str]) -> set[str]:
    found: set[str] = set()
    for segment in segments:
        found.add(normalize(segment))
        found.update(words(segment))
    return found


def is_excluded(segments: list[str], include: frozenset[str] = frozenset()) -> bool:
    """True when a key path names a non-database pool (`[redis] pool_size`, `http.pool.max`)."""
    found = segment_words(segments)
    return any(w in NOT_DB_WORDS and w not in include for w in found)


# --------------------------------------------------------------------- environment variables

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
