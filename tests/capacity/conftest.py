"""Helpers for the capacity tests: a service written to a temporary folder, read as the audit
would, and a policy built from YAML text."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from poolaudit.policy import Policy


def write(root: Path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        target = root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")


def policy(text: str = "") -> Policy:
    data = yaml.safe_load(text) or {}
    data.setdefault("pools", {}).setdefault("environments", {}).setdefault("production", {"min_size": 10})
    return Policy.model_validate(data)


@pytest.fixture
def make_policy():  # type: ignore[no-untyped-def]
    return policy
