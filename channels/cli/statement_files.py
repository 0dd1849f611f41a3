"""`aragent statements render|pdf`: the statement PDFs, rendered from the immutable snapshots."""

from __future__ import annotations

from channels.cli.statements import statements

__all__ = ["statements"]
