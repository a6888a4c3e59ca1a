"""The source registry: one module per file kind, each with the same small interface.

A source module defines:

    KIND: str                       "yaml", "toml", "env", "properties", "python", "ini"
    LITERALS: tuple[bytes, ...]     a file holding none of these byte strings cannot hold a
                                    setting, so it is not decoded or parsed (the prefilter);
                                    an empty tuple means "always parse" (env files are cheap)
    def extract(path: str, text: str) -> Extraction
                                    `path` is '/'-separated and relative to the scanned root;
                                    raises SourceError (with a line) when the text does not parse

Modules are imported on first use so that a pre-commit run on one YAML file never imports
the Python-source machinery (start-up time is a feature).
"""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import Protocol, cast

from poolaudit.model import Extraction


class Source(Protocol):
    KIND: str
    LITERALS: tuple[bytes, ...]

    def extract(self, path: str, text: str) -> Extraction: ...


# kind -> module; explicit, so the set of sources is visible in one place.
SOURCES: dict[str, str] = {
    "yaml": "poolaudit.sources.yaml",
    "toml": "poolaudit.sources.toml",
    "env": "poolaudit.sources.dotenv",
    "properties": "poolaudit.sources.properties",
    "ini": "poolaudit.sources.ini",
    "python": "poolaudit.sources.python",
}

_loaded: dict[str, ModuleType] = {}


def get(kind: str) -> Source:
    module = _loaded.get(kind)
    if module is None:
        module = _loaded[kind] = importlib.import_module(SOURCES[kind])
    return cast(Source, module)
