"""A fourth battery of whole projects: JVM services and Kubernetes operators, written the way
their repositories ship their configs, audited end to end.

JVM: Spring Boot multi-datasource apps (the Boot docs' `app.datasource.first.configuration.*` and
its DBCP2 `second.max-total`, `spring.datasource.<name>.hikari.*`, Hibernate's own Hikari keys
under `spring.jpa.properties`, which Boot does not apply), Boot 3 durations, R2DBC, a Spring
Cloud Config repository, Micronaut and Quarkus named datasources, Dropwizard, Helidon, a Helm
chart's `extraEnv`; a Vert.x JSON config and Tomcat's `context.xml` are not read.  Operators:
Zalando's `connectionPooler`, CrunchyData PGO and Percona `proxy.pgBouncer.config.global`,
CloudNativePG's `Pooler`.

Each project's rows are the complete list: a row too many is a false positive (thread, Redis,
Kafka, HTTP-client and REST-client pools, `server.tomcat.*`, pooler replicas, `max_client_conn`,
the server's `max_connections`, Hikari's `data-source-properties`), a row missing is a miss.
Below them, one test per general form this battery found missing.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from poolaudit import sources

from . import _realworld4_jvm, _realworld4_operators
from .test_realworld_battery import (
    ENV_DEFAULT,
    LIBRARY_DEFAULT,
    LITERAL,
    Row,
    _found,
    _rows,
    _write,
)

PROJECTS: dict[str, dict[str, str]] = {**_realworld4_jvm.PROJECTS, **_realworld4_operators.PROJECTS}

# (path, line, column, key, canonical, written, value, provenance, environment, framework)
EXPECTED: dict[str, list[Row]] = {
    "boot-multi-datasource": [
        ('src/main/resources/application-prod.properties', 2, 52, 'spring.datasource.primary.hikari.maximum-pool-size', 'max_size', 25, 25, LITERAL, 'production', 'spring'),
        ('src/main/resources/application-prod.properties', 3, 47, 'spring.datasource.primary.hikari.minimum-idle', 'min_idle', 5, 5, LITERAL, 'production', 'spring'),
        ('src/main/resources/application-prod.properties', 5, 54, 'spring.datasource.reporting.hikari.maximum-pool-size', 'max_size', 8, 8, ENV_DEFAULT, 'production', 'spring'),
        ('src/main/resources/application-prod.properties', 6, 49, 'spring.datasource.reporting.hikari.max-lifetime', 'recycle', 900, 900, LITERAL, 'production', 'spring'),
        ('src/main/resources/application.yml', 26, 28, 'app.datasource.first.configuration.maximum-pool-size', 'max_size', 30, 30, LITERAL, 'any', 'spring'),
        ('src/main/resources/application.yml', 29, 18, 'app.datasource.second.max-total', 'max_size', 30, 30, LITERAL, 'any', 'spring'),
    ],
    "boot-hibernate-hikari": [
        ('src/main/resources/application.yaml', 4, 5, 'spring.datasource.hikari.maximum-pool-size', 'max_size', 10, 10, LIBRARY_DEFAULT, 'any', 'spring'),
        ('src/main/resources/application.yaml', 6, 21, 'spring.datasource.hikari.max-lifetime', 'recycle', 1800, 1800, LITERAL, 'any', 'spring'),
        ('src/main/resources/application.yaml', 7, 27, 'spring.datasource.hikari.connection-timeout', 'acquire_timeout', 20, 20, LITERAL, 'any', 'spring'),
        ('src/main/resources/application.yaml', 12, 28, 'spring.jpa.properties.hibernate.hikari.maximumPoolSize', 'max_size', 12, 12, LITERAL, 'any', 'hibernate'),
        ('src/main/resources/application.yaml', 13, 24, 'spring.jpa.properties.hibernate.hikari.minimumIdle', 'min_idle', 2, 2, LITERAL, 'any', 'hibernate'),
        ('src/main/resources/application.yaml', 17, 17, 'spring.r2dbc.pool.max-size', 'max_size', 20, 20, LITERAL, 'any', 'spring'),
        ('src/main/resources/application.yaml', 19, 22, 'spring.r2dbc.pool.max-idle-time', 'idle_timeout', 1800, 1800, LITERAL, 'any', 'spring'),
    ],
    "spring-cloud-config-repo": [
        ('billing-service/application.yml', 4, 24, 'spring.datasource.hikari.maximumPoolSize', 'max_size', 10, 10, ENV_DEFAULT, 'any', 'spring'),
        ('orders-service/application-prod.yml', 4, 26, 'spring.datasource.hikari.maximum-pool-size', 'max_size', 40, 40, LITERAL, 'production', 'spring'),
        ('orders-service/application-prod.yml', 5, 21, 'spring.datasource.hikari.minimum-idle', 'min_idle', 10, 10, LITERAL, 'production', 'spring'),
        ('orders-service/application-staging.yml', 4, 26, 'spring.datasource.hikari.maximum-pool-size', 'max_size', 15, 15, LITERAL, 'staging', 'spring'),
        ('orders-service/application-staging.yml', 5, 27, 'spring.datasource.hikari.connection-timeout', 'acquire_timeout', 10, 10, LITERAL, 'staging', 'spring'),
    ],
    "micronaut-multi": [
        ('src/main/resources/application.yml', 12, 24, 'datasources.default.maximum-pool-size', 'max_size', 20, 20, LITERAL, 'any', 'micronaut'),
        ('src/main/resources/application.yml', 13, 19, 'datasources.default.minimum-idle', 'min_idle', 4, 4, LITERAL, 'any', 'micronaut'),
        ('src/main/resources/application.yml', 16, 24, 'datasources.warehouse.maximum-pool-size', 'max_size', 6, 6, LITERAL, 'any', 'micronaut'),
        ('src/main/resources/application.yml', 17, 19, 'datasources.warehouse.idle-timeout', 'idle_timeout', 300, 300, LITERAL, 'any', 'micronaut'),
    ],
    "quarkus-named": [
        ('src/main/resources/application.properties', 2, 34, 'quarkus.datasource.jdbc.max-size', 'max_size', 16, 16, LITERAL, 'any', 'quarkus'),
        ('src/main/resources/application.properties', 4, 42, 'quarkus.datasource."users".jdbc.max-size', 'max_size', 8, 8, LITERAL, 'any', 'quarkus'),
        ('src/main/resources/application.properties', 5, 42, 'quarkus.datasource."users".jdbc.min-size', 'min_idle', 1, 1, LITERAL, 'any', 'quarkus'),
        ('src/main/resources/application.properties', 6, 51, '%staging.quarkus.datasource."users".jdbc.max-size', 'max_size', 4, 4, LITERAL, 'staging', 'quarkus'),
        ('src/main/resources/application.properties', 7, 50, '%prod.quarkus.datasource.inventory.jdbc.max-size', 'max_size', 30, 30, LITERAL, 'production', 'quarkus'),
        ('src/main/resources/application.properties', 8, 51, '%prod.quarkus.datasource.jdbc.acquisition-timeout', 'acquire_timeout', 10, 10, LITERAL, 'production', 'quarkus'),
    ],
    "dropwizard": [
        ('config.yml', 10, 25, 'database.maxWaitForConnection', 'acquire_timeout', 1, 1, LITERAL, 'any', 'dropwizard'),
        ('config.yml', 12, 12, 'database.minSize', 'min_idle', 8, 8, LITERAL, 'any', 'dropwizard'),
        ('config.yml', 13, 12, 'database.maxSize', 'max_size', 32, 32, LITERAL, 'any', 'dropwizard'),
    ],
    "helidon": [
        ('src/main/resources/application.yaml', 11, 26, 'javax.sql.DataSource.test.maximumPoolSize', 'max_size', 9, 9, LITERAL, 'any', 'spring'),
    ],
    "vertx-tomcat": [  # JSON and XML are not read
    ],
    "helm-spring-app": [
        ('chart/values.yaml', 8, 12, 'extraEnv[name=SPRING_DATASOURCE_HIKARI_MAXIMUMPOOLSIZE].value', 'max_size', 20, 20, LITERAL, 'any', 'helm'),
        ('chart/values.yaml', 10, 12, 'extraEnv[name=SPRING_DATASOURCE_HIKARI_CONNECTIONTIMEOUT].value', 'acquire_timeout', 5, 5, LITERAL, 'any', 'helm'),
    ],
    "zalando-postgres-operator": [
        ('manifests/minimal-postgres-manifest.yaml', 16, 23, 'spec.connectionPooler.maxDBConnections', 'max_size', 60, 60, LITERAL, 'any', 'pgbouncer'),
    ],
    "crunchy-pgo": [  # a per-database `pool_size=10` inside `config.databases` values is not read
        ('kustomize/postgres/postgres.yaml', 16, 30, 'spec.proxy.pgBouncer.config.global.default_pool_size', 'max_size', 25, 25, LITERAL, 'any', 'pgbouncer'),
    ],
    "cloudnative-pg": [
        ('deploy/pooler.yaml', 14, 26, 'spec.pgbouncer.parameters.default_pool_size', 'max_size', 10, 10, LITERAL, 'any', 'pgbouncer'),
    ],
    "percona-pg": [
        ('deploy/cr.yaml', 14, 30, 'spec.proxy.pgBouncer.config.global.default_pool_size', 'max_size', 40, 40, LITERAL, 'any', 'pgbouncer'),
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

POOLER_BLOCKS = [  # PgBouncer's keys wherever a pooler block nests them
    pytest.param(
        "yaml", "pooler.yaml", "apiVersion: postgresql.cnpg.io/v1\nkind: Pooler\nmetadata:\n  name: p\nspec:\n"
        "  instances: 3\n  pgbouncer:\n    poolMode: session\n    parameters:\n      max_client_conn: '1000'\n"
        "      default_pool_size: '10'\n      min_pool_size: '2'\n      reserve_pool_size: '5'\n",
        [("spec.pgbouncer.parameters.default_pool_size", 11, "max_size", 10),
         ("spec.pgbouncer.parameters.min_pool_size", 12, "min_idle", 2),
         ("spec.pgbouncer.parameters.reserve_pool_size", 13, "overflow", 5)],
        id="cloudnative-pg-pooler-parameters",
    ),
    pytest.param(
        "yaml", "postgres.yaml", "apiVersion: postgres-operator.crunchydata.com/v1beta1\nkind: PostgresCluster\n"
        "metadata:\n  name: hippo\nspec:\n  proxy:\n    pgBouncer:\n      replicas: 2\n      config:\n"
        "        global:\n          default_pool_size: \"25\"\n          max_client_conn: \"1000\"\n",
        [("spec.proxy.pgBouncer.config.global.default_pool_size", 11, "max_size", 25)],
        id="crunchy-pgbouncer-config-global",
    ),
    pytest.param(
        "yaml", "chart/values.yaml", "pgbouncer:\n  enabled: true\n  config:\n    defaultPoolSize: 20\n"
        "redis:\n  pool:\n    size: 8\n",
        [("pgbouncer.config.defaultPoolSize", 4, "max_size", 20)],
        id="helm-values-camel-case-under-a-pooler",
    ),
    pytest.param(
        "yaml", "cluster.yaml", "apiVersion: acid.zalan.do/v1\nkind: postgresql\nmetadata:\n  name: acid\nspec:\n"
        "  connectionPooler:\n    numberOfInstances: 2\n    maxDBConnections: 60\n",
        [("spec.connectionPooler.maxDBConnections", 8, "max_size", 60)],
        id="a-word-of-the-block-name-says-pooler",
    ),
]


@pytest.mark.parametrize(("kind", "path", "text", "expected"), POOLER_BLOCKS)
def test_pooler_keys_nested_in_a_pooler_block(
    kind: str, path: str, text: str, expected: list[tuple[str, int, str, object]]
) -> None:
    assert _found(kind, path, text) == expected
    assert {s.framework for s in sources.get(kind).extract(path, text).settings} == {"pgbouncer"}


def test_pgbouncer_keys_outside_a_pooler_block_are_not_pool_settings() -> None:
    text = "apiVersion: postgresql.cnpg.io/v1\nkind: Cluster\nmetadata:\n  name: c\nspec:\n  postgresql:\n" \
        "    parameters:\n      max_connections: '300'\n      default_pool_size: '10'\n"
    assert _found("yaml", "cluster.yaml", text) == []


NAMED_DATASOURCE_DBCP = [  # the Boot docs' second DataSource is a DBCP2 BasicDataSource
    pytest.param(
        "yaml", "application.yml", "app:\n  datasource:\n    second:\n      url: jdbc:mysql://localhost/second\n"
        "      max-total: 30\n      maxActive: 12\n",
        [("app.datasource.second.max-total", 5, "max_size", 30), ("app.datasource.second.maxActive", 6, "max_size", 12)],
        id="yaml-custom-prefix",
    ),
    pytest.param(
        "properties", "application.properties", "app.datasource.second.max-total=30\n",
        [("app.datasource.second.max-total", 1, "max_size", 30)],
        id="properties-custom-prefix",
    ),
    pytest.param(  # another pool library's namespace (Druid's starter), as properties leave it
        "yaml", "application.yml", "spring:\n  datasource:\n    druid:\n      max-active: 20\n      max-wait: 60000\n",
        [],
        id="spring-datasource-druid-is-not-read",
    ),
]


@pytest.mark.parametrize(("kind", "path", "text", "expected"), NAMED_DATASOURCE_DBCP)
def test_named_datasource_with_tomcat_or_dbcp2_keys(
    kind: str, path: str, text: str, expected: list[tuple[str, int, str, object]]
) -> None:
    assert _found(kind, path, text) == expected
    notes = {s.note for s in sources.get(kind).extract(path, text).settings}
    assert all(n and "code" in n for n in notes)


JPA_HIBERNATE = [  # Boot gives Hibernate its DataSource: these keys are reported as configuring nothing
    pytest.param(
        "yaml", "application.yml", "spring:\n  jpa:\n    properties:\n      hibernate:\n        hikari:\n"
        "          maximumPoolSize: 12\n        jdbc:\n          batch_size: 50\n",
        [("spring.jpa.properties.hibernate.hikari.maximumPoolSize", 6, "max_size", 12)],
        id="yaml",
    ),
    pytest.param(
        "properties", "application.properties", "spring.jpa.properties.hibernate.hikari.minimumIdle=2\n"
        "spring.jpa.properties.hibernate.c3p0.max_size=5\nspring.jpa.properties.hibernate.jdbc.batch_size=50\n",
        [("spring.jpa.properties.hibernate.hikari.minimumIdle", 1, "min_idle", 2),
         ("spring.jpa.properties.hibernate.c3p0.max_size", 2, "max_size", 5)],
        id="properties",
    ),
]


@pytest.mark.parametrize(("kind", "path", "text", "expected"), JPA_HIBERNATE)
def test_hibernate_pool_keys_under_spring_jpa_properties(
    kind: str, path: str, text: str, expected: list[tuple[str, int, str, object]]
) -> None:
    assert _found(kind, path, text) == expected
    for setting in sources.get(kind).extract(path, text).settings:
        assert setting.framework == "hibernate"
        assert setting.note is not None and setting.note.startswith("not applied by Spring Boot")
