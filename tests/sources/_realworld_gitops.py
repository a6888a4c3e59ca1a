"""Whole config files as public projects write them: custom resources: Flux HelmRelease, Argo CD Application, Keycloak and CloudNativePG operators.

Written from those projects' own files (trimmed); read by test_realworld_battery.py."""

from __future__ import annotations

PROJECTS: dict[str, dict[str, str]] = {}
PROJECTS["gitops"] = {
    "apps/outline/helmrelease.yaml": """\
---
apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: outline
  namespace: default
spec:
  interval: 30m
  chart:
    spec:
      chart: app-template
      version: 3.1.0
      sourceRef:
        kind: HelmRepository
        name: bjw-s
        namespace: flux-system
  values:
    controllers:
      outline:
        replicas: 2
        containers:
          app:
            image:
              repository: docker.io/outlinewiki/outline
              tag: 0.78.0
            env:
              DATABASE_CONNECTION_POOL_MAX: 20
              WEB_CONCURRENCY: 4
              REDIS_URL: redis://dragonfly.database.svc.cluster.local:6379
    postgresql:
      primary:
        extraEnvVars:
          - name: POSTGRESQL_MAX_CONNECTIONS
            value: "300"
""",
    "apps/keycloak/keycloak.yaml": """\
apiVersion: k8s.keycloak.org/v2alpha1
kind: Keycloak
metadata:
  name: example-kc
spec:
  instances: 3
  db:
    vendor: postgres
    host: postgres-db
    poolInitialSize: 5
    poolMinSize: 5
    poolMaxSize: 30
  http:
    tlsSecret: example-tls-secret
""",
    "apps/db/cluster.yaml": """\
apiVersion: postgresql.cnpg.io/v1
kind: Cluster
metadata:
  name: cluster-example
spec:
  instances: 3
  postgresql:
    parameters:
      max_connections: "200"
      shared_buffers: 256MB
  storage:
    size: 1Gi
""",
    "apps/argo/app.yaml": """\
apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: api
  namespace: argocd
spec:
  project: default
  source:
    repoURL: https://charts.example.com
    chart: api
    targetRevision: 1.2.0
    helm:
      valuesObject:
        env:
          DB_POOL_SIZE: "25"
        replicaCount: 3
  destination:
    server: https://kubernetes.default.svc
    namespace: api
""",
}
