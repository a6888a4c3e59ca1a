"""What a Dockerfile's last stage runs and sets, a Procfile's process types, env files."""

from __future__ import annotations

import pytest

from poolaudit.capacity.entrypoints import dockerfile, env_file, procfile


@pytest.mark.parametrize(
    ("text", "command", "where"),
    [
        pytest.param('FROM python\nCMD ["gunicorn", "-w", "4", "app:app"]\n', ["gunicorn", "-w", "4", "app:app"],
                     "Dockerfile CMD (svc/Dockerfile:2)", id="exec-form"),
        pytest.param("FROM python\nCMD gunicorn -w 4 app:app\n", ["sh", "-c", "gunicorn -w 4 app:app"],
                     "Dockerfile CMD (svc/Dockerfile:2)", id="shell-form"),
        pytest.param('FROM python AS build\nCMD ["pytest"]\nFROM python\nENTRYPOINT ["uvicorn", "app:app"]\n',
                     ["uvicorn", "app:app"], "Dockerfile ENTRYPOINT (svc/Dockerfile:4)", id="last-stage-counts"),
        pytest.param('FROM python\nENTRYPOINT ["tini", "--"]\nCMD ["gunicorn", "app:app"]\n', ["tini", "--", "gunicorn", "app:app"],
                     "Dockerfile CMD (svc/Dockerfile:3)", id="entrypoint-plus-cmd"),
        pytest.param('FROM python\nENTRYPOINT ["/docker-entrypoint.sh"]\nCMD ["puma", "-w", "2"]\n', ["puma", "-w", "2"],
                     "Dockerfile CMD (svc/Dockerfile:3)", id="entrypoint-script-then-cmd"),
        pytest.param('FROM python\n# CMD ["gunicorn"]\nCMD ["gunicorn", \\\n     "-w", "3", "app:app"]\n',
                     ["gunicorn", "-w", "3", "app:app"], "Dockerfile CMD (svc/Dockerfile:3)", id="continuation-and-comment"),
        pytest.param("FROM python\nRUN pip install .\n", [], "None", id="no-command"),
    ],
)  # fmt: skip
def test_dockerfile_command(text: str, command: list[str], where: str) -> None:
    image = dockerfile(text, "svc/Dockerfile")
    assert (image.command, str(image.where)) == (command, where)


def test_dockerfile_env_both_forms() -> None:
    image = dockerfile('FROM python\nENV WEB_CONCURRENCY=4 PYTHONUNBUFFERED=1\nENV DB_POOL_SIZE 12\nENV Q="a b"\n', "Dockerfile")
    assert {k: (v.text, v.line) for k, v in image.env.items()} == {
        "WEB_CONCURRENCY": ("4", 2), "PYTHONUNBUFFERED": ("1", 2), "DB_POOL_SIZE": ("12", 3), "Q": ("a b", 4),
    }  # fmt: skip


def test_procfile_types_without_release() -> None:
    found = procfile("web: bundle exec puma -C config/puma.rb\n# old: x\nworker: bundle exec sidekiq\nrelease: rails db:migrate\n", "Procfile")
    assert [(name, command, str(where)) for name, command, where in found] == [
        ("web", ["bundle", "exec", "puma", "-C", "config/puma.rb"], "Procfile web (Procfile:1)"),
        ("worker", ["bundle", "exec", "sidekiq"], "Procfile worker (Procfile:3)"),
    ]


def test_env_file() -> None:
    found = env_file('# pool\nexport WEB_CONCURRENCY=3\nDB_POOL_SIZE="8"  # per worker\nBROKEN LINE\n', ".env.production")
    assert {k: (v.text, v.line) for k, v in found.items()} == {"WEB_CONCURRENCY": ("3", 2), "DB_POOL_SIZE": ("8", 3)}
