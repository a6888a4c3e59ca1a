"""Pool settings inside the values of environment variables: JSON (`SPRING_APPLICATION_JSON`,
`FLASK_SQLALCHEMY_ENGINE_OPTIONS`, `TYPEORM_DRIVER_EXTRA`) and libpq keyword/value DSNs with
pgx's `pool_*` parameters, in env files, compose files and Kubernetes manifests."""

from __future__ import annotations

import pytest

from poolaudit.model import Provenance, Setting
from poolaudit.sources import dotenv
from poolaudit.sources import yaml as yaml_source
from ._facts import setting_facts

LIT = Provenance.LITERAL
COMPOSE = "services:\n  api:\n    image: app\n    environment:\n"


FIELDS = (
    "line", "column", "raw", "key", "canonical", "value", "provenance", "unit", "kind", "origin",
)


def facts(text: str, s: Setting) -> tuple[object, ...]:
    return setting_facts(text, s, FIELDS)


CASES = [
    pytest.param(
        dotenv, ".env",
        """SPRING_APPLICATION_JSON='{"spring":{"datasource":{"hikari":{"maximum-pool-size":7,"connection-timeout":20000}}}}'\n""",
        [
            (1, 81, "7", "SPRING_APPLICATION_JSON.spring.datasource.hikari.maximum-pool-size", "max_size", 7, LIT,
             None, "env", "7"),
            (1, 104, "20000", "SPRING_APPLICATION_JSON.spring.datasource.hikari.connection-timeout",
             "acquire_timeout", 20, LIT, "ms", "env", "20000"),
        ],
        id="dotenv-spring-application-json",
    ),
    pytest.param(
        dotenv, ".env",
        """FLASK_SQLALCHEMY_ENGINE_OPTIONS='{"pool_size": 7, "pool_recycle": 300, "echo": true}'\n""",
        [
            (1, 48, "7", "FLASK_SQLALCHEMY_ENGINE_OPTIONS.pool_size", "max_size", 7, LIT, None, "env", "7"),
            (1, 67, "300", "FLASK_SQLALCHEMY_ENGINE_OPTIONS.pool_recycle", "recycle", 300, LIT, "s", "env", "300"),
        ],
        id="dotenv-flask-engine-options",
    ),
    pytest.param(
        dotenv, ".env",
        """TYPEORM_DRIVER_EXTRA={"connectionLimit": 20, "queueLimit": 0}\n""",
        [(1, 42, "20", "TYPEORM_DRIVER_EXTRA.connectionLimit", "max_size", 20, LIT, None, "env", "20")],
        id="dotenv-typeorm-unquoted",
    ),
    pytest.param(
        dotenv, ".env",
        "DATABASE_DSN=host=db dbname=app pool_min_conns='2' pool_max_conns=10\n",
        [
            (1, 49, "2", "pool_min_conns", "min_idle", 2, LIT, None, "env", "2"),
            (1, 67, "10", "pool_max_conns", "max_size", 10, LIT, None, "env", "10"),
        ],
        id="dotenv-keyword-dsn",
    ),
    pytest.param(
        yaml_source, "docker-compose.yml",
        COMPOSE + """      SPRING_APPLICATION_JSON: '{"spring.datasource.hikari.maximum-pool-size": 12}'\n""",
        [(5, 80, "12", "services.api.environment.SPRING_APPLICATION_JSON.spring.datasource.hikari.maximum-pool-size",
          "max_size", 12, LIT, None, "yaml", "12")],
        id="compose-spring-application-json",
    ),
    pytest.param(
        yaml_source, "k8s/deploy.yaml",
        "apiVersion: apps/v1\nkind: Deployment\nspec:\n  template:\n    spec:\n      containers:\n"
        "        - name: api\n          env:\n            - name: PG_DSN\n"
        '              value: "host=pg dbname=app pool_max_conns=15"\n',
        [(10, 57, "15", "spec.template.spec.containers[0].env[name=PG_DSN].value?pool_max_conns", "max_size", 15,
          LIT, None, "yaml", "15")],
        id="kubernetes-keyword-dsn",
    ),
]


@pytest.mark.parametrize(("source", "path", "text", "expected"), CASES)
def test_settings_in_env_values(source: object, path: str, text: str, expected: list[tuple[object, ...]]) -> None:
    found = source.extract(path, text)  # type: ignore[attr-defined]
    assert [facts(text, s) for s in found.settings] == expected


def test_escaped_json_is_read_without_a_span() -> None:
    text = 'SPRING_APPLICATION_JSON="{\\"spring.datasource.hikari.maximum-pool-size\\": 9}"\n'
    (s,) = dotenv.extract(".env", text).settings
    assert (s.line, s.column, s.value, s.span, s.origin) == (1, 26, 9, None, None)
    assert "not fixable" in (s.note or "")


NOT_SETTINGS = [
    pytest.param(".env", """SPRING_APPLICATION_JSON='{"spring":{"task":{"execution":{"pool":{"max-size":8}}}}}'\n""",
                 id="spring-thread-pool-in-json"),
    pytest.param(".env", """SPRING_APPLICATION_JSON='{"spring":{"datasource":{"hikari":{"pool-name":"x"}}}}'\n""",
                 id="hikari-block-without-size-adds-no-default"),
    pytest.param(".env", """APP_CONFIG='{"pool_size": 7}'\n""", id="json-of-another-variable"),
    pytest.param(".env", """FLASK_SQLALCHEMY_ENGINE_OPTIONS='{"connect_args": {"pool_size": 7}}'\n""",
                 id="nested-driver-arguments"),
    pytest.param(".env", "SPRING_APPLICATION_JSON='{not json'\n", id="malformed-json"),
    pytest.param(".env", "DATABASE_DSN=host=db dbname=app connect_timeout=10\n", id="dsn-without-pool-params"),
    pytest.param(".env", "REDIS_DSN=host=cache pool_max_conns=10\n", id="redis-dsn"),
    pytest.param(".env", "PGOPTIONS=-c statement_timeout=5s pool_max_conns=3\n", id="no-dsn-keyword"),
]


@pytest.mark.parametrize(("path", "text"), NOT_SETTINGS)
def test_not_settings(path: str, text: str) -> None:
    assert dotenv.extract(path, text).settings == []
