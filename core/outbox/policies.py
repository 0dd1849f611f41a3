"""When a pushed message may go out: the dispatcher's rules, checked on each message before it is tried.

- Quiet hours: a message pushed to a customer goes out only within the window (08:00 until 21:00 by default)
  of the customer's own clock; outside it, it waits for the window's next start in that timezone, across
  daylight-saving changes.
- Rate limits: one dispatch pass spreads each channel's messages over the seconds ahead, within the
  provider's limits (Telegram: about 30 a second overall and one a second per chat), instead of a burst.
- Opt-outs: a recipient who opted out of the channel after the message was queued (texted STOP) gets nothing.
- A message about a statement (a dunning notice) carries the statement's PDF, rendered on first use.
- One pushed message a customer a day: a statement and a dunning notice never both land the same day. A statement
  whose approved dunning notice (which carries that statement) is going out anyway is folded into it (canceled,
  saying so); otherwise the second of the day waits for the next day's window.

The rules themselves are plain functions of plain values; `hold_back` reads what they need for one message
and says what to do with it. The dispatcher (`core.outbox.sending`) applies that.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.kernel.config import Settings
from core.ledger.models import Contact, Customer
from core.outbox.models import OutboxMessage

Window = tuple[int, int]  # local hours: (8, 21) is from 08:00 until 21:00, 21:00 itself outside
TELEGRAM_PER_CHAT_PER_SECOND = 1.0
UTC_ZONE = ZoneInfo("UTC")
STATEMENT_PDF_CHANNELS = ("email", "fax", "telegram")  # those that carry a PDF

# ── Quiet hours ───────────────────────────────────────────────────────────────────────────────────────


@cache
def customer_zone(name: str | None) -> ZoneInfo:
    """The customer's IANA timezone; a name the system does not know is taken as UTC."""
    try:
        return ZoneInfo(name) if name else UTC_ZONE
    except (ZoneInfoNotFoundError, ValueError):  # ValueError: not even shaped like a zone name
        return UTC_ZONE


def next_send_time(now_utc: dt.datetime, tz_name: str | None, window: Window) -> dt.datetime | None:
    """None while `now_utc` is inside the window in that timezone; otherwise, in UTC, when it next opens.

    The opening is found on the local calendar, so it stays at 08:00 on the clock when the offset changes
    overnight. An opening hour the clock skips (02:00 at a spring-forward) is the moment the clock jumps.
    """
    start, end = window
    zone = customer_zone(tz_name)
    local = (now_utc if now_utc.tzinfo else now_utc.replace(tzinfo=dt.UTC)).astimezone(zone)
    if start <= local.hour < end:
        return None
    day = local.date() if local.hour < start else local.date() + dt.timedelta(days=1)
    return dt.datetime.combine(day, dt.time(start), tzinfo=zone).astimezone(dt.UTC)


# ── Rate limits ───────────────────────────────────────────────────────────────────────────────────────


@dataclass(frozen=True)
class RateLimit:
    per_second: float  # the whole channel
    per_recipient_per_second: float | None = None  # one chat, one number


def rate_limits(settings: Settings) -> dict[str, RateLimit]:
    """The channels that have limits; a rate of zero or less in the settings means no limit."""
    limits = {"telegram": RateLimit(settings.telegram_rate_per_second, TELEGRAM_PER_CHAT_PER_SECOND),
              "sms": RateLimit(settings.sms_rate_per_second)}
    return {channel: limit for channel, limit in limits.items() if limit.per_second > 0}


class Pacer:
    """Books each message of one dispatch pass into the earliest time slot its channel's limits allow.

    Time runs in slots from the pass's start: one second each, or 1/rate seconds for a rate under one a
    second, each holding as many messages as the rate allows. A message in slot 0 goes now; a later slot
    is how long it waits, so the next passes send the rest at the pace the provider accepts.
    """

    def __init__(self, limits: Mapping[str, RateLimit]) -> None:
        self._limits = limits
        self._booked: defaultdict[tuple[str, int], int] = defaultdict(int)  # (channel, slot) → messages
        self._recipient_free: dict[tuple[str, str], float] = {}  # (channel, recipient) → seconds from start

    def delay(self, channel: str, recipient: str) -> dt.timedelta:
        """How long after the pass's start this message may go (zero: now), and book it there."""
        limit = self._limits.get(channel)
        if limit is None:
            return dt.timedelta(0)
        width = max(1.0, 1 / limit.per_second)
        capacity = max(1, math.floor(limit.per_second * width))
        earliest = self._recipient_free.get((channel, recipient), 0.0)
        slot = math.ceil(earliest / width - 1e-9)
        while self._booked[channel, slot] >= capacity:
            slot += 1
        self._booked[channel, slot] += 1
        at = slot * width
        if limit.per_recipient_per_second:
            self._recipient_free[channel, recipient] = at + 1 / limit.per_recipient_per_second
        return dt.timedelta(seconds=at)


