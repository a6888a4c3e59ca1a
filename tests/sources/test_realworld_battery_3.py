"""A third battery of whole projects of other ecosystems, written the way their repositories
ship their configs, audited end to end.  poolaudit reads YAML, TOML, env files, `.properties`,
INI and Python; for Go, Rust, Elixir, Node, PHP and .NET services what it sees is their YAML/TOML
configs, env files, compose files and Kubernetes manifests, and the database URLs and connection
strings in them.  Go source, `.exs`, `.js`/`.ts`, `.php`, JSON (`appsettings.json`,
`config.json`) and HJSON (`lemmy.hjson`) are not read.

Go: Harbor, Ory Kratos/Hydra, Temporal, Woodpecker, Miniflux, a pgx/viper service.  Rust:
Vaultwarden, a Rocket app, an axum/sqlx service, a sea-orm service, Lemmy.  Others: a Phoenix
app and Plausible, Unleash, Umami (Prisma), knex/Sequelize/TypeORM env files, Hasura, Laravel,
Symfony, an ASP.NET service, Rocket.Chat and LibreChat (MongoDB), and an env of look-alikes.

Each project's rows are the complete list: a row too many is a false positive (Redis, HTTP and
worker pools, `max_idle_conns`, thread counts, server limits, commented lines sit beside the
real settings), a row missing is a miss.  Below them, one test per general form this battery
found missing.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from . import _realworld3_apps, _realworld3_go, _realworld3_rust
from .test_realworld_battery import (
    ENV_DEFAULT,
    LITERAL,
    Row,
    _found,
    _rows,
    _write,
)

PROJECTS: dict[str, dict[str, str]] = {
    **_realworld3_go.PROJECTS,
    **_realworld3_rust.PROJECTS,
    **_realworld3_apps.PROJECTS,
}

# (path, line, column, key, canonical, written, value, provenance, environment, framework)
EXPECTED: dict[str, list[Row]] = {
    "harbor": [
        ('make/harbor.yml', 19, 19, 'database.max_open_conns', 'max_size', 900, 900, LITERAL, 'any', 'app-config'),
        ('make/harbor.yml', 22, 22, 'database.conn_max_lifetime', 'recycle', 300, 300, LITERAL, 'any', 'app-config'),
        ('make/harbor.yml', 24, 23, 'database.conn_max_idle_time', 'idle_timeout', 0, 0, LITERAL, 'any', 'app-config'),
    ],
    "ory-kratos": [
        ('deploy/hydra.yml', 5, 76, 'dsn?max_conns', 'max_size', 20, 20, LITERAL, 'any', 'app-config'),
        ('deploy/hydra.yml', 5, 114, 'dsn?max_conn_lifetime', 'recycle', 1800, 1800, LITERAL, 'any', 'app-config'),
        ('deploy/hydra.yml', 5, 137, 'dsn?max_conn_idle_time', 'idle_timeout', 300, 300, LITERAL, 'any', 'app-config'),
        ('quickstart-postgres.yml', 6, 86, 'services.kratos-migrate.environment.DSN?max_conns', 'max_size', 20, 20, LITERAL, 'any', 'compose'),
        ('quickstart-postgres.yml', 11, 86, 'services.kratos.environment.DSN?max_conns', 'max_size', 20, 20, LITERAL, 'any', 'compose'),
    ],
    "temporal": [
        ('config/development-postgres12.yaml', 18, 19, 'persistence.datastores.postgres-default.sql.maxConns', 'max_size', 20, 20, LITERAL, 'development', 'app-config'),
        ('config/development-postgres12.yaml', 20, 26, 'persistence.datastores.postgres-default.sql.maxConnLifetime', 'recycle', 3600, 3600, LITERAL, 'development', 'app-config'),
        ('config/development-postgres12.yaml', 29, 19, 'persistence.datastores.postgres-visibility.sql.maxConns', 'max_size', 2, 2, LITERAL, 'development', 'app-config'),
        ('config/development-postgres12.yaml', 31, 26, 'persistence.datastores.postgres-visibility.sql.maxConnLifetime', 'recycle', 3600, 3600, LITERAL, 'development', 'app-config'),
        ('docker-compose/docker-compose-postgres.yml', 18, 23, 'services.temporal.environment.SQL_MAX_CONNS', 'max_size', 40, 40, LITERAL, 'any', 'compose'),
    ],
    "woodpecker": [
        ('docker-compose.yml', 14, 45, 'services.woodpecker-server.environment.WOODPECKER_DATABASE_MAX_CONNECTIONS', 'max_size', 20, 20, LITERAL, 'any', 'compose'),
    ],
    "miniflux": [
        ('packaging/docker/miniflux.env', 2, 20, 'DATABASE_MAX_CONNS', 'max_size', 20, 20, LITERAL, 'any', 'env'),
        ('packaging/docker/miniflux.env', 3, 20, 'DATABASE_MIN_CONNS', 'min_idle', 1, 1, LITERAL, 'any', 'env'),
    ],
    "pgx-viper-service": [
        ('config/config.production.toml', 6, 13, 'postgres.max_conns', 'max_size', 40, 40, LITERAL, 'production', 'app-config'),
        ('config/config.production.toml', 7, 13, 'postgres.min_conns', 'min_idle', 4, 4, LITERAL, 'production', 'app-config'),
        ('config/config.production.toml', 8, 21, 'postgres.max_conn_lifetime', 'recycle', 3600, 3600, LITERAL, 'production', 'app-config'),
        ('config/config.production.toml', 9, 22, 'postgres.max_conn_idle_time', 'idle_timeout', 1800, 1800, LITERAL, 'production', 'app-config'),
        ('config/config.yaml', 9, 19, 'database.max_open_conns', 'max_size', 25, 25, LITERAL, 'any', 'app-config'),
        ('config/config.yaml', 11, 22, 'database.conn_max_lifetime', 'recycle', 300, 300, LITERAL, 'any', 'app-config'),
        ('config/config.yaml', 12, 23, 'database.conn_max_idle_time', 'idle_timeout', 60, 60, LITERAL, 'any', 'app-config'),
        ('deploy/.env', 3, 85, 'pool_max_conns', 'max_size', 25, 25, LITERAL, 'any', 'env'),
        ('deploy/.env', 3, 103, 'pool_min_conns', 'min_idle', 5, 5, LITERAL, 'any', 'env'),
        ('deploy/.env', 3, 128, 'pool_max_conn_lifetime', 'recycle', 3600, 3600, LITERAL, 'any', 'env'),
        ('deploy/.env', 3, 155, 'pool_max_conn_idle_time', 'idle_timeout', 1800, 1800, LITERAL, 'any', 'env'),
        ('deploy/.env', 4, 68, 'pool_max_conns', 'max_size', 10, 10, LITERAL, 'any', 'env'),
        ('deploy/.env', 4, 91, 'pool_min_idle_conns', 'min_idle', 2, 2, LITERAL, 'any', 'env'),
        ('deploy/.env', 5, 19, 'DB_MAX_OPEN_CONNS', 'max_size', 25, 25, LITERAL, 'any', 'env'),
        ('deploy/.env', 7, 22, 'DB_CONN_MAX_LIFETIME', 'recycle', 300, 300, LITERAL, 'any', 'env'),
    ],
    "vaultwarden": [
        ('docker/.env', 3, 20, 'DATABASE_MAX_CONNS', 'max_size', 25, 25, LITERAL, 'any', 'env'),
        ('docker/.env', 4, 20, 'DATABASE_MIN_CONNS', 'min_idle', 2, 2, LITERAL, 'any', 'env'),
    ],
    "rocket-app": [
        ('Rocket.toml', 9, 13, 'default.databases.sqlite_logs.pool_size', 'max_size', 4, 4, LITERAL, 'any', 'rocket'),
        ('Rocket.toml', 10, 11, 'default.databases.sqlite_logs.timeout', 'acquire_timeout', 5, 5, LITERAL, 'any', 'rocket'),
        ('Rocket.toml', 14, 19, 'default.databases.postgres_main.min_connections', 'min_idle', 2, 2, LITERAL, 'any', 'rocket'),
        ('Rocket.toml', 15, 19, 'default.databases.postgres_main.max_connections', 'max_size', 64, 64, LITERAL, 'any', 'rocket'),
        ('Rocket.toml', 16, 19, 'default.databases.postgres_main.connect_timeout', 'acquire_timeout', 3, 3, LITERAL, 'any', 'rocket'),
        ('Rocket.toml', 17, 16, 'default.databases.postgres_main.idle_timeout', 'idle_timeout', 120, 120, LITERAL, 'any', 'rocket'),
        ('Rocket.toml', 24, 19, 'release.databases.postgres_main.max_connections', 'max_size', 128, 128, LITERAL, 'production', 'rocket'),
    ],
    "axum-sqlx-service": [
        ('.env', 3, 26, 'DATABASE_MAX_CONNECTIONS', 'max_size', 20, 20, LITERAL, 'any', 'env'),
        ('config/base.toml', 12, 19, 'database.max_connections', 'max_size', 20, 20, LITERAL, 'any', 'app-config'),
        ('config/base.toml', 13, 19, 'database.min_connections', 'min_idle', 2, 2, LITERAL, 'any', 'app-config'),
        ('config/base.toml', 14, 19, 'database.acquire_timeout', 'acquire_timeout', 5, 5, LITERAL, 'any', 'app-config'),
        ('config/base.toml', 15, 16, 'database.idle_timeout', 'idle_timeout', 600, 600, LITERAL, 'any', 'app-config'),
        ('config/production.toml', 3, 19, 'database.max_connections', 'max_size', 50, 50, LITERAL, 'production', 'app-config'),
    ],
    "lemmy": [
    ],
    "sea-orm-service": [
        ('deploy/k8s/deployment.yaml', 14, 22, 'spec.template.spec.containers[0].env[name=APP__DB__MAX_CONNECTIONS].value', 'max_size', 40, 40, LITERAL, 'any', 'k8s'),
        ('deploy/k8s/deployment.yaml', 16, 22, 'spec.template.spec.containers[0].env[name=APP__DB__MIN_CONNECTIONS].value', 'min_idle', 4, 4, LITERAL, 'any', 'k8s'),
        ('settings/default.toml', 7, 19, 'db.max_connections', 'max_size', 100, 100, LITERAL, 'any', 'app-config'),
        ('settings/default.toml', 8, 19, 'db.min_connections', 'min_idle', 5, 5, LITERAL, 'any', 'app-config'),
    ],
    "phoenix-app": [
        ('.env.prod', 3, 65, 'pool_size', 'max_size', 15, 15, LITERAL, 'production', 'env'),
        ('.env.prod', 4, 11, 'POOL_SIZE', 'max_size', 20, 20, LITERAL, 'production', 'env'),
        ('fly.toml', 8, 13, 'env.POOL_SIZE', 'max_size', 8, 8, LITERAL, 'any', 'app-config'),
    ],
    "plausible": [
        ('compose.yml', 29, 28, 'services.plausible.environment.DATABASE_POOL_SIZE', 'max_size', 10, 10, ENV_DEFAULT, 'any', 'compose'),
    ],
    "unleash": [
        ('docker-compose.yml', 9, 26, 'services.web.environment.DATABASE_POOL_MIN', 'min_idle', 0, 0, LITERAL, 'any', 'compose'),
        ('docker-compose.yml', 10, 26, 'services.web.environment.DATABASE_POOL_MAX', 'max_size', 4, 4, LITERAL, 'any', 'compose'),
        ('docker-compose.yml', 11, 38, 'services.web.environment.DATABASE_POOL_IDLE_TIMEOUT_MS', 'idle_timeout', 30, 30, LITERAL, 'any', 'compose'),
    ],
    "umami": [
        ('.env.example', 1, 78, 'connection_limit', 'max_size', 10, 10, LITERAL, 'any', 'env'),
        ('.env.example', 1, 94, 'pool_timeout', 'acquire_timeout', 20, 20, LITERAL, 'any', 'env'),
    ],
    "node-knex-sequelize": [
        ('.env', 4, 13, 'DB_POOL_MIN', 'min_idle', 2, 2, LITERAL, 'any', 'env'),
        ('.env', 5, 13, 'DB_POOL_MAX', 'max_size', 20, 20, LITERAL, 'any', 'env'),
        ('.env', 8, 15, 'KNEX_POOL_MAX', 'max_size', 15, 15, LITERAL, 'any', 'env'),
        ('.env', 9, 20, 'SEQUELIZE_POOL_MAX', 'max_size', 12, 12, LITERAL, 'any', 'env'),
        ('ormconfig.env', 3, 31, 'TYPEORM_DRIVER_EXTRA.max', 'max_size', 25, 25, LITERAL, 'any', 'typeorm'),
        ('ormconfig.env', 3, 56, 'TYPEORM_DRIVER_EXTRA.idleTimeoutMillis', 'idle_timeout', 30, 30, LITERAL, 'any', 'typeorm'),
        ('ormconfig.env', 3, 90, 'TYPEORM_DRIVER_EXTRA.connectionTimeoutMillis', 'acquire_timeout', 2, 2, LITERAL, 'any', 'typeorm'),
    ],
    "hasura": [
        ('docker-compose.yaml', 16, 38, 'services.graphql-engine.environment.HASURA_GRAPHQL_PG_CONNECTIONS', 'max_size', 50, 50, LITERAL, 'any', 'compose'),
        ('docker-compose.yaml', 18, 40, 'services.graphql-engine.environment.HASURA_GRAPHQL_PG_CONN_LIFETIME', 'recycle', 600, 600, LITERAL, 'any', 'compose'),
        ('docker-compose.yaml', 19, 39, 'services.graphql-engine.environment.HASURA_GRAPHQL_PG_POOL_TIMEOUT', 'acquire_timeout', 10, 10, LITERAL, 'any', 'compose'),
        ('metadata/databases/databases.yaml', 9, 30, '[0].configuration.connection_info.pool_settings.connection_lifetime', 'recycle', 600, 600, LITERAL, 'any', 'app-config'),
        ('metadata/databases/databases.yaml', 10, 23, '[0].configuration.connection_info.pool_settings.idle_timeout', 'idle_timeout', 180, 180, LITERAL, 'any', 'app-config'),
        ('metadata/databases/databases.yaml', 11, 26, '[0].configuration.connection_info.pool_settings.max_connections', 'max_size', 50, 50, LITERAL, 'any', 'app-config'),
        ('metadata/databases/databases.yaml', 12, 23, '[0].configuration.connection_info.pool_settings.pool_timeout', 'acquire_timeout', 10, 10, LITERAL, 'any', 'app-config'),
    ],
    "laravel": [
    ],
    "symfony": [
    ],
    "dotnet-service": [
        ('deploy/k8s/ordering.yaml', 14, 115, 'spec.template.spec.containers[0].env[name=ConnectionStrings__OrderingDb].value?Maximum Pool Size', 'max_size', 40, 40, LITERAL, 'any', 'k8s'),
        ('deploy/ordering.env', 1, 112, 'MaxPoolSize', 'max_size', 60, 60, LITERAL, 'any', 'env'),
        ('deploy/ordering.env', 1, 135, 'Connection Lifetime', 'recycle', 1800, 1800, LITERAL, 'any', 'env'),
        ('docker-compose.yml', 7, 121, 'services.ordering-api.environment.ConnectionStrings__OrderingDb?Maximum Pool Size', 'max_size', 50, 50, LITERAL, 'any', 'compose'),
        ('docker-compose.yml', 7, 142, 'services.ordering-api.environment.ConnectionStrings__OrderingDb?Minimum Pool Size', 'min_idle', 5, 5, LITERAL, 'any', 'compose'),
        ('docker-compose.yml', 7, 169, 'services.ordering-api.environment.ConnectionStrings__OrderingDb?Connection Idle Lifetime', 'idle_timeout', 300, 300, LITERAL, 'any', 'compose'),
        ('docker-compose.yml', 13, 114, 'services.catalog-api.environment.ConnectionStrings__CatalogDb?Max Pool Size', 'max_size', 100, 100, LITERAL, 'any', 'compose'),
        ('docker-compose.yml', 13, 132, 'services.catalog-api.environment.ConnectionStrings__CatalogDb?Min Pool Size', 'min_idle', 0, 0, LITERAL, 'any', 'compose'),
    ],
    "mongo-apps": [
        ('librechat/.env.example', 3, 59, 'maxPoolSize', 'max_size', 20, 20, LITERAL, 'any', 'env'),
        ('librechat/.env.example', 3, 74, 'minPoolSize', 'min_idle', 2, 2, LITERAL, 'any', 'env'),
        ('librechat/.env.example', 3, 95, 'waitQueueTimeoutMS', 'acquire_timeout', 5, 5, LITERAL, 'any', 'env'),
        ('librechat/.env.example', 3, 114, 'maxIdleTimeMS', 'idle_timeout', 60, 60, LITERAL, 'any', 'env'),
        ('librechat/.env.example', 4, 21, 'MONGO_MAX_POOL_SIZE', 'max_size', 20, 20, LITERAL, 'any', 'env'),
        ('librechat/.env.example', 5, 21, 'MONGO_MIN_POOL_SIZE', 'min_idle', 2, 2, LITERAL, 'any', 'env'),
        ('rocketchat/compose.yml', 6, 94, 'services.rocketchat.environment.MONGO_URL?maxPoolSize', 'max_size', 50, 50, ENV_DEFAULT, 'any', 'compose'),
    ],
    "look-alikes": [
    ],
}


def test_every_project_has_its_expectations() -> None:
    assert sorted(PROJECTS) == sorted(EXPECTED)


@pytest.mark.parametrize("name", [pytest.param(name, id=name) for name in EXPECTED])
def test_project_settings_are_exactly_these(tmp_path: Path, name: str) -> None:
    root = tmp_path / name
    _write(root, PROJECTS[name])
    assert _rows(root) == EXPECTED[name]


# ------------------------------------------------------------- general forms the battery found

URL_PARAMETERS = [  # pool parameters of DSNs and connection strings, as each driver spells them
    pytest.param("DSN=postgres://u:p@db:5432/kratos?sslmode=disable&max_conns=20&max_idle_conns=4"
                 "&max_conn_lifetime=30m&max_conn_idle_time=5m\n",
                 [("max_conns", "max_size", 20, None), ("max_conn_lifetime", "recycle", 1800, "duration"),
                  ("max_conn_idle_time", "idle_timeout", 300, "duration")], id="ory-pop"),
    pytest.param("DATABASE_URL=postgres://u:p@db/app?pool_max_conns=10&pool_min_idle_conns=2"
                 "&pool_max_conn_lifetime=1h30m&pool_max_conn_idle_time=600&pool_health_check_period=1m\n",
                 [("pool_max_conns", "max_size", 10, None), ("pool_min_idle_conns", "min_idle", 2, None),
                  ("pool_max_conn_lifetime", "recycle", 5400, "duration"),
                  ("pool_max_conn_idle_time", "idle_timeout", 600, "s")], id="pgx-times"),
    pytest.param("PG_DSN='host=db dbname=app pool_max_conn_lifetime=1h pool_min_conns=1'\n",
                 [("pool_max_conn_lifetime", "recycle", 3600, "duration"), ("pool_min_conns", "min_idle", 1, None)],
                 id="pgx-keyword-dsn"),
    pytest.param("MONGODB_URI=mongodb://u:p@mongo:27017/app?maxPoolSize=50&minPoolSize=5"
                 "&waitQueueTimeoutMS=2000&maxIdleTimeMS=60000&maxConnecting=2\n",
                 [("maxPoolSize", "max_size", 50, None), ("minPoolSize", "min_idle", 5, None),
                  ("waitQueueTimeoutMS", "acquire_timeout", 2, "ms"), ("maxIdleTimeMS", "idle_timeout", 60, "ms")],
                 id="mongodb-milliseconds"),
    pytest.param('ConnectionStrings__Default="Host=db;Database=app;Maximum Pool Size=50;Minimum Pool Size=5;'
                 'Connection Idle Lifetime=300;Connection Lifetime=1800;Timeout=15"\n',
                 [("Maximum Pool Size", "max_size", 50, None), ("Minimum Pool Size", "min_idle", 5, None),
                  ("Connection Idle Lifetime", "idle_timeout", 300, "s"), ("Connection Lifetime", "recycle", 1800, "s")],
                 id="npgsql"),
    pytest.param('ConnectionStrings__Orders="Server=sql;Database=Orders;Max Pool Size=100;Min Pool Size=0;'
                 'Load Balance Timeout=60;Pooling=true"\n',
                 [("Max Pool Size", "max_size", 100, None), ("Min Pool Size", "min_idle", 0, None),
                  ("Load Balance Timeout", "recycle", 60, "s")], id="sqlclient"),
    pytest.param('MYSQL_CONNECTION="Server=db;Database=app;MaximumPoolSize=40;ConnectionIdleTimeout=180"\n',
                 [("MaximumPoolSize", "max_size", 40, None), ("ConnectionIdleTimeout", "idle_timeout", 180, "s")],
                 id="mysqlconnector-unspaced"),
]


@pytest.mark.parametrize(("text", "expected"), URL_PARAMETERS)
def test_url_and_connection_string_parameters(text: str, expected: list[tuple[str, str, object, str | None]]) -> None:
    from poolaudit.sources import dotenv

    found = dotenv.extract(".env", text).settings
    assert [(s.key, s.canonical, s.written, s.unit) for s in found] == expected


URL_LOOK_ALIKES = [
    pytest.param("SPRING_DATASOURCE_URL=jdbc:postgresql://db:5432/app?maximumPoolSize=30&maxPoolSize=30\n",
                 id="jdbc-urls-carry-no-pool"),
    pytest.param("REDIS_URL=redis://redis:6379/0?pool_size=50&max_conns=10\n", id="redis-url"),
    pytest.param("DSN=postgres://u:p@db/app?max_idle_conns=4&connect_timeout=10&statement_timeout=5000\n",
                 id="idle-caps-and-driver-timeouts"),
    pytest.param("DATABASE_URL=postgres://u:p@db/app?pool_max_conn_lifetime=forever\n", id="not-a-duration"),
]


@pytest.mark.parametrize("text", URL_LOOK_ALIKES)
def test_url_look_alikes(text: str) -> None:
    from poolaudit.sources import dotenv

    assert dotenv.extract(".env", text).settings == []


def test_url_parameters_read_alike_in_every_file_kind() -> None:
    """The same DSN in a compose list, a YAML key and a TOML key."""
    from poolaudit.sources import toml, yaml

    url = "postgres://u:p@db/app?max_conns=20&max_conn_lifetime=30m"
    compose = f"services:\n  api:\n    environment:\n      - DSN={url}\n"
    expected = [("max_size", 20), ("recycle", 1800)]
    assert [(s.canonical, s.written) for s in yaml.extract("compose.yaml", compose).settings] == expected
    assert [(s.canonical, s.written) for s in yaml.extract("hydra.yml", f"dsn: {url}\n").settings] == expected
    assert [(s.canonical, s.written) for s in toml.extract("config.toml", f'[database]\nurl = "{url}"\n').settings] == expected


PGX_FIELD_KEYS = [  # pgxpool.Config field names as Go and Temporal configs spell them
    pytest.param("yaml", "config/development.yaml",
                 "persistence:\n  datastores:\n    default:\n      sql:\n        maxConns: 20\n        maxIdleConns: 20\n"
                 "        maxConnLifetime: \"1h\"\n",
                 [("persistence.datastores.default.sql.maxConns", 5, "max_size", 20),
                  ("persistence.datastores.default.sql.maxConnLifetime", 7, "recycle", 3600)], id="temporal-yaml"),
    pytest.param("toml", "config.toml", '[postgres]\nmax_conns = 40\nmax_conn_lifetime = "1h"\nmax_conn_idle_time = "30m"\n',
                 [("postgres.max_conns", 2, "max_size", 40), ("postgres.max_conn_lifetime", 3, "recycle", 3600),
                  ("postgres.max_conn_idle_time", 4, "idle_timeout", 1800)], id="toml"),
    pytest.param("yaml", "config.yaml", "redis:\n  maxConnLifetime: 1h\nhttp:\n  max_conn_idle_time: 90s\n", [],
                 id="not-a-database"),
]


@pytest.mark.parametrize(("kind", "path", "text", "expected"), PGX_FIELD_KEYS)
def test_pgx_field_keys(kind: str, path: str, text: str, expected: list[tuple[str, int, str, object]]) -> None:
    assert _found(kind, path, text) == expected


def test_rocket_connect_timeout_is_the_wait_for_a_pooled_connection() -> None:
    """rocket_db_pools: "seconds to wait for a connection before timing out ... made or
    retrieved from a pool"; its sqlx pools set acquire_timeout from it."""
    text = '[default.databases.main]\nurl = "postgres://db/app"\nconnect_timeout = 3\n'
    assert _found("toml", "Rocket.toml", text) == [("default.databases.main.connect_timeout", 3, "acquire_timeout", 3)]


