"""Workloads as Kubernetes manifests and compose files describe them: replicas, surge,
autoscalers, containers with their commands and environment.

Parsed with PyYAML's C composer (positions kept for provenance); a file that does not parse, or
a Helm template (not YAML until rendered), is simply not a source of multipliers.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass, field
from typing import Any

from poolaudit.capacity.records import EnvValue

WORKLOAD_KINDS = frozenset({"Deployment", "StatefulSet", "Rollout", "DeploymentConfig"})
# Images of servers a service runs beside itself (databases, poolers, caches, proxies): their
# containers open no pool to the database, and a workload of only these is not a client.
_INFRA = re.compile(
    r"(?i)(?:^|/)(?:postgres|postgis|pgbouncer|pgpool|mysql|mariadb|redis|valkey|memcached|mongo|"
    r"rabbitmq|kafka|zookeeper|elasticsearch|opensearch|nginx|envoy|traefik|haproxy|minio|localstack|"
    r"jaeger|prometheus|grafana|otel|cloud-sql-proxy|cloudsql-proxy|istio|linkerd)[\w.\-]*(?::|@|$)"
)


class Text(str):
    """A YAML scalar's text with the file (as reported) and 1-based line it is written at."""

    path: str
    line: int

    def __new__(cls, value: str, path: str, line: int) -> Text:
        made = super().__new__(cls, value)
        made.path = path
        made.line = line
        return made

    def env(self, name: str) -> EnvValue:
        return EnvValue(name, str(self), self.path, self.line)


def documents(text: str, path: str, keep: frozenset[str] | None = None) -> list[Any]:
    """The file's documents as dicts, lists and Text (merges applied); [] when it does not parse.
    With `keep`, only those top-level keys are converted (a Helm values file is mostly other keys)."""
    from poolaudit.errors import SourceError
    from poolaudit.sources import yaml_tree as tree

    convert = _Converter(tree, path)
    try:
        docs = tree.compose(text)
        if keep is None:
            return [convert(doc, 0) for doc in docs]
        return [
            {p.key.value: convert(p.value, 1) for p in tree.pairs(doc) if p.key.value in keep}
            if isinstance(doc, tree.MappingNode) else None
            for doc in docs
        ]  # fmt: skip
    except (SourceError, RecursionError, _TooLarge):
        return []


class _TooLarge(Exception):
    """Aliases expand the document beyond any deployment file ("billion laughs")."""


class _Converter:
    BUDGET = 50_000  # nodes per file

    def __init__(self, tree: Any, path: str) -> None:
        self.tree, self.path, self.left = tree, path, self.BUDGET

    def __call__(self, node: Any, depth: int) -> Any:
        tree = self.tree
        self.left -= 1
        if self.left < 0:
            raise _TooLarge
        if depth > 40:
            return None
        if isinstance(node, tree.MappingNode):
            if all(key.tag != tree.MERGE_TAG for key, _ in node.value):  # no `<<:` here: the pairs as written
                return {k.value: self(v, depth + 1) for k, v in node.value if isinstance(k, tree.ScalarNode)}
            return {p.key.value: self(p.value, depth + 1) for p in tree.pairs(node)}
        if isinstance(node, tree.SequenceNode):
            return [self(item, depth + 1) for item in node.value]
        if isinstance(node, tree.ScalarNode):
            return None if node.tag.endswith(":null") else Text(node.value, self.path, node.start_mark.line + 1)
        return None


@dataclass
class Container:
    name: str
    image: str
    command: list[str]  # command + args (empty: the image's own CMD/ENTRYPOINT)
    env: dict[str, EnvValue] = field(default_factory=dict)
    config_maps: list[str] = field(default_factory=list)  # envFrom configMapRef names
    built: bool = False  # compose `build:` (the service's own image)

    @property
    def infra(self) -> bool:
        return not self.built and bool(self.image) and _INFRA.search(self.image) is not None


@dataclass
class Workload:
    system: str  # "k8s" | "compose"
    kind: str  # Deployment, StatefulSet, Rollout, compose
    name: str
    path: str  # reported path
    environment: str
    replicas: Text | None = None
    surge: Text | None = None  # maxSurge as written
    strategy: str | None = None  # Recreate, RollingUpdate, OnDelete ...
    containers: list[Container] = field(default_factory=list)

    @property
    def app(self) -> Container | None:
        """The container that runs the service (the first that is not infrastructure)."""
        return next((c for c in self.containers if not c.infra), None)


@dataclass
class Autoscaler:
    target_kind: str
    target_name: str
    path: str
    environment: str
    minimum: Text | None = None
    maximum: Text | None = None


@dataclass
class Manifests:
    """Everything the deployment YAML of one service says."""

    workloads: list[Workload] = field(default_factory=list)
    autoscalers: list[Autoscaler] = field(default_factory=list)
    config_maps: dict[str, dict[str, EnvValue]] = field(default_factory=dict)
    replica_counts: list[tuple[str, Text, str]] = field(default_factory=list)  # kustomize (name, count, env)


def kustomization(docs: list[Any], environment: str, out: Manifests) -> None:
    """`replicas: [{name: payments, count: 5}]` in a kustomization: it sets the workload's replicas."""
    for doc in docs:
        for item in _list(doc.get("replicas")) if isinstance(doc, dict) else []:
            if isinstance(item, dict) and isinstance(item.get("name"), Text) and isinstance(item.get("count"), Text):
                out.replica_counts.append((str(item["name"]), item["count"], environment))


