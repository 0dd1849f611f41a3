"""The pure AR rules: aging buckets, early-payment discounts, and how a payment is split over invoices."""

import datetime as dt
from decimal import Decimal

import pytest

from core.kernel.errors import Invalid
from core.kernel.money import Money
from core.ledger.rules import (
    BUCKETS,
    AllocationRequest,
    DiscountTerms,
    OpenInvoice,
    aging_bucket,
    bucket_due_range,
    check_short_reason,
    days_past_due,
    due_date_for,
    early_payment_discount,
    plan_allocations,
)

D = dt.date
REASONS = ("Pricing error", "Damaged goods", "Other")
NO_DISCOUNT = DiscountTerms(None, None)
TWO_TEN = DiscountTerms(Decimal(2), 10)  # 2% if paid within 10 days of the document date
PAID_ON = D(2026, 5, 20)  # after the invoices below (dated 2026-05-01) and outside TWO_TEN's window


def usd(text: str) -> Money:
    return Money.of(text, "USD")


def inv(number: str, open_amount: str, *, terms: DiscountTerms = NO_DISCOUNT, currency: str = "USD",
        kind: str = "invoice", doc_date: dt.date = D(2026, 5, 1), forfeited: bool = False) -> OpenInvoice:
    return OpenInvoice(number, kind, Money.of(open_amount, currency), doc_date, terms, forfeited)


def book(*invoices: OpenInvoice) -> dict[str, OpenInvoice]:
    return {i.number: i for i in invoices}


# -- aging ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("days", "bucket"),
    [
        (-400, "current"), (-1, "current"), (0, "current"),
        (1, "1-30"), (30, "1-30"),
        (31, "31-60"), (60, "31-60"),
        (61, "61-90"), (90, "61-90"),
        (91, "90+"), (5000, "90+"),
    ],
)
def test_aging_bucket_boundaries(days, bucket):
    assert aging_bucket(days) == bucket


def test_days_past_due_counts_calendar_days_after_the_due_date():
    assert days_past_due(D(2026, 3, 1), D(2026, 3, 1)) == 0
    assert days_past_due(D(2026, 2, 28), D(2026, 3, 1)) == 1
    assert days_past_due(D(2026, 3, 31), D(2026, 3, 1)) == -30
    assert days_past_due(D(2025, 12, 31), D(2026, 3, 31)) == 90
    assert due_date_for(D(2026, 1, 31), 30) == D(2026, 3, 2)


def test_bucket_due_range_agrees_with_aging_bucket_for_every_day():
    as_of = D(2026, 3, 1)  # crosses a short February on purpose
    for days in range(-5, 201):
        due = as_of - dt.timedelta(days=days)
        expected = aging_bucket(days_past_due(due, as_of))
        holding = []
        for bucket in BUCKETS:
            low, high = bucket_due_range(bucket, as_of)
            if (low is None or due >= low) and (high is None or due < high):
                holding.append(bucket)
        assert holding == [expected], f"due {due} ({days} days past due)"


def test_bucket_due_range_refuses_an_unknown_bucket():
    with pytest.raises(Invalid, match="unknown aging bucket '0-30'"):
        bucket_due_range("0-30", D(2026, 3, 1))


# -- early-payment discount -------------------------------------------------------------------------


def test_discount_is_earned_up_to_and_including_the_last_day_of_the_window():
    doc = D(2026, 5, 1)
    assert early_payment_discount(usd("1000"), TWO_TEN, doc, D(2026, 5, 1), False) == usd("20")
    assert early_payment_discount(usd("1000"), TWO_TEN, doc, D(2026, 5, 11), False) == usd("20")
    assert early_payment_discount(usd("1000"), TWO_TEN, doc, D(2026, 5, 12), False) == usd("0")


def test_a_forfeited_discount_is_not_given_even_inside_the_window():
    assert early_payment_discount(usd("1000"), TWO_TEN, D(2026, 5, 1), D(2026, 5, 2), True) == usd("0")


@pytest.mark.parametrize(
    "terms",
    [
        DiscountTerms(None, None), DiscountTerms(Decimal(0), 10),
        DiscountTerms(None, 10), DiscountTerms(Decimal(2), None),
    ],
    ids=["none", "zero-percent", "no-percent", "no-days"],
)
def test_no_discount_without_complete_terms(terms):
    assert early_payment_discount(usd("1000"), terms, D(2026, 5, 1), D(2026, 5, 1), False) == usd("0")


def test_discount_with_zero_days_is_for_payment_on_the_document_date_only():
    terms = DiscountTerms(Decimal(1), 0)
    assert early_payment_discount(usd("500"), terms, D(2026, 5, 1), D(2026, 5, 1), False) == usd("5")
    assert early_payment_discount(usd("500"), terms, D(2026, 5, 1), D(2026, 5, 2), False) == usd("0")


