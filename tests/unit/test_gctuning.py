"""The crawl's collector thresholds: set while crawlers run, put back after the last."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest
from scrapy import Spider, signals
from scrapy.exceptions import NotConfigured
from scrapy.utils.project import get_project_settings
from scrapy.utils.test import get_crawler

from crawler.extensions.gctuning import GcTuning, thresholds


class _Spider(Spider):
    name = "gc"


@pytest.fixture(autouse=True)
def _process_thresholds() -> Iterator[tuple[int, ...]]:
    before = gc.get_threshold()
    gc.set_threshold(600, 9, 8)  # the process's own setting, whatever it was
    yield (600, 9, 8)
    gc.set_threshold(*before)


def _built(value: object) -> tuple[GcTuning, object]:
    crawler = get_crawler(_Spider, {"GC_THRESHOLDS": value, "MEMUSAGE_ENABLED": False})
    return GcTuning.from_crawler(crawler), crawler


def _start(crawler: object) -> None:
    crawler.signals.send_catch_log(signals.engine_started)  # type: ignore[attr-defined]


def _stop(crawler: object) -> None:
    crawler.signals.send_catch_log(signals.engine_stopped)  # type: ignore[attr-defined]


def test_thresholds_hold_while_the_crawl_runs_and_come_back_after() -> None:
    kept, crawler = _built([10_000, 20, 20])
    assert gc.get_threshold() == (600, 9, 8)  # built, not started: nothing changes
    _start(crawler)
    assert gc.get_threshold() == (10_000, 20, 20)
    _stop(crawler)
    assert gc.get_threshold() == (600, 9, 8)
    _stop(crawler)  # a second engine_stopped changes nothing
    assert gc.get_threshold() == (600, 9, 8) and not kept.active


def test_the_process_setting_comes_back_when_the_last_of_several_crawlers_stops() -> None:
    kept_first, first = _built("5000, 15")  # Scrapy's extension manager keeps them
    kept_second, second = _built((7000, 30, 40))
    _start(first)
    assert gc.get_threshold() == (5000, 15, 8)  # the third as the process had it
    _start(second)
    assert gc.get_threshold() == (7000, 30, 40)
    _stop(first)
    assert gc.get_threshold() == (7000, 30, 40)  # the second still runs
    _stop(second)
    assert gc.get_threshold() == (600, 9, 8)
    assert not kept_first.active and not kept_second.active


@pytest.mark.parametrize("value", [None, [], "", " , "])
def test_empty_thresholds_turn_the_extension_off(value: object) -> None:
    with pytest.raises(NotConfigured):
        _built(value)
    assert gc.get_threshold() == (600, 9, 8)


@pytest.mark.parametrize("value", [[1, 2, 3, 4], "-1", "many"])
def test_bad_thresholds_are_refused(value: object) -> None:
    with pytest.raises(ValueError):
        thresholds(value)


def test_the_project_enables_it() -> None:
    settings = get_project_settings()
    assert settings.getwithbase("EXTENSIONS").get("crawler.extensions.gctuning.GcTuning")
    assert thresholds(settings.get("GC_THRESHOLDS")) == (10_000, 20, 20)
