"""The YAML source on deployment files: docker compose environments, Kubernetes manifests
(container env, ConfigMaps, kustomize literals), Helm values; settings and EnvDefs."""

from __future__ import annotations

import pytest

from poolaudit.errors import SourceError
from poolaudit.model import EnvDef, Provenance, Setting
from poolaudit.sources import yaml as source
from ._facts import CORE, setting_facts

LIT, DEF, UNRES = Provenance.LITERAL, Provenance.ENV_DEFAULT, Provenance.UNRESOLVED


def facts(text: str, s: Setting) -> tuple[object, ...]:
    return setting_facts(text, s, CORE + ("environment", "framework", "origin"))


def env_facts(text: str, d: EnvDef) -> tuple[object, ...]:
    return (d.name, d.raw, d.value, d.line, d.column, text[d.span.start : d.span.end], d.environment)


COMPOSE_HEAD = "services:\n  api:\n    image: app\n    environment:\n"

COMPOSE = [
    pytest.param(
        COMPOSE_HEAD + "      - DB_POOL_SIZE=10\n",
        (5, 22, "10", "services.api.environment.DB_POOL_SIZE", "max_size", 10, 10, LIT, None, None, "any", "compose", "10"),
        id="list-form",
    ),
    pytest.param(
        COMPOSE_HEAD + '      - "DB_MAX_OVERFLOW=5"\n',
        (5, 26, "5", "services.api.environment.DB_MAX_OVERFLOW", "overflow", 5, 5, LIT, None, None, "any", "compose", "5"),
        id="list-form-quoted-item",
    ),
    pytest.param(
        COMPOSE_HEAD + "      - DB_POOL_SIZE='12'\n",
        (5, 22, "'12'", "services.api.environment.DB_POOL_SIZE", "max_size", 12, 12, LIT, None, None, "any", "compose", "12"),
        id="list-form-quoted-value",
    ),
    pytest.param(
        COMPOSE_HEAD + '      DB_POOL_SIZE: "20"\n',
        (5, 21, '"20"', "services.api.environment.DB_POOL_SIZE", "max_size", 20, 20, LIT, None, None, "any", "compose", "20"),
        id="map-form-quoted",
    ),
    pytest.param(
        COMPOSE_HEAD + "      DATABASE_POOL_SIZE: 8\n",
        (5, 27, "8", "services.api.environment.DATABASE_POOL_SIZE", "max_size", 8, 8, LIT, None, None, "any", "compose", "8"),
        id="map-form-int",
    ),
    pytest.param(
        COMPOSE_HEAD + "      DB_POOL_SIZE: ${DB_POOL_SIZE:-15}\n",
        (5, 21, "${DB_POOL_SIZE:-15}", "services.api.environment.DB_POOL_SIZE", "max_size", 15, 15, DEF, "DB_POOL_SIZE", None, "any", "compose", "15"),
        id="interpolation-colon-dash",
    ),
    pytest.param(
        COMPOSE_HEAD + "      - DB_POOL_TIMEOUT=${POOL_TIMEOUT-30}\n",
        (5, 25, "${POOL_TIMEOUT-30}", "services.api.environment.DB_POOL_TIMEOUT", "acquire_timeout", 30, 30, DEF, "POOL_TIMEOUT", "s", "any", "compose", "30"),
        id="interpolation-dash",
    ),
    pytest.param(
        COMPOSE_HEAD + "      PG_POOL_MAX: ${PG_POOL_MAX}\n",
        (5, 20, "${PG_POOL_MAX}", "services.api.environment.PG_POOL_MAX", "max_size", None, None, UNRES, "PG_POOL_MAX", None, "any", "compose", None),
        id="interpolation-no-default",
    ),
    pytest.param(
        COMPOSE_HEAD + "      PG_POOL_MAX: ${PG_POOL_MAX:?set it}\n",
        (5, 20, "${PG_POOL_MAX:?set it}", "services.api.environment.PG_POOL_MAX", "max_size", None, None, UNRES, "PG_POOL_MAX", None, "any", "compose", None),
        id="interpolation-required",
    ),
    pytest.param(
        COMPOSE_HEAD + "      SPRING_DATASOURCE_HIKARI_MAXIMUMPOOLSIZE: 30\n",
        (5, 49, "30", "services.api.environment.SPRING_DATASOURCE_HIKARI_MAXIMUMPOOLSIZE", "max_size", 30, 30, LIT, None, None, "any", "compose", "30"),
        id="spring-relaxed-env",
    ),
    pytest.param(
        COMPOSE_HEAD + "      SPRING_DATASOURCE_HIKARI_CONNECTIONTIMEOUT: 20000\n",
        (5, 51, "20000", "services.api.environment.SPRING_DATASOURCE_HIKARI_CONNECTIONTIMEOUT", "acquire_timeout", 20, 20, LIT, None, "ms", "any", "compose", "20000"),
        id="spring-env-milliseconds",
    ),
    pytest.param(
        COMPOSE_HEAD + "      - DATABASE_URL=postgres://app@db/app?connection_limit=5\n",
        (5, 61, "5", "services.api.environment.DATABASE_URL?connection_limit", "max_size", 5, 5, LIT, None, None, "any", "compose", "5"),
        id="url-param",
    ),
]


