"""The Telegram channel's settings, parsed here from the ARAGENT_TELEGRAM_* variables, and what they compute.

    ARAGENT_TELEGRAM_TOKEN            the bot's token from @BotFather; empty: no Telegram channel
    ARAGENT_TELEGRAM_WEBHOOK_SECRET   what Telegram must send in X-Telegram-Bot-Api-Secret-Token
    ARAGENT_TELEGRAM_API_BASE         default https://api.telegram.org/bot (tests: a local recorder)
    ARAGENT_TELEGRAM_TIMEOUT          seconds for one Bot API call, default 10
"""

from __future__ import annotations

from dataclasses import dataclass

from core.kernel import Settings

DEFAULT_API_BASE = "https://api.telegram.org/bot"


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
        env = settings.channels
        return cls(token=env.get("telegram_token", "").strip(),
                   webhook_secret=env.get("telegram_webhook_secret", "").strip(),
                   api_base=env.get("telegram_api_base", "").strip() or DEFAULT_API_BASE,
                   timeout=float(env.get("telegram_timeout") or cls.timeout))
