"""`aragent scheduler` and `aragent schedule ...`."""

from __future__ import annotations

import datetime as dt
import json
import signal
import sys
import threading
from typing import Any

import click
from rich.console import Console
from rich.table import Table

from channels.cli.common import ARCommandGroup, err, services_for
from channels.senders import build_senders
from core.bootstrap import Services
from core.kernel import upgrade
from scheduler import RunView, Scheduler, ScheduleStatus, schedule_status


@click.group(cls=ARCommandGroup)
def schedule() -> None:
    """The scheduled jobs: statement cycle, dunning, scheduled payments, outbox, print batch, reconciliation.

    One app process at a time runs them: the holder of the leader lease in the database. `aragent serve`
    runs a scheduler in-process (unless --no-scheduler) and `aragent scheduler` runs one alone; with
    several of them on one database, the others stand by and take over when the leader stops or dies.
    """


@schedule.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print the schedule as JSON.")
@click.pass_context
def schedule_list(ctx: click.Context, as_json: bool) -> None:
    """Each job with its schedule, next run and last run, and the process that leads now."""
    status = schedule_status(services_for(ctx))
    if as_json:
        click.echo(json.dumps(_status_json(status)))
        return
    click.echo(_leader_line(status))
    table = Table("job", "schedule", f"next run ({status.timezone})", "last run", title="Scheduled jobs")
    for job, run in status.jobs:
        last = f"{run.period} {run.status}" if run else "never"
        table.add_row(job.job, job.schedule, f"{job.next_run:%Y-%m-%d %H:%M}" if job.next_run else "-", last)
    Console(width=None if sys.stdout.isatty() else 160).print(table)


def _leader_line(status: ScheduleStatus) -> str:
    lease = status.leader
    if lease is None:
        return "leader: none (no scheduler has run against this database)"
    if not status.live:
        return f"leader: none (the lease of {lease.holder} ended {lease.expires_at:%Y-%m-%d %H:%M:%S} UTC)"
    return f"leader: {lease.holder} (lease until {lease.expires_at:%Y-%m-%d %H:%M:%S} UTC)"


def _status_json(status: ScheduleStatus) -> dict[str, Any]:
    lease = status.leader
    leader = None if lease is None else {"holder": lease.holder, "live": status.live, "expires_at": _iso(
        lease.expires_at), "acquired_at": _iso(lease.acquired_at)}
    return {"timezone": status.timezone, "leader": leader, "jobs": [
        {"id": job.job, "description": job.description, "schedule": job.schedule, "next_run": _iso(job.next_run),
         "last_run": _run_json(run)} for job, run in status.jobs]}


def _run_json(run: RunView | None) -> dict[str, Any] | None:
    if run is None:
        return None
    return {"period": run.period, "status": run.status, "holder": run.holder, "started_at": _iso(run.started_at),
            "finished_at": _iso(run.finished_at), "summary": run.summary}


def _iso(moment: dt.datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


def start_scheduler(services: Services) -> Scheduler:
    """A scheduler sending through the channels' senders, leading or standing by; `stop()` it on the way out."""
    runner = Scheduler(services, lambda: build_senders(services))
    runner.start()
    role = "leads: it runs the jobs" if runner.is_leader else "stands by: another process leads"
    click.echo(f"scheduler {runner.holder} {role}", err=True)
    return runner


@click.command("scheduler")
@click.pass_context
def scheduler_command(ctx: click.Context) -> None:
    """Run the scheduler alone, in the foreground, until Ctrl-C (or SIGTERM).

    For deployments whose web processes run with `serve --no-scheduler`. Several may run: one leads, the
    others take over within the lease's 30 seconds when it dies.
    """
    services = services_for(ctx)
    upgrade(services.db.url)
    runner = start_scheduler(services)
    stopped = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopped.set())  # a container stop: hand the lease back cleanly
    try:
        while not stopped.wait(1):
            pass
    except KeyboardInterrupt:
        pass
    finally:
        err.print("stopping the scheduler…")
        runner.stop()
