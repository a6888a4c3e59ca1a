"""The Python source on configuration data and driver pools: Flask-SQLAlchemy, Django
`DATABASES`, psycopg_pool, asyncpg, databases, aiopg, Peewee, Tortoise, URLs."""

from __future__ import annotations

import pytest
from .test_python import E, check, source

from poolaudit.sources import python

FSA = "flask-sqlalchemy"
LEGACY = "ignored by Flask-SQLAlchemy 3"

FLASK_CASES = [
    pytest.param(
        """
        SQLALCHEMY_ENGINE_OPTIONS = {
            "pool_size": 10,
            "pool_recycle": 280,
            "pool_pre_ping": True,
        }
        """,
        "app/config.py",
        [
            E(2, "10", "SQLALCHEMY_ENGINE_OPTIONS.pool_size", "max_size", 10, framework=FSA),
            E(3, "280", "SQLALCHEMY_ENGINE_OPTIONS.pool_recycle", "recycle", 280, framework=FSA),
            E(4, "True", "SQLALCHEMY_ENGINE_OPTIONS.pool_pre_ping", "pre_ping", True, framework=FSA),
        ],
        id="module-level",
    ),
    pytest.param(
        """
        class Config:
            SQLALCHEMY_ENGINE_OPTIONS = {"pool_size": 5}


        class ProductionConfig(Config):
            SQLALCHEMY_ENGINE_OPTIONS = {"pool_size": 30, "max_overflow": 10}


        class TestingConfig(Config):
            SQLALCHEMY_POOL_SIZE = 1
        """,
        "app/config.py",
        [
            E(2, "5", "SQLALCHEMY_ENGINE_OPTIONS.pool_size", "max_size", 5, framework=FSA),
            E(6, "30", "SQLALCHEMY_ENGINE_OPTIONS.pool_size", "max_size", 30, framework=FSA, environment="production"),
            E(6, "10", "SQLALCHEMY_ENGINE_OPTIONS.max_overflow", "overflow", 10, framework=FSA,
              environment="production"),
            E(10, "1", "SQLALCHEMY_POOL_SIZE", "max_size", 1, framework=FSA, environment="test"),
        ],
        id="config-classes",
    ),
    pytest.param(
        """
        from flask import Flask
        from flask_sqlalchemy import SQLAlchemy

        def create_app():
            app = Flask(__name__)
            app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {"pool_size": 12}
            app.config.update(SQLALCHEMY_MAX_OVERFLOW=3, SQLALCHEMY_POOL_RECYCLE=int(os.getenv("DB_RECYCLE", "900")))
            app.config.update({"SQLALCHEMY_POOL_TIMEOUT": 9})
            return app

        db = SQLAlchemy(engine_options={"pool_size": 6, "pool_timeout": 20})
        """,
        "app/__init__.py",
        [
            E(6, "12", "SQLALCHEMY_ENGINE_OPTIONS.pool_size", "max_size", 12, framework=FSA),
            E(7, "3", "SQLALCHEMY_MAX_OVERFLOW", "overflow", 3, framework=FSA),
            E(7, 'int(os.getenv("DB_RECYCLE", "900"))', "SQLALCHEMY_POOL_RECYCLE", "recycle", 900, "env-default",
              origin=(7, "900"), env_var="DB_RECYCLE", framework=FSA),
            E(8, "9", "SQLALCHEMY_POOL_TIMEOUT", "acquire_timeout", 9, framework=FSA),
            E(11, "6", "engine_options.pool_size", "max_size", 6, framework=FSA),
            E(11, "20", "engine_options.pool_timeout", "acquire_timeout", 20, framework=FSA),
        ],
        id="app-config-and-extension",
    ),
    pytest.param(
        """
        import os
        SQLALCHEMY_POOL_SIZE = int(os.environ.get("SQLALCHEMY_POOL_SIZE", 5))
        SQLALCHEMY_MAX_OVERFLOW = int_or_none(os.environ.get("SQLALCHEMY_MAX_OVERFLOW"))
        """,
        "redash/settings/__init__.py",
        [
            E(2, 'int(os.environ.get("SQLALCHEMY_POOL_SIZE", 5))', "SQLALCHEMY_POOL_SIZE", "max_size", 5,
              "env-default", origin=(2, "5", 67), env_var="SQLALCHEMY_POOL_SIZE", framework=FSA),
            E(3, 'int_or_none(os.environ.get("SQLALCHEMY_MAX_OVERFLOW"))', "SQLALCHEMY_MAX_OVERFLOW", "overflow",
              None, "unresolved", origin=None, env_var="SQLALCHEMY_MAX_OVERFLOW", framework=FSA),
        ],
        id="legacy-from-env",
    ),
    pytest.param(
        """
        SQLALCHEMY_BINDS = {
            "replica": {"url": REPLICA_URL, "pool_size": 3},
        }
        """,
        "app/config.py",
        [E(2, "3", "SQLALCHEMY_BINDS.replica.pool_size", "max_size", 3, framework=FSA)],
        id="binds-with-options",
    ),
]


