"""Kubernetes operators' custom resources that put a pooler in front of Postgres: Zalando's
postgres-operator (`spec.connectionPooler`), CrunchyData PGO (`spec.proxy.pgBouncer.config`),
CloudNativePG's `Pooler` (`spec.pgbouncer.parameters`), Percona's operator (`spec.proxy.pgBouncer`),
and a Kustomize overlay patching one.

Written from the operators' documented examples (trimmed); read by test_realworld_battery_4.py.
"""

from __future__ import annotations

PROJECTS: dict[str, dict[str, str]] = {}

PROJECTS["zalando-postgres-operator"] = {
    "manifests/minimal-postgres-manifest.yaml": """\
apiVersion: "acid.zalan.do/v1"
kind: postgresql
metadata:
  name: acid-minimal-cluster
spec:
  teamId: "acid"
  volume:
    size: 1Gi
  numberOfInstances: 2
  enableConnectionPooler: true
  connectionPooler:
    numberOfInstances: 2
    mode: "transaction"
    schema: "pooler"
    user: "pooler"
    maxDBConnections: 60
    resources:
      requests:
        cpu: 300m
        memory: 100Mi
  postgresql:
    version: "16"
    parameters:
      max_connections: "200"
""",
}

PROJECTS["crunchy-pgo"] = {
    "kustomize/postgres/postgres.yaml": """\
apiVersion: postgres-operator.crunchydata.com/v1beta1
kind: PostgresCluster
metadata:
  name: hippo
spec:
  postgresVersion: 16
  instances:
    - name: instance1
      replicas: 2
  proxy:
    pgBouncer:
      replicas: 2
      config:
        global:
          pool_mode: transaction
          default_pool_size: "25"
          max_client_conn: "1000"
        databases:
          hippo: "host=hippo-primary dbname=hippo pool_size=10"
""",
}

PROJECTS["cloudnative-pg"] = {
    "deploy/pooler.yaml": """\
apiVersion: postgresql.cnpg.io/v1
kind: Pooler
metadata:
  name: pooler-example-rw
spec:
  cluster:
    name: cluster-example
  instances: 3
  type: rw
  pgbouncer:
    poolMode: session
    parameters:
      max_client_conn: "1000"
      default_pool_size: "10"
""",
    "deploy/cluster.yaml": """\
apiVersion: postgresql.cnpg.io/v1
kind: Cluster
metadata:
  name: cluster-example
spec:
  instances: 3
  postgresql:
    parameters:
      max_connections: "300"
""",
}

PROJECTS["percona-pg"] = {
    "deploy/cr.yaml": """\
apiVersion: pgv2.percona.com/v2
kind: PerconaPGCluster
metadata:
  name: cluster1
spec:
  crVersion: 2.4.0
  proxy:
    pgBouncer:
      replicas: 3
      image: percona/percona-postgresql-operator:2.4.0-ppg16-pgbouncer1.22.1
      config:
        global:
          pool_mode: transaction
          default_pool_size: "40"
""",
}
