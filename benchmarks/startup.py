"""Start-up cost of the CLI, beside a bare Python, in one interleaved run.

    python benchmarks/startup.py --rounds 30

Times `python -c pass`, `poolaudit --version`, `poolaudit audit` of one small YAML file (in a
temporary git repository, as a pre-commit hook runs it) and `poolaudit audit -f json` of this
project's `fixtures/` (nine small service repositories, 200 files) beside ripgrep searching them
for the same key words; prints median and 90th-percentile wall times in milliseconds.  The
commands get a private poolaudit cache folder, filled by a first run (the policy snapshot and the
scan cache a user's second run has).

The commands inherit the environment.  With PYTHONDONTWRITEBYTECODE set, a package installed in
editable mode has no cached bytecode, and every run compiles the modules it imports (about 30 ms
of poolaudit's); `--bytecode` gives the commands a private bytecode cache, as a package installed
by pip or pre-commit has, and warms it up first.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
APPLICATION_YML = """\
spring:
  datasource:
    url: jdbc:postgresql://db:5432/orders
    hikari:
      maximum-pool-size: ${DB_POOL_SIZE:20}
      connection-timeout: 10000
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--poolaudit", default=shutil.which("poolaudit") or "poolaudit")
    parser.add_argument("--rg", default=shutil.which("rg"))
    parser.add_argument("--bytecode", action="store_true", help="Cache bytecode, as an installed package has it.")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        repo = Path(tmp) / "repo"
        env = dict(os.environ, POOLAUDIT_CACHE_DIR=str(Path(tmp) / "cache"))
        env.pop("POOLAUDIT_NO_CACHE", None)
        if args.bytecode:
            env.pop("PYTHONDONTWRITEBYTECODE", None)
            env["PYTHONPYCACHEPREFIX"] = str(Path(tmp) / "pycache")
        subprocess.run(["git", "init", "-q", str(repo)], check=True)
        (repo / "application.yml").write_text(APPLICATION_YML)
        commands = {
            "python -c pass": [sys.executable, "-c", "pass"],
            "poolaudit --version": [args.poolaudit, "--version"],
            "poolaudit audit application.yml": [args.poolaudit, "audit", "application.yml"],
            "poolaudit audit -f json fixtures/": [args.poolaudit, "audit", "-f", "json", str(FIXTURES)],
        }
        if args.rg:
            pattern = "pool_size|maximum-pool-size|pool:|POOL"  # as benchmarks/bench.py searches
            commands["rg fixtures/"] = [args.rg, "-l", "-i", "--hidden", "-g", "!.git", "-e", pattern, str(FIXTURES)]
        times: dict[str, list[float]] = {name: [] for name in commands}
        for command in commands.values():  # fills poolaudit's cache (and the bytecode cache)
            subprocess.run(command, cwd=repo, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(args.rounds):
            for name, command in commands.items():
                start = time.perf_counter()
                subprocess.run(command, cwd=repo, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                times[name].append((time.perf_counter() - start) * 1000)
    for name, values in times.items():
        values.sort()
        p90 = values[int(len(values) * 0.9) - 1]
        print(f"{name:<34} median {statistics.median(values):6.1f} ms   p90 {p90:6.1f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
