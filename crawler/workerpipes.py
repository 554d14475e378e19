"""Worker processes driven from the crawl's event loop through pipes, without threads.

Policy: each worker process has a task pipe and a result pipe of its own. The crawl process
keeps calls in a queue and writes each (pickled) to the first worker with fewer than
:data:`PER_WORKER` calls in flight, non-blocking, from the event loop's thread; the rest of
a task that does not fit in the pipe is written when the loop says the pipe is writable.
Results are read when the loop says a result pipe is readable. No thread of the crawl
process takes part, so a page costs the crawl process no thread wake-ups or hand-offs of the
GIL. A worker runs its calls one after the other; a call that raises sends the exception
back. A worker that dies (its result pipe closes) breaks the pool: every call in flight
fails with ``BrokenProcessPool`` and the owner replaces the pool. Messages use the framing
of ``multiprocessing.connection`` (a 4-byte big-endian length, or -1 and an 8-byte length).
Task pipes hold :data:`PIPE_BYTES` where Linux allows it, so a whole page is written at
once. A page's bytes are not copied on the way: the pickler hands large ``bytes`` to the
writer as they are (:func:`pickled`), and a worker reads each message into one reused
buffer (:class:`MessageReader`), as the crawl process reads replies. Workers can run at a
lower CPU priority than the crawl process (``nice``): the crawl process, which alone feeds
them and drives Scrapy, then gets a CPU when it needs one, and the workers take the rest.

Start: :func:`worker_context` gives the start method. Where the system has one, workers come
from multiprocessing's fork server, a template process that imports the given preload
modules once (:mod:`crawler.workerpreload`) and forks each worker from itself, so a worker
(and a restarted one) starts without importing anything; elsewhere they are spawned, each
importing what it needs. The fork server is a child of the crawl process that outlives the
pools using it: its owner stops it with :func:`stop_forkserver` once no worker of it runs,
so no process is left and the CPU time of the server and of its workers (whose exit it
waits for) is counted among the crawl process's children.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import multiprocessing
import os
import pickle
import signal
import struct
import time
from collections import deque
from collections.abc import Callable, Sequence
from concurrent.futures.process import BrokenProcessPool
from multiprocessing.connection import Connection
from typing import Any

#: Pipe buffer (bytes) of each task pipe: a whole page fits, so a page is written at once.
PIPE_BYTES = 1 << 20
#: Calls in flight per worker (one running, the others waiting in its pipe), so a worker
#: has its next page while the event loop is busy; the rest wait here, for whichever worker
#: is free first.
PER_WORKER = 4
#: Seconds a worker gets to exit after its stop message, before it is killed.
STOP_WAIT = 5.0
#: A message buffer is kept between messages up to this size (a larger message gets a
#: buffer of its own).
KEEP_BUFFER = 8 << 20


def worker_context(preload: Sequence[str] = ()) -> Any:
    """The ``forkserver`` context, its server importing ``preload`` (on its next start: the
    list is the process's), where the system has a fork server; else ``spawn``."""
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(list(preload))
    return context


def forkserver_pid() -> int | None:
    """The pid of this process's fork server while one runs (None: none, or the system
    has none)."""
    from multiprocessing import forkserver

    pid = getattr(getattr(forkserver, "_forkserver", None), "_forkserver_pid", None)
    return pid if isinstance(pid, int) else None


def stop_forkserver() -> bool:
    """Stop this process's fork server, unless none runs or a process started from it still
    runs; True when it stopped. It exits once its end of the "alive" pipe closes (its
    workers have ended); killed past :data:`STOP_WAIT`. Then waited for, so its CPU time
    and that of the workers it waited for count among this process's children."""
    from multiprocessing import forkserver, util

    server = getattr(forkserver, "_forkserver", None)
    lock = getattr(server, "_lock", None)
    if server is None or lock is None:
        return False
    with lock:
        pid = getattr(server, "_forkserver_pid", None)
        alive = getattr(server, "_forkserver_alive_fd", None)
        if pid is None or alive is None:
            return False
        if any(
            getattr(p, "_start_method", None) == "forkserver"
            for p in multiprocessing.active_children()
        ):
            return False
        os.close(alive)
        server._forkserver_alive_fd = None
        server._forkserver_pid = None
        address, server._forkserver_address = server._forkserver_address, None
        if address and not util.is_abstract_socket_namespace(address):
            with contextlib.suppress(OSError):
                os.unlink(address)
        deadline = time.monotonic() + STOP_WAIT
        with contextlib.suppress(ChildProcessError):  # already waited for
            while os.waitpid(pid, os.WNOHANG)[0] == 0:
                if time.monotonic() >= deadline:
                    os.kill(pid, signal.SIGKILL)
                    os.waitpid(pid, 0)
                    break
                time.sleep(0.005)
    return True


def _header(n: int) -> bytes:
    return struct.pack("!i", n) if n <= 0x7FFFFFFF else struct.pack("!iQ", -1, n)


class _Chunks:
    __slots__ = ("write",)

    def __init__(self, out: list[bytes]) -> None:
        self.write = out.append


def pickled(obj: Any) -> list[bytes]:
    """``pickle.dumps(obj, HIGHEST_PROTOCOL)`` as a list of chunks that join to the same
    bytes: the pickler passes a ``bytes`` of 64 KiB or more to its file's ``write`` as it is
    (a chunk of its own), where ``dumps`` copies it into the pickle."""
    chunks: list[bytes] = []
    pickle.Pickler(_Chunks(chunks), pickle.HIGHEST_PROTOCOL).dump(obj)
    return chunks


class MessageReader:
    """Framed messages (module policy) from a blocking pipe, each read into one reused
    buffer: no allocation per read (``Connection.recv_bytes`` allocates the whole message's
    size for every partial read and copies the parts twice)."""

    def __init__(self, fd: int) -> None:
        self.fd = fd
        self.buffer = bytearray(PIPE_BYTES)

    def read(self) -> memoryview | None:
        """The next message's bytes, valid until the next read; None at the end of the
        pipe (also in the middle of a message: its writer is gone)."""
        buffer = self.buffer
        if not self._fill(memoryview(buffer)[:4]):
            return None
        (size,) = struct.unpack_from("!i", buffer)
        if size == -1:
            if not self._fill(memoryview(buffer)[:8]):
                return None
            (size,) = struct.unpack_from("!Q", buffer)
        if size > len(buffer):
            buffer = bytearray(size)
            if size <= KEEP_BUFFER:
                self.buffer = buffer
        view = memoryview(buffer)[:size]
        return view if self._fill(view) else None

    def _fill(self, view: memoryview) -> bool:
        got, size = 0, len(view)
        while got < size:
            n = os.readv(self.fd, [view[got:]])
            if not n:
                return False
            got += n
        return True


def _pidfd(pid: int | None) -> int | None:
    """A file descriptor naming process ``pid`` (Linux); None elsewhere or when it is gone."""
    if pid is None or not hasattr(os, "pidfd_open"):
        return None
    try:
        return os.pidfd_open(pid)
    except OSError:
        return None


def _widen(fd: int) -> None:
    try:
        import fcntl
    except ImportError:  # not a POSIX system
        return
    set_size = getattr(fcntl, "F_SETPIPE_SZ", None)
    if set_size is not None:
        with contextlib.suppress(OSError):
            fcntl.fcntl(fd, set_size, PIPE_BYTES)


def serve(tasks: Connection, results: Connection, nice: int = 0) -> None:
    """A worker's loop: run each ``(task_id, fn, args)`` until a None message or EOF; reply
    ``(task_id, ok, value)`` unless ``task_id`` is None. ``nice`` is added to the worker's
    niceness first (where the system has one)."""
    if nice:
        with contextlib.suppress(AttributeError, OSError):
            os.nice(nice)
    reader = MessageReader(tasks.fileno())
    while True:
        data = reader.read()
        if data is None:
            return
        message = pickle.loads(data)
        if message is None:
            return
        task_id, fn, args = message
        try:
            reply: tuple[Any, ...] = (task_id, True, fn(*args))
        except Exception as exc:
            reply = (task_id, False, exc)
        if task_id is None:
            continue
        try:
            payload = pickle.dumps(reply, pickle.HIGHEST_PROTOCOL)
        except Exception as exc:  # an unpicklable result or exception
            payload = pickle.dumps((task_id, False, RuntimeError(f"unpicklable reply: {exc!r}")))
        results.send_bytes(payload)


class _Worker:
    """One worker process and the crawl process's ends of its pipes."""

    def __init__(self, context: Any, nice: int = 0) -> None:
        task_read, self.tasks = multiprocessing.Pipe(duplex=False)
        self.results, result_write = multiprocessing.Pipe(duplex=False)
        _widen(self.tasks.fileno())
        try:
            self.process = context.Process(
                target=serve, args=(task_read, result_write, nice), daemon=True
            )
            self.process.start()
        except BaseException:
            self.tasks.close()
            self.results.close()
            raise
        finally:  # the worker's ends: its own now
            task_read.close()
            result_write.close()
        self.pidfd = _pidfd(self.process.pid)
        os.set_blocking(self.tasks.fileno(), False)
        os.set_blocking(self.results.fileno(), False)
        self.out: list[memoryview] = []  # task bytes not written yet
        self.chunk = bytearray(1 << 20)  # each read's bytes, before they join the inbox
        self.inbox = bytearray()
        self.in_flight: dict[int, asyncio.Future[Any]] = {}
        self.writing = False

    def kill(self) -> None:
        """Kill the process now: through its pidfd where there is one, which names it alone
        and needs no word from its parent (the fork server, which may be gone)."""
        if self.pidfd is not None:
            with contextlib.suppress(OSError):  # it has ended
                signal.pidfd_send_signal(self.pidfd, signal.SIGKILL)
        elif self.process.is_alive():
            self.process.kill()

    def write(self) -> bool:
        """Write what the pipe takes now; True when everything was written."""
        fd = self.tasks.fileno()
        while self.out:
            try:
                sent = os.writev(fd, self.out[:64])
            except BlockingIOError:
                return False
            while sent and self.out:
                head = self.out[0]
                if sent >= len(head):
                    sent -= len(head)
                    self.out.pop(0)
                else:
                    self.out[0] = head[sent:]
                    sent = 0
        return True

    def replies(self) -> list[tuple[Any, ...]] | None:
        """Whole replies read now; None when the worker's end is closed."""
        try:
            n = os.readv(self.results.fileno(), [self.chunk])
        except BlockingIOError:
            return []
        if not n:
            return None
        inbox = self.inbox
        inbox += memoryview(self.chunk)[:n]
        out = []
        while len(inbox) >= 4:
            (size,) = struct.unpack_from("!i", inbox)
            start = 4
            if size == -1:
                if len(inbox) < 12:
                    break
                (size,) = struct.unpack_from("!Q", inbox, 4)
                start = 12
            if len(inbox) < start + size:
                break
            out.append(pickle.loads(memoryview(inbox)[start : start + size]))
            del inbox[: start + size]
        return out


class PipePool:
    """``count`` worker processes fed from the event loop, each ``nice`` steps below the
    crawl process's CPU priority (module policy)."""

    def __init__(self, count: int, context: Any = None, *, nice: int = 0) -> None:
        """Start the workers; when one fails to start, those started are killed and the
        error is raised."""
        self.context = context or multiprocessing.get_context("spawn")
        self.ids = itertools.count()
        self.loop: asyncio.AbstractEventLoop | None = None
        self.broken: str | None = None
        self.pending: deque[tuple[asyncio.Future[Any], Callable[..., Any], tuple[Any, ...]]]
        self.pending = deque()
        self.workers: list[_Worker] = []
        try:
            for _ in range(count):
                self.workers.append(_Worker(self.context, nice))
        except BaseException:
            self.kill()
            raise

    def pids(self) -> list[int]:
        out = []
        for worker in self.workers:
            with contextlib.suppress(ValueError):  # a closed process
                if worker.process.pid is not None:
                    out.append(worker.process.pid)
        return out

    def send_all(self, fn: Callable[..., Any], *args: Any) -> None:
        """Have every worker run ``fn(*args)``, without waiting or a result."""
        chunks = pickled((None, fn, args))
        for worker in self.workers:
            self._queue(worker, chunks)

    def run(self, fn: Callable[..., Any], *args: Any) -> asyncio.Future[Any]:
        """``fn(*args)`` in a worker, when one is free; a future of the running loop."""
        loop = asyncio.get_running_loop()
        self._attach(loop)
        future: asyncio.Future[Any] = loop.create_future()
        if self.broken is not None:
            future.set_exception(BrokenProcessPool(self.broken))
            return future
        self.pending.append((future, fn, args))
        self._dispatch()
        return future

    def _dispatch(self) -> None:
        """Hand waiting calls to workers with fewer than :data:`PER_WORKER` in flight."""
        while self.pending:
            worker = min(self.workers, key=lambda w: len(w.in_flight))
            if len(worker.in_flight) >= PER_WORKER:
                return
            future, fn, args = self.pending.popleft()
            if future.done():  # cancelled while waiting
                continue
            task_id = next(self.ids)
            worker.in_flight[task_id] = future
            self._queue(worker, pickled((task_id, fn, args)))

    def _queue(self, worker: _Worker, chunks: list[bytes]) -> None:
        worker.out.append(memoryview(_header(sum(map(len, chunks)))))
        worker.out += map(memoryview, chunks)
        if not worker.writing and not worker.write():
            self._wait_writable(worker)

    def _wait_writable(self, worker: _Worker) -> None:
        if self.loop is None or self.loop.is_closed():
            return  # written when a loop attaches
        worker.writing = True
        self.loop.add_writer(worker.tasks.fileno(), self._writable, worker)

    def _writable(self, worker: _Worker) -> None:
        if worker.write():
            worker.writing = False
            if self.loop is not None:
                self.loop.remove_writer(worker.tasks.fileno())

    def _attach(self, loop: asyncio.AbstractEventLoop) -> None:
        """Watch the result pipes (and unwritten tasks) from ``loop``."""
        if self.loop is loop:
            return
        self._detach()
        self.loop = loop
        for worker in self.workers:
            loop.add_reader(worker.results.fileno(), self._readable, worker)
            if worker.out:
                self._wait_writable(worker)

    def _detach(self) -> None:
        loop, self.loop = self.loop, None
        for worker in self.workers:
            worker.writing = False
            if loop is not None and not loop.is_closed():
                loop.remove_reader(worker.results.fileno())
                loop.remove_writer(worker.tasks.fileno())

    def _readable(self, worker: _Worker) -> None:
        replies = worker.replies()
        if replies is None:
            self._break("a worker process died")
            return
        for task_id, ok, value in replies:
            future = worker.in_flight.pop(task_id, None)
            if future is None or future.done():
                continue
            if ok:
                future.set_result(value)
            else:
                future.set_exception(value)
        self._dispatch()

    def _break(self, reason: str) -> None:
        self.broken = self.broken or reason
        self._detach()
        pending, self.pending = self.pending, deque()
        for future, _, _ in pending:
            if not future.done():
                future.set_exception(BrokenProcessPool(self.broken))
        for worker in self.workers:
            in_flight, worker.in_flight = worker.in_flight, {}
            for future in in_flight.values():
                if not future.done():
                    future.set_exception(BrokenProcessPool(self.broken))

    def kill(self) -> None:
        """Kill every worker now and fail the calls in flight."""
        self._break("the pool was shut down")
        for worker in self.workers:
            worker.kill()
        self._close()

    def shutdown(self) -> None:
        """Stop every worker after its calls in flight (killed past :data:`STOP_WAIT`)."""
        stop = pickle.dumps(None)
        for worker in self.workers:
            with contextlib.suppress(OSError):
                os.set_blocking(worker.tasks.fileno(), True)
                worker.write()  # what was left unwritten, then the stop message
                worker.tasks.send_bytes(stop)
        self._break("the pool was shut down")
        for worker in self.workers:
            worker.process.join(STOP_WAIT)
            worker.kill()  # past STOP_WAIT (a no-op for an ended one)
        self._close()

    def _close(self) -> None:
        for worker in self.workers:
            worker.process.join(STOP_WAIT)
            worker.tasks.close()
            worker.results.close()
            if worker.pidfd is not None:
                os.close(worker.pidfd)
                worker.pidfd = None
            with contextlib.suppress(ValueError):
                worker.process.close()


__all__ = [
    "PIPE_BYTES",
    "PipePool",
    "forkserver_pid",
    "serve",
    "stop_forkserver",
    "worker_context",
]
