"""A number means one thing: the row of the list the customer was shown, typed, pressed, or pressed in the terminal."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from bot.turns import Button, Reply
from channels.cli.chat import _keys, _pressed
from core.ledger.models import Document, Payment
from core.payments.models import PaymentLine
from tests.integration.bot.test_dialogue import Chat, payments, settle


def test_the_invoice_list_buttons_carry_their_row_number_even_past_a_held_invoice(chat: Chat) -> None:
    chat.say("pay INV-1043 on " + (chat.now.date() + dt.timedelta(days=3)).strftime("%b %d"))
    chat.say("yes")  # INV-1043 is now in a scheduled payment: held
    listed = chat.say("invoices")
    assert "INV-1043 — $250.00" in listed and "(scheduled for" in listed
    labels = [b.label for r in chat.last for b in r.buttons]
    payloads = [b.payload for r in chat.last for b in r.buttons]
    held_row = next(line for line in listed.splitlines() if "scheduled for" in line).split(".")[0]
    assert f"pick:{held_row}" not in payloads  # a held invoice has no button, and the others keep their numbers
    for label, payload in zip(labels, payloads, strict=True):
        assert label.startswith(payload.removeprefix("pick:") + ". ")
    row = payloads[-1].removeprefix("pick:")
    number = next(line for line in listed.splitlines() if line.startswith(f"{row}. ")).split(" ")[1]
    assert f"{number}:" in chat.press(f"{row}. ")  # the button quotes its row's invoice
    assert len(payments(chat.services.db)) == 1  # only the scheduled one: nothing paid without YES


def test_the_terminal_keys_are_the_row_numbers_and_the_other_buttons_follow() -> None:
    page_two = [Button("9. INV-9 — $9.00", "pick:9"), Button("10. INV-10 — $10.00", "pick:10"),
                Button("All of them", "pick:all"), Button("Overdue only", "pick:overdue")]
    assert _keys(page_two) == ["/9", "/10", "/11", "/12"]
    assert _keys([Button("Yes, pay $5.00", "yes:3"), Button("No", "no:3")]) == ["/1", "/2"]
    last = [Reply("More open invoices:", tuple(page_two))]
    assert (_pressed("/10", last), _pressed("/11", last), _pressed("/1", last), _pressed("10", last)) == (
        "pick:10", "pick:all", "/1", "10")


def paid_lines(chat: Chat) -> list[tuple[str, int, str]]:
    """(invoice, cents, the payment's status) of every payment line, oldest first."""
    with chat.services.db.uow() as uow:
        rows = uow.session.execute(
            select(Document.number, PaymentLine.amount_minor, Payment.status)
            .join(PaymentLine, PaymentLine.invoice_id == Document.id)
            .join(Payment, Payment.id == PaymentLine.payment_id)
            .order_by(PaymentLine.id))
        return [(number, amount, status) for number, amount, status in rows]


def test_pressing_or_typing_a_rows_number_pays_that_row_past_a_held_one_in_the_ledger(chat: Chat) -> None:
    chat.say("pay 1044 on nov 30")
    chat.say("yes")  # INV-1044, row 2 of 3, is now in a scheduled payment
    chat.say("invoices")
    assert "INV-1044 is paid or already in a payment" in chat.say("2")  # its row, typed: refused, not shifted
    chat.say("invoices")
    assert "INV-1042: $980.00" in chat.press("3. ")  # row 3's button (2% off within its 10 days)
    chat.say("no")
    chat.say("invoices")
    assert "INV-1042: $980.00" in chat.say("3")  # row 3, typed
    chat.say("yes")
    settle(chat.services)

    assert paid_lines(chat) == [("INV-1044", 40000, "scheduled"), ("INV-1042", 98000, "succeeded")]
