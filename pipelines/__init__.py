"""Item pipelines, one purpose per module (validate, enrich, dedup)."""
