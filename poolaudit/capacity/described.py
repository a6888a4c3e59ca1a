"""Everything one service's files say about how it runs, read once and then asked per
environment: Kubernetes manifests and kustomizations, compose files, Helm charts (values and
what templates reveal), the Dockerfile, the Procfile and env files.

Only files of the service are read; a YAML file is parsed only when it looks like a manifest
(a `kind:` of a workload, autoscaler or ConfigMap, not a template) or is a compose file or a
chart's values file.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from poolaudit.capacity import entrypoints, helm, manifests
from poolaudit.capacity.manifests import Manifests
from poolaudit.capacity.records import EnvValue, Source
from poolaudit.capacity.services import ServiceFiles, basename, environment_of

_COMPOSE = ("docker-compose", "compose")
_MARKERS = ("Deployment", "StatefulSet", "HorizontalPodAutoscaler", "ConfigMap", "Rollout", "DeploymentConfig")


@dataclass
class Described:
    """Everything one service's files say about how it runs (read once, then asked per environment)."""

    service: str
    entries: list[ServiceFiles]
    k8s: Manifests = field(default_factory=Manifests)
    compose: Manifests = field(default_factory=Manifests)
    charts: list[helm.Chart] = field(default_factory=list)
    image: entrypoints.Image = field(default_factory=entrypoints.Image)
    procfile: list[tuple[str, list[str], Source]] = field(default_factory=list)
    env_files: dict[str, dict[str, EnvValue]] = field(default_factory=dict)  # environment -> variables
    environments: set[str] = field(default_factory=set)  # named by the deployment files

    def find(self, names: tuple[str, ...]) -> tuple[str, str] | None:
        """A config file (gunicorn.conf.py, config/puma.rb) in a service folder: (path, text)."""
        for entry in self.entries:
            for folder in sorted(entry.folders):
                for name in names:
                    for candidate in dict.fromkeys((name.lstrip("/"), basename(name))):
                        rel = f"{folder}/{candidate}" if folder else candidate
                        text = entry.read(rel) if (entry.root / rel).is_file() else None
                        if text is not None:
                            return entry.reported(rel), text
        return None


def describe(service: str, entries: list[ServiceFiles]) -> Described:
    from poolaudit.resolve import is_documentation

    out = Described(service, entries)
    for entry in entries:
        files = entry.all_files()
        charts = {
            rel.rpartition("/")[0]: helm.Chart(helm.chart_name(entry.read(rel) or "") or service, rel.rpartition("/")[0])
            for rel in files if basename(rel) == "Chart.yaml"
        }  # fmt: skip
        values: list[tuple[helm.Chart, str, str]] = []
        for rel in files:
            name, folder = basename(rel), rel.rpartition("/")[0]
            path = entry.reported(rel)
            chart = _chart_of(charts, rel) if charts else None
            if name == "Dockerfile":
                if not out.image.command:
                    out.image = entrypoints.dockerfile(entry.read(rel) or "", path)
            elif name == "Procfile":
                out.procfile = entrypoints.procfile(entry.read(rel) or "", path)
            elif (name.startswith(".env") or name.endswith(".env")) and not is_documentation(rel):
                out.env_files.setdefault(environment_of(rel), {}).update(entrypoints.env_file(entry.read(rel) or "", path))
            elif not name.endswith((".yaml", ".yml")) or name == "Chart.yaml":
                continue
            elif chart is not None and rel.startswith(chart.folder + "/templates/" if chart.folder else "templates/"):
                helm.read_template(chart, entry.read(rel) or "", path)
            elif folder in charts and helm.values_environment(name) is not None:
                values.append((charts[folder], rel, helm.values_environment(name) or "any"))
            else:
                _yaml(out, entry, rel, path)
        for chart, rel, value_env in values:  # after the templates: they name the keys that matter
            keep = helm.KEYS | {p.split(".", 1)[0] for p in [*chart.env_paths.values(), chart.surge_path or ""]}
            chart.values.setdefault(value_env, []).extend(
                manifests.documents(entry.read(rel) or "", entry.reported(rel), frozenset(keep))
            )
            out.environments.add(value_env)
        out.charts.extend(c for c in charts.values() if c.values)
    return out


def _chart_of(charts: dict[str, helm.Chart], rel: str) -> helm.Chart | None:
    for folder, chart in charts.items():
        if not folder or rel.startswith(folder + "/"):
            return chart
    return None


def _yaml(out: Described, entry: ServiceFiles, rel: str, path: str) -> None:
    text = entry.read(rel)
    if not text:
        return
    environment = environment_of(rel)
    if basename(rel) in ("kustomization.yaml", "kustomization.yml"):
        manifests.kustomization(manifests.documents(text, path), environment, out.k8s)
    elif basename(rel).lower().startswith(_COMPOSE):
        folder = rel.rpartition("/")[0]

        def env_file(ref: str) -> dict[str, EnvValue]:
            target = f"{folder}/{ref}" if folder else ref
            target = "/".join(p for p in target.split("/") if p not in ("", "."))
            return entrypoints.env_file(entry.read(target) or "", entry.reported(target))

        for doc in manifests.documents(text, path):
            manifests.compose(doc, path, environment, env_file, out.compose)
        out.environments.add(environment)
    elif "kind:" in text and "{{" not in text and any(marker in text for marker in _MARKERS):
        before = len(out.k8s.workloads) + len(out.k8s.autoscalers)
        manifests.kubernetes(manifests.documents(text, path), path, environment, out.k8s)
        if len(out.k8s.workloads) + len(out.k8s.autoscalers) > before:
            out.environments.add(environment)
