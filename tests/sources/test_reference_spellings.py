"""Spellings from pool-settings.md that a survey found unreported, read by every source that sees
them: Quarkus `idle-removal-interval`, Dropwizard `minIdleTime`, Rails 8.1 `max_age`, and the env
var names `MAX_CONN`/`MIN_CONN`, `MAX_OPEN_CONNS`, `ALCHEMY_POOL_SIZE`, `DB_POOLING_MAX` and the
PgBouncer image variables; plus the look-alikes that must stay unreported."""

from __future__ import annotations

import pytest

from poolaudit.model import Provenance, Setting
from poolaudit.sources import dotenv, properties, python, yaml
from ._facts import setting_facts

LIT, DEF = Provenance.LITERAL, Provenance.ENV_DEFAULT
PROPS = "src/main/resources/application.properties"
APP_YML = "src/main/resources/application.yml"
SOURCES = {"properties": properties, "yaml": yaml, "env": dotenv, "python": python}


FIELDS = (
    "path", "line", "column", "key", "canonical", "raw", "written", "value", "provenance",
    "env_var", "unit", "framework", "environment", "origin",
)


def facts(text: str, s: Setting) -> tuple[object, ...]:
    """Place, spelling, meaning and value; span, raw and origin are checked against the text."""
    return setting_facts(text, s, FIELDS, origin_position=True)


def extract(kind: str, path: str, text: str) -> list[Setting]:
    source = SOURCES[kind]
    assert any(lit in text.encode() for lit in source.LITERALS) or not source.LITERALS, "prefiltered out"
    return [s for s in source.extract(path, text).settings if s.provenance is not Provenance.LIBRARY_DEFAULT]


