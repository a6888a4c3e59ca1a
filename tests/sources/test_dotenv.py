"""The env-file source: pool variables, URL parameters, every assignment as an EnvDef."""

from __future__ import annotations

import pytest

from poolaudit.errors import SourceError
from poolaudit.model import Provenance, Setting, Span, Suppression
from poolaudit.sources import dotenv
from ._facts import CORE, setting_facts

LIT, DEF, UNRES = Provenance.LITERAL, Provenance.ENV_DEFAULT, Provenance.UNRESOLVED


def facts(text: str, s: Setting) -> tuple[object, ...]:
    """What a person sees of a setting: place, spelling, value and how it was found."""
    return setting_facts(text, s, CORE + ("origin",), origin_here=True)


SPELLINGS = [
    pytest.param(
        "DB_POOL_SIZE=10\n",
        (1, 14, "10", "DB_POOL_SIZE", "max_size", 10, 10, LIT, None, None, "10"),
        id="plain",
    ),
    pytest.param(
        'export DATABASE_POOL_SIZE="20"\n',
        (1, 27, '"20"', "DATABASE_POOL_SIZE", "max_size", 20, 20, LIT, None, None, "20"),
        id="export-double-quoted",
    ),
    pytest.param(
        "DB_MAX_OVERFLOW = '5'\n",
        (1, 19, "'5'", "DB_MAX_OVERFLOW", "overflow", 5, 5, LIT, None, None, "5"),
        id="spaces-single-quoted",
    ),
    pytest.param(
        "DB_POOL_TIMEOUT=30  # seconds\n",
        (1, 17, "30", "DB_POOL_TIMEOUT", "acquire_timeout", 30, 30, LIT, None, "s", "30"),
        id="inline-comment",
    ),
    pytest.param(
        "A=1\r\nPG_POOL_MAX=7\r\n",
        (2, 13, "7", "PG_POOL_MAX", "max_size", 7, 7, LIT, None, None, "7"),
        id="crlf",
    ),
    pytest.param(
        "\ufeffPOOL_SIZE=3\n",
        (1, 11, "3", "POOL_SIZE", "max_size", 3, 3, LIT, None, None, "3"),
        id="bom",
    ),
    pytest.param(
        "DB_POOL_SIZE=${POOL:-5}\n",
        (1, 14, "${POOL:-5}", "DB_POOL_SIZE", "max_size", 5, 5, DEF, "POOL", None, "5"),
        id="shell-default",
    ),
    pytest.param(
        "DB_POOL_SIZE=${POOL}\n",
        (1, 14, "${POOL}", "DB_POOL_SIZE", "max_size", None, None, UNRES, "POOL", None, None),
        id="unresolved",
    ),
    pytest.param(
        "SPRING_DATASOURCE_HIKARI_CONNECTIONTIMEOUT=30000\n",
        (
            1,
            44,
            "30000",
            "SPRING_DATASOURCE_HIKARI_CONNECTIONTIMEOUT",
            "acquire_timeout",
            30,
            30,
            LIT,
            None,
            "ms",
            "30000",
        ),
        id="spring-relaxed-ms",
    ),
    pytest.param(
        "QUARKUS_DATASOURCE_JDBC_MAX_SIZE=16\n",
        (
            1,
            34,
            "16",
            "QUARKUS_DATASOURCE_JDBC_MAX_SIZE",
            "max_size",
            16,
            16,
            LIT,
            None,
            None,
            "16",
        ),
        id="quarkus",
    ),
    pytest.param(
        "DB_POOL_PRE_PING=true\n",
        (1, 18, "true", "DB_POOL_PRE_PING", "pre_ping", True, True, LIT, None, None, "true"),
        id="pre-ping",
    ),
    pytest.param(
        "SQLALCHEMY_POOL_RECYCLE=3600\n",
        (1, 25, "3600", "SQLALCHEMY_POOL_RECYCLE", "recycle", 3600, 3600, LIT, None, "s", "3600"),
        id="recycle",
    ),
    pytest.param(
        'NOTE="two\nlines"\nDB_MIN_IDLE=2\n',
        (3, 13, "2", "DB_MIN_IDLE", "min_idle", 2, 2, LIT, None, None, "2"),
        id="after-multiline",
    ),
    pytest.param(
        "DATABASE_URL=postgres://u:p@h/db?sslmode=disable&pool_max_conns=10\n",
        (1, 65, "10", "pool_max_conns", "max_size", 10, 10, LIT, None, None, "10"),
        id="url-pgx",
    ),
    pytest.param(
        'DATABASE_URL="postgresql://h/db?connection_limit=3"\n',
        (1, 50, "3", "connection_limit", "max_size", 3, 3, LIT, None, None, "3"),
        id="url-prisma-quoted",
    ),
    pytest.param(
        "MONGO_URI=mongodb+srv://h/db?retryWrites=true&maxPoolSize=50\n",
        (1, 59, "50", "maxPoolSize", "max_size", 50, 50, LIT, None, None, "50"),
        id="url-mongodb",
    ),
    pytest.param(
        "DB_CONNECTION=Server=db;Database=x;Max Pool Size=200\n",
        (1, 50, "200", "Max Pool Size", "max_size", 200, 200, LIT, None, None, "200"),
        id="sqlclient-connection-string",
    ),
    pytest.param(
        "DATABASE_URL=postgres://h/db?pool=5\n",
        (1, 35, "5", "pool", "max_size", 5, 5, LIT, None, None, "5"),
        id="url-rails-pool",
    ),
]


