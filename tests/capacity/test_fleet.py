"""The capacity-fleet fixture end to end: three services share core-postgres (100 − 3 = 97).

Today: payments 3 (HPA max) × 2 (WEB_CONCURRENCY) × (5+5) = 60, ledger 2 × 1 × 10 = 20,
notifications 1 × 1 × (10+0) = 10: 90 of 97.  The policy's minimum (10) raises payments' pool;
raised naively (overflow kept at 5) payments is 3 × 2 × 15 = 90 and the total 120 > 97.  Within
the budget payments may have 97 − 30 = 67, 67 // 6 = 11 per process: size 10 with overflow 1.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from poolaudit import policy as policies
from poolaudit.audit import audit
from poolaudit.capacity import analyse, budgeted, fix_limits
from poolaudit.capacity.render import FORMATS, render
from poolaudit.cli import app

FLEET = Path(__file__).resolve().parents[2] / "fixtures" / "capacity-fleet"
DEPLOYMENT = "payments/deploy/production/deployment.yaml"
runner = CliRunner()


@pytest.fixture
def fleet(tmp_path: Path) -> Path:
    target = tmp_path / "capacity-fleet"
    shutil.copytree(FLEET, target)
    return target


def edit(root: Path, rel: str, old: str, new: str) -> None:
    path = root / rel
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1
    path.write_text(text.replace(old, new), encoding="utf-8")


def run(root: Path, extra: str = "") -> tuple[object, object]:
    if extra:
        (root / ".poolaudit.yaml").write_text((root / ".poolaudit.yaml").read_text() + extra, encoding="utf-8")
    policy = policies.load(None, root)
    return audit([root], policy), policy


def codes(result: object) -> list[tuple[str, str, int, int]]:
    return [(f.code, f.path, f.line, f.column) for f in result.findings]  # type: ignore[attr-defined]


NAIVE = (
    "core-postgres production: demand 120 = payments 3×2×(10+5) + ledger 2×1×10 + notifications 1×1×(10+0) "
    "exceeds 97 (100 max_connections − 3 reserved)"
)


def test_today_fits_and_only_the_undersized_pool_is_reported(fleet: Path) -> None:
    result, _ = run(fleet)
    assert codes(result) == [("PA101", DEPLOYMENT, 34, 22)]


def test_a_naive_raise_is_reported_with_the_arithmetic(fleet: Path) -> None:
    edit(fleet, DEPLOYMENT, 'DB_POOL_SIZE\n              value: "5"', 'DB_POOL_SIZE\n              value: "10"')
    result, _ = run(fleet)
    (finding,) = result.findings  # type: ignore[attr-defined]
    assert (finding.code, finding.name, finding.path, finding.line, finding.column) == (
        "PA401", "connection-budget-exceeded", DEPLOYMENT, 34, 22,
    )  # fmt: skip
    assert finding.message == NAIVE
    assert (finding.expected, finding.fix_to, finding.severity.value) == (97, None, "error")


def test_the_conflict_can_be_suppressed_at_its_line(fleet: Path) -> None:
    edit(fleet, DEPLOYMENT, 'DB_POOL_SIZE\n              value: "5"',
         'DB_POOL_SIZE\n              # poolaudit: ignore[PA401] CAP-118 pooler coming\n              value: "10"')  # fmt: skip
    result, _ = run(fleet)
    assert codes(result) == []


def test_fix_plan_raises_the_pool_and_lowers_its_overflow(fleet: Path) -> None:
    result, policy = run(fleet)
    findings, conflicts = budgeted(result, policy)  # type: ignore[arg-type]
    assert conflicts == []
    assert [(f.code, f.path, f.line, f.fix_to, f.message) for f in findings] == [
        ("PA101", DEPLOYMENT, 34, 10, "DB_POOL_SIZE is 5; policy minimum for production is 10"),
        # 67 // 6 = 11 per process, so with a pool of 10 the overflow can be at most 1.
        ("PA401", DEPLOYMENT, 36, 1, "core-postgres production: DB_MAX_OVERFLOW 5 → 1 makes room for DB_POOL_SIZE 5 → 10: "
                                     "demand 96 of 97 (100 max_connections − 3 reserved)"),
    ]  # fmt: skip
    # The highest size the budget allows with that overflow: 10 + (97 − 96) // 6 = 10.
    assert fix_limits(result, policy) == {result.findings[0].fingerprint: 10}  # type: ignore[arg-type,attr-defined]


def test_fix_writes_values_that_fit(fleet: Path) -> None:
    before = (fleet / DEPLOYMENT).read_text()
    outcome = runner.invoke(app, ["fix", str(fleet)])
    assert outcome.exit_code == 1, outcome.output  # files changed
    after = (fleet / DEPLOYMENT).read_text()
    assert after == before.replace('value: "5"\n            - name: DB_MAX_OVERFLOW\n              value: "5"',
                                   'value: "10"\n            - name: DB_MAX_OVERFLOW\n              value: "1"')  # fmt: skip
    result, _ = run(fleet)
    assert codes(result) == []
    again = runner.invoke(app, ["fix", str(fleet)])
    assert again.exit_code == 0, again.output
    assert again.output.endswith("poolaudit: 0 edit(s) in 0 file(s) written; 0 finding(s) left\n")


TABLE_BEFORE = """\
core-postgres · production: demand 90 within budget 97 (100 max_connections − 3 reserved); headroom 7
service         runner                     replicas   processes   pools per process            demand
─────────────────────────────────────────────────────────────────────────────────────────────────────
payments        Deployment/payments               3           2   (5+5)                3×2×(5+5) = 60
ledger          helm:ledger                       2           1   10                      2×1×10 = 20
notifications   Deployment/notifications          1           1   (10+0)              1×1×(10+0) = 10
total                                                                                        90 of 97

