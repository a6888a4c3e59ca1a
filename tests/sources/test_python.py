"""The Python source on SQLAlchemy engines and the values their arguments are written with:
literals, constants, environment lookups, settings attributes, arithmetic, implicit defaults."""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from typing import Any

import pytest

from poolaudit.model import Insertion, Setting
from poolaudit.sources import python

SAME: Any = object()


@dataclass
class E:
    """An expected setting; `raw` must occur once on `line` (its column and span follow)."""

    line: int
    raw: str
    key: str
    canonical: str
    value: Any
    provenance: str = "literal"
    written: Any = SAME  # SAME: equal to value
    origin: Any = SAME  # (line, text[, column]) of the editable literal; SAME: the bare raw; None
    env_var: str | None = None
    ref: str | None = None
    environment: str = "any"
    framework: str = "sqlalchemy"
    column: int | None = None  # when `raw` also occurs earlier on its line


def source(text: str) -> str:
    return textwrap.dedent(text).lstrip("\n")


def actual(text: str, s: Setting) -> dict[str, Any]:
    origin = None
    if s.origin is not None:
        origin = (s.origin.line, text[s.origin.span.start : s.origin.span.end], s.origin.column)
    return {
        "line": s.line, "column": s.column, "span": text[s.span.start : s.span.end] if s.span else None,
        "raw": s.raw, "key": s.key, "canonical": s.canonical, "value": s.value, "written": s.written,
        "provenance": s.provenance.value, "origin": origin, "env_var": s.env_var, "ref": s.ref,
        "environment": s.environment, "framework": s.framework, "kind": s.kind,
    }


def expected(text: str, e: E) -> dict[str, Any]:
    lines = text.splitlines()
    assert lines[e.line - 1].count(e.raw) >= 1, f"{e.raw!r} not on line {e.line}"
    origin = e.origin
    if origin is SAME:
        origin = (e.line, e.raw.strip("\"'"))
    if origin is not None and len(origin) == 2:
        origin = (origin[0], origin[1], lines[origin[0] - 1].index(origin[1]) + 1)
    return {
        "line": e.line, "column": e.column or lines[e.line - 1].index(e.raw) + 1, "span": e.raw, "raw": e.raw, "key": e.key,
        "canonical": e.canonical, "value": e.value, "written": e.value if e.written is SAME else e.written,
        "provenance": e.provenance, "origin": origin, "env_var": e.env_var, "ref": e.ref,
        "environment": e.environment, "framework": e.framework, "kind": "python",
    }


def check(text: str, want: list[E], path: str = "app/db.py") -> list[Setting]:
    text = source(text)
    found = python.extract(path, text).settings
    got = sorted((actual(text, s) for s in found if s.span is not None), key=lambda d: (d["line"], d["column"]))
    assert got == sorted((expected(text, e) for e in want), key=lambda d: (d["line"], d["column"]))
    assert any(lit in text.encode() for lit in python.LITERALS), "the prefilter would skip this file"
    return found


