"""Which files are read, of which kind, in which service."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from pyfakefs.fake_filesystem import FakeFilesystem

from poolaudit.discover import ServiceMap, discover, kind_of


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        pytest.param("application.yml", "yaml", id="yml"),
        pytest.param("values-production.yaml", "yaml", id="yaml"),
        pytest.param("Rocket.toml", "toml", id="toml"),
        pytest.param(".env", "env", id="dotenv"),
        pytest.param(".env.production", "env", id="dotenv-production"),
        pytest.param("prod.env", "env", id="name.env"),
        pytest.param("env.sample", "env", id="env.sample"),
        pytest.param("application.properties", "properties", id="properties"),
        pytest.param("production.ini", "ini", id="ini"),
        pytest.param("db.py", "python", id="python"),
        pytest.param("README.md", None, id="markdown"),
        pytest.param("diagram.png", None, id="png"),
        pytest.param("package.json", None, id="json"),
        pytest.param("environment.ts", None, id="not-an-env-file"),
        pytest.param(".poolaudit.yaml", None, id="own-policy-file"),
    ],
)
def test_kind_of(name: str, kind: str | None) -> None:
    assert kind_of(name) == kind


def test_walk_honours_gitignore_and_prunes_vendored(fs: FakeFilesystem) -> None:
    root = Path("/repo")
    fs.create_file(root / ".gitignore", contents=".env.local\nbuild-output/\n*.generated.yml\n")
    fs.create_file(root / ".env")
    fs.create_file(root / ".env.local")
    fs.create_file(root / "config" / "app.yaml")
    fs.create_file(root / "config" / "x.generated.yml")
    fs.create_file(root / "build-output" / "application.yml")
    fs.create_file(root / "node_modules" / "pg" / "pool.py")
    fs.create_file(root / ".venv" / "lib" / "settings.py")
    fs.create_file(root / "svc" / ".gitignore", contents="secrets.env\n")
    fs.create_file(root / "svc" / "secrets.env")
    fs.create_file(root / "svc" / "db.py")
    fs.create_file(root / "docs" / "pools.md")
    rels = [ref.rel for ref in discover(root)[0]]
    assert rels == [".env", "config/app.yaml", "svc/db.py"]


def test_git_lists_tracked_and_untracked_not_ignored(tmp_path: Path) -> None:
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    (tmp_path / ".gitignore").write_text(".env.local\n")
    (tmp_path / ".env").write_text("DB_POOL_SIZE=5\n")
    (tmp_path / ".env.local").write_text("DB_POOL_SIZE=1\n")
    (tmp_path / "app.yaml").write_text("a: 1\n")
    subprocess.run(["git", "add", ".env"], cwd=tmp_path, check=True)
    assert [ref.rel for ref in discover(tmp_path)[0]] == [".env", "app.yaml"]


def test_service_is_the_nearest_folder_with_a_manifest(fs: FakeFilesystem) -> None:
    root = Path("/mono")
    fs.create_file(root / "services" / "payments-api" / "pyproject.toml")
    fs.create_file(root / "services" / "payments-api" / "deploy" / "helm" / "payments" / "Chart.yaml")
    fs.create_file(root / "services" / "ledger" / "pom.xml")
    services = ServiceMap(root)
    assert services.service("services/payments-api/src/app/db.py") == "payments-api"
    assert services.service("services/payments-api/deploy/helm/payments/values.yaml") == "payments-api"
    assert services.service("services/ledger/src/main/resources/application.yml") == "ledger"
    assert services.service("README.md") == "mono"


def test_service_folder_is_the_manifest_folder(fs: FakeFilesystem) -> None:
    root = Path("/mono")
    fs.create_file(root / "services" / "payments-api" / "pyproject.toml")
    services = ServiceMap(root)
    assert services.folder("services/payments-api/src/app/db.py") == "services/payments-api"
    assert services.folder("README.md") == ""


def test_a_folder_that_git_ignores_is_walked_when_asked_for(tmp_path: Path) -> None:
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    (tmp_path / ".gitignore").write_text("vendored/\n")
    (tmp_path / "vendored" / "svc").mkdir(parents=True)
    (tmp_path / "vendored" / "svc" / ".env").write_text("DB_POOL_SIZE=5\n")
    assert [ref.rel for ref in discover(tmp_path / "vendored")[0]] == ["svc/.env"]


# A folder in no work tree (a tarball, a copy, a CI artifact): git lists and searches it through
# an empty repository lent from the temporary folder, and nothing is written to the folder.
_LOOSE = {
    ".gitignore": ".env.local\nnode_modules/\n",
    ".env": "DB_POOL_SIZE=4\n",
    ".env.local": "DB_POOL_SIZE=1\n",
    "svc/pyproject.toml": "[project]\nname = 'svc'\n",
    "svc/app/db.py": "from sqlalchemy import create_engine\nengine = create_engine(URL, pool_size=3)\n",
    "svc/app/tasks.py": "from concurrent.futures import ThreadPoolExecutor\nrunner = ThreadPoolExecutor(4)\n",
    "svc/node_modules/pg/config.yml": "database:\n  pool: 2\n",
    "shared/prod.yml": "spring:\n  datasource:\n    hikari:\n      maximum-pool-size: 6\n",
}


def _loose_tree(root: Path) -> None:
    for rel, text in _LOOSE.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)
    # git grep reads regular files only: a symlinked config is read by Python instead.
    (root / "svc" / "application-prod.yml").symlink_to("../shared/prod.yml")


def _found(root: Path) -> list[tuple[str, int, object]]:
    from poolaudit.audit import audit
    from poolaudit.policy import load

    return [(s.path, s.line, s.value) for s in audit([root], load(None, root)).settings]


def _tree(root: Path) -> list[tuple[str, int]]:
    return sorted((str(p.relative_to(root)), p.lstat().st_mtime_ns) for p in root.rglob("*"))


def test_a_folder_in_no_work_tree_is_listed_and_searched_by_git(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import poolaudit.gather
    from poolaudit.prefilter import GitGrep

    root = tmp_path / "loose"
    root.mkdir()
    _loose_tree(root)
    before = _tree(root)
    lent: list[str] = []
    searched: list[str | None] = []
    real_lend, real_init = poolaudit.gather.lend_repository, GitGrep.__init__

    def lend(folder: Path) -> str | None:
        lent.append(real_lend(folder) or "")
        return lent[-1] or None

    def init(self: GitGrep, root: Path, only: object = None, lent: str | None = None) -> None:
        searched.append(lent)
        real_init(self, root, only, lent)  # type: ignore[arg-type]

    monkeypatch.setattr(poolaudit.gather, "lend_repository", lend)
    monkeypatch.setattr(GitGrep, "__init__", init)
    expected = [
        (".env", 1, 4),
        ("shared/prod.yml", 4, 6),
        ("svc/app/db.py", 2, 3),
        ("svc/application-prod.yml", 4, 6),
    ]
    assert _found(root) == expected
    assert lent and lent[0] and searched == lent  # git listed and searched through the lent repository
    assert not Path(lent[0]).exists()  # and it is gone
    assert _tree(root) == before  # nothing written in the folder
    monkeypatch.setattr(poolaudit.gather, "lend_repository", lambda folder: None)
    assert _found(root) == expected  # the walk without git finds the same


def test_a_loose_folder_holding_a_repository_is_walked(tmp_path: Path) -> None:
    """git lists a nested repository as one entry, not its files: the folder is walked."""
    root = tmp_path / "loose"
    root.mkdir()
    _loose_tree(root)
    nested = root / "checkout"
    subprocess.run(["git", "init", "-q", str(nested)], check=True)
    (nested / ".env.production").write_text("DB_POOL_SIZE=8\n")
    assert ("checkout/.env.production", 1, 8) in _found(root)
    assert ("svc/app/db.py", 2, 3) in _found(root)
