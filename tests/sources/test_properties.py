"""The Java `.properties` source: Spring Boot, Quarkus, Micronaut, Hibernate, raw HikariCP."""

from __future__ import annotations

import pytest

from poolaudit.errors import SourceError
from poolaudit.model import Provenance, Setting, Suppression
from poolaudit.sources import properties
from ._facts import CORE, setting_facts

LIT, DEF, UNRES = Provenance.LITERAL, Provenance.ENV_DEFAULT, Provenance.UNRESOLVED
APP = "src/main/resources/application.properties"


def facts(text: str, s: Setting) -> tuple[object, ...]:
    return setting_facts(text, s, CORE + ("origin", "environment", "framework"))


SPELLINGS = [
    pytest.param(
        "spring.datasource.hikari.maximum-pool-size=20\n",
        (
            1,
            44,
            "20",
            "spring.datasource.hikari.maximum-pool-size",
            "max_size",
            20,
            20,
            LIT,
            None,
            None,
            "20",
            "any",
            "spring",
        ),
        id="spring-kebab",
    ),
    pytest.param(
        "spring.datasource.hikari.maximumPoolSize = 20\n",
        (
            1,
            44,
            "20",
            "spring.datasource.hikari.maximumPoolSize",
            "max_size",
            20,
            20,
            LIT,
            None,
            None,
            "20",
            "any",
            "spring",
        ),
        id="spring-camel-spaces",
    ),
    pytest.param(
        "spring.datasource.hikari.minimum_idle: 2\n",
        (
            1,
            40,
            "2",
            "spring.datasource.hikari.minimum_idle",
            "min_idle",
            2,
            2,
            LIT,
            None,
            None,
            "2",
            "any",
            "spring",
        ),
        id="spring-underscore-colon",
    ),
    pytest.param(
        "spring.datasource.hikari.connection-timeout 30000\n",
        (
            1,
            45,
            "30000",
            "spring.datasource.hikari.connection-timeout",
            "acquire_timeout",
            30,
            30,
            LIT,
            None,
            "ms",
            "30000",
            "any",
            "spring",
        ),
        id="spring-ms-whitespace-separator",
    ),
    pytest.param(
        "spring.datasource.hikari.max-lifetime=1800000\n",
        (
            1,
            39,
            "1800000",
            "spring.datasource.hikari.max-lifetime",
            "recycle",
            1800,
            1800,
            LIT,
            None,
            "ms",
            "1800000",
            "any",
            "spring",
        ),
        id="spring-max-lifetime",
    ),
    pytest.param(
        "spring.datasource.hikari.maximum-pool-size=${DB_POOL_SIZE:10}\n",
        (
            1,
            44,
            "${DB_POOL_SIZE:10}",
            "spring.datasource.hikari.maximum-pool-size",
            "max_size",
            10,
            10,
            DEF,
            "DB_POOL_SIZE",
            None,
            "10",
            "any",
            "spring",
        ),
        id="placeholder-default",
    ),
    pytest.param(
        "spring.datasource.hikari.maximum-pool-size=${DB_POOL_SIZE}\n",
        (
            1,
            44,
            "${DB_POOL_SIZE}",
            "spring.datasource.hikari.maximum-pool-size",
            "max_size",
            None,
            None,
            UNRES,
            "DB_POOL_SIZE",
            None,
            None,
            "any",
            "spring",
        ),
        id="placeholder-unresolved",
    ),
    pytest.param(
        "spring.datasource.tomcat.max-active=50\n",
        (
            1,
            37,
            "50",
            "spring.datasource.tomcat.max-active",
            "max_size",
            50,
            50,
            LIT,
            None,
            None,
            "50",
            "any",
            "spring",
        ),
        id="spring-tomcat",
    ),
    pytest.param(
        "spring.datasource.dbcp2.max-wait-millis=10000\n",
        (
            1,
            41,
            "10000",
            "spring.datasource.dbcp2.max-wait-millis",
            "acquire_timeout",
            10,
            10,
            LIT,
            None,
            "ms",
            "10000",
            "any",
            "spring",
        ),
        id="spring-dbcp2",
    ),
    pytest.param(
        "spring.datasource.oracleucp.max-pool-size=30\n",
        (
            1,
            43,
            "30",
            "spring.datasource.oracleucp.max-pool-size",
            "max_size",
            30,
            30,
            LIT,
            None,
            None,
            "30",
            "any",
            "spring",
        ),
        id="spring-oracleucp",
    ),
    pytest.param(
        "quarkus.datasource.jdbc.max-size=16\n",
        (
            1,
            34,
            "16",
            "quarkus.datasource.jdbc.max-size",
            "max_size",
            16,
            16,
            LIT,
            None,
            None,
            "16",
            "any",
            "quarkus",
        ),
        id="quarkus",
    ),
    pytest.param(
        "%prod.quarkus.datasource.jdbc.max-size=${DB_MAX:30}\n",
        (
            1,
            40,
            "${DB_MAX:30}",
            "%prod.quarkus.datasource.jdbc.max-size",
            "max_size",
            30,
            30,
            DEF,
            "DB_MAX",
            None,
            "30",
            "production",
            "quarkus",
        ),
        id="quarkus-prod-profile",
    ),
    pytest.param(
        "%test.quarkus.datasource.jdbc.max-size=2\n",
        (
            1,
            40,
            "2",
            "%test.quarkus.datasource.jdbc.max-size",
            "max_size",
            2,
            2,
            LIT,
            None,
            None,
            "2",
            "test",
            "quarkus",
        ),
        id="quarkus-test-profile",
    ),
    pytest.param(
        "%dev.quarkus.datasource.jdbc.min-size=1\n",
        (
            1,
            39,
            "1",
            "%dev.quarkus.datasource.jdbc.min-size",
            "min_idle",
            1,
            1,
            LIT,
            None,
            None,
            "1",
            "development",
            "quarkus",
        ),
        id="quarkus-dev-profile",
    ),
    pytest.param(
        'quarkus.datasource."users".jdbc.max-size=12\n',
        (
            1,
            42,
            "12",
            'quarkus.datasource."users".jdbc.max-size',
            "max_size",
            12,
            12,
            LIT,
            None,
            None,
            "12",
            "any",
            "quarkus",
        ),
        id="quarkus-named",
    ),
    pytest.param(
        "quarkus.datasource.reactive.max-size=20\n",
        (
            1,
            38,
            "20",
            "quarkus.datasource.reactive.max-size",
            "max_size",
            20,
            20,
            LIT,
            None,
            None,
            "20",
            "any",
            "quarkus",
        ),
        id="quarkus-reactive",
    ),
    pytest.param(
        "quarkus.datasource.jdbc.acquisition-timeout=5\n",
        (
            1,
            45,
            "5",
            "quarkus.datasource.jdbc.acquisition-timeout",
            "acquire_timeout",
            5,
            5,
            LIT,
            None,
            "s",
            "5",
            "any",
            "quarkus",
        ),
        id="quarkus-bare-seconds",
    ),
    pytest.param(
        "quarkus.datasource.jdbc.acquisition-timeout=PT10S\n",
        (
            1,
            45,
            "PT10S",
            "quarkus.datasource.jdbc.acquisition-timeout",
            "acquire_timeout",
            10,
            10,
            LIT,
            None,
            "duration",
            "PT10S",
            "any",
            "quarkus",
        ),
        id="quarkus-iso-duration",
    ),
    pytest.param(
        "datasources.default.maximum-pool-size=10\n",
        (
            1,
            39,
            "10",
            "datasources.default.maximum-pool-size",
            "max_size",
            10,
            10,
            LIT,
            None,
            None,
            "10",
            "any",
            "micronaut",
        ),
        id="micronaut",
    ),
    pytest.param(
        "hibernate.hikari.maximumPoolSize=15\n",
        (
            1,
            34,
            "15",
            "hibernate.hikari.maximumPoolSize",
            "max_size",
            15,
            15,
            LIT,
            None,
            None,
            "15",
            "any",
            "hibernate",
        ),
        id="hibernate-hikari",
    ),
    pytest.param(
        "hibernate.c3p0.max_size=20\n",
        (
            1,
            25,
            "20",
            "hibernate.c3p0.max_size",
            "max_size",
            20,
            20,
            LIT,
            None,
            None,
            "20",
            "any",
            "hibernate",
        ),
        id="hibernate-c3p0",
    ),
    pytest.param(
        "hibernate.connection.pool_size=5\n",
        (
            1,
            32,
            "5",
            "hibernate.connection.pool_size",
            "max_size",
            5,
            5,
            LIT,
            None,
            None,
            "5",
            "any",
            "hibernate",
        ),
        id="hibernate-builtin",
    ),
    pytest.param(
        "maximumPoolSize=10\n",
        (
            1,
            17,
            "10",
            "maximumPoolSize",
            "max_size",
            10,
            10,
            LIT,
            None,
            None,
            "10",
            "any",
            "hikari",
        ),
        id="hikari-properties",
    ),
    pytest.param(
        "db.pool.max=14\n",
        (
            1,
            13,
            "14",
            "db.pool.max",
            "max_size",
            14,
            14,
            LIT,
            None,
            None,
            "14",
            "any",
            "app-config",
        ),
        id="app-config",
    ),
    pytest.param(
        "spring.datasource.hikari.maximum-pool-size=\\\n    25\n",
        (
            2,
            5,
            "25",
            "spring.datasource.hikari.maximum-pool-size",
            "max_size",
            25,
            25,
            LIT,
            None,
            None,
            "25",
            "any",
            "spring",
        ),
        id="continuation-line",
    ),
    pytest.param(
        "\ufeffspring.datasource.hikari.maximum-pool-size=8\r\n",
        (
            1,
            44,
            "8",
            "spring.datasource.hikari.maximum-pool-size",
            "max_size",
            8,
            8,
            LIT,
            None,
            None,
            "8",
            "any",
            "spring",
        ),
        id="bom-crlf",
    ),
]