@pytest.mark.parametrize(("text", "path", "want"), FLASK_CASES)
def test_flask_sqlalchemy(text: str, path: str, want: list[E]) -> None:
    check(text, want, path)


def test_legacy_keys_carry_the_flask_sqlalchemy_3_note() -> None:
    text = "class Config:\n    SQLALCHEMY_POOL_SIZE = 5\n    SQLALCHEMY_POOL_TIMEOUT = 30\n"
    settings = python.extract("app/config.py", text).settings
    assert [(s.key, s.note, s.pool) for s in settings] == [
        ("SQLALCHEMY_POOL_SIZE", LEGACY, "Config"),
        ("SQLALCHEMY_POOL_TIMEOUT", LEGACY, "Config"),
    ]


DJANGO_CASES = [
    pytest.param(
        """
        DATABASES = {
            "default": {
                "ENGINE": "django.db.backends.postgresql",
                "CONN_MAX_AGE": 600,
                "CONN_HEALTH_CHECKS": True,
            },
            "replica": {
                "ENGINE": "django.db.backends.postgresql",
                "OPTIONS": {"pool": {"min_size": 2, "max_size": 8, "timeout": 10}},
            },
        }
        """,
        [
            E(4, "600", "DATABASES.default.CONN_MAX_AGE", "recycle", 600, framework="django"),
            E(5, "True", "DATABASES.default.CONN_HEALTH_CHECKS", "pre_ping", True, framework="django"),
            E(9, "2", "DATABASES.replica.OPTIONS.pool.min_size", "min_idle", 2, framework="django"),
            E(9, "8", "DATABASES.replica.OPTIONS.pool.max_size", "max_size", 8, framework="django"),
            E(9, "10", "DATABASES.replica.OPTIONS.pool.timeout", "acquire_timeout", 10, framework="django"),
        ],
        id="conn-max-age-and-pool-dict",
    ),
    pytest.param(
        """
        DATABASES = {"default": {"ENGINE": "django.db.backends.postgresql", "OPTIONS": {"pool": True}}}
        """,
        [E(1, "True", "DATABASES.default.OPTIONS.pool", "max_size", 4, "library-default", origin=None,
           framework="django")],
        id="pool-true-is-four",
    ),
    pytest.param(
        """
        DATABASES = {"default": {"ENGINE": "django.db.backends.postgresql", "OPTIONS": {"pool": {}}}}
        """,
        [E(1, "{}", "DATABASES.default.OPTIONS.pool", "pool_class", False, origin=None, framework="django")],
        id="pool-empty-dict-is-off",
    ),
    pytest.param(
        """
        import dj_database_url
        DATABASES = {"default": dj_database_url.config(default=URL, conn_max_age=300, conn_health_checks=True)}
        DATABASES["default"]["CONN_MAX_AGE"] = int(os.getenv("CONN_MAX_AGE", "60"))
        DATABASES["default"]["OPTIONS"]["pool"] = {"max_size": 16}
        """,
        [
            E(2, "300", "conn_max_age", "recycle", 300, framework="django"),
            E(2, "True", "conn_health_checks", "pre_ping", True, framework="django"),
            E(3, 'int(os.getenv("CONN_MAX_AGE", "60"))', "DATABASES.default.CONN_MAX_AGE", "recycle", 60,
              "env-default", origin=(3, "60"), env_var="CONN_MAX_AGE", framework="django"),
            E(4, "16", "DATABASES.default.OPTIONS.pool.max_size", "max_size", 16, framework="django"),
        ],
        id="dj-database-url-and-subscripts",
    ),
    pytest.param(
        """
        DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "CONN_MAX_AGE": 60}}
        DATABASE_POOL_ARGS = {"max_overflow": 10, "pool_size": 5, "recycle": 300}
        """,
        [
            E(2, "10", "DATABASE_POOL_ARGS.max_overflow", "overflow", 10, framework="django"),
            E(2, "5", "DATABASE_POOL_ARGS.pool_size", "max_size", 5, framework="django"),
            E(2, "300", "DATABASE_POOL_ARGS.recycle", "recycle", 300, framework="django"),
        ],
        id="sqlite-skipped-postgrespool2",
    ),
]


