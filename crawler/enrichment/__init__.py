"""Analyst enrichment: countries, places, actors, event types and relevance, offline.

``enrich_article(article) -> dict`` returns the fields of ``ENRICH_FIELDS`` for an
article dict (title, summary, body, section, tags). Data: ``crawler/data``.
"""

from __future__ import annotations

from crawler.enrichment.core import ENRICH_FIELDS, enrich_article, matchers

__all__ = ["ENRICH_FIELDS", "enrich_article", "matchers"]
