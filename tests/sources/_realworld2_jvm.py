"""Whole config files as public JVM projects write them, second round: Camunda 7 Spring Boot
starter, Apereo CAS, Spring Cloud Config clients (`bootstrap.yml`), a Kubernetes ConfigMap
carrying `application.yaml`, plain Hibernate (`hibernate.properties` with HikariCP and c3p0), and
Spring's own thread, Redis and HTTP pools beside the datasource.

Written from those projects' own files (trimmed); read by test_realworld_battery_2.py."""

from __future__ import annotations

PROJECTS: dict[str, dict[str, str]] = {}

PROJECTS["camunda"] = {
    "pom.xml": "<project><artifactId>camunda-app</artifactId></project>\n",
    "src/main/resources/application.yaml": """\
camunda.bpm:
  admin-user:
    id: demo
    password: demo
    firstName: Demo
  filter:
    create: All tasks
  job-execution:
    enabled: true
    core-pool-size: 3
    max-pool-size: 10
    queue-capacity: 3
    deployment-aware: true
  database:
    schema-update: true
    type: postgres

spring.datasource:
  url: jdbc:postgresql://localhost:5432/camunda
  username: camunda
  password: camunda
  hikari:
    maximum-pool-size: 20
    minimum-idle: 5
    connection-timeout: 20000

server:
  port: 8080
  tomcat:
    threads:
      max: 200
    max-connections: 8192
    accept-count: 100

spring:
  task:
    execution:
      pool:
        core-size: 8
        max-size: 16
  data:
    redis:
      lettuce:
        pool:
          max-active: 8
          max-idle: 8
          min-idle: 0
""",
}

PROJECTS["apereo-cas"] = {
    "build.gradle": "plugins { id 'java' }\n",
    "etc/cas/config/cas.properties": """\
cas.server.name=https://cas.example.org:8443
cas.server.prefix=${cas.server.name}/cas

logging.config=file:/etc/cas/config/log4j2.xml

# Ticket registry on PostgreSQL through JPA
cas.ticket.registry.jpa.user=cas
cas.ticket.registry.jpa.password=secret
cas.ticket.registry.jpa.url=jdbc:postgresql://db:5432/cas
cas.ticket.registry.jpa.dialect=org.hibernate.dialect.PostgreSQL10Dialect
cas.ticket.registry.jpa.pool.max-size=18
cas.ticket.registry.jpa.pool.min-size=6
cas.ticket.registry.jpa.pool.max-wait=PT2S

# JDBC authentication
cas.authn.jdbc.query[0].sql=SELECT * FROM users WHERE uid=?
cas.authn.jdbc.query[0].url=jdbc:postgresql://db:5432/users
cas.authn.jdbc.query[0].pool.max-size=12

# LDAP authentication: an LDAP connection pool, not a database one
cas.authn.ldap[0].ldap-url=ldaps://ldap.example.org
cas.authn.ldap[0].min-pool-size=3
cas.authn.ldap[0].max-pool-size=10
cas.authn.ldap[0].pool-passivator=NONE

# Thread pool of the ticket cleaner
cas.ticket.registry.cleaner.schedule.enabled=true
""",
}

PROJECTS["spring-cloud-client"] = {
    "pom.xml": "<project><artifactId>orders</artifactId></project>\n",
    "src/main/resources/bootstrap.yml": """\
spring:
  application:
    name: orders
  cloud:
    config:
      uri: ${CONFIG_SERVER_URI:http://localhost:8888}
      fail-fast: true
  datasource:
    url: jdbc:mysql://${MYSQL_HOST:localhost}:3306/orders
    hikari:
      maximum-pool-size: ${ORDERS_DB_POOL_MAX:15}
      minimum-idle: ${ORDERS_DB_POOL_MIN:3}
      max-lifetime: 1800000
      data-source-properties:
        cachePrepStmts: true
        prepStmtCacheSize: 250
        prepStmtCacheSqlLimit: 2048
""",
    "k8s/configmap.yaml": """\
apiVersion: v1
kind: ConfigMap
metadata:
  name: orders-config
  labels:
    app: orders
data:
  application.yaml: |-
    spring:
      datasource:
        url: jdbc:mysql://mysql:3306/orders
        hikari:
          maximum-pool-size: 25
          connection-timeout: 10000
    server:
      tomcat:
        threads:
          max: 100
  logback.xml: |
    <configuration/>
""",
    "k8s/deployment.yaml": """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: orders
spec:
  replicas: 3
  template:
    spec:
      containers:
        - name: orders
          image: orders:1.0
          env:
            - name: ORDERS_DB_POOL_MAX
              value: "30"
            - name: SERVER_TOMCAT_THREADS_MAX
              value: "100"
""",
}

PROJECTS["hibernate-native"] = {
    "pom.xml": "<project><artifactId>legacy</artifactId></project>\n",
    "src/main/resources/hibernate.properties": """\
hibernate.dialect=org.hibernate.dialect.PostgreSQLDialect
hibernate.connection.url=jdbc:postgresql://localhost:5432/legacy
hibernate.connection.provider_class=org.hibernate.hikaricp.internal.HikariCPConnectionProvider
hibernate.hikari.minimumIdle=5
hibernate.hikari.maximumPoolSize=20
hibernate.hikari.idleTimeout=30000
hibernate.jdbc.batch_size=50
hibernate.cache.use_second_level_cache=false
""",
    "src/main/resources/c3p0/hibernate.properties": """\
hibernate.connection.provider_class=org.hibernate.c3p0.internal.C3P0ConnectionProvider
hibernate.c3p0.min_size=5
hibernate.c3p0.max_size=20
hibernate.c3p0.timeout=300
hibernate.c3p0.max_statements=50
hibernate.c3p0.idle_test_period=3000
""",
    "src/test/resources/hibernate.properties": """\
hibernate.connection.url=jdbc:h2:mem:test
hibernate.connection.pool_size=2
""",
}
