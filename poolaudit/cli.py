"""The console script: runs one command and ends with its exit status.  No logic lives here.

Exit status is a contract: 0 clean, 1 violations (or files changed by `fix`), 2 usage or
policy error, 3 unexpected error, 130 interrupted.

The commands and their options are the typer application in commands.py.  The commands run
most, `poolaudit --version` and `poolaudit audit` (by pre-commit, by CI, in a terminal), start
without it: importing typer and building the command tree costs 10-20 ms of a 60 ms run.
`audit`'s command line is read by arguments.py when every word of it is one that module reads
exactly as click would; anything else goes to typer, which parses it or says what is wrong.
"""

from __future__ import annotations

import gc
import os
import sys

# A run builds hundreds of thousands of objects (imports, parse trees, settings) and frees few:
# the collector's default pace (every 700 allocations) costs ~10 ms of a one-file hook run and
# ~0.2 s of a monorepo audit.  Rarer collections keep memory bounded all the same.
gc.set_threshold(100_000, 50, 1000)
from collections.abc import Callable
from pathlib import Path
from typing import Any

from poolaudit import __version__


def __getattr__(name: str) -> Any:
    """`poolaudit.cli.app`: the typer application, imported when it is asked for."""
    if name == "app":
        from poolaudit.commands import app

        return app
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def say(message: str) -> None:
    """One line on stderr, as typer prints it (imported here: only errors and notes print)."""
    import typer

    typer.echo(message, err=True)


def default_format() -> str:
    return "table" if sys.stdout.isatty() else "concise"


def color() -> bool:
    return sys.stdout.isatty() and "NO_COLOR" not in os.environ


def run(debug: bool, body: Callable[[], int]) -> int:
    """Maps every outcome of a command's body to the exit-status contract."""
    from poolaudit.errors import PoolauditError

    try:
        return body()
    except PoolauditError as exc:
        say(f"poolaudit: error: {exc}")
        return exc.exit_code
    except KeyboardInterrupt:
        say("poolaudit: interrupted")
        return 130
    except Exception as exc:
        if debug:
            raise
        say(
            f"poolaudit: unexpected error: {type(exc).__name__}: {exc}\n"
            "Please report this with the command you ran (run again with --debug for a traceback)."
        )
        return 3


def _progress() -> Callable[[int, int], None] | None:
    """Progress on stderr for long scans, only when a person is watching."""
    if not sys.stderr.isatty():
        return None

    def show(done: int, total: int) -> None:
        if total >= 2000:
            end = "\n" if done >= total else ""
            sys.stderr.write(f"\rpoolaudit: read {done}/{total} candidate files{end}")
            sys.stderr.flush()

    return show


def load_policy(
    policy_file: Path | None, paths: list[Path], select: list[str], ignore: list[str], cache: bool = True
) -> Any:
    """The run's policy (`cache`: from its snapshot when the policy files are unchanged), with
    the command line's --select and --ignore applied."""
    root = next((p for p in paths if p.is_dir()), Path.cwd())
    if cache and not os.environ.get("POOLAUDIT_NO_CACHE"):
        from poolaudit.policy import snapshot

        loaded = snapshot.load(policy_file, root)
    else:
        from poolaudit.policy import load

        loaded = load(policy_file, root)
    if select:
        loaded = loaded.model_copy(update={"select": select})
    if ignore:
        loaded = loaded.model_copy(update={"ignore": [*loaded.ignore, *ignore]})
    return loaded


def emit(pairs: list[tuple[str, Path | None]], render: Callable[[str, bool, int | None], str]) -> None:
    """Each (format, file) pair rendered: to the file, or to stdout when there is none."""
    for fmt, output in pairs:
        if output is None:
            import shutil

            width = shutil.get_terminal_size().columns if sys.stdout.isatty() else None
            text = render(fmt, color() and fmt == "table", width)
            sys.stdout.write(text if text.endswith("\n") or not text else text + "\n")
        else:
            output.write_text(render(fmt, False, None), encoding="utf-8")


