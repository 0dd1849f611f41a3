"""Transports: the HTTP API/console (web) and the `aragent` CLI translate requests into core calls."""
