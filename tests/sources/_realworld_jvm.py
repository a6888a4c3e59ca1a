"""Whole config files as public projects write them: JVM services (Spring PetClinic, JHipster, Quarkus, Micronaut, Keycloak).

Written from those projects' own files (trimmed); read by test_realworld_battery.py."""

from __future__ import annotations

PROJECTS: dict[str, dict[str, str]] = {}

PROJECTS["petclinic"] = {
    "pom.xml": "<project/>\n",
    "src/main/resources/application.properties": """\
# database init, supports mysql too
database=h2
spring.sql.init.schema-locations=classpath*:db/${database}/schema.sql
spring.sql.init.data-locations=classpath*:db/${database}/data.sql

# Web
spring.thymeleaf.mode=HTML

# JPA
spring.jpa.hibernate.ddl-auto=none
spring.jpa.open-in-view=true

# Internationalization
spring.messages.basename=messages/messages

# Actuator
management.endpoints.web.exposure.include=*

# Logging
logging.level.org.springframework=INFO
# logging.level.org.springframework.web=DEBUG
# logging.level.org.springframework.context.annotation=TRACE

# Maximum time static resources should be cached
spring.web.resources.cache.cachecontrol.max-age=12h
""",
    "src/main/resources/application-mysql.properties": """\
# database init, supports mysql too
database=mysql
spring.datasource.url=${MYSQL_URL:jdbc:mysql://localhost/petclinic}
spring.datasource.username=${MYSQL_USER:petclinic}
spring.datasource.password=${MYSQL_PASS:petclinic}
# SQL is written to be idempotent so this is safe
spring.sql.init.mode=always
""",
    "src/main/resources/application-postgres.properties": """\
database=postgres
spring.datasource.url=${POSTGRES_URL:jdbc:postgresql://localhost/petclinic}
spring.datasource.username=${POSTGRES_USER:petclinic}
spring.datasource.password=${POSTGRES_PASS:petclinic}
spring.datasource.hikari.maximum-pool-size=${POSTGRES_POOL:12}
spring.datasource.hikari.connection-timeout=20000
# SQL is written to be idempotent so this is safe
spring.sql.init.mode=always
""",
    "docker-compose.yml": """\
services:
  mysql:
    image: mysql:8.4
    ports:
      - "3306:3306"
    environment:
      - MYSQL_ROOT_PASSWORD=
      - MYSQL_ALLOW_EMPTY_PASSWORD=true
      - MYSQL_USER=petclinic
      - MYSQL_PASSWORD=petclinic
      - MYSQL_DATABASE=petclinic
    volumes:
      - "./conf.d:/etc/mysql/conf.d:ro"
  postgres:
    image: postgres:17.0
    ports:
      - "5432:5432"
    environment:
      - POSTGRES_PASSWORD=petclinic
      - POSTGRES_USER=petclinic
      - POSTGRES_DB=petclinic
    command: postgres -c max_connections=200
""",
    "k8s/petclinic.yml": """\
---
apiVersion: v1
kind: Service
metadata:
  name: petclinic
spec:
  type: NodePort
  ports:
    - port: 80
      targetPort: 8080
  selector:
    app: petclinic
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: petclinic
  labels:
    app: petclinic
spec:
  replicas: 1
  selector:
    matchLabels:
      app: petclinic
  template:
    metadata:
      labels:
        app: petclinic
    spec:
      containers:
        - name: workload
          image: dsyer/petclinic
          env:
            - name: SPRING_PROFILES_ACTIVE
              value: postgres
            - name: SPRING_DATASOURCE_HIKARI_MAXIMUMPOOLSIZE
              value: "15"
            - name: SERVICE_BINDING_ROOT
              value: /bindings
            - name: SPRING_APPLICATION_JSON
              value: |-
                {
                  "management.endpoint.health.probes.add-additional-paths": true
                }
          ports:
            - name: http
              containerPort: 8080
          livenessProbe:
            httpGet:
              path: /livez
              port: http
""",
}

