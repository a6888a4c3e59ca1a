"""The TOML source: database tables of app configs, Rocket, pyproject [tool.*] tables."""

from __future__ import annotations

import pytest

from poolaudit.errors import SourceError
from poolaudit.model import Provenance, Setting, Suppression
from poolaudit.sources import toml
from ._facts import CORE, setting_facts

LIT, DEF, UNRES = Provenance.LITERAL, Provenance.ENV_DEFAULT, Provenance.UNRESOLVED


def facts(text: str, s: Setting) -> tuple[object, ...]:
    return setting_facts(text, s, CORE + ("origin",))


SPELLINGS = [
    pytest.param(
        "[database]\npool_size = 10\n",
        (2, 13, "10", "database.pool_size", "max_size", 10, 10, LIT, None, None, "10"),
        id="database-table",
    ),
    pytest.param(
        "[db]\nmax_overflow = 5  # burst\n",
        (2, 16, "5", "db.max_overflow", "overflow", 5, 5, LIT, None, None, "5"),
        id="db-table-comment",
    ),
    pytest.param(
        "[postgres]\nmax_connections = 20\n",
        (2, 19, "20", "postgres.max_connections", "max_size", 20, 20, LIT, None, None, "20"),
        id="postgres-max-connections",
    ),
    pytest.param(
        "[postgresql]\nmin_connections = 2\n",
        (2, 19, "2", "postgresql.min_connections", "min_idle", 2, 2, LIT, None, None, "2"),
        id="postgresql-min-connections",
    ),
    pytest.param(
        "[database]\npool_timeout = 30\n",
        (2, 16, "30", "database.pool_timeout", "acquire_timeout", 30, 30, LIT, None, "s", "30"),
        id="timeout-seconds",
    ),
    pytest.param(
        '[database]\npool_timeout = "2m"\n',
        (
            2,
            16,
            '"2m"',
            "database.pool_timeout",
            "acquire_timeout",
            120,
            120,
            LIT,
            None,
            "duration",
            "2m",
        ),
        id="timeout-duration-string",
    ),
    pytest.param(
        "[database]\npool_recycle = 3600\n",
        (2, 16, "3600", "database.pool_recycle", "recycle", 3600, 3600, LIT, None, "s", "3600"),
        id="recycle",
    ),
    pytest.param(
        "[database]\npool_pre_ping = true\n",
        (2, 17, "true", "database.pool_pre_ping", "pre_ping", True, True, LIT, None, None, "true"),
        id="pre-ping",
    ),
    pytest.param(
        '[database]\npool_size = "${DB_POOL_SIZE:-8}"\n',
        (
            2,
            13,
            '"${DB_POOL_SIZE:-8}"',
            "database.pool_size",
            "max_size",
            8,
            8,
            DEF,
            "DB_POOL_SIZE",
            None,
            "8",
        ),
        id="placeholder-default",
    ),
    pytest.param(
        "[database]\npool_size = '${DB_POOL_SIZE}'\n",
        (
            2,
            13,
            "'${DB_POOL_SIZE}'",
            "database.pool_size",
            "max_size",
            None,
            None,
            UNRES,
            "DB_POOL_SIZE",
            None,
            None,
        ),
        id="placeholder-unresolved",
    ),
    pytest.param(
        "[database.pool]\nmax = 12\n",
        (2, 7, "12", "database.pool.max", "max_size", 12, 12, LIT, None, None, "12"),
        id="generic-under-pool",
    ),
    pytest.param(
        "[database.pool]\ntimeout = 5\n",
        (2, 11, "5", "database.pool.timeout", "acquire_timeout", 5, 5, LIT, None, "s", "5"),
        id="generic-timeout-under-pool",
    ),
    pytest.param(
        "database.pool_size = 6\n",
        (1, 22, "6", "database.pool_size", "max_size", 6, 6, LIT, None, None, "6"),
        id="dotted-key",
    ),
    pytest.param(
        '[app]\ndb = { url = "postgres://h/x", pool_size = 25 }\n',
        (2, 44, "25", "app.db.pool_size", "max_size", 25, 25, LIT, None, None, "25"),
        id="inline-table",
    ),
    pytest.param(
        "[settings]\ndatabase_pool_size = 9\n",
        (2, 22, "9", "settings.database_pool_size", "max_size", 9, 9, LIT, None, None, "9"),
        id="db-word-in-key",
    ),
    pytest.param(
        "[production]\nDATABASE_MAX_CONNECTIONS = 40\n",
        (
            2,
            28,
            "40",
            "production.DATABASE_MAX_CONNECTIONS",
            "max_size",
            40,
            40,
            LIT,
            None,
            None,
            "40",
        ),
        id="dynaconf-upper-case",
    ),
    pytest.param(
        "[tool.orders.database]\npool_size = 4\n",
        (2, 13, "4", "tool.orders.database.pool_size", "max_size", 4, 4, LIT, None, None, "4"),
        id="pyproject-tool",
    ),
    pytest.param(
        "[tool.orders_worker_0001.database]\npool_size = 4\n",
        (
            2,
            13,
            "4",
            "tool.orders_worker_0001.database.pool_size",
            "max_size",
            4,
            4,
            LIT,
            None,
            None,
            "4",
        ),
        id="pyproject-tool-worker-service",
    ),
    pytest.param(
        "[databases.default]\nmax_size = 15\n",
        (2, 12, "15", "databases.default.max_size", "max_size", 15, 15, LIT, None, None, "15"),
        id="databases-default",
    ),
    pytest.param(
        "[[databases]]\nname = 'a'\npool_size = 3\n",
        (3, 13, "3", "databases[0].pool_size", "max_size", 3, 3, LIT, None, None, "3"),
        id="array-of-tables",
    ),
    pytest.param(
        '[database]\nurl = "postgres://u:p@h/db?pool_max_conns=10"\n',
        (2, 43, "10", "pool_max_conns", "max_size", 10, 10, LIT, None, None, "10"),
        id="url-param",
    ),
    pytest.param(
        "[database]\npool_size = 1_000\n",
        (2, 13, "1_000", "database.pool_size", "max_size", 1000, 1000, LIT, None, None, "1_000"),
        id="underscored-integer",
    ),
    pytest.param(
        "\ufeff[db]\npool_size = 10\r\n",
        (2, 13, "10", "db.pool_size", "max_size", 10, 10, LIT, None, None, "10"),
        id="bom-crlf",
    ),
]