@pytest.mark.parametrize(("text", "expected"), SPELLINGS)
def test_spellings(text: str, expected: tuple[object, ...]) -> None:
    found = properties.extract(APP, text).settings
    assert len(found) == 1
    assert facts(text, found[0]) == expected
    assert (found[0].kind, found[0].path) == ("properties", APP)


NOTED = [
    pytest.param(
        "spring.datasource.maximum-pool-size=8\n",
        "spring.datasource",
        "Spring Boot 2+",
        id="boot1-legacy",
    ),
    pytest.param(
        "spring.hikari.maximum-pool-size=8\n", "spring.hikari", "not bound", id="wrong-prefix"
    ),
    pytest.param(
        "ecom.txpg.hikari.maximum-pool-size=8\n",
        "ecom.txpg.hikari",
        "code confirmation",
        id="custom-hikari-prefix",
    ),
    pytest.param(
        "spring.datasource.primary.hikari.maximum-pool-size=8\n",
        "spring.datasource.primary.hikari",
        "code confirmation",
        id="multi-datasource",
    ),
    pytest.param(
        "app.datasource.primary.maximum-pool-size=8\n",
        "app.datasource.primary",
        "code confirmation",
        id="custom-datasource",
    ),
    pytest.param(
        "spring.datasource.secondary.jdbc-url=jdbc:postgresql://db2/rep\n"
        "spring.datasource.secondary.maximum-pool-size=8\n",
        "spring.datasource.secondary",
        "code confirmation",
        id="named-datasource-hikari-keys",
    ),
]


