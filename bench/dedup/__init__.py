"""Benchmarks of the wire-copy deduplicator (``crawler.dedup``): see ``README.md``."""