PROJECTS["jhipster"] = {
    "pom.xml": "<project/>\n",
    "src/main/resources/config/application.yml": """\
# ===================================================================
# Spring Boot configuration.
#
# This configuration will be overridden by the Spring profile you use,
# for example application-dev.yml if you use the "dev" profile.
#
# More information on profiles: https://www.jhipster.tech/profiles/
# More information on configuration properties: https://www.jhipster.tech/common-application-properties/
# ===================================================================

# ===================================================================
# Standard Spring Boot properties.
# Full reference is available at:
# http://docs.spring.io/spring-boot/docs/current/reference/html/common-application-properties.html
# ===================================================================

management:
  endpoints:
    web:
      base-path: /management
      exposure:
        include:
          - configprops
          - env
          - health
spring:
  application:
    name: jhipsterSampleApplication
  profiles:
    # The commented value for `active` can be replaced with valid Spring profiles to load.
    # Otherwise, it will be filled in by maven when building the JAR file
    # Either way, it can be overridden by `--spring.profiles.active` value passed in the commandline or `-Dspring.profiles.active` set in `JAVA_OPTS`
    active: '@spring.profiles.active@'
    group:
      dev:
        - dev
        - api-docs
  jmx:
    enabled: false
  data:
    jpa:
      repositories:
        bootstrap-mode: deferred
  jpa:
    open-in-view: false
    properties:
      hibernate.jdbc.time_zone: UTC
      hibernate.timezone.default_storage: NORMALIZE
      hibernate.type.preferred_instant_jdbc_type: TIMESTAMP
      hibernate.id.new_generator_mappings: true
      hibernate.connection.provider_disables_autocommit: true
      hibernate.cache.use_second_level_cache: true
      hibernate.cache.use_query_cache: false
      hibernate.generate_statistics: false
      # modify batch size as necessary
      hibernate.jdbc.batch_size: 25
      hibernate.order_inserts: true
      hibernate.order_updates: true
      hibernate.query.fail_on_pagination_over_collection_fetch: true
      hibernate.query.in_clause_parameter_padding: true
  messages:
    basename: i18n/messages
  main:
    allow-bean-definition-overriding: true
  task:
    execution:
      thread-name-prefix: jhipster-sample-application-task-
      pool:
        core-size: 2
        max-size: 50
        queue-capacity: 10000
    scheduling:
      thread-name-prefix: jhipster-sample-application-scheduling-
      pool:
        size: 2
  thymeleaf:
    mode: HTML
  output:
    ansi:
      console-available: true

server:
  servlet:
    session:
      cookie:
        http-only: true

# Properties to be exposed on the /info management endpoint
info:
  # Comma separated list of profiles that will trigger the ribbon to show
  display-ribbon-on-profiles: 'dev'

# ===================================================================
# JHipster specific properties
#
# Full reference is available at: https://www.jhipster.tech/common-application-properties/
# ===================================================================

jhipster:
  clientApp:
    name: 'jhipsterSampleApplicationApp'
  # By default CORS is disabled. Uncomment to enable.
  # cors:
  #   allowed-origins: "http://localhost:8100,http://localhost:9000"
  mail:
    from: jhipsterSampleApplication@localhost
  api-docs:
    default-include-pattern: /api/.*
  async:
    core-pool-size: 2
    max-pool-size: 50
    queue-capacity: 10000
""",
    "src/main/resources/config/application-dev.yml": """\
logging:
  level:
    ROOT: DEBUG
    tech.jhipster: DEBUG

spring:
  devtools:
    restart:
      enabled: true
      additional-exclude: static/**
    livereload:
      enabled: false # we use Webpack dev server + BrowserSync for livereload
  jackson:
    serialization:
      indent-output: true
  datasource:
    type: com.zaxxer.hikari.HikariDataSource
    url: jdbc:mysql://localhost:3306/jhipster?useUnicode=true&characterEncoding=utf8&useSSL=false&useLegacyDatetimeCode=false&createDatabaseIfNotExist=true
    username: root
    password:
    hikari:
      poolName: Hikari
      auto-commit: false
      data-source-properties:
        cachePrepStmts: true
        prepStmtCacheSize: 250
        prepStmtCacheSqlLimit: 2048
        useServerPrepStmts: true
  liquibase:
    # Remove 'faker' if you do not want the sample data to be loaded automatically
    contexts: dev, faker
  mail:
    host: localhost
    port: 25
""",
    "src/main/resources/config/application-prod.yml": """\
logging:
  level:
    ROOT: INFO
    tech.jhipster: INFO

management:
  prometheus:
    metrics:
      export:
        enabled: false

spring:
  devtools:
    restart:
      enabled: false
    livereload:
      enabled: false
  datasource:
    type: com.zaxxer.hikari.HikariDataSource
    url: jdbc:mysql://localhost:3306/jhipster?useUnicode=true&characterEncoding=utf8&useSSL=false&useLegacyDatetimeCode=false&createDatabaseIfNotExist=true
    username: root
    password:
    hikari:
      poolName: Hikari
      auto-commit: false
      maximum-pool-size: 20
      data-source-properties:
        cachePrepStmts: true
        prepStmtCacheSize: 250
        prepStmtCacheSqlLimit: 2048
        useServerPrepStmts: true
  # Replace by 'prod, faker' to add the faker context and have sample data loaded in production
  liquibase:
    contexts: prod
  mail:
    host: localhost
    port: 25
  thymeleaf:
    cache: true

server:
  port: 8080
  shutdown: graceful # see https://docs.spring.io/spring-boot/docs/current/reference/html/spring-boot-features.html#boot-features-graceful-shutdown
  compression:
    enabled: true
    mime-types: text/html,text/xml,text/plain,text/css,application/javascript,application/json,image/svg+xml
    min-response-size: 1024

jhipster:
  http:
    cache: # Used by the CachingHttpHeadersFilter
      timeToLiveInDays: 1461
  cache: # Cache configuration
    ehcache: # Ehcache configuration
      time-to-live-seconds: 3600 # By default objects stay 1 hour in the cache
      max-entries: 1000 # Number of objects in each cache entry
""",
    "src/main/resources/config/application-tls.yml": "server:\n  ssl:\n    key-store: classpath:config/tls/keystore.p12\n",
    "src/test/resources/config/application.yml": """\
spring:
  datasource:
    type: com.zaxxer.hikari.HikariDataSource
    url: jdbc:tc:mysql:8.0.33:///jhipster
    hikari:
      poolName: Hikari
      auto-commit: false
      maximum-pool-size: 1
""",
    "src/main/docker/app.yml": """\
# This configuration is intended for development purpose, it's **your** responsibility to harden it for production
name: jhipstersampleapplication
services:
  app:
    image: jhipstersampleapplication
    environment:
      - _JAVA_OPTIONS=-Xmx512m -Xms256m
      - SPRING_PROFILES_ACTIVE=prod,api-docs
      - MANAGEMENT_PROMETHEUS_METRICS_EXPORT_ENABLED=true
      - SPRING_DATASOURCE_URL=jdbc:mysql://mysql:3306/jhipstersampleapplication?useUnicode=true&characterEncoding=utf8&useSSL=false&useLegacyDatetimeCode=false&createDatabaseIfNotExist=true
      - SPRING_LIQUIBASE_URL=jdbc:mysql://mysql:3306/jhipstersampleapplication?useUnicode=true&characterEncoding=utf8&useSSL=false&useLegacyDatetimeCode=false&createDatabaseIfNotExist=true
      - SPRING_DATASOURCE_HIKARI_MAXIMUM_POOL_SIZE=30
    ports:
      - 127.0.0.1:8080:8080
    healthcheck:
      test:
        - CMD
        - curl
        - -f
        - http://localhost:8080/management/health
      interval: 5s
      timeout: 5s
      retries: 40
    depends_on:
      mysql:
        condition: service_healthy
  mysql:
    extends:
      file: ./mysql.yml
      service: mysql
""",
    "src/main/docker/mysql.yml": """\
name: jhipstersampleapplication
services:
  mysql:
    image: mysql:8.0.33
    volumes:
      - ./config/mysql:/etc/mysql/conf.d
    environment:
      - MYSQL_ALLOW_EMPTY_PASSWORD=yes
      - MYSQL_DATABASE=jhipstersampleapplication
    command: mysqld --lower_case_table_names=1 --skip-ssl --character_set_server=utf8mb4 --explicit_defaults_for_timestamp --max_connections=500
""",
}

