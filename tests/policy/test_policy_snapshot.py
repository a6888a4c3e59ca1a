"""The policy snapshot: a later run reads the validated policy back without pydantic, gives the
same findings as a run that validates, and notices every change to the files it came from."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from poolaudit import report
from poolaudit.audit import audit
from poolaudit.policy import loading, snapshot
from poolaudit.scan import ScanOptions

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "fixtures"

# Every kind of field a policy has: overrides, environments, frameworks, renamed services,
# excludes, severities, redis opted in, databases with a pooler, capacity globs, traffic.
RICH = """\
extends: strict
select: [ALL]
ignore: [PA108]
include: [redis]
severity: {PA103: info, recycle-missing: error}
fail_on: warning
exclude: [spring-orders/src/test/*]
services:
  "payments*": {name: payments}
pools:
  assume_environment: staging
  skip_environments: [test, development]
  environments:
    staging: {min_size: 3, reason: staging runs a third of production}
  frameworks:
    sqlalchemy: {min_overflow: 2}
  overrides:
    - {services: [rails-*], environments: [production], min_size: 12, reason: {min_size: puma threads}}
    - {frameworks: [hikari], max_size: 30, ignore: [pool-oversized]}
databases:
  - name: core
    max_connections: 120
    pooler: {kind: pgbouncer, pool_mode: transaction, default_pool_size: 20}
    services: ["*"]
capacity:
  replicas: {default: 2, use_hpa_max: false, "payments*": {production: 6, staging: 1}}
  processes: {default: 3, "flask-*": 4}
  pools: {"django-*": 2}
traffic:
  "payments*": {peak_rps: 400, db_time_ms: 25}
"""


def _json(paths: list[Path], policy: object) -> str:
    result = audit(paths, policy, ScanOptions(cache=False))
    return report.render("json", result)


@pytest.mark.parametrize(
    ("root", "explicit", "text"),
    [
        pytest.param(FIXTURES, None, None, id="default"),
        pytest.param(FIXTURES, ROOT / "policies" / "strict.yaml", None, id="strict"),
        pytest.param(FIXTURES / "capacity-fleet", None, None, id="capacity-fleet"),
        pytest.param(FIXTURES, "rich.yaml", RICH, id="every-field"),
    ],
)
def test_a_snapshot_gives_the_findings_of_the_validated_policy(
    tmp_path: Path, root: Path, explicit: Path | str | None, text: str | None
) -> None:
    if text is not None:
        explicit = tmp_path / str(explicit)
        explicit.write_text(text)
    given = Path(explicit) if explicit is not None else None
    validated = loading.load(given, root)
    frozen = snapshot.freeze(validated)
    assert isinstance(frozen, snapshot.Frozen)
    assert frozen.files == validated.files
    paths = [root] if root != FIXTURES else sorted(p for p in FIXTURES.iterdir() if p.is_dir())
    expected = _json(paths, validated)
    assert _json(paths, frozen) == expected
    assert expected.count('"code"') >= 1


def test_select_and_ignore_apply_to_a_snapshot_as_to_a_model(tmp_path: Path) -> None:
    validated = loading.load(None, FIXTURES)
    frozen = snapshot.freeze(validated)
    paths = [FIXTURES / "payments-api", FIXTURES / "rails-shop"]
    for update in ({"select": ["PA101"]}, {"ignore": ["PA101", "PA103"]}):
        assert _json(paths, frozen.model_copy(update=update)) == _json(paths, validated.model_copy(update=update))
        copied = frozen.model_copy(update=update)
        assert set(update) <= copied.model_fields_set and not set(update) <= frozen.model_fields_set


def _run(cwd: Path, cache: Path, *args: str) -> subprocess.CompletedProcess[str]:
    probe = (
        "import sys; sys.argv[0] = 'poolaudit'\n"
        "from poolaudit import cli\n"
        "code = cli._without_framework(sys.argv[1:])\n"
        "print('pydantic imported:', 'pydantic' in sys.modules, 'exit:', code)\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "POOLAUDIT_NO_CACHE"}
    env["POOLAUDIT_CACHE_DIR"] = str(cache)
    return subprocess.run(
        [sys.executable, "-c", probe, "audit", *args], cwd=cwd, env=env, capture_output=True, text=True
    )


def _service(tmp_path: Path) -> Path:
    repo = tmp_path / "svc"
    shutil.copytree(FIXTURES / "payments-api", repo)
    return repo


def test_the_second_run_reads_the_snapshot_without_pydantic(tmp_path: Path) -> None:
    repo, cache = _service(tmp_path), tmp_path / "cache"
    first = _run(repo, cache, "--format", "json", ".")
    second = _run(repo, cache, "--format", "json", ".")
    assert first.stdout.splitlines()[-1] == "pydantic imported: True exit: 1"
    assert second.stdout.splitlines()[-1] == "pydantic imported: False exit: 1"
    assert first.stdout.splitlines()[:-1] == second.stdout.splitlines()[:-1]
    assert '"code": "PA101"' in second.stdout
    assert [p.name.split("-")[0] for p in cache.iterdir() if p.name.startswith("policy-")] == ["policy"]
    uncached = _run(repo, cache, "--no-cache", "--format", "json", ".")
    assert uncached.stdout.splitlines()[-1] == "pydantic imported: True exit: 1"


def _findings(run: subprocess.CompletedProcess[str]) -> list[str]:
    return [line.split(": ", 1)[1].split(" ", 1)[0] for line in run.stdout.splitlines() if ": PA" in line]


@pytest.mark.parametrize(
    "change",
    [
        pytest.param("edit", id="policy-edited"),
        pytest.param("create", id="policy-created"),
        pytest.param("pyproject", id="pyproject-table-added"),
        pytest.param("base", id="extended-base-edited"),
    ],
)
def test_a_changed_policy_file_is_read_again(tmp_path: Path, change: str) -> None:
    """Each file the lookup read or looked for is checked: the run after a change uses the
    new policy, never the snapshot of the old one."""
    repo, cache = _service(tmp_path), tmp_path / "cache"
    policy = repo / ".poolaudit.yaml"
    base = tmp_path / "base.yaml"
    base.write_text("pools:\n  environments:\n    production: {min_size: 2}\n")
    if change in ("edit", "base"):
        policy.write_text(f"extends: {base}\n" if change == "base" else "pools: {environments: {production: {min_size: 2}}}\n")
    before = _run(repo, cache, "--select", "PA101", ".")
    again = _run(repo, cache, "--select", "PA101", ".")
    assert before.stdout.splitlines()[:-1] == again.stdout.splitlines()[:-1]
    assert "pydantic imported: False" in again.stdout
    if change == "edit":
        policy.write_text("pools: {environments: {production: {min_size: 40}}}\n")
    elif change == "create":
        policy.write_text("pools: {environments: {production: {min_size: 2}}}\n")
    elif change == "pyproject":
        with (repo / "pyproject.toml").open("a") as out:
            out.write("\n[tool.poolaudit.pools.environments.production]\nmin_size = 2\n")
    else:
        base.write_text("pools:\n  environments:\n    production: {min_size: 40}\n")
    after = _run(repo, cache, "--select", "PA101", ".")
    assert "pydantic imported: True" in after.stdout
    fresh = _run(repo, tmp_path / "other-cache", "--select", "PA101", ".")
    assert after.stdout == fresh.stdout
    assert _findings(after) != _findings(before), (before.stdout, after.stdout)


def test_a_broken_or_unwritable_cache_is_no_error(tmp_path: Path) -> None:
    repo, cache = _service(tmp_path), tmp_path / "cache"
    expected = _run(repo, cache, ".")
    for stored in cache.glob("policy-*"):
        stored.write_bytes(b"not a pickle")
    assert _run(repo, cache, ".").stdout == expected.stdout  # validated again, as the first run
    blocked = tmp_path / "file-not-folder"
    blocked.write_text("")
    assert _run(repo, blocked, ".").stdout == expected.stdout


def test_a_policy_error_is_reported_every_time(tmp_path: Path) -> None:
    repo, cache = _service(tmp_path), tmp_path / "cache"
    (repo / ".poolaudit.yaml").write_text("pools:\n  min_size: lots\n")
    for _ in range(2):
        run = _run(repo, cache, ".")
        assert run.returncode == 0 and "exit: 2" in run.stdout
        assert ".poolaudit.yaml" in run.stderr and "min_size" in run.stderr
    assert not list(cache.glob("policy-*"))


def test_repositories_without_a_policy_share_the_default_snapshot(tmp_path: Path) -> None:
    """The shipped default is the same everywhere: a repository audited for the first time
    reads the snapshot another one left, unless a policy file is on its lookup path."""
    cache = tmp_path / "cache"
    first, second, third = (tmp_path / name for name in ("first", "second", "third"))
    for repo in (first, second, third):
        shutil.copytree(FIXTURES / "payments-api", repo)
    assert "pydantic imported: True" in _run(first, cache, ".").stdout
    assert "pydantic imported: False" in _run(second, cache, ".").stdout
    (third / ".poolaudit.yaml").write_text("pools: {environments: {production: {min_size: 2}}}\n")
    own = _run(third, cache, ".")
    assert "pydantic imported: True" in own.stdout and "exit: 0" in own.stdout
    assert len(list(cache.glob("policy-*"))) == 2  # the default's and the third repository's
