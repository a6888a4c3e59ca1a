"""The YAML source on JVM configs: Spring Boot (Hikari, Tomcat, DBCP2, UCP, R2DBC; relaxed
binding; profiles; placeholders; dead legacy keys), custom prefixes, Micronaut, Quarkus and
Dropwizard."""

from __future__ import annotations

import pytest

from poolaudit.model import Provenance, Setting
from poolaudit.sources import yaml as source

LIT, DEF, UNRES = Provenance.LITERAL, Provenance.ENV_DEFAULT, Provenance.UNRESOLVED
APP = "src/main/resources/application.yml"


def facts(text: str, s: Setting) -> tuple[object, ...]:
    """What a user sees of a setting; the span and origin are checked against the text."""
    assert s.span is not None
    assert text[s.span.start : s.span.end] == s.raw
    origin = None
    if s.origin is not None:
        origin = text[s.origin.span.start : s.origin.span.end]
        line_start = text.rfind("\n", 0, s.origin.span.start) + 1
        assert (s.origin.line, s.origin.column) == (text.count("\n", 0, s.origin.span.start) + 1, s.origin.span.start - line_start + 1)
    return (
        s.line, s.column, s.raw, s.key, s.canonical, s.written, s.value, s.provenance,
        s.env_var, s.unit, s.environment, s.framework, origin,
    )


def only(path: str, text: str) -> tuple[object, ...]:
    settings = source.extract(path, text).settings
    assert len(settings) == 1, [s.key for s in settings]
    assert (settings[0].path, settings[0].kind) == (path, "yaml")
    return facts(text, settings[0])