@pytest.mark.parametrize(("text", "want"), DJANGO_CASES)
def test_django(text: str, want: list[E]) -> None:
    check(text, want, "mysite/settings/base.py")


def test_django_pool_true_note_and_pool_off_note() -> None:
    text = 'DATABASES = {"a": {"OPTIONS": {"pool": True}}, "b": {"OPTIONS": {"pool": {}}}}\n'
    notes = [s.note for s in python.extract("settings.py", text).settings]
    assert notes == [
        "psycopg_pool default: a fixed pool of 4 (min_size=4, max_size=min_size)",
        '"pool": {} is falsy: Django opens no pool',
    ]


DRIVER_CASES = [
    pytest.param(
        """
        from psycopg_pool import ConnectionPool
        pool = ConnectionPool(os.environ["DATABASE_URL"], min_size=2, max_size=10, timeout=5, max_lifetime=1800)
        """,
        [
            E(2, "2", "min_size", "min_idle", 2, framework="psycopg_pool"),
            E(2, "10", "max_size", "max_size", 10, framework="psycopg_pool"),
            E(2, "5", "timeout", "acquire_timeout", 5, framework="psycopg_pool"),
            E(2, "1800", "max_lifetime", "recycle", 1800, framework="psycopg_pool"),
        ],
        id="psycopg-pool",
    ),
    pytest.param(
        """
        import asyncpg
        async def get_pool():
            return await asyncpg.create_pool(dsn=DSN, min_size=1, max_size=4)
        """,
        [
            E(3, "1", "min_size", "min_idle", 1, framework="asyncpg"),
            E(3, "4", "max_size", "max_size", 4, framework="asyncpg"),
        ],
        id="asyncpg",
    ),
    pytest.param(
        """
        import databases, aiopg
        from playhouse.pool import PooledPostgresqlExtDatabase
        database = databases.Database(DATABASE_URL, min_size=5, max_size=20)
        pool = aiopg.create_pool(DSN, minsize=1, maxsize=15, pool_recycle=600)
        db = PooledPostgresqlExtDatabase("app", max_connections=32, stale_timeout=300)
        """,
        [
            E(3, "5", "min_size", "min_idle", 5, framework="databases"),
            E(3, "20", "max_size", "max_size", 20, framework="databases"),
            E(4, "1", "minsize", "min_idle", 1, framework="aiopg"),
            E(4, "15", "maxsize", "max_size", 15, framework="aiopg"),
            E(4, "600", "pool_recycle", "recycle", 600, framework="aiopg"),
            E(5, "32", "max_connections", "max_size", 32, framework="peewee"),
            E(5, "300", "stale_timeout", "recycle", 300, framework="peewee"),
        ],
        id="databases-aiopg-peewee",
    ),
    pytest.param(
        """
        from psycopg2 import pool
        p = pool.ThreadedConnectionPool(1, 20, dsn=DSN)
        """,
        [
            E(2, "1", "minconn", "min_idle", 1, framework="psycopg2"),
            E(2, "20", "maxconn", "max_size", 20, framework="psycopg2"),
        ],
        id="psycopg2-positional",
    ),
    pytest.param(
        """
        from tortoise import Tortoise
        TORTOISE_ORM = {
            "connections": {
                "default": {
                    "engine": "tortoise.backends.asyncpg",
                    "credentials": {"host": "db", "minsize": 1, "maxsize": 10},
                },
            },
        }
        DB_URL = "postgres://app@db:5432/app?minsize=2&maxsize=12"
        """,
        [
            E(6, "1", "credentials.minsize", "min_idle", 1, framework="tortoise"),
            E(6, "10", "credentials.maxsize", "max_size", 10, framework="tortoise"),
            E(10, "2", "minsize", "min_idle", 2, framework="tortoise", origin=(10, "2", 46), column=46),
            E(10, "12", "maxsize", "max_size", 12, framework="tortoise"),
        ],
        id="tortoise-dict-and-url",
    ),
    pytest.param(
        """
        PEEWEE_URL = "postgresql+pool://app@db/app?max_connections=20&stale_timeout=300"
        PRISMA = os.getenv("DATABASE_URL", "postgresql://u:p@db/app?connection_limit=3&pool_timeout=10")
        """,
        [
            E(1, "20", "max_connections", "max_size", 20, framework="peewee"),
            E(1, "300", "stale_timeout", "recycle", 300, framework="peewee", column=77),
            E(2, "3", "connection_limit", "max_size", 3, framework="url"),
            E(2, "10", "pool_timeout", "acquire_timeout", 10, framework="url"),
        ],
        id="url-parameters",
    ),
]


