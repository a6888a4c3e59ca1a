"""The INI source: engine_from_config ini files (Pyramid, CKAN, alembic), PgBouncer, app config."""

from __future__ import annotations

import pytest

from poolaudit.errors import SourceError
from poolaudit.model import Provenance, Setting, Suppression
from poolaudit.sources import ini
from ._facts import CORE, setting_facts

LIT, DEF, UNRES = Provenance.LITERAL, Provenance.ENV_DEFAULT, Provenance.UNRESOLVED


def facts(text: str, s: Setting) -> tuple[object, ...]:
    return setting_facts(text, s, CORE + ("origin", "framework"))


SPELLINGS = [
    pytest.param(
        "[app:main]\nsqlalchemy.pool_size = 10\n",
        (
            2,
            24,
            "10",
            "sqlalchemy.pool_size",
            "max_size",
            10,
            10,
            LIT,
            None,
            None,
            "10",
            "sqlalchemy",
        ),
        id="pyramid",
    ),
    pytest.param(
        "[app:main]\nsqlalchemy.max_overflow=20\n",
        (
            2,
            25,
            "20",
            "sqlalchemy.max_overflow",
            "overflow",
            20,
            20,
            LIT,
            None,
            None,
            "20",
            "sqlalchemy",
        ),
        id="no-spaces",
    ),
    pytest.param(
        "[app:main]\nsqlalchemy.pool_timeout: 30\n",
        (
            2,
            26,
            "30",
            "sqlalchemy.pool_timeout",
            "acquire_timeout",
            30,
            30,
            LIT,
            None,
            "s",
            "30",
            "sqlalchemy",
        ),
        id="colon-delimiter",
    ),
    pytest.param(
        "[app:main]\nsqlalchemy.pool_recycle = 3600 ; seconds\n",
        (
            2,
            27,
            "3600",
            "sqlalchemy.pool_recycle",
            "recycle",
            3600,
            3600,
            LIT,
            None,
            "s",
            "3600",
            "sqlalchemy",
        ),
        id="trailing-comment",
    ),
    pytest.param(
        "[app:main]\norchestrator.sqlalchemy.pool_size = 7\n",
        (
            2,
            37,
            "7",
            "orchestrator.sqlalchemy.pool_size",
            "max_size",
            7,
            7,
            LIT,
            None,
            None,
            "7",
            "sqlalchemy",
        ),
        id="custom-prefix",
    ),
    pytest.param(
        "[app:main]\nsqlalchemy_slave.pool_size = 4\n",
        (
            2,
            30,
            "4",
            "sqlalchemy_slave.pool_size",
            "max_size",
            4,
            4,
            LIT,
            None,
            None,
            "4",
            "sqlalchemy",
        ),
        id="slave-prefix",
    ),
    pytest.param(
        "[app:main]\nckan.datastore.sqlalchemy.max_overflow = 5\n",
        (
            2,
            42,
            "5",
            "ckan.datastore.sqlalchemy.max_overflow",
            "overflow",
            5,
            5,
            LIT,
            None,
            None,
            "5",
            "sqlalchemy",
        ),
        id="ckan",
    ),
    pytest.param(
        "[app:main]\nsqlalchemy.pool_size = ${DB_POOL_SIZE:-8}\n",
        (
            2,
            24,
            "${DB_POOL_SIZE:-8}",
            "sqlalchemy.pool_size",
            "max_size",
            8,
            8,
            DEF,
            "DB_POOL_SIZE",
            None,
            "8",
            "sqlalchemy",
        ),
        id="envsubst-default",
    ),
    pytest.param(
        "[pgbouncer]\ndefault_pool_size = 20\n",
        (
            2,
            21,
            "20",
            "pgbouncer.default_pool_size",
            "max_size",
            20,
            20,
            LIT,
            None,
            None,
            "20",
            "pgbouncer",
        ),
        id="pgbouncer-default-pool-size",
    ),
    pytest.param(
        "[pgbouncer]\nmin_pool_size = 5\n",
        (
            2,
            17,
            "5",
            "pgbouncer.min_pool_size",
            "min_idle",
            5,
            5,
            LIT,
            None,
            None,
            "5",
            "pgbouncer",
        ),
        id="pgbouncer-min-pool-size",
    ),
    pytest.param(
        "[pgbouncer]\nreserve_pool_size = 3\n",
        (
            2,
            21,
            "3",
            "pgbouncer.reserve_pool_size",
            "overflow",
            3,
            3,
            LIT,
            None,
            None,
            "3",
            "pgbouncer",
        ),
        id="pgbouncer-reserve",
    ),
    pytest.param(
        "[database]\npool_size = 4\n",
        (2, 13, "4", "database.pool_size", "max_size", 4, 4, LIT, None, None, "4", "app-config"),
        id="app-config-section",
    ),
    pytest.param(
        "\ufeff[app:main]\r\nsqlalchemy.pool_size = 6\r\n",
        (2, 24, "6", "sqlalchemy.pool_size", "max_size", 6, 6, LIT, None, None, "6", "sqlalchemy"),
        id="bom-crlf",
    ),
]


