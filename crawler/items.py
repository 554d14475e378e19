"""The ``Article`` item: one normalized news article.

The field list mirrors ``crawler/schema/article.schema.json``; a test keeps the
two in step. Values are plain JSON types so the JSONL needs no custom encoder.
"""

from __future__ import annotations

import scrapy

#: Bumped whenever a field is added, removed or changes meaning.
SCHEMA_VERSION = "1.2.0"


class Article(scrapy.Item):
    schema_version = scrapy.Field()
    id = scrapy.Field()  # sha1 of the canonical URL, 20 hex characters
    url = scrapy.Field()  # canonical URL
    fetched_url = scrapy.Field()
    declared_canonical = scrapy.Field()  # rel=canonical / og:url as the page declared it
    site = scrapy.Field()  # registrable domain, e.g. "lemonde.fr"
    spider = scrapy.Field()
    source = scrapy.Field()  # outlet metadata declared by the spider
    title = scrapy.Field()
    summary = scrapy.Field()  # standfirst
    body = scrapy.Field()  # plain text, paragraphs separated by one blank line
    authors = scrapy.Field()  # persons only
    published = scrapy.Field()  # ISO 8601 with UTC offset
    modified = scrapy.Field()
    language = scrapy.Field()  # ISO 639-1
    section = scrapy.Field()
    tags = scrapy.Field()
    image = scrapy.Field()
    wire = scrapy.Field()  # agencies credited, e.g. ["AFP"]
    wire_evidence = scrapy.Field()  # [{"agency", "kind", "text", "strength"}]
    related_urls = scrapy.Field()
    word_count = scrapy.Field()
    partial = scrapy.Field()  # paywalled or truncated body
    crawled_at = scrapy.Field()
    provenance = scrapy.Field()  # field name -> extraction layer
    # -- set by the dedup pipeline (schema 1.1.0); see crawler/dedup/core.py
    cluster_id = scrapy.Field()  # story cluster of every copy
    duplicate_of = scrapy.Field()  # canonical URL when this item is a copy, else null
    relation = scrapy.Field()  # identical | truncated | edited | translated | update
    similarity = scrapy.Field()  # score that decided the match, 0..1
    update_of = scrapy.Field()  # URL of the version an update supersedes
    # -- set by the enrich pipeline (schema 1.2.0); see crawler/enrichment/
    countries = scrapy.Field()  # ISO 3166-1 alpha-2 codes mentioned, most prominent first
    primary_country = scrapy.Field()  # the first of countries, or null
    places = scrapy.Field()  # [{"id", "name", "kind", "country", "lat", "lon"}]
    actors = scrapy.Field()  # [{"id", "name", "kind"}], ids from crawler/data/actors.json
    event_types = scrapy.Field()  # [{"type", "trigger", "sentence"}], ACLED-style types
    relevance = scrapy.Field()  # regional-security relevance, 0..1


ARTICLE_FIELDS: tuple[str, ...] = tuple(Article.fields)
