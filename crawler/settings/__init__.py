"""Settings profiles: ``base`` plus ``local``, ``cron``, ``scrapyd`` and ``distributed``.

``scrapy.cfg`` selects ``crawler.settings.local``; pick another profile with
``SCRAPY_SETTINGS_MODULE=crawler.settings.<profile>``.
"""
