"""Build shim for ``scrapyd-deploy``: everything is declared in pyproject.toml.

Without a setup.py, ``scrapyd-deploy`` writes its own, which packs no data files and
points the egg's settings at scrapy.cfg's default profile instead of
``crawler.settings.scrapyd``.
"""

from setuptools import setup

setup()