@pytest.mark.parametrize(("text", "expected"), SPELLINGS)
def test_spellings(text: str, expected: tuple[object, ...]) -> None:
    found = toml.extract("svc/config/settings.toml", text).settings
    assert len(found) == 1
    assert facts(text, found[0]) == expected
    assert (found[0].kind, found[0].framework, found[0].path) == (
        "toml",
        "app-config",
        "svc/config/settings.toml",
    )


ROCKET = """\
[default.databases.main]
url = "postgres://localhost/app"
pool_size = 25
max_connections = 30
min_connections = 2
timeout = 5
connect_timeout = 3
idle_timeout = 120

[release.databases.main]
pool_size = 50

[global.databases]
sessions = { url = "postgres://x", pool_size = 8 }
"""


def test_rocket_databases() -> None:
    found = toml.extract("Rocket.toml", ROCKET).settings
    assert [
        (s.line, s.key, s.canonical, s.written, s.unit, s.environment, s.framework, s.pool)
        for s in found
    ] == [
        (
            3,
            "default.databases.main.pool_size",
            "max_size",
            25,
            None,
            "any",
            "rocket",
            "default.databases.main",
        ),
        (
            4,
            "default.databases.main.max_connections",
            "max_size",
            30,
            None,
            "any",
            "rocket",
            "default.databases.main",
        ),
        (
            5,
            "default.databases.main.min_connections",
            "min_idle",
            2,
            None,
            "any",
            "rocket",
            "default.databases.main",
        ),
        (
            6,
            "default.databases.main.timeout",
            "acquire_timeout",
            5,
            "s",
            "any",
            "rocket",
            "default.databases.main",
        ),
        (
            7,
            "default.databases.main.connect_timeout",
            "acquire_timeout",
            3,
            "s",
            "any",
            "rocket",
            "default.databases.main",
        ),
        (
            8,
            "default.databases.main.idle_timeout",
            "idle_timeout",
            120,
            "s",
            "any",
            "rocket",
            "default.databases.main",
        ),
        (
            11,
            "release.databases.main.pool_size",
            "max_size",
            50,
            None,
            "production",
            "rocket",
            "release.databases.main",
        ),
        (
            14,
            "global.databases.sessions.pool_size",
            "max_size",
            8,
            None,
            "any",
            "rocket",
            "global.databases.sessions",
        ),
    ]


