"""Start-up: `--version` and `audit` command lines run without the CLI framework, and print
exactly what the typer application prints for the same command line."""

from __future__ import annotations

import inspect
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from poolaudit import __version__, arguments, cli

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"


def _run(args: list[str], cwd: Path, code: str = "from poolaudit.cli import main; main()") -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.endswith("_COMPLETE")}
    return subprocess.run(
        [sys.executable, "-c", f"import sys; sys.argv[0] = 'poolaudit'; {code}", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
    )


@pytest.mark.parametrize(
    "args",
    [
        pytest.param([], id="no-arguments"),
        pytest.param(["audit", "--", "x"], id="double-dash"),
        pytest.param(["audit", "-"], id="dash"),
        pytest.param(["audit", ""], id="empty-argument"),
        pytest.param(["audit", "--help"], id="help"),
        pytest.param(["audit", "-fjson", "x"], id="clustered-short-option"),
        pytest.param(["audit", "-f=json", "x"], id="short-option-with-equals"),
        pytest.param(["audit", "x", "--format"], id="missing-value"),
        pytest.param(["audit", "--format", "yaml", "x"], id="unknown-format"),
        pytest.param(["audit", "--jobs", "two"], id="not-a-number"),
        pytest.param(["audit", "--max-file-size", "1MB"], id="not-a-float"),
        pytest.param(["audit", "--no-cache=yes"], id="flag-with-a-value"),
        pytest.param(["audit", "--output", "-"], id="value-like-an-option"),
        pytest.param(["audit", "--formats", "json"], id="unknown-option"),
        pytest.param(["audit", "--form", "json"], id="abbreviated-option"),
        pytest.param(["fix", "x"], id="another-command"),
        pytest.param(["--version", "audit"], id="version-and-more"),
        pytest.param(["--help"], id="root-help"),
    ],
)
def test_command_lines_that_need_parsing_go_to_typer(args: list[str]) -> None:
    assert cli._without_framework(args) is None


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        pytest.param(["x", "y"], {"paths": [Path("x"), Path("y")]}, id="paths"),
        pytest.param([], {"paths": None}, id="nothing"),
        pytest.param(["-f", "json", "x"], {"pairs": [("json", None)]}, id="short-format"),
        pytest.param(
            ["x", "--format=sarif", "-o", "out.sarif", "--format", "concise"],
            {"pairs": [("sarif", Path("out.sarif")), ("concise", None)], "paths": [Path("x")]},
            id="formats-and-outputs-in-order",
        ),
        pytest.param(["--select", "PA101,PA103", "--select=PA2"], {"select": ["PA101", "PA103", "PA2"]}, id="select"),
        pytest.param(["--policy", "a.yaml", "--policy", "b.yaml"], {"policy": Path("b.yaml")}, id="last-policy-wins"),
        pytest.param(["--jobs", "1", "--max-file-size=0.5"], {"jobs": 1, "max_file_size": 0.5}, id="numbers"),
        pytest.param(["--exit-zero", "--no-cache", "--debug"], {"exit_zero": True, "no_cache": True, "debug": True}, id="flags"),
    ],
)
def test_audit_options_read_without_typer(args: list[str], expected: dict[str, object]) -> None:
    parsed = arguments.audit_arguments(args)
    assert parsed is not None
    assert {key: parsed[key] for key in expected} == expected


def test_the_fast_option_table_is_typers() -> None:
    """Every option of typer's `audit` is read here the same way (name, flag or value,
    repeatable), and nothing else is."""
    from typer.main import get_command

    from poolaudit.cli import app

    command = get_command(app).commands["audit"]  # type: ignore[attr-defined]
    values, flags, repeatable = {}, {}, set()
    for param in command.params:
        if param.param_type_name != "option":
            continue
        for opt in param.opts:
            (flags if param.is_flag else values)[opt] = param.name
        if param.multiple:
            repeatable.add(param.name)
    assert values == arguments.AUDIT_VALUES
    assert flags == arguments.AUDIT_FLAGS
    assert repeatable == set(arguments._REPEATABLE)


