"""Issue 14.9: a card number typed into any free-text field is never stored or logged.

Each field is written through its own front door (the HTTP API, the console's forms, the chat, the engine's calls),
then every text column of every table, on both backends, and every captured log line is searched for a Luhn-valid
13-19 digit run. What was typed around the number is kept."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator

import pytest
from litestar.testing import TestClient
from sqlalchemy import JSON, String, Text, select

from channels.web.app import create_app
from core import payments, staff
from core.bootstrap import Services
from core.conversations import open_conversation, reply
from core.dunning import record_promise
from core.kernel import CARD_NUMBER_REMOVED, Actor, create_api_key
from core.kernel.card_numbers import luhn_ok
from core.ledger import AllocationRequest, csv_rows, run_import
from core.payments.models import PaymentMethod
from core.schema import Base
from tests.integration.bot.test_dialogue import PHONE, Chat, acme_book, add_card, use_sandbox

CARD = "4111 1111 1111 1111"
PASSWORD = "correct horse battery"
ACTOR = Actor("test", "cli")
# A standalone 13-19 digit run, once the spaces and dashes people type are taken out, that passes the Luhn check.
_RUN = re.compile(r"(?<![0-9A-Za-z])\d{13,19}(?![0-9A-Za-z])")


def card_numbers_in(text: str) -> list[str]:
    return [run for run in _RUN.findall(re.sub(r"(?<=\d)[ -](?=\d)", "", text)) if luhn_ok(run)]


def stored_texts(services: Services) -> list[str]:
    """Every value of every text column (String, Text, JSON) of every table in the schema."""
    found = []
    with services.db.engine.connect() as conn:
        for table in Base.metadata.sorted_tables:
            columns = [c for c in table.columns if isinstance(c.type, String | Text | JSON)]
            if columns:
                found += [str(value) for row in conn.execute(select(*columns)) for value in row if value is not None]
    return found


@pytest.fixture
def http(services: Services) -> Iterator[TestClient]:
    """The app, with an API key for /api and an admin signed in to the console (Acme and its invoices loaded)."""
    use_sandbox(services)
    acme_book(services.db)
    staff.add_user(services.db.uow(), "admin", PASSWORD, "admin", ACTOR)
    with TestClient(create_app(services)) as client:
        client.headers["X-API-Key"] = create_api_key(services.db.uow(), "erp", ACTOR)
        client.get("/console/login")
        signed = client.post("/console/login", data={"username": "admin", "password": PASSWORD,
                                                     "_csrf_token": client.cookies.get("aragent_csrf")},
                             follow_redirects=False)
        assert signed.status_code == 303
        yield client


def form(http: TestClient, path: str, **fields: str) -> str:
    """Post a console form; the page it goes back to (its notice or error)."""
    answer = http.post(path, data={**fields, "_csrf_token": http.cookies.get("aragent_csrf")}, follow_redirects=False)
    assert answer.status_code in (200, 303), answer.text
    return answer.headers.get("location", answer.text)


def through_the_api(http: TestClient, services: Services) -> None:
    method = add_card(services.db)
    short = http.post("/api/payments", json={
        "customer": "ACME", "amount": "200.00", "method_id": method,
        "invoices": [{"number": "INV-1043", "amount": "200.00", "reason": "Other",
                      "comment": f"customer read out card {CARD}"}]}, headers={"Idempotency-Key": "card-1"})
    assert short.status_code == 201, short.text  # blanked, not refused: the customer's reason is kept
    for path, body in [
        ("/api/customers/ACME", {"name": f"Acme Corp {CARD}", "phone": "+1 510 555 0123",
                                 "address_line1": f"1 Main St, card {CARD}", "class": "AUTO",
                                 "delivery": "sms;email"}),
        ("/api/classes/AUTO", {"name": f"Automatic {CARD.replace(' ', '-')}", "allow_auto_statement": True}),
    ]:
        answer = http.put(path, json=body)
        assert answer.status_code in (200, 201), answer.text
    stages = http.put("/api/dunning/stages?class=AUTO", json=[
        {"stage": 1, "channels": ["email", "sms"], "name": f"Reminder {CARD}"}])
    assert stages.status_code == 200, stages.text


def through_the_console(http: TestClient, services: Services) -> None:
    assert "Comment+added" in form(http, "/console/customers/ACME/invoices/INV-1044/comments",
                                   body=f"paid by card {CARD}, see ticket 88")
    assert "Saved" in form(http, "/console/templates/dunning.stage2.sms.txt",
                           body=f"Card {CARD} on file. {{{{ amount_due }}}} is overdue.")
    assert "Added" in form(http, "/console/users", username="clerk", password=PASSWORD, role="agent",
                           full_name=f"Clerk {CARD}")
    refused = form(http, "/console/users", username=CARD.replace(" ", ""), password=PASSWORD, role="agent")
    assert "looks+like+a+card+number" in refused  # a username names someone: refused, not blanked
    chat = Chat(services)
    chat.say("I want to talk to a person")
    convo = chat.conversation_id()
    form(http, f"/console/conversations/{convo}/take-over")
    assert "Reply+queued" in form(http, f"/console/conversations/{convo}/reply",
                                  text=f"We never take cards here, not even {CARD}.")
    failed = http.post("/console/login", data={"username": CARD, "password": "x",  # audited as typed
                                               "_csrf_token": http.cookies.get("aragent_csrf")})
    assert failed.status_code == 401


def through_the_chat_and_the_engine(services: Services) -> None:
    chat = Chat(services, sender="+15105550199")
    chat.say(f"I already paid INV-1042 with my card {CARD}")
    record_promise(services.db.uow(), "ACME", dt.date.today() + dt.timedelta(days=7), None, ACTOR,
                   note=f"will pay by card {CARD}")
    erp_file = f"code,name,email,city\nBETA,Beta {CARD},ap@beta.example,Card {CARD}\n".encode()
    assert run_import(services.db.uow(), "customers", csv_rows(erp_file), ACTOR).loaded == 1
    with services.db.uow() as uow:
        method_id = uow.session.scalar(select(PaymentMethod.id).limit(1))
    convo = open_conversation(services.db.uow(), "sms", PHONE).id
    reply(services.db.uow(), convo, 0, intent=None, texts=[], state="idle", now=dt.datetime.now(dt.UTC),
          context={"request": {"kind": "pay", "comment": f"Card {CARD} again"}})  # a Core UPDATE, not a flush
    payments.offer_payment(
        services.db.uow(), conversation_id=convo,
        customer_code="ACME", kind="pay", requests=[AllocationRequest("INV-1044")], pay_on=dt.date.today(),
        reasons=services.settings.short_pay_reasons, method_id=method_id or 0, now=dt.datetime.now(dt.UTC),
        actor=ACTOR, words=lambda quote: f"Pay {quote.total.amount} with the card {CARD}? Reply YES or NO.")


def test_a_card_number_typed_into_any_free_text_field_is_never_stored_or_logged(http, services, capsys, caplog):
    through_the_api(http, services)
    through_the_console(http, services)
    through_the_chat_and_the_engine(services)

    stored = stored_texts(services)
    captured = capsys.readouterr()
    logs = captured.out + captured.err + caplog.text
    assert "/api/payments" in logs  # the request log lines are really among what is searched
    assert [(card, text) for text in (*stored, logs) for card in card_numbers_in(text)] == []
    kept = [text for text in stored if CARD_NUMBER_REMOVED in text]
    for words in ("customer read out card", "Acme Corp", "1 Main St, card", "Automatic", "Reminder",
                  "see ticket 88", "is overdue", "Clerk", "will pay by card", "Beta", "again", "Reply YES or NO"):
        assert any(words in text for text in kept), f"{words!r} was not kept around the blank"