def test_settings_of_a_pool_block_belong_to_its_parent_pool() -> None:
    text = "[database]\npool_size = 5\n[database.pool]\nmax = 10\n[replica.db.pool]\nmin = 1\n"
    assert [(s.key, s.pool) for s in toml.extract("a.toml", text).settings] == [
        ("database.pool_size", "database"),
        ("database.pool.max", "database"),
        ("replica.db.pool.min", "replica.db"),
    ]


def test_environment_tables() -> None:
    text = (
        "[production.database]\npool_size = 20\n"
        "[development.database]\npool_size = 2\n"
        "[database]\npool_size = 5\n"
    )
    assert [s.environment for s in toml.extract("a.toml", text).settings] == [
        "production",
        "development",
        "any",
    ]


def test_file_stem_gives_database_context() -> None:
    assert [s.key for s in toml.extract("config/database.toml", "pool_size = 5\n").settings] == [
        "pool_size"
    ]
    assert toml.extract("config/app.toml", "pool_size = 5\n").settings == []


NOT_SETTINGS = [
    pytest.param("[http]\npool_size = 3\n", id="http-table"),
    pytest.param("[redis]\npool_size = 10\nmax_connections = 50\n", id="redis-table"),
    pytest.param("[redis.pool]\nmax = 7\n", id="redis-pool-block"),
    pytest.param("[threads]\npool_size = 8\n", id="threads"),
    pytest.param("[celery]\nworker_pool = 'prefork'\nworker_concurrency = 4\n", id="celery"),
    pytest.param("[server]\nmax_connections = 1000\n", id="server"),
    pytest.param("[database.redis]\npool_size = 10\n", id="nearest-name-wins"),
    pytest.param("[app]\nworkers = 4\npool_size = 5\n", id="no-database-context"),
    pytest.param(
        "[database]\ntimeout = 5\nsize = 3\nmax = 10\n", id="generic-words-outside-pool-block"
    ),
    pytest.param("[database]\n# pool_size = 100\n", id="commented-out"),
    pytest.param('[database]\nnote = "pool_size = 100"\n', id="inside-a-string"),
    pytest.param("[database]\npool_size = [5, 10]\n", id="array-value"),
    pytest.param("[database]\npool_size = 'auto'\n", id="not-a-number"),
    pytest.param("[database]\npool_size = true\n", id="bool-size"),
    pytest.param("[database]\nconnect_timeout = 5\n", id="connect-timeout"),
    pytest.param('[redis]\nurl = "redis://h:6379/0?max_connections=20"\n', id="redis-url"),
    pytest.param(
        '[default.databases.sessions]\nurl = "redis://127.0.0.1/"\npool_size = 8\ntimeout = 3\n',
        id="rocket-redis-by-url",
    ),
    pytest.param("[default.databases.redis_pool]\ntimeout = 3\n", id="rocket-redis-by-name"),
    pytest.param(
        '[database]\nurl = "amqp://broker"\npool_size = 3\n', id="table-url-is-not-a-database"
    ),
    pytest.param(
        '[project]\nname = "x"\ndependencies = ["sqlalchemy>=2.0"]\n'
        "[tool.ruff]\nline-length = 100\n"
        '[tool.pytest.ini_options]\ntestpaths = ["tests"]\n',
        id="pyproject",
    ),
]


@pytest.mark.parametrize("text", NOT_SETTINGS)
def test_look_alikes_are_not_settings(text: str) -> None:
    assert toml.extract("config/settings.toml", text).settings == []


def test_multiline_strings_do_not_confuse_positions() -> None:
    text = (
        "[database]\nnote = \"\"\"\n[http]\npool_size = 1\n\"\"\"\nraw = '''x'''\npool_size = 7\n"
    )
    assert [(s.line, s.key, s.written) for s in toml.extract("a.toml", text).settings] == [
        (7, "database.pool_size", 7)
    ]


