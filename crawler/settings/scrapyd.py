"""Profile used inside a Scrapyd egg (the ``scrapy`` entry point in pyproject)."""

from __future__ import annotations

from crawler.settings.base import *  # noqa: F403

# Scrapyd's ``items_dir`` replaces FEEDS; keep ours so jobs still write JSONL
# when items_dir is left empty in scrapyd.conf.
LOG_LEVEL = "INFO"
