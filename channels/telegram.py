"""Telegram: updates become `Inbound` turns for the bot, its `Reply` values become Bot API calls.

    update ──▶ inbound_from ──▶ handle (bot, in a worker thread) ──▶ send_replies ──▶ sendMessage / sendDocument

PTB runs embedded in our web server: the Application is built with `updater(None)`, our route
(`channels.web.telegram`) checks the secret token and puts updates on its queue, and the app's lifespan
starts and stops it. `aragent telegram --polling` builds the same Application with PTB's own updater.
Updates of different chats are handled side by side; one chat's in the order they came.

The outbox's sender for the telegram channel is `TelegramSender`: chat id = the message's recipient.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import warnings
from collections import Counter
from collections.abc import Awaitable, Sequence
from typing import Any

import anyio.to_thread
import structlog
from telegram import (
    Bot,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    Message,
    ReplyKeyboardMarkup,
    Update,
)
from telegram.error import BadRequest, Forbidden, RetryAfter, TelegramError
from telegram.ext import (
    Application,
    ApplicationBuilder,
    BaseUpdateProcessor,
    CallbackQueryHandler,
    ContextTypes,
    MessageHandler,
    filters,
)
from telegram.request import HTTPXRequest
from telegram.warnings import PTBDeprecationWarning

from bot import texts
from bot.engine import handle  # a module attribute: a test stands a fake bot in
from bot.turns import Inbound, Reply
from channels.telegram_settings import TelegramSettings
from core.bootstrap import Services
from core.outbox import DeliveryError, OutgoingMessage
from core.statements import stored_file

log = structlog.get_logger("aragent.telegram")
# httpx logs each request's URL at INFO, and a Bot API URL carries the bot's token: never let it reach a log.
TEXT_LIMIT, CAPTION_LIMIT, CALLBACK_DATA_LIMIT = 4096, 1024, 64
SORRY = "Sorry, something went wrong on our side. Please try again in a few minutes."


# ── Translating ───────────────────────────────────────────────────────────────────────────────────────


def inbound_from(update: Update) -> Inbound | None:
    """A private chat's message, shared contact or button press as the bot sees it; None for anything else."""
    chat, user = update.effective_chat, update.effective_user
    if chat is None or chat.type != "private":
        return None  # in a group, account details would reach everyone in it
    base: dict[str, Any] = {"channel": "telegram", "sender": str(chat.id), "provider_id": str(update.update_id),
                            "sender_user_id": user.id if user else None}
    if (query := update.callback_query) is not None:
        return Inbound(text=query.data or "", **base)
    message = update.message
    if message is None:
        return None
    if message.contact is not None:
        return Inbound(text=message.text or "", shared_phone=message.contact.phone_number,
                       shared_user_id=message.contact.user_id, **base)
    return Inbound(text=message.text or "", **base) if message.text is not None else None


def keyboard(reply: Reply) -> InlineKeyboardMarkup | ReplyKeyboardMarkup | None:
    """Short choices (Yes / No) side by side; longer ones (invoices to pick) one per row. A reply that asks for
    the customer's phone number gets Telegram's own "share my contact" button instead."""
    buttons = reply.buttons
    if not buttons:
        if label := reply.extra.get("request_contact"):
            return ReplyKeyboardMarkup([[KeyboardButton(label, request_contact=True)]], one_time_keyboard=True,
                                       resize_keyboard=True)
        return None
    keys = [InlineKeyboardButton(b.label, callback_data=b.payload[:CALLBACK_DATA_LIMIT]) for b in buttons]
    side_by_side = len(keys) <= 3 and all(len(b.label) <= 20 for b in buttons)
    return InlineKeyboardMarkup([keys] if side_by_side else [[key] for key in keys])


def reply_text(reply: Reply) -> str:
    if reply.link and reply.link not in reply.text:
        return texts.tidy(f"{reply.text}\n{reply.link}".strip())
    return texts.tidy(reply.text)


def library_file(services: Services, file_id: int) -> tuple[str, bytes]:
    """A document library file's name and bytes."""
    stored, data = stored_file(services.db.uow(), services.files, file_id)
    return stored.filename, data


async def send_replies(bot: Bot, chat_id: int | str, replies: Sequence[Reply], services: Services) -> list[Message]:
    sent = []
    for reply in replies:
        text, markup = reply_text(reply), keyboard(reply)
        if reply.document_file_id is None:
            if text:  # Telegram refuses an empty message
                sent.append(await bot.send_message(chat_id, text[:TEXT_LIMIT], reply_markup=markup))
            continue
        name, data = await anyio.to_thread.run_sync(library_file, services, reply.document_file_id)
        caption = text if len(text) <= CAPTION_LIMIT else None
        sent.append(await bot.send_document(chat_id, data, filename=name, caption=caption or None,
                                            reply_markup=markup if caption is not None else None))
        if caption is None and text:
            sent.append(await bot.send_message(chat_id, text[:TEXT_LIMIT], reply_markup=markup))
    return sent


