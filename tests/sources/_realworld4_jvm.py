"""JVM services as their repositories ship their configs, fourth round: Spring Boot multi-datasource
apps (the Boot docs' `app.datasource.first.configuration.*`, `spring.datasource.<name>.hikari.*`,
Hibernate's own Hikari keys under `spring.jpa.properties`), R2DBC, a Spring Cloud Config
repository (`application-{profile}.yml` per service, `bootstrap.yml`), Spring Boot 3 durations,
Micronaut multi-datasources, Quarkus named datasources with profiles, Dropwizard `database:`,
Helidon's `javax.sql.DataSource.<name>.dataSource.*`, a Vert.x JSON config and a Tomcat
`context.xml` (neither read), and a Helm chart of a Spring app (`extraEnv`).

Written from those projects' own files and docs (trimmed); read by test_realworld_battery_4.py.
"""

from __future__ import annotations

PROJECTS: dict[str, dict[str, str]] = {}

PROJECTS["boot-multi-datasource"] = {
    "pom.xml": "<project><artifactId>orders</artifactId></project>\n",
    "src/main/resources/application.yml": """\
spring:
  application:
    name: orders
  task:
    execution:
      pool:
        max-size: 16
        core-size: 8
  jpa:
    open-in-view: false
    properties:
      hibernate:
        jdbc:
          batch_size: 50
server:
  tomcat:
    threads:
      max: 200
    max-connections: 8192
app:
  datasource:
    first:
      url: "jdbc:mysql://localhost/first"
      username: "dbuser"
      configuration:
        maximum-pool-size: 30
    second:
      url: "jdbc:postgresql://localhost/second"
      max-total: 30
""",
    "src/main/resources/application-prod.properties": """\
spring.datasource.primary.url=jdbc:postgresql://db/primary
spring.datasource.primary.hikari.maximum-pool-size=25
spring.datasource.primary.hikari.minimum-idle=5
spring.datasource.reporting.url=jdbc:postgresql://replica/reporting
spring.datasource.reporting.hikari.maximum-pool-size=${REPORTING_POOL_SIZE:8}
spring.datasource.reporting.hikari.max-lifetime=900000
spring.datasource.hikari.data-source-properties.cachePrepStmts=true
spring.datasource.hikari.data-source-properties.prepStmtCacheSize=250
spring.redis.lettuce.pool.max-active=16
spring.data.redis.jedis.pool.max-active=8
spring.kafka.consumer.max-poll-records=500
spring.task.scheduling.pool.size=4
""",
}

PROJECTS["boot-hibernate-hikari"] = {
    "build.gradle": "plugins { id 'org.springframework.boot' version '3.2.0' }\n",
    "src/main/resources/application.yaml": """\
spring:
  datasource:
    url: jdbc:postgresql://localhost:5432/app
    hikari:
      keepalive-time: 5m
      max-lifetime: 30m
      connection-timeout: 20000
  jpa:
    properties:
      hibernate:
        hikari:
          maximumPoolSize: 12
          minimumIdle: 2
  r2dbc:
    url: r2dbc:postgresql://localhost/app
    pool:
      max-size: 20
      initial-size: 5
      max-idle-time: 30m
""",
}

PROJECTS["spring-cloud-config-repo"] = {
    "README.md": "Configuration repository for the Spring Cloud Config server.\n",
    "orders-service/application-staging.yml": """\
spring:
  datasource:
    hikari:
      maximum-pool-size: 15
      connection-timeout: 10000
""",
    "orders-service/application-prod.yml": """\
spring:
  datasource:
    hikari:
      maximum-pool-size: 40
      minimum-idle: 10
""",
    "billing-service/application.yml": """\
spring:
  datasource:
    hikari:
      maximumPoolSize: ${BILLING_DB_POOL:10}
""",
    "billing-service/bootstrap.yml": """\
spring:
  application:
    name: billing-service
  cloud:
    config:
      uri: http://config:8888
      fail-fast: true
      retry:
        max-attempts: 6
""",
}

