"""`aragent statements render|pdf`: the statement PDFs, rendered from the immutable snapshots."""

from __future__ import annotations

from pathlib import Path

import click
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from channels.cli.common import err, parse_date, services_for
from channels.cli.statements import statements
from core.statements import ensure_statement_pdf, render_statements, statements_on

__all__ = ["statements"]


@statements.command("render")
@click.option("--date", "on", help="Statement date (YYYY-MM-DD). Default: the latest statement date.")
@click.option("--workers", default=2, show_default=True, type=click.IntRange(1, 64),
              help="Rendering processes (one per core is best).")
@click.pass_context
def statements_render(ctx: click.Context, on: str | None, workers: int) -> None:
    """Render the PDF of every statement of a date that has none yet, and keep it in the document library.

    Statements otherwise render on first use (delivery, download); this does a whole period ahead of time.
    """
    services = services_for(ctx)
    statement_date, pending = statements_on(services.db, parse_date(on) if on else None)
    if statement_date is None:
        raise click.ClickException("there are no statements yet; create them with `aragent statements run`")
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=err, transient=True, disable=not err.is_terminal) as bar:
        task = bar.add_task(f"statement PDFs for {statement_date}", total=len(pending))
        rendered = render_statements(services.db, services.files, pending, workers=workers,
                                     progress=lambda n: bar.advance(task, n))
    click.echo(f"rendered {rendered} statement PDF{'s' * (rendered != 1)} for {statement_date}"
               + ("" if pending else " (all were rendered already)"))


@statements.command("pdf")
@click.argument("statement_id", type=int)
@click.option("--out", required=True, type=click.Path(dir_okay=False, path_type=Path), help="Where to write the PDF.")
@click.pass_context
def statements_pdf(ctx: click.Context, statement_id: int, out: Path) -> None:
    """Write a statement's PDF to a file, rendering and keeping it first if it was never rendered."""
    services = services_for(ctx)
    info, pdf = ensure_statement_pdf(services.db, services.files, statement_id)
    out.write_bytes(pdf)
    click.echo(f"wrote {out} ({info.filename}, {info.size:,} bytes)")