ENGINE_CASES = [
    pytest.param(
        """
        from sqlalchemy import create_engine
        engine = create_engine(URL, pool_size=10, max_overflow=5, pool_timeout=30, pool_recycle=1800, pool_pre_ping=True)
        """,
        [
            E(2, "10", "pool_size", "max_size", 10),
            E(2, "5", "max_overflow", "overflow", 5),
            E(2, "30", "pool_timeout", "acquire_timeout", 30),
            E(2, "1800", "pool_recycle", "recycle", 1800),
            E(2, "True", "pool_pre_ping", "pre_ping", True),
        ],
        id="one-line-literals",
    ),
    pytest.param(
        """
        import sqlalchemy as sa

        engine = sa.create_engine(
            "postgresql://db/app",
            pool_size=20,
            max_overflow=0,
        )
        """,
        [E(5, "20", "pool_size", "max_size", 20), E(6, "0", "max_overflow", "overflow", 0)],
        id="module-alias-multiline",
    ),
    pytest.param(
        """
        from sqlalchemy import create_engine as ce
        e = ce("mysql://db/app", pool_size=7)
        """,
        [E(2, "7", "pool_size", "max_size", 7)],
        id="function-alias",
    ),
    pytest.param(
        """
        from sqlalchemy.ext.asyncio import create_async_engine
        engine = create_async_engine("postgresql+asyncpg://db/app", pool_size=15, pool_timeout=2.5)
        """,
        [E(2, "15", "pool_size", "max_size", 15), E(2, "2.5", "pool_timeout", "acquire_timeout", 2.5)],
        id="async-engine-float",
    ),
    pytest.param(
        """
        import os
        from sqlalchemy import create_engine
        engine = create_engine(
            URL,
            pool_size=int(os.getenv("DB_POOL_SIZE", "10")),
            max_overflow=int(os.environ.get("DB_MAX_OVERFLOW", 20)),
            pool_timeout=float(os.environ["DB_POOL_TIMEOUT"]),
        )
        """,
        [
            E(5, 'int(os.getenv("DB_POOL_SIZE", "10"))', "pool_size", "max_size", 10, "env-default",
              origin=(5, "10"), env_var="DB_POOL_SIZE"),
            E(6, 'int(os.environ.get("DB_MAX_OVERFLOW", 20))', "max_overflow", "overflow", 20, "env-default",
              origin=(6, "20"), env_var="DB_MAX_OVERFLOW"),
            E(7, 'float(os.environ["DB_POOL_TIMEOUT"])', "pool_timeout", "acquire_timeout", None, "unresolved",
              origin=None, env_var="DB_POOL_TIMEOUT"),
        ],
        id="os-environ-forms",
    ),
    pytest.param(
        """
        from os import getenv
        from decouple import config
        from environs import Env
        from sqlalchemy import create_engine
        env = Env()
        a = create_engine(URL, pool_size=config("SQLALCHEMY_POOL_SIZE", default=10, cast=int))
        b = create_engine(URL, pool_size=env.int("PG_POOL_MAX", 12), max_overflow=getenv("DB_OVERFLOW"))
        c = create_engine(URL, pool_size=int(getenv("POOL_SIZE") or 4))
        """,
        [
            E(6, 'config("SQLALCHEMY_POOL_SIZE", default=10, cast=int)', "pool_size", "max_size", 10, "env-default",
              origin=(6, "10"), env_var="SQLALCHEMY_POOL_SIZE"),
            E(7, 'env.int("PG_POOL_MAX", 12)', "pool_size", "max_size", 12, "env-default", origin=(7, "12"),
              env_var="PG_POOL_MAX"),
            E(7, 'getenv("DB_OVERFLOW")', "max_overflow", "overflow", None, "unresolved", origin=None,
              env_var="DB_OVERFLOW"),
            E(8, 'int(getenv("POOL_SIZE") or 4)', "pool_size", "max_size", 4, "env-default", origin=(8, "4"),
              env_var="POOL_SIZE"),
        ],
        id="decouple-environs-or-default",
    ),
    pytest.param(
        """
        from sqlalchemy import create_engine

        POOL_SIZE = 25
        MAX_OVERFLOW = int(os.getenv("DB_MAX_OVERFLOW", "3"))

        engine = create_engine(URL, pool_size=POOL_SIZE, max_overflow=MAX_OVERFLOW)
        """,
        [
            E(6, "POOL_SIZE", "pool_size", "max_size", 25, origin=(3, "25")),
            E(6, "MAX_OVERFLOW", "max_overflow", "overflow", 3, "env-default", origin=(4, "3"),
              env_var="DB_MAX_OVERFLOW"),
        ],
        id="module-constants",
    ),
    pytest.param(
        """
        from sqlalchemy import create_engine
        from .config import settings, get_settings
        from .constants import POOL_SIZE as SIZE
        engine = create_engine(
            settings.database_url,
            pool_size=settings.db_pool_size,
            max_overflow=get_settings().DB_MAX_OVERFLOW,
            pool_recycle=SIZE,
        )
        """,
        [
            E(6, "settings.db_pool_size", "pool_size", "max_size", None, "unresolved", written=None, origin=None,
              ref="db_pool_size"),
            E(7, "get_settings().DB_MAX_OVERFLOW", "max_overflow", "overflow", None, "unresolved", written=None,
              origin=None, ref="DB_MAX_OVERFLOW"),
            E(8, "SIZE", "pool_recycle", "recycle", None, "unresolved", written=None, origin=None, ref="POOL_SIZE"),
        ],
        id="names-from-other-modules",
    ),
    pytest.param(
        """
        from sqlalchemy import create_engine
        DB_POOL_SIZE = 100
        WEB_CONCURRENCY = 4
        TUPLE_SIZE = 100,
        engine = create_engine(URL, pool_size=max(DB_POOL_SIZE // WEB_CONCURRENCY, 5), max_overflow=TUPLE_SIZE)
        """,
        [
            E(5, "max(DB_POOL_SIZE // WEB_CONCURRENCY, 5)", "pool_size", "max_size", 25, written=None, origin=None),
            E(5, "TUPLE_SIZE", "max_overflow", "overflow", None, "unresolved", written=None, origin=None),
        ],
        id="arithmetic-and-tuple",
    ),
    pytest.param(
        """
        from sqlalchemy import create_engine

        def make_engine(url, size=8):
            return create_engine(url, pool_size=size)
        """,
        [E(4, "size", "pool_size", "max_size", 8, origin=(3, "8"), column=41)],
        id="parameter-default",
    ),
    pytest.param(
        """
        from sqlalchemy import create_engine

        class Database:
            def __init__(self, url, pool_size=20, max_overflow=10):
                self.engine = create_engine(url, pool_size=pool_size, max_overflow=max_overflow)
        """,
        # The parameters' defaults are what runs when callers leave them out: both reported,
        # SQLAlchemy's own value (max_overflow=10) written again included.
        [
            E(5, "pool_size", "pool_size", "max_size", 20, origin=(4, "20"), column=52),
            E(5, "max_overflow", "max_overflow", "overflow", 10, origin=(4, "10"), column=76),
        ],
        id="same-name-parameter-with-a-default-of-its-own",
    ),
]


