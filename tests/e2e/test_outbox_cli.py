"""`aragent outbox ...` as finance staff run it: review, approve, cancel, send, retry, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from sqlalchemy import select

from channels.cli.main import main
from core.bootstrap import Services
from core.ledger.models import Customer
from core.outbox import lifecycle as outbox
from tests.books import TEST_ACTOR, customer
from tests.smtp import REFUSED_DOMAIN, SmtpServer, free_port


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    with SmtpServer(free_port()) as server:
        yield server


def runner(services: Services, tmp_path: Path, smtp_port: int) -> Callable[..., Result]:
    env = {"ARAGENT_DATABASE_URL": services.db.url, "ARAGENT_DATA_DIR": str(tmp_path), "ARAGENT_LOG_FORMAT": "json",
           "ARAGENT_SMTP_HOST": "127.0.0.1", "ARAGENT_SMTP_PORT": str(smtp_port), "ARAGENT_SMTP_TIMEOUT": "2",
           "ARAGENT_FAX_GATEWAY_DOMAIN": "fax.example.net"}

    def invoke(*args: str) -> Result:
        return CliRunner().invoke(main, ["outbox", *args], env=env, catch_exceptions=False)

    return invoke


@pytest.fixture
def acme(services: Services) -> int:
    customer(services.db)
    with services.db.uow() as uow:
        customer_id = uow.session.scalar(select(Customer.id).where(Customer.code == "ACME"))
        assert customer_id is not None
        return customer_id


def queue_for(services: Services, customer_id: int | None, recipient: str = "ap@acme.example") -> int:
    """A message a clerk sends (not pushed: the one-message-a-day rule does not hold it back)."""
    with services.db.uow() as uow:
        message = outbox.queue(uow.session, TEST_ACTOR, channel="email", recipient=recipient, template="dunning_1",
                               subject="Past due", body_text="Please pay.", reason="document", customer_id=customer_id)
        uow.commit()
        return message.id


def test_review_approve_cancel_and_send(services: Services, tmp_path: Path, smtp: SmtpServer, acme: int) -> None:
    run = runner(services, tmp_path, smtp.port)
    first, second, third = (queue_for(services, acme) for _ in range(3))

    listed = json.loads(run("list", "--json").stdout)
    assert [m["id"] for m in listed] == [third, second, first]  # newest first
    assert listed[0] | {"created_at": None} == {
        "id": third, "channel": "email", "recipient": "ap@acme.example", "customer": "ACME", "template": "dunning_1",
        "reason": "document", "status": "pending", "attempts": 0, "next_attempt_at": None, "last_error": None,
        "provider_id": None, "created_at": None,
    }
    assert run("approve", str(first)).stdout.strip() == f"approved 1 message(s): {first}"
    assert run("cancel", str(second), "--reason", "customer paid by phone").stdout.strip() == \
        f"canceled 1 message(s): {second}"
    assert run("approve", "--all-pending", "--channel", "email").stdout.strip() == f"approved 1 message(s): {third}"

    assert run("send").stdout.strip() == "sent 2, failed 0, deferred 0"
    assert sorted(rcpt for rcpt, _ in smtp.inbox.received) == [["ap@acme.example"]] * 2
    sent = json.loads(run("list", "--status", "sent", "--customer", "ACME", "--json").stdout)
    assert {m["id"] for m in sent} == {first, third} and all(m["provider_id"] for m in sent)

    refused = run("cancel", str(first))
    assert refused.exit_code == 1
    assert f"message {first} is sent; only a pending or approved message can be canceled" in refused.output
    table = run("list").output
    assert "ap@acme.example" in table and "canceled" in table and "sent" in table


def test_a_refused_address_fails_and_can_be_retried(services: Services, tmp_path: Path, smtp: SmtpServer,
                                                    acme: int) -> None:
    run = runner(services, tmp_path, smtp.port)
    bad = queue_for(services, acme, recipient=f"gone@{REFUSED_DOMAIN}")
    run("approve", str(bad))
    assert run("send").stdout.strip() == "sent 0, failed 1, deferred 0"
    [failed] = json.loads(run("list", "--status", "failed", "--json").stdout)
    assert failed["id"] == bad and "550" in failed["last_error"]
    assert run("retry", str(bad)).stdout.strip() == f"requeued 1 message(s): {bad}"
    assert json.loads(run("list", "--json").stdout)[0]["status"] == "approved"


def test_smtp_down_defers_and_nothing_is_lost(services: Services, tmp_path: Path) -> None:
    run = runner(services, tmp_path, free_port())  # nothing listens there
    message_id = queue_for(services, None)
    run("approve", str(message_id))
    assert run("send").stdout.strip() == "sent 0, failed 0, deferred 1"
    [waiting] = json.loads(run("list", "--json").stdout)
    assert (waiting["status"], waiting["attempts"]) == ("approved", 1)
    assert waiting["next_attempt_at"] and "SMTP server unavailable" in waiting["last_error"]


def test_held_channels_and_usage_errors(services: Services, tmp_path: Path, smtp: SmtpServer) -> None:
    run = runner(services, tmp_path, smtp.port)
    with services.db.uow() as uow:
        outbox.queue(uow.session, TEST_ACTOR, channel="telegram", recipient="123456", template="statement",
                     approved=True)
        uow.commit()
    assert run("send").stdout.strip() == \
        "sent 0, failed 0, deferred 0; 1 approved message(s) wait for a channel that cannot send yet"
    assert run("approve").exit_code == 2
    assert run("approve", "1", "--all-pending").exit_code == 2
    assert run("approve", "--channel", "email").exit_code == 2
    unknown = run("approve", "999")
    assert unknown.exit_code == 1 and "outbox message 999 not found" in unknown.output
