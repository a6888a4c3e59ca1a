"""Replicas and processes per replica, read from a service's own files with the place each
number comes from (or from the policy's `capacity:`)."""

from __future__ import annotations

from pathlib import Path

import pytest

from poolaudit.capacity import described, multipliers, services
from tests.capacity.conftest import policy, write

PYPROJECT = {"svc/pyproject.toml": "[project]\nname = 'svc'\n"}


def deployment(replicas: str = "3", strategy: str = "", name: str = "svc", kind: str = "Deployment",
               env: str = "", command: str = "", image: str = "ghcr.io/example/svc:1") -> str:  # fmt: skip
    return (
        f"apiVersion: apps/v1\nkind: {kind}\nmetadata:\n  name: {name}\nspec:\n"
        + (f"  replicas: {replicas}\n" if replicas else "")
        + strategy
        + f"  template:\n    spec:\n      containers:\n        - name: {name}\n          image: {image}\n"
        + (f"          command: {command}\n" if command else "")
        + (f"          env:\n{env}" if env else "")
    )


SURGE_1 = "  strategy:\n    type: RollingUpdate\n    rollingUpdate:\n      maxSurge: 1\n"
SURGE_0 = "  strategy:\n    rollingUpdate:\n      maxSurge: 0\n"
RECREATE = "  strategy:\n    type: Recreate\n"
HPA = (
    "apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata:\n  name: svc\nspec:\n"
    "  scaleTargetRef:\n    apiVersion: apps/v1\n    kind: Deployment\n    name: svc\n"
    "  minReplicas: 2\n  maxReplicas: 10\n"
)
GUNICORN_CONF = 'import os\nworkers = int(os.getenv("WEB_CONCURRENCY", "2"))\n'
D = "svc/deploy/deployment.yaml"

Row = tuple[str, int | None, str, int | None, str]  # runner, replicas, where from, processes, where from

