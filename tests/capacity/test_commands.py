"""Processes per replica from what a container runs: command lines, server config files and
WEB_CONCURRENCY, each with the place it was read from."""

from __future__ import annotations

import pytest

from poolaudit.capacity.commands import launch
from poolaudit.capacity.server_configs import config_workers, ruby_workers
from poolaudit.capacity.records import EnvValue, Source

WHERE = Source("Dockerfile CMD", "svc/Dockerfile", 9)
GUNICORN_ENV = 'import os\n\nbind = "0.0.0.0:8000"\nworkers = int(os.getenv("WEB_CONCURRENCY", "2"))\n'


def env(**values: str) -> dict[str, EnvValue]:
    return {k: EnvValue(k, v, "svc/deploy/production/deployment.yaml", 31) for k, v in values.items()}


def files(**texts: str):  # type: ignore[no-untyped-def]
    table = {name.replace("__", "/").replace("_dot_", "."): text for name, text in texts.items()}

    def find(names: tuple[str, ...]) -> tuple[str, str] | None:
        for name in names:
            if name in table:
                return f"svc/{name}", table[name]
        return None

    return find


NONE = files()


@pytest.mark.parametrize(
    ("command", "variables", "find", "server", "count", "provenance"),
    [
        pytest.param(["gunicorn", "-w", "4", "app:app"], {}, NONE, "gunicorn", 4,
                     "gunicorn --workers 4 (svc/Dockerfile:9)", id="gunicorn-w-4"),
        pytest.param(["gunicorn", "--workers=3", "app:app"], {}, NONE, "gunicorn", 3,
                     "gunicorn --workers 3 (svc/Dockerfile:9)", id="gunicorn-workers-equals"),
        pytest.param(["gunicorn", "-w4", "app:app"], {}, NONE, "gunicorn", 4,
                     "gunicorn --workers 4 (svc/Dockerfile:9)", id="gunicorn-w4-glued"),
        pytest.param(["gunicorn", "-w", "${WEB_CONCURRENCY:-3}", "app:app"], {}, NONE, "gunicorn", 3,
                     "gunicorn --workers default of WEB_CONCURRENCY 3 (svc/Dockerfile:9)", id="flag-variable-default"),
        pytest.param(["gunicorn", "-w", "$WEB_CONCURRENCY", "app:app"], env(WEB_CONCURRENCY="6"), NONE, "gunicorn", 6,
                     "WEB_CONCURRENCY 6 (svc/deploy/production/deployment.yaml:31) read by gunicorn --workers (svc/Dockerfile:9)",
                     id="flag-variable-set-by-the-manifest"),
        pytest.param(["gunicorn", "-c", "gunicorn.conf.py", "app.main:app"], env(WEB_CONCURRENCY="2"),
                     files(gunicorn_dot_conf_dot_py=GUNICORN_ENV), "gunicorn", 2,
                     "WEB_CONCURRENCY 2 (svc/deploy/production/deployment.yaml:31) read by gunicorn workers (svc/gunicorn.conf.py:4)",
                     id="gunicorn-config-reads-WEB_CONCURRENCY"),
        pytest.param(["gunicorn", "app.main:app"], {}, files(gunicorn_dot_conf_dot_py=GUNICORN_ENV), "gunicorn", 2,
                     "gunicorn workers default of WEB_CONCURRENCY 2 (svc/gunicorn.conf.py:4)", id="default-config-file-default"),
        pytest.param(["gunicorn", "app.main:app"], {}, files(gunicorn_conf_dot_py="workers = 5\n"), "gunicorn", 5,
                     "gunicorn workers 5 (svc/gunicorn_conf.py:1)", id="gunicorn_conf.py-literal"),
        pytest.param(["gunicorn", "app:app"], {}, files(gunicorn_dot_conf_dot_py="import multiprocessing\nworkers = multiprocessing.cpu_count() * 2 + 1\n"),
                     "gunicorn", None, "gunicorn workers (computed, e.g. from the CPU count) (svc/gunicorn.conf.py:2)", id="cpu-count-unknown"),
        pytest.param(["gunicorn", "app:app"], env(WEB_CONCURRENCY="3"), NONE, "gunicorn", 3,
                     "WEB_CONCURRENCY 3 (svc/deploy/production/deployment.yaml:31) read by gunicorn workers (svc/Dockerfile:9)",
                     id="gunicorn-reads-WEB_CONCURRENCY-itself"),
        pytest.param(["gunicorn", "app:app"], env(GUNICORN_CMD_ARGS="--workers 5 --timeout 30"), NONE, "gunicorn", 5,
                     "GUNICORN_CMD_ARGS --workers 5 (svc/deploy/production/deployment.yaml:31)", id="GUNICORN_CMD_ARGS"),
        pytest.param(["gunicorn", "app:app"], {}, NONE, "gunicorn", 1, "gunicorn default of 1 worker (svc/Dockerfile:9)",
                     id="gunicorn-default-1"),
        pytest.param(["uvicorn", "app.main:app", "--host", "0.0.0.0", "--workers", "1"], {}, NONE, "uvicorn", 1,
                     "uvicorn --workers 1 (svc/Dockerfile:9)", id="uvicorn-workers-1"),
        pytest.param(["uvicorn", "app.main:app"], env(WEB_CONCURRENCY="4"), NONE, "uvicorn", 4,
                     "WEB_CONCURRENCY 4 (svc/deploy/production/deployment.yaml:31) read by uvicorn workers (svc/Dockerfile:9)",
                     id="uvicorn-reads-WEB_CONCURRENCY"),
        pytest.param(["python", "-m", "uvicorn", "app:app", "--workers", "3"], {}, NONE, "uvicorn", 3,
                     "uvicorn --workers 3 (svc/Dockerfile:9)", id="python-m-uvicorn"),
        pytest.param(["sh", "-c", "alembic upgrade head && exec gunicorn -w 4 app:app"], {}, NONE, "gunicorn", 4,
                     "gunicorn --workers 4 (svc/Dockerfile:9)", id="sh-c-migrate-then-exec"),
        pytest.param(["tini", "--", "ddtrace-run", "gunicorn", "-w", "2", "app:app"], {}, NONE, "gunicorn", 2,
                     "gunicorn --workers 2 (svc/Dockerfile:9)", id="wrappers"),
        pytest.param(["bundle", "exec", "puma", "-C", "config/puma.rb"], {},
                     files(config__puma_dot_rb='workers ENV.fetch("WEB_CONCURRENCY") { 2 }\n'), "puma", 2,
                     "puma workers default of WEB_CONCURRENCY 2 (svc/config/puma.rb:1)", id="puma-fetch-block-default"),
        pytest.param(["bundle", "exec", "puma", "-C", "config/puma.rb"], env(WEB_CONCURRENCY="4"),
                     files(config__puma_dot_rb='workers ENV.fetch("WEB_CONCURRENCY") { 2 }\n'), "puma", 4,
                     "WEB_CONCURRENCY 4 (svc/deploy/production/deployment.yaml:31) read by puma workers (svc/config/puma.rb:1)",
                     id="puma-fetch-set"),
        pytest.param(["bin/rails", "server"], {}, files(config__puma_dot_rb="workers 3\n"), "puma", 3,
                     "puma workers 3 (svc/config/puma.rb:1)", id="rails-server-runs-puma"),
        pytest.param(["puma", "-w", "5"], {}, NONE, "puma", 5, "puma --workers 5 (svc/Dockerfile:9)", id="puma-w"),
        pytest.param(["bundle", "exec", "puma"], {}, files(config__puma_dot_rb="threads 5, 5\n"), "puma", 1,
                     "puma single mode (no workers setting) (svc/Dockerfile:9)", id="puma-single-mode"),
        pytest.param(["bundle", "exec", "sidekiq", "-C", "config/sidekiq.yml"], {}, NONE, "sidekiq", 1,
                     "sidekiq processes (svc/Dockerfile:9)", id="sidekiq-one-process"),
        pytest.param(["bundle", "exec", "sidekiqswarm"], env(SIDEKIQ_COUNT="4"), NONE, "sidekiq", 4,
                     "SIDEKIQ_COUNT 4 (svc/deploy/production/deployment.yaml:31) read by sidekiq processes (svc/Dockerfile:9)",
                     id="sidekiq-swarm-count"),
        pytest.param(["celery", "-A", "app", "worker", "--concurrency=8"], {}, NONE, "celery", 8,
                     "celery --concurrency 8 (svc/Dockerfile:9)", id="celery-prefork-8"),
        pytest.param(["celery", "-A", "app", "worker", "-P", "gevent", "-c", "100"], {}, NONE, "celery", 1,
                     "celery --pool gevent (one process) (svc/Dockerfile:9)", id="celery-gevent-one-process"),
        pytest.param(["java", "-jar", "app.jar"], {}, NONE, "", 1, "one process (java) (svc/Dockerfile:9)", id="jvm"),
        pytest.param([], {}, files(config__puma_dot_rb="workers 2\n"), "puma", 2, "puma workers 2 (svc/config/puma.rb:1)",
                     id="no-command-config-file-tells"),
    ],
)  # fmt: skip
def test_launch(command: list[str], variables: dict[str, EnvValue], find, server: str, count: int | None, provenance: str) -> None:  # type: ignore[no-untyped-def]
    started = launch(command, WHERE, variables, find)
    assert (started.server, started.processes.value, started.processes.provenance) == (server, count, provenance)