@pytest.mark.parametrize(("text", "want"), DRIVER_CASES)
def test_driver_pools(text: str, want: list[E]) -> None:
    check(text, want, "app/pool.py")


@pytest.mark.parametrize(
    ("text", "value", "note"),
    [
        pytest.param("from psycopg_pool import ConnectionPool\np = ConnectionPool(URL)\n", 4,
                     "psycopg_pool default (max_size = min_size = 4)", id="psycopg-pool"),
        pytest.param("from psycopg_pool import AsyncConnectionPool\np = AsyncConnectionPool(URL, min_size=6)\n", 6,
                     "psycopg_pool default: max_size = min_size", id="psycopg-pool-min-size"),
        pytest.param("import asyncpg\np = asyncpg.create_pool(DSN)\n", 10, "asyncpg default", id="asyncpg"),
    ],
)
def test_driver_implicit_max_size(text: str, value: int, note: str) -> None:
    defaults = [s for s in python.extract("app/pool.py", text).settings if s.provenance.value == "library-default"]
    assert [(s.line, s.key, s.canonical, s.value, s.note) for s in defaults] == [(2, "max_size", "max_size", value, note)]
    assert defaults[0].insertion is not None and defaults[0].insertion.template == ", max_size={value}"


def test_pool_id_groups_one_call() -> None:
    text = source(
        """
        from sqlalchemy import create_engine
        a = create_engine(URL, pool_size=1, max_overflow=2)
        b = create_engine(URL, pool_size=3)
        """
    )
    pools = [(s.key, s.pool) for s in python.extract("app/db.py", text).settings]
    assert pools == [("pool_size", "create_engine@2"), ("max_overflow", "create_engine@2"), ("pool_size", "create_engine@3")]


MORE_CASES = [
    pytest.param(
        """
        POOL = 15
        URL = f"postgresql://{host}/db?pool_max_conns={POOL}&pool_min_conns=2"
        """,
        [
            E(2, "POOL", "pool_max_conns", "max_size", 15, origin=(1, "15"), framework="pgx", column=48),
            E(2, "2", "pool_min_conns", "min_idle", 2, framework="pgx", column=69, origin=(2, "2", 69)),
        ],
        id="fstring-url",
    ),
    pytest.param(
        """
        CONFIG = {
            "database": {"url": URL, "pool_size": 12},
            "redis": {"pool_size": 50},
        }
        """,
        [E(2, "12", "database.pool_size", "max_size", 12, framework="app-config")],
        id="nested-database-dict",
    ),
    pytest.param(
        """
        app.config.setdefault("SQLALCHEMY_ENGINE_OPTIONS", {"pool_size": 9})
        """,
        [E(1, "9", "SQLALCHEMY_ENGINE_OPTIONS.pool_size", "max_size", 9, framework=FSA)],
        id="config-setdefault",
    ),
]


@pytest.mark.parametrize(("text", "want"), MORE_CASES)
def test_more_config_forms(text: str, want: list[E]) -> None:
    check(text, want, "app/settings.py")


def test_django_keys_in_a_dict_built_elsewhere() -> None:
    text = source(
        """
        def configure_databases(*, conn_max_age: int = 60) -> dict:
            return {"default": {**dj_database_url.parse(URL), "CONN_MAX_AGE": conn_max_age}}
        DATABASES["default"].update({"CONN_HEALTH_CHECKS": True})
        """
    )
    settings = python.extract("app/settings/production.py", text).settings
    assert [(s.line, s.key, s.canonical, s.value, s.framework) for s in settings] == [
        (2, "CONN_MAX_AGE", "recycle", 60, "django"),
        (3, "CONN_HEALTH_CHECKS", "pre_ping", True, "django"),
    ]


@pytest.mark.parametrize(
    ("text", "keys"),
    [
        pytest.param("POOL_CONFIG = {'poolclass': QueuePool, 'pool_size': 5, 'max_overflow': 10}\n",
                     ["POOL_CONFIG.pool_size", "POOL_CONFIG.max_overflow"], id="sqlalchemy-only-keys"),
        pytest.param("DB_KWARGS = dict(pool_size=5)\n", ["DB_KWARGS.pool_size"], id="database-word-in-name"),
        pytest.param("POOL_CONFIG = {'pool_size': 5}\n", [], id="pool-size-alone-is-ambiguous"),
        pytest.param("REDIS_POOL = {'pool_size': 5, 'pool_timeout': 3}\n", [], id="redis-name"),
    ],
)
def test_module_dicts_of_engine_options(text: str, keys: list[str]) -> None:
    assert [s.key for s in python.extract("app/db_config.py", text).settings] == keys


