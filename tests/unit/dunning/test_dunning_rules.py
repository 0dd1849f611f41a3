"""The dunning rules on plain values: the seed's stage boundaries, most severe only, credits, suppressions,
cadence and escalation, promises, where a notice goes, and how its amounts read."""

from __future__ import annotations

import datetime as dt

import pytest

from core.dunning.reach import pick_channel
from core.dunning.result import amount_text
from core.dunning.rules import (
    SEED_STAGES,
    LastNotice,
    OpenDebit,
    StagePolicy,
    ask_for,
    days_over_terms,
    held_back_by_cadence,
    most_severe,
    promise_holds_off,
    stage_for,
)
from core.dunning.texts import money_text
from core.kernel.money import Money
from core.ledger.rules import due_date_for
from core.outbox import ContactPoint, Reach
from core.outbox.messages import compile_template

AS_OF = dt.date(2026, 11, 22)


def stage_of_invoice(days_old: int, terms: int, balance_minor: int = 10_000) -> int | None:
    due = due_date_for(AS_OF - dt.timedelta(days=days_old), terms)
    stage = stage_for(SEED_STAGES, balance_minor, days_over_terms(due, AS_OF))
    return stage.stage if stage else None


@pytest.mark.parametrize(("days_old", "stage"), [
    (0, 1), (10, 1), (30, 1), (31, 1), (45, 1),  # with 30-day terms, invoices 0-45 days old use option 1
    (46, 2), (60, 2),  # more than 15 days over terms
    (61, 3), (200, 3),  # more than 30
])
def test_the_seed_boundaries_with_30_day_terms(days_old: int, stage: int) -> None:
    assert stage_of_invoice(days_old, terms=30) == stage


@pytest.mark.parametrize(("days_old", "stage"), [(0, 1), (15, 1), (30, 1), (31, 2), (45, 2), (46, 3), (90, 3)])
def test_the_seed_boundaries_with_15_day_terms(days_old: int, stage: int) -> None:
    assert stage_of_invoice(days_old, terms=15) == stage


def debit(number: str, days_over: int, open_minor: int = 10_000, **flags: bool | int) -> OpenDebit:
    return OpenDebit(int(number.split("-")[1]), number, "USD", AS_OF - dt.timedelta(days=days_over), open_minor,
                     **flags)


def test_only_the_most_severe_stage_counts_when_invoices_sit_in_several() -> None:
    ask = ask_for("USD", 30_000, [debit("INV-1", 3), debit("INV-2", 40), debit("INV-3", 20)])
    assert ask.most_overdue_days(AS_OF) == 40
    assert [d.number for d in ask.debits] == ["INV-2", "INV-3", "INV-1"]  # most overdue first
    chosen = most_severe(SEED_STAGES, [ask], AS_OF, "USD")
    assert chosen is not None and chosen[0] is ask and chosen[1].stage == 3


@pytest.mark.parametrize(("credit", "stage"), [(0, 2), (9_999, 2), (10_000, None), (15_000, None)])
def test_a_credit_excludes_only_when_it_brings_the_balance_to_zero_or_below(credit: int, stage: int | None) -> None:
    ask = ask_for("USD", 10_000 - credit, [debit("INV-1", 20)])
    found = stage_for(SEED_STAGES, ask.balance_minor, ask.most_overdue_days(AS_OF))
    assert (found.stage if found else None) == stage


def test_held_and_disputed_invoices_leave_the_balance_and_the_most_overdue() -> None:
    debits = [debit("INV-1", 50, held=True), debit("INV-2", 35, 4_000, disputed_minor=4_000), debit("INV-3", 5)]
    ask = ask_for("USD", 24_000, debits)
    assert ask.balance_minor == 10_000 and [d.number for d in ask.debits] == ["INV-3"]
    assert ask.most_overdue_days(AS_OF) == 5 and (ask.held, ask.disputed) == (1, 1)
    assert ask.left_out == "1 in a scheduled or pending payment, 1 in dispute"
    partly = ask_for("USD", 14_000, [debit("INV-2", 35, 4_000, disputed_minor=1_500), debit("INV-3", 5)])
    assert partly.balance_minor == 12_500 and [d.asked_minor for d in partly.debits] == [2_500, 10_000]
    assert partly.most_overdue_days(AS_OF) == 35 and partly.disputed == 1  # the rest of INV-2 is still asked for
    nothing_left = ask_for("USD", 10_000, [debit("INV-1", 50, held=True)])
    assert nothing_left.balance_minor == 0 and most_severe(SEED_STAGES, [nothing_left], AS_OF, "USD") is None


