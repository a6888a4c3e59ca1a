"""The catalogue's env var names: which variables hold a pool setting (and which only look so).

Every name below is one /work/shared/reference/pool-settings.md lists; the look-alikes are names
of HTTP clients, Redis, workers and PgBouncer's client limits that share words with them.
"""

from __future__ import annotations

import pytest

from poolaudit.catalog import DROPWIZARD, QUARKUS, RAILS, KeyInfo
from poolaudit.envnames import classify_env_var

POOL_VARIABLES = [
    # reference 10 "Other names": `MAX_CONN` / `MIN_CONN`; 11.8 `MIN_CONN = os.getenv('MAX_CONN', 1)`
    pytest.param("MAX_CONN", KeyInfo("max_size"), id="max-conn-bare"),
    pytest.param("MIN_CONN", KeyInfo("min_idle"), id="min-conn-bare"),
    pytest.param("max_conn", KeyInfo("max_size"), id="max-conn-lower"),
    pytest.param("DB_MAX_CONN", KeyInfo("max_size"), id="max-conn-with-db-word"),
    pytest.param("DB_MIN_CONN", KeyInfo("min_idle"), id="min-conn-with-db-word"),
    # reference 5 (database/sql): env names `DB_MAX_OPEN_CONNS`, ..., `MAX_OPEN_CONNS`
    pytest.param("MAX_OPEN_CONNS", KeyInfo("max_size"), id="max-open-conns-bare"),
    pytest.param("WALLET_DB_MAX_OPEN_CONNS", KeyInfo("max_size"), id="max-open-conns-prefixed"),
    # reference 10: `ALCHEMY_POOL_SIZE` (pydantic `env_prefix="ALCHEMY_"`)
    pytest.param("ALCHEMY_POOL_SIZE", KeyInfo("max_size"), id="alchemy-pool-size"),
    pytest.param("ALCHEMY_MAX_OVERFLOW", KeyInfo("overflow"), id="alchemy-max-overflow"),
    # reference 4 (knex) and 10: soketi `DB_POOLING_MAX` (default 7)
    pytest.param("DB_POOLING_MAX", KeyInfo("max_size"), id="db-pooling-max"),
    # reference 8: bitnami/pgbouncer and edoburu/pgbouncer variables
    pytest.param("PGBOUNCER_DEFAULT_POOL_SIZE", KeyInfo("max_size", framework="pgbouncer"), id="pgbouncer-default"),
    pytest.param("PGBOUNCER_MIN_POOL_SIZE", KeyInfo("min_idle", framework="pgbouncer"), id="pgbouncer-min"),
    pytest.param("PGBOUNCER_RESERVE_POOL_SIZE", KeyInfo("overflow", framework="pgbouncer"), id="pgbouncer-reserve"),
    pytest.param("DEFAULT_POOL_SIZE", KeyInfo("max_size", framework="pgbouncer"), id="edoburu-default"),
    # reference 2.4: Quarkus env form of quarkus.datasource.jdbc.idle-removal-interval
    pytest.param(
        "QUARKUS_DATASOURCE_JDBC_IDLE_REMOVAL_INTERVAL", KeyInfo("idle_timeout", "s", "quarkus"), id="quarkus-idle-removal"
    ),
    pytest.param(
        "QUARKUS_DATASOURCE__USERS__JDBC_IDLE_REMOVAL_INTERVAL",
        KeyInfo("idle_timeout", "s", "quarkus"),
        id="quarkus-named-idle-removal",
    ),
]


@pytest.mark.parametrize(("name", "expected"), POOL_VARIABLES)
def test_pool_variables(name: str, expected: KeyInfo) -> None:
    assert classify_env_var(name) == expected


LOOK_ALIKES = [
    pytest.param("MAX_CONNECTIONS_PER_HOST", id="http-client-per-host"),
    pytest.param("HTTP_MAX_CONN", id="http-max-conn"),
    pytest.param("REDIS_MAX_CONN", id="redis-max-conn"),
    pytest.param("WORKER_MAX_CONN", id="worker-max-conn"),
    pytest.param("SMTP_MAX_CONN", id="smtp-max-conn"),
    pytest.param("NGINX_MAX_CONN", id="no-database-word"),
    pytest.param("MAX_CONNS", id="max-conns-bare"),
    pytest.param("MAX_CONNECTIONS", id="max-connections-bare"),
    pytest.param("MAX_IDLE_CONNS", id="max-idle-conns-bare"),
    pytest.param("REDIS_MAX_OPEN_CONNS", id="redis-max-open-conns"),
    pytest.param("DB_MAX_CLIENT_CONN", id="client-conn-with-db-word"),
    pytest.param("DB_MAX_CONNECTIONS_PER_HOST", id="per-host-with-db-word"),
    pytest.param("ALCHEMY_API_KEY", id="alchemy-api-key"),
    pytest.param("ALCHEMY_NETWORK", id="alchemy-network"),
    pytest.param("DB_POOLING_ENABLED", id="pooling-enabled"),
    pytest.param("HTTP_POOLING_MAX", id="http-pooling-max"),
    pytest.param("CACHE_POOLING_MAX", id="cache-pooling-max"),
    pytest.param("PGBOUNCER_MAX_CLIENT_CONN", id="pgbouncer-client-conn"),
    pytest.param("PGBOUNCER_MAX_DB_CONNECTIONS", id="pgbouncer-max-db-connections"),
    pytest.param("PGBOUNCER_MAX_USER_CONNECTIONS", id="pgbouncer-max-user-connections"),
    pytest.param("PGBOUNCER_POOL_MODE", id="pgbouncer-pool-mode"),
    pytest.param("MAX_CLIENT_CONN", id="edoburu-client-conn"),
    pytest.param("POOL_MODE", id="edoburu-pool-mode"),
    pytest.param("REDIS_DEFAULT_POOL_SIZE", id="redis-default-pool-size"),
    pytest.param("THREAD_DEFAULT_POOL_SIZE", id="thread-default-pool-size"),
    pytest.param("QUARKUS_HTTP_IDLE_REMOVAL_INTERVAL", id="quarkus-not-datasource"),
]


@pytest.mark.parametrize("name", LOOK_ALIKES)
def test_look_alikes_are_not_pool_variables(name: str) -> None:
    assert classify_env_var(name) is None


@pytest.mark.parametrize(
    ("table", "key", "expected"),
    [
        pytest.param(QUARKUS, "idleremovalinterval", KeyInfo("idle_timeout", "s"), id="quarkus-idle-removal-interval"),
        pytest.param(DROPWIZARD, "minidletime", KeyInfo("idle_timeout", "s"), id="dropwizard-min-idle-time"),
        pytest.param(RAILS, "maxage", KeyInfo("recycle", "s"), id="rails-max-age"),
    ],
)
def test_framework_keys(table: dict[str, KeyInfo], key: str, expected: KeyInfo) -> None:
    assert table[key] == expected
