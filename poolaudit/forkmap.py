"""Map a function over many items on several processes, this one included.

Why not `concurrent.futures`: on a monorepo the pool's costs were a third of the scan.  Every
chunk of work and every result was pickled through queues and a manager thread while this
process sat waiting.  Here each forked child inherits the items (nothing is sent to it) and
sends back only the results worth keeping, in one piece.  This process works meanwhile, so two
cores run two workers, not two workers and a waiter.

Work is shared out through a pipe holding the numbers of small chunks of items: each process
reads the next number when it is free (a 4-byte read from a pipe is atomic), so a process that
runs slower (a busier core, costlier files) simply takes fewer chunks and all finish together.

A child that fails (killed, out of memory, a bug) costs only time: the chunks this process did
not do are redone here, where an error surfaces with its traceback.
"""

from __future__ import annotations

import gc
import os
import pickle
import signal
import struct
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any, TypeVar

T = TypeVar("T")
R = TypeVar("R")

CHUNK = 16  # items per claim: small enough to balance, large enough that claims cost nothing
_NUMBER = struct.Struct("=I")
_MAX_CHUNKS = 8192  # all chunk numbers must fit in a pipe's buffer (64 KiB) before anyone reads


def can_fork() -> bool:
    """fork where it exists, and only while this process runs one thread: a child forked beside
    other threads can inherit a lock one of them held (an import, a logger) and hang on it."""
    if not hasattr(os, "fork") or sys.platform == "win32":
        return False
    threading = sys.modules.get("threading")
    return threading is None or threading.active_count() == 1


def fork_map(
    func: Callable[[T], R | None],
    items: Sequence[T],
    jobs: int,
    progress: Callable[[int, int], None] | None = None,
    pack: Callable[[R], Any] | None = None,
    unpack: Callable[[T, Any], R] | None = None,
) -> list[R]:
    """`func` over `items`, results in item order; None results are dropped.  A child sends
    `pack(result)` and this process rebuilds `unpack(item, packed)`: what this process already
    holds (the item a result refers to) need not travel."""
    size = max(CHUNK, -(-len(items) // _MAX_CHUNKS))
    chunks = -(-len(items) // size)
    if jobs <= 1 or chunks < 2 or not can_fork():
        return [result for _, result in _work(func, items, size, range(chunks), progress)]
    # Every chunk number is in the pipe before any process reads (a pipe buffer holds 16,000),
    # and the write end is closed: an empty read means all chunks are claimed.
    queue, feed = os.pipe()
    with os.fdopen(feed, "wb") as out:
        out.write(b"".join(_NUMBER.pack(n) for n in range(chunks)))
    children: list[tuple[int, int]] = []  # (pid, read end of its answer)
    # Children inherit this heap; frozen, their collector neither walks it nor dirties its pages.
    gc.freeze()
    try:
        for _ in range(1, jobs):
            read, write = os.pipe()
            pid = os.fork()
            if pid == 0:  # pragma: no cover - runs in the child, reported through the pipe
                os.close(read)
                _child(func, items, size, queue, write, pack)
            os.close(write)
            children.append((pid, read))
        done: list[int] = []  # chunk numbers whose results are in `parts`
        parts = [_work(func, items, size, _claims(queue, done), progress)]
        failed = False
        while children:
            pid, read = children[0]
            answer = _collect(pid, read)
            children.pop(0)
            if answer is None:
                failed = True
            else:
                claimed, results = answer
                done.extend(claimed)
                if unpack is not None:
                    results = [(index, unpack(items[index], packed)) for index, packed in results]
                parts.append(results)
        if failed:  # what a failed child claimed is lost: every chunk no one answered for
            redo = set(range(chunks)).difference(done)
            parts.append(_work(func, items, size, sorted(redo), None))
    finally:
        gc.unfreeze()
        os.close(queue)
        for pid, read in children:  # interrupted: the children's work is not wanted
            _stop(pid, read)
    return _interleave(parts)


def _claims(queue: int, claimed: list[int]) -> Iterator[int]:
    """Chunk numbers read from the shared queue until it is empty, noted in `claimed`."""
    while True:
        data = os.read(queue, _NUMBER.size)
        if len(data) < _NUMBER.size:
            return
        (number,) = _NUMBER.unpack(data)
        claimed.append(number)
        yield number


def _work(
    func: Callable[[T], R | None],
    items: Sequence[T],
    size: int,
    chunks: Iterable[int],
    progress: Callable[[int, int], None] | None,
) -> list[tuple[int, R]]:
    """The given chunks' items (`size` each) as (index, result) pairs."""
    out: list[tuple[int, R]] = []
    total = len(items)
    for number in chunks:
        start = number * size
        for index in range(start, min(start + size, total)):
            result = func(items[index])
            if result is not None:
                out.append((index, result))
        if progress is not None and number % 16 == 15:
            progress(min((number + 1) * size, total), total)  # chunks are claimed in order
    if progress is not None:
        progress(total, total)
    return out


def _child(
    func: Callable[[T], R | None],
    items: Sequence[T],
    size: int,
    queue: int,
    write: int,
    pack: Callable[[R], Any] | None,
) -> None:
    # The terminal's Ctrl-C reaches the whole process group: the parent handles it, and stops us.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    status = 1
    try:
        claimed: list[int] = []
        results: list[tuple[int, Any]] = _work(func, items, size, _claims(queue, claimed), None)
        if pack is not None:
            results = [(index, pack(result)) for index, result in results]
        data = pickle.dumps((claimed, results), protocol=pickle.HIGHEST_PROTOCOL)
        with os.fdopen(write, "wb") as pipe:
            pipe.write(data)
        status = 0
    except BaseException:  # noqa: BLE001 - any failure: the parent redoes this share
        pass
    finally:
        os._exit(status)


def _collect(pid: int, read: int) -> tuple[list[int], list[tuple[int, Any]]] | None:
    """A child's answer: the chunks it claimed and their results; None if it failed."""
    with os.fdopen(read, "rb") as pipe:
        data = pipe.read()
    _, status = os.waitpid(pid, 0)
    if status != 0 or not data:
        return None
    try:
        answer: tuple[list[int], list[tuple[int, Any]]] = pickle.loads(data)
    except Exception:  # noqa: BLE001 - a truncated answer is no answer
        return None
    return answer


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