# (kind, path, text, facts of the one setting written there)
FOUND = [
    # reference 2.4: `…jdbc.idle-removal-interval` | 5M | Duration; a bare number is seconds
    pytest.param(
        "properties", PROPS, "quarkus.datasource.jdbc.idle-removal-interval=5M\n",
        (PROPS, 1, 47, "quarkus.datasource.jdbc.idle-removal-interval", "idle_timeout", "5M", 300, 300, LIT,
         None, "duration", "quarkus", "any", "5M"),
        id="quarkus-properties-duration",
    ),
    pytest.param(
        "properties", PROPS, "quarkus.datasource.jdbc.idle-removal-interval=120\n",
        (PROPS, 1, 47, "quarkus.datasource.jdbc.idle-removal-interval", "idle_timeout", "120", 120, 120, LIT,
         None, "s", "quarkus", "any", "120"),
        id="quarkus-properties-bare-seconds",
    ),
    pytest.param(
        "properties", PROPS, "%prod.quarkus.datasource.jdbc.idle-removal-interval=${DB_IDLE_REMOVAL:PT10M}\n",
        (PROPS, 1, 53, "%prod.quarkus.datasource.jdbc.idle-removal-interval", "idle_timeout",
         "${DB_IDLE_REMOVAL:PT10M}", 600, 600, DEF, "DB_IDLE_REMOVAL", "duration", "quarkus", "production", "PT10M"),
        id="quarkus-properties-profile-placeholder",
    ),
    pytest.param(
        "properties", PROPS, 'quarkus.datasource."users".jdbc.idle-removal-interval=2M\n',
        (PROPS, 1, 55, 'quarkus.datasource."users".jdbc.idle-removal-interval', "idle_timeout", "2M", 120, 120,
         LIT, None, "duration", "quarkus", "any", "2M"),
        id="quarkus-properties-named-datasource",
    ),
    pytest.param(
        "yaml", APP_YML, "quarkus:\n  datasource:\n    jdbc:\n      idle-removal-interval: 10M\n",
        (APP_YML, 4, 30, "quarkus.datasource.jdbc.idle-removal-interval", "idle_timeout", "10M", 600, 600, LIT,
         None, "duration", "quarkus", "any", "10M"),
        id="quarkus-yaml-nested",
    ),
    # reference 2.6: `minIdleTime` | 1 minute | Duration (Dropwizard DataSourceFactory)
    pytest.param(
        "yaml", "config.yml", "database:\n  driverClass: org.postgresql.Driver\n  minIdleTime: 1 minute\n",
        ("config.yml", 3, 16, "database.minIdleTime", "idle_timeout", "1 minute", 60, 60, LIT, None, "duration",
         "dropwizard", "any", "1 minute"),
        id="dropwizard-min-idle-time",
    ),
    pytest.param(
        "yaml", "config.yml", "database:\n  url: jdbc:postgresql://db/app\n  minIdleTime: ${DB_MIN_IDLE:-30s}\n",
        ("config.yml", 3, 16, "database.minIdleTime", "idle_timeout", "${DB_MIN_IDLE:-30s}", 30, 30, DEF,
         "DB_MIN_IDLE", "duration", "dropwizard", "any", "30s"),
        id="dropwizard-min-idle-time-substitution",
    ),
    # reference 3.1: `keepalive` / `max_age` (8.1+) | 600 / ∞ | s
    pytest.param(
        "yaml", "config/database.yml",
        "production:\n  adapter: postgresql\n  database: app\n  max_age: 600\n",
        ("config/database.yml", 4, 12, "production.max_age", "recycle", "600", 600, 600, LIT, None, "s", "rails",
         "production", "600"),
        id="rails-max-age",
    ),
    pytest.param(
        "yaml", "config/database.yml",
        "production:\n  adapter: postgresql\n  database: app\n  max_age: <%= ENV.fetch(\"DB_MAX_AGE\") { 900 } %>\n",
        ("config/database.yml", 4, 12, "production.max_age", "recycle", '<%= ENV.fetch("DB_MAX_AGE") { 900 } %>',
         900, 900, DEF, "DB_MAX_AGE", "s", "rails", "production", "900"),
        id="rails-max-age-erb",
    ),
    # reference 10 "Other names": `MAX_CONN` / `MIN_CONN`
    pytest.param(
        "env", ".env", "MAX_CONN=20\n",
        (".env", 1, 10, "MAX_CONN", "max_size", "20", 20, 20, LIT, None, None, "env", "any", "20"),
        id="env-max-conn",
    ),
    pytest.param(
        "env", ".env", "MIN_CONN=2\n",
        (".env", 1, 10, "MIN_CONN", "min_idle", "2", 2, 2, LIT, None, None, "env", "any", "2"),
        id="env-min-conn",
    ),
    # reference 5, database/sql: `MAX_OPEN_CONNS`
    pytest.param(
        "env", ".env", "export MAX_OPEN_CONNS='25'\n",
        (".env", 1, 23, "MAX_OPEN_CONNS", "max_size", "'25'", 25, 25, LIT, None, None, "env", "any", "25"),
        id="env-max-open-conns",
    ),
    # reference 10: `ALCHEMY_POOL_SIZE` (pydantic env_prefix="ALCHEMY_")
    pytest.param(
        "env", ".env", "ALCHEMY_POOL_SIZE=10\n",
        (".env", 1, 19, "ALCHEMY_POOL_SIZE", "max_size", "10", 10, 10, LIT, None, None, "env", "any", "10"),
        id="env-alchemy-pool-size",
    ),
    # reference 4 (knex) / 10: soketi `DB_POOLING_MAX`
    pytest.param(
        "env", ".env", "DB_POOLING_MAX=7\n",
        (".env", 1, 16, "DB_POOLING_MAX", "max_size", "7", 7, 7, LIT, None, None, "env", "any", "7"),
        id="env-db-pooling-max",
    ),
    # reference 8: bitnami/pgbouncer and edoburu/pgbouncer
    pytest.param(
        "env", ".env", "PGBOUNCER_DEFAULT_POOL_SIZE=20\n",
        (".env", 1, 29, "PGBOUNCER_DEFAULT_POOL_SIZE", "max_size", "20", 20, 20, LIT, None, None, "pgbouncer", "any", "20"),
        id="env-pgbouncer-default-pool-size",
    ),
    pytest.param(
        "env", ".env", "PGBOUNCER_MIN_POOL_SIZE=5\n",
        (".env", 1, 25, "PGBOUNCER_MIN_POOL_SIZE", "min_idle", "5", 5, 5, LIT, None, None, "pgbouncer", "any", "5"),
        id="env-pgbouncer-min-pool-size",
    ),
    pytest.param(
        "env", ".env", "PGBOUNCER_RESERVE_POOL_SIZE=3\n",
        (".env", 1, 29, "PGBOUNCER_RESERVE_POOL_SIZE", "overflow", "3", 3, 3, LIT, None, None, "pgbouncer", "any", "3"),
        id="env-pgbouncer-reserve-pool-size",
    ),
    pytest.param(
        "env", ".env", "DEFAULT_POOL_SIZE=25\n",
        (".env", 1, 19, "DEFAULT_POOL_SIZE", "max_size", "25", 25, 25, LIT, None, None, "pgbouncer", "any", "25"),
        id="env-edoburu-default-pool-size",
    ),
    pytest.param(
        "env", ".env", "QUARKUS_DATASOURCE_JDBC_IDLE_REMOVAL_INTERVAL=5M\n",
        (".env", 1, 47, "QUARKUS_DATASOURCE_JDBC_IDLE_REMOVAL_INTERVAL", "idle_timeout", "5M", 300, 300, LIT, None,
         "duration", "env", "any", "5M"),
        id="env-quarkus-idle-removal-interval",
    ),
    # the same names in compose (map and list forms, with interpolation defaults)
    pytest.param(
        "yaml", "docker-compose.yml",
        "services:\n  pgbouncer:\n    image: bitnami/pgbouncer\n    environment:\n      PGBOUNCER_DEFAULT_POOL_SIZE: 40\n",
        ("docker-compose.yml", 5, 36, "services.pgbouncer.environment.PGBOUNCER_DEFAULT_POOL_SIZE", "max_size", "40",
         40, 40, LIT, None, None, "pgbouncer", "any", "40"),
        id="compose-pgbouncer-default-pool-size",
    ),
    pytest.param(
        "yaml", "docker-compose.yml",
        "services:\n  api:\n    environment:\n      - MAX_OPEN_CONNS=${MAX_OPEN_CONNS:-25}\n",
        ("docker-compose.yml", 4, 24, "services.api.environment.MAX_OPEN_CONNS", "max_size", "${MAX_OPEN_CONNS:-25}",
         25, 25, DEF, "MAX_OPEN_CONNS", None, "compose", "any", "25"),
        id="compose-max-open-conns",
    ),
    pytest.param(
        "yaml", "docker-compose.yml",
        "services:\n  soketi:\n    environment:\n      DB_POOLING_MAX: \"12\"\n",
        ("docker-compose.yml", 4, 23, "services.soketi.environment.DB_POOLING_MAX", "max_size", '"12"', 12, 12, LIT,
         None, None, "compose", "any", "12"),
        id="compose-db-pooling-max",
    ),
    # pydantic settings: env_prefix="ALCHEMY_" + pool_size; a `max_conn` field reads MAX_CONN
    pytest.param(
        "python", "app/config.py",
        "from pydantic_settings import BaseSettings, SettingsConfigDict\n\n\n"
        "class AlchemySettings(BaseSettings):\n"
        "    model_config = SettingsConfigDict(env_prefix=\"ALCHEMY_\")\n\n"
        "    pool_size: int = 10\n",
        ("app/config.py", 7, 22, "pool_size", "max_size", "10", 10, 10, DEF, "ALCHEMY_POOL_SIZE", None,
         "pydantic-settings", "any", "10"),
        id="pydantic-alchemy-prefix",
    ),
    pytest.param(
        "python", "app/config.py",
        "from pydantic_settings import BaseSettings\n\n\nclass Settings(BaseSettings):\n    max_conn: int = 20\n",
        ("app/config.py", 5, 21, "max_conn", "max_size", "20", 20, 20, DEF, "MAX_CONN", None,
         "pydantic-settings", "any", "20"),
        id="pydantic-max-conn",
    ),
]  # fmt: skip


