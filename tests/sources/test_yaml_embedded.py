"""Config files embedded in YAML (a ConfigMap's `data`, a Secret's `stringData`, Helm values
keys naming a file): read by the embedded file's own source, reported at their place in the
outer file (span slices equal `raw`), fixable in place; folded/quoted strings without spans."""

from __future__ import annotations

from pathlib import Path

import pytest

from poolaudit import changelog
from poolaudit.model import Provenance, Setting
from poolaudit.sources import yaml as source

from ..fix.conftest import make_tree, run_fix
from ._facts import setting_facts

LIT, DEF = Provenance.LITERAL, Provenance.ENV_DEFAULT
CM = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: orders\ndata:\n"
SECRET = "apiVersion: v1\nkind: Secret\nmetadata:\n  name: orders-db\ntype: Opaque\n"


FIELDS = (
    "line", "column", "raw", "key", "canonical", "value", "provenance", "env_var", "environment",
    "kind", "framework", "pool", "origin",
)


def facts(text: str, s: Setting) -> tuple[object, ...]:
    """What a user sees, after checking that the span and origin are the outer file's text."""
    return setting_facts(text, s, FIELDS, origin_here=True)


HIKARI = "spring.datasource.hikari"
SIZE = f"{HIKARI}.maximum-pool-size"

