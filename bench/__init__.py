"""Benchmarks for the crawler. Not part of the installed package."""
