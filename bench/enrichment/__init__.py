"""Benchmark of ``crawler.enrichment`` on a hand-labelled set (``labelled.jsonl``)."""