def audit(
    paths: list[Path] | None = None,
    policy: Path | None = None,
    pairs: list[tuple[str, Path | None]] | None = None,
    select: list[str] | None = None,
    ignore: list[str] | None = None,
    baseline: Path | None = None,
    write_baseline: Path | None = None,
    exit_zero: bool = False,
    jobs: int = 0,
    max_file_size: float = 4.0,
    no_cache: bool = False,
    debug: bool = False,
) -> int:
    """`poolaudit audit`, its options parsed: find every pool setting, check it, report.  The
    defaults are the command's (a test holds them equal to the options' defaults)."""

    def body() -> int:
        from poolaudit import report
        from poolaudit.audit import audit as run_audit
        from poolaudit.audit import forget_prepared, prepare
        from poolaudit.check import failing
        from poolaudit.scan import ScanOptions

        targets = paths or [Path(".")]
        options = ScanOptions(max_bytes=int(max_file_size * 1024 * 1024), jobs=jobs)
        if no_cache:
            options.cache = False
        try:
            prepare(targets, options)  # git lists and searches while the policy is read
            loaded = load_policy(policy, targets, select or [], ignore or [], cache=not no_cache)
            result = run_audit(targets, loaded, options, _progress())
        finally:
            forget_prepared()
        if write_baseline is not None:
            from poolaudit import baseline as baseline_mod

            baseline_mod.write(write_baseline, result.findings)
            say(f"poolaudit: wrote {len(result.findings)} finding(s) to {write_baseline}")
            return 0
        if baseline is not None:
            from poolaudit import baseline as baseline_mod

            result.findings = baseline_mod.filter(baseline, result.findings)
        outputs = pairs or [(default_format(), None)]
        emit(outputs, lambda fmt, color, width: report.render(fmt, result, color=color, width=width))
        return 1 if failing(result.findings, loaded) and not exit_zero else 0

    return run(debug, body)


def _without_framework(args: list[str]) -> int | None:
    """The exit status of `--version` or of an `audit` command line this module can read, run
    as typer would run them; None for every other command line."""
    if args == ["--version"]:
        sys.stdout.write(f"poolaudit {__version__}\n")
        return 0
    if not args or args[0] != "audit":
        return None
    # Shell completion: click runs it when a `_<PROG>_COMPLETE` variable is set.
    if any(key.startswith("_") and key.endswith("_COMPLETE") for key in os.environ):
        return None
    from poolaudit.arguments import audit_arguments

    parsed = audit_arguments(args[1:])
    return None if parsed is None else audit(**parsed)


_FILE_OPTIONS = frozenset({"--policy", "--output", "-o", "--baseline", "--write-baseline"})


def _guess_folders(args: list[str]) -> None:
    """Before typer and pydantic import (~0.1 s), start git on the folders an `audit` command
    line names, so a monorepo's listing and search run meanwhile.  A guess, used only if the
    parsed command agrees (`audit.prepare`): no option of `audit` takes a folder, so the
    arguments that are folders are its paths, once the files its file options name are set
    aside; with other files among them (a hook's) or options that change what a scan reads,
    nothing is guessed."""
    if not args or args[0] != "audit" or any(a.startswith("--max-file-size") for a in args):
        return
    given = [
        a for i, a in enumerate(args[1:], 1)
        if not a.startswith("-") and args[i - 1] not in _FILE_OPTIONS and os.path.exists(a)
    ]
    if any(not os.path.isdir(a) for a in given):
        return
    from poolaudit.audit import prepare
    from poolaudit.scan import ScanOptions

    options = ScanOptions()
    if "--no-cache" in args:
        options.cache = False
    prepare([Path(a) for a in given] or [Path(".")], options)


def main() -> None:
    """The console script.  Once the command has run and its output is flushed, the process
    ends without the interpreter's teardown (freeing every module and object: about 30 ms of a
    200 ms pre-commit run); files are closed and worker pools joined by then."""
    try:
        code = _without_framework(sys.argv[1:])
        if code is None:
            _guess_folders(sys.argv[1:])
            from poolaudit.commands import app

            app()
            code = 0
    except SystemExit as exc:
        if exc.code is None or isinstance(exc.code, int):
            code = exc.code or 0
        else:  # a message instead of a status, as sys.exit("...") gives
            sys.stderr.write(f"{exc.code}\n")
            code = 1
    if "poolaudit.audit" in sys.modules:  # a guess `_guess_folders` made for a command that failed
        sys.modules["poolaudit.audit"].forget_prepared()
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except BrokenPipeError:  # `poolaudit audit | head`: the reader left; that is not an error
        pass
    os._exit(code)