SPRING = [
    pytest.param(
        APP,
        "spring:\n  datasource:\n    hikari:\n      maximum-pool-size: 10\n",
        (4, 26, "10", "spring.datasource.hikari.maximum-pool-size", "max_size", 10, 10, LIT, None, None, "any", "spring", "10"),
        id="hikari-nested-kebab",
    ),
    pytest.param(
        APP,
        "spring:\n  datasource:\n    hikari:\n      maximumPoolSize: 12\n",
        (4, 24, "12", "spring.datasource.hikari.maximumPoolSize", "max_size", 12, 12, LIT, None, None, "any", "spring", "12"),
        id="hikari-camel",
    ),
    pytest.param(
        APP,
        "spring:\n  datasource:\n    hikari:\n      maximum_pool_size: 8\n",
        (4, 26, "8", "spring.datasource.hikari.maximum_pool_size", "max_size", 8, 8, LIT, None, None, "any", "spring", "8"),
        id="hikari-underscore",
    ),
    pytest.param(
        APP,
        "spring.datasource.hikari.maximum-pool-size: 10\n",
        (1, 45, "10", "spring.datasource.hikari.maximum-pool-size", "max_size", 10, 10, LIT, None, None, "any", "spring", "10"),
        id="hikari-flat-key",
    ),
    pytest.param(
        APP,
        "spring:\n  datasource.hikari:\n    maximum-pool-size: '15'\n",
        (3, 24, "'15'", "spring.datasource.hikari.maximum-pool-size", "max_size", 15, 15, LIT, None, None, "any", "spring", "15"),
        id="hikari-partly-flat-single-quoted",
    ),
    pytest.param(
        APP,
        'spring:\n  datasource:\n    hikari:\n      maximum-pool-size: "${DB_POOL_SIZE:20}"\n',
        (4, 26, '"${DB_POOL_SIZE:20}"', "spring.datasource.hikari.maximum-pool-size", "max_size", 20, 20, DEF, "DB_POOL_SIZE", None, "any", "spring", "20"),
        id="placeholder-quoted",
    ),
    pytest.param(
        APP,
        "spring:\n  datasource:\n    hikari:\n      maximum-pool-size: ${DB_POOL_SIZE:20}\n",
        (4, 26, "${DB_POOL_SIZE:20}", "spring.datasource.hikari.maximum-pool-size", "max_size", 20, 20, DEF, "DB_POOL_SIZE", None, "any", "spring", "20"),
        id="placeholder-default",
    ),
    pytest.param(
        APP,
        "spring:\n  datasource:\n    hikari:\n      maximum-pool-size: ${DB_POOL_SIZE}\n",
        (4, 26, "${DB_POOL_SIZE}", "spring.datasource.hikari.maximum-pool-size", "max_size", None, None, UNRES, "DB_POOL_SIZE", None, "any", "spring", None),
        id="placeholder-no-default",
    ),
    pytest.param(
        APP,
        "spring:\n  datasource:\n    hikari:\n      maximum-pool-size: ${POOL:${DB_POOL:9}}\n",
        (4, 26, "${POOL:${DB_POOL:9}}", "spring.datasource.hikari.maximum-pool-size", "max_size", 9, 9, DEF, "POOL", None, "any", "spring", "9"),
        id="placeholder-nested-default",
    ),
    pytest.param(
        APP,
        "spring:\n  datasource:\n    hikari:\n      connection-timeout: 30000\n",
        (4, 27, "30000", "spring.datasource.hikari.connection-timeout", "acquire_timeout", 30, 30, LIT, None, "ms", "any", "spring", "30000"),
        id="hikari-ms-to-seconds",
    ),
    pytest.param(
        APP,
        "spring:\n  datasource:\n    hikari:\n      connectionTimeout: ${DB_TIMEOUT:2500}\n",
        (4, 26, "${DB_TIMEOUT:2500}", "spring.datasource.hikari.connectionTimeout", "acquire_timeout", 2.5, 2.5, DEF, "DB_TIMEOUT", "ms", "any", "spring", "2500"),
        id="hikari-ms-placeholder",
    ),
    pytest.param(
        APP,
        "spring:\n  datasource:\n    hikari:\n      max-lifetime: 1800000\n",
        (4, 21, "1800000", "spring.datasource.hikari.max-lifetime", "recycle", 1800, 1800, LIT, None, "ms", "any", "spring", "1800000"),
        id="hikari-max-lifetime",
    ),
    pytest.param(
        APP,
        "spring:\n  datasource:\n    hikari:\n      minimum-idle: 2\n",
        (4, 21, "2", "spring.datasource.hikari.minimum-idle", "min_idle", 2, 2, LIT, None, None, "any", "spring", "2"),
        id="hikari-minimum-idle",
    ),
    pytest.param(
        APP,
        "spring:\n  datasource:\n    tomcat:\n      max-active: 50\n",
        (4, 19, "50", "spring.datasource.tomcat.max-active", "max_size", 50, 50, LIT, None, None, "any", "spring", "50"),
        id="tomcat-max-active",
    ),
    pytest.param(
        APP,
        "spring:\n  datasource:\n    tomcat:\n      max-wait: 10000\n",
        (4, 17, "10000", "spring.datasource.tomcat.max-wait", "acquire_timeout", 10, 10, LIT, None, "ms", "any", "spring", "10000"),
        id="tomcat-max-wait",
    ),
    pytest.param(
        APP,
        "spring:\n  datasource:\n    dbcp2:\n      max-total: 8\n",
        (4, 18, "8", "spring.datasource.dbcp2.max-total", "max_size", 8, 8, LIT, None, None, "any", "spring", "8"),
        id="dbcp2-max-total",
    ),
    pytest.param(
        APP,
        "spring:\n  datasource:\n    oracleucp:\n      max-pool-size: 30\n",
        (4, 22, "30", "spring.datasource.oracleucp.max-pool-size", "max_size", 30, 30, LIT, None, None, "any", "spring", "30"),
        id="oracle-ucp",
    ),
    pytest.param(
        APP,
        "spring:\n  r2dbc:\n    pool:\n      max-size: 20\n",
        (4, 17, "20", "spring.r2dbc.pool.max-size", "max_size", 20, 20, LIT, None, None, "any", "spring", "20"),
        id="r2dbc-pool",
    ),
    pytest.param(
        "src/main/resources/application-prod.yml",
        "spring:\n  datasource:\n    hikari:\n      maximum-pool-size: 30\n",
        (4, 26, "30", "spring.datasource.hikari.maximum-pool-size", "max_size", 30, 30, LIT, None, None, "production", "spring", "30"),
        id="profile-file-prod",
    ),
    pytest.param(
        "config/application-test.yaml",
        "spring:\n  datasource:\n    hikari:\n      maximum-pool-size: 2\n",
        (4, 26, "2", "spring.datasource.hikari.maximum-pool-size", "max_size", 2, 2, LIT, None, None, "test", "spring", "2"),
        id="profile-file-test",
    ),
    pytest.param(
        "src/main/resources/bootstrap-staging.yml",
        "spring.datasource.hikari.minimum-idle: 1\n",
        (1, 40, "1", "spring.datasource.hikari.minimum-idle", "min_idle", 1, 1, LIT, None, None, "staging", "spring", "1"),
        id="bootstrap-profile-file",
    ),
]


@pytest.mark.parametrize(("path", "text", "expected"), SPRING)
def test_spring_setting(path: str, text: str, expected: tuple[object, ...]) -> None:
    assert only(path, text) == expected


