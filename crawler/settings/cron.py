"""Profile for unattended, cron-scheduled incremental crawls."""

from __future__ import annotations

from crawler.settings.base import *  # noqa: F403

LOG_LEVEL = "INFO"
