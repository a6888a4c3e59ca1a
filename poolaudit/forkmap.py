"""Map a function over many items on several processes, this one included.

Why not `concurrent.futures`: on a monorepo the pool's costs were a third of the scan.  Every
chunk of work and every result was pickled through queues and a manager thread while this
process sat waiting.  Here each forked child inherits the items (nothing is sent to it), takes
every n-th one, and sends back only the results worth keeping, in one piece.  This process does
a share of its own meanwhile, so two cores run two workers, not two workers and a waiter.

A child that fails (killed, out of memory, a bug) costs only time: its share is redone here,
where an error surfaces with its traceback.
"""

from __future__ import annotations

import gc
import os
import pickle
import signal
import sys
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

T = TypeVar("T")
R = TypeVar("R")


def can_fork() -> bool:
    return hasattr(os, "fork") and sys.platform != "win32"


def fork_map(
    func: Callable[[T], R | None],
    items: Sequence[T],
    jobs: int,
    progress: Callable[[int, int], None] | None = None,
) -> list[R]:
    """`func` over `items`, results in item order; None results are dropped."""
    if jobs <= 1 or len(items) < 2 or not can_fork():
        return [result for _, result in _share(func, items, 0, 1, progress)]
    children: list[tuple[int, int, int]] = []  # (pid, read end, share)
    # Children inherit this heap; frozen, their collector neither walks it nor dirties its pages.
    gc.freeze()
    try:
        for share in range(1, jobs):
            read, write = os.pipe()
            pid = os.fork()
            if pid == 0:  # pragma: no cover - runs in the child, reported through the pipe
                os.close(read)
                _child(func, items, share, jobs, write)
            os.close(write)
            children.append((pid, read, share))
        parts = [_share(func, items, 0, jobs, progress)]
        while children:
            pid, read, share = children[0]
            answer = _collect(pid, read)
            children.pop(0)
            parts.append(answer if answer is not None else _share(func, items, share, jobs, None))
    finally:
        gc.unfreeze()
        for pid, read, _ in children:  # interrupted: the children's work is not wanted
            _stop(pid, read)
    return _interleave(parts)


def _share(
    func: Callable[[T], R | None],
    items: Sequence[T],
    share: int,
    jobs: int,
    progress: Callable[[int, int], None] | None,
) -> list[tuple[int, R]]:
    """Items share, share+jobs, ... as (index, result) pairs.  Striding rather than slicing:
    items come sorted by path, and neighbouring files cost alike."""
    out: list[tuple[int, R]] = []
    total = len(items)
    for n, index in enumerate(range(share, total, jobs), 1):
        result = func(items[index])
        if result is not None:
            out.append((index, result))
        if progress is not None and n % 256 == 0:
            progress(min(n * jobs, total), total)
    if progress is not None:
        progress(total, total)
    return out


def _child(func: Callable[[T], R | None], items: Sequence[T], share: int, jobs: int, write: int) -> None:
    # The terminal's Ctrl-C reaches the whole process group: the parent handles it, and stops us.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    status = 1
    try:
        data = pickle.dumps(_share(func, items, share, jobs, None), protocol=pickle.HIGHEST_PROTOCOL)
        with os.fdopen(write, "wb") as pipe:
            pipe.write(data)
        status = 0
    except BaseException:  # noqa: BLE001 - any failure: the parent redoes this share
        pass
    finally:
        os._exit(status)


def _collect(pid: int, read: int) -> list[tuple[int, Any]] | None:
    with os.fdopen(read, "rb") as pipe:
        data = pipe.read()
    _, status = os.waitpid(pid, 0)
    if status != 0 or not data:
        return None
    try:
        parts: list[tuple[int, Any]] = pickle.loads(data)
    except Exception:  # noqa: BLE001 - a truncated answer is no answer
        return None
    return parts


def _stop(pid: int, read: int) -> None:
    # Tolerant of a child already reaped or a pipe already closed: this runs on the way out.
    for step in (lambda: os.kill(pid, signal.SIGKILL), lambda: os.waitpid(pid, 0), lambda: os.close(read)):
        try:
            step()
        except OSError:
            pass


def _interleave(parts: list[list[tuple[int, R]]]) -> list[R]:
    merged = [pair for part in parts for pair in part]
    merged.sort(key=lambda pair: pair[0])
    return [result for _, result in merged]
