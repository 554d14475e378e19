"""The extraction pool: worker outcomes equal in-process ones, failures fall back, shutdown."""

from __future__ import annotations

import asyncio
import multiprocessing
import os
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from scrapy.http import HtmlResponse
from scrapy.utils.project import get_project_settings
from scrapy.utils.test import get_crawler

from bench.crawl.oursite import BenchSiteSpider
from bench.crawl.site import Site
from crawler.dedup.core import Deduplicator
from crawler.dedup.memory import MemoryStore
from crawler.dedup.model import DedupConfig, Document
from crawler.enrichment import enrich_article
from crawler.extractpool import ExtractionPool
from crawler.extractwork import WorkerConfig, run_page, spider_config
from crawler.precomputed import ENRICH_INPUTS, attach, inputs_of, take
from tests.unit._pool_spiders import PoolSpider

BASE = "http://127.0.0.1:8000"


@pytest.fixture(scope="module")
def site() -> Site:
    return Site(12, seed=5, base_url=BASE)


def page(site: Site, path: str, url: str | None = None) -> HtmlResponse:
    body = site.page(path)
    assert body is not None
    return HtmlResponse(url or BASE + path, body=body, encoding="utf-8")


def crawler_for(cls: type, **settings: Any) -> Any:
    base = get_project_settings()
    values = {key: base[key] for key in base if not key.startswith(("TWISTED_", "ASYNCIO_"))}
    values.update(DEDUP_STORE_CLASS="crawler.dedup.memory.MemoryStore", **settings)
    return get_crawler(cls, settings_dict=values)


def children() -> set[int]:
    """Process ids of this process's live children, but multiprocessing's resource tracker
    (one helper per process that uses it, alive until the process ends)."""
    out: set[int] = set()
    for task in Path(f"/proc/{os.getpid()}/task").iterdir():
        for pid in (task / "children").read_text().split():
            try:
                cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
            except OSError:
                continue
            if b"resource_tracker" not in cmdline:
                out.add(int(pid))
    return out


def test_a_worker_gives_the_in_process_outcome_and_pipeline_inputs(site: Site) -> None:
    crawler = crawler_for(BenchSiteSpider, EXTRACTION_WORKERS=0)
    spider = BenchSiteSpider.from_crawler(crawler)
    assert spider.extraction_pool is None
    config = DedupConfig()
    worker = WorkerConfig("test", "bench.crawl.oursite.BenchSiteSpider", spider_config(spider),
                          enrich=True, dedup_config=config)  # fmt: skip
    dedup = Deduplicator(MemoryStore(), config=config)
    for article in site.articles[:6]:
        response = page(site, article.path)
        here = spider.extract_page(response, Counter())
        there, ops = run_page(worker, ExtractionPool.task(response))
        assert there.verdict == here.verdict == "article"
        assert there.data is not None and here.data is not None
        here.data.pop("crawled_at"), there.data.pop("crawled_at")
        assert there.data == here.data
        assert ("inc_value", "extraction/body/site", 1) in ops
        fields = spider.article_fields(there.data)
        assert there.precomputed is not None
        inputs, enriched = there.precomputed["enrich"]
        assert inputs == inputs_of(fields, ENRICH_INPUTS)
        assert enriched == enrich_article(fields)
        (doc, made_with), (fingerprint, _lines) = there.precomputed["dedup"]
        assert doc == Document.from_item(fields) and made_with == config
        expected = dedup.fingerprint(doc)
        assert (fingerprint.url, fingerprint.exact, fingerprint.words) == (
            expected.url,
            expected.exact,
            expected.words,
        )
        assert (fingerprint.sig == expected.sig).all()


def test_precomputed_values_are_used_only_for_the_same_inputs() -> None:
    class Item(dict[str, Any]):
        pass

    item = Item(title="a")
    attach(item, {"enrich": (("a",), {"x": 1}), "other": (("b",), 2)})
    assert take(item, "enrich", ("a",)) == {"x": 1}
    assert take(item, "enrich", ("a",)) is None  # taken once
    assert take(item, "other", ("changed",)) is None
    assert take({"plain": "dict"}, "enrich", ()) is None


def started_pool(**settings: Any) -> tuple[Any, PoolSpider, ExtractionPool]:
    """A crawler of :class:`PoolSpider` with ``settings``, its spider and its started pool."""
    crawler = crawler_for(PoolSpider, **settings)
    spider = PoolSpider.from_crawler(crawler)
    pool = spider.extraction_pool
    assert pool is not None and pool.start(spider)
    return crawler, spider, pool


