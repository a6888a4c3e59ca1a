"""Speed, memory and recall of `poolaudit audit` on the standard workload, beside ripgrep.

    python benchmarks/bench.py --services 100 1000 --rounds 5

For each size it generates (once, cached under --work) the standard monorepo with
../shared/bench/make_monorepo.py, then runs ripgrep and `poolaudit audit --format json`
interleaved, `rounds` times each, and prints median wall time, peak memory, files per second
and the median per-round ratio to ripgrep.  The last audit's JSON is checked against the
tree's `.truth.json`: recall and precision at (path, line, written value).

ripgrep comes from the `ripgrep` package on PyPI (`pip install ripgrep`); the reference
search is the one in ../shared/reference/performance.md.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
GENERATOR = HERE.parent.parent / "shared" / "bench" / "make_monorepo.py"
RG_PATTERN = "pool_size|maximum-pool-size|pool:|POOL"


def generate(services: int, work: Path) -> Path:
    out = work / f"mono-{services}"
    if not (out / ".truth.json").exists():
        if out.exists():
            shutil.rmtree(out)
        subprocess.run(
            [sys.executable, str(GENERATOR), "--services", str(services), "--seed", "1", "--out", str(out), "--git"],
            check=True,
            stdout=subprocess.DEVNULL,
        )
    return out


def run(cmd: list[str], stdout_path: Path, cwd: Path | None = None) -> tuple[float, int, int]:
    """Wall seconds, peak RSS in KiB (the process and the children it waited for), exit code."""
    with open(stdout_path, "wb") as out:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.DEVNULL, cwd=cwd)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    return wall, usage.ru_maxrss, proc.returncode


def truth_check(tree: Path, report: Path) -> tuple[float, float, int, int]:
    truth = json.loads((tree / ".truth.json").read_text())
    data = json.loads(report.read_text())
    want = {(t["path"], t["line"]) : t["value"] for t in truth}
    got: dict[tuple[str, int], list[object]] = {}
    for s in data["settings"]:
        written = s.get("written")
        if s.get("unit") == "ms" and isinstance(written, (int, float)):
            written = round(written * 1000)  # the truth keeps milliseconds as written
        got.setdefault((s["path"], s["line"]), []).append(written)
    hits = sum(
        1 for key, value in want.items() if key in got and (value is None or value in got[key] or float(value) in got[key])
    )
    false = [key for key in got if key not in want]
    recall = hits / len(want) if want else 1.0
    precision = (len(got) - len(false)) / len(got) if got else 1.0
    return recall, precision, len(want), len(false)


def files_in(tree: Path) -> int:
    out = subprocess.run(["git", "ls-files"], cwd=tree, capture_output=True, text=True, check=True)
    return len(out.stdout.splitlines())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--services", type=int, nargs="+", default=[100, 1000])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--work", type=Path, default=Path("/tmp/poolaudit-bench"))
    parser.add_argument("--poolaudit", default=shutil.which("poolaudit") or "poolaudit")
    parser.add_argument("--rg", default=shutil.which("rg") or "rg")
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)

    print(f"{'services':>8} {'files':>7} {'rg s':>7} {'audit s':>8} {'ratio':>6} {'files/s':>9} "
          f"{'RSS MB':>7} {'recall':>7} {'precision':>9} {'false':>6}")
    for services in args.services:
        tree = generate(services, args.work)
        nfiles = files_in(tree)
        rg_cmd = [args.rg, "-l", "-i", "--hidden", "-g", "!.git", "-e", RG_PATTERN, str(tree)]
        pa_cmd = [args.poolaudit, "audit", "--format", "json", "--exit-zero", str(tree)]
        rg_out, pa_out = args.work / "rg.out", args.work / f"audit-{services}.json"
        run(rg_cmd, rg_out)  # warm the page cache
        run(pa_cmd, pa_out)
        rg_times, pa_times, ratios, rss = [], [], [], []
        for round_ in range(args.rounds):
            order = [("rg", rg_cmd, rg_out), ("pa", pa_cmd, pa_out)]
            if round_ % 2:
                order.reverse()
            times = {}
            for name, cmd, out in order:
                wall, peak, code = run(cmd, out)
                if name == "pa" and code not in (0, 1):
                    print(f"poolaudit failed with exit {code}", file=sys.stderr)
                    return 1
                times[name] = wall
                if name == "pa":
                    rss.append(peak)
            rg_times.append(times["rg"])
            pa_times.append(times["pa"])
            ratios.append(times["pa"] / times["rg"])
        recall, precision, _, false = truth_check(tree, pa_out)
        wall = statistics.median(pa_times)
        print(f"{services:>8} {nfiles:>7} {statistics.median(rg_times):>7.3f} {wall:>8.3f} "
              f"{statistics.median(ratios):>5.1f}x {nfiles / wall:>9.0f} {max(rss) / 1024:>7.1f} "
              f"{recall:>7.4f} {precision:>9.4f} {false:>6}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
