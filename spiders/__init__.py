"""Site files: one short module per outlet (class attributes, documented hooks)."""
