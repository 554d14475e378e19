"""Fault-injection HTTP server for the fault tests (see ``server.py``)."""
