"""Fixture web server: every site under ``tests/fixtures/sites/<hostname>/`` on its own port.

Run as ``python -m tests.mockserver.server --sites tests/fixtures/sites --manifest FILE
[--log FILE] [--only host1,host2] [--foreground]``. Each site gets a listener on 127.0.0.1
(OS-assigned port); one more "catch-all" listener records any hit and answers 404. Once every
listener is bound, the manifest is written atomically::

    {"sites": {hostname: "http://127.0.0.1:PORT"}, "__catchall__": "http://127.0.0.1:PORT",
     "log": "/path/to/requests.jsonl"}

Serving policy, per site directory:

1. ``routes.json`` (optional): a list of ``{"path", "query", "file", "status", "headers",
   "redirect"}`` objects, checked in order before the default rule. ``query`` matches when each
   given key has exactly the given value (other keys are ignored), so list specific routes
   first. ``redirect`` sets ``Location`` (status defaults to 301); a route without ``file`` or
   ``redirect`` answers its status with an empty body.
2. Default rule: ``/a/b/`` serves ``pages/a/b/index.{html,xml,json,rss}`` (first that exists),
   ``/a/b.html`` serves ``pages/a/b.html`` (likewise ``/robots.txt``, ``/sitemap.xml``);
   anything else is 404.

Pages hold real absolute URLs (``https://<hostname>/...``). When the request's ``Host`` header
names another host (the site reached directly as ``127.0.0.1:PORT``, like a WordPress install
whose site URL is its local address), text bodies and ``Location`` headers are rewritten from
``http(s)://<hostname>`` (also protocol-relative and JSON-escaped ``https:\\/\\/`` forms) to
``http://<Host header>``. Every request is appended to the JSONL request log before the reply is
sent, so a client that got its response can rely on the log line being there; the log starts
empty on each run (default: beside the manifest, ``<manifest>.requests.jsonl``).
"""

from __future__ import annotations

import argparse
import json
import mimetypes
import os
import re
import signal
import sys
import tempfile
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import FrameType
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

CATCHALL = "__catchall__"
INDEX_NAMES = ("index.html", "index.xml", "index.json", "index.rss")
CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".htm": "text/html; charset=utf-8",
    ".xml": "application/xml",
    ".rss": "application/rss+xml",
    ".atom": "application/atom+xml",
    ".json": "application/json",
    ".txt": "text/plain; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "application/javascript",
}
TEXT_MARKERS = ("text/", "xml", "json", "javascript")
ROUTE_KEYS = {"path", "query", "file", "status", "headers", "redirect"}
POLL_INTERVAL = 0.1  # seconds between shutdown checks of each listener


class FixtureError(ValueError):
    """A fixture site directory or its routes.json is malformed."""


@dataclass(frozen=True)
class Route:
    """One entry of a site's ``routes.json``."""

    path: str
    query: dict[str, str] = field(default_factory=dict)
    file: str | None = None
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    redirect: str | None = None

    def matches(self, raw_path: str, query: dict[str, list[str]]) -> bool:
        if self.path not in (raw_path, unquote(raw_path)):
            return False
        return all(query.get(key) == [value] for key, value in self.query.items())


@dataclass(frozen=True)
class Site:
    """A fixture site: its real hostname, its ``pages/`` root and its routes."""

    hostname: str
    root: Path
    routes: tuple[Route, ...] = ()

    @property
    def pages(self) -> Path:
        return self.root / "pages"


@dataclass
class Reply:
    """What the server answers to one request."""

    status: int
    headers: dict[str, str]
    body: bytes


def _parse_route(raw: Any, where: str) -> Route:
    if not isinstance(raw, dict) or not isinstance(raw.get("path"), str):
        raise FixtureError(f"{where}: each route needs a string 'path'")
    unknown = set(raw) - ROUTE_KEYS
    if unknown:
        raise FixtureError(f"{where}: unknown route keys {sorted(unknown)}")
    query = {str(k): str(v) for k, v in (raw.get("query") or {}).items()}
    headers = {str(k): str(v) for k, v in (raw.get("headers") or {}).items()}
    redirect = raw.get("redirect")
    status = int(raw.get("status") or (301 if redirect else 200))
    return Route(raw["path"], query, raw.get("file"), status, headers, redirect)


