"""The dispatcher's rules as plain functions: quiet hours on the customer's clock, across daylight-saving
changes, and the pace at which one pass lets a channel's messages go."""

from __future__ import annotations

import datetime as dt

import pytest

from core.kernel.config import Settings
from core.outbox.policies import Pacer, RateLimit, customer_zone, next_send_time, rate_limits

DAY_HOURS = (8, 21)
NEW_YORK, LONDON = "America/New_York", "Europe/London"


def utc(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=dt.UTC)


# ── Quiet hours ───────────────────────────────────────────────────────────────────────────────────────


@pytest.mark.parametrize(("now", "expected"), [
    ("2026-06-15 07:59", "2026-06-15 08:00"),  # a minute before the window: later this morning
    ("2026-06-15 08:00", None),  # the window's first minute
    ("2026-06-15 20:59", None),  # its last minute
    ("2026-06-15 21:00", "2026-06-16 08:00"),  # 21:00 is outside: tomorrow morning
    ("2026-06-15 23:30", "2026-06-16 08:00"),
    ("2026-06-15 00:00", "2026-06-15 08:00"),
    ("2026-12-31 22:00", "2027-01-01 08:00"),  # over the year's end
])
def test_the_window_edges_on_a_plain_day(now: str, expected: str | None) -> None:
    assert next_send_time(utc(now), "UTC", DAY_HOURS) == (utc(expected) if expected else None)


@pytest.mark.parametrize(("now", "expected", "local_clock"), [
    # Spring forward, Sunday 2026-03-08 at 02:00 EST → 03:00 EDT: the night is an hour short.
    ("2026-03-08 04:00", "2026-03-08 12:00", "23:00 EST on Saturday"),
    ("2026-03-08 06:30", "2026-03-08 12:00", "01:30 EST, just before the jump"),
    ("2026-03-08 07:30", "2026-03-08 12:00", "03:30 EDT, just after it"),
    ("2026-03-08 11:59", "2026-03-08 12:00", "07:59 EDT"),
    # Fall back, Sunday 2026-11-01 at 02:00 EDT → 01:00 EST: the night is an hour long.
    ("2026-11-01 03:00", "2026-11-01 13:00", "23:00 EDT on Saturday"),
    ("2026-11-01 05:30", "2026-11-01 13:00", "the first 01:30 (EDT)"),
    ("2026-11-01 06:30", "2026-11-01 13:00", "the second 01:30 (EST)"),
    ("2026-11-01 12:59", "2026-11-01 13:00", "07:59 EST"),
    ("2026-11-02 02:00", "2026-11-02 13:00", "21:00 EST on Sunday"),
])
def test_new_york_waits_for_eight_on_the_clock_across_daylight_saving(now: str, expected: str,
                                                                        local_clock: str) -> None:
    opens = next_send_time(utc(now), NEW_YORK, DAY_HOURS)
    assert opens == utc(expected), local_clock
    assert opens is not None and opens.astimezone(customer_zone(NEW_YORK)).strftime("%H:%M") == "08:00"


@pytest.mark.parametrize(("now", "inside"), [
    ("2026-03-08 12:00", True),  # 08:00 EDT: in the window on the first summer-time morning
    ("2026-03-08 01:59", True),  # 20:59 EST on Saturday
    ("2026-03-08 02:00", False),  # 21:00 EST
    ("2026-11-01 12:30", False),  # 07:30 EST: at 12:30 UTC the day before it was already 08:30 EDT
    ("2026-11-01 13:00", True),  # 08:00 EST
    ("2026-11-02 01:59", True),  # 20:59 EST
])
def test_new_york_inside_or_outside_on_the_change_days(now: str, inside: bool) -> None:
    assert (next_send_time(utc(now), NEW_YORK, DAY_HOURS) is None) == inside