def test_project_env_helper_with_default() -> None:
    text = 'from sqlalchemy import create_engine\ne = create_engine(URL, pool_recycle=EnvConfig.integer("POOL_RECYCLE", 300))\n'
    settings = python.extract("app/db.py", text).settings
    assert [(s.key, s.value, s.provenance.value, s.env_var) for s in settings] == [
        ("pool_recycle", 300, "env-default", "POOL_RECYCLE"),
        ("pool_size", 5, "library-default", None),
    ]


OTHER_CALLS = [
    pytest.param(
        """
        from pymongo import MongoClient
        client = MongoClient(MONGO_URL, maxPoolSize=50, minPoolSize=5, waitQueueTimeoutMS=2000)
        """,
        [
            E(2, "50", "maxPoolSize", "max_size", 50, framework="pymongo"),
            E(2, "5", "minPoolSize", "min_idle", 5, framework="pymongo", column=61, origin=(2, "5", 61)),
            E(2, "2000", "waitQueueTimeoutMS", "acquire_timeout", 2000, framework="pymongo"),
        ],
        id="pymongo",
    ),
    pytest.param(
        """
        from .database import make_db_engine
        engine = make_db_engine(URL, pool_size=20, max_overflow=int(os.getenv("DB_MAX_OVERFLOW", "5")))
        """,
        [
            E(2, "20", "pool_size", "max_size", 20),
            E(2, 'int(os.getenv("DB_MAX_OVERFLOW", "5"))', "max_overflow", "overflow", 5, "env-default",
              origin=(2, "5", 91), env_var="DB_MAX_OVERFLOW"),
        ],
        id="project-wrapper",
    ),
]


@pytest.mark.parametrize(("text", "want"), OTHER_CALLS)
def test_other_pool_calls(text: str, want: list[E]) -> None:
    check(text, want, "app/db.py")


def test_waits_in_milliseconds_keep_their_unit() -> None:
    text = "from pymongo import MongoClient\nc = MongoClient(URL, waitQueueTimeoutMS=2000)\n"
    (setting,) = python.extract("app/db.py", text).settings
    assert (setting.canonical, setting.unit, setting.value) == ("acquire_timeout", "ms", 2000)


CALL_FORMS = {
    "engine": ("from sqlalchemy import create_engine", "create_engine(URL, {kw}=7)"),
    "queuepool": ("from sqlalchemy.pool import QueuePool", "QueuePool(creator, {kw}=7)"),
    "psycopg_pool": ("from psycopg_pool import ConnectionPool", "ConnectionPool(URL, {kw}=7)"),
    "asyncpg": ("import asyncpg", "asyncpg.create_pool(DSN, {kw}=7)"),
    "aiopg": ("import aiopg", "aiopg.create_pool(DSN, {kw}=7)"),
    "databases": ("import databases", "databases.Database(URL, {kw}=7)"),
    "peewee": ("from playhouse.pool import PooledPostgresqlDatabase", "PooledPostgresqlDatabase('app', {kw}=7)"),
    "psycopg2": ("from psycopg2 import pool", "pool.ThreadedConnectionPool({kw}=7, dsn=DSN)"),
    "dj_database_url": ("import dj_database_url", "dj_database_url.config({kw}=7)"),
    "pymongo": ("from pymongo import MongoClient", "MongoClient(URL, {kw}=7)"),
    "wrapper": ("from .db import make_db_engine", "make_db_engine({kw}=7)"),
}


def _every_keyword() -> list[object]:
    from poolaudit.sources import python_calls

    calls = [v for v in vars(python_calls).values() if isinstance(v, python_calls.PoolCall) and v.family in CALL_FORMS]
    return [pytest.param(call.family, keyword, id=f"{call.family}-{keyword}") for call in calls for keyword in call.keywords]


@pytest.mark.parametrize(("family", "keyword"), _every_keyword())
def test_every_catalogued_keyword_alone_is_found(family: str, keyword: str) -> None:
    imports, template = CALL_FORMS[family]
    text = f"{imports}\n\nthing = {template.format(kw=keyword)}\n"
    assert any(lit in text.encode() for lit in python.LITERALS), "the prefilter would skip this file"
    found = [(s.key, s.value) for s in python.extract("app/module.py", text).settings if s.span is not None]
    assert found == [(keyword, 7)]
