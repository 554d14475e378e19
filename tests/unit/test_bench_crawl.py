"""The crawl benchmark's generated site, server, contenders' link following and result math."""

from __future__ import annotations

import asyncio
import cProfile
import json
from pathlib import Path

import pytest
from parsel import Selector
from scrapy.http import HtmlResponse
from scrapy.utils.test import get_crawler

from bench.crawl import CrawlRun, median_run, ratios, render_runs, render_targets, targets
from bench.crawl.__main__ import hotspots
from bench.crawl.site import COPY_EVERY, COPY_LAG, MAX_SIZE, MIN_SIZE, Site, _Http
from bench.crawl.spiders import COMMON, BareSpider, crawl_settings, our_spider, parse_set

BASE = "http://127.0.0.1:8000"


@pytest.fixture(scope="module")
def site() -> Site:
    return Site(60, seed=3, base_url=BASE)


def response(site: Site, path: str) -> HtmlResponse:
    body = site.page(path)
    assert body is not None
    return HtmlResponse(BASE + path, body=body, encoding="utf-8")


# -- generator -------------------------------------------------------------------------


def test_the_site_is_deterministic(site: Site) -> None:
    again = Site(60, seed=3, base_url=BASE)
    assert list(again.paths()) == list(site.paths())
    assert all(again.page(path) == site.page(path) for path in site.paths())
    other = Site(60, seed=4, base_url=BASE)
    assert [a.path for a in other.articles] != [a.path for a in site.articles]


def test_article_pages_weigh_what_real_ones_do(site: Site) -> None:
    for article in site.articles:
        body = site.page(article.path)
        assert body is not None
        assert MIN_SIZE * 0.95 <= len(body) <= MAX_SIZE
        assert abs(len(body) - article.size) <= max(2_000, article.size * 0.05)
    big = max(site.articles, key=lambda a: a.size)
    small = min(site.articles, key=lambda a: a.size)
    elements = [
        len(Selector(text=str(site.page(a.path), "utf-8")).xpath("//*")) for a in (big, small)
    ]
    assert elements[0] > elements[1] >= 400


def test_an_article_page_carries_metadata_and_chrome(site: Site) -> None:
    article = site.articles[5]
    sel = response(site, article.path).selector
    assert sel.css("link[rel=canonical]::attr(href)").get() == BASE + article.path
    assert sel.css("meta[property='og:title']::attr(content)").get().startswith(article.title)
    blocks = sel.xpath("//script[@type='application/ld+json']/text()").getall()
    assert json.loads(blocks[0])["headline"] == article.title
    assert sel.css("h1.entry-title::text").get() == article.title
    assert len(sel.css("nav.main-menu a")) >= 100
    assert sel.css("section.related .teaser")
    assert sel.css(".entry-content p strong a::attr(href)").get().startswith("/")


def test_listings_list_every_article_once_and_chain_with_next_links(site: Site) -> None:
    seen: list[str] = []
    for url in site.start_urls():
        path = url.removeprefix(BASE)
        while path:
            sel = response(site, path).selector
            seen += sel.css(".listing h2 a::attr(href)").getall()
            path = sel.css("a.next::attr(href)").get()
    assert sorted(seen) == sorted(a.path for a in site.articles)


def test_every_copy_repeats_an_earlier_body(site: Site) -> None:
    copies = [a for a in site.articles if a.source != a.index]
    assert len(copies) == len(site.articles) // COPY_EVERY
    for copy in copies:
        assert copy.source == copy.index - COPY_LAG
        assert copy.paragraphs == site.articles[copy.source].paragraphs