@pytest.mark.parametrize(("text", "expected"), SPELLINGS)
def test_spellings(text: str, expected: tuple[object, ...]) -> None:
    found = dotenv.extract("svc/.env", text).settings
    assert len(found) == 1
    setting = found[0]
    assert facts(text, setting) == expected
    assert (setting.path, setting.kind, setting.framework, setting.environment) == (
        "svc/.env",
        "env",
        "env",
        "any",
    )


def test_url_params_say_which_variable_holds_them() -> None:
    text = "DATABASE_URL=postgresql://h/db?connection_limit=3&pool_timeout=20\n"
    found = dotenv.extract(".env", text).settings
    assert [(s.key, s.canonical, s.written, s.unit, s.note, s.pool) for s in found] == [
        ("connection_limit", "max_size", 3, None, "in DATABASE_URL", "DATABASE_URL"),
        ("pool_timeout", "acquire_timeout", 20, "s", "in DATABASE_URL", "DATABASE_URL"),
    ]


def test_variables_of_one_prefix_share_a_pool() -> None:
    text = "DB_POOL_SIZE=10\nDB_MAX_OVERFLOW=5\nREPLICA_DB_POOL_SIZE=4\nPOOL_SIZE=3\n"
    assert [s.pool for s in dotenv.extract(".env", text).settings] == [
        "DB",
        "DB",
        "REPLICA_DB",
        "env",
    ]


NOT_SETTINGS = [
    pytest.param("REDIS_POOL_MAX=10\n", id="redis-pool"),
    pytest.param("THREAD_POOL_SIZE=8\n", id="thread-pool"),
    pytest.param("WEB_CONCURRENCY=4\n", id="web-concurrency"),
    pytest.param("CELERY_WORKER_CONCURRENCY=4\n", id="celery"),
    pytest.param("HTTP_POOL_MAXSIZE=10\n", id="http-pool"),
    pytest.param("# DB_POOL_SIZE=100\n", id="commented-out"),
    pytest.param("  #DB_POOL_SIZE=100\n", id="indented-comment"),
    pytest.param("DB_POOL_SIZE=\n", id="empty"),
    pytest.param("DB_POOL_SIZE=auto\n", id="not-a-number"),
    pytest.param("REDIS_URL=redis://localhost:6379/0?max_connections=20\n", id="redis-url"),
    pytest.param("CACHE_URL=rediss://h:6380?pool_size=5\n", id="rediss-url"),
    pytest.param("SENTRY_DSN=https://k@sentry.example.com/1?pool_size=3\n", id="https-url"),
    pytest.param("CALLBACK=/hook?pool_size=3\n", id="no-scheme-no-db-name"),
    pytest.param("DATABASE_URL=postgres://h/db?pool_max_conns=%d\n", id="url-template"),
]


@pytest.mark.parametrize("text", NOT_SETTINGS)
def test_look_alikes_are_not_settings(text: str) -> None:
    assert dotenv.extract(".env", text).settings == []