EMBEDDED = [
    pytest.param(
        CM + "  application.yml: |\n    spring:\n      datasource:\n        hikari:\n"
        "          maximum-pool-size: 5\n          connection-timeout: ${DB_TIMEOUT:20000}\n",
        [
            (10, 30, "5", SIZE, "max_size", 5, LIT, None, "any", "yaml", "spring", HIKARI, "5"),
            (11, 31, "${DB_TIMEOUT:20000}", f"{HIKARI}.connection-timeout", "acquire_timeout", 20, DEF,
             "DB_TIMEOUT", "any", "yaml", "spring", HIKARI, "20000"),
        ],
        id="configmap-spring-yaml",
    ),
    pytest.param(
        CM + "  application.properties: |\n    spring.datasource.url=jdbc:postgresql://db/orders\n"
        "    spring.datasource.hikari.maximum-pool-size=${DB_POOL_SIZE:8}\n",
        [(8, 48, "${DB_POOL_SIZE:8}", SIZE, "max_size", 8, DEF, "DB_POOL_SIZE", "any", "properties",
          "spring", HIKARI, "8")],
        id="configmap-spring-properties",
    ),
    pytest.param(
        CM + "  application-prod.yml: |\n    spring:\n      datasource:\n        hikari:\n"
        '          maximumPoolSize: "30"\n',
        [(10, 28, '"30"', f"{HIKARI}.maximumPoolSize", "max_size", 30, LIT, None, "production", "yaml",
          "spring", HIKARI, "30")],
        id="profile-file-name-yaml",
    ),
    pytest.param(
        CM + "  application-staging.properties: |-\n    spring.datasource.hikari.minimum-idle = 2\n",
        [(7, 45, "2", f"{HIKARI}.minimum-idle", "min_idle", 2, LIT, None, "staging", "properties",
          "spring", HIKARI, "2")],
        id="profile-file-name-properties-strip-chomping",
    ),
    pytest.param(
        CM + "  application.properties: |\n    quarkus.datasource.jdbc.max-size=12\n"
        "    %prod.quarkus.datasource.jdbc.max-size=${POOL_MAX:40}\n",
        [
            (7, 38, "12", "quarkus.datasource.jdbc.max-size", "max_size", 12, LIT, None, "any",
             "properties", "quarkus", "quarkus.datasource.jdbc", "12"),
            (8, 44, "${POOL_MAX:40}", "%prod.quarkus.datasource.jdbc.max-size", "max_size", 40, DEF,
             "POOL_MAX", "production", "properties", "quarkus", "quarkus.datasource.jdbc", "40"),
        ],
        id="quarkus-properties-profile-prefix",
    ),
    pytest.param(
        CM + "  application.yml: |\n    datasources:\n      default:\n        maximum-pool-size: 6\n",
        [(9, 28, "6", "datasources.default.maximum-pool-size", "max_size", 6, LIT, None, "any", "yaml",
          "micronaut", "datasources.default", "6")],
        id="micronaut-yaml",
    ),
    pytest.param(
        CM + "  application.yml: |\n    spring.datasource.hikari.maximum-pool-size: 10\n    ---\n"
        "    spring:\n      config.activate.on-profile: prod\n"
        "      datasource.hikari.maximum-pool-size: 25\n    ...\n",
        [
            (7, 49, "10", SIZE, "max_size", 10, LIT, None, "any", "yaml", "spring", HIKARI, "10"),
            (11, 44, "25", SIZE, "max_size", 25, LIT, None, "production", "yaml", "spring", HIKARI, "25"),
        ],
        id="multi-document-yaml-with-profile",
    ),
    pytest.param(
        CM.replace("\n", "\r\n") + "  application.yml: |\r\n    spring:\r\n      datasource:\r\n"
        "        hikari:\r\n          maximum-pool-size: 7\r\n",
        [(10, 30, "7", SIZE, "max_size", 7, LIT, None, "any", "yaml", "spring", HIKARI, "7")],
        id="crlf",
    ),
    pytest.param(
        CM + "  application.yml: |2\n      spring.datasource.hikari.maximum-pool-size: 3\n"
        "      spring.datasource.hikari.minimum-idle: 1\n",
        [
            (7, 51, "3", SIZE, "max_size", 3, LIT, None, "any", "yaml", "spring", HIKARI, "3"),
            (8, 46, "1", f"{HIKARI}.minimum-idle", "min_idle", 1, LIT, None, "any", "yaml", "spring",
             HIKARI, "1"),
        ],
        id="indentation-indicator",
    ),
    pytest.param(
        CM + "  LOG_LEVEL: info\n  app.env: |\n    # pool for the API\n    DB_POOL_SIZE=4\n"
        '    export DB_MAX_OVERFLOW="3"\n',
        [
            (9, 18, "4", "DB_POOL_SIZE", "max_size", 4, LIT, None, "any", "env", "env", "DB", "4"),
            (10, 28, '"3"', "DB_MAX_OVERFLOW", "overflow", 3, LIT, None, "any", "env", "env", "DB", "3"),
        ],
        id="configmap-dotenv",
    ),
    pytest.param(
        SECRET + "stringData:\n  DB_POOL_SIZE: \"6\"\n  application-prod.properties: |\n"
        "    spring.datasource.hikari.maximum-pool-size=40\n",
        [
            (7, 17, '"6"', "stringData.DB_POOL_SIZE", "max_size", 6, LIT, None, "any", "yaml", "k8s",
             "Secret/orders-db", "6"),
            (9, 48, "40", SIZE, "max_size", 40, LIT, None, "production", "properties", "spring", HIKARI, "40"),
        ],
        id="secret-string-data",
    ),
    pytest.param(
        "replicaCount: 2\nconfig:\n  files:\n    application.yaml: |\n      spring:\n"
        "        datasource:\n          hikari:\n            maximum-pool-size: 9\n",
        [(8, 32, "9", SIZE, "max_size", 9, LIT, None, "any", "yaml", "spring", HIKARI, "9")],
        id="helm-values-key-naming-a-file",
    ),
]


@pytest.mark.parametrize(("text", "expected"), EMBEDDED)
def test_embedded_settings(text: str, expected: list[tuple[object, ...]]) -> None:
    name = "values.yaml" if text.startswith("replicaCount") else "deploy/configmap.yaml"
    found = source.extract(name, text)
    assert [facts(text, s) for s in found.settings] == expected
    assert all(s.path == name and "embedded in" in (s.note or "") or s.framework == "k8s" for s in found.settings)
    assert all(not e.name.endswith((".yml", ".yaml", ".properties", ".env")) for e in found.env)


def test_embedded_env_file_defines_variables_at_their_outer_place() -> None:
    text = CM + "  app.env: |\n    DB_POOL_SIZE=${DB_POOL_SIZE:-4}\n    DATABASE_URL=postgres://db/app\n"
    found = source.extract("k8s/cm.yaml", text)
    got = [(e.name, e.value, e.line, e.column, text[e.span.start : e.span.end], e.path) for e in found.env]
    assert got == [
        ("DB_POOL_SIZE", 4, 7, 34, "4", "k8s/cm.yaml"),
        ("DATABASE_URL", None, 8, 18, "postgres://db/app", "k8s/cm.yaml"),
    ]