@pytest.mark.parametrize(("text", "expected"), COMPOSE)
def test_compose_setting(text: str, expected: tuple[object, ...]) -> None:
    (s,) = source.extract("docker-compose.yml", text).settings
    assert facts(text, s) == expected
    assert (s.path, s.kind, s.pool) == ("docker-compose.yml", "yaml", "services.api")


def test_compose_env_defs_for_every_entry() -> None:
    text = (
        "services:\n  api:\n    build: .\n    environment:\n"
        "      - RAILS_MAX_THREADS=8\n      - LOG_LEVEL=debug\n      - PASSTHROUGH\n"
        "      - DB_POOL_SIZE=${DB_POOL_SIZE:-10}\n"
        "  worker:\n    image: app\n    environment:\n      WEB_CONCURRENCY: \"3\"\n      EMPTY:\n"
    )
    out = source.extract("compose.yaml", text)
    assert [env_facts(text, d) for d in out.env] == [
        ("RAILS_MAX_THREADS", "8", 8, 5, 27, "8", "any"),
        ("LOG_LEVEL", "debug", None, 6, 19, "debug", "any"),
        # The default is what sets the variable here, and what a fix edits.
        ("DB_POOL_SIZE", "${DB_POOL_SIZE:-10}", 10, 8, 38, "10", "any"),
        ("WEB_CONCURRENCY", '"3"', 3, 12, 25, "3", "any"),
    ]
    assert [s.key for s in out.settings] == ["services.api.environment.DB_POOL_SIZE"]


def test_compose_extension_anchor_merged_into_a_service() -> None:
    text = (
        "x-db-env: &db-env\n  DB_POOL_SIZE: 6\n"
        "services:\n  api:\n    image: app\n    environment:\n      <<: *db-env\n      LOG_LEVEL: info\n"
    )
    (s,) = source.extract("docker-compose.yml", text).settings
    assert (s.key, s.line, s.written) == ("services.api.environment.DB_POOL_SIZE", 2, 6)


def test_compose_detected_by_content_and_crlf() -> None:
    text = "version: '3.8'\r\nservices:\r\n  api:\r\n    image: app\r\n    environment:\r\n      - DB_POOL_SIZE=4\r\n"
    (s,) = source.extract("deploy/stack.yml", text).settings
    assert facts(text, s)[:4] == (6, 22, "4", "services.api.environment.DB_POOL_SIZE")
    assert s.framework == "compose"


K8S_DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: orders
spec:
  template:
    spec:
      initContainers:
        - name: migrate
          env:
            - name: DB_POOL_SIZE
              value: "1"
      containers:
        - name: orders
          image: registry.example.com/orders:latest
          env:
            - name: LOG_LEVEL
              value: info
            - name: DB_POOL_SIZE
              value: "20"
            - name: DB_MAX_OVERFLOW
              valueFrom:
                configMapKeyRef: {name: orders, key: DB_MAX_OVERFLOW}
            - name: DB_POOL_TIMEOUT
              value: $(DEFAULT_TIMEOUT)