def test_quoted_keys_and_whitespace_around_dots() -> None:
    text = '[ "database" . pool ]\n"max" = 9\n'
    found = toml.extract("a.toml", text).settings
    assert [(s.key, s.written, s.line, s.column) for s in found] == [("database.pool.max", 9, 2, 9)]


MALFORMED = [
    pytest.param("[database]\npool_size = \n", 2, id="missing-value"),
    pytest.param("[database]\npool_size = 5\npool_size = 6\n", 3, id="duplicate-key"),
    pytest.param("a = 1\nb = [\n", 2, id="end-of-document"),
    pytest.param("[database\n", 1, id="unclosed-header"),
]


@pytest.mark.parametrize(("text", "line"), MALFORMED)
def test_malformed_toml_raises_with_its_line(text: str, line: int) -> None:
    with pytest.raises(SourceError) as caught:
        toml.extract("a.toml", text)
    assert caught.value.line == line


def test_suppressions() -> None:
    text = (
        "[database]\n"
        "# poolaudit: ignore[PA101] small on purpose\n"
        "pool_size = 2  # poolaudit: ignore\n"
        'x = "# poolaudit: ignore"\n'
    )
    assert toml.extract("a.toml", text).suppressions == [
        Suppression("a.toml", 2, ("PA101",), "small on purpose"),
        Suppression("a.toml", 3, (), None),
    ]


def test_prefilter_admits_every_spelling() -> None:
    for param in SPELLINGS:
        data = param.values[0].encode()
        assert any(literal in data for literal in toml.LITERALS), param.id


def test_poolaudit_policy_in_pyproject_is_not_a_setting() -> None:
    text = (
        '[tool.poolaudit]\nextends = "default"\n[[tool.poolaudit.databases]]\nname = "core"\n'
        "max_connections = 100\n[tool.poolaudit.pools]\nmax_size = 50\n"
        "[tool.orders.database]\npool_size = 12\n"
    )
    found = toml.extract("pyproject.toml", text)
    assert [(s.key, s.written) for s in found.settings] == [("tool.orders.database.pool_size", 12)]


FLY = """\
app = "shop"
primary_region = "ams"

[env]
  PHX_HOST = "shop.fly.dev"
  PORT = "8080"
  POOL_SIZE = "10"
  DB_POOL_SIZE = 4
  REDIS_POOL_SIZE = "20"

[http_service]
  internal_port = 8080
  [http_service.concurrency]
    hard_limit = 1000
    soft_limit = 800
"""


def test_a_table_of_environment_variables_is_read_as_env_vars() -> None:
    """fly.toml's `[env]`: the keys are variable names (a bare `POOL_SIZE` is Ecto's pool, as in
    an env file), and every variable is a value for the service's placeholders; Redis pools and
    the HTTP service's connection limits are not database pools."""
    out = toml.extract("fly.toml", FLY)
    assert [(s.line, s.column, s.key, s.canonical, s.value) for s in out.settings] == [
        (7, 15, "env.POOL_SIZE", "max_size", 10),  # the quoted text; the variable, bare
        (8, 18, "env.DB_POOL_SIZE", "max_size", 4),
    ]
    defined = {d.name: (d.value, d.line, d.column, FLY[d.span.start : d.span.end]) for d in out.env}
    assert defined == {
        "PHX_HOST": (None, 5, 15, "shop.fly.dev"),  # no number: no value a pool can take
        "PORT": (8080, 6, 11, "8080"),
        "POOL_SIZE": (10, 7, 16, "10"),
        "DB_POOL_SIZE": (4, 8, 18, "4"),
        "REDIS_POOL_SIZE": (20, 9, 22, "20"),
    }


def test_code_takes_its_value_from_fly_toml(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from poolaudit.audit import audit
    from poolaudit.policy import load

    (tmp_path / "fly.toml").write_text(FLY)
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'shop'\n")
    (tmp_path / "db.py").write_text(
        'import os\nfrom sqlalchemy import create_engine\n'
        'engine = create_engine(os.environ["DATABASE_URL"], pool_size=int(os.getenv("DB_POOL_SIZE", "5")))\n'
    )
    settings = audit([tmp_path], load(None, tmp_path)).settings
    engine = next(s for s in settings if s.path == "db.py")
    assert (engine.written, engine.value, engine.provenance, engine.env_file) == (5, 4, Provenance.ENV_FILE, "fly.toml")
