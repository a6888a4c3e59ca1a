"""Start-up: `--version` and a pre-commit `audit FILE...` run without the CLI framework, and
print exactly what the typer application prints for the same command line."""

from __future__ import annotations

import inspect
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from poolaudit import __version__, cli

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
        pytest.param(["audit", "--format", "json", "x"], id="an-option"),
        pytest.param(["audit", "x", "-f", "json"], id="an-option-after-a-path"),
        pytest.param(["audit", "--", "x"], id="double-dash"),
        pytest.param(["audit", "-"], id="dash"),
        pytest.param(["audit", ""], id="empty-argument"),
        pytest.param(["audit", "--help"], id="help"),
        pytest.param(["fix", "x"], id="another-command"),
        pytest.param(["--version", "audit"], id="version-and-more"),
        pytest.param(["--help"], id="root-help"),
    ],
)
def test_command_lines_that_need_parsing_go_to_typer(args: list[str]) -> None:
    assert cli._without_framework(args) is None


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
