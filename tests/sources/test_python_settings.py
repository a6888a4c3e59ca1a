"""The Python source on settings classes (pydantic-settings v1/v2, dataclasses), the symbols
other modules resolve through, and environments from class names and `if ENV == ...`."""

from __future__ import annotations

import pytest

from poolaudit.sources import python

from .test_python import E, check, source

PS = "pydantic-settings"

SETTINGS_CASES = [
    pytest.param(
        """
        from pydantic_settings import BaseSettings, SettingsConfigDict


        class Settings(BaseSettings):
            model_config = SettingsConfigDict(env_file=".env", extra="ignore")

            database_url: str = "postgresql://app:app@localhost:5432/app"
            db_pool_size: int = 10
            db_max_overflow: int = 5
            db_pool_timeout: float = Field(default=30, description="seconds")
        """,
        [
            E(8, "10", "db_pool_size", "max_size", 10, "env-default", env_var="DB_POOL_SIZE", framework=PS),
            E(9, "5", "db_max_overflow", "overflow", 5, "env-default", env_var="DB_MAX_OVERFLOW", framework=PS),
            E(10, "30", "db_pool_timeout", "acquire_timeout", 30, "env-default", env_var="DB_POOL_TIMEOUT",
              framework=PS),
        ],
        id="v2-no-prefix",
    ),
    pytest.param(
        """
        class DatabaseSettings(BaseSettings):
            model_config = SettingsConfigDict(env_prefix="databases_")
            pool_size: int = 20
            max_overflow: int = Field(4, alias="ALCHEMY_MAX_OVERFLOW")
        """,
        [
            E(3, "20", "pool_size", "max_size", 20, "env-default", env_var="DATABASES_POOL_SIZE", framework=PS),
            E(4, "4", "max_overflow", "overflow", 4, "env-default", env_var="ALCHEMY_MAX_OVERFLOW", framework=PS),
        ],
        id="v2-prefix-and-alias",
    ),
    pytest.param(
        """
        from pydantic import BaseSettings


        class ProductionSettings(BaseSettings):
            pool_recycle: int = "1800"
            db_pool_size: int

            class Config:
                env_prefix = "APP_"
        """,
        [
            E(5, '"1800"', "pool_recycle", "recycle", 1800, "env-default", origin=(5, "1800"),
              env_var="APP_POOL_RECYCLE", framework=PS, environment="production"),
            E(6, "db_pool_size", "db_pool_size", "max_size", None, "unresolved", written=None, origin=None,
              env_var="APP_DB_POOL_SIZE", framework=PS, environment="production"),
        ],
        id="v1-config-prefix-required-field",
    ),
    pytest.param(
        """
        from dataclasses import dataclass


        @dataclass
        class DatabaseConfig:
            url: str = ""
            pool_size: int = 15
            max_overflow: int = int(os.getenv("DB_MAX_OVERFLOW", "2"))
        """,
        [
            E(7, "15", "pool_size", "max_size", 15, framework="app-config"),
            E(8, 'int(os.getenv("DB_MAX_OVERFLOW", "2"))', "max_overflow", "overflow", 2, "env-default",
              origin=(8, "2"), env_var="DB_MAX_OVERFLOW", framework="app-config"),
        ],
        id="dataclass",
    ),
]


@pytest.mark.parametrize(("text", "want"), SETTINGS_CASES)
def test_settings_classes(text: str, want: list[E]) -> None:
    check(text, want, "app/config.py")


def test_settings_fields_are_symbols_for_other_modules() -> None:
    text = source(
        """
        class Settings(BaseSettings):
            model_config = SettingsConfigDict(env_prefix="ORDERS_")
            db_pool_size: int = 10
            log_level: str = "INFO"


        class Config:
            POOL_SIZE = 7
        """
    )
    symbols = python.extract("app/config.py", text).symbols
    assert [(s.name, s.value, s.env_var, s.container, s.line, s.column) for s in symbols] == [
        ("db_pool_size", 10, "ORDERS_DB_POOL_SIZE", "Settings", 3, 25),
        ("POOL_SIZE", 7, None, "Config", 8, 17),
    ]
    assert text[symbols[0].span.start : symbols[0].span.end] == "10"


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("class RedisSettings(BaseSettings):\n    pool_size: int = 10\n", id="redis-settings"),
        pytest.param("class Settings(BaseSettings):\n    model_config = {'env_prefix': 'REDIS_'}\n    pool_size: int = 10\n",
                     id="redis-prefix"),
        pytest.param("@dataclass\nclass WorkerConfig:\n    pool_size: int = 4\n", id="worker-dataclass"),
        pytest.param("class Settings(BaseSettings):\n    thread_pool_size: int = 8\n", id="thread-pool-field"),
        pytest.param("class Config:\n    DB_POOL_SIZE = 10\n", id="plain-class-is-a-symbol-only"),
        pytest.param("DB_POOL_SIZE = 10\n", id="module-constant-is-a-symbol-only"),
    ],
)
def test_not_a_setting_field(text: str) -> None:
    assert python.extract("app/config.py", text).settings == []


ENVIRONMENT_CASES = [
    pytest.param('if ENV == "production":\n    e = create_engine(URL, pool_size=40)\n', "production", id="eq"),
    pytest.param('if settings.environment in ("prod", "production"):\n    e = create_engine(URL, pool_size=40)\n',
                 "production", id="in-tuple"),
    pytest.param('if APP_ENV != "test":\n    pass\nelse:\n    e = create_engine(URL, pool_size=40)\n', "test",
                 id="not-eq-else"),
    pytest.param('if settings.ENVIRONMENT == Environment.STAGING:\n    e = create_engine(URL, pool_size=40)\n',
                 "staging", id="enum-member"),
    pytest.param('match os.getenv("APP_ENV"):\n    case "dev" | "local":\n        e = create_engine(URL, pool_size=40)\n',
                 "development", id="match"),
    pytest.param('if user.role == "test":\n    e = create_engine(URL, pool_size=40)\n', "any", id="not-an-env-name"),
    pytest.param('class StagingConfig:\n    def engine(self):\n        return create_engine(URL, pool_size=40)\n',
                 "staging", id="class-name"),
]


@pytest.mark.parametrize(("text", "environment"), ENVIRONMENT_CASES)
def test_environment_from_names(text: str, environment: str) -> None:
    (setting,) = python.extract("app/db.py", "from sqlalchemy import create_engine\n" + text).settings
    assert setting.environment == environment


@pytest.mark.parametrize(
    "path",
    ["tests/test_db.py", "services/a/tests/fixtures/db.py", "conftest.py", "app/test_pool.py", "pkg/db_test.py"],
)
def test_test_code_is_test_environment_whatever_the_names(path: str) -> None:
    text = 'class ProductionConfig:\n    SQLALCHEMY_ENGINE_OPTIONS = {"pool_size": 1}\n'
    (setting,) = python.extract(path, text).settings
    assert setting.environment == "test"
