"""POST /webhooks/telegram: Telegram's updates, proven by the secret token we gave it with setWebhook.

The route only checks and hands over: a wrong or missing X-Telegram-Bot-Api-Secret-Token is refused (401),
an update_id seen lately is dropped, and the update goes on the embedded PTB Application's queue; the answer
is 200 at once, and the bot's replies go out through the Bot API as it gets to them. The bot itself ignores
a repeated update too (its transcript keeps the update_id), which covers a restart between two deliveries.
"""

from __future__ import annotations

import hmac
from collections import OrderedDict

import msgspec
import structlog
from litestar import Controller, Request, Response, post
from litestar.exceptions import HTTPException, NotAuthorizedException
from telegram import Update
from telegram.error import TelegramError
from telegram.ext import Application

from channels.telegram import build_application
from channels.telegram_settings import TelegramSettings
from core.bootstrap import Services

log = structlog.get_logger("aragent.telegram")
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


class RecentIds:
    """Provider ids this process saw lately (Telegram update_id, Twilio MessageSid): a redelivery of one is
    dropped before it costs anything. Touched only from the event loop, so it needs no lock."""

    def __init__(self, size: int = 20_000) -> None:
        self._seen: OrderedDict[str, None] = OrderedDict()
        self._size = size

    def first_time(self, key: str) -> bool:
        if key in self._seen:
            return False
        self._seen[key] = None
        if len(self._seen) > self._size:
            self._seen.popitem(last=False)
        return True

    def forget(self, key: str) -> None:
        """The delivery failed before it was taken in: a redelivery must be handled."""
        self._seen.pop(key, None)


class TelegramWebhook:
    """The embedded PTB Application and what the route needs beside it; started and stopped with the app."""

    def __init__(self, services: Services, settings: TelegramSettings) -> None:
        self.settings = settings
        self.application: Application = build_application(services, settings)
        self.recent = RecentIds()
        self._running = False

    @classmethod
    def configured(cls, services: Services, settings: TelegramSettings | None = None) -> TelegramWebhook | None:
        settings = settings or TelegramSettings.of(services.settings)
        return cls(services, settings) if settings.configured else None

    async def start(self) -> None:
        # initialize() asks Telegram who the bot is; if Telegram cannot be reached the app still starts, and
        # the first update tries again.
        try:
            await self._ensure_running()
        except TelegramError as exc:
            log.warning("Telegram not reachable at startup; retried on the first update", error=str(exc))

    async def _ensure_running(self) -> None:
        if not self._running:
            await self.application.initialize()
            await self.application.start()
            self._running = True

    async def stop(self) -> None:
        if self._running:
            self._running = False
            await self.application.stop()
            await self.application.shutdown()

    def authentic(self, token: str | None) -> bool:
        expected = self.settings.webhook_secret
        return bool(expected) and token is not None and hmac.compare_digest(token.encode(), expected.encode())

    async def take(self, data: dict) -> bool:
        """Queue a new update for processing; False for one already taken."""
        update_id = data.get("update_id")
        if not isinstance(update_id, int):
            raise HTTPException(status_code=400, detail="not a Telegram update: no update_id")
        if not self.recent.first_time(str(update_id)):
            return False
        try:
            await self._ensure_running()
            await self.application.update_queue.put(Update.de_json(data, self.application.bot))
        except BaseException:
            self.recent.forget(str(update_id))  # not taken in: Telegram's redelivery must be handled
            raise
        return True


class TelegramController(Controller):
    path = "/webhooks/telegram"
    tags = ["Webhooks"]

    @post("/", summary="Telegram updates; X-Telegram-Bot-Api-Secret-Token required", status_code=200)
    async def receive(self, request: Request) -> Response:
        telegram: TelegramWebhook | None = request.app.state.get("telegram")
        if telegram is None:
            raise HTTPException(status_code=404, detail="Telegram is not configured (ARAGENT_TELEGRAM_TOKEN)")
        if not telegram.authentic(request.headers.get(SECRET_HEADER)):
            raise NotAuthorizedException(f"missing or wrong {SECRET_HEADER}")
        try:
            data = msgspec.json.decode(await request.body())
        except msgspec.DecodeError:
            raise HTTPException(status_code=400, detail="the body is not JSON") from None
        if not isinstance(data, dict):
            raise HTTPException(status_code=400, detail="not a Telegram update")
        taken = await telegram.take(data)
        return Response({"ok": True, "duplicate": not taken}, status_code=200)
