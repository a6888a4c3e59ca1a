"""The catalogue of Python calls that create database pools, and what their arguments mean.

A call is recognised by its fully qualified name, after import aliases are undone
(`from sqlalchemy import create_engine as ce; ce(...)`, `import sqlalchemy as sa;
sa.create_engine(...)`), so `redis.ConnectionPool` or `urllib3.PoolManager` never look like
`psycopg_pool.ConnectionPool`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from poolaudit import catalog
from poolaudit.model import Value

# keyword -> (canonical, unit); units are how a bare number is written ("s", "ms").
Keywords = dict[str, tuple[str, "str | None"]]

ENGINE_KEYWORDS: Keywords = {
    "pool_size": ("max_size", None),
    "max_overflow": ("overflow", None),
    "pool_timeout": ("acquire_timeout", "s"),
    "pool_recycle": ("recycle", "s"),
    "pool_pre_ping": ("pre_ping", None),
}
# QueuePool(...) and django-postgrespool2's DATABASE_POOL_ARGS use the pool's own names.
QUEUEPOOL_KEYWORDS: Keywords = {
    **ENGINE_KEYWORDS,
    "timeout": ("acquire_timeout", "s"),
    "recycle": ("recycle", "s"),
    "pre_ping": ("pre_ping", None),
}
PSYCOPG_POOL_KEYWORDS: Keywords = {
    "min_size": ("min_idle", None),
    "max_size": ("max_size", None),
    "timeout": ("acquire_timeout", "s"),
    "max_lifetime": ("recycle", "s"),  # a connection's maximum age: what pool_recycle means
    "max_idle": ("idle_timeout", "s"),
}
NO_POOL_CLASSES = {"NullPool", "StaticPool", "SingletonThreadPool", "AssertionPool"}
ENGINE_FUNCTIONS = {"create_engine", "create_async_engine", "engine_from_config", "async_engine_from_config"}
SQLITE = re.compile(r"\s*sqlite(\+\w+)?:", re.I)


@dataclass(frozen=True)
class Default:
    """A library default that applies when `keyword` is not passed."""

    keyword: str
    canonical: str
    value: Value
    note: str


@dataclass(frozen=True)
class PoolCall:
    family: str  # engine | queuepool | psycopg_pool | asyncpg | aiopg | databases | peewee | ...
    framework: str
    keywords: Keywords
    default: Default | None = None
    positional: tuple[str, ...] = ()  # keyword names of positional arguments (psycopg2 pools)
    url_keyword: str | None = None  # where the database URL is passed, besides the first argument
    extras: dict[str, str] = field(default_factory=dict)


ENGINE = PoolCall(
    "engine", "sqlalchemy", ENGINE_KEYWORDS, Default("pool_size", "max_size", 5, "SQLAlchemy default"), url_keyword="url"
)
ENGINE_FROM_CONFIG = PoolCall("engine_from_config", "sqlalchemy", ENGINE_KEYWORDS, ENGINE.default)
QUEUEPOOL = PoolCall("queuepool", "sqlalchemy", QUEUEPOOL_KEYWORDS, None)
PSYCOPG_POOL = PoolCall(
    "psycopg_pool", "psycopg_pool", PSYCOPG_POOL_KEYWORDS,
    Default("max_size", "max_size", 4, "psycopg_pool default (max_size = min_size = 4)"), url_keyword="conninfo",
)
ASYNCPG = PoolCall(
    "asyncpg", "asyncpg",
    {"min_size": ("min_idle", None), "max_size": ("max_size", None),
     "max_inactive_connection_lifetime": ("idle_timeout", "s")},
    Default("max_size", "max_size", 10, "asyncpg default"), url_keyword="dsn",
)
AIOPG = PoolCall(
    "aiopg", "aiopg",
    {"minsize": ("min_idle", None), "maxsize": ("max_size", None), "pool_recycle": ("recycle", "s")},
    None, url_keyword="dsn",
)
DATABASES = PoolCall("databases", "databases", {"min_size": ("min_idle", None), "max_size": ("max_size", None)}, url_keyword="url")
PEEWEE = PoolCall(
    "peewee", "peewee",
    {"max_connections": ("max_size", None), "stale_timeout": ("recycle", "s"), "timeout": ("acquire_timeout", "s")},
)
PSYCOPG2 = PoolCall(
    "psycopg2", "psycopg2", {"minconn": ("min_idle", None), "maxconn": ("max_size", None)}, positional=("minconn", "maxconn")
)
DJ_DATABASE_URL = PoolCall(
    "dj_database_url", "django", {"conn_max_age": ("recycle", "s"), "conn_health_checks": ("pre_ping", None)}
)
PYMONGO = PoolCall(
    "pymongo", "pymongo",
    {"maxPoolSize": ("max_size", None), "minPoolSize": ("min_idle", None),
     "waitQueueTimeoutMS": ("acquire_timeout", "ms"), "maxIdleTimeMS": ("idle_timeout", "ms")},
)
FLASK_SQLALCHEMY = PoolCall("flask", "flask-sqlalchemy", {})
# A project's own wrapper (`make_db_engine(pool_size=20)`): SQLAlchemy's names, nothing implicit.
WRAPPER = PoolCall("wrapper", "sqlalchemy", ENGINE_KEYWORDS)


def identify(qualified: str) -> PoolCall | None:
    """The pool a call creates, from its qualified name; None for everything else."""
    parts = qualified.replace("()", "").split(".")
    root, last = parts[0], parts[-1]
    if root in ("aiopg", "aiomysql") and last in ("create_pool", "create_engine"):
        return AIOPG
    if last in ENGINE_FUNCTIONS:
        return ENGINE_FROM_CONFIG if "from_config" in last else ENGINE
    if last in ("QueuePool", "AsyncAdaptedQueuePool"):
        return QUEUEPOOL
    if root == "psycopg_pool" and last in ("ConnectionPool", "AsyncConnectionPool"):
        return PSYCOPG_POOL
    if root == "asyncpg" and last == "create_pool":
        return ASYNCPG
    if root == "databases" and last == "Database":
        return DATABASES
    if last.startswith("Pooled") and last.endswith("Database") and "Sqlite" not in last:
        return PEEWEE
    if root == "psycopg2" and last in ("SimpleConnectionPool", "ThreadedConnectionPool"):
        return PSYCOPG2
    if root == "dj_database_url" and last in ("config", "parse"):
        return DJ_DATABASE_URL
    if root in ("pymongo", "motor") and last in ("MongoClient", "AsyncIOMotorClient", "AsyncMongoClient"):
        return PYMONGO
    if last == "SQLAlchemy" and root in ("flask_sqlalchemy", "SQLAlchemy"):
        return FLASK_SQLALCHEMY
    if _is_wrapper(parts):
        return WRAPPER
    return None


def _is_wrapper(parts: list[str]) -> bool:
    names = catalog.segment_words(parts)
    if any(word in catalog.NOT_DB_WORDS for word in names):
        return False
    return "engine" in names or any(word in catalog.DB_WORDS for word in names)


def is_sqlite(text: str | None) -> bool:
    """A sqlite URL: no server, so no connection pool worth auditing."""
    return bool(text) and bool(SQLITE.match(text or ""))


def no_pool_class(name: str) -> str | None:
    """The pool class's short name when it means "no pooling" (NullPool ...)."""
    last = name.rsplit(".", 1)[-1]
    return last if last in NO_POOL_CLASSES else None
