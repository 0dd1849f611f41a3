"""`aragent nlu`: the bot's understanding. `retrain` learns from the messages staff labelled in the console."""

from __future__ import annotations

import click

from bot import nlu_reviews, nlu_training
from channels.cli.common import ARCommandGroup, services_for


@click.group(cls=ARCommandGroup)
def nlu() -> None:
    """The bot's understanding of customer messages."""


@nlu.command("retrain")
@click.option("--shipped", is_flag=True,
              help="Developers: rebuild the model shipped with the code from bot/nlu_data's training files.")
@click.pass_context
def retrain(ctx: click.Context, shipped: bool) -> None:
    """Train the intent model on the training files and the messages labelled in the console ("Messages to
    review"), and install it in the data folder only if it reads the held-out check batch at least as well as the
    model in use. Prints the accuracy before and after; exits 1 when the new model was not installed."""
    if shipped:
        model = nlu_training.rebuild_shipped()
        click.echo(f"rebuilt the shipped model from {model.examples} examples")
        return
    result = nlu_reviews.retrain(services_for(ctx))
    for line in nlu_reviews.report(result):
        click.echo(line)
    if not result.installed:
        ctx.exit(1)
