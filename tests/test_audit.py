"""The audit pipeline end to end: discovery, bad input, hook mode, resolution, services."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from poolaudit import policy as policy_mod
from poolaudit.audit import audit
from poolaudit.model import Provenance

GOOD_ENV = "DB_POOL_SIZE=20\n"


def _policy(root: Path) -> policy_mod.Policy:
    return policy_mod.load(None, root)


def _write(root: Path, files: dict[str, str | bytes]) -> None:
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content)


def _git_init(root: Path) -> None:
    subprocess.run(["git", "init", "-q", "-b", "main", str(root)], check=True)
    subprocess.run(["git", "add", "-A"], cwd=root, check=True)
    subprocess.run(["git", "commit", "-q", "-m", "init"], cwd=root, check=True)


BAD_INPUT = {
    "config/broken.yml": ("spring:\n  datasource:\n    hikari:\n      maximum-pool-size: [1, 2\n", "does not parse"),
    "config/broken.toml": ("[database]\npool_size = = 5\n", "does not parse"),
    "broken/.env": ("DB_POOL_SIZE=5\nthis line is not an assignment\n", "does not parse"),
    "config/broken.properties": (
        "spring.datasource.hikari.maximum-pool-size=${DB_POOL\\u00zz\n",
        "does not parse",
    ),
    "config/binary.yml": (b"pool:\x00\x01\x02\x00", "binary file"),
    "config/latin1.yml": ("database:\n  pool_size: 5  # caf\xe9\n".encode("latin-1"), "not UTF-8"),
}


@pytest.mark.parametrize("git", [False, True], ids=["walk", "git"])
def test_bad_input_is_listed_as_skipped_and_the_scan_goes_on(tmp_path: Path, git: bool) -> None:
    root = tmp_path / "svc"
    files: dict[str, str | bytes] = {rel: content for rel, (content, _) in BAD_INPUT.items()}
    files["pyproject.toml"] = '[project]\nname = "svc"\n'
    files[".env.production"] = GOOD_ENV
    files["config/empty.yml"] = ""
    _write(root, files)
    outside = tmp_path / "outside.yml"
    outside.write_text("database:\n  pool_size: 1\n")
    os.symlink(outside, root / "config" / "link.yml")
    if git:
        _git_init(root)
    result = audit([root], _policy(root))
    reasons = {s.path: s.reason for s in result.skipped}
    for rel, (_, expected) in BAD_INPUT.items():
        assert expected in reasons.get(rel, ""), (rel, reasons)
    assert "symlink pointing outside" in reasons["config/link.yml"]
    assert "config/empty.yml" not in reasons
    # The rest of the scan went on: the good env file was read.
    assert [(s.path, s.key, s.value) for s in result.settings if s.path == ".env.production"] == [
        (".env.production", "DB_POOL_SIZE", 20)
    ]


def test_parse_errors_carry_their_line(tmp_path: Path) -> None:
    _write(tmp_path, {"config/app.yaml": "database:\n  pool_size: 5\n  bad: [\n"})
    result = audit([tmp_path], _policy(tmp_path))
    (skipped,) = result.skipped
    assert skipped.path == "config/app.yaml"
    assert skipped.line is not None and skipped.line >= 3


def test_unreadable_file_is_skipped() -> None:
    from pyfakefs.fake_filesystem_unittest import Patcher

    loaded = _policy(Path.cwd())
    # pyfakefs acting as an ordinary user, so that permissions hold even when tests run as root.
    with Patcher(allow_root_user=False) as patcher:
        assert patcher.fs is not None
        root = Path("/svc")
        patcher.fs.create_file(root / ".env", contents="DB_POOL_SIZE=3\n", st_mode=0o100000)
        patcher.fs.create_file(root / ".env.production", contents="DB_POOL_SIZE=30\n")
        result = audit([root], loaded)
    assert [(s.path, s.reason.split(":")[0]) for s in result.skipped] == [(".env", "unreadable")]
    assert [s.value for s in result.settings] == [30]


def test_too_large_file_is_skipped(tmp_path: Path) -> None:
    from poolaudit.scan import ScanOptions

    _write(tmp_path, {"values.yaml": "database:\n  pool:\n    size: 3\n" + "# padding\n" * 200})
    result = audit([tmp_path], _policy(tmp_path), ScanOptions(max_bytes=1000))
    assert [s.path for s in result.skipped] == ["values.yaml"]
    assert "too large" in result.skipped[0].reason


def test_env_file_sets_the_value_of_a_placeholder(tmp_path: Path) -> None:
    _write(
        tmp_path,
        {
            "pom.xml": "<project/>\n",
            "src/main/resources/application.yml": (
                "spring:\n  datasource:\n    hikari:\n      maximum-pool-size: ${HIKARI_MAX:20}\n"
            ),
            ".env.production": "HIKARI_MAX=4\n",
        },
    )
    result = audit([tmp_path], _policy(tmp_path))
    (setting,) = [s for s in result.settings if s.kind == "yaml"]
    assert (setting.written, setting.value, setting.provenance, setting.env_file) == (
        20,
        4,
        Provenance.ENV_FILE,
        ".env.production",
    )
    assert setting.origin is not None and setting.origin.path == ".env.production"
    assert [(f.code, f.path, f.line) for f in result.findings if f.code == "PA101"] == [
        ("PA101", "src/main/resources/application.yml", 4)
    ]


def test_hook_mode_reports_only_named_files_but_reads_the_service(tmp_path: Path) -> None:
    _write(
        tmp_path,
        {
            "pyproject.toml": '[project]\nname = "svc"\n',
            "app/db.py": (
                "import os\nfrom sqlalchemy import create_engine\n\n"
                'engine = create_engine(os.environ["DATABASE_URL"], pool_size=int(os.getenv("POOL_MAX", "20")),'
                " pool_timeout=10)\n"
            ),
            ".env.production": "POOL_MAX=3\n",
            "config/settings.toml": "[database]\npool_size = 2\n",
        },
    )
    _git_init(tmp_path)
    cwd = Path.cwd()
    os.chdir(tmp_path)
    try:
        result = audit([Path("app/db.py")], _policy(tmp_path))
    finally:
        os.chdir(cwd)
    assert {s.path for s in result.settings} == {"app/db.py"}
    assert [(s.key, s.value, s.env_file) for s in result.settings] == [
        ("pool_size", 3, ".env.production"),
        ("pool_timeout", 10, None),
    ]
    assert [(f.code, f.path) for f in result.findings] == [("PA101", "app/db.py")]


def test_a_hook_in_a_monorepo_lists_only_its_services(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """git lists the named files' service folders, not the whole monorepo, and the values
    resolve from the service's own env files as before."""
    from poolaudit import discover as discover_module

    _write(
        tmp_path,
        {
            "services/orders/pom.xml": "<project/>\n",
            "services/orders/src/main/resources/application.yml": (
                "spring:\n  datasource:\n    hikari:\n      maximum-pool-size: ${DB_POOL_SIZE:20}\n"
            ),
            "services/orders/.env.production": "DB_POOL_SIZE=4\n",
            "services/billing/pyproject.toml": '[project]\nname = "billing"\n',
            "services/billing/.env.production": "DB_POOL_SIZE=50\n",
        },
    )
    _git_init(tmp_path)
    asked: list[object] = []
    original = discover_module.start_listing

    def spy(root: Path, within: list[str] | None = None):  # type: ignore[no-untyped-def]
        asked.append(within)
        return original(root, within)

    monkeypatch.setattr("poolaudit.gather.start_listing", spy)
    named = tmp_path / "services/orders/src/main/resources/application.yml"
    result = audit([named], _policy(tmp_path))
    assert asked == [["services/orders"]]
    assert [(s.path, s.value, s.env_file) for s in result.settings] == [
        ("services/orders/src/main/resources/application.yml", 4, "services/orders/.env.production")
    ]


