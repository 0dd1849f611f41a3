"""What the Telegram channel needs of `core.kernel.config.Settings`, with the helpers it computes from them.

    ARAGENT_TELEGRAM_TOKEN            the bot's token from @BotFather; empty: no Telegram channel
    ARAGENT_TELEGRAM_WEBHOOK_SECRET   what Telegram must send in X-Telegram-Bot-Api-Secret-Token
    ARAGENT_TELEGRAM_API_BASE         default https://api.telegram.org/bot (tests: a local recorder)
    ARAGENT_TELEGRAM_TIMEOUT          seconds for one Bot API call, default 10
"""

from __future__ import annotations

from dataclasses import dataclass

from core.kernel import Settings

DEFAULT_API_BASE = Settings.telegram_api_base


@dataclass(frozen=True)
class TelegramSettings:
    token: str = ""
    webhook_secret: str = ""
    api_base: str = DEFAULT_API_BASE
    timeout: float = 10.0

    @property
    def configured(self) -> bool:
        return bool(self.token)

    @property
    def file_base(self) -> str:
        """Where files are downloaded from: `…/bot` becomes `…/file/bot`, as on Telegram's own server."""
        base, _, tail = self.api_base.rstrip("/").rpartition("/")
        return f"{base}/file/{tail}"

    @classmethod
    def of(cls, settings: Settings) -> TelegramSettings:
        return cls(token=settings.telegram_token, webhook_secret=settings.telegram_webhook_secret,
                   api_base=settings.telegram_api_base or DEFAULT_API_BASE, timeout=settings.telegram_timeout)
