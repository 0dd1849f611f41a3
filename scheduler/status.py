"""What `aragent schedule list` shows — next run times, the leader, each job's last run — from any process."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import NamedTuple
from zoneinfo import ZoneInfo

from core.bootstrap import Services
from scheduler.jobs import STANDARD_JOBS, JobSpec, enabled
from scheduler.leader import LeaseView, current_lease, utc_now
from scheduler.runs import RunView, last_runs
from scheduler.triggers import trigger_for


class Upcoming(NamedTuple):
    job: str
    description: str
    next_run: dt.datetime | None
    schedule: str


def upcoming(services: Services, *, now: dt.datetime | None = None,
             jobs: Iterable[JobSpec] = STANDARD_JOBS) -> list[Upcoming]:
    """When each job fires next, from its trigger: needs no lease, so any process can answer."""
    zone = services.settings.scheduler_timezone
    moment = (now or utc_now()).astimezone(ZoneInfo(zone))
    schedules = [(spec, spec.schedule(services.settings)) for spec in enabled(jobs, services.settings)]
    return [Upcoming(spec.id, spec.description, trigger_for(text, zone).get_next_fire_time(None, moment), text)
            for spec, text in schedules]


class ScheduleStatus(NamedTuple):
    timezone: str
    leader: LeaseView | None  # the latest holder; `live` says whether it still leads
    live: bool
    jobs: list[tuple[Upcoming, RunView | None]]  # each job with its latest run


def schedule_status(services: Services, *, now: dt.datetime | None = None) -> ScheduleStatus:
    moment = now or utc_now()
    lease, runs = current_lease(services.db), last_runs(services.db)
    return ScheduleStatus(services.settings.scheduler_timezone, lease, lease is not None and lease.live(moment),
                          [(job, runs.get(job.job)) for job in upcoming(services, now=moment)])