# ── The Application ───────────────────────────────────────────────────────────────────────────────────


class OnePerChat(BaseUpdateProcessor):
    """Many chats at once, each chat's updates one after another: a "YES" never overtakes its quote."""

    def __init__(self, max_concurrent_updates: int = 256) -> None:
        super().__init__(max_concurrent_updates)
        self._locks: dict[int, asyncio.Lock] = {}
        self._users: Counter[int] = Counter()

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        chat = update.effective_chat if isinstance(update, Update) else None
        if chat is None:
            await coroutine
            return
        self._users[chat.id] += 1
        lock = self._locks.setdefault(chat.id, asyncio.Lock())
        try:
            async with lock:
                await coroutine
        finally:
            self._users[chat.id] -= 1
            if not self._users[chat.id]:
                del self._users[chat.id], self._locks[chat.id]

    async def initialize(self) -> None:
        pass

    async def shutdown(self) -> None:
        pass


def build_application(services: Services, settings: TelegramSettings, *, polling: bool = False) -> Application:
    builder = (ApplicationBuilder().token(settings.token).base_url(settings.api_base)
               .base_file_url(settings.file_base).concurrent_updates(OnePerChat())
               .connection_pool_size(64).pool_timeout(settings.timeout)
               .connect_timeout(settings.timeout).read_timeout(settings.timeout).write_timeout(settings.timeout))
    if not polling:
        builder = builder.updater(None)
    application = builder.build()

    async def on_turn(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        inbound = inbound_from(update)
        if inbound is None:
            return
        if update.callback_query is not None:
            await update.callback_query.answer()  # stops the button's spinner
        try:
            replies = await anyio.to_thread.run_sync(handle, services, inbound)
        except Exception:
            log.exception("the bot failed on a Telegram update", update_id=update.update_id)
            replies = [Reply(SORRY)]
        await send_replies(context.bot, inbound.sender, replies, services)

    async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        log.error("Telegram update not handled", error=repr(context.error),
                  update_id=getattr(update, "update_id", None))

    private = filters.ChatType.PRIVATE
    application.add_handler(MessageHandler(private & (filters.TEXT | filters.CONTACT), on_turn))
    application.add_handler(CallbackQueryHandler(on_turn))
    application.add_error_handler(on_error)
    return application


# ── The outbox's sender ───────────────────────────────────────────────────────────────────────────────


def _seconds(value: int | float | dt.timedelta) -> float:
    return value.total_seconds() if isinstance(value, dt.timedelta) else float(value)


def delivery_error(exc: TelegramError) -> DeliveryError:
    """Flood control waits as Telegram asks; a blocked bot or an unknown chat is final; the rest may pass."""
    if isinstance(exc, RetryAfter):
        with warnings.catch_warnings():  # the int-or-timedelta attribute warns while PTB migrates it
            warnings.simplefilter("ignore", PTBDeprecationWarning)
            return DeliveryError(f"telegram: {exc}", retry_after=_seconds(exc.retry_after))
    if isinstance(exc, Forbidden | BadRequest):
        return DeliveryError(f"telegram refused the message: {exc}", permanent=True)
    return DeliveryError(f"telegram: {type(exc).__name__}: {exc}")


class TelegramSender:
    """Sends one outbox message: its text, then each attachment as a document. Runs in the dispatcher's thread,
    so each send runs PTB's coroutines to completion with `asyncio.run` there."""

    def __init__(self, settings: TelegramSettings) -> None:
        self._settings = settings

    def send(self, message: OutgoingMessage) -> str:
        try:
            return asyncio.run(self._send(message))
        except TelegramError as exc:
            raise delivery_error(exc) from exc

    async def _send(self, message: OutgoingMessage) -> str:
        s = self._settings
        request = HTTPXRequest(connect_timeout=s.timeout, read_timeout=s.timeout, write_timeout=s.timeout,
                               pool_timeout=s.timeout)
        bot = Bot(s.token, base_url=s.api_base, base_file_url=s.file_base, request=request,
                  get_updates_request=request)
        async with request:
            chat = message.recipient
            first = await bot.send_message(chat, texts.tidy(message.body_text or message.subject)[:TEXT_LIMIT])
            for attachment in message.attachments:
                await bot.send_document(chat, attachment.data, filename=attachment.filename)
        return f"{chat}:{first.message_id}"
