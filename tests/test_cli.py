"""The command line's contract: exit statuses, format/output pairing, errors without tracebacks."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from poolaudit import __version__
from poolaudit.cli import app

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
runner = CliRunner()


def _svc(tmp_path: Path, pool: int) -> Path:
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "svc"\n')
    (tmp_path / ".env.production").write_text(f"DATABASE_URL=postgresql://app:hunter2@db/app\nDB_POOL_SIZE={pool}\n")
    return tmp_path


def test_version() -> None:
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.output == f"poolaudit {__version__}\n"


def test_exit_0_when_clean(tmp_path: Path) -> None:
    result = runner.invoke(app, ["audit", "--format", "concise", str(_svc(tmp_path, 20))])
    assert result.exit_code == 0, result.output
    assert result.output == ""


def test_exit_1_on_violation_and_password_masked(tmp_path: Path) -> None:
    result = runner.invoke(app, ["audit", "--format", "concise", str(_svc(tmp_path, 4))])
    assert result.exit_code == 1, result.output
    assert result.output == ".env.production:2:14: PA101 DB_POOL_SIZE is 4; policy minimum for production is 10\n"


def test_exit_zero_flag(tmp_path: Path) -> None:
    result = runner.invoke(app, ["audit", "--exit-zero", "-f", "concise", str(_svc(tmp_path, 4))])
    assert result.exit_code == 0


def test_exit_2_on_invalid_policy_names_file_line_and_field(tmp_path: Path) -> None:
    _svc(tmp_path, 20)
    (tmp_path / ".poolaudit.yaml").write_text("pools:\n  environments:\n    production:\n      min_size: lots\n")
    result = runner.invoke(app, ["audit", str(tmp_path)])
    assert result.exit_code == 2
    assert ".poolaudit.yaml:4" in result.output
    assert "pools.environments.production.min_size" in result.output
    assert "Traceback" not in result.output


def test_exit_2_on_unknown_format(tmp_path: Path) -> None:
    result = runner.invoke(app, ["audit", "--format", "yaml", str(tmp_path)])
    assert result.exit_code == 2


def test_exit_3_on_unexpected_error_without_traceback(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import poolaudit.audit

    def boom(*args: object, **kwargs: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(poolaudit.audit, "audit", boom)
    result = runner.invoke(app, ["audit", str(_svc(tmp_path, 20))])
    assert result.exit_code == 3
    assert "Please report" in result.output
    assert "Traceback" not in result.output


def test_each_output_takes_the_format_before_it(tmp_path: Path) -> None:
    (tmp_path / "svc").mkdir()
    svc = _svc(tmp_path / "svc", 4)
    sarif, data = tmp_path / "out.sarif", tmp_path / "out.json"
    result = runner.invoke(
        app,
        ["audit", "--format", "sarif", "--output", str(sarif), "--format", "concise", "-f", "json", "-o", str(data), str(svc)],
    )
    assert result.exit_code == 1, result.output
    assert result.output.startswith(".env.production:2:14: PA101")
    assert json.loads(sarif.read_text())["version"] == "2.1.0"
    assert json.loads(data.read_text())["findings"][0]["code"] == "PA101"
    for text in (result.output, sarif.read_text(), data.read_text()):
        assert "hunter2" not in text


def test_baseline_reports_only_new_findings(tmp_path: Path) -> None:
    (tmp_path / "svc").mkdir()
    svc = _svc(tmp_path / "svc", 4)
    baseline = tmp_path / "baseline.json"
    written = runner.invoke(app, ["audit", "--write-baseline", str(baseline), str(svc)])
    assert written.exit_code == 0, written.output
    quiet = runner.invoke(app, ["audit", "-f", "concise", "--baseline", str(baseline), str(svc)])
    assert (quiet.exit_code, quiet.output) == (0, "")
    (svc / "config.toml").write_text("[database]\npool_size = 3\npool_timeout = 10\n")
    new = runner.invoke(app, ["audit", "-f", "concise", "--baseline", str(baseline), str(svc)])
    assert new.exit_code == 1
    assert new.output == "config.toml:2:13: PA101 pool_size is 3; policy minimum for production is 10 (no environment named; production assumed)\n"


def test_select_and_ignore(tmp_path: Path) -> None:
    svc = _svc(tmp_path, 4)
    assert runner.invoke(app, ["audit", "-f", "concise", "--ignore", "PA101", str(svc)]).exit_code == 0
    assert runner.invoke(app, ["audit", "-f", "concise", "--select", "pool-undersized", str(svc)]).exit_code == 1


def test_explain_and_rules() -> None:
    explained = runner.invoke(app, ["explain", "pool-undersized"])
    assert explained.exit_code == 0
    assert explained.output.startswith("PA101 pool-undersized\n")
    assert "Flagged" in explained.output
    assert runner.invoke(app, ["explain", "PA999"]).exit_code == 2
    listed = runner.invoke(app, ["rules"])
    assert listed.exit_code == 0 and "PA101  pool-undersized" in listed.output


def test_fix_writes_formats_of_what_is_left(tmp_path: Path) -> None:
    svc = tmp_path / "flask-ledger"
    shutil.copytree(FIXTURES / "flask-ledger", svc)
    result = runner.invoke(app, ["fix", "--format", "concise", str(svc)])
    assert result.exit_code == 1, result.output
    left = [line for line in result.output.splitlines() if ": PA" in line and line.startswith("ledger/")]
    assert [line.split(": ")[1].split()[0] for line in left] == ["PA108", "PA108", "PA108"]
    again = runner.invoke(app, ["fix", "--diff", str(svc)])
    assert "pool_size" not in again.output.split("would fix")[0]


def test_progress_only_on_a_terminal_and_only_for_long_scans(monkeypatch: pytest.MonkeyPatch) -> None:
    import io
    import sys

    from poolaudit import cli

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    assert cli._progress() is None or not sys.stderr.isatty()
    terminal = Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    show = cli._progress()
    assert show is not None
    show(100, 500)
    assert terminal.getvalue() == ""
    show(1000, 3000)
    show(3000, 3000)
    assert terminal.getvalue() == "\rpoolaudit: read 1000/3000 candidate files\rpoolaudit: read 3000/3000 candidate files\n"


def test_console_script_flushes_everything_and_keeps_the_status(tmp_path: Path) -> None:
    """`main()` skips interpreter teardown: the output must still be complete."""
    import subprocess
    import sys

    svc = _svc(tmp_path, 20)
    (svc / "config").mkdir()
    for i in range(300):  # 300 undersized pools: ~30 KB of output, more than one pipe buffer
        (svc / "config" / f"db{i}.toml").write_text("[database]\npool_size = 3\npool_timeout = 10\n")
    run = subprocess.run(
        [sys.executable, "-m", "poolaudit", "audit", "--format", "concise", str(svc)],
        capture_output=True,
        text=True,
    )
    assert run.returncode == 1, run.stderr
    assert len(run.stdout.splitlines()) == 300
    assert run.stdout.endswith("production assumed)\n")
    (tmp_path / "clean").mkdir()
    clean_svc = _svc(tmp_path / "clean", 20)
    clean = subprocess.run(
        [sys.executable, "-m", "poolaudit", "audit", "-f", "concise", str(clean_svc)], capture_output=True, text=True
    )
    assert (clean.returncode, clean.stdout) == (0, "")
    usage = subprocess.run([sys.executable, "-m", "poolaudit", "audit", "--format", "nope"], capture_output=True, text=True)
    assert usage.returncode == 2 and "unknown format" in usage.stderr


@pytest.mark.parametrize("command", [["audit"], ["audit", "--format", "json"], ["fix", "--diff"]])
def test_exit_2_when_a_path_does_not_exist(tmp_path: Path, command: list[str]) -> None:
    """A typo in a CI job's path is an error, not a clean audit of nothing."""
    svc = _svc(tmp_path, 4)
    result = runner.invoke(app, [*command, str(svc), str(tmp_path / "servces")])
    assert result.exit_code == 2
    assert f"no such file or folder: {tmp_path / 'servces'}" in result.output
