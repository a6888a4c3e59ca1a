"""Django `DATABASES[...]["OPTIONS"]`: psycopg's pool (Django 5.1+), django-db-geventpool's
`MAX_CONNS`, and keys written where Django does not read them, reported as dead settings
(PA108): `CONN_MAX_AGE` inside `OPTIONS`, `MAX_CONNS`/`MIN_CONNS` under a stock backend."""

from __future__ import annotations

from pathlib import Path

import pytest

from poolaudit import policy as policy_mod
from poolaudit.audit import audit
from poolaudit.rules._finding import dead
from poolaudit.sources import python

from .test_python import E, check

DJ = "django"
K = "DATABASES.default."

OPTIONS_CASES = [
    pytest.param(
        """
        DATABASES = {
            "default": {
                "ENGINE": "django.db.backends.postgresql",
                "NAME": "app",
                "OPTIONS": {
                    "pool": {"min_size": 2, "max_size": 4, "timeout": 10, "max_lifetime": 600},
                },
            }
        }
        """,
        [
            E(6, "2", K + "OPTIONS.pool.min_size", "min_idle", 2, framework=DJ),
            E(6, "4", K + "OPTIONS.pool.max_size", "max_size", 4, framework=DJ),
            E(6, "10", K + "OPTIONS.pool.timeout", "acquire_timeout", 10, framework=DJ),
            E(6, "600", K + "OPTIONS.pool.max_lifetime", "recycle", 600, framework=DJ),
        ],
        id="psycopg-pool-dict",
    ),
    pytest.param(
        """
        DATABASES = {
            "default": {
                "ENGINE": "django.db.backends.postgresql",
                "OPTIONS": {"pool": {"min_size": 2, "timeout": 10}},
            }
        }
        """,
        [
            E(4, "2", K + "OPTIONS.pool.min_size", "min_idle", 2, framework=DJ),
            E(4, "10", K + "OPTIONS.pool.timeout", "acquire_timeout", 10, framework=DJ),
            E(4, '{"min_size": 2, "timeout": 10}', K + "OPTIONS.pool.max_size", "max_size", 2, "library-default",
              origin=None, framework=DJ),
        ],
        id="no-max-size-is-min-size",
    ),
    pytest.param(
        """
        DATABASES = {
            "default": {
                "ENGINE": "django.db.backends.postgresql",
                "OPTIONS": {"pool": {"timeout": 10}},
            }
        }
        """,
        [
            E(4, "10", K + "OPTIONS.pool.timeout", "acquire_timeout", 10, framework=DJ),
            E(4, '{"timeout": 10}', K + "OPTIONS.pool.max_size", "max_size", 4, "library-default", origin=None,
              framework=DJ),
        ],
        id="no-sizes-is-a-fixed-pool-of-4",
    ),
    pytest.param(
        """
        DATABASES = {
            "default": {
                "ENGINE": "django_db_geventpool.backends.postgresql_psycopg2",
                "CONN_MAX_AGE": 0,
                "OPTIONS": {"MAX_CONNS": 20, "REUSE_CONNS": 10},
            }
        }
        """,
        [
            E(4, "0", K + "CONN_MAX_AGE", "recycle", 0, framework=DJ),
            E(5, "20", K + "OPTIONS.MAX_CONNS", "max_size", 20, framework=DJ),
        ],
        id="geventpool-max-conns",
    ),
    pytest.param(
        """
        DATABASES = {"default": env.db()}
        DATABASES["default"]["ENGINE"] = "django_db_geventpool.backends.postgresql_psycopg3"
        DATABASES["default"]["OPTIONS"] = {"MAX_CONNS": int(os.getenv("DB_MAX_CONNS", "8"))}
        """,
        [
            E(3, 'int(os.getenv("DB_MAX_CONNS", "8"))', K + "OPTIONS.MAX_CONNS", "max_size", 8, "env-default",
              origin=(3, "8"), env_var="DB_MAX_CONNS", framework=DJ),
        ],
        id="geventpool-engine-set-by-subscript",
    ),
]


@pytest.mark.parametrize(("text", "want"), OPTIONS_CASES)
def test_options_pool_settings(text: str, want: list[E]) -> None:
    found = check(text, want, "app/settings.py")
    assert [s for s in found if dead(s)] == []


