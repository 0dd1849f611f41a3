"""The scheduler: the statement cycle, dunning, scheduled payments, the outbox dispatcher, the print batch
and reconciliation, fired by APScheduler in the one app process that holds the leader lease."""

from scheduler.jobs import STANDARD_JOBS, JobContext, JobSpec, SendersFactory
from scheduler.leader import Lease, LeaseView, current_lease
from scheduler.runner import Scheduler
from scheduler.runs import Outcome, RunView, last_runs
from scheduler.status import ScheduleStatus, Upcoming, schedule_status, upcoming

__all__ = [
    "STANDARD_JOBS", "JobContext", "JobSpec", "Lease", "LeaseView", "Outcome", "RunView", "ScheduleStatus",
    "Scheduler", "SendersFactory", "Upcoming", "current_lease", "last_runs", "schedule_status", "upcoming",
]
