"""`poolaudit capacity` output: per database and environment, each service's runners with their
multipliers and where each was read, the pools per process, the demand, the budget and the
headroom; then the traffic minimums.  Pure functions of an Analysis: `table` (rich, the only
capacity module that imports it), `markdown` and `json` (versioned).
"""

from __future__ import annotations

import json as _json
from io import StringIO
from typing import TYPE_CHECKING, Any

from poolaudit.sources._values import mask_secrets

if TYPE_CHECKING:
    from poolaudit.capacity import Analysis
    from poolaudit.capacity.records import Count, DatabaseDemand, Pool, Usage
    from poolaudit.capacity.traffic import TrafficMinimum

FORMATS = ("table", "json", "markdown")
JSON_VERSION = 1
HEADERS = ("service", "runner", "replicas", "processes", "pools per process", "demand")


def render(analysis: Analysis, fmt: str, color: bool = False, width: int | None = None) -> str:
    if fmt == "json":
        return mask_secrets(_json.dumps(as_json(analysis), indent=2, ensure_ascii=False)) + "\n"
    if fmt == "markdown":
        return mask_secrets(markdown(analysis))
    return mask_secrets(table(analysis, color, width or 120))


def title(db: DatabaseDemand) -> str:
    verdict = "EXCEEDS" if db.exceeded else "within"
    known = "" if db.complete else " (at least; some demand unknown)"
    return (
        f"{db.database} · {db.environment}: demand {db.demand}{known} {verdict} budget {db.budget.limit} "
        f"({db.budget.text}); headroom {db.headroom}"
    )


def _rows(db: DatabaseDemand) -> list[tuple[str, ...]]:
    """service, runner, replicas, processes, pools per process, demand (with its arithmetic)."""
    rows: list[tuple[str, ...]] = []
    for service in db.services:
        if not service.usages:
            rows.append((service.service, "-", "?", "?", "-", f"? ({service.note})"))
            continue
        for i, usage in enumerate(service.usages):
            pools = " + ".join(p.term() for p in usage.pools)
            demand = "?" if usage.demand is None else str(usage.demand)
            rows.append((service.service if i == 0 else "", usage.runner.name, _count(usage.runner.replicas),
                         _count(usage.runner.processes), pools, f"{usage.term()} = {demand}"))  # fmt: skip
    return rows


def _count(count: Count) -> str:
    return "?" if count.value is None else str(count.value)


def sources(db: DatabaseDemand) -> list[tuple[str, list[tuple[str, str]]]]:
    """Per runner, where each number comes from: [(heading, [(label, provenance)])]."""
    out = []
    for service in db.services:
        for usage in service.usages:
            runner = usage.runner
            lines = [(f"replicas {_count(runner.replicas)}", runner.replicas.provenance),
                     (f"processes {_count(runner.processes)}", runner.processes.provenance)]  # fmt: skip
            for pool in usage.pools:
                lines.append((f"pool {pool.term()}", _pool_source(pool)))
            out.append((f"{service.service} · {runner.name}", lines))
    return out


def _pool_source(pool: Pool) -> str:
    size = "?" if pool.size is None else str(pool.size)
    text = f"{pool.name}: size {size} from {pool.size_from}"
    if pool.has_overflow:
        text += f"; overflow {pool.overflow} from {pool.overflow_from}"
    if pool.count != 1:
        text += f"; {pool.count} per process (policy capacity.pools)"
    return text


