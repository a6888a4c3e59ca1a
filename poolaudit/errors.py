"""The few exceptions that cross module boundaries; per-file problems become `Skipped` instead."""

from __future__ import annotations


class PoolauditError(Exception):
    """Base class: a problem the user can act on (exit status 2 unless said otherwise)."""

    exit_code = 2


class PolicyError(PoolauditError):
    """A policy file that does not load or validate; names the file, line and field."""

    def __init__(self, message: str, path: str | None = None, line: int | None = None) -> None:
        where = path if path else ""
        if path and line:
            where = f"{path}:{line}"
        super().__init__(f"{where}: {message}" if where else message)
        self.path = path
        self.line = line


class SourceError(PoolauditError):
    """A file that cannot be parsed; carries the line where the parser stopped."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.line = line


class FixError(PoolauditError):
    """An edit that cannot be made safely."""


class GitError(PoolauditError):
    """A git operation that cannot be done as asked."""