payments · Deployment/payments
  replicas 3   HPA maxReplicas 3 (payments/deploy/production/hpa.yaml:12) + maxSurge 0
               (payments/deploy/production/deployment.yaml:11)
  processes 2  WEB_CONCURRENCY 2 (payments/deploy/production/deployment.yaml:31) read by gunicorn workers
               (payments/gunicorn.conf.py:4)
  pool (5+5)   payments/app/db.py create_engine@6: size 5 from DB_POOL_SIZE=5
               (payments/deploy/production/deployment.yaml:34); overflow 5 from DB_MAX_OVERFLOW=5
               (payments/deploy/production/deployment.yaml:36)
ledger · helm:ledger
  replicas 2   replicaCount 2 (ledger/deploy/helm/values-production.yaml:1) + maxSurge 0
               (ledger/deploy/helm/templates/deployment.yaml:12)
  processes 1  one process (no worker setting found)
  pool 10      ledger/src/main/resources/application.yml spring.datasource.hikari: size 10 from default of
               DB_POOL_SIZE (ledger/src/main/resources/application.yml:9)
notifications · Deployment/notifications
  replicas 1   replicas 1 (notifications/deploy/production/deployment.yaml:7) + maxSurge 0
               (notifications/deploy/production/deployment.yaml:11)
  processes 1  uvicorn --workers 1 (notifications/Dockerfile:6)
  pool (10+0)  notifications/app/db.py create_engine@6: size 10 from pool_size (notifications/app/db.py:8); overflow 0
               from max_overflow (notifications/app/db.py:9)

