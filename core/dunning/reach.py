"""Where a dunning notice goes: the stage's first channel the customer opted in to and has an address for.

Opt-outs are honoured per contact (SMS STOP, an email unsubscribe); the billing contact (the primary one)
comes first. Plain values, no database: unit tests call these directly.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class ContactPoint:
    """A contact's addresses and opt-outs, billing contact (the primary one) first."""

    email: str | None = None
    phone: str | None = None  # E.164
    telegram_user_id: int | None = None
    email_opt_out: bool = False
    sms_opt_out: bool = False


def address_for(channel: str, contacts: Sequence[ContactPoint], fax: str | None) -> tuple[str | None, str]:
    """The first usable address for `channel`, or None and why there is none."""
    if channel == "email":
        emails = [c for c in contacts if c.email]
        usable = [c.email for c in emails if not c.email_opt_out]
        return (usable[0], "") if usable else (None, "opted out of email" if emails else "no email address")
    if channel == "sms":
        phones = [c for c in contacts if c.phone]
        usable = [c.phone for c in phones if not c.sms_opt_out]
        return (usable[0], "") if usable else (None, "opted out of SMS" if phones else "no mobile number")
    if channel == "telegram":
        chats = [str(c.telegram_user_id) for c in contacts if c.telegram_user_id]
        return (chats[0], "") if chats else (None, "no linked Telegram chat")
    if channel == "fax":
        return (fax, "") if fax else (None, "no fax number")
    return None, f"dunning does not go by {channel}"


def pick_channel(channels: Sequence[str], opted_in: Sequence[str], contacts: Sequence[ContactPoint],
                 fax: str | None) -> tuple[str, str] | str:
    """The stage's first channel the customer opted in to and has an address for: (channel, address), or
    why there is none."""
    wanted = [c for c in channels if c in opted_in]
    if not wanted:
        return f"no opt-in for {' or '.join(channels)}"
    reasons = []
    for channel in wanted:
        address, why = address_for(channel, contacts, fax)
        if address:
            return channel, address
        reasons.append(why)
    return "; ".join(reasons)