def test_one_notice_per_customer_in_the_currency_with_the_most_severe_stage() -> None:
    usd = ask_for("USD", 10_000, [debit("INV-1", 5)])
    eur = ask_for("EUR", 500, [OpenDebit(2, "INV-2", "EUR", AS_OF - dt.timedelta(days=40), 500)])
    assert most_severe(SEED_STAGES, [usd, eur], AS_OF, "USD")[0].currency == "EUR"  # type: ignore[index]
    usd_late = ask_for("USD", 10_000, [debit("INV-3", 45)])
    assert most_severe(SEED_STAGES, [eur, usd_late], AS_OF, "USD")[0].currency == "USD"  # type: ignore[index]


def test_configured_stages_with_other_thresholds() -> None:
    stages = (StagePolicy(1, None, "a"), StagePolicy(2, 0, "b"), StagePolicy(3, 60, "c"))
    assert [stage_for(stages, 1, days).stage for days in (-5, 0, 1, 60, 61)] == [1, 1, 2, 2, 3]  # type: ignore[union-attr]
    assert stage_for(stages, 0, 90) is None


def test_cadence_holds_the_same_stage_back_and_escalation_goes_at_once() -> None:
    stage2 = SEED_STAGES[1]
    last = LastNotice(2, AS_OF - dt.timedelta(days=3))
    assert held_back_by_cadence(stage2, last, AS_OF) == (
        "stage 2 notice sent 2026-11-19; next not before 2026-11-26 (every 7 days)")
    assert held_back_by_cadence(stage2, LastNotice(2, AS_OF - dt.timedelta(days=7)), AS_OF) is None
    assert held_back_by_cadence(stage2, LastNotice(1, AS_OF - dt.timedelta(days=1)), AS_OF) is None  # escalation
    assert held_back_by_cadence(SEED_STAGES[0], LastNotice(3, AS_OF - dt.timedelta(days=2)), AS_OF) is not None
    assert held_back_by_cadence(stage2, None, AS_OF) is None


def test_a_promise_holds_off_until_its_date_plus_grace_then_dunning_resumes() -> None:
    promised = AS_OF + dt.timedelta(days=2)
    assert promise_holds_off(promised, 3, AS_OF) == "promised to pay by 2026-11-24; held off until 2026-11-27"
    assert promise_holds_off(promised, 3, dt.date(2026, 11, 27)) is not None
    assert promise_holds_off(promised, 3, dt.date(2026, 11, 28)) is None


def test_the_first_opted_in_channel_with_an_address_in_the_stage_order() -> None:
    opted_out = Reach((ContactPoint(email="ap@acme.example", phone="+15105550123", email_opt_out=True),))
    assert pick_channel(("email", "sms"), ("email", "sms"), opted_out) == ("sms", "+15105550123")
    assert pick_channel(("email",), ("email", "sms"), opted_out) == "opted out of email"
    assert pick_channel(("email",), ("sms",), opted_out) == "no opt-in for email"
    assert pick_channel(("sms", "fax"), ("sms", "fax"), Reach((ContactPoint(),))) == "no mobile number; no fax number"
    billing_first = Reach((ContactPoint(email="billing@acme.example"), ContactPoint(email="other@acme.example")))
    assert pick_channel(("email",), ("email",), billing_first) == ("email", "billing@acme.example")
    chat = Reach((ContactPoint(telegram_user_id=4242),))
    assert pick_channel(("telegram",), ("telegram",), chat) == ("telegram", "4242")


def test_a_notice_is_never_mailed_even_to_an_account_with_a_mailing_address() -> None:
    mailable = Reach((ContactPoint(email="ap@acme.example"),), letter_to="Acme Corp")
    assert pick_channel(("print",), ("print", "email"), mailable) == "dunning does not go by print"
    assert pick_channel(("print", "email"), ("print", "email"), mailable) == ("email", "ap@acme.example")


@pytest.mark.parametrize(("minor", "currency"), [
    (0, "USD"), (5, "USD"), (123_456_789, "USD"), (100, "EUR"), (99_999, "GBP"), (1_234, "JPY"), (-500, "USD"),
    (1_000_000, "CAD"), (12_345, "CHF"),
])
def test_amounts_read_exactly_as_money_formats_them(minor: int, currency: str) -> None:
    assert money_text(minor, currency) == Money.from_minor(minor, currency).format()


@pytest.mark.parametrize(("minor", "currency"), [(0, "USD"), (130049, "USD"), (-500, "EUR"), (1234, "JPY"), (7, "GBP")])
def test_the_json_balance_reads_as_the_amount_of_money(minor: int, currency: str) -> None:
    assert amount_text(minor, currency) == str(Money.from_minor(minor, currency).amount)


def test_an_override_is_escaped_as_its_file_would_be() -> None:
    assert compile_template("dunning.stage1.email.html", "<p>{{ v }}</p>").render(v="A & B") == "<p>A &amp; B</p>"
    assert compile_template("dunning.stage1.email.txt", "{{ v }}").render(v="A & B") == "A & B"