def test_the_pool_extracts_pages_in_workers_and_leaves_no_process(site: Site) -> None:
    before = children()
    crawler, spider, pool = started_pool(EXTRACTION_WORKERS=2)
    assert len(children() - before) >= 1
    responses = [page(site, a.path) for a in site.articles[:4]]

    async def extract_all() -> list[Any]:
        return await asyncio.gather(*(pool.extract(spider, r) for r in responses))

    outcomes = asyncio.run(extract_all())
    stats = crawler.stats.get_stats()
    assert stats["extraction/pool/pages"] == 4
    assert stats["extraction/pool/workers"] == 2
    for outcome, response in zip(outcomes, responses, strict=True):
        here = spider.extract_page(response, Counter())
        assert here.data is not None and outcome.data is not None
        assert {**outcome.data, "crawled_at": None} == {**here.data, "crawled_at": None}
    pool.spider_closed(spider)
    assert not pool.active
    assert crawler.stats.get_value("extraction/pool/peak_rss_kb") > 0
    assert children() <= before
    assert not multiprocessing.active_children()


def test_crawls_of_one_process_share_the_workers(site: Site) -> None:
    before = children()
    crawlers = [crawler_for(PoolSpider, EXTRACTION_WORKERS=1) for _ in range(2)]
    spiders = [PoolSpider.from_crawler(crawler) for crawler in crawlers]
    pools = [spider.extraction_pool for spider in spiders]
    assert all(p is not None and p.start(s) for p, s in zip(pools, spiders, strict=True))
    assert pools[0] and pools[1] and pools[0].shared is pools[1].shared
    response = page(site, site.articles[0].path)
    for pool, spider in zip(pools, spiders, strict=True):
        assert pool is not None
        assert asyncio.run(pool.extract(spider, response)).verdict == "article"
    assert [c.stats.get_value("extraction/pool/pages") for c in crawlers] == [1, 1]
    assert pools[0] is not None and pools[1] is not None
    pools[0].spider_closed(spiders[0])
    assert pools[1].active  # still used by the other crawl
    pools[1].spider_closed(spiders[1])
    assert children() <= before


def test_a_dying_worker_falls_back_counts_and_restarts(site: Site) -> None:
    crawler, spider, pool = started_pool(EXTRACTION_WORKERS=1)
    article = site.articles[0]
    dying = page(site, article.path, url=BASE + "/die" + article.path)
    outcome = asyncio.run(pool.extract(spider, dying))
    assert outcome.verdict == "article" and outcome.data is not None  # extracted here instead
    stats = crawler.stats.get_stats()
    assert stats["extraction/pool/crashes"] == 1
    assert stats["extraction/pool/fallback"] == 1
    assert stats["extraction/pool/restarts"] == 1
    assert "extraction/pool/pages" not in stats
    assert pool.active  # restarted: the next page goes to a worker again
    asyncio.run(pool.extract(spider, page(site, site.articles[1].path)))
    assert crawler.stats.get_value("extraction/pool/pages") == 1
    pool.spider_closed(spider)
    assert not multiprocessing.active_children()


def test_a_page_that_times_out_is_extracted_here(site: Site) -> None:
    crawler, spider, pool = started_pool(
        EXTRACTION_WORKERS=1, EXTRACTION_WORKER_TIMEOUT=0.5, EXTRACTION_WORKER_MAX_RESTARTS=0
    )
    article = site.articles[2]
    slow = page(site, article.path, url=BASE + "/slow" + article.path)
    outcome = asyncio.run(pool.extract(spider, slow))
    assert outcome.verdict == "article"
    stats = crawler.stats.get_stats()
    assert stats["extraction/pool/timeouts"] == 1
    assert stats["extraction/pool/fallback"] == 1
    assert not pool.active  # no restarts allowed: the rest is extracted in-process
    assert asyncio.run(pool.extract(spider, page(site, site.articles[3].path))).data
    pool.spider_closed(spider)
    assert not multiprocessing.active_children()


def test_no_pool_for_a_spider_class_not_importable_by_path() -> None:
    class Local(PoolSpider):
        name = "local"

    crawler = crawler_for(Local, EXTRACTION_WORKERS=2)
    spider = Local.from_crawler(crawler)
    assert spider.extraction_pool is not None
    assert not spider.extraction_pool.start(spider)
    assert not spider.extraction_pool.active
    output = spider.parse_article(HtmlResponse(BASE + "/x", body=b""))
    assert isinstance(output, Iterator) and list(output) == []  # in-process: an iterator


@pytest.mark.parametrize(
    "body",
    [
        b"<html><body><p>caf\xc3\xa9 \xff\xfe broken</p></body></html>",  # invalid UTF-8 inside
        b"  \n<html><body><p>plain</p></body></html>\n\n",
        b"\xef\xbb\xbf<html><body><p>bom</p></body></html>",  # falls back to the text
        b"\xc2\xa0<html><body><p>nbsp first</p></body></html>\xc2\xa0",  # falls back too
        b"<html><body><p>nul\x00byte</p></body></html>",  # falls back too
        b"<html><head><base href='/x/'></head><body><a href='y'>l</a></body></html>",
    ],
)
def test_the_worker_parses_utf8_bytes_into_the_tree_parsel_makes(body: bytes) -> None:
    from lxml import etree

    from crawler.extractwork import utf8_html_selector

    here = HtmlResponse("https://x.test/a/b", body=body, encoding="utf-8")
    fast = utf8_html_selector(HtmlResponse("https://x.test/a/b", body=body, encoding="utf-8"))
    if fast is None:
        assert body.startswith((b"\xef", b"\xc2")) or b"\x00" in body
        return
    assert etree.tostring(fast.root) == etree.tostring(here.selector.root)
    assert fast.root.base == here.selector.root.base
    assert fast.css("a::attr(href)").getall() == here.css("a::attr(href)").getall()