@pytest.mark.parametrize(("text", "pool", "note"), NOTED)
def test_keys_that_may_not_be_bound_carry_a_note(text: str, pool: str, note: str) -> None:
    (setting,) = properties.extract(APP, text).settings
    assert (setting.canonical, setting.written, setting.pool) == ("max_size", 8, pool)
    assert setting.note is not None and note in setting.note


NOT_SETTINGS = [
    pytest.param("server.tomcat.threads.max=200\n", id="tomcat-threads"),
    pytest.param("server.tomcat.max-connections=8192\n", id="tomcat-connections"),
    pytest.param("server.tomcat.connection-timeout=20000\n", id="tomcat-connection-timeout"),
    pytest.param("spring.task.execution.pool.max-size=16\n", id="task-execution-pool"),
    pytest.param("spring.task.scheduling.pool.size=4\n", id="task-scheduling-pool"),
    pytest.param("spring.datasource.hikari.pool-name=orders-pool\n", id="hikari-pool-name"),
    pytest.param(
        "spring.datasource.hikari.data-source-properties.prepStmtCacheSize=250\n",
        id="driver-property",
    ),
    pytest.param("spring.redis.jedis.pool.max-active=8\n", id="redis-pool"),
    pytest.param("spring.data.redis.lettuce.pool.max-active=8\n", id="lettuce-pool"),
    pytest.param("spring.kafka.consumer.max-poll-records=500\n", id="kafka"),
    pytest.param("http.pool.max=50\n", id="http-pool"),
    pytest.param("# spring.datasource.hikari.maximum-pool-size=100\n", id="hash-comment"),
    pytest.param("! spring.datasource.hikari.maximum-pool-size=100\n", id="bang-comment"),
    pytest.param(
        "# a comment ending in a backslash \\\nspring.application.name=x\n",
        id="comment-never-continues",
    ),
    pytest.param("connectionTimeout=5000\n", id="bare-timeout-outside-hikari-file"),
    pytest.param("spring.datasource.hikari.maximum-pool-size=\n", id="empty-value"),
    pytest.param("spring.datasource.secondary.type=com.zaxxer.hikari.HikariDataSource\n", id="named-datasource-type"),
    pytest.param("spring.datasource.druid.max-wait=60000\n", id="other-pool-library"),
]