DEAD_OR_CUSTOM = [
    pytest.param(
        "spring:\n  datasource:\n    maximum-pool-size: 8\n",
        ("spring.datasource.maximum-pool-size", 8, "not bound by Spring Boot 2+"),
        id="legacy-spring-datasource",
    ),
    pytest.param(
        "spring:\n  hikari:\n    maximum-pool-size: 8\n",
        ("spring.hikari.maximum-pool-size", 8, "not bound by Spring Boot 2+"),
        id="wrong-prefix-spring-hikari",
    ),
    pytest.param(
        "app:\n  datasource:\n    primary:\n      hikari:\n        maximum-pool-size: 25\n",
        ("app.datasource.primary.hikari.maximum-pool-size", 25, "binding needs code confirmation"),
        id="custom-prefix-hikari",
    ),
    pytest.param(
        "ecom.txpg.hikari.maximum-pool-size: 6\n",
        ("ecom.txpg.hikari.maximum-pool-size", 6, "binding needs code confirmation"),
        id="custom-flat-prefix",
    ),
    pytest.param(
        "spring:\n  datasource:\n    reporting:\n      hikari:\n        maximumPoolSize: 4\n",
        ("spring.datasource.reporting.hikari.maximumPoolSize", 4, "binding needs code confirmation"),
        id="named-datasource-under-spring",
    ),
    pytest.param(
        "app:\n  datasource:\n    maximum-pool-size: 14\n",
        ("app.datasource.maximum-pool-size", 14, "binding needs code confirmation"),
        id="custom-datasource-hikari-key",
    ),
]


@pytest.mark.parametrize(("text", "expected"), DEAD_OR_CUSTOM)
def test_dead_and_custom_keys_are_settings_with_a_note(text: str, expected: tuple[str, int, str]) -> None:
    (s,) = source.extract(APP, text).settings
    key, written, note = expected
    assert (s.key, s.written, s.framework) == (key, written, "spring")
    assert s.note is not None and note in s.note


def test_multi_document_profiles() -> None:
    text = (
        "spring:\n  datasource:\n    hikari:\n      maximum-pool-size: 10\n"
        "---\nspring:\n  config:\n    activate:\n      on-profile: prod\n  datasource:\n    hikari:\n      maximum-pool-size: 40\n"
        "---\nspring:\n  profiles: test\n  datasource.hikari.maximum-pool-size: 2\n"
        "---\nspring.config.activate.on-profile: '!prod'\nspring.datasource.hikari.maximum-pool-size: 7\n"
    )
    found = [(s.line, s.written, s.environment) for s in source.extract(APP, text).settings]
    assert found == [(4, 10, "any"), (12, 40, "production"), (16, 2, "test"), (19, 7, "any")]


def test_profile_document_in_profile_file_and_spring_active_profiles() -> None:
    # `spring.profiles.active` chooses profiles; it does not make its document a profile's.
    text = "spring:\n  profiles:\n    active: prod\n  datasource.hikari.maximum-pool-size: 5\n"
    (s,) = source.extract(APP, text).settings
    assert s.environment == "any"


def test_crlf_spring_file() -> None:
    text = "spring:\r\n  datasource:\r\n    hikari:\r\n      maximum-pool-size: ${DB_POOL_SIZE:10}\r\n      minimum-idle: 2\r\n"
    settings = source.extract(APP, text).settings
    assert [facts(text, s)[:4] for s in settings] == [
        (4, 26, "${DB_POOL_SIZE:10}", "spring.datasource.hikari.maximum-pool-size"),
        (5, 21, "2", "spring.datasource.hikari.minimum-idle"),
    ]
    origin = settings[0].origin
    assert origin is not None and (origin.line, origin.column) == (4, 41)


def test_hikari_duration_string_is_flagged_in_the_note() -> None:
    (s,) = source.extract(APP, "spring.datasource.hikari.connection-timeout: 30s\n").settings
    assert (s.written, s.unit) == (30, "duration")
    assert s.note is not None and "milliseconds" in s.note


def test_non_numeric_spring_value_is_reported_unresolved() -> None:
    (s,) = source.extract(APP, "spring.datasource.hikari.maximum-pool-size: lots\n").settings
    assert (s.provenance, s.written, s.value, s.origin) == (UNRES, None, None, None)


