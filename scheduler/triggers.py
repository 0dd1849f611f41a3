"""When jobs fire: crontab expressions as operators write them, and which scheduled time a firing stands for."""

from __future__ import annotations

import datetime as dt
import re

from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

_WEEKDAYS = ("sun", "mon", "tue", "wed", "thu", "fri", "sat")
_EVERY = re.compile(r"every\s+(\d+(?:\.\d+)?)\s*s", re.IGNORECASE)


def trigger_for(schedule: str, timezone: str) -> BaseTrigger:
    """`every 30 s`, or a crontab expression (minute hour day month day-of-week) in `timezone`."""
    if match := _EVERY.fullmatch(schedule.strip()):
        return IntervalTrigger(seconds=float(match.group(1)), timezone=timezone)
    return cron_trigger(schedule, timezone)


def cron_trigger(expression: str, timezone: str) -> CronTrigger:
    """Like `CronTrigger.from_crontab`, but with crontab's weekdays: APScheduler 3 counts them from Monday = 0,
    so its `from_crontab("0 17 * * 1-5")` would print the batch Tuesday to Saturday."""
    fields = expression.split()
    if len(fields) != 5:
        raise ValueError(f"a cron expression has 5 fields (minute hour day month day-of-week), not {expression!r}")
    minute, hour, day, month, weekdays = fields
    return CronTrigger(minute=minute, hour=hour, day=day, month=month, day_of_week=crontab_weekdays(weekdays),
                       timezone=timezone)


def crontab_weekdays(field: str) -> str:
    """A crontab day-of-week field (Sunday = 0 or 7) as weekday names, which APScheduler reads the same way."""
    if field == "*" or not any(c.isdigit() for c in field):
        return field
    days: list[int] = []
    for item in field.split(","):
        span, _, step = item.partition("/")
        if span == "*":
            first, last = 0, 6
        elif "-" in span:
            start, end = span.split("-", 1)
            first, last = _weekday(start), _weekday(end)
        else:
            first = _weekday(span)
            last = 6 if step else first  # `1/2`: from Monday to Saturday, every other day
        days += range(first, last + 1, int(step or 1))
    return ",".join(_WEEKDAYS[d] for d in sorted({d % 7 for d in days}))


def _weekday(token: str) -> int:
    if token.isdigit() and int(token) <= 7:
        return int(token)
    name = token.lower()[:3]
    if name not in _WEEKDAYS:
        raise ValueError(f"not a day of the week: {token!r}")
    return _WEEKDAYS.index(name)


def scheduled_time(trigger: BaseTrigger, now: dt.datetime, lookback: dt.timedelta) -> dt.datetime | None:
    """The trigger's latest fire time at or before `now` (within `lookback`): the time a firing stands for.

    A catch-up after downtime fires hours late; its work is for the time it was due, not the time it ran
    (statements due at 02:00 on the 1st are dated the last of the month even when they run at 09:00).
    """
    if not isinstance(trigger, CronTrigger):
        return None
    moment, latest = trigger.get_next_fire_time(None, now - lookback), None
    while moment is not None and moment <= now:
        latest, moment = moment, trigger.get_next_fire_time(moment, moment + dt.timedelta(microseconds=1))
    return latest
