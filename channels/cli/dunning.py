"""`aragent dunning ...`."""

from __future__ import annotations

import click

from channels.cli.common import ARCommandGroup


@click.group(cls=ARCommandGroup)
def dunning() -> None:
    """Dunning."""
