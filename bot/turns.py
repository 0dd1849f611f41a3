"""What goes in and out of the bot, whatever the channel: the contract between `bot` and `channels`.

A channel verifies its request, turns it into an `Inbound`, calls `bot.engine.handle`, and renders the
`Reply` values in its own format (PTB inline keyboards and documents, TwiML, terminal text).
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Inbound:
    channel: str  # telegram | sms | cli
    sender: str  # the Telegram chat id, or the sender's E.164 phone number
    text: str  # the message; for a button press, the button's payload
    provider_id: str | None = None  # Telegram update_id / Twilio MessageSid: a repeated delivery is ignored
    # Telegram: a contact the user shared (its user id must be the sender's own) and /start's argument.
    shared_phone: str | None = None
    shared_user_id: int | None = None
    sender_user_id: int | None = None


@dataclass(frozen=True)
class Button:
    label: str  # what the customer sees: "Yes, pay $1,200.50"
    payload: str  # what comes back as Inbound.text when pressed: "yes"


@dataclass(frozen=True)
class Reply:
    text: str
    buttons: tuple[Button, ...] = ()
    document_file_id: int | None = None  # a file of the document library to send (a statement PDF)
    link: str | None = None  # a URL the text refers to (SMS carries it in the text)
    extra: dict[str, str] = field(default_factory=dict)
