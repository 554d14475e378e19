"""Local HTTP server for the fixture sites under ``tests/fixtures/sites``."""
