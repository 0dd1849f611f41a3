"""StripeProcessor against a local stand-in for Stripe's API: the real SDK, recorded-style answers, no internet.

The stand-in answers from tests/fixtures/stripe/*.json and records every request (method, path, form body,
Idempotency-Key, Authorization), so the tests check both what we send and how we read the answers.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs

import pytest
import stripe

from core.kernel.errors import Invalid
from core.kernel.money import Money
from core.payments.adapters.stripe import StripeProcessor
from core.payments.processor import ChargeRequest
from core.payments.signatures import SignatureError, sign

FIXTURES = Path(__file__).parents[2] / "fixtures" / "stripe"
API_KEY = "sk_test_local123"
SECRETS = ["whsec_new", "whsec_old"]

pytestmark = pytest.mark.timeout(30)


def fixture(name: str) -> dict:
    return json.loads((FIXTURES / f"{name}.json").read_text())


@dataclass
class Recorded:
    method: str
    path: str
    form: dict[str, str]
    idempotency_key: str | None
    authorization: str | None


# (method, path) -> (HTTP status, fixture); a charge's answer depends on the payment method it names.
ROUTES = {
    ("GET", "/v1/payment_methods/pm_1QcardVisa4242"): (200, "payment_method_card"),
    ("POST", "/v1/payment_methods/pm_1QcardVisa4242/attach"): (200, "payment_method_card"),
    ("GET", "/v1/payment_methods/pm_1QbankStripeTest"): (200, "payment_method_us_bank_account"),
    ("POST", "/v1/customers"): (200, "customer"),
    ("POST", "/v1/refunds"): (200, "refund"),
    ("GET", "/v1/payment_intents/pi_3QretrievedFailed"): (200, "payment_intent_requires_payment_method"),
    ("GET", "/v1/payment_intents/pi_3QachProcessing"): (200, "payment_intent_processing"),
}
CHARGES = {
    "pm_1QcardVisa4242": (200, "payment_intent_succeeded"),
    "pm_1QbankStripeTest": (200, "payment_intent_processing"),
    "pm_card_chargeDeclined": (402, "error_card_declined"),
    "pm_card_outage": (500, "error_api"),
}


@dataclass
class FakeStripe:
    base: str
    requests: list[Recorded] = field(default_factory=list)

    def only(self, method: str, path: str) -> Recorded:
        found = [r for r in self.requests if (r.method, r.path) == (method, path)]
        assert len(found) == 1, f"expected one {method} {path}, got {self.requests}"
        return found[0]


def _handler(fake: FakeStripe) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self._answer()

        def do_POST(self) -> None:
            self._answer()

        def _answer(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length).decode() if length else ""
            form = {k: v[0] for k, v in parse_qs(raw).items()}
            path = self.path.split("?")[0]
            fake.requests.append(Recorded(self.command, path, form, self.headers.get("Idempotency-Key"),
                                          self.headers.get("Authorization")))
            status, name = self._route(path, form)
            body = json.dumps(fixture(name)).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Request-Id", f"req_local{len(fake.requests)}")
            self.end_headers()
            self.wfile.write(body)

        def _route(self, path: str, form: dict[str, str]) -> tuple[int, str]:
            if (self.command, path) == ("POST", "/v1/payment_intents"):
                return CHARGES[form["payment_method"]]
            return ROUTES.get((self.command, path), (404, "error_api"))

        def log_message(self, *args: object) -> None:  # keep pytest output quiet
            pass

    return Handler


@pytest.fixture
def fake_stripe(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeStripe]:
    for proxy in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):
        monkeypatch.delenv(proxy, raising=False)  # requests honours these; the stand-in is local
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(FakeStripe("")))
    fake = FakeStripe(f"http://127.0.0.1:{server.server_address[1]}")
    server.RequestHandlerClass = _handler(fake)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield fake
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture
def processor(fake_stripe: FakeStripe) -> StripeProcessor:
    return StripeProcessor(API_KEY, SECRETS, api_base=fake_stripe.base, timeout=5)


def _request(token: str, payment_id: str = "42", customer: str = "cus_QexistingAcme") -> ChargeRequest:
    return ChargeRequest(Money(Decimal("125.50"), "USD"), token, f"charge:{payment_id}", customer,
                         metadata={"payment_id": payment_id})


# -- charges ------------------------------------------------------------------------------------------


def test_charge_sends_an_off_session_confirmed_intent_with_our_idempotency_key(processor, fake_stripe) -> None:
    result = processor.charge(_request("pm_1QcardVisa4242"))

    sent = fake_stripe.only("POST", "/v1/payment_intents")
    assert sent.idempotency_key == "charge:42"
    assert sent.authorization == f"Bearer {API_KEY}"
    assert sent.form["amount"] == "12550"
    assert sent.form["currency"] == "usd"
    assert sent.form["confirm"] == "true"
    assert sent.form["off_session"] == "true"
    assert sent.form["payment_method"] == "pm_1QcardVisa4242"
    assert sent.form["customer"] == "cus_QexistingAcme"
    assert sent.form["metadata[payment_id]"] == "42"
    assert {sent.form["payment_method_types[0]"], sent.form["payment_method_types[1]"]} == {"card", "us_bank_account"}
    assert (result.processor_payment_id, result.status, result.failure_reason) == ("pi_3QcardSucceeded",
                                                                                    "succeeded", None)


def test_an_ach_charge_is_processing_until_the_webhook(processor) -> None:
    result = processor.charge(_request("pm_1QbankStripeTest", "43"))

    assert (result.processor_payment_id, result.status) == ("pi_3QachProcessing", "processing")


def test_a_card_decline_is_a_failed_result_with_the_decline_code(processor, fake_stripe) -> None:
    result = processor.charge(_request("pm_card_chargeDeclined", "45"))

    assert (result.processor_payment_id, result.status, result.failure_reason) == ("pi_3QcardDeclined", "failed",
                                                                                    "generic_decline")
    assert fake_stripe.only("POST", "/v1/payment_intents").idempotency_key == "charge:45"


def test_an_outage_raises_so_the_payment_stays_pending(processor, fake_stripe) -> None:
    with pytest.raises(stripe.APIError):
        processor.charge(_request("pm_card_outage", "47"))
    assert len(fake_stripe.requests) == 1  # no SDK retries: reconcile owns that


def test_a_charge_for_our_own_customer_ref_uses_the_methods_stripe_customer(processor, fake_stripe) -> None:
    processor.charge(_request("pm_1QbankStripeTest", "43", customer="customer-7"))

    assert fake_stripe.only("POST", "/v1/payment_intents").form["customer"] == "cus_QexistingAcme"


def test_retrieve_maps_the_current_status(processor) -> None:
    failed = processor.retrieve("pi_3QretrievedFailed")
    processing = processor.retrieve("pi_3QachProcessing")

    assert (failed.status, failed.failure_reason) == ("failed", "insufficient_funds")
    assert processing.status == "processing"


def test_refund_sends_the_amount_and_key(processor, fake_stripe) -> None:
    result = processor.refund("pi_3QcardSucceeded", Money(Decimal("50"), "USD"), "refund:42:1")

    sent = fake_stripe.only("POST", "/v1/refunds")
    assert sent.idempotency_key == "refund:42:1"
    assert sent.form == {"payment_intent": "pi_3QcardSucceeded", "amount": "5000"}
    assert (result.processor_refund_id, result.status) == ("re_3QcardSucceeded", "succeeded")


# -- payment methods ----------------------------------------------------------------------------------


def test_save_method_attaches_a_card_and_keeps_only_what_may_be_shown(processor, fake_stripe) -> None:
    saved = processor.save_method("pm_1QcardVisa4242", "cus_QexistingAcme")

    assert fake_stripe.only("POST", "/v1/payment_methods/pm_1QcardVisa4242/attach").form == {
        "customer": "cus_QexistingAcme"}
    assert (saved.token, saved.kind, saved.brand, saved.last4) == ("pm_1QcardVisa4242", "card", "visa", "4242")
    assert (saved.exp_month, saved.exp_year, saved.holder) == (8, 2031, "Jenny Rosen")


def test_save_method_creates_a_customer_for_our_own_ref(processor, fake_stripe) -> None:
    processor.save_method("pm_1QcardVisa4242", "customer-7")

    created = fake_stripe.only("POST", "/v1/customers")
    assert created.form == {"metadata[ref]": "customer-7"}
    assert created.idempotency_key == "customer:customer-7"
    assert fake_stripe.only("POST", "/v1/payment_methods/pm_1QcardVisa4242/attach").form == {
        "customer": "cus_QnewFromRef"}


def test_save_method_maps_a_bank_account_already_on_the_customer(processor, fake_stripe) -> None:
    saved = processor.save_method("pm_1QbankStripeTest", "cus_QexistingAcme")

    assert (saved.kind, saved.brand, saved.last4, saved.exp_month) == ("ach", "STRIPE TEST BANK", "6789", None)
    assert [r.method for r in fake_stripe.requests] == ["GET"]  # already attached: nothing to do


def test_save_method_refuses_anything_but_a_payment_method_id(processor, fake_stripe) -> None:
    with pytest.raises(Invalid):
        processor.save_method("4242 4242 4242 4242", "cus_QexistingAcme")
    assert fake_stripe.requests == []


# -- webhooks -----------------------------------------------------------------------------------------


def _signed(name: str, secret: str = SECRETS[0], age: int = 0) -> tuple[dict[str, str], bytes]:
    body = json.dumps(fixture(name)).encode()
    return {"stripe-signature": sign(body, secret, int(time.time()) - age)}, body


@pytest.mark.parametrize(("name", "kind", "payment_id", "reference", "reason"), [
    ("event_payment_intent_succeeded", "payment.succeeded", "pi_3QcardSucceeded", "42", None),
    ("event_payment_intent_payment_failed", "payment.failed", "pi_3QachFailed", "43", "insufficient_funds"),
    ("event_payment_intent_canceled", "payment.canceled", "pi_3QintentCanceled", "46", "abandoned"),
    ("event_charge_refunded", "payment.refunded", "pi_3QcardSucceeded", "42", None),
    ("event_charge_dispute_created", "payment.disputed", "pi_3QcardSucceeded", None, "fraudulent"),
    ("event_charge_failed_ach_return", "payment.returned", "pi_3QachProcessing", "43", "account_closed"),
    ("event_customer_updated", "other", "cus_QexistingAcme", None, None),
])
def test_webhook_types_map_to_the_ports_kinds(processor, name, kind, payment_id, reference, reason) -> None:
    headers, body = _signed(name)

    event = processor.parse_webhook(headers, body)

    assert (event.kind, event.processor_payment_id, event.reference, event.failure_reason) == (
        kind, payment_id, reference, reason)
    assert event.event_id == fixture(name)["id"]
    assert event.raw_type == fixture(name)["type"]
    assert int(event.occurred_at.timestamp()) == fixture(name)["created"]


def test_a_card_charge_failure_is_not_a_return(processor) -> None:
    payload = fixture("event_charge_failed_ach_return")
    payload["data"]["object"]["payment_method_details"] = {"type": "card"}
    payload["data"]["object"]["failure_code"] = "card_declined"
    body = json.dumps(payload).encode()

    event = processor.parse_webhook({"Stripe-Signature": sign(body, SECRETS[0])}, body)

    assert event.kind == "other"


def test_webhook_signed_with_the_second_secret_is_accepted(processor) -> None:
    headers, body = _signed("event_payment_intent_succeeded", secret=SECRETS[1])

    assert processor.parse_webhook(headers, body).kind == "payment.succeeded"


def test_webhook_with_a_tampered_body_is_refused(processor) -> None:
    headers, body = _signed("event_payment_intent_succeeded")

    with pytest.raises(SignatureError):
        processor.parse_webhook(headers, body.replace(b'"12550"', b'"1"').replace(b"12550", b"1"))


def test_webhook_older_than_the_tolerance_is_refused(processor) -> None:
    headers, body = _signed("event_payment_intent_succeeded", age=301)

    with pytest.raises(SignatureError):
        processor.parse_webhook(headers, body)


def test_webhook_stamped_more_than_300_seconds_ahead_is_refused_but_299_is_accepted(processor) -> None:
    ahead, body = _signed("event_payment_intent_succeeded", age=-600)
    with pytest.raises(SignatureError, match="in the future"):
        processor.parse_webhook(ahead, body)
    near, body = _signed("event_payment_intent_succeeded", age=-200)
    assert processor.parse_webhook(near, body).kind == "payment.succeeded"


def test_webhook_with_an_unknown_secret_or_no_header_is_refused(processor) -> None:
    headers, body = _signed("event_payment_intent_succeeded", secret="whsec_attacker")

    with pytest.raises(SignatureError):
        processor.parse_webhook(headers, body)
    with pytest.raises(SignatureError):
        processor.parse_webhook({}, body)
