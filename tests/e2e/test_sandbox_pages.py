"""The sandbox processor's entry page: a number goes in, only a token and last 4 reach our database."""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Iterator

import pytest
from litestar import Litestar, Router
from litestar.testing import TestClient
from sqlalchemy import String, Text, select

from channels.web.app import create_app, require_api_key
from channels.web.sandbox_pages import SANDBOX_API, SANDBOX_PAGES
from core.bootstrap import Services
from core.kernel.apikeys import create_api_key
from core.kernel.audit import Actor
from core.kernel.errors import Invalid
from core.payments import methods
from core.payments.adapters.sandbox import SandboxProcessor, sandbox_secrets
from core.payments.adapters.sandbox_cards import aba_ok
from core.payments.method_links import link_for, read_link
from core.payments.models import PaymentMethod
from core.schema import Base

VISA = "4242424242424242"
ACCOUNT = "000123456789"
CARD_FORM = {"kind": "card", "number": "4242 4242 4242 4242", "exp_month": "12", "exp_year": "2031", "cvc": "123",
             "holder": "Ann Buyer"}
BANK_FORM = {"kind": "ach", "routing_number": "110000000", "account_number": ACCOUNT, "account_type": "checking",
             "bank_holder": "Acme Ltd", "signature_name": "Ann Buyer", "authorize": "yes"}


def _app(services: Services) -> Litestar:
    app = create_app(services)
    paths = {route.path for route in app.routes}
    # Until create_app wires them in: the pages as they are, the API handler behind the API-key guard.
    if "/sandbox/methods/new" not in paths:
        app.register(Router(path="/", route_handlers=SANDBOX_PAGES))
    if "/api/customers/{code:str}/methods/link" not in paths:
        app.register(Router(path="/", route_handlers=SANDBOX_API, guards=[require_api_key]))
    return app


@pytest.fixture
def client(services: Services) -> Iterator[TestClient]:
    with TestClient(_app(services)) as client:
        client.headers["X-API-Key"] = create_api_key(services.db.uow(), "agent", Actor("test", "cli"))
        assert client.put("/api/customers/ACME", json={"name": "Acme Corp"}).status_code == 201
        yield client


def _link(client: TestClient) -> str:
    response = client.post("/api/customers/ACME/methods/link")
    assert response.status_code == 201, response.text
    return response.json()["url"].split("?link=", 1)[1]


def _sandbox(services: Services) -> SandboxProcessor:
    processor = services.processors["sandbox"]
    assert isinstance(processor, SandboxProcessor)
    return processor


def _all_text(services: Services) -> str:
    """Every text column of every table, one string: what a number leak would show up in."""
    chunks: list[str] = []
    with services.db.engine.connect() as conn:
        for table in Base.metadata.sorted_tables:
            columns = [c for c in table.columns if isinstance(c.type, String | Text)]
            if columns:
                chunks.extend(str(value) for row in conn.execute(select(*columns)) for value in row)
    return "\n".join(chunks)


def test_the_link_api_needs_a_key_and_a_known_customer(client: TestClient) -> None:
    assert client.post("/api/customers/ACME/methods/link", headers={"X-API-Key": "ark_wrong"}).status_code == 401
    assert client.post("/api/customers/NOPE/methods/link").status_code == 404