@pytest.mark.parametrize(
    ("command", "serves"),
    [
        pytest.param(["gunicorn", "app:app"], True, id="web"),
        pytest.param(["bundle", "exec", "sidekiq"], False, id="sidekiq"),
        pytest.param(["celery", "-A", "x", "worker"], False, id="celery"),
        pytest.param(["rq", "worker"], False, id="rq"),
    ],
)
def test_queue_workers_serve_no_traffic(command: list[str], serves: bool) -> None:
    assert launch(command, WHERE, {}, NONE).serves_traffic is serves


@pytest.mark.parametrize(
    ("text", "value"),
    [
        pytest.param("workers = 4\n", 4, id="literal"),
        pytest.param('import os\nworkers = int(os.environ.get("WEB_CONCURRENCY", 3))\n', 3, id="environ-get"),
        pytest.param("N = 2\nworkers = N * 2 + 1\n", 5, id="constant-arithmetic-2*2+1=5"),
        pytest.param('workers = max(int(os.getenv("W", "1")), 2)\n', 2, id="max"),
        pytest.param("bind = ':8000'\n", None, id="no-workers"),
        pytest.param("workers = (\n", None, id="syntax-error"),
    ],
)
def test_gunicorn_config(text: str, value: int | None) -> None:
    count = config_workers(text, "gunicorn.conf.py", {})
    assert (count.value if count is not None else None) == value


