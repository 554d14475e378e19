"""Shared spider bases for families of sites (one CMS or theme, many outlets)."""