def test_a_card_is_tokenized_and_saved_without_its_number(
    client: TestClient, services: Services, capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    link = _link(client)
    page = client.get("/sandbox/methods/new", params={"link": link})
    assert page.status_code == 200 and "Card number" in page.text
    saved = client.post("/sandbox/methods/new", data={**CARD_FORM, "link": link})
    assert saved.status_code == 201
    assert "Visa •4242 saved" in saved.text and VISA not in saved.text
    [method] = methods.list_methods(services.db.uow(), "ACME")
    assert (method.kind, method.label, method.exp) == ("card", "Visa •4242", "12/2031")
    assert VISA not in _all_text(services) and "4242 4242 4242 4242" not in _all_text(services)
    captured = capsys.readouterr()
    assert VISA not in captured.out + captured.err + caplog.text
    assert "4242 4242 4242 4242" not in captured.out + captured.err + caplog.text


def test_a_bank_account_with_an_e_signature_is_saved_as_ach(client: TestClient, services: Services) -> None:
    link = _link(client)
    saved = client.post("/sandbox/methods/new", data={**BANK_FORM, "link": link})
    assert saved.status_code == 201 and "Sandbox Bank •6789 saved" in saved.text
    [method] = methods.list_methods(services.db.uow(), "ACME")
    assert (method.kind, method.ach_authorization_kind) == ("ach", "e_signature")
    with services.db.uow() as uow:
        row = uow.session.scalars(select(PaymentMethod)).one()
        assert row.ach_authorization_reference == "Ann Buyer"
        assert row.ach_authorized_at is not None
        assert (row.ach_authorization_source or "").startswith("sandbox page, IP ")
    assert ACCOUNT not in _all_text(services)


def test_a_bank_account_without_the_e_signature_is_refused(client: TestClient, services: Services) -> None:
    link = _link(client)
    unsigned = {key: value for key, value in BANK_FORM.items() if key != "authorize"}
    refused = client.post("/sandbox/methods/new", data={**unsigned, "link": link})
    assert refused.status_code == 422 and "authorize" in refused.text
    assert ACCOUNT not in refused.text
    assert methods.list_methods(services.db.uow(), "ACME") == []
    # The link still works: a mistake does not burn it.
    assert client.post("/sandbox/methods/new", data={**BANK_FORM, "link": link}).status_code == 201


def test_a_bad_card_number_reshows_the_form_without_the_number(client: TestClient, services: Services) -> None:
    link = _link(client)
    bad = "4242424242424241"
    refused = client.post("/sandbox/methods/new", data={**CARD_FORM, "number": bad, "link": link})
    assert refused.status_code == 422 and "not a valid card number" in refused.text
    assert bad not in refused.text and "Ann Buyer" in refused.text  # the name is kept, the number is not
    unknown = client.post("/sandbox/methods/new", data={**CARD_FORM, "number": "4111111111111111", "link": link})
    assert unknown.status_code == 422 and "4111111111111111" not in unknown.text
    assert bad not in _all_text(services)


def test_a_link_works_once(client: TestClient) -> None:
    link = _link(client)
    assert client.post("/sandbox/methods/new", data={**CARD_FORM, "link": link}).status_code == 201
    again = client.post("/sandbox/methods/new", data={**CARD_FORM, "link": link})
    assert again.status_code == 409 and "already used" in again.text
    assert "already used" in client.get("/sandbox/methods/new", params={"link": link}).text


def test_expired_and_forged_links_reveal_nothing(client: TestClient, services: Services) -> None:
    secret = sandbox_secrets(services.settings)[0]
    old = link_for("ACME", secret, dt.datetime.now(dt.UTC) - dt.timedelta(hours=1))
    expired = client.get("/sandbox/methods/new", params={"link": old})
    assert expired.status_code == 400 and "expired" in expired.text
    forged = link_for("ACME", "not-our-secret", dt.datetime.now(dt.UTC))
    for link in (forged, "garbage", ""):
        page = client.get("/sandbox/methods/new", params={"link": link})
        assert page.status_code == 400 and "not valid" in page.text
    for page in (expired, client.post("/sandbox/methods/new", data={**CARD_FORM, "link": forged})):
        assert "ACME" not in page.text and "Acme" not in page.text


def test_read_link_checks_signature_and_expiry() -> None:
    now = dt.datetime(2030, 1, 1, tzinfo=dt.UTC)
    link = link_for("C-1", "s3cret", now, ttl=60)
    assert re.fullmatch(r"[A-Za-z0-9_\-.]+", link)
    assert read_link(link, ["old", "s3cret"], now).customer_code == "C-1"
    payload, signature = link.split(".")
    with pytest.raises(Exception, match="forged"):
        read_link(f"{payload}x.{signature}", ["s3cret"], now)
    with pytest.raises(Exception, match="expired"):
        read_link(link, ["s3cret"], now + dt.timedelta(seconds=60))


def test_bank_tokens_map_test_accounts_to_outcomes(services: Services) -> None:
    sandbox = _sandbox(services)
    for account, last4 in (("000123456789", "6789"), ("000111111116", "1116"), ("000222222227", "2227")):
        token = sandbox.tokenize_bank_account("110000000", account, "Acme Ltd", "checking")
        assert token.startswith("btok_")
        saved = sandbox.save_method(token, "ACME")
        assert (saved.kind, saved.brand, saved.last4, saved.exp_month) == ("ach", "Sandbox Bank", last4, None)
    assert ACCOUNT not in _all_text(services)


@pytest.mark.parametrize(("routing", "account", "kind", "field"), [
    ("110000001", ACCOUNT, "checking", "routing_number"),
    ("11000000", ACCOUNT, "checking", "routing_number"),
    ("110000000", "000999999999", "checking", "account_number"),
    ("110000000", ACCOUNT, "brokerage", "account_type"),
])
def test_bank_tokenization_refuses_bad_input(
    services: Services, routing: str, account: str, kind: str, field: str
) -> None:
    with pytest.raises(Invalid) as refused:
        _sandbox(services).tokenize_bank_account(routing, account, "Acme Ltd", kind)
    assert refused.value.field == field and account not in str(refused.value)


def test_aba_checksum() -> None:
    assert aba_ok("110000000") and aba_ok("021000021") and not aba_ok("021000022") and not aba_ok("12345678a")
