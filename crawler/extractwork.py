"""The worker side of the extraction pool: one article page in, its outcome out.

Policy: a worker process holds one copy of each crawl's spider, rebuilt on the crawl's
first page there from its class (by import path) and its configuration when the spider
opened (picklable instance attributes; never its run state), and runs
:meth:`crawler.spider.NewsSpider.extract_page` on a response rebuilt from the page's URL,
status, headers, body, encoding and plain request meta. That is the same code the crawl
process runs, on the same bytes, so the outcome is the same. For an article it also computes
the pure parts of later pipelines on the fields the spider will emit
(:mod:`crawler.precomputed`): the enrichment fields and the dedup fingerprint without the
site's boilerplate lines (the dedup pipeline redoes it if the store knows some). Stats the
page's code records are sent back as operations and replayed on the crawl's stats.
"""

from __future__ import annotations

import pickle
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, NamedTuple

#: Spider attributes never sent to a worker: the crawl's handles and run state.
_NOT_CONFIG = frozenset({"crawler", "settings", "extraction_pool", "_emitted", "_liveblogs"})
_PLAIN = (str, int, float, bool, type(None))


class PageOutcome(NamedTuple):
    """What an article page gave: ``verdict`` is ``article`` (``data`` holds the fields),
    ``not_article``, ``no_body`` or ``liveblog``; ``precomputed`` is for the pipelines."""

    verdict: str
    data: dict[str, Any] | None = None
    precomputed: Mapping[str, tuple[Any, Any]] | None = None


@dataclass
class WorkerConfig:
    """What a worker needs for one crawl's pages: the spider class path and configuration,
    the agencies the crawl adds, and what to compute ahead (``dedup_config`` None: no
    fingerprint). ``key`` tells crawls sharing the workers apart."""

    key: str
    spider_class: str
    spider_state: bytes  # the pickled configuration attributes (see spider_config)
    agencies: dict[str, list[str]] = field(default_factory=dict)
    enrich: bool = False
    dedup_config: Any = None


class PageTask(NamedTuple):
    """One page, as the worker rebuilds its response."""

    response_class: str
    url: str
    status: int
    headers: dict[bytes, list[bytes]]
    body: bytes
    encoding: str
    meta: dict[str, Any]
    flags: list[str]


class StatsRecorder:
    """Stats collector stand-in that records operations for the crawl process."""

    def __init__(self) -> None:
        self.ops: list[tuple[str, str, Any]] = []

    def inc_value(self, key: str, count: int = 1, start: int = 0, spider: Any = None) -> None:
        self.ops.append(("inc_value", key, count))

    def set_value(self, key: str, value: Any, spider: Any = None) -> None:
        self.ops.append(("set_value", key, value))

    def max_value(self, key: str, value: Any, spider: Any = None) -> None:
        self.ops.append(("max_value", key, value))

    def min_value(self, key: str, value: Any, spider: Any = None) -> None:
        self.ops.append(("min_value", key, value))

    def get_value(self, key: str, default: Any = None, spider: Any = None) -> Any:
        return default


class _Crawler:
    def __init__(self) -> None:
        self.stats = StatsRecorder()


def spider_config(spider: Any) -> bytes:
    """The spider's picklable configuration attributes, pickled (a snapshot: the spider's
    objects may change later; see module policy)."""
    out: dict[str, Any] = {}
    for key, value in vars(spider).items():
        if key in _NOT_CONFIG:
            continue
        try:
            pickle.dumps(value)
        except Exception:
            continue
        out[key] = value
    return pickle.dumps(out)


def plain_meta(meta: Mapping[str, Any]) -> dict[str, Any]:
    """Request meta entries of plain values (what page code may read)."""
    out: dict[str, Any] = {}
    for key, value in meta.items():
        values = value.values() if isinstance(value, dict) else value
        if isinstance(value, _PLAIN) or (
            isinstance(value, dict | list | tuple) and all(isinstance(v, _PLAIN) for v in values)
        ):
            out[key] = value
    return out


class _Crawl(NamedTuple):
    spider: Any
    enrich: bool
    fingerprinter: Any
    config: Any


#: key -> the crawl's spider and helpers, in this worker (oldest dropped past 64).
_CRAWLS: dict[str, _Crawl] = {}


