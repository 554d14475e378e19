"""Profile used inside a Scrapyd egg (the ``scrapy`` entry point in pyproject.toml).

Each Scrapyd job is one run of the ``cron`` profile (incremental, dated layout, atomic
feeds, progress, per-spider lock); its run directory is named by the Scrapyd job id.
Pitfalls (see docs/operations.md):

* Scrapyd's ``items_dir``, when set, passes its own ``FEEDS`` and replaces the project's:
  one file per job holding every item, copies flagged with ``duplicate_of`` rather than
  routed to the duplicates file. Leave ``items_dir`` empty to keep these feeds.
* Relative paths (``output/``, the dedup store, the locks) are relative to the directory
  Scrapyd was started in: start it in a directory of its own (e.g. ``/var/lib/scrapyd``).
"""

from __future__ import annotations

from crawler.settings.cron import *  # noqa: F403

#: Scrapyd keeps its own per-job log (logs_dir); progress lines go there.
LOG_LEVEL = "INFO"