def test_files_of_unrelated_kinds_cost_nothing(tmp_path: Path) -> None:
    _write(tmp_path, {"README.md": "DB_POOL_SIZE=1\n"})
    result = audit([tmp_path / "README.md"], _policy(tmp_path))
    assert (result.settings, result.findings, result.roots) == ([], [], [])


def test_services_in_a_monorepo_and_policy_renames(tmp_path: Path) -> None:
    _write(
        tmp_path,
        {
            "services/pay/pyproject.toml": '[project]\nname = "pay"\n',
            "services/pay/.env.production": "DB_POOL_SIZE=30\n",
            "services/ledger/pom.xml": "<project/>\n",
            "services/ledger/.env.production": "DB_POOL_SIZE=40\n",
            ".poolaudit.yaml": "services:\n  services/pay:\n    name: payments-api\n",
        },
    )
    result = audit([tmp_path], _policy(tmp_path))
    assert sorted((s.service, s.value) for s in result.settings) == [("ledger", 40), ("payments-api", 30)]


def test_several_roots_prefix_paths_with_the_root_as_given(tmp_path: Path) -> None:
    _write(tmp_path, {"a/.env": "DB_POOL_SIZE=12\n", "b/.env": "DB_POOL_SIZE=13\n"})
    cwd = Path.cwd()
    os.chdir(tmp_path)
    try:
        result = audit([Path("a"), Path("b")], _policy(tmp_path))
    finally:
        os.chdir(cwd)
    assert sorted((s.path, s.value) for s in result.settings) == [("a/.env", 12), ("b/.env", 13)]


