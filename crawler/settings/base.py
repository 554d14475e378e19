"""Base settings shared by every profile.

Each group of project settings has its own prefix (``ARTICLE_*``, ``EXTRACTION_*``, ``HOST_*``,
``WIRE_*``, ``ENRICH_*``, ``DEDUP_*``) and a documented default here. Profiles import this
module and override what differs.
"""

from __future__ import annotations

import os

BOT_NAME = "mesec"

SPIDER_MODULES = ["spiders"]
NEWSPIDER_MODULE = "spiders"
COMMANDS_MODULE = "crawler.commands"

# -- Identity and politeness -------------------------------------------------
#: Contact URL advertised in the User-Agent so site owners can reach us.
CONTACT_URL = os.environ.get("MESEC_CONTACT_URL", "https://github.com/mesec-crawler/mesec-crawler")
USER_AGENT = f"mesec-crawler/0.1 (+{CONTACT_URL})"
ROBOTSTXT_OBEY = True
CONCURRENT_REQUESTS = 16
#: Per-site cap: news sites are crawled gently, whatever the global concurrency.
CONCURRENT_REQUESTS_PER_DOMAIN = 2
#: Items and requests a callback's output is processed with at once. Scrapy starts that
#: many asyncio tasks for every response (default 100); an article yields one item and
#: a few related links, so a few tasks keep the links moving while the item waits for its
#: dedup batch, and more cost crawl-process CPU for nothing (16 -> 4: about 0.13 CPU
#: ms/page less on the crawl benchmark).
CONCURRENT_ITEMS = 4
#: Bytes of responses whose callback output is still being processed before Scrapy stops
#: sending requests (default 5,000,000). An article's response stays counted while its
#: page is in an extraction worker and its item waits for its dedup batch
#: (DEDUP_BATCH_SECONDS): at a few hundred pages a second of ~200 KB pages the default
#: would hold downloads back.
SCRAPER_SLOT_MAX_ACTIVE_SIZE = 20_000_000
DOWNLOAD_DELAY = 0.5
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0
DOWNLOAD_TIMEOUT = 30
#: Articles are rarely above 2 MB; 30 MB pages and gzip bombs are cut off.
DOWNLOAD_MAXSIZE = 16 * 1024 * 1024
DOWNLOAD_WARNSIZE = 4 * 1024 * 1024
RETRY_ENABLED = True
RETRY_TIMES = 3
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429]
#: A request that still fails is logged once by its errback (``article/dropped/<reason>``,
#: crawler/middlewares/errors.py); Scrapy's own "Gave up retrying" line is only detail.
RETRY_GIVE_UP_LOG_LEVEL = "INFO"
#: Longest wait (seconds) a 429/503 ``Retry-After`` header gets before the retry.
RETRY_AFTER_MAX = 30.0
REDIRECT_MAX_TIMES = 10
COOKIES_ENABLED = False
TELNETCONSOLE_ENABLED = False
#: Scrapy's in-memory stats without its per-read wrapper (crawler/stats.py).
STATS_CLASS = "crawler.stats.MemoryStats"
REQUEST_FINGERPRINTER_IMPLEMENTATION = "2.7"
FEED_EXPORT_ENCODING = "utf-8"
LOG_LEVEL = "INFO"

# -- Components --------------------------------------------------------------
EXTENSIONS = {
    # Scrapy 2.19's remote-control endpoint is never wanted on a crawler host.
    "scrapy.extensions.remote_control.RemoteControl": None,
    "scrapy.extensions.telnet.TelnetConsole": None,
    # Final stats as JSON when STATS_DUMP_FILE is set (tests, cron monitoring).
    "crawler.extensions.statsdump.StatsDump": 500,
    # Per-item field coverage and selector fallback counts for the monitors.
    "crawler.monitors.coverage.ItemCoverage": 510,
    # spidermon, logging adapted to Scrapy 2.19 (see crawler/monitors/extension.py).
    "crawler.monitors.extension.Monitors": 520,
    # Collector thresholds for the crawl (GC_THRESHOLDS).
    "crawler.extensions.gctuning.GcTuning": 530,
}
#: The crawl process's garbage collector thresholds while a crawl runs (empty: Python's);
#: a crawl frees its many short-lived objects by reference counting, and collecting the
#: youngest generation every 700 allocations (Python's default) cost ~7% of its CPU.
GC_THRESHOLDS = (10_000, 20, 20)
REMOTE_CONTROL_ENABLED = False

