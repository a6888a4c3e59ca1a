"""A Spring `hikari:` block without a maximum pool size gets the key added at the block's
indentation, in the siblings' spelling and the file's line ending, when the policy's minimum is
above HikariCP's default of 10: the exact unified diff, the bytes written, and a second run that
changes nothing.  Under the default policy (production minimum 10) the default is compliant and
the file is left byte-identical."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from poolaudit import changelog
from poolaudit.cli import app

from .conftest import make_tree, run_fix, tree_bytes

APP = "src/main/resources/application.yml"
POM = {"pom.xml": "<project/>\n"}
MIN_20 = {".poolaudit.yaml": "pools:\n  environments:\n    production:\n      min_size: 20\n"}
HEAD = f"--- a/{APP}\n+++ b/{APP}\n"

CASES = [
    pytest.param(
        "spring:\n  datasource:\n    hikari:\n      minimum-idle: 2\n      connection-timeout: 30000\n"
        "  jpa:\n    open-in-view: false\n",
        HEAD + "@@ -3,5 +3,6 @@\n"
        "     hikari:\n"
        "       minimum-idle: 2\n"
        "       connection-timeout: 30000\n"
        "+      maximum-pool-size: 20\n"
        "   jpa:\n"
        "     open-in-view: false\n",
        "spring:\n  datasource:\n    hikari:\n      minimum-idle: 2\n      connection-timeout: 30000\n"
        "      maximum-pool-size: 20\n  jpa:\n    open-in-view: false\n",
        "maximum-pool-size",
        id="lf-kebab-siblings",
    ),
    pytest.param(
        "spring:\r\n  datasource:\r\n    hikari:\r\n      minimumIdle: 2\r\n      connectionTimeout: 30000\r\n",
        HEAD + "@@ -3,3 +3,4 @@\n"
        "     hikari:\r\n"
        "       minimumIdle: 2\r\n"
        "       connectionTimeout: 30000\r\n"
        "+      maximumPoolSize: 20\r\n",
        "spring:\r\n  datasource:\r\n    hikari:\r\n      minimumIdle: 2\r\n      connectionTimeout: 30000\r\n"
        "      maximumPoolSize: 20\r\n",
        "maximumPoolSize",
        id="crlf-camel-siblings",
    ),
    pytest.param(
        "spring:\r\n  datasource:\r\n    hikari:\r\n      minimum-idle: 2\r\n      connection-timeout: 30000\r\n"
        "server:\r\n  port: 8080\r\n",
        HEAD + "@@ -3,5 +3,6 @@\n"
        "     hikari:\r\n"
        "       minimum-idle: 2\r\n"
        "       connection-timeout: 30000\r\n"
        "+      maximum-pool-size: 20\r\n"
        " server:\r\n"
        "   port: 8080\r\n",
        "spring:\r\n  datasource:\r\n    hikari:\r\n      minimum-idle: 2\r\n      connection-timeout: 30000\r\n"
        "      maximum-pool-size: 20\r\nserver:\r\n  port: 8080\r\n",
        "maximum-pool-size",
        id="crlf-kebab-siblings",
    ),
    pytest.param(
        "spring:\n    datasource:\n        hikari:\n            minimumIdle: 2\n            connectionTimeout: 30000\n",
        HEAD + "@@ -3,3 +3,4 @@\n"
        "         hikari:\n"
        "             minimumIdle: 2\n"
        "             connectionTimeout: 30000\n"
        "+            maximumPoolSize: 20\n",
        "spring:\n    datasource:\n        hikari:\n            minimumIdle: 2\n            connectionTimeout: 30000\n"
        "            maximumPoolSize: 20\n",
        "maximumPoolSize",
        id="lf-camel-siblings-four-space-indent",
    ),
    pytest.param(
        "spring:\n  datasource:\n    url: jdbc:postgresql://db/app\n    hikari:\n"
        "      connection-timeout: 30000  # keep below the load balancer's 60 s\n# web\nserver:\n  port: 8080\n",
        HEAD + "@@ -3,6 +3,7 @@\n"
        "     url: jdbc:postgresql://db/app\n"
        "     hikari:\n"
        "       connection-timeout: 30000  # keep below the load balancer's 60 s\n"
        "+      maximum-pool-size: 20\n"
        " # web\n"
        " server:\n"
        "   port: 8080\n",
        "spring:\n  datasource:\n    url: jdbc:postgresql://db/app\n    hikari:\n"
        "      connection-timeout: 30000  # keep below the load balancer's 60 s\n      maximum-pool-size: 20\n"
        "# web\nserver:\n  port: 8080\n",
        "maximum-pool-size",
        id="trailing-comment-on-the-last-line-kept",
    ),
    pytest.param(
        "spring:\n  datasource.hikari:\n    connection-timeout: 30000",
        HEAD + "@@ -1,3 +1,4 @@\n"
        " spring:\n"
        "   datasource.hikari:\n"
        "-    connection-timeout: 30000\n"
        "\\ No newline at end of file\n"
        "+    connection-timeout: 30000\n"
        "+    maximum-pool-size: 20\n"
        "\\ No newline at end of file\n",
        "spring:\n  datasource.hikari:\n    connection-timeout: 30000\n    maximum-pool-size: 20",
        "maximum-pool-size",
        id="partly-dotted-no-trailing-newline-kept",
    ),
]


@pytest.mark.parametrize(("text", "diff", "after", "name"), CASES)
def test_missing_size_is_added_at_the_blocks_indentation(
    service: Path, text: str, diff: str, after: str, name: str
) -> None:
    make_tree(service, {**POM, **MIN_20, APP: text})
    before = tree_bytes(service)
    preview = run_fix(service, write=False)
    assert changelog.diff(preview) == diff
    assert tree_bytes(service) == before
    report = run_fix(service, write=True)
    assert [(c.key, c.old, c.new) for c in report.changes] == [(f"spring.datasource.hikari.{name}", "", "20")]
    assert report.refused == []
    assert (service / APP).read_bytes() == after.encode()
    again = run_fix(service, write=True)
    assert again.new_texts == {} and again.written == []


def test_cli_fix_diff_shows_the_insertion(service: Path) -> None:
    text, diff = CASES[0].values[0], CASES[0].values[1]
    make_tree(service, {**POM, **MIN_20, APP: text})
    runner = CliRunner()
    preview = runner.invoke(app, ["fix", "--diff", str(service)])
    assert preview.exit_code == 1, preview.output
    assert preview.stdout == diff


NO_OP = [
    pytest.param({**POM, APP: "spring:\n  datasource:\n    hikari:\n      minimum-idle: 2\n      connection-timeout: 30000\n"},
                 id="default-policy-hikari-default-is-compliant"),
    pytest.param({**POM, **MIN_20, "config/application-test.yml": (
        "spring:\n  datasource:\n    hikari:\n      connection-timeout: 30000\n")}, id="test-profile-not-edited"),
    pytest.param({**POM, **MIN_20, APP: "spring:\n  datasource:\n    hikari: {connection-timeout: 30000}\n"},
                 id="flow-mapping-not-edited"),
    pytest.param({**POM, **MIN_20, APP: "spring:\n  datasource:\n    tomcat:\n      max-wait: 30000\n"},
                 id="tomcat-block-not-edited"),
    pytest.param({**POM, **MIN_20, APP: "spring:\n  datasource:\n    hikari:\n      maximum-pool-size: 25\n      connection-timeout: 30000\n"},
                 id="size-already-written"),
]


@pytest.mark.parametrize("files", NO_OP)
def test_no_insertion_comes_out_byte_identical(service: Path, files: dict[str, str]) -> None:
    make_tree(service, files)
    before = tree_bytes(service)
    report = run_fix(service, write=True)
    assert report.new_texts == {}
    assert report.written == []
    assert tree_bytes(service) == before
