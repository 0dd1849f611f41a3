"""SMS through Twilio: an inbound text becomes an `Inbound` turn, the bot's replies become TwiML `<Message>`s.

Buttons cannot be pressed in a text message, so they become words to reply with ("Reply YES to confirm or NO
to cancel"); a document goes as a signed link. STOP, START and HELP reach the bot like any other text (it
records the opt-out); when Twilio has answered them itself (its opt-out handling, `OptOutType`), we add nothing.

Outbound: `SmsSender` is the outbox's sender for the sms channel, through the Twilio REST client, with a
status callback; `record_delivery_status` moves an outbox message along what Twilio reports, never back.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

import requests
import structlog
from twilio.base.exceptions import TwilioException, TwilioRestException
from twilio.http.http_client import TwilioHttpClient
from twilio.http.response import Response as TwilioResponse
from twilio.rest import Client
from twilio.twiml.messaging_response import MessagingResponse

# The bot's turn, called by the SMS route; a module attribute, so a test can stand a fake bot in.
from bot import texts
from bot.engine import handle as handle
from bot.turns import Inbound, Reply
from channels.twilio_settings import TwilioSettings
from core.bootstrap import Services
from core.documents import document_link
from core.kernel import Actor
from core.outbox import DeliveryError, Draft, OutgoingMessage, queue_drafts, record_provider_status

log = structlog.get_logger("aragent.sms")
SMS_LIMIT = 1600  # Twilio's limit for one message; it splits it into segments on the way
STATUS_PATH = "/webhooks/twilio/status"
TWILIO_API = "https://api.twilio.com"
YES_NO = {"yes", "no"}
BOT = Actor("bot", "sms")
TWILIO = Actor("twilio", "sms")  # reports delivery; its name goes into a failed message's last error


# ── Inbound and replies ───────────────────────────────────────────────────────────────────────────────


def inbound_sms(form: Mapping[str, str]) -> Inbound:
    return Inbound(channel="sms", sender=form.get("From", "").strip(), text=form.get("Body", ""),
                   provider_id=form.get("MessageSid") or None)


def answered_by_twilio(form: Mapping[str, str]) -> bool:
    """Twilio's own opt-out handling replied to STOP/START/HELP already; a second reply would be refused."""
    return bool(form.get("OptOutType"))


def button_prompt(reply: Reply) -> str:
    """What to type instead of pressing, for the buttons the text does not already tell how to answer: YES/NO, a
    reason by name, a word, or the choice's position. Empty when the text says it all."""
    kinds = [b.payload.strip().lower().partition(":")[0] for b in reply.buttons]
    if set(kinds) == YES_NO and len(kinds) == 2:
        return "" if _told(reply.text, "YES") and _told(reply.text, "NO") else "Reply YES to confirm or NO to cancel."
    if set(kinds) == {"reason"}:
        return "Reply with the reason: " + ", ".join(b.label for b in reply.buttons) + "."
    choices = []
    for position, button in enumerate(reply.buttons, start=1):
        word = _word(button.payload, position)
        if _told(reply.text, word):
            continue
        label = _NUMBERED.sub("", button.label)
        choices.append(word if label.lower() == word.lower() else f"{word} for {label}")
    if not choices:
        return ""
    listed = choices[0] if len(choices) == 1 else ", ".join(choices[:-1]) + " or " + choices[-1]
    return ("Or reply " if _ASKS.search(reply.text) else "Reply ") + listed + "."


_NUMBERED = re.compile(r"^\s*\d+[.)]\s*")  # "1. INV-1043": the position is said once, by the reply word
_ASKS = re.compile(r"\b(?:Say|Reply|reply|say)\b")


def _word(payload: str, position: int) -> str:
    """What the customer types for a button: its value ("ALL"), its words ("PAY OVERDUE"), the list position it
    picks, or its place among the buttons."""
    kind, colon, value = payload.strip().partition(":")
    if not colon:
        return kind.upper()
    if kind == "pick" and value.isdigit():
        return value  # a position in the list the bot showed (on a later page: 9, 10 …), as it reads it back
    return str(position) if value.isdigit() or kind == "method" else value.upper()


def _told(text: str, word: str) -> bool:
    """The text already tells the customer to type `word`: "PAY OVERDUE" in capitals, or a numbered row "2."."""
    if word.isdigit():
        return bool(re.search(rf"(?m)^\s*(?:•\s*)?{word}[.)]\s", text))
    return bool(re.search(rf"(?<![\w-]){re.escape(word)}(?![\w-])", text))


