"""scrapy crawlall: which spiders an unattended run leaves out, and why."""

from __future__ import annotations

from typing import Any

import pytest
from scrapy.settings import Settings
from scrapy.spiderloader import get_spider_loader
from scrapy.utils.project import get_project_settings

from crawler.commands.crawlall import skip_reason


@pytest.fixture(scope="module")
def loader() -> Any:
    return get_spider_loader(get_project_settings())


def with_browser(path: str) -> Settings:
    settings = get_project_settings()
    settings.set("PLAYWRIGHT_LAUNCH_OPTIONS", {"executable_path": path})
    return settings


def test_argument_only_spiders_are_left_out(loader: Any) -> None:
    reason = skip_reason(loader.load("wordpress"), get_project_settings(), set())
    assert reason is not None and "needs arguments" in reason
    assert skip_reason(loader.load("lemonde_en"), get_project_settings(), set()) is None


def test_js_rendered_spiders_need_the_browser(loader: Any) -> None:
    almonitor = loader.load("almonitor")
    reason = skip_reason(almonitor, with_browser("/nonexistent/chromium"), set())
    assert reason is not None and reason.startswith("needs a browser")
    other = skip_reason(loader.load("aa_en"), with_browser("/nonexistent/chromium"), set())
    assert other is None


def test_disabled_and_excluded_spiders(loader: Any) -> None:
    spider = loader.load("aa_en")
    assert skip_reason(spider, get_project_settings(), {"aa_en"}) == (
        "excluded (RUN_EXCLUDE / --exclude)"
    )

    class Disabled(spider):  # type: ignore[misc, valid-type]
        enabled = False

    assert skip_reason(Disabled, get_project_settings(), set()) == "disabled (enabled = False)"