BENCH = Path(__file__).resolve().parent.parent.parent / "shared" / "bench" / "make_monorepo.py"


@pytest.fixture(scope="module")
def workload(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if not BENCH.exists():
        pytest.skip("the standard workload generator (../shared/bench) is not beside the project")
    out = tmp_path_factory.mktemp("workload") / "mono"
    subprocess.run(
        ["python3", str(BENCH), "--services", "30", "--seed", "1", "--out", str(out), "--git"],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return out


def _written(setting: object) -> object:
    value = getattr(setting, "written")
    if getattr(setting, "unit") == "ms" and isinstance(value, (int, float)):
        return round(value * 1000)  # the truth keeps milliseconds as written
    return value


def test_standard_workload_recall_and_precision(workload: Path) -> None:
    import json

    truth = json.loads((workload / ".truth.json").read_text())
    result = audit([workload], _policy(workload))
    got: dict[tuple[str, int], list[object]] = {}
    for s in result.settings:
        got.setdefault((s.path, s.line), []).append(_written(s))
    missed = [
        t for t in truth
        if (t["path"], t["line"]) not in got or (t["value"] is not None and t["value"] not in got[(t["path"], t["line"])])
    ]
    wanted = {(t["path"], t["line"]) for t in truth}
    extra = sorted(key for key in got if key not in wanted)
    assert (missed, extra) == ([], [])


def test_git_grep_prefilter_finds_what_parsing_everything_finds(workload: Path) -> None:
    from poolaudit.scan import ScanOptions

    def key(result: object) -> list[tuple[str, int, str, object]]:
        return sorted((s.path, s.line, s.key, s.value) for s in getattr(result, "settings"))

    policy = _policy(workload)
    prefiltered = audit([workload], policy, ScanOptions(jobs=1))
    parallel = audit([workload], policy, ScanOptions(jobs=2))
    everything = audit([workload], policy, ScanOptions(jobs=1, prefilter=False))
    assert key(prefiltered) == key(everything) == key(parallel)
    assert len(prefiltered.settings) > 100


def test_python_file_in_another_encoding_with_a_coding_cookie(tmp_path: Path) -> None:
    source = (
        "# -*- coding: latin-1 -*-\n"
        "# Connexions \xe0 la base de donn\xe9es\n"
        "from sqlalchemy import create_engine\n"
        'engine = create_engine("postgresql://db/app", pool_size=3, pool_timeout=10)\n'
    )
    _write(tmp_path, {"app/db.py": source.encode("latin-1"), "pyproject.toml": '[project]\nname = "x"\n'})
    result = audit([tmp_path], _policy(tmp_path))
    assert result.skipped == []
    assert [(s.path, s.line, s.key, s.value) for s in result.settings] == [
        ("app/db.py", 4, "pool_size", 3),
        ("app/db.py", 4, "pool_timeout", 10),
    ]


def test_config_file_in_another_encoding_is_skipped_and_named(tmp_path: Path) -> None:
    _write(tmp_path, {".env": "# caf\xe9\nDB_POOL_SIZE=3\n".encode("latin-1")})
    result = audit([tmp_path], _policy(tmp_path))
    assert [(s.path, s.reason) for s in result.skipped] == [(".env", "not UTF-8 text (and no encoding declared)")]


HIKARI_SIZE = "spring:\n  datasource:\n    hikari:\n      maximum-pool-size: {size}\n"
HIKARI_NO_SIZE = "spring:\n  datasource:\n    hikari:\n      connection-timeout: 5000\n"
RESOURCES = "src/main/resources"


@pytest.mark.parametrize(
    ("base", "prod", "expected"),
    [
        # The outage: a small base size, and a prod profile that tunes hikari without a size.
        # Spring merges the profile over the base: production runs with 2, not HikariCP's 10.
        (HIKARI_SIZE.format(size=2), HIKARI_NO_SIZE, [("application.yml", 4, 2)]),
        # The base leaves the size to HikariCP (10); the prod profile sets 4: that is the finding.
        (HIKARI_NO_SIZE, HIKARI_SIZE.format(size=4), [("application-prod.yml", 4, 4)]),
        # Neither file sets it: HikariCP's 10 everywhere, compliant.
        (HIKARI_NO_SIZE, HIKARI_NO_SIZE, []),
    ],
    ids=["base-size-under-a-prod-block-without-one", "prod-size-over-a-base-default", "defaults-only"],
)
def test_a_profile_block_without_a_size_runs_with_the_base_files_size(
    tmp_path: Path, base: str, prod: str, expected: list[tuple[str, int, int]]
) -> None:
    _write(tmp_path, {"pom.xml": "<project/>\n", f"{RESOURCES}/application.yml": base,
                      f"{RESOURCES}/application-prod.yml": prod})
    result = audit([tmp_path], _policy(tmp_path))
    undersized = [(f.path.rsplit("/", 1)[-1], f.line, f.setting.value if f.setting else None)
                  for f in result.findings if f.code == "PA101"]
    assert undersized == expected
    defaults = [s for s in result.settings if s.provenance is Provenance.LIBRARY_DEFAULT]
    # A default stands only where no file of the service writes the size for its environment.
    assert all(not any(s.canonical == "max_size" and s.provenance is not Provenance.LIBRARY_DEFAULT
                       and s.environment in ("any", d.environment) for s in result.settings)
               for d in defaults)


def test_policy_excludes_match_at_any_depth_and_at_the_top(tmp_path: Path) -> None:
    """`**/legacy/**` excludes `legacy/` at the top as well as below (as in gitignore), so one
    policy serves a whole-repository audit and an audit of a subfolder."""
    from poolaudit.policy import snapshot

    _write(
        tmp_path,
        {
            "legacy/.env": "DB_POOL_SIZE=1\n",
            "svc/legacy/.env": "DB_POOL_SIZE=2\n",
            "vendored/.env": "DB_POOL_SIZE=3\n",
            "svc/.env": "DB_POOL_SIZE=4\n",
        },
    )
    loaded = _policy(tmp_path).model_copy(update={"exclude": ["**/legacy/**", "vendored/*"]})
    assert [s.path for s in audit([tmp_path], loaded).settings] == ["svc/.env"]
    assert [s.path for s in audit([tmp_path], snapshot.freeze(loaded)).settings] == ["svc/.env"]


@pytest.mark.parametrize(
    "erb",
    [
        pytest.param('ENV.fetch("DB_POOL") { ENV.fetch("RAILS_MAX_THREADS", 5) }', id="nested-fetch"),
        pytest.param('ENV["DB_POOL"] || ENV["RAILS_MAX_THREADS"] || 5', id="or-chain"),
    ],
)
def test_a_fallback_variable_gives_the_value_when_the_first_is_unset(tmp_path: Path, erb: str) -> None:
    """Rails' `DB_POOL`, else Puma's `RAILS_MAX_THREADS`, else 5: with only RAILS_MAX_THREADS
    deployed the pool is that; it is not edited by a fix (it sizes Puma's threads too)."""
    _write(
        tmp_path,
        {
            "Gemfile": "source 'https://rubygems.org'\n",
            "config/database.yml": f"production:\n  adapter: postgresql\n  pool: <%= {erb} %>\n",
            ".env.production": "RAILS_MAX_THREADS=12\n",
        },
    )
    (pool,) = [s for s in audit([tmp_path], _policy(tmp_path)).settings if s.path == "config/database.yml"]
    assert (pool.written, pool.value, pool.provenance, pool.env_var, pool.env_file) == (
        5, 12, Provenance.ENV_FILE, "RAILS_MAX_THREADS", ".env.production"
    )
    assert pool.origin is None and pool.note == "DB_POOL is not set; RAILS_MAX_THREADS is"
    (tmp_path / ".env.production").write_text("RAILS_MAX_THREADS=12\nDB_POOL=20\n")
    (pool,) = [s for s in audit([tmp_path], _policy(tmp_path)).settings if s.path == "config/database.yml"]
    assert (pool.value, pool.env_var, pool.origin is not None) == (20, "DB_POOL", True)
