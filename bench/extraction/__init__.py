"""Extraction benchmark: ``crawler.extraction.extract_article`` against
``trafilatura.bare_extraction`` on the fixture articles and the saved real pages.

Run with ``python -m bench.extraction``; the metrics live in
:mod:`bench.extraction.scoring`.
"""
