"""The scan cache: a repeated audit reads only what changed, and finds exactly what a fresh one finds."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from poolaudit import scan as scan_module
from poolaudit.audit import audit, prepare
from poolaudit.cache import folder
from poolaudit.policy import load
from poolaudit.scan import ScanOptions

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def git(root: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=root, check=True, capture_output=True, text=True).stdout


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "shop"
    shutil.copytree(FIXTURES / "rails-shop", root)
    shutil.copytree(FIXTURES / "spring-orders", root / "orders")
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "initial")
    return root


def run(root: Path, monkeypatch: pytest.MonkeyPatch, **options: object) -> tuple[list[tuple[str, int, object]], list[str]]:
    """Settings found (path, line, value) and the files the sources actually read."""
    read: list[str] = []
    original = scan_module.scan_one

    def counting(ref, opts):  # type: ignore[no-untyped-def]
        read.append(ref.rel)
        return original(ref, opts)

    monkeypatch.setattr(scan_module, "scan_one", counting)
    result = audit([root], load(None, root), ScanOptions(jobs=1, **options))  # type: ignore[arg-type]
    monkeypatch.setattr(scan_module, "scan_one", original)
    settings = sorted((s.path, s.line, s.value) for s in result.settings)
    return settings, sorted(read)


def test_a_second_run_reads_nothing_and_finds_the_same(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cold, cold_read = run(repo, monkeypatch)
    warm, warm_read = run(repo, monkeypatch)
    assert cold and cold_read
    assert warm == cold
    assert warm_read == []


def test_an_edited_file_is_read_again(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    run(repo, monkeypatch)
    database = repo / "config" / "database.yml"
    before = database.read_text()
    assert "pool: 5" in before or "{ 5 }" in before or "5" in before
    edited = before.replace("production:\n", "production:\n  pool: 42\n", 1)
    assert edited != before
    database.write_text(edited)  # not staged: the index still names the old content
    settings, read = run(repo, monkeypatch)
    assert read == ["config/database.yml"]
    assert any(path == "config/database.yml" and value == 42 for path, _, value in settings)
    git(repo, "commit", "-q", "-am", "bigger pool")  # committed: a new blob id, read once more
    again, read = run(repo, monkeypatch)
    assert again == settings and read == ["config/database.yml"]
    assert run(repo, monkeypatch)[1] == []


def test_new_and_deleted_files(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cold, _ = run(repo, monkeypatch)
    (repo / ".env.production").write_text("DB_POOL_SIZE=3\n")  # untracked: always read
    (repo / "orders" / "src" / "main" / "resources" / "application.yml").unlink()
    settings, read = run(repo, monkeypatch)
    assert ".env.production" in read
    assert (".env.production", 1, 3) in settings
    assert not any(path.endswith("resources/application.yml") and path.startswith("orders/") for path, _, _ in settings)
    assert any(path.endswith("resources/application.yml") for path, _, _ in cold)


def test_a_broken_cache_file_is_ignored_and_replaced(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cold, _ = run(repo, monkeypatch)
    (stored,) = folder().glob("scan-*.pickle")
    stored.write_bytes(b"not a pickle")
    settings, read = run(repo, monkeypatch)
    assert settings == cold and read
    assert run(repo, monkeypatch) == (cold, [])


def test_an_unwritable_cache_folder_only_costs_time(repo: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    blocker = tmp_path / "blocker"
    blocker.write_text("a file where the cache folder would go")
    monkeypatch.setenv("POOLAUDIT_CACHE_DIR", str(blocker / "cache"))
    cold, _ = run(repo, monkeypatch)
    assert run(repo, monkeypatch)[0] == cold


def test_no_cache_writes_nothing(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    run(repo, monkeypatch, cache=False)
    assert not folder().exists() or not list(folder().iterdir())
    monkeypatch.setenv("POOLAUDIT_NO_CACHE", "1")
    run(repo, monkeypatch)
    assert not folder().exists() or not list(folder().iterdir())


def test_prepared_git_answers_give_the_same_result(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from poolaudit import audit as audit_module

    cold, _ = run(repo, monkeypatch, cache=False)
    prepare([repo], ScanOptions(jobs=1, cache=False))
    assert audit_module._asked[str(repo)].listing is not None  # git was asked ahead
    assert run(repo, monkeypatch, cache=False)[0] == cold
    assert str(repo) not in audit_module._asked  # and its answers were the ones used


def test_the_checkout_is_left_alone(repo: Path) -> None:
    env = {**os.environ}
    for _ in range(2):
        subprocess.run([sys.executable, "-m", "poolaudit", "audit", "--format", "json", str(repo)], env=env,
                       capture_output=True, check=False)
    assert git(repo, "status", "--porcelain", "--ignored") == ""
    assert list(folder().glob("scan-*.pickle"))


def test_cli_results_match_with_and_without_the_cache(repo: Path) -> None:
    def report(*extra: str) -> list[object]:
        out = subprocess.run([sys.executable, "-m", "poolaudit", "audit", "--format", "json", *extra, str(repo)],
                             capture_output=True, text=True, check=False).stdout
        data = json.loads(out)
        return [data["settings"], data["findings"], data["skipped"]]

    fresh = report()
    assert report() == fresh  # from the cache
    os.environ["POOLAUDIT_NO_CACHE"] = "1"
    try:
        assert report() == fresh
    finally:
        del os.environ["POOLAUDIT_NO_CACHE"]


def test_caches_of_roots_unseen_for_a_month_are_removed(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder().mkdir(parents=True, exist_ok=True)
    old = folder() / "scan-0123456789abcdef01234567.pickle"
    old.write_bytes(b"")
    recent = folder() / "scan-fedcba9876543210fedcba98.pickle"
    recent.write_bytes(b"")
    month_and_a_day = 31 * 24 * 3600
    os.utime(old, (old.stat().st_atime - month_and_a_day, old.stat().st_mtime - month_and_a_day))
    run(repo, monkeypatch)
    assert not old.exists() and recent.exists()
    assert len(list(folder().glob("scan-*.pickle"))) == 2  # the recent one and this root's


def test_a_subfolder_scan_sees_its_edited_files(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    orders = repo / "orders"
    cold, _ = run(orders, monkeypatch)
    application = orders / "src" / "main" / "resources" / "application.yml"
    text = application.read_text()
    assert "maximum-pool-size" in text
    lines = text.splitlines(keepends=True)
    index = next(i for i, line in enumerate(lines) if "maximum-pool-size" in line)
    lines[index] = lines[index].split(":")[0] + ": 77\n"
    application.write_text("".join(lines))
    settings, read = run(orders, monkeypatch)
    assert read == ["src/main/resources/application.yml"]
    assert ("src/main/resources/application.yml", index + 1, 77) in settings


@pytest.mark.parametrize(
    ("args", "guessed"),
    [
        (["audit", "--format", "json", "{repo}"], ["{repo}"]),
        (["audit", "--no-cache", "{repo}", "{repo}/orders"], ["{repo}", "{repo}/orders"]),
        (["audit", "--format", "json"], ["."]),
        # the files that file options name are set aside
        (["audit", "--policy", "{repo}/Gemfile", "--output", "{repo}/Gemfile", "{repo}"], ["{repo}"]),
        # a file among the paths (a hook's files): no guess
        (["audit", "{repo}/Gemfile", "{repo}"], None),
        (["audit", "{repo}/config/database.yml"], None),
        (["audit", "--max-file-size", "1", "{repo}"], None),
        (["fix", "{repo}"], None),
    ],
)
def test_the_console_script_starts_git_on_the_folders_it_is_given(
    repo: Path, monkeypatch: pytest.MonkeyPatch, args: list[str], guessed: list[str] | None
) -> None:
    from poolaudit import audit as audit_module
    from poolaudit import cli

    calls: list[tuple[list[str], bool]] = []
    monkeypatch.setattr(audit_module, "prepare", lambda paths, options: calls.append(([str(p) for p in paths], options.cache)))
    monkeypatch.chdir(repo)
    cli._guess_folders([a.format(repo=repo) for a in args])
    if guessed is None:
        assert calls == []
    else:
        assert calls == [([g.format(repo=repo) for g in guessed], "--no-cache" not in args)]


def test_a_wrong_guess_is_dropped_for_the_parsed_options(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cold, _ = run(repo, monkeypatch, cache=False)
    prepare([repo], ScanOptions(jobs=1, max_bytes=10))  # guessed with other options
    settings, read = run(repo, monkeypatch)
    assert settings == cold and read


def test_a_hook_in_a_large_service_uses_git_grep_and_the_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A monolith under one pyproject.toml: a hook's file has the whole repository as its
    service.  git grep rules out the modules that name no pool before Python reads them, and
    a second run reads nothing that did not change."""
    root = tmp_path / "monolith"
    (root / "app" / "views").mkdir(parents=True)
    (root / "pyproject.toml").write_text('[project]\nname = "monolith"\n')
    for n in range(450):
        (root / "app" / "views" / f"view_{n}.py").write_text(f"def view_{n}(request):\n    return {n}\n")
    (root / "app" / "db.py").write_text(
        "import os\nfrom sqlalchemy import create_engine\n\n"
        'engine = create_engine(os.environ["DATABASE_URL"], pool_size=int(os.getenv("DB_POOL_SIZE", "20")), pool_timeout=10)\n'
    )
    (root / ".env.production").write_text("DB_POOL_SIZE=3\n")
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "initial")

    def hook(named: str) -> tuple[list[tuple[str, int, object]], list[str]]:
        read: list[str] = []
        original = scan_module.scan_one

        def counting(ref, opts):  # type: ignore[no-untyped-def]
            read.append(ref.rel)
            return original(ref, opts)

        monkeypatch.setattr(scan_module, "scan_one", counting)
        result = audit([root / named], load(None, root), ScanOptions(jobs=1))
        monkeypatch.setattr(scan_module, "scan_one", original)
        return sorted((s.path, s.line, s.value) for s in result.settings), sorted(read)

    settings, read = hook("app/db.py")
    assert [(path, value) for path, _, value in settings if path == "app/db.py"][0] == ("app/db.py", 3)
    assert "app/db.py" in read and ".env.production" in read
    assert not any(path.startswith("app/views/") for path in read)  # ruled out by git grep
    again, read = hook("app/db.py")
    assert again == settings
    assert read == []  # everything unchanged: from the cache


def test_the_code_stamp_follows_content_not_file_times(tmp_path: Path) -> None:
    """A reinstall of the same version (new file times, another folder: CI installs afresh on
    every run and restores the cache) keeps the stamp; an edit changes it."""
    import poolaudit
    from poolaudit.cache import code_stamp

    source = Path(poolaudit.__file__).parent
    first, second = tmp_path / "a" / "poolaudit", tmp_path / "b" / "poolaudit"
    shutil.copytree(source, first, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(source, second, ignore=shutil.ignore_patterns("__pycache__"))
    for path in second.rglob("*.py"):
        os.utime(path, (1_000_000_000, 1_000_000_000))
    assert code_stamp(str(first)) == code_stamp(str(second))
    with (second / "scan.py").open("a") as out:
        out.write("\n# edited\n")
    code_stamp.cache_clear()
    assert code_stamp(str(first)) != code_stamp(str(second))