PROJECTS["micronaut-multi"] = {
    "build.gradle": "plugins { id 'io.micronaut.application' }\n",
    "src/main/resources/application.yml": """\
micronaut:
  application:
    name: inventory
  executors:
    io:
      type: fixed
      nThreads: 75
datasources:
  default:
    url: jdbc:postgresql://localhost:5432/inventory
    driverClassName: org.postgresql.Driver
    maximum-pool-size: 20
    minimum-idle: 4
  warehouse:
    url: jdbc:postgresql://localhost:5432/warehouse
    maximum-pool-size: 6
    idle-timeout: 300000
redis:
  uri: redis://localhost
  pool:
    max-total: 32
""",
}

PROJECTS["quarkus-named"] = {
    "pom.xml": "<project><artifactId>quarkus-app</artifactId></project>\n",
    "src/main/resources/application.properties": """\
quarkus.datasource.db-kind=postgresql
quarkus.datasource.jdbc.max-size=16
quarkus.datasource."users".db-kind=postgresql
quarkus.datasource."users".jdbc.max-size=8
quarkus.datasource."users".jdbc.min-size=1
%staging.quarkus.datasource."users".jdbc.max-size=4
%prod.quarkus.datasource.inventory.jdbc.max-size=30
%prod.quarkus.datasource.jdbc.acquisition-timeout=PT10S
quarkus.thread-pool.max-threads=200
quarkus.vertx.worker-pool-size=40
quarkus.rest-client."weather".connection-pool-size=50
quarkus.redis.max-pool-size=12
""",
}

PROJECTS["dropwizard"] = {
    "pom.xml": "<project><artifactId>dw</artifactId></project>\n",
    "config.yml": """\
server:
  maxThreads: 1024
  applicationConnectors:
    - type: http
      port: 8080
database:
  driverClass: org.postgresql.Driver
  user: pg-user
  url: jdbc:postgresql://db.example.com/db-prod
  maxWaitForConnection: 1s
  validationQuery: "/* MyService Health Check */ SELECT 1"
  minSize: 8
  maxSize: 32
  checkConnectionWhileIdle: false
httpClient:
  maxConnections: 1024
  maxConnectionsPerRoute: 1024
""",
}

PROJECTS["helidon"] = {
    "pom.xml": "<project><artifactId>helidon-mp</artifactId></project>\n",
    "src/main/resources/application.yaml": """\
server:
  port: 8080
javax:
  sql:
    DataSource:
      test:
        dataSourceClassName: org.h2.jdbcx.JdbcDataSource
        dataSource:
          url: jdbc:h2:mem:test
          user: sa
        maximumPoolSize: 9
""",
}

PROJECTS["vertx-tomcat"] = {
    "pom.xml": "<project><artifactId>legacy</artifactId></project>\n",
    "src/main/conf/config.json": '{"pg": {"host": "db", "maxSize": 20}}\n',
    "src/main/webapp/META-INF/context.xml": """\
<Context>
  <Resource name="jdbc/app" auth="Container" type="javax.sql.DataSource"
            maxTotal="50" maxIdle="10" maxWaitMillis="10000"/>
</Context>
""",
}

PROJECTS["helm-spring-app"] = {
    "chart/Chart.yaml": "apiVersion: v2\nname: orders\nversion: 1.0.0\n",
    "chart/values.yaml": """\
replicaCount: 3
image:
  repository: ghcr.io/acme/orders
extraEnv:
  - name: SPRING_PROFILES_ACTIVE
    value: prod
  - name: SPRING_DATASOURCE_HIKARI_MAXIMUMPOOLSIZE
    value: "20"
  - name: SPRING_DATASOURCE_HIKARI_CONNECTIONTIMEOUT
    value: "5000"
  - name: SPRING_TASK_EXECUTION_POOL_MAX_SIZE
    value: "32"
  - name: SERVER_TOMCAT_THREADS_MAX
    value: "400"
""",
    "chart/templates/deployment.yaml": """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ .Release.Name }}
spec:
  template:
    spec:
      containers:
        - name: app
          env:
            {{- toYaml .Values.extraEnv | nindent 12 }}
""",
}