DOWNLOADER_MIDDLEWARES = {
    # Maps real hostnames to local fixture servers; sits next to the downloader
    # so every other middleware (robots.txt, redirects, retries) sees real URLs.
    # Redirect loops and offsite redirects as drop reasons, Retry-After waits; sees
    # responses before RedirectMiddleware (600) and RetryMiddleware (550).
    "crawler.middlewares.errors.FaultsMiddleware": 660,
    # Refuses non-public addresses by URL text and redirect target (see ADDRESS_GUARD_*).
    "crawler.middlewares.addressguard.AddressGuardMiddleware": 670,
    "crawler.middlewares.hostoverrides.HostOverridesMiddleware": 950,
    # Scrapy's meta-refresh redirects without decoding pages that cannot declare one.
    "scrapy.downloadermiddlewares.redirect.MetaRefreshMiddleware": None,
    "crawler.middlewares.metarefresh.LazyMetaRefreshMiddleware": 580,
}

ITEM_PIPELINES = {
    "pipelines.validate.ValidatePipeline": 100,
    # Countries, places, actors, event types, relevance; drops what ENRICH_COUNTRIES /
    # ENRICH_MIN_RELEVANCE exclude, before dedup so filtered items never reach its store.
    "pipelines.enrich.EnrichPipeline": 200,
    # Flags syndicated copies (never drops them); runs last so it sees final items.
    "pipelines.dedup.DedupPipeline": 900,
}

# -- Project settings --------------------------------------------------------
#: JSON object mapping a real hostname to a local base URL, e.g.
#: ``{"www.lemonde.fr": "http://127.0.0.1:8081"}``. The key ``"*"`` maps every
#: other non-loopback host (tests point it at a catch-all listener that records
#: stray requests). Empty in production.
HOST_OVERRIDES: dict[str, str] = {}

# -- Address guard (crawler/middlewares/addressguard.py) ---------------------
#: Never connect to private, loopback, link-local or other non-public addresses, checked
#: on the URL text and again on the resolved addresses at connection time. Exempt: the
#: HOST_OVERRIDES mapping and the origins of the spider's explicit start URLs.
ADDRESS_GUARD_ENABLED = True
#: ``{host name: IP}`` answered by the guard's resolver without DNS. For tests only
#: (e.g. a name that resolves to a private address); empty in production.
ADDRESS_GUARD_TEST_HOSTS: dict[str, str] = {}
#: The guard's resolver (IPv4 and IPv6, caching); it drops non-public results.
TWISTED_DNS_RESOLVER = "crawler.middlewares.addressguard.AddressGuardResolver"

#: Path where the final crawl stats are written as JSON; None disables the dump.
STATS_DUMP_FILE: str | None = None

#: Minimum words for an extracted body to count as an article.
ARTICLE_MIN_WORDS = 40
#: Follow "Read also"/related links this many hops from a listed article.
ARTICLE_RELATED_DEPTH = 2
#: Listing pages followed per section unless ``-a max_pages`` says otherwise.
ARTICLE_MAX_PAGES = 5

# -- Extraction workers (crawler/extractpool.py) ------------------------------
#: Worker processes that parse and extract article pages (and compute the enrichment fields
#: and the dedup fingerprint of their items) beside the crawl process, which keeps Scrapy's
#: own work and the pipelines' stateful parts. 0: everything in the crawl process. The
#: workers are forked from one more process that loads the extraction and enrichment code
#: and data once (crawler/workerpreload.py, about 110 MB) and share its memory until they
#: change it.
EXTRACTION_WORKERS = 2
#: Seconds a page may take in a worker; then it is extracted in the crawl process and the
#: pool is restarted.
EXTRACTION_WORKER_TIMEOUT = 60.0
#: Pool restarts (after a dead worker or a timeout) before the rest of the crawl is
#: extracted in the crawl process.
EXTRACTION_WORKER_MAX_RESTARTS = 3
#: Niceness the workers add to the crawl process's: the crawl process, which alone drives
#: Scrapy and feeds the workers, gets a CPU first when the machine is busy (0: same
#: priority).
EXTRACTION_WORKER_NICE = 10

