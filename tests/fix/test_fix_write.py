"""Writing a fixed file: atomic, exact bytes, mode kept, and refused rather than lose data."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from poolaudit.write import WriteRefused, snapshot, write


def test_writes_atomically_and_keeps_the_mode(tmp_path: Path) -> None:
    path = tmp_path / "app.env"
    path.write_bytes(b"DB_POOL_SIZE=3\n")
    path.chmod(0o640)
    snap = snapshot(path, "env")
    assert write(snap, b"DB_POOL_SIZE=10\n") is True
    assert path.read_bytes() == b"DB_POOL_SIZE=10\n"
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    assert sorted(p.name for p in tmp_path.iterdir()) == ["app.env"]  # no temporary file left


def test_nothing_written_when_nothing_changed(tmp_path: Path) -> None:
    path = tmp_path / ".env"
    path.write_bytes(b"A=1\n")
    before = path.stat().st_mtime_ns, path.stat().st_ino
    assert write(snapshot(path, "env"), b"A=1\n") is False
    assert (path.stat().st_mtime_ns, path.stat().st_ino) == before


def test_a_file_changed_on_disk_since_it_was_read_is_not_overwritten(tmp_path: Path) -> None:
    path = tmp_path / ".env"
    path.write_bytes(b"DB_POOL_SIZE=3\n")
    snap = snapshot(path, "env")
    path.write_bytes(b"DB_POOL_SIZE=3\nOTHER=1\n")  # someone else's edit
    with pytest.raises(WriteRefused, match="changed on disk"):
        write(snap, b"DB_POOL_SIZE=10\n")
    assert path.read_bytes() == b"DB_POOL_SIZE=3\nOTHER=1\n"


def test_read_only_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / ".env"
    path.write_bytes(b"DB_POOL_SIZE=3\n")
    path.chmod(0o444)
    with pytest.raises(WriteRefused, match="read-only"):
        write(snapshot(path, "env"), b"DB_POOL_SIZE=10\n")
    assert path.read_bytes() == b"DB_POOL_SIZE=3\n"


def test_symlink_is_not_written_through(tmp_path: Path) -> None:
    real = tmp_path / "shared.env"
    real.write_bytes(b"DB_POOL_SIZE=3\n")
    link = tmp_path / ".env"
    link.symlink_to(real)
    with pytest.raises(WriteRefused, match="symbolic link"):
        write(snapshot(link, "env"), b"DB_POOL_SIZE=10\n")
    assert link.is_symlink()
    assert real.read_bytes() == b"DB_POOL_SIZE=3\n"


def test_bom_and_encoding_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "a.yml"
    path.write_bytes(b"\xef\xbb\xbfpool: 5\r\n")
    snap = snapshot(path, "yaml")
    assert snap.text == "pool: 5\r\n"  # what the sources saw: no BOM, CRLF as is
    assert snap.encode("pool: 10\r\n") == b"\xef\xbb\xbfpool: 10\r\n"


def test_python_coding_cookie(tmp_path: Path) -> None:
    path = tmp_path / "db.py"
    data = "# -*- coding: latin-1 -*-\nNAME = 'café'\nPOOL = 3\n".encode("latin-1")
    path.write_bytes(data)
    snap = snapshot(path, "python")
    assert snap.encoding != "utf-8"
    assert snap.encode(snap.text.replace("POOL = 3", "POOL = 10")) == data.replace(b"POOL = 3", b"POOL = 10")


def test_unwritable_folder_is_refused(tmp_path: Path) -> None:
    if os.geteuid() == 0:
        pytest.skip("root writes into any folder")
    folder = tmp_path / "locked"
    folder.mkdir()
    path = folder / ".env"
    path.write_bytes(b"A=1\n")
    folder.chmod(0o555)
    try:
        with pytest.raises(WriteRefused):
            write(snapshot(path, "env"), b"A=2\n")
    finally:
        folder.chmod(0o755)