@pytest.mark.parametrize(("text", "want"), ENGINE_CASES)
def test_engine_forms(text: str, want: list[E]) -> None:
    check(text, want)


DICT_CASES = [
    pytest.param(
        """
        from sqlalchemy import create_engine
        ENGINE_OPTIONS = {
            "pool_size": 4,
            "max_overflow": 2,
            "pool_timeout": 10,
        }
        engine = create_engine(URL, **ENGINE_OPTIONS)
        """,
        [
            E(3, "4", "ENGINE_OPTIONS.pool_size", "max_size", 4),
            E(4, "2", "ENGINE_OPTIONS.max_overflow", "overflow", 2),
            E(5, "10", "ENGINE_OPTIONS.pool_timeout", "acquire_timeout", 10),
        ],
        id="module-dict-double-star",
    ),
    pytest.param(
        """
        from sqlalchemy import create_engine
        e1 = create_engine(URL, **{"pool_size": 3})
        e2 = create_engine(URL, **dict(pool_recycle=300))
        """,
        [E(2, "3", "pool_size", "max_size", 3), E(3, "300", "pool_recycle", "recycle", 300)],
        id="literal-double-star",
    ),
    pytest.param(
        """
        from sqlalchemy import engine_from_config
        engine = engine_from_config({"sqlalchemy.url": URL, "sqlalchemy.pool_size": "10"}, prefix="sqlalchemy.")
        other = engine_from_config(
            {"db.url": URL, "db.max_overflow": 4, "db.pool_pre_ping": True},
            prefix="db.",
        )
        """,
        [
            E(2, '"10"', "sqlalchemy.pool_size", "max_size", 10, origin=(2, "10")),
            E(4, "4", "db.max_overflow", "overflow", 4),
            E(4, "True", "db.pool_pre_ping", "pre_ping", True),
        ],
        id="engine-from-config-prefixes",
    ),
    pytest.param(
        """
        settings = {
            "sqlalchemy.url": os.environ["DATABASE_URL"],
            "sqlalchemy.pool_size": int(os.getenv("DATABASE_POOL_SIZE", "5")),
        }
        """,
        [E(3, 'int(os.getenv("DATABASE_POOL_SIZE", "5"))', "sqlalchemy.pool_size", "max_size", 5, "env-default",
           origin=(3, "5", 66), env_var="DATABASE_POOL_SIZE")],
        id="prefixed-keys-anywhere",
    ),
    pytest.param(
        """
        from sqlalchemy.pool import QueuePool
        pool = QueuePool(creator, pool_size=6, max_overflow=1, timeout=15, recycle=600, pre_ping=True)
        """,
        [
            E(2, "6", "pool_size", "max_size", 6),
            E(2, "1", "max_overflow", "overflow", 1),
            E(2, "15", "timeout", "acquire_timeout", 15),
            E(2, "600", "recycle", "recycle", 600),
            E(2, "True", "pre_ping", "pre_ping", True),
        ],
        id="queuepool-short-names",
    ),
]


