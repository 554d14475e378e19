"""The fixture web server: routing, routes.json, Host-header rewriting and the request log."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.mockserver.server import (
    FixtureError,
    FixtureServers,
    load_site,
    load_sites,
    rewrite_host,
)

HOST = "www.example-news.test"
ROOT = Path(__file__).resolve().parents[2]


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def make_site(sites: Path, host: str = HOST) -> Path:
    """A small site: index pages of every kind, a robots.txt, routes for queries/redirects."""
    root = sites / host
    _write(
        root / "pages/index.html",
        f'<a href="https://{host}/news/one.html">one</a> '
        f'<a href="http://{host}/feed/">feed</a> '
        f'<a href="//{host}/img.png">img</a> '
        f'<a href="https://{host}.elsewhere.test/">lookalike</a>',
    )
    _write(root / "pages/news/one.html", "<p>one</p>")
    _write(root / "pages/news/index.html", "<p>news</p>")
    _write(root / "pages/feed/index.xml", f"<rss><link>https://{host}/</link></rss>")
    _write(root / "pages/api/index.json", f'{{"link": "https:\\/\\/{host}\\/news\\/one.html"}}')
    _write(root / "pages/podcast/index.rss", "<rss/>")
    _write(root / "pages/robots.txt", "User-agent: *\nDisallow: /private/\n")
    _write(root / "pages/page-2.html", "<p>page two</p>")
    _write(root / "pages/posts.json", "[]")
    routes: list[dict[str, Any]] = [
        {"path": "/news/", "query": {"page": "2"}, "file": "pages/page-2.html"},
        {"path": "/wp-json/wp/v2/posts", "query": {"per_page": "10"}, "file": "pages/posts.json"},
        {"path": "/old/", "redirect": f"https://{host}/news/"},
        {"path": "/tmp/", "redirect": "/news/", "status": 302},
        {"path": "/wp-json/", "status": 403, "headers": {"X-Blocked": "yes"}},
    ]
    _write(root / "routes.json", json.dumps(routes))
    return root


@dataclass
class Fetched:
    status: int
    headers: dict[str, str]
    body: bytes


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def fetch(url: str, *, host: str | None = None, method: str = "GET") -> Fetched:
    headers = {"Host": host} if host else {}
    request = urllib.request.Request(url, headers=headers, method=method)
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        with opener.open(request, timeout=10) as resp:
            return Fetched(resp.status, dict(resp.headers), resp.read())
    except urllib.error.HTTPError as err:
        with err:
            return Fetched(err.code, dict(err.headers), err.read())


@dataclass
class Running:
    base: str
    catchall: str
    log: Path
    port: int

    def log_records(self) -> list[dict[str, Any]]:
        return [json.loads(line) for line in self.log.read_text(encoding="utf-8").splitlines()]


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Running]:
    make_site(tmp_path / "sites")
    with FixtureServers(load_sites(tmp_path / "sites"), tmp_path / "requests.jsonl") as srv:
        manifest = srv.manifest
        base = manifest["sites"][HOST]
        yield Running(base, manifest["__catchall__"], tmp_path / "requests.jsonl", int(base[-5:]))


def test_directory_paths_serve_index_files_by_kind(server: Running) -> None:
    cases = {
        "/": "text/html; charset=utf-8",
        "/news/": "text/html; charset=utf-8",
        "/feed/": "application/xml",
        "/api/": "application/json",
        "/podcast/": "application/rss+xml",
    }
    for path, ctype in cases.items():
        got = fetch(server.base + path, host=HOST)
        assert (got.status, got.headers["Content-Type"]) == (200, ctype), path


def test_file_paths_and_robots(server: Running) -> None:
    assert fetch(server.base + "/news/one.html", host=HOST).body == b"<p>one</p>"
    robots = fetch(server.base + "/robots.txt", host=HOST)
    assert robots.headers["Content-Type"] == "text/plain; charset=utf-8"
    assert b"Disallow: /private/" in robots.body


@pytest.mark.parametrize("path", ["/missing/", "/news", "/news/two.html", "/../etc/passwd"])
def test_anything_else_is_404(server: Running, path: str) -> None:
    assert fetch(server.base + path, host=HOST).status == 404


def test_route_query_must_match_given_keys(server: Running) -> None:
    assert fetch(server.base + "/news/?page=2", host=HOST).body == b"<p>page two</p>"
    assert fetch(server.base + "/news/?page=2&utm_source=x", host=HOST).body == b"<p>page two</p>"
    # another value or no query falls through to the default rule
    assert fetch(server.base + "/news/?page=3", host=HOST).body == b"<p>news</p>"
    assert fetch(server.base + "/news/", host=HOST).body == b"<p>news</p>"
    api = fetch(server.base + "/wp-json/wp/v2/posts?per_page=10", host=HOST)
    assert (api.status, api.headers["Content-Type"], api.body) == (200, "application/json", b"[]")


def test_route_redirects_and_statuses(server: Running) -> None:
    moved = fetch(server.base + "/old/", host=HOST)
    assert (moved.status, moved.headers["Location"]) == (301, f"https://{HOST}/news/")
    relative = fetch(server.base + "/tmp/", host=HOST)
    assert (relative.status, relative.headers["Location"]) == (302, "/news/")
    blocked = fetch(server.base + "/wp-json/", host=HOST)
    assert (blocked.status, blocked.headers["X-Blocked"], blocked.body) == (403, "yes", b"")


def test_real_host_header_keeps_real_urls(server: Running) -> None:
    body = fetch(server.base + "/", host=HOST).body.decode()
    assert f'href="https://{HOST}/news/one.html"' in body
    assert "127.0.0.1" not in body


def test_direct_access_rewrites_urls_to_the_local_address(server: Running) -> None:
    local = server.base.removeprefix("http://")
    body = fetch(server.base + "/").body.decode()
    assert f'href="http://{local}/news/one.html"' in body
    assert f'href="http://{local}/feed/"' in body
    assert f'href="//{local}/img.png"' in body
    assert f'href="https://{HOST}.elsewhere.test/"' in body  # another host: untouched
    api = fetch(server.base + "/api/").body.decode()
    assert api == f'{{"link": "http:\\/\\/{local}\\/news\\/one.html"}}'
    moved = fetch(server.base + "/old/")
    assert moved.headers["Location"] == f"http://{local}/news/"


def test_rewrite_host_forms() -> None:
    data = b"https://a.test/x http://A.TEST/y //a.test/z https:\\/\\/a.test\\/w a.test.evil/q"
    assert rewrite_host(data, "a.test", "127.0.0.1:9") == (
        b"http://127.0.0.1:9/x http://127.0.0.1:9/y //127.0.0.1:9/z "
        b"http:\\/\\/127.0.0.1:9\\/w a.test.evil/q"
    )


def test_head_sends_length_without_body(server: Running) -> None:
    got = fetch(server.base + "/news/one.html", host=HOST, method="HEAD")
    assert (got.status, got.headers["Content-Length"], got.body) == (200, "10", b"")


def test_every_request_is_logged(server: Running) -> None:
    fetch(server.base + "/news/?page=2", host=HOST)
    fetch(server.base + "/nothing.html")
    fetch(server.catchall + "/some/where?x=1", host="other.test")
    records = server.log_records()
    assert records[0] == {
        "site": HOST,
        "port": server.port,
        "method": "GET",
        "path": "/news/",
        "query": "page=2",
        "host_header": HOST,
        "user_agent": records[0]["user_agent"],
        "status": 200,
    }
    assert records[0]["user_agent"].startswith("Python-urllib")
    assert (records[1]["status"], records[1]["host_header"]) == (404, f"127.0.0.1:{server.port}")
    catch = records[2]
    assert (catch["site"], catch["path"], catch["query"], catch["status"]) == (
        "__catchall__",
        "/some/where",
        "x=1",
        404,
    )


def test_bad_routes_json_fails_loudly(tmp_path: Path) -> None:
    root = make_site(tmp_path)
    _write(root / "routes.json", '[{"path": "/x/", "file": "pages/none.html"}]')
    with pytest.raises(FixtureError, match="missing file"):
        load_site(root)
    _write(root / "routes.json", '[{"path": "/x/", "fiel": "pages/index.html"}]')
    with pytest.raises(FixtureError, match="unknown route keys"):
        load_site(root)


def test_only_filters_sites_and_rejects_unknown_hosts(tmp_path: Path) -> None:
    make_site(tmp_path, "a.test")
    make_site(tmp_path, "b.test")
    (tmp_path / "not-a-site").mkdir()
    assert [s.hostname for s in load_sites(tmp_path)] == ["a.test", "b.test"]
    assert [s.hostname for s in load_sites(tmp_path, ["b.test"])] == ["b.test"]
    with pytest.raises(FixtureError, match=r"c\.test"):
        load_sites(tmp_path, ["c.test"])


def test_command_line_writes_manifest_and_stops_on_sigterm(tmp_path: Path) -> None:
    make_site(tmp_path / "sites", "a.test")
    make_site(tmp_path / "sites", "b.test")
    manifest_path = tmp_path / "manifest.json"
    command = [sys.executable, "-m", "tests.mockserver.server", "--sites", str(tmp_path / "sites")]
    command += ["--manifest", str(manifest_path), "--only", "b.test"]
    proc = subprocess.Popen(command, cwd=ROOT, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 20
        while not manifest_path.exists() and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        assert list(manifest["sites"]) == ["b.test"]
        assert manifest["log"] == str(tmp_path / "manifest.requests.jsonl")
        assert fetch(manifest["sites"]["b.test"] + "/news/one.html").body == b"<p>one</p>"
        proc.send_signal(signal.SIGTERM)
        _, stderr = proc.communicate(timeout=10)
        assert proc.returncode == 0, stderr
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
