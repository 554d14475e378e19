"""DedupPipeline (flags, stats, clusters file, durable commit) and the feed item filters."""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

from scrapy import Spider
from scrapy.utils.test import get_crawler

from crawler.dedup.filters import CanonicalFilter, DuplicateFilter
from crawler.items import Article
from pipelines.dedup import DedupPipeline, clusters_template
from pipelines.validate import article_validator
from tests.unit.test_dedup_corpus import make_event, make_story, truncated


def valid_article() -> dict[str, Any]:
    return {
        "schema_version": "1.1.0",
        "id": "0123456789abcdef0123",
        "fetched_url": "https://example.test/x/",
        "spider": "probe",
        "title": "Rockets hit airport base",
        "authors": [],
        "language": "en",
        "wire": ["AFP"],
        "related_urls": [],
        "word_count": 400,
        "crawled_at": "2024-09-13T11:00:00+00:00",
        "provenance": {"title": "jsonld"},
    }


class _Spider(Spider):
    name = "probe"


def make_pipeline(tmp_path: Path, **settings: Any) -> tuple[DedupPipeline, Any]:
    crawler = get_crawler(
        _Spider,
        {
            "DEDUP_STORE_PATH": str(tmp_path / "store.sqlite3"),
            "CLOCK": "crawler.clock.FixedClock",
            "CLOCK_FIXED_AT": "2024-09-20T00:00:00+00:00",
            "FEEDS": {},
            "DEDUP_BATCH_SIZE": 1,  # each item checked at once: process_item returns it
            **settings,
        },
    )
    crawler.spider = _Spider()
    pipeline = DedupPipeline.from_crawler(crawler)
    return pipeline, crawler


def items() -> list[Article]:
    rng = random.Random(2)
    story = make_story(rng, make_event(rng), url="https://afp.com/a-story", site="afp.com")
    copy = truncated(story, "https://copy.example/a-story", "copy.example")
    out = []
    for s in (story, copy):
        out.append(
            Article(
                **valid_article(),
                url=s.url,
                site=s.site,
                body="\n\n".join(s.paragraphs),
                published=s.published,
            )
        )
    return out


def test_items_are_flagged_never_dropped_and_clusters_written(tmp_path: Path) -> None:
    clusters_file = tmp_path / "out" / "%(name)s.clusters.json"
    pipeline, crawler = make_pipeline(tmp_path, DEDUP_CLUSTERS_FILE=str(clusters_file))
    pipeline.open_spider()
    original, copy = (pipeline.process_item(item) for item in items())
    assert original["duplicate_of"] is None and original["cluster_id"]
    assert copy["duplicate_of"] == original["url"]
    assert copy["relation"] == "truncated" and 0 < copy["similarity"] <= 1
    assert copy["cluster_id"] == original["cluster_id"]
    for item in (original, copy):
        assert not list(article_validator().iter_errors(dict(item)))
    pipeline.close_spider()  # no FEEDS: committed at once
    stats = crawler.stats.get_stats()
    assert stats["dedup/new"] == 1 and stats["dedup/copies/truncated"] == 1
    assert stats["dedup/stage/new"] == 1 and stats["dedup/stage/near"] == 1
    assert stats["dedup/committed"] == 2 and stats["dedup/clusters"] == 1
    data = json.loads((tmp_path / "out" / "probe.clusters.json").read_text(encoding="utf-8"))
    (cluster,) = data["clusters"]
    assert cluster["canonical"] == original["url"]
    assert [c["url"] for c in cluster["copies"]] == [copy["url"]]
    assert cluster["also_published_by"] == ["copy.example"]


def test_with_feeds_the_run_commits_when_the_exporter_closes(tmp_path: Path) -> None:
    feeds = {str(tmp_path / "x.jsonl"): {"format": "jsonlines"}}
    pipeline, crawler = make_pipeline(tmp_path, FEEDS=feeds)
    pipeline.open_spider()
    for item in items():
        pipeline.process_item(item)
    pipeline.close_spider()
    assert crawler.stats.get_value("dedup/committed") is None
    assert (tmp_path / "x.clusters.json").exists()  # beside the main feed
    pipeline._feeds_closed()
    assert crawler.stats.get_value("dedup/committed") == 2


def test_a_failed_feed_leaves_the_run_pending(tmp_path: Path) -> None:
    feeds = {str(tmp_path / "x.jsonl"): {"format": "jsonlines"}}
    pipeline, crawler = make_pipeline(tmp_path, FEEDS=feeds)
    pipeline.open_spider()
    for item in items():
        pipeline.process_item(item)
    pipeline.close_spider()
    crawler.stats.inc_value("feedexport/failed_count/FileFeedStorage")
    pipeline._feeds_closed()
    assert crawler.stats.get_value("dedup/committed") is None


def test_clusters_file_sits_beside_the_canonical_feed() -> None:
    settings = get_crawler(_Spider, {}).settings
    assert clusters_template(settings) == "output/%(name)s.clusters.json"


def test_filters_route_copies_and_everything_else() -> None:
    canonical, duplicates = CanonicalFilter(None), DuplicateFilter(None)
    copy = {"url": "https://b/x", "duplicate_of": "https://a/x"}
    for item in ({"url": "https://a/x", "duplicate_of": None}, {"url": "https://u"}, {
            "url": "https://a/y", "duplicate_of": None, "relation": "update"}):  # fmt: skip
        assert canonical.accepts(item) and not duplicates.accepts(item)
    assert duplicates.accepts(copy) and not canonical.accepts(copy)
