"""Every source pattern the audit knows, fixed: the exact unified diff of the edit (the whole
diff as text), at two levels: the plan/apply API and `poolaudit fix --diff`.  Then the no-op
table: inputs that must come out byte-identical."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from poolaudit import changelog
from poolaudit.cli import app

from .conftest import make_tree, run_fix, tree_bytes

POM = {"pom.xml": "<project/>\n"}
PY = {"pyproject.toml": "[project]\nname = \"svc\"\n"}
ENGINE_REST = "max_overflow=10, pool_timeout=30, pool_recycle=1800"

CASES = [
    pytest.param(
        {**POM, "src/main/resources/application.yml": (
            "spring:\n  datasource:\n    hikari:\n      maximum-pool-size: 4  # was fine in 2019\n"
            "      connection-timeout: 20000\n")},
        "--- a/src/main/resources/application.yml\n"
        "+++ b/src/main/resources/application.yml\n"
        "@@ -1,5 +1,5 @@\n"
        " spring:\n"
        "   datasource:\n"
        "     hikari:\n"
        "-      maximum-pool-size: 4  # was fine in 2019\n"
        "+      maximum-pool-size: 10  # was fine in 2019\n"
        "       connection-timeout: 20000\n",
        id="yaml-spring-literal",
    ),
    pytest.param(
        {**POM, "src/main/resources/application.yml": (
            "spring:\n  datasource:\n    hikari:\n      maximum-pool-size: ${DB_POOL_SIZE:5}\n"
            "      connection-timeout: ${DB_TIMEOUT:60000}\n")},
        "--- a/src/main/resources/application.yml\n"
        "+++ b/src/main/resources/application.yml\n"
        "@@ -1,5 +1,5 @@\n"
        " spring:\n"
        "   datasource:\n"
        "     hikari:\n"
        "-      maximum-pool-size: ${DB_POOL_SIZE:5}\n"
        "-      connection-timeout: ${DB_TIMEOUT:60000}\n"
        "+      maximum-pool-size: ${DB_POOL_SIZE:10}\n"
        "+      connection-timeout: ${DB_TIMEOUT:30000}\n",
        id="yaml-spring-placeholder-default-and-milliseconds",
    ),
    pytest.param(
        {"Gemfile": "", "config/database.yml": (
            "production:\n  adapter: postgresql\n"
            "  pool: <%= ENV.fetch(\"RAILS_MAX_THREADS\") { 5 } %>\n  checkout_timeout: 5\n")},
        "--- a/config/database.yml\n"
        "+++ b/config/database.yml\n"
        "@@ -1,4 +1,4 @@\n"
        " production:\n"
        "   adapter: postgresql\n"
        "-  pool: <%= ENV.fetch(\"RAILS_MAX_THREADS\") { 5 } %>\n"
        "+  pool: <%= ENV.fetch(\"RAILS_MAX_THREADS\") { 10 } %>\n"
        "   checkout_timeout: 5\n",
        id="yaml-rails-erb-block-default",
    ),
    pytest.param(
        {"Gemfile": "", "config/database.yml": (
            "production:\n  adapter: postgresql\n  pool: <%= ENV.fetch('DB_POOL', 3) %>\n  checkout_timeout: 5\n")},
        "--- a/config/database.yml\n"
        "+++ b/config/database.yml\n"
        "@@ -1,4 +1,4 @@\n"
        " production:\n"
        "   adapter: postgresql\n"
        "-  pool: <%= ENV.fetch('DB_POOL', 3) %>\n"
        "+  pool: <%= ENV.fetch('DB_POOL', 10) %>\n"
        "   checkout_timeout: 5\n",
        id="yaml-rails-erb-fetch-default",
    ),
    pytest.param(
        {"Gemfile": "", "config/database.yml": (
            "default: &default\n  adapter: postgresql\n  pool: 5\n  checkout_timeout: 5\n\n"
            "development:\n  <<: *default\n  database: app_dev\n\n"
            "production:\n  <<: *default\n  database: app\n")},
        "--- a/config/database.yml\n"
        "+++ b/config/database.yml\n"
        "@@ -1,6 +1,6 @@\n"
        " default: &default\n"
        "   adapter: postgresql\n"
        "-  pool: 5\n"
        "+  pool: 10\n"
        "   checkout_timeout: 5\n"
        " \n"
        " development:\n",
        id="yaml-rails-default-anchor",
    ),
    pytest.param(
        {"docker-compose.yml": (
            "services:\n  api:\n    image: api\n    environment:\n      - DB_POOL_SIZE=3\n      - LOG_LEVEL=debug\n"
            "  worker:\n    image: worker\n    environment:\n      DB_POOL_SIZE: \"4\"\n")},
        "--- a/docker-compose.yml\n"
        "+++ b/docker-compose.yml\n"
        "@@ -2,9 +2,9 @@\n"
        "   api:\n"
        "     image: api\n"
        "     environment:\n"
        "-      - DB_POOL_SIZE=3\n"
        "+      - DB_POOL_SIZE=10\n"
        "       - LOG_LEVEL=debug\n"
        "   worker:\n"
        "     image: worker\n"
        "     environment:\n"
        "-      DB_POOL_SIZE: \"4\"\n"
        "+      DB_POOL_SIZE: \"10\"\n",
        id="yaml-compose-list-and-map",
    ),
    pytest.param(
        {"deploy/k8s/deployment.yaml": (
            "apiVersion: apps/v1\nkind: Deployment\nspec:\n  template:\n    spec:\n      containers:\n"
            "        - name: api\n          env:\n            - name: DB_POOL_SIZE\n              value: \"3\"\n")},
        "--- a/deploy/k8s/deployment.yaml\n"
        "+++ b/deploy/k8s/deployment.yaml\n"
        "@@ -7,4 +7,4 @@\n"
        "         - name: api\n"
        "           env:\n"
        "             - name: DB_POOL_SIZE\n"
        "-              value: \"3\"\n"
        "+              value: \"10\"\n",
        id="yaml-k8s-env-value",
    ),
    pytest.param(
        {"deploy/helm/svc/Chart.yaml": "apiVersion: v2\nname: svc\nversion: 0.1.0\n",
         "deploy/helm/svc/values.yaml": (
             "replicaCount: 2\nenv:\n  - name: DB_POOL_SIZE\n    value: '3'\n"
             "database:\n  pool:\n    size: 4\n    maxOverflow: 5\n")},
        "--- a/deploy/helm/svc/values.yaml\n"
        "+++ b/deploy/helm/svc/values.yaml\n"
        "@@ -1,8 +1,8 @@\n"
        " replicaCount: 2\n"
        " env:\n"
        "   - name: DB_POOL_SIZE\n"
        "-    value: '3'\n"
        "+    value: '10'\n"
        " database:\n"
        "   pool:\n"
        "-    size: 4\n"
        "+    size: 10\n"
        "     maxOverflow: 5\n",
        id="yaml-helm-values",
    ),
    pytest.param(
        {"config.toml": "# service config\n[database]\nurl = \"postgres://db/app\"\npool_size = 3  # per worker\npool_timeout = 10\n"},
        "--- a/config.toml\n"
        "+++ b/config.toml\n"
        "@@ -1,5 +1,5 @@\n"
        " # service config\n"
        " [database]\n"
        " url = \"postgres://db/app\"\n"
        "-pool_size = 3  # per worker\n"
        "+pool_size = 10  # per worker\n"
        " pool_timeout = 10\n",
        id="toml-table",
    ),
    pytest.param(
        {".env": "# database\nexport DB_POOL_SIZE=\"3\"  # raised after INC-7\nDB_MAX_OVERFLOW='10'\nDB_POOL_TIMEOUT=30\n"},
        "--- a/.env\n"
        "+++ b/.env\n"
        "@@ -1,4 +1,4 @@\n"
        " # database\n"
        "-export DB_POOL_SIZE=\"3\"  # raised after INC-7\n"
        "+export DB_POOL_SIZE=\"10\"  # raised after INC-7\n"
        " DB_MAX_OVERFLOW='10'\n"
        " DB_POOL_TIMEOUT=30\n",
        id="env-quotes-export-comment",
    ),
    pytest.param(
        {".env": "DATABASE_URL=postgresql://app:hunter2@db:5432/app?pool_max_conns=2&sslmode=require\n"},
        "--- a/.env\n"
        "+++ b/.env\n"
        "@@ -1 +1 @@\n"
        "-DATABASE_URL=postgresql://app:****@db:5432/app?pool_max_conns=2&sslmode=require\n"
        "+DATABASE_URL=postgresql://app:****@db:5432/app?pool_max_conns=10&sslmode=require\n",
        id="env-url-param-password-masked",
    ),
    pytest.param(
        {**POM, "src/main/resources/application.properties": (
            "# pool\nspring.datasource.hikari.maximum-pool-size = 4\n"
            "spring.datasource.hikari.connection-timeout=60000\n")},
        "--- a/src/main/resources/application.properties\n"
        "+++ b/src/main/resources/application.properties\n"
        "@@ -1,3 +1,3 @@\n"
        " # pool\n"
        "-spring.datasource.hikari.maximum-pool-size = 4\n"
        "-spring.datasource.hikari.connection-timeout=60000\n"
        "+spring.datasource.hikari.maximum-pool-size = 10\n"
        "+spring.datasource.hikari.connection-timeout=30000\n",
        id="properties-hikari-size-and-timeout-ms",
    ),
    pytest.param(
        {"production.ini": (
            "[app:main]\nuse = egg:svc\nsqlalchemy.url = postgresql://db/app\nsqlalchemy.pool_size = 3\n"
            "; tuned for two workers\nsqlalchemy.pool_timeout = 10\n")},
        "--- a/production.ini\n"
        "+++ b/production.ini\n"
        "@@ -1,6 +1,6 @@\n"
        " [app:main]\n"
        " use = egg:svc\n"
        " sqlalchemy.url = postgresql://db/app\n"
        "-sqlalchemy.pool_size = 3\n"
        "+sqlalchemy.pool_size = 10\n"
        " ; tuned for two workers\n"
        " sqlalchemy.pool_timeout = 10\n",
        id="ini-engine-from-config",
    ),
    pytest.param(
        {**PY, "app/db.py": f"from sqlalchemy import create_engine\n\nengine = create_engine(URL, pool_size=3, {ENGINE_REST})\n"},
        "--- a/app/db.py\n"
        "+++ b/app/db.py\n"
        "@@ -1,3 +1,3 @@\n"
        " from sqlalchemy import create_engine\n"
        " \n"
        f"-engine = create_engine(URL, pool_size=3, {ENGINE_REST})\n"
        f"+engine = create_engine(URL, pool_size=10, {ENGINE_REST})\n",
        id="python-literal-kwarg",
    ),
    pytest.param(
        {**PY, "app/db.py": (
            "import os\n\nfrom sqlalchemy import create_engine\n\nengine = create_engine(\n    URL,\n"
            "    pool_size=int(os.getenv(\"DB_POOL_SIZE\", \"3\")),\n    max_overflow=10,\n    pool_timeout=30,\n"
            "    pool_recycle=1800,\n)\n")},
        "--- a/app/db.py\n"
        "+++ b/app/db.py\n"
        "@@ -4,7 +4,7 @@\n"
        " \n"
        " engine = create_engine(\n"
        "     URL,\n"
        "-    pool_size=int(os.getenv(\"DB_POOL_SIZE\", \"3\")),\n"
        "+    pool_size=int(os.getenv(\"DB_POOL_SIZE\", \"10\")),\n"
        "     max_overflow=10,\n"
        "     pool_timeout=30,\n"
        "     pool_recycle=1800,\n",
        id="python-os-getenv-default",
    ),
    pytest.param(
        {**PY, "app/db.py": f"from sqlalchemy import create_engine\n\nPOOL_SIZE = 3\nengine = create_engine(URL, pool_size=POOL_SIZE, {ENGINE_REST})\n"},
        "--- a/app/db.py\n"
        "+++ b/app/db.py\n"
        "@@ -1,4 +1,4 @@\n"
        " from sqlalchemy import create_engine\n"
        " \n"
        "-POOL_SIZE = 3\n"
        "+POOL_SIZE = 10\n"
        f" engine = create_engine(URL, pool_size=POOL_SIZE, {ENGINE_REST})\n",
        id="python-module-constant",
    ),
    pytest.param(
        {**PY,
         "app/config.py": (
             "from pydantic_settings import BaseSettings\n\n\nclass Settings(BaseSettings):\n"
             "    db_pool_size: int = 3\n\n\nsettings = Settings()\n"),
         "app/db.py": (
             "from sqlalchemy import create_engine\n\nfrom .config import settings\n\n"
             f"engine = create_engine(URL, pool_size=settings.db_pool_size, {ENGINE_REST})\n")},
        "--- a/app/config.py\n"
        "+++ b/app/config.py\n"
        "@@ -2,7 +2,7 @@\n"
        " \n"
        " \n"
        " class Settings(BaseSettings):\n"
        "-    db_pool_size: int = 3\n"
        "+    db_pool_size: int = 10\n"
        " \n"
        " \n"
        " settings = Settings()\n",
        id="python-pydantic-field-default",
    ),
    pytest.param(
        {**PY, "app/db.py": "from sqlalchemy import create_engine\n\nengine = create_engine(URL)\n"},
        "--- a/app/db.py\n"
        "+++ b/app/db.py\n"
        "@@ -1,3 +1,3 @@\n"
        " from sqlalchemy import create_engine\n"
        " \n"
        "-engine = create_engine(URL)\n"
        "+engine = create_engine(URL, pool_size=10)\n",
        id="python-implicit-default-one-line",
    ),
    pytest.param(
        {**PY, "app/db.py": "from sqlalchemy import create_engine\n\nengine = create_engine(\n    URL,\n    echo=False,\n)\n"},
        "--- a/app/db.py\n"
        "+++ b/app/db.py\n"
        "@@ -3,4 +3,5 @@\n"
        " engine = create_engine(\n"
        "     URL,\n"
        "     echo=False,\n"
        "+    pool_size=10,\n"
        " )\n",
        id="python-implicit-default-one-arg-per-line",
    ),
    pytest.param(
        {**PY, "app/db.py": (
            "from sqlalchemy import create_engine\n\na = create_engine(\n    A,\n    echo=False,\n)\n"
            "b = create_engine(\n    B,\n)\n"
            f"c = create_engine(C, pool_size=2, {ENGINE_REST})\n")},
        "--- a/app/db.py\n"
        "+++ b/app/db.py\n"
        "@@ -3,8 +3,10 @@\n"
        " a = create_engine(\n"
        "     A,\n"
        "     echo=False,\n"
        "+    pool_size=10,\n"
        " )\n"
        " b = create_engine(\n"
        "     B,\n"
        "+    pool_size=10,\n"
        " )\n"
        f"-c = create_engine(C, pool_size=2, {ENGINE_REST})\n"
        f"+c = create_engine(C, pool_size=10, {ENGINE_REST})\n",
        id="python-insertions-move-the-engines-below",
    ),
]


@pytest.mark.parametrize(("files", "expected"), CASES)
def test_fix_diff(service: Path, files: dict[str, str], expected: str) -> None:
    make_tree(service, files)
    before = tree_bytes(service)
    report = run_fix(service, write=False)
    assert changelog.diff(report) == expected
    assert tree_bytes(service) == before  # planning and --diff write nothing


@pytest.mark.parametrize(("files", "expected"), CASES)
def test_cli_fix_diff_then_fix(service: Path, files: dict[str, str], expected: str) -> None:
    make_tree(service, files)
    runner = CliRunner()
    preview = runner.invoke(app, ["fix", "--diff", str(service)])
    assert preview.exit_code == 1, preview.output
    assert preview.stdout == expected
    written = runner.invoke(app, ["fix", str(service)])
    assert written.exit_code in (0, 1), written.output
    again = runner.invoke(app, ["fix", "--diff", str(service)])
    assert again.stdout == ""  # the second run has nothing to change


NO_OP = [
    pytest.param({**POM, "src/main/resources/application.yml": (
        "spring:\n  datasource:\n    hikari:\n      maximum-pool-size: 20\n      connection-timeout: 30000\n")},
        id="yaml-spring-compliant"),
    pytest.param({"config.toml": "[database]\npool_size = 10\npool_timeout = 30\n"}, id="toml-compliant"),
    pytest.param({".env": "DB_POOL_SIZE=25\n"}, id="env-compliant"),
    pytest.param({".env.test": "DB_POOL_SIZE=1\n"}, id="env-test-only"),
    pytest.param({"config/application-test.yml": "spring:\n  datasource:\n    hikari:\n      maximum-pool-size: 1\n"},
                 id="yaml-test-profile"),
    pytest.param({**PY, "app/db.py": "from sqlalchemy import create_engine\n# engine = create_engine(URL, pool_size=2)\n"},
                 id="python-commented-out"),
    pytest.param({**PY, "app/work.py": "from concurrent.futures import ThreadPoolExecutor\n\npool = ThreadPoolExecutor(max_workers=2)\n"},
                 id="python-thread-pool"),
    pytest.param({**PY, "app/db.py": (
        "import os\n\nfrom sqlalchemy import create_engine\n\n"
        f"engine = create_engine(URL, pool_size=max(int(os.getenv('N', '4')) // 2, 2), {ENGINE_REST})\n")},
        id="python-computed-left-alone"),
    pytest.param({"README.md": "Set pool_size: 2 in config.\n", "docs/ops.yaml": "notes: pool size 2 is too small\n"},
                 id="docs"),
]


@pytest.mark.parametrize("files", NO_OP)
def test_no_op_inputs_come_out_byte_identical(service: Path, files: dict[str, str]) -> None:
    make_tree(service, files)
    before = tree_bytes(service)
    report = run_fix(service, write=True)
    assert report.new_texts == {}
    assert report.written == []
    assert tree_bytes(service) == before