@pytest.mark.parametrize("text", NOT_SETTINGS)
def test_look_alikes_are_not_settings(text: str) -> None:
    assert properties.extract(APP, text).settings == []


def test_hikari_properties_file_reads_all_hikari_keys() -> None:
    text = "jdbcUrl=jdbc:postgresql://db/app\nmaximumPoolSize=10\nconnectionTimeout=5000\nidleTimeout=600000\n"
    found = properties.extract("conf/hikari.properties", text).settings
    assert [(s.key, s.canonical, s.written, s.unit, s.framework) for s in found] == [
        ("maximumPoolSize", "max_size", 10, None, "hikari"),
        ("connectionTimeout", "acquire_timeout", 5, "ms", "hikari"),
        ("idleTimeout", "idle_timeout", 600, "ms", "hikari"),
    ]


def test_spring_multi_document_profiles() -> None:
    text = (
        "spring.datasource.hikari.maximum-pool-size=10\n"
        "#---\n"
        "spring.config.activate.on-profile=prod\n"
        "spring.datasource.hikari.maximum-pool-size=40\n"
        "!---\n"
        "spring.datasource.hikari.maximum-pool-size=2\n"
        "spring.config.activate.on-profile=test\n"
    )
    found = properties.extract(APP, text).settings
    assert [(s.line, s.written, s.environment) for s in found] == [
        (1, 10, "any"),
        (4, 40, "production"),
        (6, 2, "test"),
    ]


def test_escaped_values_are_read_but_not_edited_in_place() -> None:
    text = "spring.datasource.hikari.maximum-pool-size=\\u0031\\u0030\n"
    (setting,) = properties.extract(APP, text).settings
    assert (setting.written, setting.raw, setting.origin) == (10, "\\u0031\\u0030", None)


def test_escaped_separator_in_key() -> None:
    text = "db\\=x.pool.size=3\nspring.datasource.hikari.maximum-pool-size\\\n  =7\n"
    found = properties.extract(APP, text).settings
    assert [(s.key, s.written, s.line) for s in found] == [
        ("db=x.pool.size", 3, 1),
        ("spring.datasource.hikari.maximum-pool-size", 7, 3),
    ]


def test_malformed_unicode_escape_raises_with_its_line() -> None:
    with pytest.raises(SourceError) as caught:
        properties.extract(APP, "a=1\nb=\\u12G4\n")
    assert caught.value.line == 2


def test_suppressions_in_both_comment_styles() -> None:
    text = (
        "# poolaudit: ignore[PA101] tiny batch job\n"
        "spring.datasource.hikari.maximum-pool-size=2\n"
        "! poolaudit: ignore\n"
    )
    assert properties.extract(APP, text).suppressions == [
        Suppression(APP, 1, ("PA101",), "tiny batch job"),
        Suppression(APP, 3, (), None),
    ]


def test_profile_files_leave_the_environment_to_the_path_rule() -> None:
    text = "spring.datasource.hikari.maximum-pool-size=30\n"
    (setting,) = properties.extract("src/main/resources/application-prod.properties", text).settings
    assert setting.environment == "any"


def test_prefilter_admits_every_spelling() -> None:
    for param in [*SPELLINGS, *NOTED]:
        data = param.values[0].encode()
        assert any(literal in data for literal in properties.LITERALS), param.id
