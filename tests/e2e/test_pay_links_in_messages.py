"""A statement email and a dunning SMS carry a "Pay online" link that opens that customer's pay page."""

from __future__ import annotations

import datetime as dt
import re

from litestar.testing import TestClient
from sqlalchemy import select

from channels.web.app import create_app
from core.bootstrap import Services
from core.dunning.models import DunningStage
from core.dunning.run import run_dunning
from core.ledger.models import Customer, CustomerClass
from core.outbox.models import OutboxMessage
from core.statements.cycle import run_statements
from core.statements.delivery import DeliverySelection, deliver_statements
from tests.books import TEST_ACTOR, customer, invoice, load

PAY_URL = re.compile(r"Pay online: (http://\S+/pay/[\w.-]+)")


def message_of(services: Services, code: str) -> OutboxMessage:
    with services.db.uow() as uow:
        customer_id = uow.session.scalar(select(Customer.id).where(Customer.code == code))
        message = uow.session.scalars(select(OutboxMessage).where(OutboxMessage.customer_id == customer_id)).one()
        uow.session.expunge_all()
        return message


def opens_the_page_of(services: Services, url: str) -> str:
    with TestClient(create_app(services)) as client:
        page = client.get("/" + url.split("://", 1)[1].split("/", 1)[1])
    assert page.status_code == 200, page.text
    return page.text


def test_a_statement_email_carries_a_working_pay_link(services: Services) -> None:
    customer(services.db, "ACME", name="Acme Corp", delivery="email", email="ap@acme.example")
    customer(services.db, "BETA", name="Beta Industries", delivery="email", email="ap@beta.example")
    invoice(services.db, "INV-1", "300.00", "2026-09-15", customer="ACME")
    invoice(services.db, "INV-9", "900.00", "2026-09-15", customer="BETA")
    run_statements(services.db, services.settings, services.files, statement_date=dt.date(2026, 10, 31),
                   finance_charges_on=None, actor=TEST_ACTOR)
    deliver_statements(services, DeliverySelection(), TEST_ACTOR)
    email = message_of(services, "ACME")
    found = PAY_URL.search(email.body_text or "")
    assert found, email.body_text
    assert f'href="{found.group(1)}"' in (email.body_html or "")
    page = opens_the_page_of(services, found.group(1))
    assert "Acme Corp" in page and "INV-1" in page and "INV-9" not in page and "Beta" not in page


def test_a_dunning_sms_carries_a_short_working_pay_link(services: Services) -> None:
    assert not load(services.db, "classes", [{"code": "TXT", "allow_auto_statement": "true"}]).rejected
    with services.db.uow() as uow:
        class_id = uow.session.scalar(select(CustomerClass.id).where(CustomerClass.code == "TXT"))
        uow.session.add(DunningStage(class_id=class_id, stage=1, days_over_terms_above=None, name="Nudge",
                                     template="dunning.stage1", channels="sms", auto_approve=True))
        uow.commit()
    customer(services.db, "TEXT", name="Text Me Ltd", phone="+15105550123", delivery="sms", email="",
             **{"class": "TXT"})
    invoice(services.db, "TEXT-1", "80.00", "2026-10-08", customer="TEXT")
    run_dunning(services, dt.date(2026, 11, 22), TEST_ACTOR)
    sms = message_of(services, "TEXT")
    assert sms.channel == "sms"
    found = PAY_URL.search(sms.body_text or "")
    assert found, sms.body_text
    assert len(found.group(1)) < 100 and len(sms.body_text or "") < 320  # two SMS segments at most
    page = opens_the_page_of(services, found.group(1))
    assert "Text Me Ltd" in page and "TEXT-1" in page and "$80.00" in page