def test_discount_rounds_half_up_in_the_invoice_currency():
    terms = DiscountTerms(Decimal("2.5"), 10)
    assert early_payment_discount(usd("10.10"), terms, D(2026, 5, 1), D(2026, 5, 1), False) == usd("0.25")
    yen = Money.of("1100", "JPY")
    assert early_payment_discount(yen, terms, D(2026, 5, 1), D(2026, 5, 1), False) == Money.of("28", "JPY")


# -- allocation -------------------------------------------------------------------------------------


def test_full_payment_of_one_invoice():
    plan = plan_allocations(usd("500"), [AllocationRequest("A")], book(inv("A", "500")), PAID_ON, REASONS)
    [line] = plan.lines
    assert (line.number, line.amount, line.discount, line.is_short) == ("A", usd("500"), usd("0"), False)
    assert plan.unapplied == usd("0")


def test_full_payment_inside_the_window_takes_the_discount():
    invoices = book(inv("A", "1000", terms=TWO_TEN))
    plan = plan_allocations(usd("980"), [AllocationRequest("A")], invoices, D(2026, 5, 11), REASONS)
    assert [(ln.amount, ln.discount) for ln in plan.lines] == [(usd("980"), usd("20"))]
    assert plan.unapplied == usd("0")
    late = plan_allocations(usd("1000"), [AllocationRequest("A")], invoices, D(2026, 5, 12), REASONS)
    assert [(ln.amount, ln.discount) for ln in late.lines] == [(usd("1000"), usd("0"))]


def test_one_payment_over_several_invoices():
    invoices = book(inv("A", "100"), inv("B", "250.50"), inv("C", "49.50"))
    requests = [AllocationRequest("A"), AllocationRequest("B"), AllocationRequest("C")]
    plan = plan_allocations(usd("400"), requests, invoices, PAID_ON, REASONS)
    assert [(ln.number, ln.amount) for ln in plan.lines] == [
        ("A", usd("100")), ("B", usd("250.50")), ("C", usd("49.50")),
    ]
    assert plan.applied == usd("400")
    assert plan.unapplied == usd("0")


def test_overpayment_stays_unapplied_on_account():
    plan = plan_allocations(usd("750"), [AllocationRequest("A")], book(inv("A", "500")), PAID_ON, REASONS)
    assert plan.applied == usd("500")
    assert plan.unapplied == usd("250")


def test_an_allocation_never_exceeds_what_is_open():
    invoices = book(inv("A", "300"), inv("B", "1000", terms=TWO_TEN))
    requests = [AllocationRequest("A", usd("450")), AllocationRequest("B", usd("995"))]
    plan = plan_allocations(usd("1500"), requests, invoices, D(2026, 5, 2), REASONS)
    assert [(ln.number, ln.amount, ln.discount) for ln in plan.lines] == [
        ("A", usd("300"), usd("0")), ("B", usd("980"), usd("20")),
    ]
    assert plan.unapplied == usd("220")


def test_no_payment_requests_make_a_deposit():
    plan = plan_allocations(usd("150"), [], {}, PAID_ON, REASONS)
    assert plan.lines == ()
    assert plan.unapplied == usd("150")


def test_short_payment_with_a_configured_reason():
    requests = [AllocationRequest("A", usd("320"), " damaged GOODS ")]
    plan = plan_allocations(usd("320"), requests, book(inv("A", "500")), PAID_ON, REASONS)
    [line] = plan.lines
    assert (line.amount, line.short_reason, line.is_short) == (usd("320"), "Damaged goods", True)
    assert plan.unapplied == usd("0")


@pytest.mark.parametrize("reason", [None, "", "Felt like it"])
def test_short_payment_without_a_configured_reason_is_refused(reason):
    requests = [AllocationRequest("A", usd("320"), reason)]
    with pytest.raises(Invalid, match="reason") as refused:
        plan_allocations(usd("320"), requests, book(inv("A", "500")), PAID_ON, REASONS)
    assert refused.value.field == "reason"
    assert "Damaged goods" in str(refused.value)  # the message lists what may be used


def test_reason_other_needs_a_comment():
    invoices = book(inv("A", "500"))
    for comment in (None, "", "   "):
        with pytest.raises(Invalid, match="'Other' needs a comment"):
            plan_allocations(usd("100"), [AllocationRequest("A", usd("100"), "other", comment)], invoices,
                             PAID_ON, REASONS)
    plan = plan_allocations(usd("100"), [AllocationRequest("A", usd("100"), "OTHER", "  agreed by phone ")],
                            invoices, PAID_ON, REASONS)
    assert (plan.lines[0].short_reason, plan.lines[0].short_comment) == ("Other", "agreed by phone")


