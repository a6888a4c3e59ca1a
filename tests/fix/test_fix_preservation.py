"""The user's details survive a fix, each pinned by a named test: only the value bytes change."""

from __future__ import annotations

import stat
from pathlib import Path

from .conftest import make_tree, run_fix

HIKARI = "spring:\n  datasource:\n    hikari:\n      maximum-pool-size: {v}\n      connection-timeout: 30000\n"


def fixed(service: Path, rel: str, data: bytes, extra: dict[str, str] | None = None) -> bytes:
    make_tree(service, {**(extra or {}), rel: data})
    run_fix(service, write=True)
    return (service / rel).read_bytes()


def test_keeps_double_quotes(service: Path) -> None:
    assert fixed(service, ".env", b'DB_POOL_SIZE="3"\n') == b'DB_POOL_SIZE="10"\n'


def test_keeps_single_quotes(service: Path) -> None:
    data = b"deploy:\n  env:\n    - name: DB_POOL_SIZE\n      value: '3'\n"
    assert fixed(service, "k8s/deployment.yaml", data) == data.replace(b"'3'", b"'10'")


def test_keeps_bare_values_bare(service: Path) -> None:
    assert fixed(service, "config.toml", b"[database]\npool_size = 3\npool_timeout = 30\n") == (
        b"[database]\npool_size = 10\npool_timeout = 30\n"
    )


def test_keeps_trailing_comment(service: Path) -> None:
    data = b"[database]\npool_size = 3 # see INC-7 \npool_timeout = 30\n"
    assert fixed(service, "config.toml", data) == data.replace(b"= 3 #", b"= 10 #")


def test_keeps_crlf(service: Path) -> None:
    data = HIKARI.format(v=4).replace("\n", "\r\n").encode()
    out = fixed(service, "src/main/resources/application.yml", data, {"pom.xml": "<p/>"})
    assert out == data.replace(b"size: 4\r\n", b"size: 10\r\n")
    assert out.count(b"\r\n") == data.count(b"\r\n") and out.count(b"\n") == data.count(b"\n")


def test_keeps_mixed_line_endings(service: Path) -> None:
    data = b"# db\r\nDB_POOL_SIZE=3\nDB_MAX_OVERFLOW=10\r\nOTHER=x\r"
    assert fixed(service, ".env", data) == b"# db\r\nDB_POOL_SIZE=10\nDB_MAX_OVERFLOW=10\r\nOTHER=x\r"


def test_keeps_bom(service: Path) -> None:
    data = b"\xef\xbb\xbf" + HIKARI.format(v=4).encode()
    out = fixed(service, "src/main/resources/application.yml", data, {"pom.xml": "<p/>"})
    assert out == data.replace(b"size: 4", b"size: 10")
    assert out.startswith(b"\xef\xbb\xbf")


def test_keeps_tabs_and_odd_spacing(service: Path) -> None:
    data = b"spring.datasource.hikari.maximum-pool-size\t=   \t4\t  \nspring.datasource.hikari.connection-timeout :30000\n"
    out = fixed(service, "src/main/resources/application.properties", data, {"pom.xml": "<p/>"})
    assert out == data.replace(b"\t4\t", b"\t10\t")


def test_keeps_missing_trailing_newline(service: Path) -> None:
    assert fixed(service, ".env", b"DB_POOL_SIZE=3") == b"DB_POOL_SIZE=10"


def test_keeps_file_mode(service: Path) -> None:
    path = make_tree(service, {".env": "DB_POOL_SIZE=3\n"}) / ".env"
    path.chmod(0o600)
    run_fix(service, write=True)
    assert path.read_bytes() == b"DB_POOL_SIZE=10\n"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_keeps_executable_bit(service: Path) -> None:
    path = make_tree(service, {"pyproject.toml": "[project]\nname='x'\n", "manage.py": (
        "#!/usr/bin/env python\nfrom sqlalchemy import create_engine\n"
        "engine = create_engine(URL, pool_size=3, max_overflow=10, pool_timeout=30, pool_recycle=1800)\n")}) / "manage.py"
    path.chmod(0o755)
    run_fix(service, write=True)
    assert b"pool_size=10," in path.read_bytes()
    assert stat.S_IMODE(path.stat().st_mode) == 0o755


def test_keeps_key_order_indentation_and_other_values(service: Path) -> None:
    data = (
        b"spring:\n    datasource:\n        url: jdbc:postgresql://db/app\n        hikari:\n"
        b"            minimum-idle: 2\n            maximum-pool-size: 4\n            connection-timeout: 30000\n"
    )
    out = fixed(service, "src/main/resources/application.yml", data, {"pom.xml": "<p/>"})
    assert out == data.replace(b"maximum-pool-size: 4", b"maximum-pool-size: 10")


def test_keeps_non_ascii_text_around_the_value(service: Path) -> None:
    data = "# Größe für den Pool – bitte nicht ändern 🙂\nDB_POOL_SIZE=3  # ☃\n".encode()
    assert fixed(service, ".env", data) == data.replace(b"=3 ", b"=10 ")
