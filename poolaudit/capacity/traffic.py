"""Traffic-based minimums: Little's law, busy connections = arrival rate x time each request
holds a connection, times a headroom, shared by the processes that serve the traffic.

    busy       = peak_rps × db_time_s                       (L = λ × W)
    per process = ceil(busy × headroom / (replicas × processes))

Replicas here are the steady count (spec.replicas / replicaCount, else the HPA's minimum),
not the worst case the budget counts: fewer replicas is the cautious assumption for a minimum.
Queue workers (Sidekiq, Celery) serve no requests and are left out.  Figures come from the
policy's `traffic:` (service globs) or a metrics export named by `capacity.metrics`; the
policy wins.  Arithmetic is exact (fractions), so 200 × 0.015 is 3, not 3.0000000000000004.
"""

from __future__ import annotations

import csv
import io
import json
import math
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING, Any

from poolaudit.capacity.records import Usage
from poolaudit.capacity.services import glob_match

if TYPE_CHECKING:
    from poolaudit.policy import Policy

_RPS = ("peak_rps", "rps", "requests_per_second")
_MS = ("db_time_ms", "db_ms")


@dataclass(frozen=True)
class Figures:
    peak_rps: Fraction
    db_time_ms: Fraction
    headroom: Fraction
    source: str  # "policy traffic.payments", "metrics.csv:3"


def exact(value: float | int | str) -> Fraction:
    return Fraction(str(value))


def shown(value: Fraction) -> str:
    """3 -> "3", 15/4 -> "3.75", 1/3 -> "0.333"."""
    if value.denominator == 1:
        return str(value.numerator)
    return f"{float(value):.3f}".rstrip("0").rstrip(".")


@dataclass
class TrafficMinimum:
    """The minimum pool per process that a service's peak traffic needs."""

    service: str
    environment: str
    figures: Figures
    usages: list[Usage]  # the runners that serve traffic, with their pools
    serving: int  # steady replicas × processes, summed over those runners
    serving_text: str  # "2 replicas × 2 processes"
    notes: list[str] = field(default_factory=list)

    @property
    def busy(self) -> Fraction:
        return self.figures.peak_rps * self.figures.db_time_ms / 1000

    @property
    def per_process(self) -> int:
        return math.ceil(self.busy * self.figures.headroom / max(self.serving, 1))

    def derivation(self) -> str:
        f = self.figures
        needed = self.busy * f.headroom
        share = needed / max(self.serving, 1)
        tail = f" = {shown(share)} → {self.per_process}" if share.denominator != 1 else f" = {self.per_process}"
        return (
            f"{shown(f.peak_rps)} rps × {shown(f.db_time_ms / 1000)} s = {shown(self.busy)} busy (Little's law)"
            f" × {shown(f.headroom)} headroom = {shown(needed)} ÷ ({self.serving_text}){tail} per process"
        )


def minimum(service: str, environment: str, figures: Figures, usages: list[Usage]) -> TrafficMinimum | None:
    serving = [u for u in usages if u.runner.serves_traffic] or usages
    total, parts = 0, []
    for usage in serving:
        steady = usage.runner.steady_replicas or usage.runner.replicas
        if steady.value is None or usage.runner.processes.value is None:
            return None
        total += steady.value * usage.runner.processes.value
        parts.append(f"{steady.value} replica{'s' * (steady.value != 1)} × {usage.runner.processes.value} "
                     f"process{'es' * (usage.runner.processes.value != 1)}")  # fmt: skip
    if not serving:
        return None
    return TrafficMinimum(service, environment, figures, serving, total, " + ".join(parts))


def figures_for(service: str, folders: set[str], policy: Policy, metrics: dict[str, Figures]) -> Figures | None:
    for pattern, entry in policy.traffic.items():
        if glob_match(service, folders, pattern):
            return Figures(exact(entry.peak_rps), exact(entry.db_time_ms), exact(entry.headroom), f"policy traffic.{pattern}")
    for pattern, figures in metrics.items():
        if glob_match(service, folders, pattern):
            return figures
    return None


def load_metrics(policy: Policy) -> dict[str, Figures]:
    """The `capacity.metrics` export: CSV with a header row, or JSON (a list of rows, or rows by
    service), each row giving service, peak_rps and db_time_ms (optionally headroom)."""
    from poolaudit.errors import PolicyError

    name = policy.capacity.metrics
    if not name:
        return {}
    path = _locate(name, policy)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise PolicyError(f"capacity.metrics: cannot read {name}: {exc.strerror or exc}", str(path)) from None
    rows: list[tuple[int, dict[str, Any]]]
    if path.suffix.lower() == ".json":
        try:
            data = json.loads(text)
        except ValueError as exc:
            raise PolicyError(f"capacity.metrics: invalid JSON: {exc}", str(path)) from None
        if isinstance(data, dict):
            data = [{"service": key, **value} for key, value in data.items() if isinstance(value, dict)]
        rows = [(0, row) for row in data if isinstance(row, dict)] if isinstance(data, list) else []
    else:
        reader = csv.DictReader(io.StringIO(text))
        rows = [(i + 2, {(k or "").strip().lower(): v for k, v in row.items()}) for i, row in enumerate(reader)]
    found = {}
    for line, row in rows:
        where = f"{path.name}:{line}" if line else path.name
        try:
            rps = next(exact(row[k]) for k in _RPS if row.get(k) not in (None, ""))
            ms = next(exact(row[k]) for k in _MS if row.get(k) not in (None, ""))
            headroom = exact(row["headroom"]) if row.get("headroom") not in (None, "") else Fraction(3, 2)
        except (StopIteration, ValueError, ZeroDivisionError):
            raise PolicyError("capacity.metrics: row needs service, peak_rps and db_time_ms numbers", str(path), line or None) from None
        if rps <= 0 or ms <= 0 or headroom < 1:
            raise PolicyError("capacity.metrics: peak_rps and db_time_ms must be > 0, headroom >= 1", str(path), line or None)
        found[str(row.get("service", "")).strip()] = Figures(rps, ms, headroom, where)
    return found


def _locate(name: str, policy: Policy) -> Path:
    """Relative to the policy file that names it (the most specific first), else the cwd."""
    given = Path(name)
    if given.is_absolute():
        return given
    for file in reversed(policy.files):
        candidate = Path(file).parent / given
        if candidate.is_file():
            return candidate
    return given
