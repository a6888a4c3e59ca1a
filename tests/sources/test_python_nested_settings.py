"""Nested pydantic settings: a model held by a `BaseSettings` with `env_nested_delimiter` is
read through the nested variable (`APP_` + `DATABASE` + `__` + `POOL_SIZE`), which env files of
the same service then set, as pydantic-settings does (case-insensitive, aliases name levels)."""

from __future__ import annotations

from pathlib import Path

import pytest

from poolaudit import policy as policy_mod
from poolaudit.audit import audit
from poolaudit.model import Provenance
from poolaudit.sources import python

from .test_python import E, check, source

PS = "pydantic-settings"

NESTED_CASES = [
    pytest.param(
        """
        from pydantic import BaseModel
        from pydantic_settings import BaseSettings, SettingsConfigDict


        class DatabaseSettings(BaseModel):
            url: str = "postgresql://app@db/app"
            pool_size: int = 5
            max_overflow: int = 10


        class Settings(BaseSettings):
            model_config = SettingsConfigDict(env_prefix="APP_", env_nested_delimiter="__")
            database: DatabaseSettings = DatabaseSettings()
        """,
        [
            E(7, "5", "pool_size", "max_size", 5, "env-default", env_var="APP_DATABASE__POOL_SIZE", framework=PS),
            E(8, "10", "max_overflow", "overflow", 10, "env-default", env_var="APP_DATABASE__MAX_OVERFLOW",
              framework=PS),
        ],
        id="v2-model-config",
    ),
    pytest.param(
        """
        from pydantic import BaseModel, BaseSettings, Field


        class Database(BaseModel):
            pool_size: int = 8
            pool_recycle: int = 1800


        class Settings(BaseSettings):
            database: Database = Field(default_factory=Database)

            class Config:
                env_prefix = "ORDERS_"
                env_nested_delimiter = "__"
        """,
        [
            E(5, "8", "pool_size", "max_size", 8, "env-default", env_var="ORDERS_DATABASE__POOL_SIZE", framework=PS),
            E(6, "1800", "pool_recycle", "recycle", 1800, "env-default", env_var="ORDERS_DATABASE__POOL_RECYCLE",
              framework=PS),
        ],
        id="v1-class-config",
    ),
    pytest.param(
        """
        class Db(BaseModel):
            pool_size: int = 3


        class Settings(BaseSettings, env_nested_delimiter="__"):
            db: Db | None = None
        """,
        [E(2, "3", "pool_size", "max_size", 3, "env-default", env_var="DB__POOL_SIZE", framework=PS)],
        id="class-keyword-no-prefix-optional",
    ),
    pytest.param(
        """
        class PoolOptions(BaseModel):
            size: int = 12
            timeout: float = 15


        class Database(BaseModel):
            pool: Optional["PoolOptions"] = PoolOptions()


        class Settings(BaseSettings):
            model_config = {"env_prefix": "app_", "env_nested_delimiter": "__"}
            database: Annotated[Database, Field(description="primary")]
        """,
        [
            E(2, "12", "size", "max_size", 12, "env-default", env_var="APP_DATABASE__POOL__SIZE", framework=PS),
            E(3, "15", "timeout", "acquire_timeout", 15, "env-default", env_var="APP_DATABASE__POOL__TIMEOUT",
              framework=PS),
        ],
        id="two-levels-annotated-string-annotation",
    ),
    pytest.param(
        """
        class Database(BaseModel):
            pool_size: int = Field(5, alias="size")
            max_overflow: int


        class Settings(BaseSettings):
            model_config = SettingsConfigDict(env_prefix="APP_", env_nested_delimiter="__")
            database: Database = Field(validation_alias=AliasChoices("PRIMARY_DB", "DB"))
        """,
        [
            E(2, "5", "pool_size", "max_size", 5, "env-default", origin=(2, "5"), env_var="PRIMARY_DB__SIZE",
              framework=PS),
            E(3, "max_overflow", "max_overflow", "overflow", None, "unresolved", written=None, origin=None,
              env_var="PRIMARY_DB__MAX_OVERFLOW", framework=PS),
        ],
        id="aliases-name-the-levels-required-field-unresolved",
    ),
    pytest.param(
        """
        class DBConfig(BaseModel):
            pool_size: int = 5


        class Settings(BaseSettings):
            model_config = SettingsConfigDict(env_nested_delimiter="_", env_nested_max_split=1)
            primary: DBConfig
        """,
        [E(2, "5", "pool_size", "max_size", 5, "env-default", env_var="PRIMARY_POOL_SIZE", framework=PS)],
        id="single-underscore-with-max-split",
    ),
    pytest.param(
        """
        class BaseDb(BaseModel):
            pool_size: int = 6


        class Db(BaseDb):
            echo: bool = False


        class Base(BaseSettings):
            model_config = SettingsConfigDict(env_prefix="SVC_", env_nested_delimiter="__")


        class Settings(Base):
            db: Db = Db()
        """,
        [E(2, "6", "pool_size", "max_size", 6, "env-default", env_var="SVC_DB__POOL_SIZE", framework=PS)],
        id="inherited-config-and-base-model-fields",
    ),
]