"""


def test_kubernetes_container_env() -> None:
    out = source.extract("deploy/k8s/deployment.yaml", K8S_DEPLOYMENT)
    assert [facts(K8S_DEPLOYMENT, s) for s in out.settings] == [
        (12, 22, '"1"', "spec.template.spec.initContainers[0].env[name=DB_POOL_SIZE].value", "max_size", 1, 1, LIT, None, None, "any", "k8s", "1"),
        (20, 22, '"20"', "spec.template.spec.containers[0].env[name=DB_POOL_SIZE].value", "max_size", 20, 20, LIT, None, None, "any", "k8s", "20"),
        (25, 22, "$(DEFAULT_TIMEOUT)", "spec.template.spec.containers[0].env[name=DB_POOL_TIMEOUT].value", "acquire_timeout", None, None, UNRES, "DEFAULT_TIMEOUT", None, "any", "k8s", None),
    ]
    assert out.settings[1].pool == "Deployment/orders"
    assert [(d.name, d.value, d.line) for d in out.env] == [
        ("DB_POOL_SIZE", 1, 12), ("LOG_LEVEL", None, 18), ("DB_POOL_SIZE", 20, 20), ("DB_POOL_TIMEOUT", None, 25),
    ]


def test_kubernetes_cronjob_configmap_and_kustomize_in_one_file() -> None:
    text = (
        "apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: nightly}\nspec:\n  jobTemplate:\n    spec:\n"
        "      template:\n        spec:\n          containers:\n            - name: job\n"
        "              env: [{name: DATABASE_POOL_SIZE, value: '3'}]\n"
        "---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: orders\ndata:\n  DB_POOL_SIZE: \"25\"\n  LOG_LEVEL: info\n"
        "---\napiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nconfigMapGenerator:\n"
        "  - name: orders\n    literals:\n      - DB_MAX_OVERFLOW=4\n"
    )
    out = source.extract("deploy/kustomize/base/all.yaml", text)
    assert [(s.line, s.column, s.key, s.written, s.framework) for s in out.settings] == [
        (11, 55, "spec.jobTemplate.spec.template.spec.containers[0].env[name=DATABASE_POOL_SIZE].value", 3, "k8s"),
        (18, 17, "data.DB_POOL_SIZE", 25, "k8s"),
        (26, 25, "configMapGenerator[0].literals.DB_MAX_OVERFLOW", 4, "k8s"),
    ]
    assert [d.name for d in out.env] == ["DATABASE_POOL_SIZE", "DB_POOL_SIZE", "LOG_LEVEL", "DB_MAX_OVERFLOW"]


HELM_VALUES = """\
replicaCount: 2
env:
  - name: LOG_LEVEL
    value: info
  - name: DB_POOL_SIZE
    value: "8"
database:
  host: postgres
  pool:
    size: 10
    maxOverflow: 5
postgresql:
  pool:
    max: 7
  primary:
    maxConnections: 200
config:
  DATABASE_POOL_SIZE: "9"
redis:
  pool:
    max: 3
