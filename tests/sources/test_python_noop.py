"""Look-alikes the Python source must not report: thread, process, HTTP, Redis, Celery and
gevent pools, prose in comments and strings, sqlite test engines."""

from __future__ import annotations

import pytest

from poolaudit.sources import python

from .test_python import source

NOT_DATABASE_POOLS = [
    pytest.param(
        """
        from concurrent.futures import ThreadPoolExecutor, ProcessPoolExecutor
        _executor = ThreadPoolExecutor(max_workers=8, thread_name_prefix="orders")
        _procs = ProcessPoolExecutor(max_workers=4)
        """,
        id="executors",
    ),
    pytest.param(
        """
        from multiprocessing import Pool
        def run_parallel(items):
            with Pool(processes=4) as pool:
                return pool.map(str, items)
        """,
        id="multiprocessing-pool",
    ),
    pytest.param(
        """
        import redis
        from redis import ConnectionPool
        redis_pool = redis.ConnectionPool(host="redis", port=6379, max_connections=50)
        other = ConnectionPool(max_connections=10)
        cache = redis.Redis(connection_pool=redis_pool, max_connections=100)
        REDIS_URL = "redis://cache:6379/0?max_connections=20"
        """,
        id="redis",
    ),
    pytest.param(
        """
        import httpx, urllib3, requests
        http = urllib3.PoolManager(num_pools=4, maxsize=10)
        adapter = requests.adapters.HTTPAdapter(pool_connections=10, pool_maxsize=20)
        limits = httpx.Limits(max_connections=100, max_keepalive_connections=20)
        client = make_http_client(pool_size=10)
        """,
        id="http",
    ),
    pytest.param(
        """
        worker_pool = "prefork"
        worker_concurrency = 8
        broker_pool_limit = 10
        CELERY_WORKER_POOL = "gevent"
        app.conf.update(broker_pool_limit=None, worker_pool="solo")
        """,
        id="celery",
    ),
    pytest.param(
        """
        from gevent.pool import Pool
        pool = Pool(100)
        from functools import lru_cache
        @lru_cache(maxsize=128)
        def cached(): ...
        THREAD_POOL_SIZE = 10
        """,
        id="gevent-lru-constants",
    ),
    pytest.param(
        """
        # engine = create_engine(DATABASE_URL, pool_size=50)  # old setting, see INC-42
        def make():
            '''Call create_engine(url, pool_size=5) and SQLALCHEMY_ENGINE_OPTIONS = {"pool_size": 5}.'''
            return "create_engine(url, pool_size=5)"
        DOC = '''DATABASES = {"default": {"CONN_MAX_AGE": 60}}'''
        """,
        id="comments-and-strings",
    ),
    pytest.param(
        """
        import pytest
        from sqlalchemy import create_engine
        from sqlalchemy.pool import StaticPool


        @pytest.fixture()
        def engine():
            return create_engine("sqlite://", connect_args={"check_same_thread": False}, poolclass=StaticPool)
        """,
        id="sqlite-static-pool-fixture",
    ),
    pytest.param(
        """
        class RedisConfig:
            SQLALCHEMY_ENGINE_OPTIONS = None
        CACHE_OPTIONS = {"pool_size": 10}
        REDIS_ENGINE_OPTIONS = {"pool_size": 10}
        sizes = {"pool_size": 10}
        """,
        id="dicts-that-are-not-engine-options",
    ),
    pytest.param(
        """
        from aiohttp import TCPConnector
        connector = TCPConnector(limit=100, limit_per_host=10)
        from psycopg_pool import NullConnectionPool
        p = NullConnectionPool(URL)
        from .pools import ConnectionPool
        mine = ConnectionPool(max_size=10)
        """,
        id="other-connectors",
    ),
    pytest.param(
        """
        import aiomysql
        from sqlalchemy.pool import QueuePool

        async def create_pool_engine(minsize, maxsize, pool_recycle, **kwargs):
            return await aiomysql.create_pool(minsize=minsize, maxsize=maxsize, pool_recycle=pool_recycle, **kwargs)

        class ChatHistory:
            def __init__(self, url, *, pool_size: int, max_overflow: int, timeout: float):
                self.pool = QueuePool(self._connect, max_overflow=max_overflow, pool_size=pool_size, timeout=timeout)

        def _convert_to_settings(conn_max_age, conn_health_checks):
            return {"CONN_MAX_AGE": conn_max_age, "CONN_HEALTH_CHECKS": conn_health_checks}
        """,
        id="library-wrapper-passes-its-own-parameters-through",
    ),
    pytest.param(
        """
        from sqlalchemy import create_engine

        def test_empty(tmp_path):
            uri = f"sqlite:///{tmp_path}/db"
            engine = create_engine(uri)
            other = create_engine("sqlite:///" + str(tmp_path), pool_size=1)
        """,
        id="sqlite-url-in-a-local-variable-or-concatenation",
    ),
    pytest.param(
        """
        from .renderer import create_engine
        from tts.backends import create_engine as create_voice
        screen = create_engine(width=800, pool_size=4)
        voice = create_voice("espeak")
        """,
        id="create-engine-of-another-package",
    ),
    pytest.param(
        """
        def create_engine(config):
            return Engine(config)

        engine = create_engine(CONFIG)
        """,
        id="create-engine-defined-in-the-module",
    ),
    pytest.param(
        """
        from dataclasses import dataclass
        from typing import Optional, Tuple

        @dataclass
        class PretrainedCfg:
            pool_size: Optional[Tuple[int, ...]] = None
            crop_pct: float = 0.875
        """,
        id="image-model-pooling-window-in-a-dataclass",
    ),
    pytest.param(
        """
        from pydantic_settings import BaseSettings

        class Settings(BaseSettings):
            pool_size: tuple[int, int] = (2, 2)
            max_pool_size: "list[int] | None" = None
        """,
        id="collection-annotated-fields-of-settings",
    ),
    pytest.param(
        """
        # A table of key names (a linter's, a config loader's): names and objects, no values.
        ENGINE_KEYS = {
            "pool_size": ("max_size", "connections"),
            "pool_timeout": "acquire_timeout",
            "pool_recycle": KeyInfo("recycle", "s"),
            "max_overflow": ["overflow"],
        }
        """,
        id="key-table-of-names-and-objects",
    ),
    pytest.param(
        """
        from pydantic import BaseModel

        class DatabaseLimits(BaseModel):
            max_db_connections: int | None = None
        """,
        id="model-field-defaulting-to-none",
    ),
]