@pytest.mark.parametrize(
    ("text", "variables", "value"),
    [
        pytest.param("workers 2\n", {}, 2, id="literal"),
        pytest.param("workers 0\n", {}, 1, id="zero-is-single-mode"),
        pytest.param("workers ENV.fetch('WEB_CONCURRENCY', 3)\n", {}, 3, id="fetch-argument-default"),
        pytest.param('workers Integer(ENV["WEB_CONCURRENCY"] || 2)\n', {}, 2, id="or-default"),
        pytest.param('workers Integer(ENV["WEB_CONCURRENCY"] || 2)\n', env(WEB_CONCURRENCY="5"), 5, id="or-set"),
        pytest.param(
            'worker_count = Integer(ENV.fetch("WEB_CONCURRENCY") { Concurrent.physical_processor_count })\n'
            "workers worker_count if worker_count > 1\n", {}, None, id="rails-template-cpu-count-unknown",
        ),
        pytest.param(
            'worker_count = Integer(ENV.fetch("WEB_CONCURRENCY") { 1 })\nworkers worker_count if worker_count > 1\n',
            env(WEB_CONCURRENCY="3"), 3, id="rails-template-set",
        ),
        pytest.param("# workers 4\nthreads 5, 5\n", {}, None, id="commented-out"),
        pytest.param("worker_processes 4\n", {}, 4, id="unicorn"),
    ],
)  # fmt: skip
def test_ruby_workers(text: str, variables: dict[str, EnvValue], value: int | None) -> None:
    count = ruby_workers(text, "config/puma.rb", variables)
    assert (count.value if count is not None else None) == value
