"""Fault-injection HTTP server: ``python -m tests.faultserver.server --manifest FILE``.

Listeners, all on loopback with OS-assigned ports:

- ``main`` (127.0.0.1): the site ``www.fault-news.test`` of :mod:`tests.faultserver.faults`
  (``/`` and ``/open/`` are listings built from it, ``/_faults/reset`` forgets how often each
  path was requested);
- traps that must never be reached: 127.0.0.2 (a second loopback address), another port on
  127.0.0.1, and ``[::1]`` on that same port when the host has IPv6. They answer 200.

Every request is appended to a JSONL log (``listener``, ``path``, ``query``, ``host``) before
any reply is sent. The manifest, written atomically once all listeners are bound::

    {"base": "http://127.0.0.1:P", "ports": {"t1": P1, "t2": P2},
     "traps": {"127.0.0.2": url, "127.0.0.1": url, "::1": url}, "log": path}

Faults are real socket behaviour: resets close the socket mid-headers with an RST, truncated
bodies stop short of their ``Content-Length``, slow replies sleep before the headers, big
bodies stream until the client hangs up.
"""

from __future__ import annotations

import argparse
import contextlib
import gzip
import json
import os
import signal
import socket
import struct
import sys
import tempfile
import threading
import time
from functools import cache
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import FrameType
from typing import Any
from urllib.parse import urlsplit

from tests.faultserver.faults import CHAIN, OPEN_LINKS, ROUTES, Fault, home_links, listing

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "faults"
CHUNK = 1024 * 1024
POLL_INTERVAL = 0.1


class _Abort(Exception):
    """Ends a request without a reply (the socket was already reset)."""


class State:
    """What all listeners share: ports, per-path request counts and the request log."""

    def __init__(self, log_path: Path, fixtures: Path) -> None:
        self.fixtures = fixtures
        self.ports: dict[str, int] = {}
        self._counts: dict[str, int] = {}
        self._lock = threading.Lock()
        self._log = log_path.open("w", encoding="utf-8")
        self.log_path = log_path

    def hit(self, path: str) -> int:
        """1-based number of this request among the requests for ``path``."""
        with self._lock:
            self._counts[path] = self._counts.get(path, 0) + 1
            return self._counts[path]

    def reset(self) -> None:
        with self._lock:
            self._counts.clear()

    def log(self, record: dict[str, Any]) -> None:
        line = json.dumps(record, ensure_ascii=False)
        with self._lock:
            self._log.write(line + "\n")
            self._log.flush()

    def close(self) -> None:
        with self._lock:
            self._log.close()

    def fill(self, template: str) -> str:
        return template.format(**{name: str(port) for name, port in self.ports.items()})


