"""Little's law minimums: busy = rps × db time; per process = ceil(busy × headroom / (replicas ×
processes)), in exact arithmetic, with the derivation a person can check."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import pytest

from poolaudit.capacity.records import Count, Runner, Usage
from poolaudit.capacity.traffic import Figures, exact, figures_for, load_metrics, minimum
from poolaudit.errors import PolicyError
from tests.capacity.conftest import policy


def usage(replicas: int, processes: int, serves: bool = True, steady: int | None = None) -> Usage:
    runner = Runner("Deployment/svc", "production", Count(replicas), Count(processes), serves_traffic=serves,
                    steady_replicas=Count(steady if steady is not None else replicas))  # fmt: skip
    return Usage(runner, [])


def figures(rps: str, ms: str, headroom: str = "1.5") -> Figures:
    return Figures(exact(rps), exact(ms), exact(headroom), "policy traffic.svc")


@pytest.mark.parametrize(
    ("rps", "ms", "headroom", "usages", "per_process", "derivation"),
    [
        pytest.param("200", "15", "1.5", [usage(1, 1)], 5,
                     "200 rps × 0.015 s = 3 busy (Little's law) × 1.5 headroom = 4.5 ÷ (1 replica × 1 process) = 4.5 → 5 per process",
                     id="reference-200rps-x-15ms=3-x1.5=4.5->5"),
        pytest.param("400", "25", "1.5", [usage(2, 2)], 4,
                     "400 rps × 0.025 s = 10 busy (Little's law) × 1.5 headroom = 15 ÷ (2 replicas × 2 processes) = 3.75 → 4 per process",
                     id="400rps-x-25ms=10-x1.5=15-over-4=3.75->4"),
        pytest.param("1000", "5", "2", [usage(5, 2)], 1,
                     "1000 rps × 0.005 s = 5 busy (Little's law) × 2 headroom = 10 ÷ (5 replicas × 2 processes) = 1 per process",
                     id="exact-division-10-over-10=1"),
        # In floats 200 × 0.015 is 3.0000000000000004, and 3.0000000000000004 / 3 rounds up to 2.
        pytest.param("200", "15", "1", [usage(3, 1)], 1,
                     "200 rps × 0.015 s = 3 busy (Little's law) × 1 headroom = 3 ÷ (3 replicas × 1 process) = 1 per process",
                     id="no-float-error-3-over-3=1"),
        pytest.param("50", "120", "1.5", [usage(3, 4)], 1,
                     "50 rps × 0.12 s = 6 busy (Little's law) × 1.5 headroom = 9 ÷ (3 replicas × 4 processes) = 0.75 → 1 per process",
                     id="under-one-rounds-up-to-1"),
        # The steady replica count divides, not the worst case the budget counts (HPA max + surge).
        pytest.param("400", "25", "1.5", [usage(6, 2, steady=2)], 4,
                     "400 rps × 0.025 s = 10 busy (Little's law) × 1.5 headroom = 15 ÷ (2 replicas × 2 processes) = 3.75 → 4 per process",
                     id="steady-replicas-not-hpa-max"),
        # Queue workers serve no requests: only the web runner shares the traffic.
        pytest.param("400", "25", "1.5", [usage(2, 2), usage(4, 8, serves=False)], 4,
                     "400 rps × 0.025 s = 10 busy (Little's law) × 1.5 headroom = 15 ÷ (2 replicas × 2 processes) = 3.75 → 4 per process",
                     id="sidekiq-left-out"),
        pytest.param("300", "20", "1.5", [usage(1, 2), usage(2, 1)], 3,
                     "300 rps × 0.02 s = 6 busy (Little's law) × 1.5 headroom = 9 ÷ (1 replica × 2 processes + 2 replicas × 1 process) = 2.25 → 3 per process",
                     id="two-web-runners-share-9-over-4"),
    ],
)  # fmt: skip
def test_minimum(rps: str, ms: str, headroom: str, usages: list[Usage], per_process: int, derivation: str) -> None:
    found = minimum("svc", "production", figures(rps, ms, headroom), usages)
    assert found is not None
    assert (found.per_process, found.derivation()) == (per_process, derivation)


def test_busy_is_exact() -> None:
    found = minimum("svc", "production", figures("200", "15"), [usage(1, 1)])
    assert found is not None and found.busy == Fraction(3)


def test_unknown_processes_give_no_minimum() -> None:
    runner = Runner("svc", "production", Count(2), Count(None))
    assert minimum("svc", "production", figures("1", "1"), [Usage(runner, [])]) is None


def test_policy_figures_by_glob_then_metrics() -> None:
    made = policy("traffic: {'pay*': {peak_rps: 400, db_time_ms: 25}}")
    metrics = {"ledger": figures("50", "10")}
    assert figures_for("payments", {"payments"}, made, metrics) == Figures(
        Fraction(400), Fraction(25), Fraction(3, 2), "policy traffic.pay*"
    )
    assert figures_for("ledger", {"ledger"}, made, metrics) == metrics["ledger"]
    assert figures_for("notifications", {"notifications"}, made, metrics) is None


@pytest.mark.parametrize(
    ("name", "text", "expected"),
    [
        pytest.param("metrics.csv", "service,peak_rps,db_time_ms\npayments,400,25\nledger,50,8.5\n",
                     {"payments": (400, 25, Fraction(3, 2), "metrics.csv:2"), "ledger": (50, Fraction(17, 2), Fraction(3, 2), "metrics.csv:3")},
                     id="csv"),
        pytest.param("metrics.csv", "Service,RPS,db_ms,headroom\npayments,400,25,2\n",
                     {"payments": (400, 25, 2, "metrics.csv:2")}, id="csv-aliases-and-headroom"),
        pytest.param("metrics.json", '[{"service": "payments", "peak_rps": 400, "db_time_ms": 25}]',
                     {"payments": (400, 25, Fraction(3, 2), "metrics.json")}, id="json-list"),
        pytest.param("metrics.json", '{"payments": {"peak_rps": 400, "db_time_ms": 25, "headroom": 1.2}}',
                     {"payments": (400, 25, Fraction(6, 5), "metrics.json")}, id="json-by-service"),
    ],
)  # fmt: skip
def test_metrics_file(tmp_path: Path, name: str, text: str, expected: dict[str, tuple[object, ...]]) -> None:
    (tmp_path / name).write_text(text, encoding="utf-8")
    made = policy(f"capacity: {{metrics: {tmp_path / name}}}")
    found = load_metrics(made)
    assert {k: (f.peak_rps, f.db_time_ms, f.headroom, f.source) for k, f in found.items()} == expected


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        pytest.param("m.csv", "service,peak_rps\npayments,400\n", "row needs service, peak_rps and db_time_ms", id="no-db-time"),
        pytest.param("m.csv", "service,peak_rps,db_time_ms\npayments,0,25\n", "must be > 0", id="zero-rps"),
        pytest.param("m.json", "{nope", "invalid JSON", id="bad-json"),
        pytest.param("m.csv", "service,peak_rps,db_time_ms\npayments,lots,25\n", "row needs", id="not-a-number"),
    ],
)
def test_metrics_file_errors_name_the_file(tmp_path: Path, name: str, text: str, message: str) -> None:
    (tmp_path / name).write_text(text, encoding="utf-8")
    with pytest.raises(PolicyError, match=message) as caught:
        load_metrics(policy(f"capacity: {{metrics: {tmp_path / name}}}"))
    assert name in str(caught.value)


def test_missing_metrics_file(tmp_path: Path) -> None:
    with pytest.raises(PolicyError, match="cannot read"):
        load_metrics(policy(f"capacity: {{metrics: {tmp_path / 'absent.csv'}}}"))
