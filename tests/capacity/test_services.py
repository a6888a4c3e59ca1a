"""Which services a database declares: service globs (names or folders) or the hosts in their
database URLs; and the service listing the capacity rules read (renames, excludes, roots)."""

from __future__ import annotations

from pathlib import Path

import pytest

from poolaudit.capacity import services
from poolaudit.policy import Database
from tests.capacity.conftest import policy, write

FLEET = {
    "payments/pyproject.toml": "[project]\nname='payments'\n",
    "payments/.env.production": "DATABASE_URL=postgresql+psycopg://pay:s3cret@core-postgres.db.svc:5432/payments\n",
    "ledger/pom.xml": "<project/>\n",
    "ledger/src/main/resources/application.yml": "spring:\n  datasource:\n    url: jdbc:postgresql://core-postgres:5432/ledger\n",
    "search/go.mod": "module search\n",
    "search/config.yaml": "DB_HOST: other-postgres\n",
    "audit-log/package.json": "{}\n",
    "audit-log/.env": "PGHOST=x\nhost=core-postgres dbname=audit\n",
}


@pytest.fixture
def catalog(tmp_path: Path) -> dict[str, list[services.ServiceFiles]]:
    write(tmp_path, FLEET)
    return services.services([str(tmp_path)], policy())


@pytest.mark.parametrize(
    ("declared", "users"),
    [
        pytest.param({"services": ["payments", "ledger"]}, ["payments", "ledger"], id="names-in-declared-order"),
        pytest.param({"services": ["ledger", "pay*"]}, ["ledger", "payments"], id="globs-in-declared-order"),
        pytest.param({"hosts": ["core-postgres"]}, ["audit-log", "ledger", "payments"], id="host-in-url-jdbc-and-dsn"),
        pytest.param({"hosts": ["other-postgres"]}, ["search"], id="host-variable"),
        pytest.param({"hosts": ["*.db.svc"]}, ["payments"], id="host-glob"),
        pytest.param({"services": ["search"], "hosts": ["core-postgres"]}, ["search", "audit-log", "ledger", "payments"],
                     id="globs-first-then-hosts"),  # fmt: skip
        pytest.param({"services": ["nothing-*"]}, [], id="no-match"),
    ],
)
def test_users_of(catalog: dict[str, list[services.ServiceFiles]], declared: dict[str, list[str]], users: list[str]) -> None:
    database = Database.model_validate({"name": "core", "max_connections": 100, **declared})
    assert services.users_of(database, catalog) == users


def test_a_service_is_found_by_its_folder(tmp_path: Path) -> None:
    write(tmp_path, {"services/pay/pyproject.toml": "", "services/pay/app.py": ""})
    catalog = services.services([str(tmp_path)], policy())
    database = Database.model_validate({"name": "core", "max_connections": 100, "services": ["services/*"]})
    assert services.users_of(database, catalog) == ["pay"]
    assert catalog["pay"][0].folders == {"services/pay"}


def test_renamed_services_and_excluded_files(tmp_path: Path) -> None:
    write(tmp_path, {"svc-a/pyproject.toml": "", "svc-a/app.yaml": "", "svc-a/vendor2/x.yaml": ""})
    made = policy("services: {'svc-a': {name: payments}}\nexclude: ['svc-a/vendor2']")
    catalog = services.services([str(tmp_path)], made)
    assert list(catalog) == ["payments"]
    assert catalog["payments"][0].files == ["svc-a/app.yaml", "svc-a/pyproject.toml"]


def test_several_roots_label_their_paths(tmp_path: Path) -> None:
    write(tmp_path / "one", {"pyproject.toml": ""})
    write(tmp_path / "two", {"pyproject.toml": ""})
    catalog = services.services([str(tmp_path / "one"), str(tmp_path / "two")], policy())
    assert {name: [e.reported("x") for e in entries] for name, entries in catalog.items()} == {
        "one": [f"{(tmp_path / 'one').as_posix()}/x"], "two": [f"{(tmp_path / 'two').as_posix()}/x"],
    }  # fmt: skip


@pytest.mark.parametrize(
    ("host", "pattern", "matches"),
    [
        pytest.param("core-postgres", "core-postgres", True, id="same"),
        pytest.param("core-postgres.db.svc", "core-postgres", True, id="first-label"),
        pytest.param("core-postgres-replica", "core-postgres", False, id="longer-name"),
        pytest.param("db-1.prod.internal", "*.prod.internal", True, id="glob"),
    ],
)
def test_host_match(host: str, pattern: str, matches: bool) -> None:
    assert services.host_match(host, pattern) is matches


def test_unreadable_files_read_as_nothing(tmp_path: Path) -> None:
    write(tmp_path, {"svc/pyproject.toml": ""})
    (tmp_path / "svc" / "big.yaml").write_bytes(b"a: 1\n" * 300_000)
    (tmp_path / "svc" / "bin.yaml").write_bytes(b"\xff\xfe\x00")
    (tmp_path / "svc" / "link.yaml").symlink_to("/etc/hostname")
    entry = services.services([str(tmp_path)], policy())["svc"][0]
    assert [entry.read(rel) for rel in ("svc/big.yaml", "svc/bin.yaml", "svc/link.yaml", "svc/absent.yaml")] == [None] * 4