def load_site(root: Path) -> Site:
    """Read one site directory (its name is the hostname)."""
    routes: list[Route] = []
    routes_file = root / "routes.json"
    if routes_file.is_file():
        try:
            raw_routes = json.loads(routes_file.read_text(encoding="utf-8"))
        except json.JSONDecodeError as exc:
            raise FixtureError(f"{routes_file}: {exc}") from exc
        if not isinstance(raw_routes, list):
            raise FixtureError(f"{routes_file}: expected a JSON list of routes")
        for i, raw in enumerate(raw_routes):
            route = _parse_route(raw, f"{routes_file}[{i}]")
            if route.file and not (root / route.file).is_file():
                raise FixtureError(f"{routes_file}[{i}]: missing file {route.file}")
            routes.append(route)
    return Site(root.name.lower(), root, tuple(routes))


def load_sites(sites_dir: Path, only: Iterable[str] | None = None) -> list[Site]:
    """Every site directory (one holding ``pages/`` or ``routes.json``), optionally filtered."""
    sites = [
        load_site(d)
        for d in sorted(sites_dir.iterdir())
        if d.is_dir()
        and not d.name.startswith((".", "_"))
        and ((d / "pages").is_dir() or (d / "routes.json").is_file())
    ]
    if only is not None:
        wanted = {h.strip().lower() for h in only if h.strip()}
        missing = wanted - {s.hostname for s in sites}
        if missing:
            raise FixtureError(f"no fixture site for {sorted(missing)} in {sites_dir}")
        sites = [s for s in sites if s.hostname in wanted]
    return sites


