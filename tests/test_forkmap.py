"""fork_map: the scan's parallel map over files, this process included."""

from __future__ import annotations

import os
import time

import pytest

from poolaudit.forkmap import can_fork, fork_map

pytestmark = pytest.mark.skipif(not can_fork(), reason="needs fork")


def test_results_come_back_in_item_order_without_the_empty_ones() -> None:
    def func(n: int) -> tuple[int, int] | None:
        time.sleep(0.0002)  # long enough that both processes get chunks
        return None if n % 3 == 0 else (n, os.getpid())

    items = list(range(1000))
    out = fork_map(func, items, jobs=2)
    assert [n for n, _ in out] == [n for n in items if n % 3]
    assert len({pid for _, pid in out}) == 2  # this process and one child did the work


def test_a_slower_process_takes_fewer_chunks() -> None:
    parent = os.getpid()

    def func(n: int) -> int:
        time.sleep(0.002 if os.getpid() != parent else 0.0002)  # the child runs 10x slower
        return os.getpid()

    out = fork_map(func, list(range(800)), jobs=2)
    assert len(out) == 800
    assert out.count(parent) > 600  # work went where it was done fastest


def test_a_child_that_dies_costs_only_time() -> None:
    parent = os.getpid()

    def func(n: int) -> int:
        if os.getpid() != parent:
            os._exit(9)  # a worker killed mid-way
        return n * n

    assert fork_map(func, list(range(50)), jobs=3) == [n * n for n in range(50)]


def test_a_bug_surfaces_here_with_its_own_exception() -> None:
    def func(n: int) -> int:
        if n == 7:
            raise ValueError("bad item 7")
        return n

    with pytest.raises(ValueError, match="bad item 7"):
        fork_map(func, list(range(20)), jobs=2)


def test_progress_reaches_the_total() -> None:
    seen: list[tuple[int, int]] = []
    fork_map(lambda n: n, list(range(600)), jobs=2, progress=lambda done, total: seen.append((done, total)))
    assert seen[-1] == (600, 600)
    assert [done for done, _ in seen] == sorted(done for done, _ in seen)


def test_one_job_runs_here() -> None:
    assert fork_map(lambda n: os.getpid(), [1, 2, 3], jobs=1) == [os.getpid()] * 3


def test_no_fork_beside_other_threads() -> None:
    """A child forked while another thread holds a lock (an import, a logger) could hang on
    it: with a second thread running, the map runs here."""
    import threading

    release = threading.Event()
    other = threading.Thread(target=release.wait)
    other.start()
    try:
        assert not can_fork()
        assert fork_map(lambda n: os.getpid(), list(range(100)), jobs=2) == [os.getpid()] * 100
    finally:
        release.set()
        other.join()
    assert can_fork()


def test_a_child_sends_the_packed_result_and_this_process_unpacks_it() -> None:
    """What this process holds (the item) does not travel back: a child pickles `pack(result)`
    and this process rebuilds the result from the item and the packed part."""
    parent = os.getpid()
    packed_here: list[int] = []

    class Unpicklable:
        def __reduce__(self) -> tuple[object, ...]:
            raise TypeError("an item must not be sent back")

    items = [(n, Unpicklable()) for n in range(600)]

    def func(item: tuple[int, Unpicklable]) -> tuple[tuple[int, Unpicklable], int]:
        time.sleep(0.0002)
        return item, os.getpid()

    def pack(result: tuple[tuple[int, Unpicklable], int]) -> int:
        if os.getpid() == parent:
            packed_here.append(result[0][0])
        return result[1]

    def unpack(item: tuple[int, Unpicklable], pid: int) -> tuple[tuple[int, Unpicklable], int]:
        return item, pid

    out = fork_map(func, items, jobs=2, pack=pack, unpack=unpack)
    assert [item for item, _ in out] == items  # the very objects this process holds
    pids = {pid for _, pid in out}
    assert len(pids) == 2 and parent in pids
    assert packed_here == []  # results done here are neither packed nor unpacked