CASES = [
    pytest.param(
        {D: deployment("3", SURGE_1)}, "production", "",
        [("Deployment/svc", 4, f"replicas 3 ({D}:6) + maxSurge 1 ({D}:10)", 1,
          "one process (no worker setting found)")],
        id="deployment-replicas-3+surge-1=4",
    ),
    pytest.param(
        {D: deployment("4")}, "production", "",
        [("Deployment/svc", 5, f"replicas 4 ({D}:6) + Kubernetes default maxSurge 25% ({D})", 1,
          "one process (no worker setting found)")],
        id="default-surge-25%-of-4=1",
    ),
    pytest.param(
        {D: deployment("3", "  strategy:\n    rollingUpdate:\n      maxSurge: 50%\n")}, "production", "",
        [("Deployment/svc", 5, f"replicas 3 ({D}:6) + maxSurge 50% ({D}:9)", 1, "one process (no worker setting found)")],
        id="surge-50%-of-3-rounds-up-to-2",
    ),
    pytest.param(
        {D: "apiVersion: v1\nkind: List\nitems:\n  - apiVersion: apps/v1\n    kind: Deployment\n    metadata:\n"
            "      name: svc\n    spec:\n      replicas: 2\n      strategy:\n        rollingUpdate:\n          maxSurge: 0\n"
            "      template:\n        spec:\n          containers:\n            - name: svc\n              image: svc:1\n"},
        "production", "",
        [("Deployment/svc", 2, f"replicas 2 ({D}:9) + maxSurge 0 ({D}:12)", 1, "one process (no worker setting found)")],
        id="kind-List-items",
    ),
    pytest.param(
        {D: deployment("3", RECREATE)}, "production", "",
        [("Deployment/svc", 3, f"replicas 3 ({D}:6)", 1, "one process (no worker setting found)")],
        id="recreate-no-surge",
    ),
    pytest.param(
        {D: deployment("3", kind="StatefulSet")}, "production", "",
        [("StatefulSet/svc", 3, f"replicas 3 ({D}:6)", 1, "one process (no worker setting found)")],
        id="statefulset-no-surge",
    ),
    pytest.param(
        {D: deployment("2", SURGE_0), "svc/deploy/hpa.yaml": HPA}, "production", "",
        [("Deployment/svc", 10, f"HPA maxReplicas 10 (svc/deploy/hpa.yaml:11) + maxSurge 0 ({D}:9)", 1,
          "one process (no worker setting found)")],
        id="hpa-max-10-wins-over-replicas-2",
    ),
    pytest.param(
        {D: deployment("2", SURGE_0), "svc/deploy/hpa.yaml": HPA}, "production",
        "capacity: {replicas: {use_hpa_max: false}}",
        [("Deployment/svc", 2, f"replicas 2 ({D}:6) + maxSurge 0 ({D}:9)", 1, "one process (no worker setting found)")],
        id="hpa-ignored-by-policy",
    ),
    pytest.param(
        {D: deployment("", SURGE_0), "svc/deploy/hpa.yaml": HPA}, "production", "capacity: {replicas: {use_hpa_max: false}}",
        [("Deployment/svc", 2, f"HPA minReplicas 2 (svc/deploy/hpa.yaml:10) + maxSurge 0 ({D}:8)", 1,
          "one process (no worker setting found)")],
        id="no-replicas-field-hpa-min",
    ),
    pytest.param(
        {D: deployment("3", SURGE_1)}, "production", "capacity: {replicas: {include_surge: false}}",
        [("Deployment/svc", 3, f"replicas 3 ({D}:6)", 1, "one process (no worker setting found)")],
        id="surge-left-out-by-policy",
    ),
    pytest.param(
        {D: deployment("2", SURGE_0, env="            - name: WEB_CONCURRENCY\n              value: \"4\"\n"),
         "svc/Dockerfile": 'FROM python:3.12\nCMD ["gunicorn", "-c", "gunicorn.conf.py", "app:app"]\n',
         "svc/gunicorn.conf.py": GUNICORN_CONF},
        "production", "",
        [("Deployment/svc", 2, f"replicas 2 ({D}:6) + maxSurge 0 ({D}:9)", 4,
          f"WEB_CONCURRENCY 4 ({D}:17) read by gunicorn workers (svc/gunicorn.conf.py:2)")],
        id="WEB_CONCURRENCY-from-the-deployment-read-by-gunicorn.conf.py",
    ),
    pytest.param(
        {D: deployment("1", SURGE_0, command='["gunicorn", "-w", "3", "app:app"]')}, "production", "",
        [("Deployment/svc", 1, f"replicas 1 ({D}:6) + maxSurge 0 ({D}:9)", 3, f"gunicorn --workers 3 ({D})")],
        id="container-command-gunicorn-w-3",
    ),
    pytest.param(
        {D: deployment("1", SURGE_0).replace("          image: ghcr.io/example/svc:1\n",
                                            "          image: ghcr.io/example/svc:1\n          envFrom:\n"
                                            "            - configMapRef:\n                name: svc-config\n"),
         "svc/deploy/configmap.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: svc-config\n"
                                      "data:\n  WEB_CONCURRENCY: \"5\"\n",
         "svc/Dockerfile": 'FROM python\nCMD uvicorn app:app\n'},
        "production", "",
        [("Deployment/svc", 1, f"replicas 1 ({D}:6) + maxSurge 0 ({D}:9)", 5,
          "WEB_CONCURRENCY 5 (svc/deploy/configmap.yaml:6) read by uvicorn workers (svc/Dockerfile:2)")],
        id="configmap-envFrom-WEB_CONCURRENCY-uvicorn",
    ),
    pytest.param(
        {D: deployment("2", SURGE_0, name="pgbouncer", image="bitnami/pgbouncer:1.22"),
         "svc/deploy/app.yaml": deployment("3", SURGE_0)},
        "production", "",
        [("Deployment/svc", 3, "replicas 3 (svc/deploy/app.yaml:6) + maxSurge 0 (svc/deploy/app.yaml:9)", 1,
          "one process (no worker setting found)")],
        id="pooler-deployment-is-not-a-client",
    ),
    pytest.param(
        {"svc/deploy/base/deployment.yaml": deployment("2", SURGE_0),
         "svc/deploy/overlays/production/kustomization.yaml": "resources: [../../base]\nreplicas:\n  - name: svc\n    count: 6\n"},
        "production", "",
        [("Deployment/svc", 6, "kustomize replicas 6 (svc/deploy/overlays/production/kustomization.yaml:4) + maxSurge 0 "
          "(svc/deploy/base/deployment.yaml:9)", 1, "one process (no worker setting found)")],
        id="kustomize-replicas-in-the-production-overlay",
    ),
    pytest.param(
        {"svc/deploy/base/deployment.yaml": deployment("2", SURGE_0),
         "svc/deploy/overlays/production/patch.yaml": "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: svc\nspec:\n  replicas: 5\n"},
        "production", "",
        [("Deployment/svc", 5, "replicas 5 (svc/deploy/overlays/production/patch.yaml:6) + maxSurge 0 "
          "(svc/deploy/base/deployment.yaml:9)", 1, "one process (no worker setting found)")],
        id="production-patch-overrides-base-replicas",
    ),
    pytest.param(
        {"svc/deploy/base/deployment.yaml": deployment("2", SURGE_0),
         "svc/deploy/overlays/production/patch.yaml": "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: svc\nspec:\n  replicas: 5\n"},
        "staging", "",
        [("Deployment/svc", 2, "replicas 2 (svc/deploy/base/deployment.yaml:6) + maxSurge 0 "
          "(svc/deploy/base/deployment.yaml:9)", 1, "one process (no worker setting found)")],
        id="staging-keeps-the-base",
    ),
    pytest.param(
        {"svc/deploy/helm/svc/Chart.yaml": "apiVersion: v2\nname: payments-chart\nversion: 1.0.0\n",
         "svc/deploy/helm/svc/values.yaml": "replicaCount: 3\nautoscaling:\n  enabled: false\n  maxReplicas: 9\n",
         "svc/deploy/helm/svc/values-production.yaml": "replicaCount: 4\n",
         "svc/deploy/helm/svc/templates/deployment.yaml": "spec:\n  replicas: {{ .Values.replicaCount }}\n  strategy:\n"
                                                          "    rollingUpdate:\n      maxSurge: {{ .Values.surge }}\n"},
        "production", "",
        [("helm:payments-chart", 5, "replicaCount 4 (svc/deploy/helm/svc/values-production.yaml:1) + "
          "Kubernetes default maxSurge 25% (svc/deploy/helm/svc)", 1, "one process (no worker setting found)")],
        id="helm-replicaCount-production-override-default-surge",
    ),
    pytest.param(
        {"svc/deploy/helm/svc/Chart.yaml": "apiVersion: v2\nname: svc\nversion: 1.0.0\n",
         "svc/deploy/helm/svc/values.yaml": "replicaCount: 2\nsurge: 1\nautoscaling:\n  enabled: true\n  minReplicas: 2\n  maxReplicas: 6\n",
         "svc/deploy/helm/svc/templates/deployment.yaml": "spec:\n  strategy:\n    rollingUpdate:\n"
                                                          "      maxSurge: {{ .Values.surge }}\n"},
        "production", "",
        [("helm:svc", 7, "autoscaling.maxReplicas 6 (svc/deploy/helm/svc/values.yaml:6) + maxSurge 1 "
          "(svc/deploy/helm/svc/values.yaml:2)", 1, "one process (no worker setting found)")],
        id="helm-autoscaling-max-6+surge-from-values-1=7",
    ),
    pytest.param(
        {"svc/docker-compose.yml": "services:\n  api:\n    build: .\n    command: gunicorn -w 2 app:app\n"
                                   "    deploy:\n      replicas: 3\n  db:\n    image: postgres:16\n"},
        "production", "",
        [("compose:api", 3, "compose replicas 3 (svc/docker-compose.yml:6)", 2, "gunicorn --workers 2 (svc/docker-compose.yml)")],
        id="compose-deploy-replicas-3-postgres-not-a-client",
    ),
    pytest.param(
        {"svc/docker-compose.yml": "services:\n  web:\n    image: ghcr.io/example/svc\n    scale: 2\n"
                                   "    environment:\n      - WEB_CONCURRENCY=${WEB_CONCURRENCY:-3}\n",
         "svc/Dockerfile": "FROM python\nCMD gunicorn app:app\n"},
        "production", "",
        [("compose:web", 2, "compose replicas 2 (svc/docker-compose.yml:4)", 3,
          "WEB_CONCURRENCY 3 (svc/docker-compose.yml:6) read by gunicorn workers (svc/Dockerfile:2)")],
        id="compose-scale-and-interpolation-default",
    ),
    pytest.param(
        {"svc/Procfile": "web: gunicorn -w 3 app:app\nworker: celery -A app worker -c 4\nrelease: alembic upgrade head\n"},
        "production", "capacity: {replicas: {default: 2}}",
        [("Procfile:web", 2, "policy capacity.replicas.default 2", 3, "gunicorn --workers 3 (svc/Procfile:1)"),
         ("Procfile:worker", 2, "policy capacity.replicas.default 2", 4, "celery --concurrency 4 (svc/Procfile:2)")],
        id="procfile-web-and-worker",
    ),
    pytest.param(
        {"svc/Dockerfile": 'FROM ruby:3.3\nCMD ["bin/rails", "server"]\n',
         "svc/config/puma.rb": 'workers ENV.fetch("WEB_CONCURRENCY") { 2 }\n',
         "svc/.env.production": "WEB_CONCURRENCY=3\n"},
        "production", "",
        [("service", 1, "default of 1 replica (no deployment file found)", 3,
          "WEB_CONCURRENCY 3 (svc/.env.production:1) read by puma workers (svc/config/puma.rb:1)")],
        id="no-manifest-rails-puma-reads-.env.production",
    ),
    pytest.param(
        {D: deployment("2", SURGE_0)}, "production",
        "capacity: {replicas: {svc: 7}, processes: {svc: {production: 3, staging: 1}}}",
        [("Deployment/svc", 7, "policy capacity.replicas.svc 7", 3, "policy capacity.processes.svc 3")],
        id="policy-wins-over-files",
    ),
    pytest.param(
        {"svc/Dockerfile": "FROM python\nCMD gunicorn app:app\n", "svc/gunicorn.conf.py": "import multiprocessing\nworkers = multiprocessing.cpu_count()\n"},
        "production", "capacity: {processes: {default: 4}}",
        [("service", 1, "default of 1 replica (no deployment file found)", 4,
          "gunicorn workers (computed, e.g. from the CPU count) (svc/gunicorn.conf.py:2) + unknown; policy capacity.processes.default 4")],
        id="unknown-processes-take-the-policy-default",
    ),
]  # fmt: skip


