"""The YAML source on JVM configs: Spring Boot (Hikari, Tomcat, DBCP2, UCP, R2DBC; relaxed
binding; profiles; placeholders; dead legacy keys), custom prefixes, Micronaut, Quarkus and
Dropwizard."""

from __future__ import annotations

import pytest

from poolaudit.model import Provenance, Setting
from poolaudit.sources import yaml as source
from ._facts import CORE, setting_facts

LIT, DEF, UNRES = Provenance.LITERAL, Provenance.ENV_DEFAULT, Provenance.UNRESOLVED
APP = "src/main/resources/application.yml"


def facts(text: str, s: Setting) -> tuple[object, ...]:
    """What a user sees of a setting; the span and origin are checked against the text."""
    return setting_facts(text, s, CORE + ("environment", "framework", "origin"), origin_position=True)


def written(path: str, text: str) -> list[Setting]:
    """The settings written in the text (a hikari block without a size also reports HikariCP's
    default: see the library-default tests below)."""
    return [s for s in source.extract(path, text).settings if s.provenance is not Provenance.LIBRARY_DEFAULT]


def only(path: str, text: str) -> tuple[object, ...]:
    settings = written(path, text)
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
    pytest.param(
        "spring:\n  datasource:\n    secondary:\n      jdbc-url: jdbc:postgresql://db2/rep\n"
        "      maximum-pool-size: 3\n",
        ("spring.datasource.secondary.maximum-pool-size", 3, "binding needs code confirmation"),
        id="named-datasource-hikari-keys-directly",
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
    assert written(APP, text) == []


# ------------------------------------------------ HikariCP's default size for a block without one

DEFAULT = Provenance.LIBRARY_DEFAULT


def default_of(path: str, text: str) -> Setting:
    """The one library-default setting the text yields; checks the fields every one shares."""
    (s,) = [s for s in source.extract(path, text).settings if s.provenance is DEFAULT]
    assert (s.path, s.kind, s.span, s.raw, s.origin, s.canonical) == (path, "yaml", None, "", None, "max_size")
    assert (s.value, s.written, s.framework, s.note, s.env_var, s.unit) == (10, 10, "spring", "HikariCP default", None, None)
    assert s.insertion is not None and s.insertion.path == path
    return s


def inserted(text: str, s: Setting, value: int = 20) -> str:
    assert s.insertion is not None
    return text[: s.insertion.offset] + s.insertion.template.format(value=value) + text[s.insertion.offset :]


HIKARI_DEFAULTS = [
    pytest.param(
        APP,
        "spring:\n  datasource:\n    hikari:\n      minimum-idle: 2\n      connection-timeout: 30000\nother: x\n",
        (3, 5, "spring.datasource.hikari.maximum-pool-size", "any"),
        "spring:\n  datasource:\n    hikari:\n      minimum-idle: 2\n      connection-timeout: 30000\n"
        "      maximum-pool-size: 20\nother: x\n",
        id="nested-kebab",
    ),
    pytest.param(
        APP,
        "spring:\r\n  datasource:\r\n    hikari:\r\n      minimumIdle: 2\r\n      connectionTimeout: 30000\r\n",
        (3, 5, "spring.datasource.hikari.maximumPoolSize", "any"),
        "spring:\r\n  datasource:\r\n    hikari:\r\n      minimumIdle: 2\r\n      connectionTimeout: 30000\r\n"
        "      maximumPoolSize: 20\r\n",
        id="crlf-camel-siblings",
    ),
    pytest.param(
        APP,
        "spring:\n    datasource:\n        hikari:\n            minimum_idle: 2\n",
        (3, 9, "spring.datasource.hikari.maximum_pool_size", "any"),
        "spring:\n    datasource:\n        hikari:\n            minimum_idle: 2\n            maximum_pool_size: 20\n",
        id="four-space-indent-snake-siblings",
    ),
    pytest.param(
        APP,
        "spring:\n  datasource:\n    hikari:\n      connection-timeout: 30000  # keep in sync with the LB\n  jpa:\n    open-in-view: false\n",
        (3, 5, "spring.datasource.hikari.maximum-pool-size", "any"),
        "spring:\n  datasource:\n    hikari:\n      connection-timeout: 30000  # keep in sync with the LB\n"
        "      maximum-pool-size: 20\n  jpa:\n    open-in-view: false\n",
        id="after-the-trailing-comment-of-the-last-line",
    ),
    pytest.param(
        APP,
        "spring:\n  datasource.hikari:\n    pool-name: orders",
        (2, 3, "spring.datasource.hikari.maximum-pool-size", "any"),
        "spring:\n  datasource.hikari:\n    pool-name: orders\n    maximum-pool-size: 20",
        id="partly-dotted-no-trailing-newline",
    ),
    pytest.param(
        APP,
        "spring.datasource.hikari:\n  minimum-idle: 2\n  data-source-properties:\n    cachePrepStmts: true\n# tuning\nserver:\n  port: 8080\n",
        (1, 1, "spring.datasource.hikari.maximum-pool-size", "any"),
        "spring.datasource.hikari:\n  minimum-idle: 2\n  data-source-properties:\n    cachePrepStmts: true\n"
        "  maximum-pool-size: 20\n# tuning\nserver:\n  port: 8080\n",
        id="dotted-block-ending-in-a-nested-mapping",
    ),
    pytest.param(
        APP,
        "spring:\n  datasource:\n    url: jdbc:postgresql://db:5432/x\n    hikari:\n      auto-commit: false\n      tags:\n        - a\n        - b\n",
        (4, 5, "spring.datasource.hikari.maximum-pool-size", "any"),
        "spring:\n  datasource:\n    url: jdbc:postgresql://db:5432/x\n    hikari:\n      auto-commit: false\n"
        "      tags:\n        - a\n        - b\n      maximum-pool-size: 20\n",
        id="block-ending-in-a-sequence",
    ),
    pytest.param(
        "src/main/resources/application-prod.yml",
        "spring:\n  datasource:\n    hikari:\n      connection-timeout: 30000\n",
        (3, 5, "spring.datasource.hikari.maximum-pool-size", "production"),
        "spring:\n  datasource:\n    hikari:\n      connection-timeout: 30000\n      maximum-pool-size: 20\n",
        id="profile-file",
    ),
    pytest.param(
        "config/application-test.yml",
        "spring:\n  datasource:\n    hikari:\n      connection-timeout: 1000\n",
        (3, 5, "spring.datasource.hikari.maximum-pool-size", "test"),
        "spring:\n  datasource:\n    hikari:\n      connection-timeout: 1000\n      maximum-pool-size: 20\n",
        id="test-profile-is-reported-the-policy-skips-it",
    ),
]


@pytest.mark.parametrize(("path", "text", "expected", "after"), HIKARI_DEFAULTS)
def test_hikari_block_without_a_size_reports_the_library_default(
    path: str, text: str, expected: tuple[object, ...], after: str
) -> None:
    s = default_of(path, text)
    assert (s.line, s.column, s.key, s.environment) == expected
    assert s.pool == "spring.datasource.hikari"
    assert {w.pool for w in written(path, text)} <= {s.pool}  # the block's own settings: one pool
    assert inserted(text, s) == after
    # The inserted text is the setting the source then finds, and no default is left.
    (size,) = [w for w in source.extract(path, after).settings if w.canonical == "max_size"]
    assert (size.key, size.written, size.provenance, size.pool, size.environment) == (s.key, 20, LIT, s.pool, s.environment)


def test_profile_document_gets_its_own_default() -> None:
    text = (
        "spring:\n  datasource:\n    hikari:\n      maximum-pool-size: 30\n"
        "---\nspring:\n  config:\n    activate:\n      on-profile: test\n  datasource:\n    hikari:\n      minimum-idle: 1\n"
    )
    # The default document's size applies to the test profile too: no default there.
    assert [s.provenance for s in source.extract(APP, text).settings if s.canonical == "max_size"] == [LIT]
    text = (
        "spring:\n  datasource:\n    hikari:\n      minimum-idle: 2\n"
        "---\nspring:\n  config:\n    activate:\n      on-profile: prod\n  datasource:\n    hikari:\n      maximum-pool-size: 40\n"
        "---\nspring.config.activate.on-profile: staging\nspring.datasource.hikari:\n  minimum-idle: 1\n"
    )
    found = [(s.line, s.provenance, s.written, s.environment) for s in source.extract(APP, text).settings if s.canonical == "max_size"]
    assert found == [(3, DEFAULT, 10, "any"), (12, LIT, 40, "production"), (15, DEFAULT, 10, "staging")]


NO_DEFAULT = [
    pytest.param(APP, "spring:\n  datasource:\n    hikari: {}\n", id="empty-flow-block"),
    pytest.param(APP, "spring:\n  datasource:\n    hikari:\n", id="empty-block"),
    pytest.param(APP, "spring:\n  datasource:\n    hikari: {minimum-idle: 2}\n", id="flow-mapping"),
    pytest.param(APP, "spring: {datasource: {hikari: {minimum-idle: 2}}}\n", id="flow-document"),
    pytest.param(APP, "base: &pool\n  minimum-idle: 2\nspring:\n  datasource:\n    hikari: *pool\n", id="alias"),
    pytest.param(APP, "spring:\n  datasource:\n    hikari: &pool\n      minimum-idle: 2\nother: *pool\n", id="anchored"),
    pytest.param(APP, "base: &ds\n  hikari:\n    minimum-idle: 2\nspring:\n  datasource: *ds\n", id="aliased-parent"),
    pytest.param(APP, "base: &b\n  minimum-idle: 2\nspring:\n  datasource:\n    hikari:\n      <<: *b\n", id="merge"),
    pytest.param(APP, "spring:\n  datasource:\n    hikari:\n      maximum-pool-size: 12\n", id="kebab-size"),
    pytest.param(APP, "spring:\n  datasource:\n    hikari:\n      maximumPoolSize: 12\n", id="camel-size"),
    pytest.param(APP, "spring:\n  datasource:\n    hikari:\n      maximum_pool_size: 12\n", id="snake-size"),
    pytest.param(APP, "spring:\n  datasource:\n    hikari:\n      maximum-pool-size: ${DB_POOL}\n", id="unresolved-size"),
    pytest.param(APP, "spring:\n  datasource:\n    hikari:\n      maximum-pool-size:\n", id="empty-size-value"),
    pytest.param(APP, "spring:\n  datasource:\n    hikari:\n      minimum-idle: 2\nspring.datasource.hikari.maximum-pool-size: 12\n",
                 id="size-in-a-flat-key-beside-the-block"),
    pytest.param(APP, "spring.datasource.hikari.maximum-pool-size: 12\n---\nspring.config.activate.on-profile: prod\n"
                 "spring:\n  datasource:\n    hikari:\n      minimum-idle: 3\n", id="size-in-the-default-document"),
    pytest.param(APP, "spring:\n  datasource:\n    hikari:\n      minimum-idle: 3\n---\nspring.datasource.hikari.maximum-pool-size: 12\n",
                 id="size-in-a-later-default-document"),
    pytest.param(APP, "spring:\n  datasource:\n    tomcat:\n      min-idle: 2\n", id="tomcat"),
    pytest.param(APP, "spring:\n  datasource:\n    dbcp2:\n      max-wait-millis: 5000\n", id="dbcp2"),
    pytest.param(APP, "spring:\n  hikari:\n    minimum-idle: 2\n", id="wrong-prefix"),
    pytest.param(APP, "app:\n  datasource:\n    hikari:\n      minimum-idle: 2\n", id="custom-prefix"),
    pytest.param(APP, "spring:\n  datasource:\n    reporting:\n      hikari:\n        minimum-idle: 2\n", id="named-datasource"),
    pytest.param("charts/api/values.yaml", "spring:\n  datasource:\n    hikari:\n      minimum-idle: 2\n", id="helm-values"),
    pytest.param(APP, "# spring:\n#   datasource:\n#     hikari:\n#       minimum-idle: 2\nx: 1\n", id="commented-out"),
]


@pytest.mark.parametrize(("path", "text"), NO_DEFAULT)
def test_no_library_default_is_invented(path: str, text: str) -> None:
    assert [s.key for s in source.extract(path, text).settings if s.provenance is DEFAULT] == []


def test_block_whose_end_cannot_be_told_reports_the_default_without_an_insertion() -> None:
    text = "spring:\n  datasource:\n    hikari:\n      connection-init-sql: |\n        select 1\n\nother: x\n"
    (s,) = [s for s in source.extract(APP, text).settings if s.provenance is DEFAULT]
    assert (s.line, s.written, s.insertion) == (3, 10, None)