"""

TABLE_AFTER = (
    TABLE_BEFORE.replace("demand 90 within budget 97", "demand 96 within budget 97")
    .replace("headroom 7", "headroom 1")
    .replace("(5+5)                3×2×(5+5) = 60", "(10+1)              3×2×(10+1) = 66")
    .replace("90 of 97", "96 of 97")
    .replace("  pool (5+5)   payments/app/db.py create_engine@6: size 5 from DB_POOL_SIZE=5",
             "  pool (10+1)  payments/app/db.py create_engine@6: size 10 from DB_POOL_SIZE=10")
    .replace("overflow 5 from DB_MAX_OVERFLOW=5", "overflow 1 from DB_MAX_OVERFLOW=1")
)  # fmt: skip


def test_capacity_table_before_and_after_the_fix(fleet: Path) -> None:
    before = runner.invoke(app, ["capacity", str(fleet)])
    assert (before.exit_code, before.output) == (0, TABLE_BEFORE)
    assert runner.invoke(app, ["fix", str(fleet)]).exit_code == 1
    after = runner.invoke(app, ["capacity", str(fleet)])
    assert (after.exit_code, after.output) == (0, TABLE_AFTER)


def test_capacity_exits_1_when_a_database_is_over_budget(fleet: Path) -> None:
    edit(fleet, DEPLOYMENT, 'DB_POOL_SIZE\n              value: "5"', 'DB_POOL_SIZE\n              value: "10"')
    outcome = runner.invoke(app, ["capacity", str(fleet), "--format", "markdown"])
    assert outcome.exit_code == 1
    assert outcome.output.splitlines()[0] == (
        "### core-postgres · production: demand 120 EXCEEDS budget 97 (100 max_connections − 3 reserved); headroom -23"
    )
    assert "| payments | Deployment/payments | 3 | 2 | (10+5) | 3×2×(10+5) = 90 |" in outcome.output


CONFLICT = (
    "cannot fix within the budget: DB_POOL_SIZE 5 → 10 adds 60 connections to core-postgres production "
    "(demand 150 of 97: 100 max_connections − 3 reserved); it fits at most 5 with DB_MAX_OVERFLOW at 0, below the "
    "minimum 10; options: lower the replicas or processes of the services on core-postgres, put a pooler (PgBouncer in "
    "transaction mode) in front of it, or raise its max_connections (100)"
)


def test_no_value_fits_writes_nothing_and_reports_the_options(fleet: Path) -> None:
    # HPA maxReplicas 6: payments alone is 6 × 2 × (5+5) = 120; at the minimum with no overflow
    # it would still need 6 × 2 × 10 = 120 > 97 − 30 = 67 (67 // 12 = 5 per process at most).
    edit(fleet, "payments/deploy/production/hpa.yaml", "maxReplicas: 3", "maxReplicas: 6")
    before = {p: p.read_bytes() for p in fleet.rglob("*") if p.is_file()}
    outcome = runner.invoke(app, ["fix", str(fleet)])
    assert outcome.exit_code == 1
    assert {p: p.read_bytes() for p in fleet.rglob("*") if p.is_file()} == before
    assert f"left  {DEPLOYMENT}:34 PA101 pool-undersized: {CONFLICT}\n" in outcome.output


def test_rebalance_lowers_the_oversubscribed_pool(fleet: Path) -> None:
    # Minimums 10 each: 6 × 10 + 2 × 10 + 1 × 10 = 90 ≤ 97, k = 97/90, allowance floor(10.78) = 10
    # per process: payments (10+5) loses its overflow, 3 × 2 × 10 = 60, total 90.
    edit(fleet, DEPLOYMENT, 'DB_POOL_SIZE\n              value: "5"', 'DB_POOL_SIZE\n              value: "10"')
    plain = runner.invoke(app, ["fix", str(fleet), "--diff"])
    assert "0 edit(s)" in plain.output and "PA401 connection-budget-exceeded: no automatic fix" in plain.output
    outcome = runner.invoke(app, ["fix", str(fleet), "--rebalance"])
    assert outcome.exit_code == 1, outcome.output
    assert outcome.output == (
        f"fixed {DEPLOYMENT}:36 spec.template.spec.containers[0].env[name=DB_MAX_OVERFLOW].value 5 -> 0 (PA401) "
        f"[production]; used by payments/app/db.py:9 max_overflow, spec.template.spec.containers[0].env[name=DB_MAX_OVERFLOW].value\n"
        "poolaudit: 1 edit(s) in 1 file(s) written; 0 finding(s) left\n"
    )
    result, _ = run(fleet)
    assert codes(result) == []


def test_traffic_minimum_with_its_derivation(fleet: Path) -> None:
    # 800 rps × 0.04 s = 32 busy × 1.5 = 48 ÷ (2 steady replicas × 2 processes) = 12 per process;
    # payments opens 5+5 = 10, so its pool needs 12 − 5 (overflow) = 7.
    result, _ = run(fleet, "traffic:\n  payments: {peak_rps: 800, db_time_ms: 40}\n")
    found = [f for f in result.findings if f.code == "PA402"]  # type: ignore[attr-defined]
    assert [(f.path, f.line, f.expected, f.fix_to, f.message) for f in found] == [(
        DEPLOYMENT, 34, 12, 7,
        "payments production: pool 5+5 per process is below the traffic minimum 12: 800 rps × 0.04 s = 32 busy "
        "(Little's law) × 1.5 headroom = 48 ÷ (2 replicas × 2 processes) = 12 per process (policy traffic.payments)",
    )]  # fmt: skip


def test_hook_runs_do_not_weigh_the_fleet(fleet: Path) -> None:
    edit(fleet, DEPLOYMENT, 'DB_POOL_SIZE\n              value: "5"', 'DB_POOL_SIZE\n              value: "10"')
    policy = policies.load(None, fleet)
    result = audit([fleet / DEPLOYMENT], policy)
    assert [f.code for f in result.findings] == []


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_format_renders(fleet: Path, fmt: str) -> None:
    result, policy = run(fleet)
    text = render(analyse(result.roots, result.settings, policy), fmt)  # type: ignore[attr-defined,arg-type]
    assert "core-postgres" in text and "payments" in text


def test_json_breakdown_with_provenance(fleet: Path) -> None:
    import json

    outcome = runner.invoke(app, ["capacity", str(fleet), "--format", "json"])
    data = json.loads(outcome.output)
    (db,) = data["databases"]
    assert (data["version"], db["database"], db["environment"], db["demand"], db["budget"], db["headroom"]) == (
        1, "core-postgres", "production", 90, {"limit": 97, "text": "100 max_connections − 3 reserved"}, 7,
    )  # fmt: skip
    payments = db["services"][0]
    assert (payments["service"], payments["demand"]) == ("payments", 60)
    (usage,) = payments["runners"]
    assert usage["replicas"] == {"value": 3, "sources": [
        {"what": "HPA maxReplicas", "path": "payments/deploy/production/hpa.yaml", "line": 12, "value": "3"},
        {"what": "maxSurge", "path": DEPLOYMENT, "line": 11, "value": "0"},
    ]}  # fmt: skip
    assert usage["pools"] == [{
        "name": "payments/app/db.py create_engine@6", "framework": "sqlalchemy", "size": 5,
        "size_from": f"DB_POOL_SIZE=5 ({DEPLOYMENT}:34)", "overflow": 5, "overflow_from": f"DB_MAX_OVERFLOW=5 ({DEPLOYMENT}:36)",
        "per_process": 10, "count": 1,
    }]  # fmt: skip


def test_capacity_without_databases_says_so(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'x'\n")
    outcome = runner.invoke(app, ["capacity", str(tmp_path)])
    assert (outcome.exit_code, outcome.output) == (0, "poolaudit: no databases declared (policy `databases:`) and no traffic figures\n")


def test_the_fix_hook_weighs_the_whole_fleet(fleet: Path) -> None:
    # `poolaudit fix FILE` (the pre-commit hook) reads only the named file; the budget still
    # counts ledger and notifications, so the raise comes with the overflow cut.
    import subprocess

    subprocess.run(["git", "init", "-q", str(fleet)], check=True)
    subprocess.run(["git", "-C", str(fleet), "add", "-A"], check=True)
    outcome = runner.invoke(app, ["fix", str(fleet / DEPLOYMENT), "--policy", str(fleet / ".poolaudit.yaml")])
    assert outcome.exit_code == 1, outcome.output
    text = (fleet / DEPLOYMENT).read_text()
    assert 'DB_POOL_SIZE\n              value: "10"' in text and 'DB_MAX_OVERFLOW\n              value: "1"' in text
