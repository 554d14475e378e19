"""Worker processes fed from the event loop: results, errors, large messages, shutdown."""

from __future__ import annotations

import asyncio
import gc
import multiprocessing
import operator
import os
import pickle
import signal
import struct
import threading
import time
from multiprocessing.connection import Connection
from typing import Any

import pytest

from crawler.workerpipes import (
    KEEP_BUFFER,
    PIPE_BYTES,
    MessageReader,
    PipePool,
    pickled,
    stop_forkserver,
    worker_context,
)


@pytest.mark.parametrize("method", ["spawn", "forkserver"])
def test_calls_results_errors_and_messages_larger_than_the_pipe(method: str) -> None:
    pool = PipePool(2, multiprocessing.get_context(method))
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
        stop_forkserver()
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


@pytest.mark.parametrize("method", ["spawn", "forkserver"])
def test_workers_run_the_given_steps_below_the_crawl_process_priority(method: str) -> None:
    own = os.getpriority(os.PRIO_PROCESS, 0)
    pool = PipePool(2, multiprocessing.get_context(method), nice=3)
    try:

        async def pids() -> list[int]:
            return list(await asyncio.gather(pool.run(os.getpid), pool.run(os.getpid)))

        assert set(asyncio.run(pids())) <= set(pool.pids())  # started and serving
        assert [os.getpriority(os.PRIO_PROCESS, pid) for pid in pool.pids()] == [
            min(own + 3, 19)
        ] * 2
    finally:
        pool.shutdown()
        stop_forkserver()
    assert os.getpriority(os.PRIO_PROCESS, 0) == own


def origin() -> tuple[int, int | None, list[str]]:
    """In a worker: its parent, the process that preloaded it and what failed there."""
    from crawler import workerpreload

    return os.getppid(), workerpreload.PRELOADED_IN, list(workerpreload.FAILED)


async def thresholds(pool: PipePool) -> tuple[int, ...]:
    return tuple(await pool.run(gc.get_threshold))


def forkserver_pid() -> int | None:
    from multiprocessing import forkserver

    return forkserver._forkserver._forkserver_pid  # type: ignore[attr-defined]


def test_forkserver_workers_come_preloaded_from_one_server_stopped_when_unused() -> None:
    stop_forkserver()  # one an earlier test left: this one preloads
    pool = PipePool(2, worker_context(["crawler.workerpreload"]))

    async def origins(pool: PipePool) -> set[tuple[int, int | None, tuple[str, ...]]]:
        found = await asyncio.gather(*(pool.run(origin) for _ in range(8)))
        return {(parent, preloaded, tuple(failed)) for parent, preloaded, failed in found}

    try:
        [(server, preloaded, failed)] = asyncio.run(origins(pool))
        assert server == preloaded == forkserver_pid() != os.getpid()  # preloaded once
        assert failed == ()
        from crawler.workerpreload import GC_THRESHOLDS

        assert asyncio.run(thresholds(pool)) == GC_THRESHOLDS  # inherited from the server
        assert not stop_forkserver()  # refused: its workers still run
        pool.kill()  # as after a crash: the next pool is forked from the same server
        pool = PipePool(1, worker_context(["crawler.workerpreload"]))
        assert asyncio.run(origins(pool)) == {(server, server, ())}
    finally:
        pool.shutdown()
    assert stop_forkserver()
    assert forkserver_pid() is None and not os.path.exists(f"/proc/{server}")
    assert not stop_forkserver()  # none runs
    assert not multiprocessing.active_children()


def test_workers_are_killed_even_when_their_fork_server_is_gone() -> None:
    pool = PipePool(2, worker_context())
    pids = pool.pids()
    try:
        assert set(asyncio.run(_pids(pool))) == set(pids)
        server = forkserver_pid()
        assert server is not None
        os.kill(server, signal.SIGKILL)
        os.waitpid(server, 0)
    finally:
        pool.kill()
        stop_forkserver()
    for pid in pids:  # orphans now: the system reaps them once killed
        for _ in range(500):
            if not _alive(pid):
                break
            time.sleep(0.01)
        assert not _alive(pid)


async def _pids(pool: PipePool) -> list[int]:
    return list(await asyncio.gather(*(pool.run(os.getpid) for _ in range(4))))


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def test_the_preload_does_nothing_outside_a_fork_server() -> None:
    from crawler import workerpreload

    assert not workerpreload.in_fork_server()
    assert workerpreload.PRELOADED_IN is None


def test_a_worker_that_does_not_start_leaves_no_process_behind() -> None:
    spawn = multiprocessing.get_context("spawn")

    class SecondFails:
        made = 0

        def Process(self, *args: Any, **kwargs: Any) -> Any:  # the context API
            self.made += 1
            if self.made == 2:
                raise OSError("no process")
            return spawn.Process(*args, **kwargs)

    with pytest.raises(OSError, match="no process"):
        PipePool(3, SecondFails())
    assert not multiprocessing.active_children()  # the first one was killed and reaped


@pytest.mark.parametrize(
    "obj",
    [
        None,
        (1, "two", [3.0]),
        (7, operator.add, (b"x" * 65_535, b"y" * 65_536, bytearray(70_000))),
        {"page": b"<html>" * 40_000, "again": b"<html>" * 40_000, "text": "é" * 50_000},
    ],
)
def test_pickled_chunks_join_to_the_pickle_and_keep_large_bytes_as_they_are(obj: Any) -> None:
    chunks = pickled(obj)
    assert b"".join(chunks) == pickle.dumps(obj, pickle.HIGHEST_PROTOCOL)
    large = [v for v in (obj if isinstance(obj, tuple) else ()) if isinstance(v, tuple)]
    for value in (v for group in large for v in group):
        if type(value) is bytes and len(value) >= 65_536:
            assert any(chunk is value for chunk in chunks)  # not copied


def _pipe() -> tuple[int, Connection]:
    read_fd, write_fd = os.pipe()
    return read_fd, Connection(write_fd, readable=False)


def test_message_reader_reads_what_multiprocessing_sends_in_parts() -> None:
    read_fd, writer = _pipe()
    sizes = [0, 1, 4, 4_096, PIPE_BYTES + 3, 3 * PIPE_BYTES, 17, KEEP_BUFFER + 1, 5]
    messages = [os.urandom(n) for n in sizes]

    def send() -> None:
        for message in messages:
            writer.send_bytes(message)  # large ones in several writes, read as they come
        writer.close()

    sender = threading.Thread(target=send)
    sender.start()
    reader = MessageReader(read_fd)
    try:
        for message in messages:
            data = reader.read()
            assert data is not None and bytes(data) == message
            assert len(reader.buffer) <= KEEP_BUFFER  # a larger message's buffer is dropped
        assert reader.read() is None  # the writer closed its end
    finally:
        sender.join()
        os.close(read_fd)


def test_message_reader_takes_the_long_header_and_stops_inside_a_cut_message() -> None:
    read_fd, write_fd = os.pipe()
    payload = pickle.dumps(("long", 1))
    os.write(write_fd, struct.pack("!iQ", -1, len(payload)) + payload)
    os.write(write_fd, struct.pack("!i", 100) + b"only part")
    os.close(write_fd)
    reader = MessageReader(read_fd)
    try:
        data = reader.read()
        assert data is not None and pickle.loads(data) == ("long", 1)
        assert reader.read() is None
    finally:
        os.close(read_fd)
