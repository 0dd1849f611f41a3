"""`aragent chat` and `aragent link-token` as staff and developers use them, on SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from sqlalchemy import select

from channels.cli.main import main
from core.bootstrap import Services
from core.conversations.models import Conversation, LinkToken
from core.ledger.models import Document, Payment
from core.payments.models import PaymentLine, PaymentQuote
from tests.integration.bot.test_dialogue import acme_book, add_card


@pytest.fixture
def run(services: Services, tmp_path: Path):  # type: ignore[no-untyped-def]
    env = {"ARAGENT_DATABASE_URL": services.db.url, "ARAGENT_DATA_DIR": str(tmp_path), "ARAGENT_LOG_FORMAT": "json",
           "ARAGENT_TELEGRAM_BOT": "@NorthwindARBot"}

    def invoke(*args: str, stdin: str | None = None) -> Result:
        return CliRunner().invoke(main, list(args), input=stdin, env=env, catch_exceptions=False)

    acme_book(services.db)
    add_card(services.db)
    return invoke


def test_chat_as_a_customer_lists_invoices_and_pays_the_second_after_yes(run, services: Services) -> None:  # type: ignore[no-untyped-def]
    result = run("chat", "--customer", "ACME", "--today", "2026-11-22",
                 stdin="balance\ninvoices\npay 2\n/1\nquit\n")
    assert result.exit_code == 0, result.output
    assert "Your balance is $1,650.00" in result.output
    assert "2. INV-1044 — $400.00, 22 days overdue" in result.output
    assert "[/1] Yes, pay $400.00" in result.output  # buttons are numbered; /1 pressed it
    assert "is on its way" in result.output or "was paid" in result.output
    with services.db.uow() as uow:
        [payment] = uow.session.scalars(select(Payment)).all()
        assert (payment.amount_minor, payment.channel) == (40000, "cli")
        assert uow.session.scalar(select(PaymentQuote.status)) == "executed"
        convo = uow.session.scalars(select(Conversation)).one()
        assert (convo.channel, convo.external_id, convo.customer_id is not None) == ("cli", "customer:ACME", True)


def test_chat_by_phone_links_a_contacts_number_and_ends_with_the_input(run) -> None:  # type: ignore[no-untyped-def]
    result = run("chat", "--phone", "(510) 555-0123", "--today", "2026-11-22", stdin="what do I owe\n")
    assert result.exit_code == 0 and "$1,650.00" in result.output
    stranger = run("chat", "--phone", "+1 510 555 9999", stdin="what do I owe\n")
    assert "$" not in stranger.output and "connected to your account" in stranger.output


def test_chat_needs_exactly_one_of_phone_and_customer(run) -> None:  # type: ignore[no-untyped-def]
    assert run("chat").exit_code == 2
    assert run("chat", "--phone", "+15105550123", "--customer", "ACME").exit_code == 2


def test_link_token_prints_a_one_time_token_and_the_telegram_deep_link(run, services: Services) -> None:  # type: ignore[no-untyped-def]
    result = run("link-token", "ACME", "--ttl-hours", "24")
    assert result.exit_code == 0, result.output
    lines = dict(line.split(": ", 1) for line in result.output.splitlines())
    assert lines["telegram"] == f"https://t.me/NorthwindARBot?start={lines['token']}"
    with services.db.uow() as uow:
        token = uow.session.get(LinkToken, lines["token"])
        assert token is not None and token.used_at is None
    assert run("link-token", "NOPE").exit_code == 1


def test_chat_keys_are_the_list_rows_so_slash_3_pays_the_third_row_past_a_held_second(run, services: Services) -> None:  # type: ignore[no-untyped-def]
    result = run("chat", "--customer", "ACME", "--today", "2026-11-22",
                 stdin="pay 1044 on nov 30\nyes\ninvoices\n/3\nyes\nquit\n")

    assert result.exit_code == 0, result.output
    assert "2. INV-1044 — $400.00" in result.output and "(scheduled for" in result.output
    listed = result.output.split("you> invoices")[1].split("you>")[0]
    assert "[/3] 3. INV-1042 — $1,000.00" in listed and "[/2]" not in listed  # no key for the held row
    assert "INV-1042: $980.00" in result.output  # /3 quoted row 3 (2% off within 10 days)
    with services.db.uow() as uow:
        lines = uow.session.execute(select(Document.number, PaymentLine.amount_minor, Payment.status)
                                    .join(PaymentLine, PaymentLine.invoice_id == Document.id)
                                    .join(Payment, Payment.id == PaymentLine.payment_id).order_by(PaymentLine.id)).all()
    assert [tuple(line) for line in lines] == [("INV-1044", 40000, "scheduled"), ("INV-1042", 98000, "pending")]