MISPLACED_CASES = [
    pytest.param(
        """
        DATABASES = {
            "default": {
                "ENGINE": "django.db.backends.postgresql",
                "OPTIONS": {
                    "CONN_MAX_AGE": 600,
                    "MAX_CONNS": 20,
                    "MIN_CONNS": 5,
                },
            }
        }
        """,
        [
            E(5, "600", K + "OPTIONS.CONN_MAX_AGE", "recycle", 600, framework=DJ),
            E(6, "20", K + "OPTIONS.MAX_CONNS", "max_size", 20, framework=DJ),
            E(7, "5", K + "OPTIONS.MIN_CONNS", "min_idle", 5, framework=DJ),
        ],
        [
            "ignored inside OPTIONS (they go to the driver): Django reads CONN_MAX_AGE beside OPTIONS",
            "ignored by stock Django backends (OPTIONS go to the driver): MAX_CONNS is django-db-geventpool's",
            "ignored by stock Django backends (OPTIONS go to the driver): MIN_CONNS is django-db-geventpool's",
        ],
        id="stock-backend",
    ),
    pytest.param(
        """
        DATABASES["default"]["OPTIONS"] = {
            "CONN_MAX_AGE": env.int("CONN_MAX_AGE", default=60),
            "CONN_HEALTH_CHECKS": True,
        }
        """,
        [
            E(2, 'env.int("CONN_MAX_AGE", default=60)', K + "OPTIONS.CONN_MAX_AGE", "recycle", 60, "env-default",
              origin=(2, "60"), env_var="CONN_MAX_AGE", framework=DJ),
            E(3, "True", K + "OPTIONS.CONN_HEALTH_CHECKS", "pre_ping", True, framework=DJ),
        ],
        [
            "ignored inside OPTIONS (they go to the driver): Django reads CONN_MAX_AGE beside OPTIONS",
            "ignored inside OPTIONS (they go to the driver): Django reads CONN_HEALTH_CHECKS beside OPTIONS",
        ],
        id="subscript-any-backend",
    ),
    pytest.param(
        """
        DATABASES = {
            "default": {
                "ENGINE": "django_db_geventpool.backends.postgresql_psycopg2",
                "OPTIONS": {"MAX_CONNS": 20, "CONN_MAX_AGE": 0},
            }
        }
        """,
        [
            E(4, "20", K + "OPTIONS.MAX_CONNS", "max_size", 20, framework=DJ),
            E(4, "0", K + "OPTIONS.CONN_MAX_AGE", "recycle", 0, origin=(4, "0", 54), framework=DJ, column=54),
        ],
        [
            None,
            "ignored inside OPTIONS (they go to the driver): Django reads CONN_MAX_AGE beside OPTIONS",
        ],
        id="geventpool-conn-max-age-inside",
    ),
]


@pytest.mark.parametrize(("text", "want", "notes"), MISPLACED_CASES)
def test_misplaced_keys_are_dead_settings(text: str, want: list[E], notes: list[str | None]) -> None:
    found = check(text, want, "app/settings.py")
    assert [s.note for s in sorted(found, key=lambda s: (s.line, s.column))] == notes
    assert [dead(s) for s in sorted(found, key=lambda s: (s.line, s.column))] == [n is not None for n in notes]


@pytest.mark.parametrize(
    "text",
    [
        pytest.param(
            'DATABASES = {"default": {"ENGINE": "django.db.backends.postgresql", "MAX_CONNS": 20, "POOL_SIZE": 10}}\n',
            id="top-level-keys-django-never-reads",
        ),
        pytest.param(
            'DATABASES = {"default": {"ENGINE": "django.db.backends.postgresql",\n'
            '                         "OPTIONS": {"sslmode": "require", "connect_timeout": 5, "REUSE_CONNS": 2}}}\n',
            id="driver-options",
        ),
        pytest.param(
            'DATABASES = {"default": dj_database_url.config()}\nDATABASES["default"]["OPTIONS"] = {"MAX_CONNS": 20}\n',
            id="max-conns-engine-unknown",
        ),
        pytest.param(
            'DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "OPTIONS": {"MAX_CONNS": 2}}}\n',
            id="sqlite",
        ),
        pytest.param(
            'CACHES = {"default": {"OPTIONS": {"MAX_CONNS": 20, "pool": {"max_size": 4}}}}\n'
            'DATABASES = {}\n',
            id="caches-not-databases",
        ),
        pytest.param(
            'DATABASES = {"default": {"ENGINE": "django.db.backends.postgresql", "OPTIONS": {"pool": {**POOL}}}}\n',
            id="pool-dict-from-elsewhere",
        ),
    ],
)
def test_not_reported(text: str) -> None:
    assert python.extract("app/settings.py", text).settings == []


def test_audit_reports_misplaced_keys_as_pa108(tmp_path: Path) -> None:
    (tmp_path / "app").mkdir()
    (tmp_path / "manage.py").write_text("import django\n")
    (tmp_path / "app/settings.py").write_text(
        "DATABASES = {\n"
        '    "default": {\n'
        '        "ENGINE": "django.db.backends.postgresql",\n'
        '        "CONN_MAX_AGE": 60,\n'
        '        "OPTIONS": {"MAX_CONNS": 20, "CONN_MAX_AGE": 600},\n'
        "    }\n"
        "}\n"
    )
    result = audit([tmp_path], policy_mod.load(None, tmp_path))
    assert sorted((f.path, f.line, f.column, f.message) for f in result.findings if f.code == "PA108") == [
        ("app/settings.py", 5, 34, ("MAX_CONNS has no effect: ignored by stock Django backends (OPTIONS go to the "
                                   "driver): MAX_CONNS is django-db-geventpool's")),
        ("app/settings.py", 5, 54, ("CONN_MAX_AGE has no effect: ignored inside OPTIONS (they go to the driver): "
                                   "Django reads CONN_MAX_AGE beside OPTIONS")),
    ]


def test_conn_max_age_inside_options_of_a_dict_built_outside_databases_is_dead() -> None:
    """`_default = {..., "OPTIONS": {"CONN_MAX_AGE": 600}}` then `DATABASES = {"default": _default}`:
    Django ignores the key there too; beside OPTIONS it works."""
    text = (
        "_default = {\"ENGINE\": \"django.db.backends.postgresql\", \"OPTIONS\": {\"CONN_MAX_AGE\": 600}}\n"
        "_replica = {\"ENGINE\": \"django.db.backends.postgresql\", \"CONN_MAX_AGE\": 60}\n"
    )
    found = [(s.key, s.value, s.note) for s in python.extract("proj/settings.py", text).settings]
    assert found == [
        ("CONN_MAX_AGE", 600, "ignored inside OPTIONS (they go to the driver): Django reads CONN_MAX_AGE beside OPTIONS"),
        ("CONN_MAX_AGE", 60, None),
    ]
