"""The generated news site of the crawl benchmark, and the in-memory server that serves it.

Policy: the site is a pure function of ``(pages, seed, base_url)``. ``pages`` articles
spread over ten sections are listed newest first on section listings of
``LISTING_SIZE`` teasers (``/section/<name>/``, then ``/section/<name>/page/<k>/``,
each linking the next with ``a.next``). An article page weighs 40–750 KB (log-normal
around 200 KB, like real article pages) and carries what real ones do
(:mod:`bench.crawl.pages`): og/twitter tags, JSON-LD ``NewsArticle`` and breadcrumbs,
inline CSS, an SVG sprite, a mega menu, share bar, ad slots with scripts between
paragraphs, a "Read also" line, tags, an author box, related teasers, a footer and a
large inline state script. The element count grows with the size (about 400 + 3 per
KB, as measured on real article pages); the rest of the weight is script, style and
SVG. Every 25th article is a syndicated copy of an earlier one (same body, its own
headline), so the dedup stage has copies to find.

Pages are tuples of byte chunks; the filler is one shared blob per kind referenced by
memoryview slices, so 5,000 pages take about 100 MB. The server (``python -m
bench.crawl.site --pages N``) is a raw asyncio HTTP/1.1 keep-alive server on 127.0.0.1:
it prints ``READY <base url>`` once bound and built, and ``GET /__rusage`` answers its
own CPU seconds as JSON.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import math
import random
import resource
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

from bench.crawl import pages
from bench.crawl.pages import ADJS, EVENTS, NAMES, NOUNS, PLACES, SECTIONS, Article

Chunk = bytes | memoryview
TZ = timezone(timedelta(hours=3))
LISTING_SIZE = 20
#: Sentences generated per section; articles draw theirs from this pool.
POOL = 1500
MIN_SIZE, MAX_SIZE, MEDIAN_SIZE = 40_000, 750_000, 200_000
#: Every COPY_EVERY-th article copies the body of the one COPY_LAG before it.
COPY_EVERY, COPY_LAG = 25, 12


@dataclass
class Site:
    """The generated site: articles, listings and, once built, the page chunks."""

    pages: int
    seed: int = 8
    base_url: str = "http://127.0.0.1"
    articles: list[Article] = field(default_factory=list)
    listings: dict[str, list[list[int]]] = field(default_factory=dict)
    _routes: dict[str, tuple[Chunk, ...]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        rng = random.Random(self.seed)
        self._pool = {s: [pages.sentence(rng, s) for _ in range(POOL)] for s in SECTIONS}
        start = datetime(2024, 1, 1, 6, 0, tzinfo=TZ)
        for i in range(self.pages):
            self.articles.append(self._article(i, rng, start))
        for name in SECTIONS:
            own = [a.index for a in self.articles if a.section == name]
            own.sort(key=lambda i: self.articles[i].published, reverse=True)
            self.listings[name] = [
                own[k : k + LISTING_SIZE] for k in range(0, len(own), LISTING_SIZE)
            ]

    def _article(self, i: int, rng: random.Random, start: datetime) -> Article:
        section = SECTIONS[rng.randrange(len(SECTIONS))]
        published = start + timedelta(minutes=rng.randrange(0, 366 * 24 * 60))
        place = rng.choice(PLACES[section])
        event, adj, noun = rng.choice(EVENTS), rng.choice(ADJS), rng.choice(NOUNS)
        title = f"{event.capitalize()} near {place} as {adj} {noun} falters"
        weight = rng.lognormvariate(math.log(MEDIAN_SIZE), 0.65)
        size = round(min(MAX_SIZE, max(MIN_SIZE, weight)))
        wire = rng.choices((None, "AFP", "Reuters"), (0.55, 0.3, 0.15))[0]
        authors = rng.sample(NAMES, rng.choice((1, 1, 1, 2)))
        source = i - COPY_LAG if i % COPY_EVERY == COPY_EVERY - 1 else i
        if source != i:  # a syndicated copy: the original's paragraphs, its own headline
            paragraphs = list(self.articles[source].paragraphs)
            wire = self.articles[source].wire or "AFP"
        else:
            pool, count = self._pool[section], rng.randrange(8, 26)
            paragraphs = [" ".join(rng.choices(pool, k=rng.randrange(2, 5))) for _ in range(count)]
            dateline = place.upper() + (f" ({wire})" if wire else "")
            paragraphs[0] = f"{dateline} — {paragraphs[0]}"
        summary = paragraphs[0].split(" — ", 1)[-1][:180]
        slug = "-".join(title.lower().split()[:7])
        path = f"/{section}/{published:%Y/%m/%d}/{slug}-{10000 + i}/"
        return Article(
            i, section, title, summary, published, authors, wire, paragraphs, size, source, path
        )

    # -- URLs -------------------------------------------------------------------

    @staticmethod
    def listing_path(section: str, page: int) -> str:
        return f"/section/{section}/" if page == 1 else f"/section/{section}/page/{page}/"

    def start_urls(self) -> list[str]:
        """The first listing page of every section."""
        return [self.base_url + self.listing_path(name, 1) for name in SECTIONS]

    def paths(self) -> Iterator[str]:
        """Every served path: listings first, then articles."""
        for name, chunks in self.listings.items():
            for k in range(1, len(chunks) + 1):
                yield self.listing_path(name, k)
        for article in self.articles:
            yield article.path

    # -- pages ------------------------------------------------------------------

    def route(self, path: str) -> tuple[Chunk, ...] | None:
        """The page at ``path`` as byte chunks (the site is built on first use), or None."""
        if not self._routes:
            self._build()
        return self._routes.get(path)

    def page(self, path: str) -> bytes | None:
        chunks = self.route(path)
        return None if chunks is None else b"".join(chunks)

    def _build(self) -> None:
        self._js = memoryview(pages.blob(MAX_SIZE, self.seed, "js"))
        self._css = memoryview(pages.blob(120_000, self.seed, "css"))
        svg = pages.blob(90_000, self.seed, "svg")
        self._svg = memoryview(svg)
        cuts, at = [], svg.find(b"<path")
        while at >= 0:
            cuts.append(at)
            at = svg.find(b"<path", at + 1)
        self._svg_cuts = [*cuts, len(svg)]
        self._chrome = pages.chrome().encode()
        self._teasers = [pages.teaser(a).encode() for a in self.articles]
        for name, listed in self.listings.items():
            for k, indices in enumerate(listed, start=1):
                self._routes[self.listing_path(name, k)] = self._listing(
                    name, k, indices, len(listed)
                )
        for article in self.articles:
            self._routes[article.path] = self._article_page(article)

    def _listing(self, name: str, k: int, indices: list[int], last: int) -> tuple[Chunk, ...]:
        title = f"{name.capitalize()} news – page {k} | {pages.OUTLET}"
        head = f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{title}</title>'
        items = "".join(pages.listing_item(self.articles[i]) for i in indices)
        more = (
            f'<a class="next" href="{self.listing_path(name, k + 1)}">Next</a>' if k < last else ""
        )
        body = f'<h1>{name.capitalize()}</h1><div class="listing">{items}</div>'
        body += f'<nav class="pager">{more}</nav></main>'
        opening = (head + "</head><body>").encode()
        return (opening, self._chrome, body.encode(), pages.FOOTER, b"</body></html>")

    def _article_page(self, a: Article) -> tuple[Chunk, ...]:
        """Markup first (head, chrome, body, enough related teasers for the element count
        of a page this size), then CSS, SVG and script filler up to the size."""
        n = len(self.articles)
        head = pages.head(a, self.base_url).encode()
        body = pages.article_body(a, self.articles[(a.index + 13) % n]).encode()
        extra = 400 + 3 * a.size // 1024 - 600  # elements beyond the fixed ones, ~9 per teaser
        teasers = [self._teasers[(a.index + 3 + 17 * k) % n] for k in range(max(4, extra // 9))]
        markup = len(head) + len(self._chrome) + len(body) + len(pages.FOOTER) + 300
        rest = max(0, a.size - markup - sum(len(t) for t in teasers))
        css = self._css[: min(rest // 6, len(self._css))]
        svg = self._svg[: next(c for c in self._svg_cuts if c >= min(rest // 10, len(self._svg)))]
        js = self._js[: max(0, min(len(self._js), rest - len(css) - len(svg)))]
        return (
            head, b"<style>", css, b"</style></head><body class='single-post'>",
            b'<svg style="display:none" xmlns="http://www.w3.org/2000/svg">', svg, b"</svg>",
            self._chrome, body, b'<section class="related"><h3>Related posts</h3>', *teasers,
            b"</section></main>", pages.FOOTER, b"<script>window.__STATE__={", js,
            b"};</script></body></html>",
        )  # fmt: skip


# -- server -------------------------------------------------------------------------------------


class _Http(asyncio.Protocol):
    """HTTP/1.1 keep-alive, GET only, one response per request in arrival order."""

    def __init__(self, site: Site) -> None:
        self.site = site
        self.buffer = b""
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        while (end := self.buffer.find(b"\r\n\r\n")) >= 0 and self.transport is not None:
            head, self.buffer = self.buffer[:end], self.buffer[end + 4 :]
            line, _, headers = head.partition(b"\r\n")
            words = line.split(b" ")
            path = (words[1] if len(words) > 2 else b"/").decode("latin-1").split("?", 1)[0]
            self.respond(path, close=b"connection: close" in headers.lower())

    def respond(self, path: str, *, close: bool) -> None:
        assert self.transport is not None
        status, ctype = b"200 OK", b"text/html; charset=utf-8"
        chunks = self.site.route(path)
        if path == "/__rusage":
            usage = resource.getrusage(resource.RUSAGE_SELF)
            cpu = {"user": usage.ru_utime, "system": usage.ru_stime}
            chunks, ctype = (json.dumps(cpu).encode(),), b"application/json"
        elif chunks is None:
            status, chunks = b"404 Not Found", (b"not found",)
        head = b"HTTP/1.1 %s\r\nContent-Type: %s\r\nContent-Length: %d\r\n%s\r\n" % (
            status,
            ctype,
            sum(len(c) for c in chunks),
            b"Connection: close\r\n" if close else b"",
        )
        self.transport.writelines([head, *chunks])
        if close:
            self.transport.close()
            self.transport = None


async def serve(site: Site, port: int = 0) -> None:
    """Bind, build the site for the bound address, print ``READY <base>``, serve forever."""
    loop = asyncio.get_running_loop()
    server = await loop.create_server(lambda: _Http(site), "127.0.0.1", port, backlog=512)
    site.base_url = f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}"
    site.route("/")
    print(f"READY {site.base_url}", flush=True)
    async with server:
        await server.serve_forever()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.crawl.site", description=__doc__)
    parser.add_argument("--pages", type=int, default=5000, help="articles (5000)")
    parser.add_argument("--seed", type=int, default=8, help="generator seed (8)")
    parser.add_argument("--port", type=int, default=0, help="port (0: any free port)")
    args = parser.parse_args(argv)
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve(Site(args.pages, args.seed), args.port))
    return 0


if __name__ == "__main__":
    sys.exit(main())