def table(analysis: Analysis, color: bool, width: int) -> str:
    from rich import box
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    buffer = StringIO()
    console = Console(file=buffer, force_terminal=color, no_color=not color, color_system="standard" if color else None,
                      width=width, highlight=False, emoji=False, markup=False, legacy_windows=False, _environ={})  # fmt: skip
    if not analysis.databases and not analysis.traffic:
        console.print("poolaudit: no databases declared (policy `databases:`) and no traffic figures")
    for db in analysis.databases:
        style = "bold red" if db.exceeded else "bold"
        console.print(Text(title(db), style=style))
        grid = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False)
        for header in HEADERS:
            grid.add_column(header, justify="right" if header in ("replicas", "processes", "demand") else "left")
        for row in _rows(db):
            grid.add_row(*row)
        grid.add_row("total", "", "", "", "", Text(f"{db.demand} of {db.budget.limit}", style=style))
        console.print(grid)
        for problem in db.problems:
            console.print(Text(f"{problem}", style="red"))
        console.print()
        for heading, lines in sources(db):
            console.print(Text(heading, style="bold"))
            where = Table.grid(padding=(0, 2), pad_edge=True)
            where.add_column(no_wrap=True)
            where.add_column(style="dim", overflow="fold")
            for label, text in lines:
                where.add_row(label, text)
            console.print(where)
        console.print()
    for minimum in analysis.traffic:
        console.print(_traffic_line(minimum))
    # Cells are padded to the column width: trailing blanks are noise in a terminal or a log.
    return "".join(line.rstrip() + "\n" for line in buffer.getvalue().splitlines())


def _traffic_line(minimum: TrafficMinimum) -> str:
    return (
        f"{minimum.service} · {minimum.environment}: traffic minimum {minimum.per_process} per process: "
        f"{minimum.derivation()} ({minimum.figures.source})"
    )


def markdown(analysis: Analysis) -> str:
    out: list[str] = []
    for db in analysis.databases:
        out += [f"### {title(db)}", "", "| " + " | ".join(HEADERS) + " |", "|---|---|--:|--:|---|--:|"]
        out += ["| " + " | ".join(c.replace("|", "\\|") for c in row) + " |" for row in _rows(db)]
        out += [f"| **total** | | | | | **{db.demand} of {db.budget.limit}** |", ""]
        out += [f"- {problem}" for problem in db.problems]
        for heading, lines in sources(db):
            out.append(f"- {heading}")
            out += [f"  - {label}: {text}" for label, text in lines]
        out.append("")
    if analysis.traffic:
        out += ["### Traffic minimums", ""] + [f"- {_traffic_line(m)}" for m in analysis.traffic] + [""]
    return "\n".join(out) if out else "No databases declared (policy `databases:`) and no traffic figures.\n"


def as_json(analysis: Analysis) -> dict[str, Any]:
    return {
        "version": JSON_VERSION,
        "databases": [_db_json(db) for db in analysis.databases],
        "traffic": [
            {
                "service": m.service, "environment": m.environment, "peak_rps": float(m.figures.peak_rps),
                "db_time_ms": float(m.figures.db_time_ms), "headroom": float(m.figures.headroom),
                "busy": float(m.busy), "serving_processes": m.serving, "per_process": m.per_process,
                "derivation": m.derivation(), "source": m.figures.source,
            }
            for m in analysis.traffic
        ],
    }  # fmt: skip


def _db_json(db: DatabaseDemand) -> dict[str, Any]:
    return {
        "database": db.database, "environment": db.environment, "demand": db.demand, "complete": db.complete,
        "budget": {"limit": db.budget.limit, "text": db.budget.text}, "headroom": db.headroom,
        "exceeded": db.exceeded, "arithmetic": db.arithmetic(), "problems": db.problems,
        "services": [
            {"service": s.service, "demand": s.demand, "note": s.note or None, "runners": [_usage_json(u) for u in s.usages]}
            for s in db.services
        ],
    }  # fmt: skip


def _usage_json(usage: Usage) -> dict[str, Any]:
    return {
        "runner": usage.runner.name, "replicas": _count_json(usage.runner.replicas),
        "processes": _count_json(usage.runner.processes), "demand": usage.demand, "arithmetic": usage.term(),
        "pools": [
            {"name": p.name, "framework": p.framework, "size": p.size, "size_from": p.size_from,
             "overflow": p.overflow if p.has_overflow else None, "overflow_from": p.overflow_from or None,
             "per_process": p.per_process, "count": p.count}
            for p in usage.pools
        ],
    }  # fmt: skip


def _count_json(count: Count) -> dict[str, Any]:
    return {
        "value": count.value,
        "sources": [{"what": s.what, "path": s.path or None, "line": s.line or None, "value": s.value or None} for s in count.sources],
    }
