"""The YAML source: which kind of YAML file this is, and the pool settings, env assignments and
suppression comments it holds.

One compose (PyYAML with libyaml, marks kept) per file; then each document goes to the reader
of its kind: Rails `database.yml` (yaml_rails), docker compose and Kubernetes manifests
(yaml_deploy), Helm values and application config (yaml_config: Spring, Micronaut, Quarkus,
Dropwizard, generic database blocks).  CI workflows and OpenAPI documents hold no settings.
ERB tags are masked (same length) before parsing, so `<% if %>` lines and `<%= %>` values parse
and every offset still indexes the original text.
"""

from __future__ import annotations

import re

from poolaudit import environments
from poolaudit.errors import SourceError
from poolaudit.model import Extraction, Suppression
from poolaudit.sources import yaml_config, yaml_deploy, yaml_erb, yaml_rails
from poolaudit.sources import yaml_tree as tree

KIND = "yaml"

# Prefilter: a YAML file holding none of these cannot hold a pool setting or an env assignment.
# Every key in catalog.HIKARI/TOMCAT_DBCP/QUARKUS/DROPWIZARD/RAILS/APP holds one of these or sits
# under a block that does (hikari, tomcat, dbcp2, datasource, database, pool); every name
# envnames.classify_env_var accepts holds POOL, CONN, IDLE, OVERFLOW, PING, RECYCLE, ACQUIRE,
# CHECKOUT or DATASOURCE; compose/k8s/Helm env entries (EnvDefs for the resolver) sit under
# `environment:`/`env:`/`extraEnv:`/ConfigMaps.  tests/sources/test_yaml.py checks this.
LITERALS: tuple[bytes, ...] = (
    b"pool", b"Pool", b"POOL",
    b"conn", b"Conn", b"CONN",
    b"idle", b"Idle", b"IDLE",
    b"overflow", b"Overflow", b"OVERFLOW",
    b"hikari", b"Hikari", b"HIKARI",
    b"tomcat", b"Tomcat", b"dbcp", b"DBCP", b"ucp", b"UCP",
    b"datasource", b"Datasource", b"dataSource", b"DataSource", b"DATASOURCE",
    b"database", b"Database", b"DATABASE",
    b"max_size", b"maxSize", b"max-size", b"MaxSize", b"MAX_SIZE",
    b"min_size", b"minSize", b"min-size", b"MinSize", b"MIN_SIZE",
    b"acquire", b"Acquire", b"ACQUIRE", b"checkout", b"Checkout", b"CHECKOUT",
    b"recycle", b"Recycle", b"RECYCLE", b"ping", b"Ping", b"PING",
    b"lifetime", b"Lifetime", b"LIFETIME", b"maxWait", b"max-wait", b"max_wait",
    b"env", b"Env", b"ConfigMap", b"configMapGenerator",
)

_CI = re.compile(
    r"(?:^|/)(?:\.github/(?:workflows|actions)/|\.gitlab-ci|\.gitlab/|\.circleci/|\.buildkite/|\.drone\.|"
    r"\.travis\.|azure-pipelines|bitbucket-pipelines|appveyor|\.pre-commit-|dependabot\.|mkdocs\.|"
    r"pnpm-lock\.|\.golangci\.|codecov\.|\.readthedocs\.|Chart\.(?:yaml|lock)$|\.yamllint)"
)
_RAILS = re.compile(r"database(?:[._-][\w.-]*)?\.ya?ml", re.I)
_COMPOSE = re.compile(r"(?:docker-)?compose(?:[._-][\w.-]*)?\.ya?ml", re.I)
_HELM_VALUES = re.compile(r"values(?P<env>[._-][\w.-]*)?\.ya?ml", re.I)
_SUPPRESS = re.compile(
    r"(?:^|(?<=\s))#[^\n]*?poolaudit:\s*ignore(?:\[(?P<codes>[^\]]*)\])?(?P<reason>[^\n]*)", re.M
)


def extract(path: str, text: str) -> Extraction:
    out = Extraction()
    if "poolaudit" in text:
        out.suppressions = suppressions(path, text)
    if _CI.search(path):
        return out
    name = path.rsplit("/", 1)[-1]
    source = yaml_erb.mask(text) if "<%" in text else text
    try:
        docs = tree.compose(source)
    except SourceError as exc:
        if "{{" in text:
            raise SourceError("Helm template: not YAML until rendered", exc.line) from None
        raise
    helm = _HELM_VALUES.fullmatch(name)
    environment = yaml_config.file_environment(path)
    if helm and helm.group("env"):
        environment = environments.from_name(helm.group("env")) or "any"
    for doc in docs:
        if isinstance(doc, tree.SequenceNode):
            # A file that is a list of blocks (Hasura's metadata/databases/databases.yaml: one
            # entry per database, its pool under configuration.connection_info.pool_settings).
            yaml_config.extract(path, text, doc, out, environment=environment)
            continue
        if not isinstance(doc, tree.MappingNode) or _is_openapi(doc):
            continue
        if _RAILS.fullmatch(name) and yaml_rails.looks_like_rails(doc):
            yaml_rails.extract(path, text, doc, out)
        elif _COMPOSE.fullmatch(name) or yaml_deploy.is_compose(doc):
            yaml_deploy.compose(path, text, doc, out)
        elif yaml_deploy.is_kubernetes(doc):
            pods = yaml_deploy.kubernetes(path, text, doc, out)
            layer = None if pods else yaml_deploy.custom_resource_layer(doc)
            if layer is not None:  # an operator's or a chart's settings, read as values
                yaml_config.extract(path, text, doc, out, environment=environment, helm=True, layer=layer)
        else:
            yaml_config.extract(
                path, text, doc, out, environment=environment, helm=helm is not None
            )
    return out


def _is_openapi(doc: tree.MappingNode) -> bool:
    return any(
        isinstance(key, tree.ScalarNode) and key.value in ("openapi", "swagger", "asyncapi")
        for key, _ in doc.value
    )


def suppressions(path: str, text: str) -> list[Suppression]:
    """`# poolaudit: ignore[PA101,PA103] reason` comments; `# poolaudit: ignore` is every code."""
    found = []
    for match in _SUPPRESS.finditer(text):
        codes = tuple(c.strip() for c in (match.group("codes") or "").split(",") if c.strip())
        reason = match.group("reason").strip().lstrip("-—:").strip() or None
        found.append(Suppression(path, text.count("\n", 0, match.start()) + 1, codes, reason))
    return found