@pytest.mark.parametrize(("text", "want"), DICT_CASES)
def test_dict_and_config_forms(text: str, want: list[E]) -> None:
    check(text, want)


def test_pool_class_null_pool_is_no_pooling_and_no_default() -> None:
    text = source(
        """
        from sqlalchemy import create_engine, pool
        engine = create_engine("postgresql://db/app", poolclass=pool.NullPool)
        """
    )
    (setting,) = python.extract("app/db.py", text).settings
    assert (setting.key, setting.canonical, setting.value, setting.written) == ("poolclass", "pool_class", False, False)
    assert text[setting.span.start : setting.span.end] == "pool.NullPool"
    assert setting.note == "no pooling (NullPool)"
    assert setting.origin is None


IMPLICIT_CASES = [
    pytest.param(
        'engine = create_engine(DATABASE_URL, echo=False)\n',
        Insertion("app/db.py", len("engine = create_engine(DATABASE_URL, echo=False"), ", pool_size={value}"),
        id="one-line",
    ),
    pytest.param(
        'engine = create_engine(\n    DATABASE_URL,\n    echo=False,\n)\n',
        Insertion("app/db.py", len("engine = create_engine(\n    DATABASE_URL,\n    echo=False,"), "\n    pool_size={value},"),
        id="one-per-line-trailing-comma",
    ),
    pytest.param(
        'engine = create_engine(\n        DATABASE_URL,\n        echo=False\n)\n',
        Insertion("app/db.py", len("engine = create_engine(\n        DATABASE_URL,\n        echo=False"),
                  ",\n        pool_size={value}"),
        id="one-per-line-no-trailing-comma",
    ),
    pytest.param(
        'engine = create_engine(DATABASE_URL,\n                       echo=False)\n',
        Insertion("app/db.py", len("engine = create_engine(DATABASE_URL,\n                       echo=False"),
                  ",\n                       pool_size={value}"),
        id="aligned-continuation",
    ),
    pytest.param(
        'engine = create_engine()\n',
        Insertion("app/db.py", len("engine = create_engine("), "pool_size={value}"),
        id="no-arguments",
    ),
]


@pytest.mark.parametrize(("text", "insertion"), IMPLICIT_CASES)
def test_implicit_default_pool_size(text: str, insertion: Insertion) -> None:
    text = "from sqlalchemy import create_engine\n" + text
    insertion = Insertion(insertion.path, insertion.offset + len("from sqlalchemy import create_engine\n"), insertion.template)
    (setting,) = python.extract("app/db.py", text).settings
    assert (setting.line, setting.column, setting.span, setting.raw) == (2, 10, None, "")
    assert (setting.key, setting.canonical, setting.value, setting.written) == ("pool_size", "max_size", 5, 5)
    assert setting.provenance.value == "library-default"
    assert setting.note == "SQLAlchemy default"
    assert setting.insertion == insertion
    # The template, filled in at the offset, still parses and now sets pool_size.
    fixed = text[: insertion.offset] + insertion.template.format(value=12) + text[insertion.offset :]
    (after,) = python.extract("app/db.py", fixed).settings
    assert (after.key, after.value, after.provenance.value) == ("pool_size", 12, "literal")


@pytest.mark.parametrize(
    "text",
    [
        pytest.param('create_engine("sqlite://", poolclass=StaticPool)', id="sqlite-static-pool"),
        pytest.param('create_engine("sqlite:///app.db")', id="sqlite-file"),
        pytest.param('create_engine(f"sqlite:///{path}")', id="sqlite-fstring"),
        pytest.param('create_engine(URL, poolclass=NullPool)', id="null-pool"),
        pytest.param('create_engine(URL, **options)', id="unknown-options"),
        pytest.param('create_engine(URL, poolclass=choose_pool())', id="unknown-pool-class"),
        pytest.param('create_engine(URL, pool=my_pool)', id="prebuilt-pool"),
        pytest.param('engine_from_config(settings, prefix="sqlalchemy.")', id="config-from-ini"),
    ],
)
def test_no_implicit_default(text: str) -> None:
    text = "from sqlalchemy import create_engine, engine_from_config\nfrom sqlalchemy.pool import NullPool, StaticPool\n" + text
    defaults = [s for s in python.extract("app/db.py", text).settings if s.provenance.value == "library-default"]
    assert defaults == []


