"""Curated data files of ``crawler/data`` (documented in ``crawler/enrichment/README.md``)."""

from __future__ import annotations

import json
from functools import cache
from importlib.resources import files
from typing import Any


@cache
def load(name: str) -> dict[str, Any]:
    """The parsed JSON file ``crawler/data/<name>.json`` (read once per process)."""
    text = files("crawler").joinpath(f"data/{name}.json").read_text(encoding="utf-8")
    data = json.loads(text)
    if not isinstance(data, dict):
        raise ValueError(f"crawler/data/{name}.json: expected a JSON object")
    return data
