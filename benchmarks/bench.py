"""Speed, memory and recall of `poolaudit audit` on the standard workload, beside ripgrep.

    python benchmarks/bench.py --services 100 1000 --rounds 5

For each size it generates (once, cached under --work) the standard monorepo with
../shared/bench/make_monorepo.py, then runs ripgrep and `poolaudit audit --format json`
interleaved, `rounds` times each: cold (`--no-cache`, every file read, as CI on a fresh clone)
and warm (the scan cache of the run before, as a developer's second run).  It prints median
wall times, the median per-round ratios to ripgrep, files per second (cold), peak memory, and
checks the cold audit's JSON against the tree's `.truth.json` (recall and precision at path,
line and written value) and the warm report against the cold one.

`--loose` generates the trees without `git init` (a folder in no work tree: a tarball, a copy):
poolaudit then lists and searches it through a repository lent from the temporary folder, and
has no scan cache (its "warm" run reuses only the policy snapshot); ripgrep honours `.gitignore`
only inside a git repository, so it also searches the ignored `node_modules/` and `.venv/`.

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


def generate(services: int, work: Path, loose: bool = False) -> Path:
    out = work / f"{'loose' if loose else 'mono'}-{services}"
    if not (out / ".truth.json").exists():
        if out.exists():
            shutil.rmtree(out)
        subprocess.run(
            [sys.executable, str(GENERATOR), "--services", str(services), "--seed", "1", "--out", str(out)]
            + ([] if loose else ["--git"]),
            check=True,
            stdout=subprocess.DEVNULL,
        )
    return out


def run(cmd: list[str], stdout_path: Path, env: dict[str, str] | None = None) -> tuple[float, int, int]:
    """Wall seconds, peak RSS in KiB (the process and the children it waited for), exit code."""
    with open(stdout_path, "wb") as out:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.DEVNULL, env=env)
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
    """Files not ignored (a loose tree is listed as git would list it in a work tree)."""
    command = ["git", "ls-files", "--cached", "--others", "--exclude-standard"]
    if not (tree / ".git").exists():
        lent = tree.parent / f".{tree.name}-lent.git"
        subprocess.run(["git", "init", "-q", "--bare", str(lent)], check=True)
        command[1:1] = [f"--git-dir={lent}", f"--work-tree={tree}"]
    out = subprocess.run(command, cwd=tree, capture_output=True, text=True, check=True)
    return len(out.stdout.splitlines())


def same_report(a: Path, b: Path) -> bool:
    first, second = json.loads(a.read_text()), json.loads(b.read_text())
    return all(first[key] == second[key] for key in ("settings", "findings", "skipped"))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--services", type=int, nargs="+", default=[100, 1000])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--work", type=Path, default=Path("/tmp/poolaudit-bench"))
    parser.add_argument("--poolaudit", default=shutil.which("poolaudit") or "poolaudit")
    parser.add_argument("--rg", default=shutil.which("rg") or "rg")
    parser.add_argument("--loose", action="store_true", help="Trees without git init (see above).")
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    cache = args.work / "cache"
    shutil.rmtree(cache, ignore_errors=True)
    # As an installed package runs: with its bytecode cached (an environment that sets
    # PYTHONDONTWRITEBYTECODE would make every run compile every module), and its own cache.
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["POOLAUDIT_CACHE_DIR"] = str(cache)

    print(f"{'services':>8} {'files':>7} {'rg s':>7} {'cold s':>7} {'ratio':>6} {'warm s':>7} {'ratio':>6} "
          f"{'files/s':>8} {'RSS MB':>7} {'recall':>7} {'precision':>9} {'false':>6} {'warm=cold':>9}")
    for services in args.services:
        tree = generate(services, args.work, args.loose)
        nfiles = files_in(tree)
        rg_cmd = [args.rg, "-l", "-i", "--hidden", "-g", "!.git", "-e", RG_PATTERN, str(tree)]
        audit = [args.poolaudit, "audit", "--format", "json", "--exit-zero"]
        commands = {
            "rg": (rg_cmd, args.work / "rg.out"),
            # Cold: every file read, as in CI on a fresh clone.  Warm: the cache of the run before.
            "cold": ([*audit, "--no-cache", str(tree)], args.work / f"audit-{services}.json"),
            "warm": ([*audit, str(tree)], args.work / f"audit-{services}-warm.json"),
        }
        for cmd, out in commands.values():
            run(cmd, out, env)  # warm the page cache, the bytecode and poolaudit's cache
        times: dict[str, list[float]] = {name: [] for name in commands}
        ratios: dict[str, list[float]] = {"cold": [], "warm": []}
        rss: list[int] = []
        for round_ in range(args.rounds):
            order = list(commands.items())
            if round_ % 2:
                order.reverse()
            this: dict[str, float] = {}
            for name, (cmd, out) in order:
                wall, peak, code = run(cmd, out, env)
                if name != "rg" and code not in (0, 1):
                    print(f"poolaudit failed with exit {code}", file=sys.stderr)
                    return 1
                this[name] = wall
                if name != "rg":
                    rss.append(peak)
            for name, wall in this.items():
                times[name].append(wall)
            for name in ratios:
                ratios[name].append(this[name] / this["rg"])
        recall, precision, _, false = truth_check(tree, commands["cold"][1])
        same = same_report(commands["cold"][1], commands["warm"][1])
        cold, warm = statistics.median(times["cold"]), statistics.median(times["warm"])
        print(f"{services:>8} {nfiles:>7} {statistics.median(times['rg']):>7.3f} {cold:>7.3f} "
              f"{statistics.median(ratios['cold']):>5.1f}x {warm:>7.3f} {statistics.median(ratios['warm']):>5.1f}x "
              f"{nfiles / cold:>8.0f} {max(rss) / 1024:>7.1f} {recall:>7.4f} {precision:>9.4f} {false:>6} "
              f"{'yes' if same else 'NO':>9}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