PROJECTS["quarkus"] = {
    "pom.xml": "<project/>\n",
    "src/main/resources/application.properties": """\
# Configuration file
# key = value
quarkus.datasource.db-kind=postgresql
quarkus.datasource.username=quarkus_test
quarkus.datasource.password=quarkus_test
quarkus.datasource.jdbc.url=jdbc:postgresql://localhost:5432/quarkus_test
quarkus.datasource.jdbc.max-size=8
quarkus.datasource.jdbc.min-size=2
%prod.quarkus.datasource.jdbc.max-size=${DB_POOL_MAX:32}
%prod.quarkus.datasource.jdbc.acquisition-timeout=10S
%staging.quarkus.datasource.jdbc.max-size=16
%dev.quarkus.datasource.devservices.enabled=true
%test.quarkus.datasource.jdbc.max-size=2

# Reactive
quarkus.datasource.reactive.url=vertx-reactive:postgresql://localhost:5432/quarkus_test
quarkus.datasource.reactive.max-size=20
quarkus.datasource."users".db-kind=h2
quarkus.datasource."users".jdbc.max-size=12

# Look-alikes
quarkus.thread-pool.max-threads=200
quarkus.thread-pool.core-threads=8
quarkus.vertx.worker-pool-size=40
quarkus.vertx.event-loops-pool-size=4
quarkus.http.limits.max-connections=1000
quarkus.redis.max-pool-size=16
quarkus.redis.max-pool-waiting=64
quarkus.rest-client."org.acme.rest.client.ExtensionsService".connection-pool-size=50
quarkus.hibernate-orm.jdbc.statement-batch-size=50
quarkus.hibernate-orm.fetch.batch-size=16
quarkus.mongodb.max-pool-size=30
quarkus.kafka.devservices.enabled=false
# quarkus.datasource.jdbc.max-size=64
""",
    "src/main/kubernetes/kubernetes.yml": """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: quarkus-app
spec:
  replicas: 2
  template:
    spec:
      containers:
        - name: quarkus-app
          image: quay.io/acme/quarkus-app:1.0
          env:
            - name: QUARKUS_DATASOURCE_JDBC_MAX_SIZE
              value: "24"
            - name: QUARKUS_THREAD_POOL_MAX_THREADS
              value: "100"
            - name: QUARKUS_DATASOURCE_JDBC_URL
              valueFrom:
                secretKeyRef:
                  name: db
                  key: url
""",
}

