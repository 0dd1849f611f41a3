"""Statements: the monthly cycle, frozen snapshots, their PDFs, delivery and print batches.

The public surface: what the channels, the bot and the scheduler may use. Other modules here are
private to the context."""

from __future__ import annotations

from core.statements.cycle import (
    RunSummary,
    StatementView,
    latest_statement_date,
    list_statements,
    run_statements,
    statement_date_for,
)
from core.statements.delivery import DeliverySelection, deliver_after_cycle, deliver_statements
from core.statements.library import LibraryEntry, customer_library, statement_file_id, stored_file
from core.statements.pdf import ensure_statement_pdf, render_statements, statements_on
from core.statements.print_batch import make_print_batch
from core.statements.send_now import send_file, send_options, send_statement
from core.statements.snapshots import StatementSnapshot

__all__ = [
    "DeliverySelection",
    "LibraryEntry",
    "RunSummary",
    "StatementSnapshot",
    "StatementView",
    "customer_library",
    "deliver_after_cycle",
    "deliver_statements",
    "ensure_statement_pdf",
    "latest_statement_date",
    "list_statements",
    "make_print_batch",
    "render_statements",
    "run_statements",
    "send_file",
    "send_options",
    "send_statement",
    "statement_date_for",
    "statement_file_id",
    "statements_on",
    "stored_file",
]