def sms_text(reply: Reply, services: Services) -> str:
    if reply.text == texts.HELP:  # carriers: the brand, HELP and STOP in one segment; chats keep the full menu
        return texts.sms_help(services.settings.seller_name, services.settings.seller_phone)
    parts = [reply.text.strip()]
    link = reply.link
    if link is None and reply.document_file_id is not None:
        link = document_link(services.settings, reply.document_file_id)
    if link and link not in reply.text:
        parts.append(link)
    if reply.buttons:
        parts.append(button_prompt(reply))
    return texts.tidy("\n".join(part for part in parts if part))[:SMS_LIMIT]


def twiml(replies: Sequence[Reply], services: Services) -> str:
    response = MessagingResponse()
    for reply in replies:
        if text := sms_text(reply, services):
            response.message(text)
    return str(response)


def queue_late_replies(services: Services, inbound: Inbound, replies: Sequence[Reply]) -> list[int]:
    """The bot answered after the webhook had to: its replies go out through the outbox instead."""
    drafts = [Draft(channel="sms", recipient=inbound.sender, template="chat.reply", body_text=text,
                    reason="chat_reply", approved=True,
                    dedupe_key=f"sms-reply:{inbound.provider_id}:{n}" if inbound.provider_id else None)
              for n, reply in enumerate(replies) if (text := sms_text(reply, services))]
    return queue_drafts(services.db.uow(), BOT, drafts)


# ── Outbound through the REST API ─────────────────────────────────────────────────────────────────────


class RebasedHttpClient(TwilioHttpClient):
    """Twilio's HTTP client, sending what it would send to api.twilio.com to `api_base` instead (tests)."""

    def __init__(self, api_base: str, timeout: float) -> None:
        super().__init__(timeout=timeout)
        self._api_base = api_base

    def request(self, method: str, url: str, *args: Any, **kwargs: Any) -> TwilioResponse:
        if self._api_base and url.startswith(TWILIO_API):
            url = self._api_base + url[len(TWILIO_API):]
        return super().request(method, url, *args, **kwargs)


def rest_client(settings: TwilioSettings) -> Client:
    return Client(settings.account_sid, settings.auth_token,
                  http_client=RebasedHttpClient(settings.api_base, settings.timeout))


def delivery_error(exc: TwilioRestException) -> DeliveryError:
    """Refused for the message's sake (a bad or unsubscribed number: 4xx) is final; a rate limit, our own
    credentials (401/403, fixed by configuration) or Twilio's trouble (5xx) may pass."""
    reason = f"twilio {exc.status} ({exc.code}): {exc.msg}"
    if exc.status == 429:
        return DeliveryError(reason, retry_after=30)
    return DeliveryError(reason, permanent=400 <= exc.status < 500 and exc.status not in (401, 403))


class SmsSender:
    def __init__(self, settings: TwilioSettings, public_url: str) -> None:
        self._settings, self._client = settings, rest_client(settings)
        self._callback = public_url.rstrip("/") + STATUS_PATH

    def send(self, message: OutgoingMessage) -> str:
        """Send the text (attachments cannot go by SMS; a statement's text carries its link); the provider id
        is the MessageSid that the status callbacks name."""
        origin = self._settings.sender
        sender = {"messaging_service_sid": origin} if origin.startswith("MG") else {"from_": origin}
        try:
            created = self._client.messages.create(to=message.recipient, body=texts.tidy(message.body_text)[:SMS_LIMIT],
                                                   status_callback=self._callback, **sender)
        except TwilioRestException as exc:
            raise delivery_error(exc) from exc
        except (TwilioException, requests.RequestException) as exc:
            raise DeliveryError(f"twilio: {type(exc).__name__}: {exc}") from exc
        return str(created.sid)


# ── Status callbacks ──────────────────────────────────────────────────────────────────────────────────

def record_delivery_status(services: Services, sid: str, status: str, error_code: str | None) -> str:
    """Move the outbox message Twilio reports on to `status`; a late, repeated or out-of-order report changes
    nothing and is only logged. A chat reply sent as TwiML has no outbox row: "unknown message"."""
    return record_provider_status(services.db.uow(), TWILIO, sid, status, error_code)
