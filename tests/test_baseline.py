"""The baseline: today's findings written by fingerprint, and only new ones reported later."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from poolaudit import baseline
from poolaudit.errors import PoolauditError
from poolaudit.model import Finding, Provenance, Setting, Severity


def finding(fingerprint: str, path: str = "svc/app.yml", key: str | None = "pool") -> Finding:
    setting = None
    if key is not None:
        setting = Setting(
            path=path, line=3, column=9, span=None, kind="yaml", framework="rails", key=key, canonical="max_size",
            raw="5", value=5, provenance=Provenance.LITERAL,
        )  # fmt: skip
    return Finding("PA101", "pool-undersized", Severity.ERROR, "m", path, 3, 9, setting, fingerprint=fingerprint)


def test_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "baseline.json"
    today = [finding("bbbbbbbbbbbbbbbb", "svc/b.yml"), finding("aaaaaaaaaaaaaaaa", "svc/a.yml"), finding("cccccccccccccccc", key=None)]
    baseline.write(path, today)
    data = json.loads(path.read_text())
    assert data["version"] == 1
    assert data["findings"][0] == {"fingerprint": "aaaaaaaaaaaaaaaa", "code": "PA101", "path": "svc/a.yml", "key": "pool"}
    assert {e["key"] for e in data["findings"]} == {"pool", ""}
    assert baseline.filter(path, today) == []
    new = finding("dddddddddddddddd")
    assert baseline.filter(path, [*today, new]) == [new]


def test_written_text_is_stable(tmp_path: Path) -> None:
    one, two = tmp_path / "1.json", tmp_path / "2.json"
    baseline.write(one, [finding("aaaaaaaaaaaaaaaa"), finding("bbbbbbbbbbbbbbbb")])
    baseline.write(two, [finding("bbbbbbbbbbbbbbbb"), finding("aaaaaaaaaaaaaaaa")])
    assert one.read_bytes() == two.read_bytes()
    assert one.read_bytes().endswith(b"}\n")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["1.json", "2.json"]  # no temporary files left


def test_empty_baseline(tmp_path: Path) -> None:
    path = tmp_path / "baseline.json"
    baseline.write(path, [])
    assert baseline.filter(path, [finding("aaaaaaaaaaaaaaaa")]) == [finding("aaaaaaaaaaaaaaaa")]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        pytest.param(None, r"baseline .*missing.json not found \(create it with --write-baseline", id="missing"),
        pytest.param("{not json", r"is not valid JSON \(line 1", id="not-json"),
        pytest.param('{"findings": []}', "is not a poolaudit baseline", id="no-version"),
        pytest.param('{"version": 2, "findings": []}', "is not a poolaudit baseline", id="future-version"),
        pytest.param("[]", "is not a poolaudit baseline", id="a-list"),
        pytest.param('{"version": 1, "findings": [{"code": "PA101"}]}', 'needs a "fingerprint" string', id="entry-without-fingerprint"),
    ],
)  # fmt: skip
def test_invalid_baseline(tmp_path: Path, content: str | None, message: str) -> None:
    path = tmp_path / ("missing.json" if content is None else "baseline.json")
    if content is not None:
        path.write_text(content)
    with pytest.raises(PoolauditError, match=message) as caught:
        baseline.filter(path, [])
    assert caught.value.exit_code == 2


def test_unwritable_baseline(tmp_path: Path) -> None:
    with pytest.raises(PoolauditError, match="cannot write baseline"):
        baseline.write(tmp_path / "no-such-folder" / "baseline.json", [])
