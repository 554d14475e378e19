"""Worker processes fed from the event loop: results, errors, large messages, shutdown."""

from __future__ import annotations

import asyncio
import multiprocessing
import operator
import os

import pytest

from crawler.workerpipes import PIPE_BYTES, PipePool


def test_calls_results_errors_and_messages_larger_than_the_pipe() -> None:
    pool = PipePool(2)
    big = b"x" * (3 * PIPE_BYTES + 5)

    async def run() -> None:
        sums = [pool.run(operator.add, i, 1) for i in range(20)]
        assert await asyncio.gather(*sums) == list(range(1, 21))
        assert await pool.run(bytes.upper, big) == big.upper()  # written in parts
        with pytest.raises(ZeroDivisionError):
            await pool.run(operator.truediv, 1, 0)

    try:
        asyncio.run(run())
        asyncio.run(run())  # a second event loop takes the pipes over
        assert len(set(pool.pids())) == 2
    finally:
        pool.shutdown()
    assert not multiprocessing.active_children()


def test_a_killed_pool_fails_its_calls() -> None:
    pool = PipePool(1)

    async def run() -> None:
        call = pool.run(operator.add, 1, 2)
        pool.kill()
        with pytest.raises(RuntimeError):  # BrokenProcessPool
            await call

    asyncio.run(run())
    assert not multiprocessing.active_children()


def test_workers_run_the_given_steps_below_the_crawl_process_priority() -> None:
    own = os.getpriority(os.PRIO_PROCESS, 0)
    pool = PipePool(2, nice=3)
    try:

        async def pids() -> list[int]:
            return list(await asyncio.gather(pool.run(os.getpid), pool.run(os.getpid)))

        assert set(asyncio.run(pids())) <= set(pool.pids())  # started and serving
        assert [os.getpriority(os.PRIO_PROCESS, pid) for pid in pool.pids()] == [
            min(own + 3, 19)
        ] * 2
    finally:
        pool.shutdown()
    assert os.getpriority(os.PRIO_PROCESS, 0) == own