def crawl_for(config: WorkerConfig) -> _Crawl:
    """The spider and helpers of ``config``'s crawl, built on its first page here."""
    found = _CRAWLS.get(config.key)
    if found is not None:
        return found
    from scrapy.utils.misc import load_object

    from crawler.wire import register_agencies

    if config.agencies:
        register_agencies(config.agencies)
    cls = load_object(config.spider_class)
    spider = cls.__new__(cls)
    spider.__dict__.update(pickle.loads(config.spider_state))
    spider.crawler = _Crawler()
    if config.enrich:
        from crawler.enrichment import matchers

        matchers()
    fingerprinter = None
    if config.dedup_config is not None:
        from crawler.dedup.features import Fingerprinter

        fingerprinter = Fingerprinter(config.dedup_config)
    if len(_CRAWLS) >= 64:
        _CRAWLS.pop(next(iter(_CRAWLS)))
    built = _Crawl(spider, config.enrich, fingerprinter, config.dedup_config)
    _CRAWLS[config.key] = built
    return built


def prepare(config: WorkerConfig) -> int:
    """Build ``config``'s crawl in this worker ahead of its pages; returns the process id."""
    import os

    crawl_for(config)
    return os.getpid()


def warm() -> int:
    """A no-op task that makes the pool start a worker now."""
    import os

    return os.getpid()


def response_of(task: PageTask) -> Any:
    """The response ``task`` describes (same class, URL, headers, body and encoding); an
    HTML page's selector is parsed by :mod:`crawler.htmltree`."""
    from scrapy import Request
    from scrapy.http import HtmlResponse
    from scrapy.utils.misc import load_object

    from crawler.htmltree import response_selector

    cls = load_object(task.response_class)
    response = cls(
        url=task.url,
        status=task.status,
        headers=task.headers,
        body=task.body,
        encoding=task.encoding,
        flags=list(task.flags),
        request=Request(task.url, meta=dict(task.meta)),
    )
    selector = utf8_html_selector(response)
    if selector is None and isinstance(response, HtmlResponse):
        selector = response_selector(response)  # other encodings: parsed from the text
    if selector is not None:
        response._cached_selector = selector
    return response


_PRINTABLE = range(0x21, 0x7F)


def utf8_html_selector(response: Any) -> Any:
    """The selector of a UTF-8 HTML page parsed from its bytes, or None (then Scrapy builds
    it from ``response.text``). parsel parses ``text.strip().replace("\\x00", "")`` encoded
    as UTF-8; for a body without NUL bytes whose first and last non-blank bytes are
    printable ASCII those are the body's stripped bytes, and parsel redoes invalid UTF-8
    from the text decoded with replacement, as Scrapy decodes it. Saves decoding the page,
    and stripping and encoding its text again. Parsed with
    :class:`crawler.htmltree.HtmlParser` (every element an ``HtmlElement``)."""
    import codecs

    from scrapy.http import HtmlResponse
    from w3lib.html import get_base_url

    from crawler.htmltree import html_selector

    if type(response) is not HtmlResponse or codecs.lookup(response.encoding).name != "utf-8":
        return None
    body = response.body
    stripped = body.strip()
    if not stripped or stripped[0] not in _PRINTABLE or stripped[-1] not in _PRINTABLE:
        return None
    if b"\x00" in body:
        return None
    head = body[:16384].decode("utf-8", "replace")[:4096]  # what Scrapy's get_base_url reads
    base_url = get_base_url(head, response.url, response.encoding)
    return html_selector(stripped, base_url)


def run_page(
    config: WorkerConfig, task: PageTask
) -> tuple[PageOutcome, list[tuple[str, str, Any]]]:
    """Extract one page in this worker; returns the outcome and the stats operations."""
    crawl = crawl_for(config)
    recorder = StatsRecorder()
    crawl.spider.crawler.stats = recorder
    response = response_of(task)
    outcome = crawl.spider.extract_page(response, recorder)
    if outcome.verdict == "article" and outcome.data is not None:
        fields = crawl.spider.article_fields(outcome.data)
        outcome = outcome._replace(precomputed=precompute(crawl, fields))
    return outcome, recorder.ops


def precompute(crawl: _Crawl, fields: Mapping[str, Any]) -> dict[str, tuple[Any, Any]]:
    """The enrichment fields and the dedup fingerprint of the item ``fields`` will make."""
    from crawler.precomputed import ENRICH_INPUTS, inputs_of

    out: dict[str, tuple[Any, Any]] = {}
    if crawl.enrich:
        from crawler.enrichment import enrich_article

        out["enrich"] = (inputs_of(fields, ENRICH_INPUTS), enrich_article(fields))
    if crawl.fingerprinter is not None and fields.get("url"):
        from crawler.dedup.model import Document
        from crawler.dedup.normalize import tokenize

        doc = Document.from_item(fields)
        tokens = tokenize(doc.body)
        fp = crawl.fingerprinter.fingerprint(doc, tokens, frozenset())
        out["dedup"] = ((doc, crawl.config), (fp, tuple(tokens.line_hashes)))
    return out