# -- Browser rendering (scrapy-playwright) ----------------------------------
# Only spiders of the browser family (crawler/families/browser.py) install the
# Playwright download handler, and only their article pages go through it; every
# other request, and every other spider, uses the plain HTTP downloader.
PLAYWRIGHT_BROWSER_TYPE = "chromium"
#: Whether the crawler runs as root (Chromium's sandbox cannot run as root); lowercase,
#: so Scrapy does not read it as a setting.
_as_root = getattr(os, "geteuid", lambda: -1)() == 0
#: Debian's ``chromium`` package. The sandbox stays on (``chromium_sandbox``) unless the
#: crawler runs as root, where Chromium refuses to start it: ``--no-sandbox`` is then
#: passed, and a compromised renderer would run with the crawler's rights. Run the crawler
#: as an unprivileged user where possible (the sandbox needs unprivileged user namespaces;
#: a host that forbids them must set ``chromium_sandbox`` to False). The other flags keep a
#: headless renderer from phoning home (component updates, sync, background networking,
#: QUIC to third parties).
PLAYWRIGHT_LAUNCH_OPTIONS = {
    "executable_path": "/usr/bin/chromium",
    "chromium_sandbox": not _as_root,
    "args": [
        "--headless",
        *(["--no-sandbox"] if _as_root else []),
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--disable-quic",
    ],
}
#: Browser contexts alive at once (each holds cookies, cache and its pages' memory).
PLAYWRIGHT_MAX_CONTEXTS = 2
#: Pages open at once in one context.
PLAYWRIGHT_MAX_PAGES_PER_CONTEXT = 4
#: Milliseconds allowed for a page's navigation.
PLAYWRIGHT_DEFAULT_NAVIGATION_TIMEOUT = 30_000
#: A page may load only from its own host (with HOST_OVERRIDES: the local server it was
#: loaded from); images, media and fonts are never loaded.
PLAYWRIGHT_ABORT_REQUEST = "crawler.middlewares.browser.should_abort"
#: Pages rendered in one context before it is closed and a fresh one started, so memory
#: stays bounded on long crawls.
BROWSER_CONTEXT_PAGES = 50
#: Milliseconds to wait for a spider's ``render_wait`` selector after the page loaded.
BROWSER_RENDER_TIMEOUT = 15_000
#: A page with fewer visible words than this outside header, nav, footer and aside, and
#: with a JS app root (``#__next``, ``#__nuxt``, ...), is a JS shell (see ``browser_escalation``).
BROWSER_SHELL_MAX_WORDS = 100

#: Agencies recognised in credits; see crawler/wire.py for the rule.
WIRE_AGENCIES_EXTRA: dict[str, list[str]] = {}

# -- Monitoring (spidermon, crawler/monitors) -------------------------------
SPIDERMON_ENABLED = True
SPIDERMON_SPIDER_CLOSE_MONITORS = ["crawler.monitors.suites.SpiderCloseSuite"]
#: What every spider's crawl must deliver, checked at close; a spider overrides keys
#: with an ``expectations`` class attribute (crawler/monitors/expectations.py).
#: Calibrated on the fixture sites: agency copy often names no person, so the
#: authors share is not enforced by default.
MONITOR_DEFAULT_EXPECTATIONS = {
    "min_items": 3,
    "published": 0.9,
    "body_min_words": 80,
    "body_coverage": 0.9,
    "authors": 0.0,
    "max_fallback_rate": 0.2,
    "max_error_rate": 0.05,
    "max_retry_rate": 0.25,
}
#: Directory of the per-run monitor reports (<spider>-<UTC timestamp>.json/.txt);
#: empty: no report files (results stay in the stats).
MONITOR_REPORT_DIR = "output/reports"

# -- Clock -------------------------------------------------------------------
#: The one clock every time-dependent policy asks (retention, TTLs, ``since``):
#: a class path; tests use ``crawler.clock.FixedClock`` with ``CLOCK_FIXED_AT``.
CLOCK = "crawler.clock.SystemClock"
#: ISO 8601 instant of ``FixedClock`` (ignored by ``SystemClock``).
CLOCK_FIXED_AT: str | None = None