OTHER_JVM = [
    pytest.param(
        APP,
        "datasources:\n  default:\n    maximum-pool-size: 10\n",
        (3, 24, "10", "datasources.default.maximum-pool-size", "max_size", 10, 10, LIT, None, None, "any", "micronaut", "10"),
        id="micronaut",
    ),
    pytest.param(
        APP,
        "datasources:\n  reports:\n    connectionTimeout: 5000\n",
        (3, 24, "5000", "datasources.reports.connectionTimeout", "acquire_timeout", 5, 5, LIT, None, "ms", "any", "micronaut", "5000"),
        id="micronaut-named-timeout",
    ),
    pytest.param(
        APP,
        "quarkus:\n  datasource:\n    jdbc:\n      max-size: 16\n",
        (4, 17, "16", "quarkus.datasource.jdbc.max-size", "max_size", 16, 16, LIT, None, None, "any", "quarkus", "16"),
        id="quarkus-default-datasource",
    ),
    pytest.param(
        APP,
        "quarkus:\n  datasource:\n    users:\n      reactive:\n        max-size: ${USERS_POOL:8}\n",
        (5, 19, "${USERS_POOL:8}", "quarkus.datasource.users.reactive.max-size", "max_size", 8, 8, DEF, "USERS_POOL", None, "any", "quarkus", "8"),
        id="quarkus-named-reactive",
    ),
    pytest.param(
        APP,
        '"%prod":\n  quarkus:\n    datasource:\n      jdbc:\n        max-size: 32\n',
        (5, 19, "32", '%prod.quarkus.datasource.jdbc.max-size', "max_size", 32, 32, LIT, None, None, "production", "quarkus", "32"),
        id="quarkus-profile-key",
    ),
    pytest.param(
        APP,
        "quarkus.datasource.jdbc.acquisition-timeout: 5S\n",
        (1, 46, "5S", "quarkus.datasource.jdbc.acquisition-timeout", "acquire_timeout", 5, 5, LIT, None, "duration", "any", "quarkus", "5S"),
        id="quarkus-duration",
    ),
    pytest.param(
        "config.yml",
        "server:\n  applicationConnectors: []\ndatabase:\n  driverClass: org.postgresql.Driver\n  url: jdbc:postgresql://db/x\n  maxSize: 32\n",
        (6, 12, "32", "database.maxSize", "max_size", 32, 32, LIT, None, None, "any", "dropwizard", "32"),
        id="dropwizard-max-size",
    ),
    pytest.param(
        "config.yml",
        "database:\n  driverClass: org.postgresql.Driver\n  maxWaitForConnection: 1s\n",
        (3, 25, "1s", "database.maxWaitForConnection", "acquire_timeout", 1, 1, LIT, None, "duration", "any", "dropwizard", "1s"),
        id="dropwizard-duration",
    ),
    pytest.param(
        "config.yml",
        "database:\n  driverClass: org.postgresql.Driver\n  minSize: ${DB_MIN:-4}\n",
        (3, 12, "${DB_MIN:-4}", "database.minSize", "min_idle", 4, 4, DEF, "DB_MIN", None, "any", "dropwizard", "4"),
        id="dropwizard-substitution",
    ),
]


@pytest.mark.parametrize(("path", "text", "expected"), OTHER_JVM)
def test_other_jvm_frameworks(path: str, text: str, expected: tuple[object, ...]) -> None:
    assert only(path, text) == expected


NOT_SETTINGS = [
    pytest.param("spring:\n  datasource:\n    hikari:\n      pool-name: orders-pool\n", id="pool-name"),
    pytest.param("spring:\n  datasource:\n    hikari:\n      data-source-properties:\n        maxPoolSize: 5\n", id="driver-properties"),
    pytest.param("spring:\n  task:\n    execution:\n      pool:\n        max-size: 16\n        core-size: 8\n", id="task-execution-pool"),
    pytest.param("spring:\n  task:\n    scheduling:\n      pool:\n        size: 4\n", id="task-scheduling-pool"),
    pytest.param("spring.task.execution.pool.max-size: 16\n", id="task-execution-flat"),
    pytest.param("server:\n  tomcat:\n    threads:\n      max: 200\n    max-connections: 8192\n", id="server-tomcat-threads"),
    pytest.param("spring:\n  redis:\n    lettuce:\n      pool:\n        max-active: 8\n", id="spring-redis"),
    pytest.param("spring:\n  data:\n    redis:\n      lettuce:\n        pool:\n          max-active: 8\n          max-idle: 8\n", id="spring-data-redis"),
    pytest.param("spring:\n  datasource:\n    hikari: {}\n", id="empty-hikari-block-invents-nothing"),
    pytest.param("spring:\n  datasource:\n    url: jdbc:postgresql://db:5432/x\n    hikari:\n      auto-commit: false\n", id="hikari-without-pool-keys"),
    pytest.param("spring:\n  datasource:\n    hikari:\n      maximum-pool-size:\n", id="empty-value"),
    pytest.param("# spring.datasource.hikari.maximum-pool-size: 50\nspring:\n  application:\n    name: x\n", id="commented-out"),
    pytest.param("spring:\n  kafka:\n    consumer:\n      max-poll-records: 100\n", id="kafka"),
    pytest.param("quarkus:\n  datasource:\n    db-kind: postgresql\n    jdbc:\n      url: jdbc:postgresql://db/x\n", id="quarkus-without-pool"),
    pytest.param("quarkus:\n  thread-pool:\n    max-threads: 100\n", id="quarkus-thread-pool"),
    pytest.param("micronaut:\n  executors:\n    io:\n      n-threads: 75\n", id="micronaut-executors"),
]


@pytest.mark.parametrize("text", NOT_SETTINGS)
def test_look_alikes_are_not_settings(text: str) -> None:
    assert source.extract(APP, text).settings == []