def test_suppression_inside_an_embedded_properties_file_counts_once() -> None:
    text = (
        CM + "  application.properties: |\n    # poolaudit: ignore[PA101] tiny on purpose\n"
        "    spring.datasource.hikari.maximum-pool-size=2\n    ! poolaudit: ignore[PA103]\n"
    )
    found = source.extract("k8s/cm.yaml", text)
    assert [(s.line, s.codes) for s in found.suppressions] == [(7, ("PA101",)), (9, ("PA103",))]


APPROXIMATE = [
    pytest.param(
        CM + "  application.yml: >\n    spring.datasource.hikari.maximum-pool-size: 9\n", 6, 20, id="folded"
    ),
    pytest.param(
        CM + '  application.properties: "spring.datasource.hikari.maximum-pool-size=9\\n"\n', 6, 27,
        id="double-quoted-with-escape",
    ),
    pytest.param(
        CM + "  application.properties: spring.datasource.hikari.maximum-pool-size=9\n\n    x=1\n", 6, 27,
        id="plain-multi-line",
    ),
]


@pytest.mark.parametrize(("text", "line", "column"), APPROXIMATE)
def test_strings_that_move_text_are_reported_without_span(text: str, line: int, column: int) -> None:
    found = source.extract("k8s/cm.yaml", text)
    got = [(s.line, s.column, s.key, s.value, s.span, s.origin, s.insertion) for s in found.settings]
    assert got == [(line, column, SIZE, 9, None, None, None)]
    assert "not fixable" in (found.settings[0].note or "")
    assert found.env == []  # an env assignment there would point at the wrong text


NOT_REPORTED = [
    pytest.param(CM + "  application.yml: |\n    spring.task.execution.pool.max-size: 5\n"
                 "    spring.data.redis.lettuce.pool.max-active: 8\n", id="thread-and-redis-pools"),
    pytest.param(CM + "  spring-config: |\n    spring.datasource.hikari.maximum-pool-size: 5\n",
                 id="key-naming-no-file"),
    pytest.param(CM + "  logback.xml: |\n    <maxPoolSize>5</maxPoolSize>\n", id="other-file-kind"),
    pytest.param(CM + "  application.yml: |\n    spring:\n      datasource:\n        url: jdbc:h2:mem:x\n"
                 "        # hikari.maximum-pool-size: 5\n", id="commented-out"),
    pytest.param(CM + "  application.yml: |\n    spring.datasource.hikari.maximum-pool-size: {{ .Values.pool }}\n",
                 id="helm-template-inside"),
    pytest.param(CM + "  application.yml: |\n    spring: [unclosed\n", id="embedded-file-does-not-parse"),
    pytest.param(SECRET + "data:\n  DB_POOL_SIZE: MTA=\n  application.properties: c3ByaW5nLmRhdGFzb3VyY2U=\n",
                 id="secret-base64-data"),
    pytest.param("apiVersion: v1\nkind: Pod\nmetadata:\n  annotations:\n    application.yml: |\n"
                 "      spring.datasource.hikari.maximum-pool-size: 5\n", id="annotation-of-a-pod"),
]


@pytest.mark.parametrize("text", NOT_REPORTED)
def test_not_reported(text: str) -> None:
    found = source.extract("k8s/cm.yaml", text)
    assert found.settings == []


def test_fix_edits_the_embedded_value_in_place(tmp_path: Path) -> None:
    service = make_tree(tmp_path / "svc", {
        "pom.xml": "<project/>\n",
        "k8s/configmap.yaml": CM + "  application.yml: |\n    spring:\n      datasource:\n        hikari:\n"
        "          maximum-pool-size: 4\n          connection-timeout: 20000\n"
        "  application.properties: |\n    quarkus.datasource.jdbc.max-size=${POOL:3}\n"
        "    quarkus.datasource.jdbc.acquisition-timeout=5\n",
    })
    report = run_fix(service, write=True)
    assert changelog.diff(report).count("\n-") == 2
    text = (service / "k8s/configmap.yaml").read_text()
    assert "          maximum-pool-size: 10\n" in text
    assert "    quarkus.datasource.jdbc.max-size=${POOL:10}\n" in text
    assert run_fix(service, write=False).new_texts == {}  # nothing left to change