def test_shell_completion_goes_to_typer(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("_POOLAUDIT_COMPLETE", "bash_complete")
    assert cli._without_framework(["audit", "x"]) is None


def test_fast_audit_has_the_commands_defaults() -> None:
    """`audit FILE...` without typer runs with the defaults the typer options have."""
    from typer.main import get_command

    from poolaudit.cli import app

    command = get_command(app).commands["audit"]  # type: ignore[attr-defined]
    options = {param.name: param.default for param in command.params}
    for name, param in inspect.signature(cli.audit).parameters.items():
        if name == "pairs":  # --format/--output: none given means the default format on stdout
            assert options["format"] is None and options["output"] is None
        else:
            assert options[name] == param.default, name


def _repos(tmp_path: Path) -> list[tuple[str, Path, list[str]]]:
    """(id, working directory, paths) of runs that end in each exit status."""
    clean, undersized, broken, policy = (tmp_path / n for n in ("clean", "undersized", "broken", "policy"))
    for repo in (clean, undersized, broken, policy):
        repo.mkdir()
    (clean / "application.yml").write_text("spring.datasource.hikari.maximum-pool-size: ${DB_POOL_SIZE:20}\n")
    (undersized / ".env.production").write_text("DATABASE_URL=postgresql://app:hunter2@db/app\nDB_POOL_SIZE=4\n")
    (broken / "application.yml").write_text("spring:\n  datasource: [unclosed\n")
    (policy / ".poolaudit.yaml").write_text("pools:\n  min_size: lots\n")
    (policy / "application.yml").write_text("spring.datasource.hikari.maximum-pool-size: 4\n")
    fleet = tmp_path / "payments-api"
    shutil.copytree(FIXTURES / "payments-api", fleet)
    return [
        ("clean-file", clean, ["application.yml"]),
        ("clean-cwd", clean, []),
        ("undersized", undersized, [".env.production"]),
        ("unparsed", broken, ["application.yml"]),
        ("missing-file", clean, ["missing.yml"]),
        ("policy-error", policy, ["."]),
        ("fixture-folder", tmp_path, ["payments-api", "clean"]),
    ]


def test_fast_audit_prints_what_typer_prints(tmp_path: Path) -> None:
    """`audit -- PATH...` is the same command line parsed by typer (`--` ends the options)."""
    statuses = set()
    for name, cwd, paths in _repos(tmp_path):
        fast = _run(["audit", *paths], cwd)
        parsed = _run(["audit", "--", *paths], cwd)
        assert (fast.returncode, fast.stdout, fast.stderr) == (parsed.returncode, parsed.stdout, parsed.stderr), name
        statuses.add(fast.returncode)
    assert statuses == {0, 1, 2}


@pytest.mark.parametrize(
    "options",
    [
        pytest.param(["--format", "json"], id="json"),
        pytest.param(["-f", "concise", "-f", "sarif"], id="two-formats"),
        pytest.param(["--select=PA101", "--ignore", "PA103,PA104"], id="select-ignore"),
        pytest.param(["--exit-zero", "--no-cache", "--jobs", "1"], id="flags"),
        pytest.param(["--max-file-size", "0.00001", "-f", "json"], id="tiny-size-limit"),
        pytest.param(["--policy", "strict.yaml", "-f", "github"], id="policy-file"),
        pytest.param(["--policy", "missing.yaml"], id="missing-policy"),
        pytest.param(["--baseline", "missing.json"], id="missing-baseline"),
    ],
)
def test_fast_audit_options_print_what_typer_prints(tmp_path: Path, options: list[str]) -> None:
    """Each option read without typer gives the output, errors and exit status typer's
    parsing gives (the same options with `--` before the paths go to typer)."""
    repo = tmp_path / "payments-api"
    shutil.copytree(FIXTURES / "payments-api", repo)
    (tmp_path / "strict.yaml").write_text("extends: strict\n")
    fast = _run(["audit", *options, "payments-api"], tmp_path)
    parsed = _run(["audit", *options, "--", "payments-api"], tmp_path)
    assert (fast.returncode, fast.stdout, fast.stderr) == (parsed.returncode, parsed.stdout, parsed.stderr)
    assert fast.stdout or fast.stderr


def test_fast_audit_writes_outputs_and_baselines_as_typer_does(tmp_path: Path) -> None:
    repo = tmp_path / "payments-api"
    shutil.copytree(FIXTURES / "payments-api", repo)
    written = {}
    for route, tail in (("fast", ["payments-api"]), ("typer", ["--", "payments-api"])):
        out, base = tmp_path / f"{route}.json", tmp_path / f"{route}-baseline.json"
        first = _run(["audit", "-f", "json", "-o", str(out), "--format", "concise", *tail], tmp_path)
        second = _run(["audit", "--write-baseline", str(base), *tail], tmp_path)
        third = _run(["audit", "--baseline", str(base), "-f", "json", *tail], tmp_path)
        written[route] = (
            first.returncode, first.stdout, out.read_text(),
            second.returncode, second.stderr.replace(str(base), "B"), base.read_text(),
            third.returncode, third.stdout,
        )  # fmt: skip
    assert written["fast"] == written["typer"]
    assert written["fast"][0] == 1 and '"findings"' in written["fast"][2]


def test_version_prints_what_typer_prints(tmp_path: Path) -> None:
    fast = _run(["--version"], tmp_path)
    parsed = _run(["--version"], tmp_path, "from poolaudit.cli import app; app()")
    assert (fast.returncode, fast.stdout, fast.stderr) == (parsed.returncode, parsed.stdout, parsed.stderr)
    assert fast.stdout == f"poolaudit {__version__}\n"


@pytest.mark.parametrize(
    ("args", "absent"),
    [
        pytest.param(["--version"], ("typer", "pydantic", "yaml", "rich", "poolaudit.commands"), id="version"),
        pytest.param(["audit", "application.yml"], ("typer", "rich", "poolaudit.commands", "poolaudit.baseline"), id="audit"),
        pytest.param(
            ["audit", "--format", "json", "--no-cache", "."], ("typer", "rich", "poolaudit.commands"), id="audit-options"
        ),
    ],
)
def test_fast_paths_do_not_import_the_framework(tmp_path: Path, args: list[str], absent: tuple[str, ...]) -> None:
    (tmp_path / "application.yml").write_text("spring.datasource.hikari.maximum-pool-size: 20\n")
    code = (
        "import sys\n"
        "from poolaudit import cli\n"
        "status = cli._without_framework(sys.argv[1:])\n"
        f"print('imported:', [m for m in {absent!r} if m in sys.modules])\n"
    )
    run = _run(args, tmp_path, code)
    assert run.returncode == 0, run.stderr
    assert run.stdout.splitlines()[-1] == "imported: []"


_TOKENS = [
    "--format", "-f", "--output", "-o", "--policy", "--select", "--ignore", "--baseline",
    "--write-baseline", "--jobs", "--max-file-size", "--exit-zero", "--no-cache", "--debug",
    "json", "concise", "sarif", "yaml", "PA101,PA103", "2", "0.5", "x", "out.json", "svc",
    "--format=json", "--jobs=3", "-fjson", "--", "-", "",
]  # fmt: skip


def _typer_reads(args: list[str]) -> dict[str, object] | None:
    """What typer's `audit` command would run with, or None if click refuses the line."""
    from typer.main import get_command

    from poolaudit import commands

    command = get_command(commands.app).commands["audit"]  # type: ignore[attr-defined]
    try:
        ctx = command.make_context("audit", list(args))
    except Exception:  # noqa: BLE001 - click's usage errors: typer prints them
        return None
    p = ctx.params
    pairs = commands._outputs(ctx, p["format"])
    from poolaudit.report import FORMATS

    if any(fmt not in FORMATS for fmt, _ in pairs):
        return None
    return {
        "paths": p["paths"] or None, "policy": p["policy"], "pairs": pairs,
        "select": arguments.split_codes(p["select"]), "ignore": arguments.split_codes(p["ignore"]),
        "baseline": p["baseline"], "write_baseline": p["write_baseline"], "jobs": p["jobs"],
        "max_file_size": p["max_file_size"], "exit_zero": p["exit_zero"], "no_cache": p["no_cache"],
        "debug": p["debug"],
    }  # fmt: skip


def test_every_command_line_read_without_typer_is_read_as_typer_reads_it() -> None:
    """Command lines made of audit's options, values and paths, in any order: whatever the fast
    route accepts, click accepts too and turns into the same call."""
    from hypothesis import given, settings
    from hypothesis import strategies as st

    @settings(max_examples=400, deadline=None)
    @given(st.lists(st.sampled_from(_TOKENS), max_size=7))
    def check(args: list[str]) -> None:
        fast = arguments.audit_arguments(args)
        if fast is None:
            return
        defaults = {"exit_zero": False, "no_cache": False, "debug": False}
        assert {**defaults, **fast} == _typer_reads(args), args

    check()