@pytest.mark.parametrize(("text", "expected"), SPELLINGS)
def test_spellings(text: str, expected: tuple[object, ...]) -> None:
    found = ini.extract("svc/app.ini", text).settings
    assert len(found) == 1
    assert facts(text, found[0]) == expected
    assert (found[0].kind, found[0].path, found[0].environment, found[0].migration_only) == (
        "ini",
        "svc/app.ini",
        "any",
        False,
    )


PGBOUNCER = """\
[databases]
orders = host=db dbname=orders pool_size=50 reserve_pool=10 pool_mode=transaction
billing = host=db dbname='billing' pool_size='15'
* = host=db

[pgbouncer]
listen_port = 6432
max_client_conn = 1000
max_db_connections = 200
default_pool_size = 25
reserve_pool_timeout = 5
"""


def test_pgbouncer_per_database_pools() -> None:
    found = ini.extract("deploy/pgbouncer.ini", PGBOUNCER).settings
    assert [(*facts(PGBOUNCER, s)[:7], s.pool) for s in found] == [  # (line, column, raw, key ...)
        (2, 42, "50", "databases.orders.pool_size", "max_size", 50, 50, "databases.orders"),
        (2, 58, "10", "databases.orders.reserve_pool", "overflow", 10, 10, "databases.orders"),
        (3, 46, "'15'", "databases.billing.pool_size", "max_size", 15, 15, "databases.billing"),
        (10, 21, "25", "pgbouncer.default_pool_size", "max_size", 25, 25, "pgbouncer"),
    ]
    billing = found[2]
    assert (
        billing.origin is not None
        and PGBOUNCER[billing.origin.span.start : billing.origin.span.end] == "15"
    )


def test_pyramid_file_names_give_the_environment() -> None:
    text = "[app:main]\nsqlalchemy.pool_size = 10\n"
    assert [s.environment for s in ini.extract("development.ini", text).settings] == ["development"]
    assert [s.environment for s in ini.extract("deploy/production.ini", text).settings] == [
        "production"
    ]


def test_alembic_settings_are_migration_only() -> None:
    text = (
        "[alembic]\n"
        "script_location = %(here)s/migrations\n"
        "sqlalchemy.url = postgresql://db/x\n"
        "sqlalchemy.pool_size = 1\n"
    )
    (setting,) = ini.extract("alembic.ini", text).settings
    assert (setting.migration_only, setting.environment, setting.written) == (True, "any", 1)


def test_pre_ping_string_is_always_true() -> None:
    text = "[app:main]\nsqlalchemy.pool_pre_ping = false\n"
    (setting,) = ini.extract("app.ini", text).settings
    assert (setting.canonical, setting.written, setting.value, setting.raw) == (
        "pre_ping",
        True,
        True,
        "false",
    )
    assert setting.note is not None and "string" in setting.note


def test_interpolation_points_the_fix_at_the_definition() -> None:
    text = (
        "[DEFAULT]\npool = 12\n\n[app:main]\nhere = %(here)s/x\nsqlalchemy.pool_size = %(pool)s\n"
    )
    (setting,) = ini.extract("app.ini", text).settings
    assert (setting.line, setting.raw, setting.written) == (6, "%(pool)s", 12)
    assert setting.origin is not None and (
        setting.origin.line,
        text[setting.origin.span.start : setting.origin.span.end],
    ) == (2, "12")


UNDEFINED_REFERENCES = [
    pytest.param("sqlalchemy.pool_size = %(ENV_DB_POOL)s", 24, "%(ENV_DB_POOL)s", "max_size", "DB_POOL", None,
                 id="plaster-environment"),
    pytest.param("sqlalchemy.pool_timeout = %(pool_timeout)s  # from global_conf", 27, "%(pool_timeout)s",
                 "acquire_timeout", None, "s", id="global-conf"),
]


