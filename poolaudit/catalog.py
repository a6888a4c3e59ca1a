"""The catalogue of pool-setting spellings in configuration files and environment variables.

One place knows that `maximum-pool-size`, `maximumPoolSize`, `MAXIMUMPOOLSIZE`, `pool`,
`max_connections` and `DB_POOL_SIZE` all mean "the pool's size", and which surrounding
names make a key a *database* pool (and not a thread, HTTP, Redis or Celery pool).  Environment
variable names are read by envnames.py from these tables.  See
../shared/reference/pool-settings.md for the sources of every entry.
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
# PgBouncer's own keys (normalized): its `[pgbouncer]` ini section, and the same keys in
# operators' custom resources (CrunchyData/Percona `proxy.pgBouncer.config.global`,
# CloudNativePG `Pooler` `spec.pgbouncer.parameters`).  max_client_conn counts clients, not a pool.
PGBOUNCER = {
    "defaultpoolsize": KeyInfo("max_size"),
    "poolsize": KeyInfo("max_size"),
    "minpoolsize": KeyInfo("min_idle"),
    "reservepoolsize": KeyInfo("overflow"),
    "reservepool": KeyInfo("overflow"),
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
