"""When a person answers a chat handed to staff: the seller's business hours, seen from the customer's clock.

    handoff ── open now ──▶ answer by: now + the wait (ARAGENT_HANDOFF_WAIT_MINUTES)
            └─ closed ───▶ answer by: the next opening + the wait

Business hours are kept in the seller's time zone (ARAGENT_SELLER_TIMEZONE, ARAGENT_BUSINESS_HOURS as
`((weekdays, Monday 0), start minute, end minute)` windows, core.kernel.config) and told in the customer's.
Pure functions of the moment they are given: no clock is read here.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Sequence
from dataclasses import dataclass

Window = tuple[tuple[int, ...], int, int]
_DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def zone(name: str) -> dt.tzinfo:
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return dt.UTC


@dataclass(frozen=True)
class Hours:
    windows: Sequence[Window]
    seller_zone: str

    def _spans(self, moment: dt.datetime, days: int) -> list[tuple[dt.datetime, dt.datetime]]:
        """Each opening from the seller's day of `moment` on, for `days` days, in order (aware datetimes)."""
        local = moment.astimezone(zone(self.seller_zone))
        spans = []
        for offset in range(days):
            day = local.date() + dt.timedelta(days=offset)
            for weekdays, start, end in self.windows:
                if day.weekday() in weekdays:
                    midnight = dt.datetime.combine(day, dt.time(), zone(self.seller_zone))
                    spans.append((midnight + dt.timedelta(minutes=start), midnight + dt.timedelta(minutes=end)))
        return sorted(spans)

    def is_open(self, moment: dt.datetime) -> bool:
        return any(start <= moment < end for start, end in self._spans(moment, 1))

    def next_opening(self, moment: dt.datetime) -> dt.datetime | None:
        """The first opening after `moment`; None when no window is set (staff answer whenever they can)."""
        return next((start for start, _ in self._spans(moment, 8) if start > moment), None)

    def answer_by(self, moment: dt.datetime, wait: dt.timedelta) -> dt.datetime:
        """When a chat handed over at `moment` should have been taken by a person."""
        if self.is_open(moment) or not self.windows:
            return moment + wait
        opening = self.next_opening(moment)
        return (opening or moment) + wait

    def told_in(self, customer_zone: str, moment: dt.datetime) -> str:
        """The hours in the customer's time zone, e.g. "Mon–Fri 11:00 AM–8:00 PM EST"."""
        there = zone(customer_zone)
        parts, label = [], ""
        for weekdays, start, end in self.windows:
            first = self._next_day_in(weekdays, moment)
            opens = dt.datetime.combine(first, dt.time(), zone(self.seller_zone)) + dt.timedelta(minutes=start)
            closes = opens + dt.timedelta(minutes=end - start)
            opens_there, closes_there = opens.astimezone(there), closes.astimezone(there)
            shift = (opens_there.date() - first).days
            parts.append(f"{_days([(d + shift) % 7 for d in weekdays])} {clock(opens_there)}–{clock(closes_there)}")
            label = opens_there.tzname() or ""
        return ", ".join(parts) + (f" {label}" if label else "")

    def _next_day_in(self, weekdays: tuple[int, ...], moment: dt.datetime) -> dt.date:
        local = moment.astimezone(zone(self.seller_zone)).date()
        return next(local + dt.timedelta(days=n) for n in range(7) if (local + dt.timedelta(days=n)).weekday()
                    == weekdays[0])


def clock(moment: dt.datetime) -> str:
    """"8:00 AM"."""
    return f"{moment.hour % 12 or 12}:{moment.minute:02d} {'AM' if moment.hour < 12 else 'PM'}"


def _days(weekdays: list[int]) -> str:
    """"Mon–Fri" for a run of days, "Mon, Wed" otherwise."""
    consecutive = all((b - a) % 7 == 1 for a, b in zip(weekdays, weekdays[1:], strict=False))
    if len(weekdays) > 2 and consecutive:
        return f"{_DAY_NAMES[weekdays[0]]}–{_DAY_NAMES[weekdays[-1]]}"
    return ", ".join(_DAY_NAMES[d] for d in weekdays)