def test_pipelines_give_the_same_fields_with_precomputed_values(tmp_path: Path) -> None:
    from crawler.extractwork import _Crawl, precompute
    from crawler.items import ARTICLE_FIELDS
    from pipelines.enrich import EnrichPipeline
    from tests.unit.test_dedup_pipeline import items, make_pipeline

    def run(attach_values: bool, changed: bool) -> list[dict[str, Any]]:
        dedup, crawler = make_pipeline(tmp_path / f"{attach_values}{changed}")
        enrich = EnrichPipeline.from_crawler(crawler)
        dedup.open_spider()
        out = []
        for item in items():
            if attach_values:
                assert dedup.dedup is not None
                crawl = _Crawl(None, True, dedup.dedup.fingerprinter, dedup.dedup.config)
                attach(item, precompute(crawl, dict(item)))
            if changed:  # a pipeline changed an input: the values are not used
                item["title"] = str(item["title"]) + " (updated)"
                item["body"] = str(item["body"]) + "\n\nOne more line of the story."
            out.append(dict(dedup.process_item(enrich.process_item(item))))
        return [{k: v for k, v in row.items() if k in ARTICLE_FIELDS} for row in out]

    assert run(True, False) == run(False, False)
    assert run(True, True) == run(False, True)


def test_workers_come_from_one_preloaded_fork_server_also_after_a_restart(site: Site) -> None:
    from crawler.workerpipes import stop_forkserver
    from tests.unit.test_workerpipes import forkserver_pid, origin

    stop_forkserver()  # one an earlier test left: this one preloads
    before = children()
    crawler, spider, pool = started_pool(EXTRACTION_WORKERS=2)
    assert pool.shared is not None

    def origins() -> set[tuple[int, int | None, tuple[str, ...]]]:
        async def run() -> list[tuple[int, int | None, list[str]]]:
            assert pool.shared is not None and pool.shared.executor is not None
            return list(await asyncio.gather(*(pool.shared.executor.run(origin) for _ in range(8))))

        return {
            (parent, preloaded, tuple(failed)) for parent, preloaded, failed in asyncio.run(run())
        }

    [(server, preloaded, failed)] = origins()
    assert server == preloaded == forkserver_pid() and server in children() - before
    assert failed == ()  # modules and matchers loaded there, once
    article = site.articles[0]
    dying = page(site, article.path, url=BASE + "/die" + article.path)
    assert asyncio.run(pool.extract(spider, dying)).verdict == "article"  # extracted here
    assert crawler.stats.get_value("extraction/pool/restarts") == 1
    assert origins() == {(server, server, ())}  # the restarted workers: same server
    assert asyncio.run(pool.extract(spider, page(site, site.articles[1].path))).data
    assert crawler.stats.get_value("extraction/pool/pages") == 1
    pool.spider_closed(spider)
    assert forkserver_pid() is None  # stopped with the last pool
    assert children() <= before
    assert not multiprocessing.active_children()


def test_workers_that_do_not_start_leave_pages_to_the_crawl_process(
    site: Site, monkeypatch: pytest.MonkeyPatch
) -> None:
    from crawler import extractpool

    before = children()
    crawler, spider, pool = started_pool(EXTRACTION_WORKERS=1)

    def no_pool(*args: Any, **kwargs: Any) -> Any:
        raise OSError("the fork server is gone")

    monkeypatch.setattr(extractpool, "PipePool", no_pool)
    article = site.articles[0]
    dying = page(site, article.path, url=BASE + "/die" + article.path)
    assert asyncio.run(pool.extract(spider, dying)).verdict == "article"  # extracted here
    stats = crawler.stats.get_stats()
    assert stats["extraction/pool/crashes"] == 1 and "extraction/pool/restarts" not in stats
    assert not pool.active  # the restart failed: the rest is extracted here
    assert asyncio.run(pool.extract(spider, page(site, site.articles[1].path))).data
    pool.spider_closed(spider)
    other = crawler_for(PoolSpider, EXTRACTION_WORKERS=1)
    other_pool = PoolSpider.from_crawler(other).extraction_pool
    assert other_pool is not None and not other_pool.start(spider)  # logged, no pool
    assert not other_pool.active
    assert children() <= before
    assert not multiprocessing.active_children()
