"""Base settings shared by every profile.

Each group of project settings has its own prefix (``ARTICLE_*``, ``HOST_*``,
``WIRE_*``, ``DEDUP_*``) and a documented default here. Profiles import this
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
REDIRECT_MAX_TIMES = 10
COOKIES_ENABLED = False
TELNETCONSOLE_ENABLED = False
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
}
REMOTE_CONTROL_ENABLED = False

DOWNLOADER_MIDDLEWARES = {
    # Maps real hostnames to local fixture servers; sits next to the downloader
    # so every other middleware (robots.txt, redirects, retries) sees real URLs.
    "crawler.middlewares.hostoverrides.HostOverridesMiddleware": 950,
}

ITEM_PIPELINES = {
    "pipelines.validate.ValidatePipeline": 100,
}

# -- Project settings --------------------------------------------------------
#: JSON object mapping a real hostname to a local base URL, e.g.
#: ``{"www.lemonde.fr": "http://127.0.0.1:8081"}``. The key ``"*"`` maps every
#: other non-loopback host (tests point it at a catch-all listener that records
#: stray requests). Empty in production.
HOST_OVERRIDES: dict[str, str] = {}

#: Path where the final crawl stats are written as JSON; None disables the dump.
STATS_DUMP_FILE: str | None = None

#: Minimum words for an extracted body to count as an article.
ARTICLE_MIN_WORDS = 40
#: Follow "Read also"/related links this many hops from a listed article.
ARTICLE_RELATED_DEPTH = 2
#: Listing pages followed per section unless ``-a max_pages`` says otherwise.
ARTICLE_MAX_PAGES = 5

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

FEEDS = {
    "output/%(name)s.jsonl": {
        "format": "jsonlines",
        "encoding": "utf-8",
        "overwrite": True,
    },
}
