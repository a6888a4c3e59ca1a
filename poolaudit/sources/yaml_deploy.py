"""Deployment YAML: docker compose `services.<name>.environment` (map or `VAR=value` list, with
`${VAR:-default}` interpolation) and Kubernetes manifests (container `env` lists in any
workload, ConfigMap `data` and Secret `stringData` entries, config files embedded there
(yaml_embedded), kustomize `configMapGenerator` literals)."""

from __future__ import annotations

from collections.abc import Iterator

from poolaudit.model import Extraction
from poolaudit.sources import yaml_embedded
from poolaudit.sources import yaml_tree as tree
from poolaudit.sources.yaml_env import entry, split_assignment
from poolaudit.sources.yaml_values import bare_span

_CONTAINER_KEYS = ("containers", "initContainers", "ephemeralContainers")
# Kinds that never hold a pod template: not walked (CRD bundles are large).
_NO_PODS = {
    "CustomResourceDefinition", "Service", "Ingress", "Role", "ClusterRole", "RoleBinding",
    "ClusterRoleBinding", "ServiceAccount", "Secret", "NetworkPolicy", "PodDisruptionBudget",
    "HorizontalPodAutoscaler", "PersistentVolumeClaim", "PersistentVolume", "Namespace",
    "StorageClass", "PriorityClass", "ValidatingWebhookConfiguration",
    "MutatingWebhookConfiguration", "APIService", "ConfigMap",
}
_SERVICE_KEYS = {"image", "build", "environment", "command", "ports", "depends_on", "env_file"}

# Images of database and cache servers (the repository's last part): their environment sets
# the server (`POSTGRES_MAX_CONNECTIONS`, `MYSQL_MAX_CONNECTIONS`), not a client's pool.
# PgBouncer's images are not among them: their pool variables are PgBouncer's pool.
_SERVER_IMAGES = frozenset(
    {
        "postgres", "postgresql", "postgis", "timescaledb", "timescaledb-ha", "mysql", "mysql-server",
        "mariadb", "percona", "percona-server", "mongo", "mongodb", "mongodb-community-server", "redis",
        "redis-stack", "redis-stack-server", "valkey", "keydb", "memcached", "cockroach", "clickhouse-server",
        "cassandra", "scylla", "elasticsearch", "opensearch", "rabbitmq", "kafka", "zookeeper", "neo4j",
        "couchdb", "influxdb", "oracle-xe", "oracle-free", "mssql-server",
    }
)


def _server(holder: tree.Node) -> bool:
    """Whether a compose service or a container runs a database (or cache) server image."""
    image = (tree.scalar(tree.get(holder, "image")) or "").strip().lower()
    repository = image.split("@", 1)[0].rsplit("/", 1)[-1].split(":", 1)[0]
    return repository in _SERVER_IMAGES or "/mssql/" in image


def is_compose(doc: tree.Node) -> bool:
    services = tree.get(doc, "services")
    if not isinstance(services, tree.MappingNode):
        return False
    return any(
        isinstance(p.value, tree.MappingNode) and any(q.key.value in _SERVICE_KEYS for q in tree.pairs(p.value))
        for p in tree.pairs(services)
    )


def is_kubernetes(doc: tree.Node) -> bool:
    if not isinstance(doc, tree.MappingNode):
        return False
    if tree.scalar(tree.get(doc, "kind")) and tree.get(doc, "apiVersion") is not None:
        return True
    return tree.get(doc, "configMapGenerator") is not None


def compose(path: str, text: str, doc: tree.Node, out: Extraction) -> None:
    services = tree.get(doc, "services")
    if not isinstance(services, tree.MappingNode):
        return
    for service in tree.pairs(services):
        name = service.key.value
        server = _server(service.value)
        environment = tree.get(service.value, "environment")
        prefix = f"services.{name}.environment"
        pool = f"services.{name}"
        if isinstance(environment, tree.MappingNode):
            for pair in tree.pairs(environment):
                if isinstance(pair.value, tree.ScalarNode) and pair.value.tag != "tag:yaml.org,2002:null":
                    var = pair.key.value
                    entry(
                        path, text, out, var, pair.value, None, bare_span(text, pair.value),
                        key=f"{prefix}.{var}", framework="compose", syntax="shell", pool=pool, server=server,
                    )
        elif isinstance(environment, tree.SequenceNode):
            for item in environment.value:
                if not isinstance(item, tree.ScalarNode):
                    continue
                assignment = split_assignment(text, bare_span(text, item))
                if assignment is not None:
                    var, value, bare = assignment
                    entry(
                        path, text, out, var, item, value, bare,
                        key=f"{prefix}.{var}", framework="compose", syntax="shell", pool=pool, server=server,
                    )