def test_reason_other_needs_a_comment_however_the_configuration_spells_it():
    with pytest.raises(Invalid, match="needs a comment"):
        check_short_reason("Other", None, ("Damaged goods", "other"))
    assert check_short_reason("OTHER", "see email", ("Damaged goods", "other")) == "other"


def test_a_short_payment_forfeits_the_discount():
    invoices = book(inv("A", "1000", terms=TWO_TEN))
    requests = [AllocationRequest("A", usd("500"), "Pricing error")]
    plan = plan_allocations(usd("500"), requests, invoices, D(2026, 5, 2), REASONS)
    assert [(ln.amount, ln.discount, ln.is_short) for ln in plan.lines] == [(usd("500"), usd("0"), True)]


def test_the_rest_of_a_short_paid_invoice_is_due_without_discount():
    invoices = book(inv("A", "500", terms=TWO_TEN, forfeited=True))
    plan = plan_allocations(usd("500"), [AllocationRequest("A")], invoices, D(2026, 5, 3), REASONS)
    assert [(ln.amount, ln.discount) for ln in plan.lines] == [(usd("500"), usd("0"))]


def test_asking_for_more_than_the_payment_is_refused_with_a_clear_message():
    invoices = book(inv("A", "300"), inv("B", "400"))
    with pytest.raises(Invalid) as refused:
        plan_allocations(usd("500"), [AllocationRequest("A"), AllocationRequest("B")], invoices,
                         PAID_ON, REASONS)
    assert str(refused.value) == (
        "the invoices need 700.00 USD but the payment is 500.00 USD; "
        "pay less per invoice (a short payment) or pay more"
    )
    assert refused.value.field == "amount"


def test_an_invoice_listed_twice_is_refused():
    requests = [AllocationRequest("A", usd("50"), "Other", "x"), AllocationRequest("A")]
    with pytest.raises(Invalid, match="invoice A is listed twice"):
        plan_allocations(usd("100"), requests, book(inv("A", "500")), PAID_ON, REASONS)


def test_a_payment_in_another_currency_is_refused():
    with pytest.raises(Invalid, match="invoice A is in EUR, the payment in USD") as refused:
        plan_allocations(usd("100"), [AllocationRequest("A")], book(inv("A", "100", currency="EUR")),
                         PAID_ON, REASONS)
    assert refused.value.field == "currency"


def test_a_credit_memo_cannot_be_paid():
    with pytest.raises(Invalid, match="CM-1 is a credit memo"):
        plan_allocations(usd("100"), [AllocationRequest("CM-1")], book(inv("CM-1", "100", kind="credit")),
                         PAID_ON, REASONS)


def test_a_paid_invoice_cannot_be_paid_again():
    with pytest.raises(Invalid, match="A has nothing open to pay"):
        plan_allocations(usd("100"), [AllocationRequest("A")], book(inv("A", "0")), PAID_ON, REASONS)


@pytest.mark.parametrize("amount", ["0", "-10"])
def test_a_payment_must_be_greater_than_zero(amount):
    with pytest.raises(Invalid, match="a payment must be greater than zero"):
        plan_allocations(usd(amount), [AllocationRequest("A")], book(inv("A", "100")), PAID_ON, REASONS)


@pytest.mark.parametrize("amount", ["0", "-10"])
def test_an_invoice_amount_must_be_greater_than_zero(amount):
    requests = [AllocationRequest("A", usd(amount), "Other", "x")]
    with pytest.raises(Invalid, match="the amount for A must be greater than zero"):
        plan_allocations(usd("100"), requests, book(inv("A", "100")), PAID_ON, REASONS)


def test_an_invoice_dated_after_the_payment_cannot_be_paid_by_it():
    # The book as of any earlier day would lose the money: take it on account, apply it once invoiced.
    invoices = book(inv("A", "100", doc_date=D(2026, 5, 1)))
    with pytest.raises(Invalid, match="dated 2026-05-01, after the payment") as refused:
        plan_allocations(usd("100"), [AllocationRequest("A")], invoices, D(2026, 4, 30), REASONS)
    assert refused.value.field == "invoices"
    plan = plan_allocations(usd("100"), [AllocationRequest("A")], invoices, D(2026, 5, 1), REASONS)
    assert plan.applied == usd("100")


def test_a_short_amount_in_another_currency_is_a_refusal_the_user_sees():
    request = AllocationRequest("A", Money.of("50", "EUR"), "Other", "part")
    with pytest.raises(Invalid, match="EUR and USD do not mix"):
        plan_allocations(usd("100"), [request], book(inv("A", "100")), D(2026, 5, 20), REASONS)