def test_the_server_answers_pages_keep_alive_and_404(site: Site) -> None:
    async def exchange() -> list[bytes]:
        loop = asyncio.get_running_loop()
        server = await loop.create_server(lambda: _Http(site), "127.0.0.1", 0)
        port = server.sockets[0].getsockname()[1]
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        bodies = []
        for path in (site.articles[0].path, "/nope/", "/__rusage"):
            writer.write(f"GET {path} HTTP/1.1\r\nHost: x\r\n\r\n".encode())
            head = await reader.readuntil(b"\r\n\r\n")
            length = int(head.lower().split(b"content-length: ")[1].split(b"\r\n")[0])
            bodies.append(head.split(b"\r\n")[0] + b"|" + await reader.readexactly(length))
        writer.close()
        server.close()
        await server.wait_closed()
        return bodies

    page, missing, usage = asyncio.run(exchange())
    assert page == b"HTTP/1.1 200 OK|" + site.page(site.articles[0].path)  # type: ignore[operator]
    assert missing.startswith(b"HTTP/1.1 404")
    assert set(json.loads(usage.split(b"|", 1)[1])) == {"user", "system"}


# -- contenders ------------------------------------------------------------------------


def test_contenders_run_with_the_same_crawl_settings(tmp_path: Path) -> None:
    settings = {name: crawl_settings(name, tmp_path, 16) for name in ("bare", "ours")}
    for key in (*COMMON, "CONCURRENT_REQUESTS", "CONCURRENT_REQUESTS_PER_DOMAIN"):
        assert settings["bare"][key] == settings["ours"][key]
    assert settings["bare"]["AUTOTHROTTLE_ENABLED"] is False
    assert settings["bare"]["ROBOTSTXT_OBEY"] is False
    assert "FEEDS" in crawl_settings("trafilatura", tmp_path, 16)


def test_extra_settings_are_read_as_json_when_they_are_json() -> None:
    assert parse_set(["CONCURRENT_ITEMS=16", "LOG_LEVEL=DEBUG", 'X={"a": 1}']) == {
        "CONCURRENT_ITEMS": 16,
        "LOG_LEVEL": "DEBUG",
        "X": {"a": 1},
    }
    with pytest.raises(ValueError, match="NAME=VALUE"):
        parse_set(["CONCURRENT_ITEMS"])


def test_bare_spider_and_ours_follow_the_same_links() -> None:
    site = Site(250, seed=3, base_url=BASE)
    name = next(name for name, listed in site.listings.items() if len(listed) > 1)
    listing = response(site, site.listing_path(name, 1))
    bare = list(BareSpider(start_urls=BASE + "/").parse(listing))
    cls = our_spider()
    spider = cls.from_crawler(get_crawler(cls), start_urls=BASE + "/")
    ours = list(spider.parse_listing(listing))
    assert [r.url for r in bare] == [r.url for r in ours]
    assert len(bare) == 21
    assert bare[-1].url == BASE + site.listing_path(name, 2)


def test_our_spider_extracts_a_generated_article(site: Site) -> None:
    article = next(a for a in site.articles if a.wire == "AFP" and a.source == a.index)
    cls = our_spider()
    spider = cls.from_crawler(get_crawler(cls), start_urls=BASE + "/section/iraq/")
    out = list(spider.parse_article(response(site, article.path)))
    item = out[0]
    assert item["title"] == article.title
    assert item["authors"] == article.authors
    assert item["wire"] == ["AFP"]
    assert item["body"].startswith(article.paragraphs[0][:40])
    assert item["published"].startswith(article.published.strftime("%Y-%m-%dT%H:%M"))


# -- result math -----------------------------------------------------------------------


def run(name: str, pages: int, seconds: float, cpu: float, rss_mb: float) -> CrawlRun:
    return CrawlRun(name, pages, pages, seconds, cpu, seconds + 1, cpu + 1, int(rss_mb * 1024))