def kubernetes(docs: list[Any], path: str, environment: str, out: Manifests, depth: int = 0) -> None:
    for doc in docs:
        if not isinstance(doc, dict) or not isinstance(doc.get("kind"), str):
            continue
        if doc["kind"] == "List" and depth < 3:  # `kubectl get -o yaml` output: items of any kind
            kubernetes(_list(doc.get("items")), path, environment, out, depth + 1)
            continue
        kind, meta = str(doc["kind"]), _map(doc.get("metadata"))
        name = str(meta.get("name") or "")
        spec = _map(doc.get("spec"))
        if kind in WORKLOAD_KINDS:
            strategy = _map(spec.get("strategy")) or _map(spec.get("updateStrategy"))
            rolling = _map(strategy.get("rollingUpdate"))
            if kind == "Rollout":  # Argo Rollouts: canary / blueGreen steps surge like a Deployment
                rolling = _map(strategy.get("canary")) or rolling
            pod = _map(_map(spec.get("template")).get("spec"))
            containers = [_k8s_container(c) for c in _list(pod.get("containers")) if isinstance(c, dict)]
            out.workloads.append(
                Workload("k8s", kind, name, path, environment, _text(spec.get("replicas")),
                         _text(rolling.get("maxSurge")), _str(strategy.get("type")), containers)
            )  # fmt: skip
        elif kind == "HorizontalPodAutoscaler":
            target = _map(spec.get("scaleTargetRef"))
            out.autoscalers.append(
                Autoscaler(str(target.get("kind") or "Deployment"), str(target.get("name") or ""), path, environment,
                           _text(spec.get("minReplicas")), _text(spec.get("maxReplicas")))
            )  # fmt: skip
        elif kind == "ConfigMap":
            data = _map(doc.get("data"))
            out.config_maps[name] = {
                k: v.env(k) for k, v in data.items() if isinstance(v, Text)
            }


def _k8s_container(spec: dict[str, Any]) -> Container:
    env: dict[str, EnvValue] = {}
    for item in _list(spec.get("env")):
        if isinstance(item, dict) and isinstance(item.get("name"), str) and isinstance(item.get("value"), Text):
            env[str(item["name"])] = item["value"].env(str(item["name"]))
    refs = [
        str(_map(item.get("configMapRef")).get("name"))
        for item in _list(spec.get("envFrom"))
        if isinstance(item, dict) and _map(item.get("configMapRef")).get("name")
    ]
    command = [str(t) for t in _list(spec.get("command")) + _list(spec.get("args")) if isinstance(t, str)]
    return Container(str(spec.get("name") or ""), str(spec.get("image") or ""), command, env, refs)


def compose(doc: Any, path: str, environment: str, read_env_file: Any, out: Manifests) -> None:
    """Services of a compose file; `read_env_file(rel_to_compose_file)` gives an env_file's values."""
    services = _map(doc.get("services")) if isinstance(doc, dict) else {}
    for name, body in services.items():
        if not isinstance(body, dict):
            continue
        deploy = _map(body.get("deploy"))
        replicas = _text(deploy.get("replicas")) or _text(body.get("scale"))
        env: dict[str, EnvValue] = {}
        for ref in _list(body.get("env_file")) if isinstance(body.get("env_file"), list) else [body.get("env_file")]:
            ref = _map(ref).get("path") if isinstance(ref, dict) else ref
            if isinstance(ref, str):
                env.update(read_env_file(str(ref)))
        env.update(_compose_env(body.get("environment")))
        command = body.get("command")
        tokens = _tokens(command) if command is not None else _tokens(body.get("entrypoint"))
        container = Container(str(name), str(body.get("image") or ""), tokens, env, built=body.get("build") is not None)
        out.workloads.append(Workload("compose", "compose", str(name), path, environment, replicas, containers=[container]))


_DEFAULT = re.compile(r"\$\{\w+:?-([^}]*)\}")


def compose_value(text: str) -> str:
    """`${DB_POOL_SIZE:-10}` -> `10` (the value compose uses when nothing sets the variable)."""
    return _DEFAULT.sub(lambda m: m.group(1), text)


def _compose_env(env: Any) -> dict[str, EnvValue]:
    out: dict[str, EnvValue] = {}
    if isinstance(env, dict):
        for key, value in env.items():
            if isinstance(value, Text):
                out[key] = EnvValue(key, compose_value(str(value)), value.path, value.line)
    elif isinstance(env, list):
        for item in env:
            if isinstance(item, Text) and "=" in item:
                key, _, value = str(item).partition("=")
                out[key.strip()] = EnvValue(key.strip(), compose_value(value.strip()), item.path, item.line)
    return out


def _tokens(value: Any) -> list[str]:
    if isinstance(value, list):
        return [str(t) for t in value if isinstance(t, str)]
    if isinstance(value, str):
        try:
            return shlex.split(str(value))
        except ValueError:
            return str(value).split()
    return []


def _map(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _text(value: Any) -> Text | None:
    return value if isinstance(value, Text) else None


def _str(value: Any) -> str | None:
    return str(value) if isinstance(value, str) else None
