"""Odd input never crashes the capacity readers: any text for the line-oriented ones, any
YAML-shaped data for the manifest readers (a crash would stop the whole audit)."""

from __future__ import annotations

from typing import Any

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from poolaudit.capacity import helm, manifests
from poolaudit.capacity.commands import launch, split_shell
from poolaudit.capacity.entrypoints import dockerfile, env_file, procfile
from poolaudit.capacity.records import EnvValue
from poolaudit.capacity.server_configs import config_workers, ruby_workers

WORDS = st.sampled_from([
    "kind", "Deployment", "StatefulSet", "HorizontalPodAutoscaler", "ConfigMap", "spec", "replicas", "template",
    "containers", "env", "name", "value", "envFrom", "configMapRef", "command", "args", "strategy", "rollingUpdate",
    "maxSurge", "scaleTargetRef", "maxReplicas", "minReplicas", "metadata", "data", "services", "deploy", "build",
    "environment", "env_file", "scale", "image", "replicaCount", "autoscaling", "enabled", "WEB_CONCURRENCY", "25%",
])  # fmt: skip
SCALARS = st.one_of(WORDS, st.integers(-5, 10**12), st.booleans(), st.none(), st.text(max_size=8))
DATA = st.recursive(
    SCALARS, lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(WORDS, inner, max_size=5)), max_leaves=25
)
TEXT = st.text(alphabet=st.sampled_from(list("workers ENV.fetch(\"WEB_CONCURRENCY\"){}|| 0123456789\n#=-:[],'\\²٣")), max_size=120)
ENV = {"WEB_CONCURRENCY": EnvValue("WEB_CONCURRENCY", "²", "x", 1), "SIDEKIQ_COUNT": EnvValue("SIDEKIQ_COUNT", "x", "x", 1)}


def none(names: tuple[str, ...]) -> tuple[str, str] | None:
    return None


@settings(max_examples=300, deadline=None)
@given(DATA)
def test_manifest_readers_take_any_shape(data: Any) -> None:
    text = yaml.safe_dump(data)
    docs = manifests.documents(text, "x.yaml")
    out = manifests.Manifests()
    manifests.kubernetes(docs, "x.yaml", "any", out)
    manifests.kustomization(docs, "any", out)
    for doc in docs:
        manifests.compose(doc, "x.yaml", "any", lambda ref: {}, out)
    chart = helm.Chart("c", "")
    chart.values["any"] = docs
    helm.env_of(chart, chart.merged("production"))


@settings(max_examples=300, deadline=None)
@given(TEXT)
def test_line_readers_take_any_text(text: str) -> None:
    dockerfile(text, "Dockerfile")
    procfile(text, "Procfile")
    env_file(text, ".env")
    ruby_workers(text, "puma.rb", ENV)
    config_workers(text, "gunicorn.conf.py", ENV)
    helm.read_template(helm.Chart("c", ""), text, "t.yaml")
    launch(split_shell(text), None, ENV, none)


def test_alias_bombs_are_refused() -> None:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, 9)]
    assert manifests.documents("\n".join(lines) + "\nkind: Deployment\n", "bomb.yaml") == []
