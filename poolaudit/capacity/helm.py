"""Helm charts as a source of multipliers: `replicaCount`, `autoscaling.*`, the container
environment, and the surge, from `values.yaml` with `values-<env>.yaml` on top.

Templates are not YAML until rendered, so they are only searched with small regexes: for the
rolling-update `maxSurge`, and for env entries whose value is a `.Values` path
(`- name: DB_POOL_SIZE` / `value: {{ .Values.database.pool.size | quote }}`), which tell which
variable a values key becomes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from poolaudit.capacity.manifests import Text
from poolaudit.capacity.records import EnvValue

_VALUES = re.compile(r"values(?:[.\-_]([\w\-]+))?\.ya?ml")
_SURGE = re.compile(r"maxSurge:\s*(?:\{\{-?\s*\.Values\.([\w.]+)[^}]*\}\}|[\"']?([\d]+%?)[\"']?)")
_ENV_FROM_VALUES = re.compile(
    r"-\s*name:\s*[\"']?([A-Za-z_][\w]*)[\"']?\s*\n\s*value:\s*[\"']?\{\{-?\s*\.Values\.([\w.]+)"
)
_STATEFUL = re.compile(r"(?m)^kind:\s*StatefulSet\b")
# The top-level values keys read here (plus the first key of each `.Values` path a template uses).
KEYS = frozenset({"replicaCount", "autoscaling", "env", "extraEnv", "extraEnvVars", "environment"})
_NAME = re.compile(r"(?m)^name:\s*[\"']?([\w.\-]+)")


@dataclass
class Chart:
    """One chart: its values files by environment, and what its templates say."""

    name: str
    folder: str  # relative to the root
    values: dict[str, list[Any]] = field(default_factory=dict)  # environment -> documents, base first
    surge_literal: str | None = None
    surge_path: str | None = None  # a .Values path holding maxSurge
    surge_line: tuple[str, int] | None = None  # where the template writes it
    env_paths: dict[str, str] = field(default_factory=dict)  # variable -> .Values path
    stateful: bool = False

    def merged(self, environment: str) -> dict[str, Any]:
        """`values.yaml` with the environment's values file on top (maps merge key by key)."""
        data: dict[str, Any] = {}
        for doc in self.values.get("any", []) + (self.values.get(environment, []) if environment != "any" else []):
            if isinstance(doc, dict):
                data = _merge(data, doc)
        return data


def chart_name(text: str) -> str | None:
    """`name:` in Chart.yaml."""
    match = _NAME.search(text)
    return match.group(1) if match else None


def values_environment(name: str) -> str | None:
    """`values.yaml` -> any, `values-production.yaml` -> production; None: not a values file."""
    from poolaudit.environments import from_name

    match = _VALUES.fullmatch(name)
    if match is None:
        return None
    if match.group(1) is None:
        return "any"
    return from_name(match.group(1)) or "other"


def read_template(chart: Chart, text: str, path: str) -> None:
    if _STATEFUL.search(text):
        chart.stateful = True
    surge = _SURGE.search(text)
    if surge is not None and chart.surge_line is None:
        chart.surge_path, chart.surge_literal = surge.group(1), surge.group(2)
        chart.surge_line = (path, text.count("\n", 0, surge.start()) + 1)
    for match in _ENV_FROM_VALUES.finditer(text):
        chart.env_paths.setdefault(match.group(1), match.group(2))


def lookup(data: dict[str, Any], dotted: str) -> Any:
    node: Any = data
    for part in dotted.split("."):
        if not isinstance(node, dict):
            return None
        node = node.get(part)
    return node


def env_of(chart: Chart, data: dict[str, Any]) -> dict[str, EnvValue]:
    """The container environment the chart renders: the values' `env` (a list of name/value
    entries or a map; also `extraEnv`/`extraEnvVars`) and the template's `.Values` mappings."""
    env: dict[str, EnvValue] = {}
    for key in sorted(KEYS - {"replicaCount", "autoscaling"}):
        block = data.get(key)
        if isinstance(block, list):
            for item in block:
                if isinstance(item, dict) and isinstance(item.get("name"), str) and isinstance(item.get("value"), Text):
                    env[str(item["name"])] = item["value"].env(str(item["name"]))
        elif isinstance(block, dict):
            for name, value in block.items():
                if isinstance(value, Text):
                    env[name] = value.env(name)
    for name, dotted in chart.env_paths.items():
        value = lookup(data, dotted)
        if isinstance(value, Text):
            env[name] = value.env(name)
    return env


def _merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(base.get(key), dict):
            merged[key] = _merge(base[key], value)
        else:
            merged[key] = value
    return merged