ENV_NAMES = [
    pytest.param("DATABASE_POOL_IDLE_TIMEOUT_MS=30000\nDB_POOL_TIMEOUT_SECONDS=5\nPG_POOL_ACQUIRE_TIMEOUT_MILLIS=2000\n",
                 [("DATABASE_POOL_IDLE_TIMEOUT_MS", 1, "idle_timeout", 30), ("DB_POOL_TIMEOUT_SECONDS", 2, "acquire_timeout", 5),
                  ("PG_POOL_ACQUIRE_TIMEOUT_MILLIS", 3, "acquire_timeout", 2)], id="unit-in-the-name"),
    pytest.param("DATABASE_POOL_MAX_MS=5\nREDIS_POOL_TIMEOUT_MS=100\nDATABASE_QUERY_TIMEOUT_MS=5000\n", [],
                 id="unit-suffix-look-alikes"),
    pytest.param("HASURA_GRAPHQL_PG_CONNECTIONS=50\nHASURA_GRAPHQL_PG_CONN_LIFETIME=600\nDB_CONNECTIONS=20\n",
                 [("HASURA_GRAPHQL_PG_CONNECTIONS", 1, "max_size", 50), ("HASURA_GRAPHQL_PG_CONN_LIFETIME", 2, "recycle", 600),
                  ("DB_CONNECTIONS", 3, "max_size", 20)], id="connections-count"),
    pytest.param("DB_CONNECTION=pgsql\nQUEUE_CONNECTION=database\nHTTP_CONNECTIONS=10\nREDIS_CONNECTIONS=4\n"
                 "NGINX_WORKER_CONNECTIONS=4096\n", [], id="connection-look-alikes"),
]


