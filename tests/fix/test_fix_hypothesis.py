"""Property tests, one per file kind: generated files with pool settings amid random comments,
blank lines, quoting, key order and line endings.  After `fix`, the only bytes that changed are
the values' digits, and a re-audit finds no undersized pool."""

from __future__ import annotations

import difflib
import tempfile
from collections.abc import Callable
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from .conftest import audited, make_tree, run_fix

SIZES = st.integers(min_value=1, max_value=40)
WORDS = st.sampled_from(["retry", "cache", "owner", "team", "build", "region", "limit", "tier"])
COMMENT_TEXT = st.text(alphabet="abcdefghijklmnopqrstuvwxyz -_.,()", max_size=20)
EOLS = st.sampled_from(["\n", "\r\n"])


def _join(lines: list[str], eols: list[str], last_newline: bool) -> str:
    text = "".join(line + eol for line, eol in zip(lines, eols))
    if not last_newline:
        text = text[: -len(eols[-1])] if lines else text
    return text


@st.composite
def line_endings(draw: st.DrawFn, count: int) -> tuple[list[str], bool]:
    if draw(st.booleans()):
        eol = draw(EOLS)
        eols = [eol] * count
    else:
        eols = draw(st.lists(EOLS, min_size=count, max_size=count))
    return eols, draw(st.booleans())


@st.composite
def noise(draw: st.DrawFn, comment: str) -> list[str]:
    lines = []
    for _ in range(draw(st.integers(0, 4))):
        kind = draw(st.sampled_from(["blank", "comment"]))
        lines.append("" if kind == "blank" else f"{comment} {draw(COMMENT_TEXT)}".rstrip())
    return lines


@st.composite
def env_file(draw: st.DrawFn) -> tuple[str, str]:
    size = draw(SIZES)
    quote = draw(st.sampled_from(["", '"', "'"]))
    export = draw(st.sampled_from(["", "export "]))
    tail = draw(st.sampled_from(["", "  # per worker", " # " + draw(COMMENT_TEXT)])).rstrip()
    body = [f"{export}DB_POOL_SIZE={quote}{size}{quote}{tail}"]
    body += [f"{draw(WORDS).upper()}_{i}={draw(WORDS)}" for i in range(draw(st.integers(0, 3)))]
    body = draw(st.permutations(body))
    lines = [*draw(noise("#")), *body, *draw(noise("#"))]
    eols, last = draw(line_endings(len(lines)))
    return ".env", _join(lines, eols, last)


@st.composite
def toml_file(draw: st.DrawFn) -> tuple[str, str]:
    size = draw(SIZES)
    tail = draw(st.sampled_from(["", "  # tuned", " #x"]))
    keys = [f"pool_size = {size}{tail}", "pool_timeout = 30", 'url = "postgresql://db/app"']
    keys = list(draw(st.permutations(keys)))
    lines = [*draw(noise("#")), "[database]", *keys, *draw(noise("#")), f"[{draw(WORDS)}]", f"name = \"{draw(WORDS)}\""]
    eols, last = draw(line_endings(len(lines)))
    return "config.toml", _join(lines, eols, last)


@st.composite
def yaml_file(draw: st.DrawFn) -> tuple[str, str]:
    size = draw(SIZES)
    quote = draw(st.sampled_from(["", '"', "'"]))
    tail = draw(st.sampled_from(["", "  # per pod", " # x"]))
    indent = draw(st.sampled_from(["  ", "    "]))
    keys = [f"maximum-pool-size: {quote}{size}{quote}{tail}", "connection-timeout: 30000", "pool-name: app"]
    keys = list(draw(st.permutations(keys)))
    lines = [
        *draw(noise("#")), "spring:", f"{indent}datasource:", f"{indent * 2}url: jdbc:postgresql://db/app",
        f"{indent * 2}hikari:", *(f"{indent * 3}{k}" for k in keys), *draw(noise("#")), f"{draw(WORDS)}: {draw(WORDS)}",
    ]
    eols, last = draw(line_endings(len(lines)))
    return "src/main/resources/application.yml", _join(lines, eols, last)