@pytest.mark.parametrize(("text", "want"), NESTED_CASES)
def test_nested_model_fields_read_the_nested_variable(text: str, want: list[E]) -> None:
    check(text, want, "app/config.py")


def test_nested_basesettings_takes_the_outer_variable_and_names_its_own() -> None:
    text = """
        class DatabaseSettings(BaseSettings):
            model_config = SettingsConfigDict(env_prefix="DB_")
            pool_size: int = 5


        class Settings(BaseSettings):
            model_config = SettingsConfigDict(env_prefix="APP_", env_nested_delimiter="__")
            database: DatabaseSettings = DatabaseSettings()
        """
    (setting,) = check(text, [E(3, "5", "pool_size", "max_size", 5, "env-default", env_var="APP_DATABASE__POOL_SIZE",
                                framework=PS)], "app/config.py")
    assert setting.note == "DatabaseSettings reads DB_POOL_SIZE when APP_DATABASE__POOL_SIZE is unset"


def test_nested_fields_are_symbols_with_the_nested_variable() -> None:
    text = source(NESTED_CASES[0].values[0])
    symbols = python.extract("app/config.py", text).symbols
    assert [(s.name, s.value, s.env_var, s.container, s.line, s.column) for s in symbols] == [
        ("pool_size", 5, "APP_DATABASE__POOL_SIZE", "DatabaseSettings", 7, 22),
        ("max_overflow", 10, "APP_DATABASE__MAX_OVERFLOW", "DatabaseSettings", 8, 25),
    ]


def test_one_model_under_two_fields_keeps_its_literal_and_names_both_variables() -> None:
    text = """
        class DBConfig(BaseModel):
            pool_size: int = 5


        class Settings(BaseSettings):
            model_config = SettingsConfigDict(env_nested_delimiter="__")
            primary: DBConfig = DBConfig()
            replica: DBConfig = DBConfig()
        """
    (setting,) = check(text, [E(2, "5", "pool_size", "max_size", 5, framework="app-config")], "app/config.py")
    assert setting.note == "set by PRIMARY__POOL_SIZE or REPLICA__POOL_SIZE"


@pytest.mark.parametrize(
    ("text", "want"),
    [
        pytest.param(
            "class Db(BaseModel):\n    pool_size: int = 5\n\n"
            "class Settings(BaseSettings):\n    model_config = SettingsConfigDict(env_prefix='APP_')\n    db: Db = Db()\n",
            [E(2, "5", "pool_size", "max_size", 5, framework="app-config")],
            id="no-delimiter-no-variable",
        ),
        pytest.param(
            "class Db(BaseModel):\n    pool_size: int = 5\n\n"
            "class Settings(BaseSettings):\n    model_config = SettingsConfigDict(env_nested_delimiter='_')\n"
            "    db: Db = Db()\n",
            [E(2, "5", "pool_size", "max_size", 5, framework="app-config")],
            id="delimiter-inside-the-field-name-splits-it",
        ),
        pytest.param(
            "class Db(BaseModel):\n    pool_size: int = 5\n\n"
            "class Settings(BaseSettings):\n    db__main: Db = Db()\n\n"
            "    class Config:\n        env_nested_delimiter = '__'\n",
            [E(2, "5", "pool_size", "max_size", 5, framework="app-config")],
            id="v1-splits-the-outer-name-too",
        ),
        pytest.param(
            "class Db(BaseModel):\n    pool_size: int = 5\n\n"
            "class Settings(BaseSettings):\n    model_config = SettingsConfigDict(env_nested_delimiter='__')\n"
            "    dbs: list[Db] = []\n    by_name: dict[str, Db] = {}\n",
            [E(2, "5", "pool_size", "max_size", 5, framework="app-config")],
            id="list-and-dict-of-models",
        ),
    ],
)
def test_nested_variable_only_where_pydantic_builds_it(text: str, want: list[E]) -> None:
    found = check(text, want, "app/config.py")
    assert [s.env_var for s in found] == [None]


