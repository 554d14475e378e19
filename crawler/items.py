"""The ``Article`` item: one normalized news article.

The field list mirrors ``crawler/schema/article.schema.json``; a test keeps the
two in step. Values are plain JSON types so the JSONL needs no custom encoder.
"""

from __future__ import annotations

import scrapy

#: Bumped whenever a field is added, removed or changes meaning.
SCHEMA_VERSION = "1.0.0"


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


ARTICLE_FIELDS: tuple[str, ...] = tuple(Article.fields)
