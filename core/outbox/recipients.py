"""Who receives a message, at which address, unless they opted out: the one rule every producer asks.

Contacts are read billing contact first (the primary one, then the oldest). An email address or a number
that opted out on any of the customer's contacts is not used: the dispatcher would refuse to send to it
(`core.outbox.policies`). Fax and print go to the account itself, not to a contact. `address_for` works on
plain values, so unit tests call it directly; `reach_of` reads them off a customer.
"""

from __future__ import annotations

from dataclasses import dataclass

from core.kernel.errors import Invalid
from core.ledger.models import Customer


@dataclass(frozen=True)
class ContactPoint:
    """A contact's addresses and opt-outs."""

    email: str | None = None
    phone: str | None = None  # E.164
    telegram_user_id: int | None = None
    email_opt_out: bool = False
    sms_opt_out: bool = False
    is_primary: bool = False
    contact_id: int = 0  # among contacts equally primary, the lower id comes first


@dataclass(frozen=True)
class Reach:
    """Everywhere one customer's messages can go."""

    contacts: tuple[ContactPoint, ...] = ()
    fax: str | None = None
    letter_to: str | None = None  # the name on the envelope; None when there is no mailing address


def address_for(channel: str, reach: Reach, preferred_phone: str | None = None) -> tuple[str | None, str]:
    """Where a message on `channel` goes, or (None, why it cannot go). `preferred_phone` (a caller's own
    number) wins by SMS when it is one of the customer's usable numbers."""
    contacts = sorted(reach.contacts, key=lambda c: (not c.is_primary, c.contact_id))
    if channel == "email":
        emails = [c.email for c in contacts if c.email]
        opted_out = {c.email.lower() for c in contacts if c.email and c.email_opt_out}
        usable = [e for e in emails if e.lower() not in opted_out]
        return (usable[0], "") if usable else (None, "opted out of email" if emails else "no email address")
    if channel == "sms":
        phones = [c.phone for c in contacts if c.phone]
        stopped = {c.phone for c in contacts if c.phone and c.sms_opt_out}
        usable = [p for p in phones if p not in stopped]
        if preferred_phone in usable:
            return preferred_phone, ""
        return (usable[0], "") if usable else (None, "opted out of SMS" if phones else "no mobile number")
    if channel == "telegram":
        chats = [str(c.telegram_user_id) for c in contacts if c.telegram_user_id]
        return (chats[0], "") if chats else (None, "no linked Telegram chat")
    if channel == "fax":
        return (reach.fax, "") if reach.fax else (None, "no fax number")
    if channel == "print":
        return (reach.letter_to, "") if reach.letter_to else (None, "no mailing address")
    raise Invalid(f"unknown channel {channel!r}", "channel")


def reach_of(customer: Customer) -> Reach:
    """The customer's contacts, fax number and mailing address as they stand. A letter needs a street line
    and a city or postal code."""
    contacts = tuple(ContactPoint(c.email, c.phone, c.telegram_user_id, c.email_opt_out, c.sms_opt_out,
                                  c.is_primary, c.id) for c in customer.contacts)
    mailable = bool(customer.address_line1 and (customer.city or customer.postal_code))
    return Reach(contacts, customer.fax, customer.name if mailable else None)


def first_reachable(customer: Customer, channels: tuple[str, ...]) -> tuple[str, str] | str:
    """Among `channels`, the first the customer can be reached on, in their delivery order (then the order
    given): (channel, address), or why none can be used."""
    reach, reasons = reach_of(customer), []
    for channel in dict.fromkeys([m for m in customer.delivery_methods if m in channels] + list(channels)):
        address, why = address_for(channel, reach)
        if address:
            return channel, address
        reasons.append(why)
    return "; ".join(reasons)