@pytest.mark.parametrize("text", NOT_DATABASE_POOLS)
def test_not_reported(text: str) -> None:
    assert python.extract("app/module.py", source(text)).settings == []


def test_redis_module_passes_prefilter_but_yields_nothing() -> None:
    # The prefilter is a recall decision; what it lets through must still come out empty.
    text = source(
        """
        import redis
        redis_pool = redis.ConnectionPool(host="redis", port=6379, max_connections=50)
        REDIS_POOL_SIZE = 50
        """
    )
    assert any(lit in text.encode() for lit in python.LITERALS)
    assert python.extract("app/cache.py", text).settings == []


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("from concurrent.futures import ThreadPoolExecutor\nex = ThreadPoolExecutor(8)\n", id="thread-pool"),
        pytest.param("from multiprocessing import Pool\nwith Pool(4) as p:\n    pass\n", id="process-pool"),
        pytest.param("import urllib3\nhttp = urllib3.PoolManager(num_pools=4, maxsize=10)\n", id="http-pool"),
        pytest.param('worker_pool = "prefork"\n', id="celery"),
    ],
)
def test_prefilter_keeps_look_alikes_away_from_ast(text: str) -> None:
    assert not any(lit in text.encode() for lit in python.LITERALS)


@pytest.mark.parametrize(
    "path",
    [
        pytest.param("tests/io/test_sql.py", id="tests-folder"),
        pytest.param("pkg/testing/requirements.py", id="testing-folder"),
        pytest.param("app/conftest.py", id="conftest"),
    ],
)
def test_no_implicit_default_in_test_code(path: str) -> None:
    # A test's engine is never deployed: the library default nobody wrote is not a setting there
    # (written test settings are still reported, marked test).
    text = "from sqlalchemy import create_engine\n\ndef test_read(conn):\n    engine = create_engine(conn)\n"
    assert python.extract(path, text).settings == []
    written = python.extract(path, text.replace("(conn)", "(conn, pool_size=1)")).settings
    assert [(s.key, s.value, s.environment) for s in written] == [("pool_size", 1, "test")]


@pytest.mark.parametrize(
    "imports",
    [
        pytest.param("from sqlmodel import create_engine", id="sqlmodel"),
        pytest.param("import sqlalchemy as sa\ncreate_engine = sa.create_engine", id="alias"),
        pytest.param("from app.db.compat import create_engine", id="project-db-module"),
        pytest.param("", id="not-imported"),
    ],
)
def test_create_engine_of_sqlalchemy_and_its_re_exports_is_read(imports: str) -> None:
    text = f"{imports}\nengine = create_engine(URL, pool_size=7)\n"
    assert [(s.key, s.value) for s in python.extract("app/db.py", text).settings] == [("pool_size", 7)]