@pytest.mark.parametrize(
    "body",
    [
        pytest.param("def get_engine(database_url: str):\n    return create_engine(database_url)\n", id="factory-function"),
        pytest.param(
            "class Database:\n    def __init__(self, url: str):\n        self.url = url\n\n"
            "    def connect(self):\n        return create_engine(self.url)\n",
            id="url-on-the-instance",
        ),
    ],
)
def test_a_service_engine_factory_runs_with_the_default_pool(body: str) -> None:
    """However the URL reaches `create_engine`, an engine built without `pool_size` runs with
    SQLAlchemy's 5: the outage pattern, written the way services write engine factories."""
    text = "from sqlalchemy import create_engine\n\n\n" + body
    (setting,) = [s for s in python.extract("app/db.py", text).settings if s.canonical == "max_size"]
    assert (setting.key.rsplit(".", 1)[-1], setting.value, setting.provenance.value) == ("pool_size", 5, "library-default")


def test_sqlite_url_constant_is_skipped_entirely() -> None:
    text = 'from sqlalchemy import create_engine\nTEST_URL = "sqlite:///:memory:"\ne = create_engine(TEST_URL, pool_size=1)\n'
    assert python.extract("app/db.py", text).settings == []


def test_non_ascii_columns_are_characters() -> None:
    text = 'from sqlalchemy import create_engine\ne = create_engine("postgresql://ü/é", pool_size=9)\n'
    (setting,) = python.extract("app/db.py", text).settings
    assert text[setting.span.start : setting.span.end] == "9"
    assert setting.column == text.splitlines()[1].index("9") + 1


def test_crlf_and_lone_cr_lines() -> None:
    text = "from sqlalchemy import create_engine\r\nX = 1\re = create_engine(URL, pool_size=11)\r\n"
    (setting,) = python.extract("app/db.py", text).settings
    assert (setting.line, text[setting.span.start : setting.span.end]) == (3, "11")


def test_tuple_constant_note() -> None:
    text = "from sqlalchemy import create_engine\nDB_POOL_SIZE = 100,\ne = create_engine(URL, pool_size=DB_POOL_SIZE)\n"
    (setting,) = python.extract("app/db.py", text).settings
    assert (setting.value, setting.provenance.value) == (None, "unresolved")
    assert setting.note == "tuple: DB_POOL_SIZE = 100, (a trailing comma?)"


def test_symbols_for_constants() -> None:
    text = source(
        """
        import os
        POOL_SIZE = 10
        DB_MAX_OVERFLOW = int(os.getenv("DB_MAX_OVERFLOW", "4"))
        DB_POOL_TIMEOUT = os.environ["DB_POOL_TIMEOUT"]
        NAME = "orders"
        """
    )
    symbols = {s.name: s for s in python.extract("app/config.py", text).symbols}
    assert set(symbols) == {"POOL_SIZE", "DB_MAX_OVERFLOW", "DB_POOL_TIMEOUT"}
    size = symbols["POOL_SIZE"]
    assert (size.value, size.line, size.column, text[size.span.start : size.span.end]) == (10, 2, 13, "10")
    overflow = symbols["DB_MAX_OVERFLOW"]
    assert (overflow.value, overflow.env_var, text[overflow.span.start : overflow.span.end]) == (4, "DB_MAX_OVERFLOW", "4")
    timeout = symbols["DB_POOL_TIMEOUT"]
    assert (timeout.value, timeout.env_var, timeout.span) == (None, "DB_POOL_TIMEOUT", None)


def test_a_parameter_default_equal_to_the_librarys_is_what_runs() -> None:
    """`def make_engine(url, pool_size=5)` runs a pool of 5 wherever callers leave it out: the
    same number as SQLAlchemy's default, written down, and as undersized."""
    text = (
        "from sqlalchemy import create_engine\n\n\n"
        "def make_engine(url, pool_size=5):\n"
        "    return create_engine(url, pool_size=pool_size)\n"
    )
    (setting,) = python.extract("app/db.py", text).settings
    assert (setting.line, setting.key, setting.value, setting.provenance.value, setting.note) == (
        5, "pool_size", 5, "literal", "default of parameter pool_size"
    )