@pytest.mark.parametrize(("line", "column", "raw", "canonical", "env_var", "unit"), UNDEFINED_REFERENCES)
def test_interpolation_naming_nothing_in_the_file_is_unresolved(
    line: str, column: int, raw: str, canonical: str, env_var: str | None, unit: str | None
) -> None:
    text = f"[app:main]\n{line}\n"
    (s,) = ini.extract("production.ini", text).settings
    assert s.span is not None and text[s.span.start : s.span.end] == s.raw
    got = (s.line, s.column, s.raw, s.canonical, s.value, s.written, s.provenance, s.env_var, s.unit, s.origin)
    assert got == (2, column, raw, canonical, None, None, Provenance.UNRESOLVED, env_var, unit, None)
    assert s.environment == "production" and "defined nowhere" in (s.note or "")


def test_pastedeploy_here_is_not_a_pool_value() -> None:
    assert ini.extract("app.ini", "[app:main]\nsqlalchemy.pool_size = %(here)s\n").settings == []


NOT_SETTINGS = [
    pytest.param("[http]\npool_size = 3\n", id="http-section"),
    pytest.param("[redis]\npool_size = 10\n", id="redis-section"),
    pytest.param("[app:main]\npool_size = 10\n", id="no-prefix-no-db-section"),
    pytest.param("[app:main]\n# sqlalchemy.pool_size = 100\n", id="hash-comment"),
    pytest.param("[app:main]\n; sqlalchemy.pool_size = 100\n", id="semicolon-comment"),
    pytest.param(
        "[app:main]\nsqlalchemy.poolclass = sqlalchemy.pool.NullPool\n", id="poolclass-string"
    ),
    pytest.param("[app:main]\nsqlalchemy.pool_size =\n    10\n", id="multi-line-value"),
    pytest.param(
        "[pgbouncer]\nmax_client_conn = 100\nmax_db_connections = 50\npool_mode = session\n",
        id="pgbouncer-limits",
    ),
    pytest.param("[celery]\nworker_pool = prefork\n", id="celery"),
    pytest.param("[uwsgi]\nprocesses = 4\nthreads = 2\n", id="uwsgi"),
]


@pytest.mark.parametrize("text", NOT_SETTINGS)
def test_look_alikes_are_not_settings(text: str) -> None:
    assert ini.extract("app.ini", text).settings == []


MALFORMED = [
    pytest.param("sqlalchemy.pool_size = 10\n", 1, id="no-section-header"),
    pytest.param("[app:main]\nsqlalchemy.pool_size = 10\nthis is prose\n", 3, id="prose-line"),
]


@pytest.mark.parametrize(("text", "line"), MALFORMED)
def test_malformed_ini_raises_with_its_line(text: str, line: int) -> None:
    with pytest.raises(SourceError) as caught:
        ini.extract("app.ini", text)
    assert caught.value.line == line


def test_cfg_files_that_are_not_ini_are_read_leniently() -> None:
    text = "global\n    maxconn 4096\n[database]\npool_size = 3\n"
    assert [s.key for s in ini.extract("setup.cfg", text).settings] == ["database.pool_size"]


def test_suppressions() -> None:
    text = (
        "[app:main]\n"
        "; poolaudit: ignore[PA101] batch job\n"
        "sqlalchemy.pool_size = 2 # poolaudit: ignore\n"
    )
    assert ini.extract("a.ini", text).suppressions == [
        Suppression("a.ini", 2, ("PA101",), "batch job"),
        Suppression("a.ini", 3, (), None),
    ]


def test_prefilter_admits_every_spelling() -> None:
    for param in SPELLINGS:
        assert any(literal in param.values[0].encode() for literal in ini.LITERALS), param.id


def test_an_ini_file_without_sections_that_holds_nothing_of_ours_is_not_an_error() -> None:
    """Jetty's `start.ini`/`jetty.ini` are `key=value` lists with no `[section]`: not INI as
    configparser reads it, and nothing this source reads (a thread pool, not connections)."""
    text = "--module=http\njetty.threadPool.maxThreads=200\njetty.threadPool.idleTimeout=60000\n"
    assert ini.extract("jetty-base/start.d/jetty.ini", text).settings == []