@pytest.mark.parametrize(("files", "environment", "policy_text", "expected"), CASES)
def test_runners(tmp_path: Path, files: dict[str, str], environment: str, policy_text: str, expected: list[Row]) -> None:
    write(tmp_path, {**PYPROJECT, **files})
    made = policy(policy_text)
    catalog = services.services([str(tmp_path)], made)
    service = described.describe("svc", catalog["svc"])
    found = [
        (r.name, r.replicas.value, r.replicas.provenance, r.processes.value, r.processes.provenance)
        for r in multipliers.runners(service, environment, made)
    ]
    assert found == expected


def test_environments_named_by_deployment_files(tmp_path: Path) -> None:
    write(tmp_path, {**PYPROJECT, "svc/deploy/staging/deployment.yaml": deployment("1"),
                     "svc/deploy/production/deployment.yaml": deployment("3")})  # fmt: skip
    catalog = services.services([str(tmp_path)], policy())
    assert described.describe("svc", catalog["svc"]).environments == {"staging", "production"}


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("kind: Deployment\nspec: [unclosed\n", id="broken-yaml"),
        pytest.param("kind: Deployment\nspec:\n  replicas: {{ .Values.n }}\n", id="template"),
        pytest.param("kind: Deployment\nspec: 7\n", id="odd-shape"),
        pytest.param("- kind: Deployment\n", id="a-list"),
        pytest.param("kind: Deployment\nmetadata: {name: svc}\nspec:\n  replicas: many\n", id="replicas-not-a-number"),
    ],
)
def test_odd_manifests_never_crash(tmp_path: Path, text: str) -> None:
    write(tmp_path, {**PYPROJECT, D: text})
    made = policy()
    catalog = services.services([str(tmp_path)], made)
    found = multipliers.runners(described.describe("svc", catalog["svc"]), "production", made)
    assert all(r.replicas.value is not None for r in found)
