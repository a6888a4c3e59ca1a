"""The multipliers of a service's pools, from its own files: replicas (Kubernetes `replicas`,
HorizontalPodAutoscaler `maxReplicas`, rolling-update `maxSurge`, Helm `replicaCount` and
`autoscaling.maxReplicas`, compose `deploy.replicas`) and processes per replica (commands and
server configs, see commands.py), each with the place it was read from; or from the policy's
`capacity:` section, which wins over the files for the services it names.

One deployment system describes a service in an environment: Kubernetes manifests when there
are any, else a Helm chart, else compose, else a Procfile; a service with none of them runs as
one runner with the policy's default replica count.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from poolaudit.capacity import commands, helm, manifests
from poolaudit.capacity.described import Described
from poolaudit.capacity.manifests import Text, Workload
from poolaudit.capacity.records import Count, EnvValue, Runner, Source
from poolaudit.capacity.services import environment_of, glob_match

if TYPE_CHECKING:
    from poolaudit.policy import Policy


def runners(described: Described, environment: str, policy: Policy) -> list[Runner]:
    """How the service runs in `environment`, with replicas and processes (policy entries win)."""
    found = _kubernetes(described, environment, policy) or _helm(described, environment, policy)
    found = found or _compose(described, environment, policy) or _procfile(described, environment, policy)
    if not found:
        replicas = _default_replicas(policy)
        found = [_runner(described, "service", environment, replicas, replicas, [], None, {})]
    for runner in found:
        _apply_policy(runner, described, environment, policy)
    return found


def _applies(file_environment: str, environment: str) -> bool:
    return file_environment in (environment, "any")


def _kubernetes(d: Described, environment: str, policy: Policy) -> list[Runner]:
    merged: dict[tuple[str, str], Workload] = {}
    for workload in sorted(d.k8s.workloads, key=lambda w: w.environment != "any"):  # base first, overlay on top
        if _applies(workload.environment, environment):
            key = (workload.kind, workload.name)
            merged[key] = _overlay(merged[key], workload) if key in merged else workload
    out = []
    for (kind, name), workload in merged.items():
        app = workload.app
        if app is None:
            continue  # a database, pooler or cache the service runs beside itself
        hpa = next(
            (a for a in sorted(d.k8s.autoscalers, key=lambda a: a.environment == "any")
             if a.target_name == name and a.target_kind in (kind, "") and _applies(a.environment, environment)),
            None,
        )  # fmt: skip
        options = policy.capacity.replicas
        counts = sorted((c for c in d.k8s.replica_counts if c[0] == name and _applies(c[2], environment)),
                        key=lambda c: c[2] != "any")  # fmt: skip
        steady = (_number(counts[-1][1], "kustomize replicas") if counts else None) or _number(workload.replicas, "replicas") or (
            _number(hpa.minimum, "HPA minReplicas") if hpa else None
        ) or Count(1, (Source("Kubernetes default of 1 replica", workload.path),))
        base = _number(hpa.maximum, "HPA maxReplicas") if hpa and options.use_hpa_max else None
        base = base or steady
        surging = kind != "StatefulSet" and (workload.strategy or "RollingUpdate") not in ("Recreate", "OnDelete")
        replicas = _with_surge(base, workload.surge, workload.path) if options.include_surge and surging else base
        env: dict[str, EnvValue] = {}
        for ref in app.config_maps:
            env.update(d.k8s.config_maps.get(ref, {}))
        env.update(app.env)
        out.append(_runner(d, f"{kind}/{name}", environment, replicas, steady, app.command,
                           Source("command", workload.path) if app.command else None, env))  # fmt: skip
    return out


def _overlay(base: Workload, over: Workload) -> Workload:
    """A kustomize patch (or an environment's copy) of a workload: what it sets wins."""
    containers = over.containers or base.containers
    if over.containers and base.containers:
        by_name = {c.name: c for c in base.containers}
        containers = []
        for c in over.containers:
            old = by_name.get(c.name)
            if old is not None:
                c = manifests.Container(c.name, c.image or old.image, c.command or old.command,
                                        {**old.env, **c.env}, c.config_maps or old.config_maps)  # fmt: skip
            containers.append(c)
    return Workload(over.system, over.kind, over.name, over.path, over.environment, over.replicas or base.replicas,
                    over.surge or base.surge, over.strategy or base.strategy, containers)  # fmt: skip


def _number(text: Text | Any, what: str) -> Count | None:
    if isinstance(text, Text) and str(text).strip().isdecimal():
        return Count(int(text), (Source(what, text.path, text.line, str(text).strip()),))
    return None


def _with_surge(base: Count, surge: Text | Any, path: str) -> Count:
    """Replicas plus the rolling update's surge (`maxSurge`, default 25%, rounded up)."""
    if base.value is None:
        return base
    if isinstance(surge, Text) and str(surge).strip().rstrip("%").isdecimal():
        text = str(surge).strip()
        extra = math.ceil(base.value * int(text[:-1]) / 100) if text.endswith("%") else int(text)
        source = Source("maxSurge", surge.path, surge.line, text)
    else:
        extra = math.ceil(base.value * 25 / 100)
        source = Source("Kubernetes default maxSurge 25%", path)
    return Count(base.value + extra, (*base.sources, source))


def _helm(d: Described, environment: str, policy: Policy) -> list[Runner]:
    out = []
    for chart in d.charts:
        if "any" not in chart.values and environment not in chart.values:
            continue
        data = chart.merged(environment)
        autoscaling = data.get("autoscaling")
        auto = autoscaling if isinstance(autoscaling, dict) else {}
        enabled = str(auto.get("enabled", "")).lower() == "true"
        steady = _number(data.get("replicaCount"), "replicaCount") or (
            _number(auto.get("minReplicas"), "autoscaling.minReplicas") if enabled else None
        ) or Count(1, (Source("default of 1 replica (no replicaCount)", chart.folder),))
        base = _number(auto.get("maxReplicas"), "autoscaling.maxReplicas") if enabled and policy.capacity.replicas.use_hpa_max else None
        replicas = base or steady
        if policy.capacity.replicas.include_surge and not chart.stateful:
            surge = chart.surge_literal
            written = helm.lookup(data, chart.surge_path) if chart.surge_path else None
            if isinstance(written, Text):
                replicas = _with_surge(replicas, written, written.path)
            elif surge is not None and chart.surge_line is not None:
                replicas = _with_surge(replicas, Text(surge, *chart.surge_line), chart.surge_line[0])
            else:
                replicas = _with_surge(replicas, None, chart.folder)
        env = helm.env_of(chart, data)
        out.append(_runner(d, f"helm:{chart.name}", environment, replicas, steady, [], None, env))
    return out


def _compose(d: Described, environment: str, policy: Policy) -> list[Runner]:
    out = []
    for workload in d.compose.workloads:
        app = workload.app
        if app is None or not _applies(workload.environment, environment):
            continue
        replicas = _number(workload.replicas, "compose replicas") or Count(
            1, (Source("compose default of 1 container", workload.path),)
        )
        where = Source("compose command", workload.path) if app.command else None
        out.append(_runner(d, f"compose:{workload.name}", environment, replicas, replicas, app.command, where, app.env))
    return out


def _procfile(d: Described, environment: str, policy: Policy) -> list[Runner]:
    replicas = _default_replicas(policy)
    return [
        _runner(d, f"Procfile:{name}", environment, replicas, replicas, command, where, {})
        for name, command, where in d.procfile
    ]


def _default_replicas(policy: Policy) -> Count:
    default = policy.capacity.replicas.default
    if default is not None:
        return Count(default, (Source("policy capacity.replicas.default", value=str(default)),))
    return Count(1, (Source("default of 1 replica (no deployment file found)"),))


def _runner(
    d: Described, name: str, environment: str, replicas: Count, steady: Count, command: list[str],
    where: Source | None, env: dict[str, EnvValue],
) -> Runner:
    seen = visible(d, environment, env, manifest=not name.startswith(("Procfile:", "service")))
    if not command:
        command, where = d.image.command, d.image.where
    started = commands.launch(command, where, seen, d.find)
    return Runner(name, environment, replicas, started.processes, seen, command, started.serves_traffic, steady)


def visible(d: Described, environment: str, env: dict[str, EnvValue], manifest: bool) -> dict[str, EnvValue]:
    """The variables a process of this runner sees, the strongest last.

    An app's dotenv loader never overrides a variable the container already has, so what a
    manifest sets wins over env files.  Env files that document variables (`.env.example`) or
    belong to another environment are weakest, even when a compose file loads them: they
    describe a developer's machine, not `environment`.  The service's plain `.env` counts only
    for runners no manifest describes (a Procfile, a bare service)."""
    from poolaudit.resolve import is_documentation

    def rank(value: EnvValue, strong: int) -> int:
        named = environment_of(value.path)
        if is_documentation(value.path) or named not in ("any", environment):
            return 0
        return strong + (1 if named == environment and named != "any" else 0)

    layers: list[tuple[int, EnvValue]] = []
    if not manifest:
        layers += [(1, v) for v in d.env_files.get("any", {}).values()]
    layers += [(rank(v, 2), v) for v in d.image.env.values()]
    if environment != "any":
        layers += [(3, v) for v in d.env_files.get(environment, {}).values()]
    layers += [(rank(v, 4), v) for v in env.values()]
    seen: dict[str, EnvValue] = {}
    for _, value in sorted(layers, key=lambda item: item[0]):  # stable: file order within a rank
        seen[value.name] = value
    return seen


def _apply_policy(runner: Runner, d: Described, environment: str, policy: Policy) -> None:
    for option, attribute in ((policy.capacity.replicas, "replicas"), (policy.capacity.processes, "processes")):
        given = _policy_count(option, d, environment, f"capacity.{attribute}")
        if given is not None:
            setattr(runner, attribute, given)
            if attribute == "replicas":
                runner.steady_replicas = given
        elif attribute == "processes" and runner.processes.value is None and option.default is not None:
            runner.processes = Count(option.default, (*runner.processes.sources,
                                     Source("unknown; policy capacity.processes.default", value=str(option.default))))  # fmt: skip


def _policy_count(option: Any, d: Described, environment: str, where: str) -> Count | None:
    folders = {f for e in d.entries for f in e.folders}
    # The glob keys are the block's extra keys (`model_extra`, as a policy snapshot has them too).
    for pattern, value in (option.model_extra or {}).items():
        if glob_match(d.service, folders, pattern):
            count = value.get(environment) if isinstance(value, dict) else value
            if count is not None:
                return Count(int(count), (Source(f"policy {where}.{pattern}", value=str(count)),))
    return None


def pools_per_process(policy: Policy, d: Described, environment: str) -> Count | None:
    return _policy_count(policy.capacity.pools, d, environment, "capacity.pools")