# -- Enrichment (crawler/enrichment, pipelines/enrich.py) --------------------
#: Off: items get no countries, places, actors, event types or relevance, and the two
#: filters below are ignored.
ENRICH_ENABLED = True
#: Keep only items that mention one of these ISO 3166-1 alpha-2 codes, e.g.
#: ``["IQ", "SY"]`` (``-s ENRICH_COUNTRIES=IQ,SY``); empty keeps every item. The spider
#: argument ``-a countries=IQ,SY`` replaces it for one crawl.
ENRICH_COUNTRIES: list[str] = []
#: Drop items whose relevance (0..1) is below this; 0 keeps every item. The spider
#: argument ``-a min_relevance=0.5`` replaces it for one crawl.
ENRICH_MIN_RELEVANCE = 0.0

# -- Deduplication (crawler/dedup, pipelines/dedup.py) -----------------------
#: Off: items are not flagged and every item goes to the main feed.
DEDUP_ENABLED = True
#: Store backend, a class path (like DUPEFILTER_CLASS): crawler.dedup.sqlite.SqliteStore
#: (one file per host, shared by every spider and process), crawler.dedup.redis.RedisStore
#: (distributed crawls) or crawler.dedup.memory.MemoryStore (nothing kept).
DEDUP_STORE_CLASS = "crawler.dedup.sqlite.SqliteStore"
#: SqliteStore file (relative to the working directory).
DEDUP_STORE_PATH = "output/.dedup/store.sqlite3"
#: SqliteStore: move a file that fails its integrity check aside and start afresh
#: (off: refuse to run).
DEDUP_SQLITE_RESET_CORRUPT = False
#: RedisStore URL (password included: set it through the environment) and key prefix.
DEDUP_REDIS_URL = os.environ.get("MESEC_REDIS_URL", "redis://127.0.0.1:6379/0")
DEDUP_REDIS_PREFIX = "mesec:dedup"
#: Entries published (undated: stored) longer ago than this are pruned.
DEDUP_RETENTION_DAYS = 14
#: Seen URLs (incremental crawls) are kept this long after they were last seen.
DEDUP_URL_RETENTION_DAYS = 90
#: No near or loose match for bodies under this many words; no exact match under
#: DEDUP_EXACT_MIN_WORDS.
DEDUP_MIN_WORDS = 60
DEDUP_EXACT_MIN_WORDS = 12
#: A line on this many distinct articles of a site is that site's boilerplate.
DEDUP_BOILERPLATE_MIN_ARTICLES = 5
#: Loose stage (rewrites, translations): copies published within this many hours.
DEDUP_LOOSE_WINDOW_HOURS = 72
#: Clusters file: None = beside the main feed (output/%(name)s.clusters.json with
#: the FEEDS below); a path may use %(name)s. Clusters of at least this many URLs.
DEDUP_CLUSTERS_FILE: str | None = None
DEDUP_CLUSTERS_MIN_SIZE = 2
#: The items that reach the pipeline within DEDUP_BATCH_SECONDS of the first waiting one
#: (at most DEDUP_BATCH_SIZE) are checked in one store transaction, in arrival order,
#: with the verdicts one-at-a-time checks would give; each item goes on when its batch is
#: decided. DEDUP_BATCH_SIZE 0 or 1, or DEDUP_BATCH_SECONDS 0: one item at a time.
DEDUP_BATCH_SIZE = 32
DEDUP_BATCH_SECONDS = 0.05
# Further tuning (shingle size, MinHash permutations, bands, thresholds) is read
# from DEDUP_<FIELD> for every field of crawler.dedup.model.DedupConfig.

#: Canonical items (and updates) go to the main file, copies to the duplicates file
#: (crawler/dedup/filters.py). A feed without ``item_filter`` holds every item, flagged
#: with ``duplicate_of``: ``scrapy crawl -O FILE``/``-o FILE`` add one (Scrapy merges
#: them with these), ``-s FEEDS=...`` and Scrapyd's ``items_dir`` replace these.
FEEDS = {
    "output/%(name)s.jsonl": {
        "format": "jsonlines",
        "encoding": "utf-8",
        "overwrite": True,
        "item_filter": "crawler.dedup.filters.CanonicalFilter",
    },
    "output/%(name)s.duplicates.jsonl": {
        "format": "jsonlines",
        "encoding": "utf-8",
        "overwrite": True,
        "item_filter": "crawler.dedup.filters.DuplicateFilter",
    },
}
#: Scrapy's JSON lines output, byte for byte, at less crawl-process CPU per item
#: (crawler/jsonlines.py).
FEED_EXPORTERS = {
    "jsonlines": "crawler.jsonlines.JsonLinesExporter",
    "jl": "crawler.jsonlines.JsonLinesExporter",
}
