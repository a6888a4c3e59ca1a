"""The output formats: a registry of names to modules, each a pure `render(result) -> str`.

Modules are imported only when their format is asked for, so that a pre-commit run printing
concise lines never pays for rich.  A test renders every name listed here.
"""

from __future__ import annotations

import importlib

from poolaudit.model import Result

FORMATS: dict[str, str] = {
    "table": "poolaudit.report.table",
    "concise": "poolaudit.report.concise",
    "json": "poolaudit.report.json_",
    "sarif": "poolaudit.report.sarif",
    "github": "poolaudit.report.github",
    "markdown": "poolaudit.report.markdown",
}


def render(fmt: str, result: Result, *, color: bool = False, width: int | None = None) -> str:
    """The result in format `fmt` (a key of FORMATS); ValueError for an unknown name."""
    try:
        module_name = FORMATS[fmt]
    except KeyError:
        raise ValueError(f"unknown format {fmt!r}; choose from {', '.join(FORMATS)}") from None
    module = importlib.import_module(module_name)
    text: str = module.render(result, color=color, width=width)
    return text