def test_rates_and_ratios_against_bare() -> None:
    runs = {
        "bare": run("bare", 1000, 10.0, 5.0, 100),
        "trafilatura": run("trafilatura", 1000, 50.0, 40.0, 150),
        "ours": run("ours", 1000, 25.0, 20.0, 400),
    }
    assert runs["bare"].pages_per_s == 100.0
    assert runs["ours"].cpu_ms_per_page == 20.0
    assert runs["ours"].process_cpu_ms_per_page == 21.0
    rel = ratios(runs)
    assert rel["bare"] == {"pages_per_s": 1.0, "cpu_per_page": 1.0, "rss": 1.0}
    assert rel["ours"] == {"pages_per_s": 0.4, "cpu_per_page": 4.0, "rss": 4.0}
    rows = {row["label"]: row for row in targets(runs, 5000)}
    assert rows["pages/s vs bare Scrapy"]["value"] == 0.4
    assert not rows["pages/s vs bare Scrapy"]["met"]
    assert rows["pages/s vs Scrapy + trafilatura"]["value"] == 2.0
    assert rows["pages/s vs Scrapy + trafilatura"]["met"]
    assert rows["peak RSS (MB), 5,000-page crawl"]["met"]
    assert "0.40" in "\n".join(render_runs(runs))
    assert "**not met**" in "\n".join(render_targets(targets(runs, 5000)))


def test_small_crawls_say_the_rss_target_is_for_5000_pages() -> None:
    rows = targets({"ours": run("ours", 300, 3.0, 2.0, 1500)}, 300)
    assert len(rows) == 1
    assert not rows[0]["met"]
    assert "5,000" in rows[0]["note"]


def test_median_run_and_empty_reference() -> None:
    runs = [run("ours", 100, s, 1.0, 10) for s in (1.0, 4.0, 2.0)]
    assert median_run(runs).crawl_seconds == 2.0
    assert ratios({"ours": runs[0]}) == {}
    assert run("ours", 0, 0.0, 0.0, 1).pages_per_s == 0.0


def test_hotspots_lists_the_top_functions(tmp_path: Path) -> None:
    profiler = cProfile.Profile()
    profiler.runcall(lambda: sorted(str(i) for i in range(20_000)))
    profiler.dump_stats(tmp_path / "x.prof")
    spots = hotspots(tmp_path / "x.prof", n=3)
    assert len(spots["own"]) == 3
    assert all(0 <= s["share"] <= 1 for s in spots["own"])
    assert spots["own"][0]["own_s"] >= spots["own"][-1]["own_s"]


# -- a tiny crawl ----------------------------------------------------------------------


def jsonl(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_a_tiny_crawl_by_every_contender(tmp_path: Path) -> None:
    """The whole benchmark on a 30-article site: every contender fetches the same pages,
    the two extracting ones write one JSONL line per article."""
    from bench.crawl.__main__ import main
    from crawler.items import ARTICLE_FIELDS

    out = tmp_path / "crawl.json"
    assert main(["--pages", "30", "--workdir", str(tmp_path), "--json", str(out)]) == 0
    result = json.loads(out.read_text())
    site_pages = result["site_pages"]
    assert site_pages == len(list(Site(30, seed=8).paths()))  # articles and listings
    assert result["same_pages"]
    runs = result["runs"]
    assert len({run["pages"] for run in runs.values()}) == 1
    assert runs["bare"]["pages"] >= site_pages
    assert runs["bare"]["items"] == 0
    assert runs["trafilatura"]["items"] == runs["ours"]["items"] == 30
    assert all(runs[name]["maxrss_kb"] > 0 and runs[name]["crawl_cpu"] > 0 for name in runs)
    # the child's own high-water mark, not the parent's (a forked child inherits its RSS)
    assert all(runs[name]["rss_source"] == "VmHWM" for name in runs)
    traf = jsonl(tmp_path / "trafilatura-0" / "items.jsonl")
    assert len(traf) == 30
    assert all(item["title"] and item["text"] for item in traf)
    feed = tmp_path / "ours-0" / "bench_site.jsonl"
    copies = tmp_path / "ours-0" / "bench_site.duplicates.jsonl"
    ours = [item for path in (feed, copies) if path.exists() for item in jsonl(path)]
    assert len(ours) == 30
    assert all(set(ARTICLE_FIELDS) <= set(item) for item in ours)
    assert sum(1 for item in ours if item["duplicate_of"]) == 30 // COPY_EVERY
    assert result["targets"][0]["label"] == "pages/s vs bare Scrapy"
