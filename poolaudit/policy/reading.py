"""One policy file read: YAML, TOML, or the `[tool.poolaudit]` table of a pyproject.toml.

A `Doc` keeps the text beside the data, so that any later error can name the file and line.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from poolaudit.errors import PolicyError


@dataclass
class Doc:
    """One policy file as read: its data, and its text to find the line of a field."""

    path: Path
    text: str
    data: dict[str, Any]
    prefix: tuple[str, ...] = ()  # ("tool", "poolaudit") inside pyproject.toml

    def error(self, message: str, loc: tuple[Any, ...] = ()) -> PolicyError:
        from poolaudit.policy.lines import toml_line, yaml_line  # errors only: most runs have none

        full = self.prefix + tuple(loc)
        finder = toml_line if self.path.suffix == ".toml" else yaml_line
        return PolicyError(message, str(self.path), finder(self.text, full))


def read(path: Path) -> Doc:
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise PolicyError("policy file is not UTF-8 text", str(path)) from None
    except OSError as exc:
        raise PolicyError(f"cannot read policy file: {exc.strerror or exc}", str(path)) from None
    prefix: tuple[str, ...]
    if path.suffix == ".toml":
        data, prefix = parse_toml(text, path), ()
        if path.name == "pyproject.toml":
            data, prefix = data.get("tool", {}).get("poolaudit"), ("tool", "poolaudit")
            if data is None:
                raise PolicyError("no [tool.poolaudit] table", str(path))
    else:
        data, prefix = _parse_yaml(text, path), ()
    if not isinstance(data, dict):
        raise PolicyError(f"a policy must be a mapping of fields, not {type(data).__name__}", str(path), 1)
    return Doc(path, text, data, prefix)


def _parse_yaml(text: str, path: Path) -> Any:
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        data = yaml.load(text, Loader=loader)  # noqa: S506 - a safe loader
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        problem = getattr(exc, "problem", None) or str(exc)
        raise PolicyError(f"invalid YAML: {problem}", str(path), mark.line + 1 if mark else None) from None
    return {} if data is None else data


def parse_toml(text: str, path: Path) -> dict[str, Any]:
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # Python 3.10
        import tomli as tomllib  # type: ignore[import-not-found, unused-ignore]  # tomli is not installed in the 3.11 dev venv
    try:
        data: dict[str, Any] = tomllib.loads(text)
        return data
    except tomllib.TOMLDecodeError as exc:
        found = re.search(r"\(at line (\d+)", str(exc))
        message = re.sub(r"\s*\(at line \d+, column \d+\)", "", str(exc))
        line = int(found.group(1)) if found else None
        raise PolicyError(f"invalid TOML: {message}", str(path), line) from None