PROJECTS["micronaut"] = {
    "build.gradle": "plugins {}\n",
    "src/main/resources/application.yml": """\
micronaut:
  application:
    name: demo
  server:
    thread-selection: AUTO
  executors:
    io:
      type: fixed
      nThreads: 75
  http:
    client:
      pool:
        enabled: true
        max-connections: 50
datasources:
  default:
    url: ${JDBC_URL:`jdbc:postgresql://localhost:5432/db`}
    username: ${JDBC_USER:db}
    password: ${JDBC_PASSWORD:""}
    driverClassName: ${JDBC_DRIVER:org.postgresql.Driver}
    maximum-pool-size: 10
    minimum-idle: 2
    connection-timeout: 30000
  warehouse:
    url: jdbc:postgresql://warehouse:5432/dw
    maximumPoolSize: ${WAREHOUSE_POOL:4}
netty:
  default:
    allocator:
      max-order: 3
redis:
  uri: redis://localhost
  pool:
    max-total: 32
jpa:
  default:
    properties:
      hibernate:
        jdbc:
          batch_size: 50
""",
    "src/main/resources/application-prod.yml": """\
datasources:
  default:
    maximum-pool-size: 40
""",
}

PROJECTS["keycloak"] = {
    "Dockerfile": "FROM quay.io/keycloak/keycloak:24.0\n",
    "docker-compose.yml": """\
services:
  postgres:
    image: postgres:16
    environment:
      POSTGRES_DB: keycloak
      POSTGRES_USER: keycloak
      POSTGRES_PASSWORD: password
  keycloak:
    image: quay.io/keycloak/keycloak:24.0
    command: start --optimized
    environment:
      KC_DB: postgres
      KC_DB_URL: jdbc:postgresql://postgres/keycloak
      KC_DB_USERNAME: keycloak
      KC_DB_PASSWORD: password
      KC_DB_POOL_INITIAL_SIZE: 5
      KC_DB_POOL_MIN_SIZE: 5
      KC_DB_POOL_MAX_SIZE: 50
      KC_HTTP_POOL_MAX_THREADS: 200
      KC_HOSTNAME: localhost
      KC_CACHE: ispn
    ports:
      - 8080:8080
    depends_on:
      - postgres
""",
    "k8s/keycloak.yaml": """\
apiVersion: k8s.keycloak.org/v2alpha1
kind: Keycloak
metadata:
  name: example-kc
spec:
  instances: 3
  db:
    vendor: postgres
    host: postgres-db
    usernameSecret:
      name: keycloak-db-secret
      key: username
    passwordSecret:
      name: keycloak-db-secret
      key: password
    poolInitialSize: 5
    poolMinSize: 5
    poolMaxSize: 30
  http:
    tlsSecret: example-tls-secret
  hostname:
    hostname: test.keycloak.org
  additionalOptions:
    - name: db-pool-max-size
      value: "30"
""",
}