def test_every_assignment_is_an_env_definition() -> None:
    text = (
        "# comment\n"
        "export DB_POOL_SIZE=10\n"
        "LOG_LEVEL='debug'\n"
        'GREETING="a\\nb"\n'
        "EMPTY=\n"
        "OVERFLOW=${OVF:-5}\n"
        'MULTI="x\ny"\n'
        "WITH_HASH=abc#def\n"
    )
    defs = dotenv.extract("svc/.env.production", text).env
    assert [
        (d.name, d.raw, d.value, d.line, d.column, text[d.span.start : d.span.end]) for d in defs
    ] == [
        ("DB_POOL_SIZE", "10", 10, 2, 21, "10"),
        ("LOG_LEVEL", "'debug'", None, 3, 12, "debug"),
        ("GREETING", '"a\\nb"', None, 4, 11, "a\\nb"),
        ("EMPTY", "", None, 5, 7, ""),
        ("OVERFLOW", "${OVF:-5}", 5, 6, 17, "5"),  # the default is the value when OVF is unset
        ("MULTI", '"x\ny"', None, 7, 8, "x\ny"),
        ("WITH_HASH", "abc#def", None, 9, 11, "abc#def"),
    ]
    assert {d.path for d in defs} == {"svc/.env.production"}
    assert {d.environment for d in defs} == {"any"}  # the audit applies the path's environment


def test_bare_names_are_not_errors_and_define_nothing() -> None:
    found = dotenv.extract(".env", "DB_POOL_SIZE\nexport LOG_LEVEL\n")
    assert (found.env, found.settings) == ([], [])


MALFORMED = [
    pytest.param("DB_POOL_SIZE=1\nthis is not valid\n", 2, id="prose"),
    pytest.param('A=1\nB="unterminated\n', 2, id="unterminated-double"),
    pytest.param("A='open\n", 1, id="unterminated-single"),
    pytest.param('A="x" trailing\n', 1, id="text-after-quote"),
    pytest.param("=value\n", 1, id="no-name"),
    pytest.param("A=1\n\n[section]\n", 3, id="ini-header"),
]


@pytest.mark.parametrize(("text", "line"), MALFORMED)
def test_malformed_files_raise_with_their_line(text: str, line: int) -> None:
    with pytest.raises(SourceError) as caught:
        dotenv.extract(".env", text)
    assert caught.value.line == line


def test_error_messages_never_show_the_line_text() -> None:
    with pytest.raises(SourceError) as caught:
        dotenv.extract(".env", "postgres://admin:s3cret@db/x\n")
    assert "s3cret" not in str(caught.value)


def test_crlf_spans_exclude_the_carriage_return() -> None:
    text = "DB_POOL_SIZE=10\r\nDB_MAX_OVERFLOW='5'\r\n"
    found = dotenv.extract(".env", text).settings
    assert [(s.raw, s.span) for s in found] == [("10", Span(13, 15)), ("'5'", Span(33, 36))]
    assert [s.origin.span for s in found if s.origin] == [Span(13, 15), Span(34, 35)]


def test_suppressions_on_comment_lines_and_after_values() -> None:
    text = (
        "# poolaudit: ignore[PA101] legacy service\n"
        "DB_POOL_SIZE=2  # poolaudit: ignore[PA101,pa103]\n"
        "# poolaudit: ignore\n"
    )
    assert dotenv.extract("a/.env", text).suppressions == [
        Suppression("a/.env", 1, ("PA101",), "legacy service"),
        Suppression("a/.env", 2, ("PA101", "PA103"), None),
        Suppression("a/.env", 3, (), None),
    ]


def test_hash_inside_quotes_is_not_a_comment() -> None:
    found = dotenv.extract(
        ".env", 'DB_POOL_SIZE="7" # poolaudit: ignore\nX="# poolaudit: ignore"\n'
    )
    assert [s.line for s in found.suppressions] == [1]
    assert [s.written for s in found.settings] == [7]


def test_pgbouncer_image_variables_are_pgbouncers_pool() -> None:
    """A PgBouncer container's DEFAULT_POOL_SIZE is PgBouncer's setting (checked against
    `pools.frameworks.pgbouncer`), not an application pool of the env layer."""
    from poolaudit.sources import dotenv

    found = dotenv.extract(".env", "PGBOUNCER_DEFAULT_POOL_SIZE=40\nDB_POOL_SIZE=10\n")
    assert [(s.key, s.framework, s.value) for s in found.settings] == [
        ("PGBOUNCER_DEFAULT_POOL_SIZE", "pgbouncer", 40),
        ("DB_POOL_SIZE", "env", 10),
    ]