@pytest.mark.parametrize(("text", "expected"), ENV_NAMES)
def test_env_names(text: str, expected: list[tuple[str, int, str, object]]) -> None:
    assert _found("env", ".env", text) == expected


LIST_FILES = [  # a YAML file that is a list of blocks, the file's name giving the database context
    pytest.param("metadata/databases/databases.yaml",
                 "- name: default\n  kind: postgres\n  configuration:\n    connection_info:\n      pool_settings:\n"
                 "        max_connections: 50\n        connection_lifetime: 600\n",
                 [("[0].configuration.connection_info.pool_settings.max_connections", 6, "max_size", 50),
                  ("[0].configuration.connection_info.pool_settings.connection_lifetime", 7, "recycle", 600)],
                 id="hasura-metadata"),
    pytest.param("config/redis.yaml", "- name: cache\n  pool_settings:\n    max_connections: 50\n", [], id="not-a-database-file"),
    pytest.param("playbook.yml", "- hosts: db\n  vars:\n    max_connections: 200\n", [], id="no-database-context"),
    pytest.param("databases.yaml", "- name: cache\n  redis:\n    max_connections: 50\n", [], id="nearest-name-wins"),
]


@pytest.mark.parametrize(("path", "text", "expected"), LIST_FILES)
def test_yaml_lists_of_blocks(path: str, text: str, expected: list[tuple[str, int, str, object]]) -> None:
    assert _found("yaml", path, text) == expected
