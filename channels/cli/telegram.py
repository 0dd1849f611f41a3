"""`aragent telegram`: the Telegram bot outside the web server, for development, and its webhook registration."""

from __future__ import annotations

import asyncio

import click
from telegram import Update

from channels.cli.common import services_for
from channels.telegram import build_application
from channels.telegram_settings import TelegramSettings

WEBHOOK_PATH = "/webhooks/telegram"


@click.command("telegram")
@click.option("--polling", is_flag=True, help="Fetch updates by long polling (development); Ctrl-C stops it.")
@click.option("--set-webhook", "set_webhook", is_flag=True,
              help="Point Telegram at ARAGENT_PUBLIC_URL/webhooks/telegram with the webhook secret, and exit.")
@click.pass_context
def telegram(ctx: click.Context, polling: bool, set_webhook: bool) -> None:
    """Run the Telegram bot by long polling, or register the webhook `aragent serve` answers."""
    if polling == set_webhook:
        raise click.UsageError("give one of --polling or --set-webhook")
    services = services_for(ctx)
    settings = TelegramSettings.of(services.settings)
    if not settings.configured:
        raise click.ClickException("set ARAGENT_TELEGRAM_TOKEN (the token @BotFather gave the bot)")
    application = build_application(services, settings, polling=polling)
    if set_webhook:
        if not settings.webhook_secret:
            raise click.ClickException("set ARAGENT_TELEGRAM_WEBHOOK_SECRET: the webhook refuses updates without it")
        url = services.settings.public_url + WEBHOOK_PATH
        asyncio.run(_set_webhook(application.bot, url, settings.webhook_secret))
        click.echo(f"Telegram posts updates to {url}")
        return
    click.echo("polling Telegram for updates; Ctrl-C to stop", err=True)
    # run_polling removes any webhook first: Telegram hands updates to one or the other.
    application.run_polling(allowed_updates=[Update.MESSAGE, Update.CALLBACK_QUERY])


async def _set_webhook(bot, url: str, secret: str) -> None:  # type: ignore[no-untyped-def]
    async with bot:
        await bot.set_webhook(url, secret_token=secret, allowed_updates=[Update.MESSAGE, Update.CALLBACK_QUERY])