@pytest.mark.parametrize(("now", "expected"), [
    # 2026-03-29 at 01:00 GMT → 02:00 BST: 08:00 BST is 07:00 UTC.
    ("2026-03-28 22:00", "2026-03-29 07:00"),
    ("2026-03-29 00:30", "2026-03-29 07:00"),  # 00:30 GMT
    ("2026-03-29 06:59", "2026-03-29 07:00"),  # 07:59 BST
    # 2026-10-25 at 02:00 BST → 01:00 GMT: 08:00 GMT is 08:00 UTC.
    ("2026-10-24 20:30", "2026-10-25 08:00"),  # 21:30 BST
    ("2026-10-25 00:30", "2026-10-25 08:00"),  # the first 01:30 (BST)
    ("2026-10-25 01:30", "2026-10-25 08:00"),  # the second 01:30 (GMT)
    ("2026-10-25 07:30", "2026-10-25 08:00"),  # 07:30 GMT, though an hour later than 07:30 UTC the day before
])
def test_london_across_daylight_saving(now: str, expected: str) -> None:
    assert next_send_time(utc(now), LONDON, DAY_HOURS) == utc(expected)
    assert next_send_time(utc(expected), LONDON, DAY_HOURS) is None


def test_a_window_opening_in_the_skipped_hour_opens_when_the_clock_jumps() -> None:
    # 02:00 does not exist in New York on 2026-03-08: the window opens at the jump, 03:00 EDT (07:00 UTC).
    assert next_send_time(utc("2026-03-08 06:30"), NEW_YORK, (2, 21)) == utc("2026-03-08 07:00")


@pytest.mark.parametrize("zone", ["Mars/Olympus_Mons", "", None, "../../etc/passwd", "EST5EDT/Nowhere"])
def test_an_unknown_timezone_is_taken_as_utc(zone: str | None) -> None:
    assert next_send_time(utc("2026-06-15 07:59"), zone, DAY_HOURS) == utc("2026-06-15 08:00")
    assert next_send_time(utc("2026-06-15 20:59"), zone, DAY_HOURS) is None


def test_a_naive_now_is_utc_and_a_whole_day_window_never_waits() -> None:
    assert next_send_time(dt.datetime(2026, 6, 15, 21, 0), "UTC", DAY_HOURS) == utc("2026-06-16 08:00")
    assert next_send_time(utc("2026-06-15 03:00"), NEW_YORK, (0, 24)) is None


# ── Rate limits ───────────────────────────────────────────────────────────────────────────────────────


def seconds(pacer: Pacer, channel: str, recipients: list[str]) -> list[float]:
    return [pacer.delay(channel, r).total_seconds() for r in recipients]


def test_one_telegram_chat_gets_one_message_a_second() -> None:
    pacer = Pacer(rate_limits(Settings()))
    assert seconds(pacer, "telegram", ["42"] * 35) == [float(n) for n in range(35)]


def test_telegram_sends_thirty_a_second_overall() -> None:
    pacer = Pacer(rate_limits(Settings()))
    delays = seconds(pacer, "telegram", [str(1000 + n) for n in range(40)])
    assert delays == [0.0] * 30 + [1.0] * 10


def test_a_busy_chat_and_many_chats_share_the_channel() -> None:
    pacer = Pacer(rate_limits(Settings()))
    busy = seconds(pacer, "telegram", ["42"] * 35)
    others = seconds(pacer, "telegram", [str(1000 + n) for n in range(40)])
    assert busy == [float(n) for n in range(35)]
    # Second 0 already holds the busy chat's first message, second 1 its second.
    assert others == [0.0] * 29 + [1.0] * 11
    per_second = [busy.count(s) + others.count(s) for s in range(35)]
    assert max(per_second) <= 30 and sum(per_second) == 75


def test_sms_follows_its_configured_rate_and_email_is_not_paced() -> None:
    pacer = Pacer(rate_limits(Settings(sms_rate_per_second=10)))
    assert seconds(pacer, "sms", [f"+1510555{n:04d}" for n in range(25)]) == [0.0] * 10 + [1.0] * 10 + [2.0] * 5
    assert seconds(pacer, "email", ["ap@acme.example"] * 50) == [0.0] * 50


def test_a_rate_under_one_a_second_spaces_every_message() -> None:
    pacer = Pacer({"sms": RateLimit(0.5)})
    assert seconds(pacer, "sms", ["+15105550100", "+15105550101", "+15105550102"]) == [0.0, 2.0, 4.0]


def test_a_rate_of_zero_in_the_settings_means_no_limit() -> None:
    assert set(rate_limits(Settings(sms_rate_per_second=0))) == {"telegram"}
