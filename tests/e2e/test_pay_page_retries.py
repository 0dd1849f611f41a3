"""The pay page after a decline: the link is not spent, the customer tries again (another method or the same) under
the link's next key; a payment that went through still spends it for good. Every view of the page is audited."""

from __future__ import annotations

from sqlalchemy import select

from core.documents import pay_link
from core.kernel.models import AuditEvent
from core.ledger.models import Payment
from core.payments.adapters.sandbox_models import SandboxCharge
from core.payments.models import IdempotencyRecord, PaymentMethod
from tests.e2e import test_pay_page
from tests.e2e.test_pay_page import add_card, confirm, csrf, deliver, hidden_fields, open_amounts, path_of

client, sandbox = test_pay_page.client, test_pay_page.sandbox  # the pay page's fixtures: ACME, BETA, a Visa


def review_with(client, link: str, method: int, form: dict[str, str]) -> str:
    page = client.get(link)
    assert page.status_code == 200, page.text
    answer = client.post(f"{link}/review", data={"_csrf_token": csrf(page.text), "method": str(method), **form})
    assert answer.status_code == 200, answer.text
    return answer.text


def visa_on_file(services) -> int:
    """The Visa •4242 the `client` fixture saved for ACME."""
    with services.db.uow() as uow:
        return uow.session.scalars(select(PaymentMethod.id).where(PaymentMethod.token == "tok_visa")).one()


def payments_made(services) -> list[tuple[int, str]]:
    with services.db.uow() as uow:
        return [(p.id, p.status) for p in uow.session.scalars(select(Payment).order_by(Payment.id))]


def test_a_declined_card_leaves_the_link_usable_and_the_next_try_pays_once(client, services, sandbox):
    short_of_funds = add_card(services, "ACME", token="tok_card_insufficient")
    visa = visa_on_file(services)
    link = path_of(pay_link(services.settings, "ACME"))

    declined_review = review_with(client, link, short_of_funds, {"pick-1001": "yes"})
    assert confirm(client, link, declined_review) == 303
    [(first, status)] = payments_made(services)
    assert status == "failed"
    page = client.get(link)
    assert page.status_code == 200
    assert f"Your payment {first} of $400.00" in page.text and "insufficient funds" in page.text
    assert "Nothing was taken" in page.text and 'name="pick-1001"' in page.text  # the selection again, not "paid"

    # The same review posted again (a reload, a double-click) runs under the next key: one new payment at most.
    paid_review = review_with(client, link, visa, {"pick-1001": "yes", "pick-1003": "yes"})
    assert hidden_fields(paid_review)["total"] == "450.00"
    assert confirm(client, link, paid_review) == 303
    assert confirm(client, link, paid_review) == 303
    deliver(client, sandbox)
    assert payments_made(services) == [(first, "failed"), (first + 1, "succeeded")]
    assert open_amounts(services)["1001"] == 0 and open_amounts(services)["1003"] == 0

    token = csrf(page.text)  # the selection's form, shown after the decline
    page = client.get(link)
    assert "payment received" in page.text and "cannot pay again" in page.text
    again = client.post(f"{link}/review", data={"_csrf_token": token, "method": str(visa), "pick-1002": "yes"})
    assert again.status_code == 200 and "cannot pay again" in again.text  # spent: shows its payment
    assert len(payments_made(services)) == 2
    with services.db.uow() as uow:
        keys = list(uow.session.scalars(select(IdempotencyRecord.key).order_by(IdempotencyRecord.key)))
        charged = list(uow.session.scalars(select(SandboxCharge.idempotency_key).order_by(SandboxCharge.id)))
    nonce = link.rsplit("/", 1)[1].split(".")[2]
    assert keys == [nonce, f"{nonce}:2"]
    assert sorted(charged) == [f"charge:{first}", f"charge:{first + 1}"]


def test_the_same_card_may_be_tried_again_and_five_declines_ask_for_a_new_link(client, services, sandbox):
    short_of_funds = add_card(services, "ACME", token="tok_card_insufficient")
    link = path_of(pay_link(services.settings, "ACME"))
    for _ in range(5):
        assert confirm(client, link, review_with(client, link, short_of_funds, {"pick-1003": "yes"})) == 303
    assert [status for _, status in payments_made(services)] == ["failed"] * 5
    sixth = review_with(client, link, short_of_funds, {"pick-1003": "yes"})
    answer = client.post(f"{link}/confirm", data=hidden_fields(sixth))
    assert answer.status_code == 409 and "declined 5 times; ask us for a new link" in answer.text
    assert len(payments_made(services)) == 5


def test_each_view_of_a_pay_link_is_audited_as_the_customer_by_that_link(client, services):
    link = path_of(pay_link(services.settings, "ACME"))
    nonce = link.rsplit("/", 1)[1].split(".")[2]
    assert client.get(link).status_code == 200
    assert client.get(link).status_code == 200
    assert client.get(link[:-2] + "xx").status_code == 403  # a forged link names no one, and records nothing
    with services.db.uow() as uow:
        views = uow.session.execute(select(AuditEvent.actor, AuditEvent.channel, AuditEvent.subject)
                                    .where(AuditEvent.action == "pay_link.viewed")).all()
    assert views == [("customer:ACME (pay link)", "pay_link", f"pay-link:{nonce}")] * 2
