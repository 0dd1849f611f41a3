"""`aragent schedule list` as an operator runs it, on SQLite and PostgreSQL: what fires when, who leads,
and how each job's last run went — from a process that does not lead."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from channels.cli.main import main
from core.bootstrap import Services
from scheduler import Lease
from scheduler.runs import claim_run, finish_run

JOBS = ["statements", "aging", "dunning", "scheduled_payments", "autopay", "plans", "outbox", "print_batch",
        "reconcile"]


@pytest.fixture
def run(services: Services, tmp_path: Path):  # type: ignore[no-untyped-def]
    env = {"ARAGENT_DATABASE_URL": services.db.url, "ARAGENT_DATA_DIR": str(tmp_path), "ARAGENT_LOG_FORMAT": "json",
           "ARAGENT_STATEMENTS_CRON": "0 3 1 * *", "ARAGENT_OUTBOX_INTERVAL_SECONDS": "45"}

    def invoke(*args: str) -> Result:
        return CliRunner().invoke(main, ["schedule", *args], env=env, catch_exceptions=False)

    return invoke


def test_schedule_list_shows_every_job_and_its_next_run_before_any_scheduler_ran(run) -> None:  # type: ignore[no-untyped-def]
    result = run("list", "--json")
    assert result.exit_code == 0, result.output
    out = json.loads(result.output)
    assert out["timezone"] == "UTC" and out["leader"] is None
    assert [job["id"] for job in out["jobs"]] == JOBS
    jobs = {job["id"]: job for job in out["jobs"]}
    assert jobs["statements"]["schedule"] == "0 3 1 * *"  # from the configuration
    assert jobs["outbox"]["schedule"] == "every 45 s"
    statements_next = dt.datetime.fromisoformat(jobs["statements"]["next_run"])
    assert (statements_next.day, statements_next.hour) == (1, 3) and statements_next > dt.datetime.now(dt.UTC)
    assert dt.datetime.fromisoformat(jobs["print_batch"]["next_run"]).weekday() < 5  # crontab's 1-5: Mon-Fri
    assert all(job["last_run"] is None for job in out["jobs"])


def test_schedule_list_names_the_leader_and_each_jobs_last_run(run, services: Services) -> None:  # type: ignore[no-untyped-def]
    lease = Lease(services.db)
    assert lease.acquire()
    now = dt.datetime.now(dt.UTC)
    run_id = claim_run(services.db, "statements", "2026-10-31", lease.holder, now)
    assert run_id is not None
    finish_run(services.db, run_id, "done", "statements for 2026-10-31: created 3", now)

    out = json.loads(run("list", "--json").output)
    assert out["leader"]["holder"] == lease.holder and out["leader"]["live"] is True
    assert dt.datetime.fromisoformat(out["leader"]["expires_at"]) > now
    last = {job["id"]: job["last_run"] for job in out["jobs"]}
    assert last["statements"]["period"] == "2026-10-31" and last["statements"]["status"] == "done"
    assert last["statements"]["summary"] == "statements for 2026-10-31: created 3"
    assert last["dunning"] is None

    text = run("list").output
    assert f"leader: {lease.holder}" in text and "2026-10-31 done" in text
    lease.release()
    assert "leader: none (the lease of" in run("list").output  # released: ended now