# ── Applied to one due message ────────────────────────────────────────────────────────────────────────


@dataclass(frozen=True)
class Postpone:
    until: dt.datetime
    note: str | None = None  # why it waits, shown as the message's last error


@dataclass(frozen=True)
class Cancel:
    reason: str


def hold_back(session: Session, message: OutboxMessage, moment: dt.datetime, quiet_hours: Window,
              pacer: Pacer) -> Postpone | Cancel | None:
    """What the rules say about a due message before it is tried; None: send it now."""
    if (opted_out := opt_out_reason(session, message)) is not None:
        return Cancel(opted_out)
    if message.respect_quiet_hours:
        zone = (session.scalar(select(Customer.timezone).where(Customer.id == message.customer_id))
                if message.customer_id is not None else None)
        if (opens := next_send_time(moment, zone, quiet_hours)) is not None:
            local = opens.astimezone(customer_zone(zone))
            return Postpone(opens, f"quiet hours: waits until {local:%Y-%m-%d %H:%M} {local.tzinfo}")
    if (rule := one_a_day(session, message, moment, quiet_hours)) is not None:
        return rule
    if wait := pacer.delay(message.channel, message.recipient):
        return Postpone(moment + wait)
    return None


PUSHED = ("statement", "dunning")  # what reaches a customer unasked: at most one a day


def one_a_day(session: Session, message: OutboxMessage, moment: dt.datetime,
              quiet_hours: Window) -> Postpone | Cancel | None:
    """Fold a statement into today's dunning notice that carries it, or hold the day's second pushed message."""
    if message.reason not in PUSHED or message.customer_id is None:
        return None
    zone = customer_zone(session.scalar(select(Customer.timezone).where(Customer.id == message.customer_id)))
    local = (moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)).astimezone(zone)
    day_start = dt.datetime.combine(local.date(), dt.time(), zone).astimezone(dt.UTC)
    others = select(OutboxMessage.reason, OutboxMessage.status, OutboxMessage.statement_id).where(
        OutboxMessage.customer_id == message.customer_id, OutboxMessage.id != message.id,
        OutboxMessage.reason.in_(PUSHED))
    if message.reason == "statement" and message.statement_id is not None:
        carried = session.scalar(others.with_only_columns(OutboxMessage.id).where(
            OutboxMessage.reason == "dunning", OutboxMessage.statement_id == message.statement_id,
            OutboxMessage.status.in_(("approved", "sent")), OutboxMessage.created_at >= day_start).limit(1))
        if carried is not None:
            return Cancel(f"folded into today's dunning notice (outbox {carried}), which carries this statement")
    sent_today = session.scalar(others.with_only_columns(OutboxMessage.id).where(
        OutboxMessage.status == "sent", OutboxMessage.sent_at >= day_start).limit(1))
    if sent_today is None:
        return None
    tomorrow = dt.datetime.combine(local.date() + dt.timedelta(days=1), dt.time(quiet_hours[0]), zone)
    return Postpone(tomorrow.astimezone(dt.UTC), f"one message a day: outbox {sent_today} reached this customer "
                                                 f"today; waits until {tomorrow:%Y-%m-%d %H:%M} {zone}")


def opt_out_reason(session: Session, message: OutboxMessage) -> str | None:
    """Why the message must not go: its recipient has opted out of the channel; None if not."""
    if message.channel == "sms":
        # STOP belongs to the number, whichever customer lists it: the carrier blocks it for all our messages.
        query = select(Contact.id).where(Contact.phone == message.recipient, Contact.sms_opt_out)
    elif message.channel == "email":
        query = select(Contact.id).where(func.lower(Contact.email) == message.recipient.lower(),
                                         Contact.email_opt_out)
        if message.customer_id is not None:  # the addressee's own customer: its contacts are indexed
            query = query.where(Contact.customer_id == message.customer_id)
    else:
        return None
    if session.scalar(query.limit(1)) is None:
        return None
    return f"{message.recipient} opted out of {message.channel} after the message was queued; not sent"


def statement_to_attach(session: Session, message: OutboxMessage) -> int | None:
    """The statement whose PDF must go with the message, if it is not among its attachments yet.

    A message about a statement (a dunning notice) carries it. A statement's own delivery (it has a line in
    the delivery log) carries what the delivery chose.
    """
    if message.statement_id is None or message.channel not in STATEMENT_PDF_CHANNELS:
        return None
    # Imported here: the statements context sits above the outbox (the one exception the layers contract names).
    from core.statements.models import Statement, StatementDelivery

    if session.scalar(select(Statement.file_id).where(Statement.id == message.statement_id)) in message.attachments:
        return None
    delivery = select(StatementDelivery.id).where(StatementDelivery.outbox_id == message.id).limit(1)
    return message.statement_id if session.scalar(delivery) is None else None