@st.composite
def properties_file(draw: st.DrawFn) -> tuple[str, str]:
    size = draw(SIZES)
    sep = draw(st.sampled_from(["=", " = ", ":", ": ", "\t=\t"]))
    keys = [f"spring.datasource.hikari.maximum-pool-size{sep}{size}", "spring.datasource.hikari.connection-timeout=30000",
            f"app.{draw(WORDS)}={draw(WORDS)}"]
    keys = list(draw(st.permutations(keys)))
    lines = [*draw(noise(draw(st.sampled_from(["#", "!"])))), *keys, *draw(noise("#"))]
    eols, last = draw(line_endings(len(lines)))
    return "src/main/resources/application.properties", _join(lines, eols, last)


@st.composite
def ini_file(draw: st.DrawFn) -> tuple[str, str]:
    size = draw(SIZES)
    sep = draw(st.sampled_from([" = ", "=", "\t=\t"]))
    keys = [f"sqlalchemy.pool_size{sep}{size}", "sqlalchemy.pool_timeout = 10", "sqlalchemy.url = postgresql://db/app"]
    keys = list(draw(st.permutations(keys)))
    lines = [*draw(noise(";")), "[app:main]", "use = egg:app", *keys, *draw(noise("#")), "[server:main]", "port = 6543"]
    eols, last = draw(line_endings(len(lines)))
    return "production.ini", _join(lines, eols, last)


@st.composite
def python_file(draw: st.DrawFn) -> tuple[str, str]:
    size = draw(SIZES)
    args = [f"pool_size={size}", "max_overflow=10", "pool_timeout=30", "pool_recycle=1800"]
    args = list(draw(st.permutations(args)))
    if draw(st.booleans()):
        call = [f"engine = create_engine(URL, {', '.join(args)})"]
    else:
        call = ["engine = create_engine(", "    URL,", *(f"    {a}," for a in args), ")"]
    lines = ["from sqlalchemy import create_engine", *draw(noise("#")), "URL = 'postgresql://db/app'", *call, *draw(noise("#"))]
    eols, last = draw(line_endings(len(lines)))
    return "app/db.py", _join(lines, eols, last)


EXTRA = {
    "src/main/resources/application.yml": {"pom.xml": "<p/>\n"},
    "src/main/resources/application.properties": {"pom.xml": "<p/>\n"},
    "app/db.py": {"pyproject.toml": "[project]\nname = 'x'\n"},
}


def check_only_values_changed(make: tuple[str, str]) -> None:
    rel, text = make
    with tempfile.TemporaryDirectory() as folder:
        root = make_tree(Path(folder) / "svc", {**EXTRA.get(rel, {}), rel: text.encode()})
        report = run_fix(root, write=True)
        after = (root / rel).read_bytes().decode()
        for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, text, after, autojunk=False).get_opcodes():
            if tag != "equal":
                assert text[i1:i2].isdigit() or i1 == i2, (tag, text[i1:i2], after[j1:j2])
                assert after[j1:j2].isdigit(), (tag, text[i1:i2], after[j1:j2])
        assert len(report.changes) <= 2
        result, _ = audited(root)
        assert [f for f in result.findings if f.code == "PA101"] == []
        again = run_fix(root, write=True)
        assert again.new_texts == {}


PROPERTY = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _case(strategy: st.SearchStrategy[tuple[str, str]]) -> Callable[[], None]:
    @PROPERTY
    @given(strategy)
    def test(make: tuple[str, str]) -> None:
        check_only_values_changed(make)

    return test


test_env_files = _case(env_file())
test_toml_files = _case(toml_file())
test_yaml_files = _case(yaml_file())
test_properties_files = _case(properties_file())
test_ini_files = _case(ini_file())
test_python_files = _case(python_file())