@pytest.mark.parametrize(("kind", "path", "text", "expected"), FOUND)
def test_reference_spellings_are_found(kind: str, path: str, text: str, expected: tuple[object, ...]) -> None:
    settings = extract(kind, path, text)
    assert [facts(text, s) for s in settings] == [expected]


def test_pgbouncer_image_variables_share_one_pool() -> None:
    text = "PGBOUNCER_DEFAULT_POOL_SIZE=20\nPGBOUNCER_MIN_POOL_SIZE=5\nPGBOUNCER_RESERVE_POOL_SIZE=3\n"
    assert {s.pool for s in dotenv.extract(".env", text).settings} == {"PGBOUNCER"}


# (kind, path, text): nothing here is a database pool setting
NOT_FOUND = [
    pytest.param("env", ".env", "MAX_CONNECTIONS_PER_HOST=100\n", id="http-client-per-host"),
    pytest.param("env", ".env", "REDIS_MAX_CONN=50\n", id="redis-max-conn"),
    pytest.param("env", ".env", "WORKER_MAX_CONN=4\n", id="worker-max-conn"),
    pytest.param("env", ".env", "HTTP_MAX_CONN=200\n", id="http-max-conn"),
    pytest.param("env", ".env", "MAX_CONNS=10\nMAX_CONNECTIONS=10\n", id="bare-max-conns-and-connections"),
    pytest.param("env", ".env", "REDIS_MAX_OPEN_CONNS=10\nMAX_IDLE_CONNS=2\n", id="redis-open-conns-and-idle"),
    pytest.param("env", ".env", "ALCHEMY_API_KEY=abc\nALCHEMY_NETWORK=eth-mainnet\n", id="alchemy-web3-api"),
    pytest.param("env", ".env", "DB_POOLING_ENABLED=true\nHTTP_POOLING_MAX=8\n", id="pooling-flag-and-http"),
    pytest.param(
        "env", ".env",
        "PGBOUNCER_MAX_CLIENT_CONN=1000\nPGBOUNCER_MAX_DB_CONNECTIONS=50\nPGBOUNCER_POOL_MODE=transaction\n",
        id="pgbouncer-client-and-server-limits",
    ),
    pytest.param("env", ".env", "MAX_CLIENT_CONN=1000\nPOOL_MODE=transaction\n", id="edoburu-client-limit"),
    pytest.param("env", ".env", "REDIS_DEFAULT_POOL_SIZE=10\nTHREAD_DEFAULT_POOL_SIZE=8\n", id="other-default-pools"),
    pytest.param("env", ".env", "# MAX_CONN=20\n", id="commented-out"),
    pytest.param(
        "yaml", "docker-compose.yml",
        "services:\n  proxy:\n    environment:\n      MAX_CONNECTIONS_PER_HOST: 100\n      REDIS_MAX_CONN: 5\n"
        "      WORKER_MAX_CONN: 3\n      PGBOUNCER_MAX_CLIENT_CONN: 500\n",
        id="compose-look-alikes",
    ),
    pytest.param(
        "properties", PROPS, "quarkus.http.idle-removal-interval=5M\nquarkus.redis.idle-removal-interval=5M\n",
        id="quarkus-not-a-datasource",
    ),
    pytest.param("yaml", APP_YML, "quarkus:\n  http:\n    idle-removal-interval: 5M\n", id="quarkus-yaml-http"),
    pytest.param("yaml", "config.yml", "server:\n  minIdleTime: 1 minute\n", id="dropwizard-server-block"),
    pytest.param(
        "yaml", "config.yml", "redis:\n  driverClass: x\n  minIdleTime: 1 minute\n", id="dropwizard-shaped-redis-block"
    ),
    pytest.param("yaml", "config/cache.yml", "production:\n  store_options:\n    max_age: 600\n", id="rails-cache-yml"),
    pytest.param("yaml", "config/cable.yml", "production:\n  adapter: redis\n  max_age: 600\n", id="rails-cable-yml"),
    pytest.param("yaml", "config/settings.yml", "http:\n  max_age: 600\ndatabase:\n  max_age: 600\n", id="app-max-age"),
    pytest.param(
        "python", "app/config.py",
        "from pydantic_settings import BaseSettings\n\n\nclass HttpSettings(BaseSettings):\n    max_conn: int = 20\n",
        id="pydantic-http-max-conn",
    ),
    pytest.param(
        "python", "app/config.py",
        "from pydantic_settings import BaseSettings\n\n\nclass Settings(BaseSettings):\n"
        "    redis_max_conn: int = 5\n    max_connections_per_host: int = 100\n",
        id="pydantic-look-alike-fields",
    ),
]  # fmt: skip


@pytest.mark.parametrize(("kind", "path", "text"), NOT_FOUND)
def test_look_alikes_are_not_reported(kind: str, path: str, text: str) -> None:
    assert SOURCES[kind].extract(path, text).settings == []


def test_prefilters_admit_the_new_spellings() -> None:
    # A properties file whose only pool key is the idle-removal interval is still read.
    assert any(lit in b"quarkus.datasource.jdbc.idle-removal-interval=5M\n" for lit in properties.LITERALS)
    # YAML: the Quarkus, Dropwizard and Rails blocks carry `datasource`/`Idle`/`database`.
    for text in (
        b"quarkus:\n  datasource:\n    jdbc:\n      idle-removal-interval: 10M\n",
        b"database:\n  minIdleTime: 1 minute\n",
        b"production:\n  adapter: postgresql\n  database: app\n  max_age: 600\n",
    ):
        assert any(lit in text for lit in yaml.LITERALS), text