@pytest.mark.parametrize(
    "text",
    [
        pytest.param(
            "class Pool(BaseModel):\n    pool_size: int = 50\n\n"
            "class Settings(BaseSettings):\n    model_config = SettingsConfigDict(env_nested_delimiter='__')\n"
            "    redis: Pool = Pool()\n",
            id="redis-holds-the-model",
        ),
        pytest.param(
            "class Pool(BaseModel):\n    pool_size: int = 8\n\n"
            "class Settings(BaseSettings):\n    model_config = SettingsConfigDict(env_nested_delimiter='__')\n"
            "    workers: Pool = Pool()\n",
            id="worker-pool",
        ),
        pytest.param(
            "class Settings(BaseSettings):\n    model_config = SettingsConfigDict(env_nested_delimiter='__')\n"
            "    db_pool: PoolSettings = PoolSettings()\n\n"
            "class PoolSettings(BaseModel):\n    echo: bool = False\n",
            id="the-container-field-is-not-a-value",
        ),
        pytest.param(
            "class Db(BaseModel):\n    url: str = ''\n\n"
            "class Settings(BaseSettings):\n    model_config = SettingsConfigDict(env_nested_delimiter='__')\n"
            "    db: Db = Db()\n    thread_pool_size: int = 4\n",
            id="nothing-pool-like-below",
        ),
    ],
)
def test_not_a_nested_pool_setting(text: str) -> None:
    assert python.extract("app/config.py", text).settings == []


CONFIG = source(NESTED_CASES[0].values[0])
ENGINE = (
    "from sqlalchemy import create_engine\n"
    "from app.config import settings\n\n"
    "engine = create_engine(\n"
    "    settings.database.url,\n"
    "    pool_size=settings.database.pool_size,\n"
    "    max_overflow=settings.database.max_overflow,\n"
    ")\n"
)


@pytest.mark.parametrize(
    "env",
    [
        pytest.param("APP_DATABASE__POOL_SIZE=20\nAPP_DATABASE__MAX_OVERFLOW=3\n", id="upper"),
        pytest.param("app_database__pool_size=20\nApp_Database__Max_Overflow=3\n", id="case-insensitive"),
    ],
)
def test_env_file_sets_nested_fields_and_the_engine_reading_them(tmp_path: Path, env: str) -> None:
    (tmp_path / "app").mkdir()
    (tmp_path / "app/config.py").write_text(CONFIG)
    (tmp_path / "app/db.py").write_text(ENGINE)
    (tmp_path / ".env").write_text(env)
    (tmp_path / "requirements.txt").write_text("fastapi\nsqlalchemy\n")
    result = audit([tmp_path], policy_mod.load(None, tmp_path))
    got = sorted(
        (s.path, s.line, s.column, s.key, s.canonical, s.written, s.value, s.provenance, s.env_var, s.env_file,
         (s.origin.path, s.origin.line) if s.origin else None)
        for s in result.settings if s.kind == "python"
    )
    assert got == [
        ("app/config.py", 7, 22, "pool_size", "max_size", 5, 20, Provenance.ENV_FILE, "APP_DATABASE__POOL_SIZE",
         ".env", (".env", 1)),
        ("app/config.py", 8, 25, "max_overflow", "overflow", 10, 3, Provenance.ENV_FILE, "APP_DATABASE__MAX_OVERFLOW",
         ".env", (".env", 2)),
        ("app/db.py", 6, 15, "pool_size", "max_size", 5, 20, Provenance.ENV_FILE, "APP_DATABASE__POOL_SIZE",
         ".env", (".env", 1)),
        ("app/db.py", 7, 18, "max_overflow", "overflow", 10, 3, Provenance.ENV_FILE, "APP_DATABASE__MAX_OVERFLOW",
         ".env", (".env", 2)),
    ]


def test_flat_variable_of_the_same_name_does_not_set_a_nested_field(tmp_path: Path) -> None:
    (tmp_path / "app").mkdir()
    (tmp_path / "app/config.py").write_text(CONFIG)
    (tmp_path / ".env").write_text("APP_POOL_SIZE=20\nDATABASE_POOL_SIZE=30\n")
    (tmp_path / "requirements.txt").write_text("fastapi\n")
    result = audit([tmp_path], policy_mod.load(None, tmp_path))
    (setting,) = [s for s in result.settings if s.kind == "python" and s.key == "pool_size"]
    assert (setting.value, setting.provenance, setting.env_file) == (5, Provenance.ENV_DEFAULT, None)