# Custom resources whose spec holds a chart's values (Flux HelmRelease `spec.values`, Argo CD
# `spec.source.helm.valuesObject`, k3s HelmChart `spec.valuesContent` is a string).
_VALUES_KINDS = frozenset({"HelmRelease", "Application", "ApplicationSet", "HelmChart"})


def custom_resource_layer(doc: tree.Node) -> str | None:
    """For a custom resource (an API group of its own, not one of Kubernetes' `*.k8s.io`):
    the layer its spec is reported under when read as values (an operator's `spec.db.poolMaxSize`,
    a HelmRelease's values); None for Kubernetes' own kinds."""
    api = tree.scalar(tree.get(doc, "apiVersion")) or ""
    group = api.rpartition("/")[0]
    if "." not in group or group.endswith(".k8s.io"):
        return None
    return "helm" if tree.scalar(tree.get(doc, "kind")) in _VALUES_KINDS else "k8s"


def kubernetes(path: str, text: str, doc: tree.Node, out: Extraction) -> bool:
    """Reads a manifest's env and ConfigMap entries; True when it holds pod containers."""
    kind = tree.scalar(tree.get(doc, "kind")) or ""
    name = tree.scalar(tree.get(tree.get(doc, "metadata"), "name")) or ""
    pool = f"{kind}/{name}" if kind else name
    # A ConfigMap's `data` and a Secret's `stringData` (plain text; a Secret's `data` is
    # base64): variables for `envFrom`, or whole files mounted into the container.
    field = "data" if kind == "ConfigMap" else "stringData" if kind == "Secret" else None
    data = tree.get(doc, field) if field else None
    if isinstance(data, tree.MappingNode):
        for pair in tree.pairs(data):
            if isinstance(pair.value, tree.ScalarNode):
                var = pair.key.value
                if yaml_embedded.is_embedded(var, pair.value):
                    where = f"{field}.{var} of {pool}"
                    yaml_embedded.extract(path, text, var, pair.value, out, where=where)
                    continue
                entry(
                    path, text, out, var, pair.value, None, bare_span(text, pair.value),
                    key=f"{field}.{var}", framework="k8s", syntax="k8s", pool=pool,
                )
    generators = tree.get(doc, "configMapGenerator")
    if isinstance(generators, tree.SequenceNode):
        for index, generator in enumerate(generators.value):
            literals = tree.get(generator, "literals")
            if not isinstance(literals, tree.SequenceNode):
                continue
            for item in literals.value:
                if isinstance(item, tree.ScalarNode):
                    assignment = split_assignment(text, bare_span(text, item))
                    if assignment is not None:
                        var, value, bare = assignment
                        key = f"configMapGenerator[{index}].literals.{var}"
                        entry(
                            path, text, out, var, item, value, bare,
                            key=key, framework="k8s", syntax="k8s", pool=pool,
                        )
    if kind in _NO_PODS:
        return False
    pods = False
    for segments, container in _containers(doc):
        pods = True
        server = _server(container)
        env = tree.get(container, "env")
        if not isinstance(env, tree.SequenceNode):
            continue
        for item in env.value:
            var = tree.scalar(tree.get(item, "name"))
            value_node = tree.get(item, "value")
            if var and isinstance(value_node, tree.ScalarNode):
                key = f"{tree.join(segments)}.env[name={var}].value"
                entry(
                    path, text, out, var, value_node, None, bare_span(text, value_node),
                    key=key, framework="k8s", syntax="k8s", pool=pool, server=server,
                )
    return pods


def _containers(doc: tree.Node) -> Iterator[tuple[tuple[str, ...], tree.Node]]:
    """Every container of a workload in document order, wherever its pod template sits
    (Deployment, CronJob, Argo Rollout, Knative Service ...)."""
    # Entries: (node, key path, depth, is a container).
    stack: list[tuple[tree.Node, tuple[str, ...], int, bool]] = [(doc, (), 0, False)]
    while stack:
        node, segments, depth, is_container = stack.pop()
        if is_container:
            yield segments, node
            continue
        if depth > 12 or not isinstance(node, tree.MappingNode):
            continue
        children: list[tuple[tree.Node, tuple[str, ...], int, bool]] = []
        for pair in tree.pairs(node):
            key, value = pair.key.value, pair.value
            if key in _CONTAINER_KEYS and isinstance(value, tree.SequenceNode):
                for i, c in enumerate(value.value):
                    children.append((c, (*segments, key, f"[{i}]"), depth, True))
            elif isinstance(value, tree.MappingNode):
                children.append((value, (*segments, key), depth + 1, False))
            elif isinstance(value, tree.SequenceNode) and key == "items":
                for i, c in enumerate(value.value):
                    children.append((c, (*segments, key, f"[{i}]"), depth + 1, False))
        stack.extend(reversed(children))