def content_type(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix in CONTENT_TYPES:
        return CONTENT_TYPES[suffix]
    return mimetypes.guess_type(path.name)[0] or "application/octet-stream"


def _inside(base: Path, candidate: Path) -> bool:
    try:
        candidate.resolve().relative_to(base.resolve())
    except ValueError:
        return False
    return True


def default_file(site: Site, raw_path: str) -> Path | None:
    """The page the default rule serves for ``raw_path``, if any."""
    path = unquote(raw_path)
    if not path.startswith("/") or ".." in path.split("/"):
        return None
    relative = path.lstrip("/")
    if path.endswith("/"):
        candidates = [site.pages / relative / name for name in INDEX_NAMES]
    else:
        candidates = [site.pages / relative]
    for candidate in candidates:
        if candidate.is_file() and _inside(site.pages, candidate):
            return candidate
    return None


def _host_pattern(hostname: str) -> re.Pattern[bytes]:
    return re.compile(
        rb"(https?:)?(//|\\/\\/)" + re.escape(hostname.encode("ascii")) + rb"(?![\w-]|\.[\w-])",
        re.IGNORECASE,
    )


def rewrite_host(data: bytes, hostname: str, host_header: str) -> bytes:
    """Point absolute URLs of ``hostname`` at ``http://<host_header>``."""
    target = host_header.encode("ascii")

    def replace(match: re.Match[bytes]) -> bytes:
        scheme = b"http:" if match.group(1) else b""
        return scheme + match.group(2) + target

    return _host_pattern(hostname).sub(replace, data)


def _is_text(ctype: str) -> bool:
    return any(marker in ctype.lower() for marker in TEXT_MARKERS)


def respond(site: Site, method: str, target: str, host_header: str) -> Reply:
    """Build the reply for one request to ``site`` (pure: no sockets involved)."""
    parts = urlsplit(target)
    raw_path = parts.path or "/"
    query = parse_qs(parts.query, keep_blank_values=True)
    route = next((r for r in site.routes if r.matches(raw_path, query)), None)
    headers: dict[str, str] = {}
    body = b""
    status = 404
    if route is not None:
        status = route.status
        if route.file:
            body = (site.root / route.file).read_bytes()
            headers["Content-Type"] = content_type(site.root / route.file)
        if route.redirect:
            headers["Location"] = route.redirect
        headers.update(route.headers)
    else:
        found = default_file(site, raw_path)
        if found is not None:
            status = 200
            body = found.read_bytes()
            headers["Content-Type"] = content_type(found)
        else:
            body = b"Not Found"
            headers["Content-Type"] = "text/plain; charset=utf-8"
    if host_header.split(":")[0].lower() != site.hostname:
        if _is_text(headers.get("Content-Type", "")):
            body = rewrite_host(body, site.hostname, host_header)
        if "Location" in headers:
            location = headers["Location"].encode("utf-8")
            headers["Location"] = rewrite_host(location, site.hostname, host_header).decode()
    if method == "HEAD":
        headers["Content-Length"] = str(len(body))
        body = b""
    return Reply(status, headers, body)


class RequestLog:
    """Append-only JSONL log of every request, shared by all listeners."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._file = path.open("w", encoding="utf-8")  # one log per server run

    def write(self, record: dict[str, Any]) -> None:
        line = json.dumps(record, ensure_ascii=False)
        with self._lock:
            self._file.write(line + "\n")
            self._file.flush()

    def close(self) -> None:
        with self._lock:
            self._file.close()


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, site: Site | None, log: RequestLog) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.site = site
        self.log = log

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def _handle(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        port = self.server.server_address[1]
        host_header = self.headers.get("Host") or f"127.0.0.1:{port}"
        site = self.server.site
        if site is None:
            reply = Reply(404, {"Content-Type": "text/plain; charset=utf-8"}, b"No such site")
        elif self.command in ("GET", "HEAD"):
            reply = respond(site, self.command, self.path, host_header)
        else:
            reply = Reply(405, {"Allow": "GET, HEAD"}, b"")
        parts = urlsplit(self.path)
        self.server.log.write(
            {
                "site": site.hostname if site else CATCHALL,
                "port": port,
                "method": self.command,
                "path": parts.path,
                "query": parts.query,
                "host_header": host_header,
                "user_agent": self.headers.get("User-Agent", ""),
                "status": reply.status,
            }
        )
        self.send_response(reply.status)
        for name, value in reply.headers.items():
            self.send_header(name, value)
        if "Content-Length" not in reply.headers:
            self.send_header("Content-Length", str(len(reply.body)))
        self.end_headers()
        if reply.body:
            self.wfile.write(reply.body)

    do_GET = do_HEAD = do_POST = do_PUT = do_DELETE = do_OPTIONS = _handle

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the JSONL request log is the record."""


class FixtureServers:
    """All listeners of one run: start them, read their manifest, stop them."""

    def __init__(self, sites: Sequence[Site], log_path: Path) -> None:
        self.log = RequestLog(log_path)
        self._servers = [_Server(site, self.log) for site in sites]
        self._catchall = _Server(None, self.log)
        self._threads: list[threading.Thread] = []

    @property
    def manifest(self) -> dict[str, Any]:
        return {
            "sites": {s.site.hostname: s.base_url for s in self._servers if s.site},
            CATCHALL: self._catchall.base_url,
            "log": str(self.log.path),
        }

    def start(self) -> FixtureServers:
        for server in [*self._servers, self._catchall]:
            thread = threading.Thread(target=server.serve_forever, args=(POLL_INTERVAL,))
            thread.daemon = True
            thread.start()
            self._threads.append(thread)
        return self

    def stop(self) -> None:
        servers = [*self._servers, self._catchall]
        # shutdown() waits for one poll of that server's loop: stop them all at once
        stoppers = [threading.Thread(target=server.shutdown) for server in servers]
        for stopper in stoppers:
            stopper.start()
        for stopper in [*stoppers, *self._threads]:
            stopper.join(timeout=5)
        for server in servers:
            server.server_close()
        self.log.close()

    def __enter__(self) -> FixtureServers:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def write_json_atomically(path: Path, data: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump(data, fh, indent=2)
    os.replace(tmp, path)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sites", type=Path, required=True, help="directory of site dirs")
    parser.add_argument("--manifest", type=Path, help="where to write the manifest JSON")
    parser.add_argument("--log", type=Path, help="request log (JSONL); default beside manifest")
    parser.add_argument("--only", help="comma-separated hostnames to serve")
    parser.add_argument("--foreground", action="store_true", help="print the manifest too")
    args = parser.parse_args(argv)
    if args.manifest is None and not args.foreground:
        parser.error("--manifest is required unless --foreground is given")
    log_path = args.log or (
        args.manifest.with_suffix(".requests.jsonl")
        if args.manifest
        else Path(tempfile.gettempdir()) / "mockserver-requests.jsonl"
    )
    try:
        sites = load_sites(args.sites, args.only.split(",") if args.only else None)
    except FixtureError as exc:
        print(f"mockserver: {exc}", file=sys.stderr)
        return 2

    stopping = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        stopping.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    servers = FixtureServers(sites, log_path).start()
    try:
        if args.manifest:
            write_json_atomically(args.manifest, servers.manifest)
        if args.foreground:
            print(json.dumps(servers.manifest, indent=2), flush=True)
        while not stopping.wait(0.5):
            pass
    finally:
        servers.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