"""


def test_helm_values() -> None:
    out = source.extract("deploy/helm/orders/values.yaml", HELM_VALUES)
    assert [facts(HELM_VALUES, s) for s in out.settings] == [
        (6, 12, '"8"', "env[name=DB_POOL_SIZE].value", "max_size", 8, 8, LIT, None, None, "any", "helm", "8"),
        (10, 11, "10", "database.pool.size", "max_size", 10, 10, LIT, None, None, "any", "helm", "10"),
        (11, 18, "5", "database.pool.maxOverflow", "overflow", 5, 5, LIT, None, None, "any", "helm", "5"),
        (14, 10, "7", "postgresql.pool.max", "max_size", 7, 7, LIT, None, None, "any", "helm", "7"),
        (18, 23, '"9"', "config.DATABASE_POOL_SIZE", "max_size", 9, 9, LIT, None, None, "any", "helm", "9"),
    ]
    assert [(d.name, d.value) for d in out.env] == [("LOG_LEVEL", None), ("DB_POOL_SIZE", 8), ("DATABASE_POOL_SIZE", 9)]


@pytest.mark.parametrize(
    ("name", "environment"),
    [
        pytest.param("values-prod.yaml", "production", id="values-prod"),
        pytest.param("values.staging.yaml", "staging", id="values-dot-staging"),
        pytest.param("values-dev.yml", "development", id="values-dev"),
        pytest.param("values.yaml", "any", id="values"),
    ],
)
def test_helm_values_environment_from_file_name(name: str, environment: str) -> None:
    out = source.extract(f"chart/{name}", HELM_VALUES)
    assert {s.environment for s in out.settings} == {environment}
    assert {d.environment for d in out.env} == {environment}


def test_helm_values_nested_env_list_and_env_map() -> None:
    text = "api:\n  extraEnv:\n    - name: PG_POOL_MAX\n      value: '12'\n  envVars:\n    POOL_SIZE: 4\n"
    out = source.extract("values.yaml", text)
    assert [(s.key, s.line, s.written) for s in out.settings] == [
        ("api.extraEnv[name=PG_POOL_MAX].value", 4, 12),
        ("api.envVars.POOL_SIZE", 6, 4),
    ]


def test_helm_template_that_does_not_parse_is_a_source_error() -> None:
    text = (
        "apiVersion: apps/v1\nkind: Deployment\nspec:\n  template:\n    spec:\n      containers:\n"
        "        - name: {{ .Chart.Name }}\n          env:\n            {{- toYaml .Values.env | nindent 12 }}\n"
    )
    with pytest.raises(SourceError, match="Helm template: not YAML until rendered") as info:
        source.extract("chart/templates/deployment.yaml", text)
    assert info.value.line is not None


def test_helm_template_that_parses_yields_no_template_values() -> None:
    text = (
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n"
        '  DB_POOL_SIZE: "{{ .Values.database.pool.size }}"\n'
    )
    out = source.extract("chart/templates/configmap.yaml", text)
    assert out.settings == []
    assert [(d.name, d.value) for d in out.env] == [("DB_POOL_SIZE", None)]


NOT_SETTINGS = [
    pytest.param("docker-compose.yml", COMPOSE_HEAD + "      REDIS_POOL_MAX: 50\n      THREAD_POOL_SIZE: 8\n", id="compose-redis-thread"),
    pytest.param("docker-compose.yml", COMPOSE_HEAD + "      WEB_CONCURRENCY: 4\n      CELERY_WORKER_CONCURRENCY: 8\n", id="compose-workers"),
    pytest.param("docker-compose.yml", COMPOSE_HEAD + "      - REDIS_URL=redis://r:6379/0?pool=5\n", id="compose-redis-url"),
    pytest.param(
        "docker-compose.yml",
        "services:\n  pgbouncer:\n    image: bitnami/pgbouncer\n    environment:\n      # DB_POOL_SIZE: 100\n      LOG: 1\n",
        id="compose-commented-out",
    ),
    pytest.param("deploy/k8s/hpa.yaml", "apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nspec:\n  maxReplicas: 10\n", id="k8s-hpa"),
    pytest.param(
        "deploy/k8s/deploy.yaml",
        "apiVersion: apps/v1\nkind: Deployment\nspec:\n  strategy:\n    rollingUpdate:\n      maxSurge: 1\n"
        "  template:\n    spec:\n      containers:\n        - name: x\n          resources:\n            limits: {cpu: 1}\n",
        id="k8s-without-env",
    ),
    pytest.param("values.yaml", "postgresql:\n  primary:\n    maxConnections: 200\n", id="helm-server-max-connections"),
    pytest.param("values.yaml", "redis:\n  pool:\n    max: 3\nworker:\n  concurrency: 4\n", id="helm-redis-worker"),
    pytest.param("values.yaml", "resources:\n  limits:\n    cpu: 500m\nautoscaling:\n  maxReplicas: 5\n", id="helm-resources"),
]


@pytest.mark.parametrize(("path", "text"), NOT_SETTINGS)
def test_not_settings(path: str, text: str) -> None:
    assert source.extract(path, text).settings == []


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        pytest.param(
            '"${MONGO_URL:-mongodb://mongo:27017/chat?replicaSet=rs0&maxPoolSize=50}"',
            [("maxPoolSize", "50", 50, "MONGO_URL")],
            id="quoted-mongodb-default",
        ),
        pytest.param(
            "${DATABASE_URL:-postgres://app:hunter2@db/app?pool_max_conns=12&pool_min_conns=2}",
            [("pool_max_conns", "12", 12, "DATABASE_URL"), ("pool_min_conns", "2", 2, "DATABASE_URL")],
            id="plain-pgx-default",
        ),
        pytest.param("${DATABASE_URL}", [], id="no-default"),
        pytest.param("${DATABASE_URL:-sqlite:///app.db}", [], id="default-without-pool-parameters"),
        pytest.param("${REDIS_URL:-redis://cache:6379/0?max_connections=40}", [], id="redis-url"),
    ],
)
def test_a_url_written_as_a_placeholders_default(value: str, expected: list[tuple[str, str, object, str]]) -> None:
    """`${DATABASE_URL:-postgres://...?pool_max_conns=12}`: the URL written is the default the
    deployment may override, so its pool parameters are defaults of that variable, at their
    own place in the file (what a fix edits)."""
    text = f"services:\n  api:\n    environment:\n      DATABASE_URL_HOLDER: {value}\n".replace(
        "DATABASE_URL_HOLDER", "MONGO_URL" if "MONGO" in value else "REDIS_URL" if "REDIS" in value else "DATABASE_URL"
    )
    out = source.extract("docker-compose.yml", text)
    found = [(s.key.rsplit("?", 1)[-1], text[s.span.start : s.span.end], s.value, s.env_var) for s in out.settings]
    assert found == expected
    assert all(s.provenance is Provenance.ENV_DEFAULT and "hunter2" not in s.raw for s in out.settings)
