"""Webhook intake in batches: one transaction for many requests, each event applied once; both backends."""

from __future__ import annotations

import json
import threading
import time

import pytest
from sqlalchemy import func, select

from core.ledger.models import Allocation, InvoiceHold, Payment
from core.ledger.rules import AllocationRequest
from core.payments import settlement
from core.payments.adapters.sandbox import SIGNATURE_HEADER, SandboxProcessor
from core.payments.models import WebhookEvent
from core.payments.signatures import sign
from core.payments.webhooks import WebhookRequest, receive_batch
from tests.books import TEST_BRANDING
from tests.integration.payments.test_payments import open_of, pay, payments_book

SECRET = "whsec_batch_test"


@pytest.fixture
def book(db) -> int:
    return payments_book(db)


@pytest.fixture
def sandbox(db) -> SandboxProcessor:
    return SandboxProcessor(db, [SECRET])


def request(sandbox: SandboxProcessor, event_id: str, kind: str, payment_id: int, *, secret: str = SECRET,
            charge: str | None = None) -> WebhookRequest:
    body = json.dumps({
        "id": event_id, "type": kind, "created": int(time.time()),
        "data": {"object": {"id": charge or f"py_{payment_id}", "amount": 100, "currency": "usd",
                            "status": kind.split(".")[1], "metadata": {"payment_id": str(payment_id)},
                            "failure_reason": None}},
    }).encode()
    return WebhookRequest(sandbox, {SIGNATURE_HEADER: sign(body, secret)}, body)


def count(db, model) -> int:
    with db.uow() as uow:
        return uow.session.scalar(select(func.count()).select_from(model))


def statuses(db) -> dict[int, str]:
    with db.uow() as uow:
        return dict(uow.session.execute(select(Payment.id, Payment.status)).all())


def two_payments(db, method: int) -> tuple[int, int]:
    first = pay(db, method, "1000.00", AllocationRequest("INV-1", None))
    second = pay(db, method, "250.00", AllocationRequest("INV-2", None))
    return first.payment_id, second.payment_id


def test_one_batch_applies_each_event_once_and_keeps_every_request(db, book, sandbox):
    first, second = two_payments(db, book)
    batch = [
        request(sandbox, "evt_a", "payment.succeeded", first),
        request(sandbox, "evt_b", "payment.succeeded", second),
        request(sandbox, "evt_a", "payment.succeeded", first),  # the same event twice in one batch
        request(sandbox, "evt_forged", "payment.succeeded", second, secret="whsec_attacker"),
        request(sandbox, "evt_c", "payment.succeeded", 999_999),  # no such payment
    ]
    intakes = receive_batch(db.uow(), batch, TEST_BRANDING)
    assert [(i.accepted, i.duplicate) for i in intakes] == [
        (True, False), (True, False), (True, True), (False, False), (True, False)]
    assert intakes[4].outcome.startswith("ignored: no payment")
    assert statuses(db) == {first: "succeeded", second: "succeeded"}
    assert (count(db, Allocation), count(db, InvoiceHold), count(db, WebhookEvent)) == (2, 0, 5)
    assert (open_of(db, "INV-1"), open_of(db, "INV-2")) == (0, 0)


def test_a_batch_of_redeliveries_changes_nothing(db, book, sandbox):
    first, second = two_payments(db, book)
    events = [request(sandbox, "evt_a", "payment.succeeded", first),
              request(sandbox, "evt_b", "payment.succeeded", second)]
    receive_batch(db.uow(), events, TEST_BRANDING)
    again = receive_batch(db.uow(), events, TEST_BRANDING)
    assert all(i.duplicate for i in again)
    assert (count(db, Allocation), count(db, WebhookEvent)) == (2, 4)


def test_success_and_refund_of_one_payment_in_one_batch_end_refunded(db, book, sandbox):
    first, _ = two_payments(db, book)
    receive_batch(db.uow(), [request(sandbox, "evt_ok", "payment.succeeded", first),
                             request(sandbox, "evt_refund", "payment.refunded", first)], TEST_BRANDING)
    assert statuses(db)[first] == "refunded"
    assert open_of(db, "INV-1") == 100_000  # the refund reopened what the success had just paid
    with db.uow() as uow:
        assert uow.session.scalar(select(Allocation.reversed_on).where(Allocation.payment_id == first)) is not None


def test_an_event_that_fails_to_apply_costs_the_others_nothing(db, book, sandbox, monkeypatch):
    first, second = two_payments(db, book)
    apply = settlement._apply

    def fragile(batch, event, actor, branding):  # type: ignore[no-untyped-def]
        if event.event_id == "evt_poison":
            raise RuntimeError("the database said no")
        return apply(batch, event, actor, branding)

    monkeypatch.setattr(settlement, "_apply", fragile)
    intakes = receive_batch(db.uow(), [request(sandbox, "evt_a", "payment.succeeded", first),
                                       request(sandbox, "evt_poison", "payment.succeeded", second)], TEST_BRANDING)
    assert [i.failed for i in intakes] == [False, True]
    assert statuses(db) == {first: "succeeded", second: "pending"}
    with db.uow() as uow:
        kept = uow.session.scalars(select(WebhookEvent.outcome).order_by(WebhookEvent.id)).all()
    assert any("error while applying" in (outcome or "") for outcome in kept)  # kept raw for the redelivery
    monkeypatch.setattr(settlement, "_apply", apply)
    redelivered = receive_batch(db.uow(), [request(sandbox, "evt_poison", "payment.succeeded", second)],
                                TEST_BRANDING)
    assert not redelivered[0].duplicate and statuses(db)[second] == "succeeded"


def test_two_workers_with_overlapping_batches_apply_each_event_once(db, book, sandbox):
    first, second = two_payments(db, book)
    a, b = (request(sandbox, "evt_a", "payment.succeeded", first),
            request(sandbox, "evt_b", "payment.succeeded", second))
    barrier, results = threading.Barrier(2), []

    def worker(batch: list[WebhookRequest]) -> None:
        barrier.wait()
        results.extend(receive_batch(db.uow(), batch, TEST_BRANDING))

    threads = [threading.Thread(target=worker, args=([a, b],)), threading.Thread(target=worker, args=([b, a],))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(r.duplicate for r in results) == [False, False, True, True]
    assert count(db, Allocation) == 2 and statuses(db) == {first: "succeeded", second: "succeeded"}