@cache
def _bomb(size: int) -> bytes:
    return gzip.compress(b"<html><body>" + b" " * size + b"</body></html>", compresslevel=9)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, name: str, host: str, port: int, state: State, *, trap: bool) -> None:
        self.address_family = socket.AF_INET6 if ":" in host else socket.AF_INET
        super().__init__((host, port), _Handler)
        self.name = name
        self.state = state
        self.trap = trap

    @property
    def port(self) -> int:
        return int(self.server_address[1])

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Quiet: resets, hang-ups and aborted replies are the point of this server."""


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the JSONL log is the record."""

    def do_GET(self) -> None:
        parts = urlsplit(self.path)
        state = self.server.state
        state.log(
            {
                "listener": self.server.name,
                "port": self.server.port,
                "path": parts.path,
                "query": parts.query,
                "host": self.headers.get("Host", ""),
                "time": time.time(),
            }
        )
        try:
            if self.server.trap:
                self._send(200, b"trap reached", "text/plain")
            else:
                self._route(parts.path)
        except (BrokenPipeError, ConnectionResetError, _Abort):
            self.close_connection = True

    do_HEAD = do_GET

    # -- replies ------------------------------------------------------------------------------

    def _send(
        self,
        status: int,
        body: bytes,
        content_type: str = "text/html; charset=utf-8",
        headers: tuple[tuple[str, str], ...] = (),
        *,
        length: int | None = None,
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body) if length is None else length))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _page(self, fault: Fault) -> bytes:
        if fault.page is None:
            return fault.body
        data = (self.server.state.fixtures / fault.page).read_bytes()
        if fault.encoding:
            data = data.decode("utf-8").encode(fault.encoding)
        return data

    def _route(self, path: str) -> None:
        state = self.server.state
        if path == "/_faults/reset":
            state.reset()
            self._send(200, b"reset", "text/plain")
            return
        if path in ("/", "/open/"):
            links = home_links() if path == "/" else list(OPEN_LINKS)
            title = "Fault News" if path == "/" else "Fault News: open scope"
            self._send(200, listing(title, [state.fill(link) for link in links]))
            return
        if path.startswith(CHAIN + "/"):
            tail = path[len(CHAIN) + 1 :]
            hop = int(tail) if tail.isdigit() else 0
            self._send(302, b"", headers=(("Location", f"{CHAIN}/{hop + 1}"),))
            return
        fault = ROUTES.get(path)
        if fault is None:
            self._send(404, b"<html><body><h1>Not found</h1></body></html>")
            return
        count = state.hit(path)
        if fault.kind == "page" or (fault.times is not None and count > fault.times):
            self._serve_page(fault)
            return
        getattr(self, f"_fault_{fault.kind}")(fault)

    def _serve_page(self, fault: Fault) -> None:
        body = self._page(fault)
        headers: tuple[tuple[str, str], ...] = ()
        if fault.gzip:
            body = gzip.compress(body)
            headers = (("Content-Encoding", "gzip"),)
        self._send(200, body, fault.content_type, headers)

    def _fault_status(self, fault: Fault) -> None:
        body = f"<html><body><h1>HTTP {fault.status}</h1></body></html>".encode()
        self._send(fault.status, body, headers=fault.headers)

    def _fault_body(self, fault: Fault) -> None:
        self._send(200, fault.body, fault.content_type)

    def _fault_slow(self, fault: Fault) -> None:
        time.sleep(fault.delay)
        self._serve_page(fault)

    def _fault_reset(self, fault: Fault) -> None:
        self.wfile.write(b"HTTP/1.1 200 OK\r\nContent-Type: text/ht")
        self.wfile.flush()
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.connection.close()  # with a zero linger: RST, not FIN
        raise _Abort

    def _fault_truncate(self, fault: Fault) -> None:
        body = self._page(fault)
        half = body[: len(body) // 2]
        self._send(200, half, fault.content_type, length=len(body))
        self.close_connection = True

    def _fault_big(self, fault: Fault) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(fault.size))
        self.end_headers()
        self._stream(fault.size)

    def _fault_stream(self, fault: Fault) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Connection", "close")  # no length: the body ends when we close
        self.end_headers()
        self._stream(fault.size)
        self.close_connection = True

    def _stream(self, size: int) -> None:
        chunk = b"<p>" + b"filler " * (CHUNK // 7) + b"</p>\n"
        sent = 0
        while sent < size:
            piece = chunk[: size - sent]
            self.wfile.write(piece)
            sent += len(piece)

    def _fault_bomb(self, fault: Fault) -> None:
        headers = (("Content-Encoding", "gzip"),)
        self._send(200, _bomb(fault.size), "text/html; charset=utf-8", headers)

    def _fault_redirect(self, fault: Fault) -> None:
        location = self.server.state.fill(fault.location)
        self._send(fault.status, b"", headers=(("Location", location),))


# -- running ------------------------------------------------------------------------------------


def start_servers(state: State) -> list[_Server]:
    """Bind every listener (traps first, so their ports fill the pages) and start them."""
    trap1 = _Server("trap-127.0.0.1", "127.0.0.1", 0, state, trap=True)
    trap2 = _Server("trap-127.0.0.2", "127.0.0.2", 0, state, trap=True)
    servers = [trap1, trap2]
    with contextlib.suppress(OSError):  # no IPv6 loopback: [::1] links reach nothing anyway
        servers.append(_Server("trap-::1", "::1", trap1.port, state, trap=True))
    state.ports = {"t1": trap1.port, "t2": trap2.port}
    servers.insert(0, _Server("main", "127.0.0.1", 0, state, trap=False))
    for server in servers:
        threading.Thread(target=server.serve_forever, args=(POLL_INTERVAL,), daemon=True).start()
    return servers


def manifest(servers: list[_Server], state: State) -> dict[str, Any]:
    def url(server: _Server) -> str:
        host = server.server_address[0]
        return f"http://[{host}]:{server.port}" if ":" in host else f"http://{host}:{server.port}"

    return {
        "base": url(servers[0]),
        "ports": state.ports,
        "traps": {s.name.removeprefix("trap-"): url(s) for s in servers if s.trap},
        "log": str(state.log_path),
    }


def write_json_atomically(path: Path, data: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump(data, fh, indent=2)
    os.replace(tmp, path)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--manifest", type=Path, required=True)
    parser.add_argument("--log", type=Path, help="request log (default: beside the manifest)")
    parser.add_argument("--fixtures", type=Path, default=FIXTURES)
    args = parser.parse_args(argv)
    stopping = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        stopping.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    state = State(args.log or args.manifest.with_suffix(".requests.jsonl"), args.fixtures)
    servers = start_servers(state)
    try:
        write_json_atomically(args.manifest, manifest(servers, state))
        while not stopping.wait(0.5):
            pass
    finally:
        for server in servers:
            server.shutdown()
            server.server_close()
        state.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
