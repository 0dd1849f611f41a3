"""`aragent scheduler` and `aragent schedule ...`."""

from __future__ import annotations

import click

from channels.cli.common import ARCommandGroup


@click.group(cls=ARCommandGroup)
def schedule() -> None:
    """The schedule."""
