"""The audit log in words: every action the code records reads as a sentence, with money, dates and card labels as
people write them, no None and no JSON escapes; and who acted reads as a person says it."""

from __future__ import annotations

import ast
import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from core.staff import AuditRow, actor_label, audit_details, describe
from core.staff.audit_sentences import SENTENCES

ROOT = Path(__file__).resolve().parents[3]
RECORDERS = {"audit.record", "record", "kernel.record_audit", "record_audit"}
# Actions written with an f-string: the values the braces take. A new family fails the test until it is listed.
FAMILIES = {
    "payment.": ("pending", "scheduled", "succeeded", "failed", "canceled", "returned", "refunded", "disputed"),
    "quote.": ("executed", "failed"),
    "import.": ("classes", "customers", "invoices"),
}
AT = dt.datetime(2026, 11, 22, 15, 5, tzinfo=dt.UTC)


def row(action: str, subject: str = "", customer: str | None = "C1043", by: str = "user:alice", via: str = "console",
        **details: Any) -> AuditRow:
    """An audit row as `search_audit` gives it: `by` and `via` are the actor and its channel."""
    return AuditRow(1, AT, by, via, action, customer, subject, details, "Keystone Supply Co.")


def _strings(node: ast.AST) -> list[str]:
    return [n.value for n in ast.walk(node) if isinstance(n, ast.Constant) and isinstance(n.value, str)]


def _actions_in(tree: ast.Module) -> tuple[set[str], set[str]]:
    """The action codes a module records, and the prefixes of those it builds with an f-string."""
    named: dict[str, list[str]] = {}  # what a name used as an action may hold in this module
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    named.setdefault(target.id, []).extend(_strings(node.value))
        elif isinstance(node, ast.keyword) and node.arg:
            named.setdefault(node.arg, []).extend(_strings(node.value) if isinstance(node.value, ast.Constant) else [])
    literal: set[str] = set()
    prefixes: set[str] = set()
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and ast.unparse(node.func) in RECORDERS and len(node.args) >= 3):
            continue
        action = node.args[2]
        if isinstance(action, ast.JoinedStr):
            prefixes.add(_strings(action)[0])
        elif isinstance(action, ast.Name):
            literal.update(a for a in named.get(action.id, []) if "." in a)
        else:
            literal.update(_strings(action))
    return literal, prefixes


def recorded_actions() -> tuple[set[str], set[str]]:
    literal: set[str] = set()
    prefixes: set[str] = set()
    for package in ("core", "bot", "channels", "scheduler"):
        for path in (ROOT / package).rglob("*.py"):
            found, built = _actions_in(ast.parse(path.read_text(encoding="utf-8")))
            literal |= found
            prefixes |= built
    return literal, prefixes


def test_every_action_the_code_records_has_a_sentence() -> None:
    literal, prefixes = recorded_actions()
    assert len(literal) > 40 and {"payment.recorded", "outbox.approved", "outbox.provider_status"} <= literal
    assert prefixes <= set(FAMILIES), f"new f-string actions, list their values in FAMILIES: {prefixes - set(FAMILIES)}"
    expanded = {prefix + value for prefix in prefixes for value in FAMILIES[prefix]}
    assert sorted((literal | expanded) - set(SENTENCES)) == []


# One recorded row per action, with the details its `record(...)` call writes.
SAMPLES: dict[str, AuditRow] = {r.action: r for r in (
    row("payment.pending", "payment:61", amount="4214.93", currency="USD", method="Visa •4242",
        invoices=["INV-1", "INV-2"], pay_on="2026-11-22", status_to="pending"),
    row("payment.scheduled", "payment:62", amount="250.00", currency="USD", method="Bank account •6789",
        invoices=["INV-3"], pay_on="2026-11-29", status_to="scheduled"),
    row("payment.succeeded", "payment:61", by="processor:sandbox", via="webhook", status_from="pending",
        status_to="succeeded", amount="4214.93", currency="USD", event="evt_1", reason=None),
    row("payment.failed", "payment:61", by="processor:sandbox", via="processor", status_from="pending",
        status_to="failed", amount="4214.93", currency="USD", event="charge:61:failed", reason="insufficient_funds"),
    row("payment.returned", "payment:61", by="processor:stripe", via="webhook", status_from="succeeded",
        status_to="returned", amount="4214.93", currency="USD", event="evt_2", reason="R01"),
    row("payment.refunded", "payment:61", by="processor:sandbox", via="webhook", status_from="succeeded",
        status_to="refunded", amount="4214.93", currency="USD", event="evt_3", reason=None),
    row("payment.disputed", "payment:61", by="processor:sandbox", via="webhook", status_from="succeeded",
        status_to="disputed", amount="4214.93", currency="USD", event="evt_4", reason=None),
    row("payment.canceled", "payment:62", status_from="scheduled", status_to="canceled", amount="250.00",
        currency="USD"),
    row("payment.retry", "payment:70", first_payment=62, attempt=2, of=4, amount="250.00", currency="USD",
        key="charge:62:retry1"),
    row("payment.retry_planned", "payment:62", attempt=1, of=4, reason="insufficient_funds",
        next_try_on="2026-12-09"),
    row("payment.retries_ended", "payment:62", attempt=4, of=4, reason="insufficient_funds", soft=True),
    row("payment.retry_canceled", "payment:62", attempt=3, of=4, reason="invoice INV-3 was paid meanwhile"),
    row("pay_link.viewed", "pay-link:a1B2c3D4", expires="2026-12-20T10:00:00+00:00"),
    row("payment.recorded", "payment:63", amount="1200.00", currency="USD", unapplied="200.00",
        allocations=[{"invoice": "INV-1", "amount": "1000.00", "discount": "0.00", "short_reason": None}]),
    row("deposit.recorded", "payment:64", amount="500.00", currency="USD", unapplied="500.00", allocations=[]),
    row("credit.applied", "invoice:INV-2", amount="50.00", currency="USD", source="CM-7"),
    row("payment_method.added", "payment_method:9", processor="sandbox", before=None,
        after={"label": "Visa \u20224242", "kind": "card", "brand": "visa", "exp": "12/2029", "last4": "4242",
               "active": True, "holder": "Keystone", "ach_authorization_kind": None}, authorization=None),
    row("autopay.enrolled", "autopay:3", method="Visa •4242", authorized_by="customer C1043 (contact 7)",
        authorized_at="2026-11-22T15:05:00+00:00", channel="telegram", text="YES", ach_recurring_reference=None,
        previous=None),
    row("autopay.changed", "autopay:4", method="Bank account •6789", authorized_by="user:alice",
        authorized_at="2026-11-22T15:05:00+00:00", channel="console", text="Customer asked on the call",
        ach_recurring_reference="form R-12", previous=3),
    row("autopay.ended", "autopay:4", channel="sms", reason="turned off", canceled_payments=[70]),
    row("autopay.scheduled", "autopay_charge:5", by="scheduler (autopay)", via="autopay", payment_id=70,
        due_on="2026-12-09", amount="1230.00", currency="USD", method="Visa •4242", invoices=["INV-1", "INV-2"],
        notice_id=88),
    row("autopay.skipped", "autopay_charge:5", payment_id=70, due_on="2026-12-09", invoices=["INV-1"],
        amount="1230.00", currency="USD", channel="sms"),
    row("autopay.not_scheduled", "autopay:4", by="scheduler (autopay)", via="autopay", due_on="2026-12-09",
        reason="payment method Visa •4242 is deactivated", method="Visa •4242"),
    row("payment_method.deactivated", "payment_method:9", before={"active": True}, after={"active": False},
        label="Visa •4242"),
    row("payment_method.reactivated", "payment_method:9", before={"active": False}, after={"active": True},
        label="Visa •4242"),
    row("payment_method.link_sent", "conversation:5", by="conversation:5", via="telegram", channel="telegram"),
    row("receipt.queued", "payment:61", channel="email", file_id=12),
    row("receipt.skipped", "payment:61", reason="no email, SMS or Telegram on file"),
    row("notification.skipped", "payment:61", template="payment_failed", reason="no email on file"),
    row("quote.offered", "quote:5", conversation_id=5, channel="sms", kind="pay", total="1230.00", currency="USD"),
    row("quote.executed", "quote:5", conversation_id=5, channel="sms", payment_id=61, kind="pay", total="1230.00",
        currency="USD", outcome="payment 61: pending"),
    row("quote.failed", "quote:5", conversation_id=5, channel="sms", payment_id=None, kind="pay", total="1230.00",
        outcome="the invoices changed after the quote"),
    row("outbox.approved", "outbox:12", status_from="pending", status_to="approved", channel="email"),
    row("plan_policy.set", "class:WHOLESALE", customer=None, max_instalments=3, min_instalment="50.00",
        currency="USD", max_days=90, first_due_now=True, grace_days=7),
    row("plan.agreed", "plan:4", by="conversation:5", via="telegram", channel="telegram", total="1650.00",
        currency="USD", invoices=["INV-1043", "INV-1044"], instalments=3, first="2026-11-22", last="2027-01-21",
        method="Visa •4242", words="yes"),
    row("plan.changed", "plan:4", total="400.00", currency="USD",
        instalments=[["2026-12-20", "250.00"], ["2027-01-21", "150.00"]]),
    row("plan.canceled", "plan:4", reason="customer paid by wire", payments_canceled=[71, 72]),
    row("plan.completed", "plan:4", by="scheduler", via="scheduler", total="1650.00", currency="USD"),
    row("plan.instalment_missed", "plan:4", by="scheduler", via="scheduler", instalment=2, due_on="2026-12-22",
        amount="550.00", currency="USD", breaks_on="2026-12-29"),
    row("plan.instalment_paid_online", "plan:4", by="customer:C1043 (pay link)", via="pay_link", instalment=2,
        payment=90, previous=72, amount="550.00", currency="USD", was="missed"),
    row("plan.broken", "plan:4", by="scheduler", via="scheduler", instalment=2, due_on="2026-12-22", grace_days=7,
        payments_canceled=[72]),
    row("outbox.canceled", "outbox:12", status_from="pending", status_to="canceled", channel="email",
        reason="paid by phone today"),
    row("outbox.retried", "outbox:12", status_from="failed", status_to="approved", channel="email"),
    row("outbox.provider_status", "outbox:12", by="twilio", via="sms", status="undelivered",
        error_code="30003", previous="sent"),
    row("document.sent", "statement:40", channel="email", outbox_id=88),
    row("document.pdf_attached", "document:INV-1", sha256="ab12", size=20480),
    row("document.amounts_changed", "document:INV-1", amount_from=100000, amount_to=90000, open_from=100000,
        open_to=90000),
    row("invoice.comment_added", "document:INV-1", comment_id=3, body="Customer says the PO is wrong"),
    row("books.balance_fixed", "balance:C1001:USD", differences=[["credit_minor", "500", "0"]]),
    row("import.classes", "classes.csv", customer=None, loaded=2, updated=0, rejected=0),
    row("import.customers", "customers.csv", customer=None, loaded=10, updated=2, rejected=1),
    row("import.invoices", "invoices.csv", customer=None, loaded=500, updated=0, rejected=0),
    row("statements.run", "statement_run:1", customer=None, statement_date="2026-11-30", created=60, skipped=0,
        finance_charges=3, already_charged=0),
    row("finance_charge.assessed", "document:FC-1043-2026-11", amount="21.76", currency="USD",
        assessed_on="2026-11-30", period="2026-11-01", statement_date="2026-11-30", monthly_rate="1.5"),
    row("print_batch.made", "print-batch:2026-12-06", customer=None, pieces=12, pages=30, pdf="/data/print.pdf"),
    row("dunning.run", "dunning:2026-12-06", customer=None, by="scheduler", via="scheduler", evaluated=102,
        queued=72, skipped=30),
    row("dunning.stages_set", "class:WHOLESALE", customer=None,
        stages=["1: >None days by email every 7 days", "2: >15 days by email/sms auto every 7 days"]),
    row("dunning.stages_reset", "default policy", customer=None),
    row("promise.recorded", "promise:4", promised_for="2026-12-12", amount="500.00", currency="USD", grace_days=3,
        invoices=["INV-1"]),
    row("promise.canceled", "promise:4", status_from="open", status_to="canceled", reason="paid in full"),
    row("dunning.hold_put", "hold:3", invoice="INV-1", reason="waiting for the credit note", until="2027-01-15"),
    row("dunning.hold_lifted", "hold:3", reason="customer in insolvency talks", why="lifted"),
    row("dispute.opened", "dispute:2", invoice="INV-1", amount="120.00", currency="USD", reason="damaged goods",
        words="Two crates arrived broken"),
    row("dispute.resolved", "dispute:2", invoice="INV-1", note="credit memo CM-9 issued"),
    row("review.labelled", "review:7", guessed="balance", intent="pay", slots={"invoices": ["INV-1"]}, before=None),
    row("review.dismissed", "review:7", guessed="balance", before="open", label=None),
    row("template.set", "template:dunning.stage1.email.txt", customer=None, length=1234),
    row("template.reset", "template:dunning.stage1.email.txt", customer=None),
    row("conversation.handoff", "conversation:5", by="conversation:5", via="telegram", channel="telegram",
        message="Can I talk to a person?", answer_by="2026-11-22T16:05:00+00:00"),
    row("conversation.handoff_late", "conversation:5", by="handoff-watch", via="scheduler", channel="sms"),
    row("conversation.handoff_ended", "conversation:5", by="conversation:5", via="telegram", channel="telegram"),
    row("conversation.taken_over", "conversation:5", channel="telegram", agent="alice"),
    row("conversation.agent_reply", "conversation:5", channel="telegram", outbox_id=90, characters=48),
    row("conversation.linked", "conversation:5", by="conversation:5", via="telegram", how="link_token",
        contact_id=8, channel="telegram"),
    row("link_token.issued", "contact:8", expires_at="2026-11-23T15:05:00+00:00", token_prefix="ab3d"),
    row("contact.sms_opt_out", "contact:8", by="sms:+15105550123", via="sms", before={"sms_opt_out": False},
        after={"sms_opt_out": True}),
    row("contact.sms_opt_in", "contact:8", by="sms:+15105550123", via="sms", before={"sms_opt_out": True},
        after={"sms_opt_out": False}),
    row("user.added", "user:bob", customer=None, by="cli:root", via="cli", role="supervisor"),
    row("user.password_set", "user:bob", customer=None),
    row("user.role_set", "user:bob", customer=None, role_from="agent", role_to="supervisor"),
    row("user.activated", "user:bob", customer=None),
    row("user.deactivated", "user:bob", customer=None),
    row("user.signed_in", "user:alice", customer=None, address="10.0.0.5", factor="app"),
    row("user.signed_out", "user:alice", customer=None),
    row("user.password_accepted", "user:alice", customer=None, address="10.0.0.5", next="code"),
    row("user.sign_in_failed", "user:mallory", customer=None, by="user:mallory", address="10.0.0.9", step="password"),
    row("user.sign_in_throttled", "user:mallory", customer=None, by="user:mallory", address="10.0.0.9",
        reason="too many tries from this address", wait_seconds=60),
    row("user.locked", "user:mallory", customer=None, address="10.0.0.9", until="2026-11-22T15:20:00+00:00"),
    row("user.unlocked", "user:mallory", customer=None, was_locked=True),
    row("user.two_factor_on", "user:alice", customer=None),
    row("user.two_factor_off", "user:alice", customer=None),
    row("user.two_factor_reset", "user:alice", customer=None, was_on=True),
    row("user.recovery_code_used", "user:alice", customer=None, left=7),
    row("user.recovery_codes_renewed", "user:alice", customer=None),
    row("api_key.created", "api_key:erp-sync", customer=None),
    row("api_key.revoked", "api_key:erp-sync", customer=None),
    row("card_numbers.blanked", "stored free text", customer=None, by="system:migration 0011", via="system",
        values_blanked={"invoice_comments.body": 2}, why="card numbers are never stored"),
)}


def test_every_sentence_has_a_sample_row_here() -> None:
    assert sorted(set(SENTENCES) ^ set(SAMPLES)) == []


@pytest.mark.parametrize("action", sorted(SAMPLES))
def test_each_action_reads_as_a_sentence_without_none_braces_or_escapes(action: str) -> None:
    sentence = describe(SAMPLES[action])
    assert sentence and sentence == sentence.strip(), sentence
    for leftover in ("None", "{", "}", "\\u", "['", "{'", "null"):
        assert leftover not in sentence, sentence


@pytest.mark.parametrize(("action", "expected"), [
    ("payment.failed", "Declined by the processor: insufficient funds — payment 61, $4,214.93"),
    ("payment.returned", "Returned through the processor: the bank returned the debit: insufficient funds — "
                         "payment 61, $4,214.93"),
    ("payment.succeeded", "Settled by the processor — payment 61, $4,214.93"),
    ("payment.pending", "Payment 61 of $4,214.93 sent to the processor — Visa •4242, invoices INV-1, INV-2"),
    ("payment.scheduled", "Payment 62 of $250.00 scheduled for Nov 29, 2026 — Bank account •6789, invoice INV-3"),
    ("payment.canceled", "Scheduled payment 62 canceled before its date, $250.00; its invoices can be paid again"),
    ("payment.recorded", "Recorded payment 63 of $1,200.00 — applied to invoice INV-1 ($1,000.00); $200.00 left on "
                         "account"),
    ("payment_method.added", "Added payment method Visa •4242, expires 12/2029"),
    ("payment.retry_planned", "Scheduled payment 62, attempt 1 of 4 declined: insufficient funds; next try "
                              "Dec 9, 2026"),
    ("payment.retries_ended", "Payment 62 will not be charged again: attempt 4 of 4 declined: insufficient funds "
                              "(the last attempt)"),
    ("autopay.scheduled", "Autopay scheduled payment 70 of $1,230.00 for Dec 9, 2026 — Visa •4242, invoices INV-1, "
                          "INV-2; notice #88 queued"),
    ("autopay.skipped", "Skipped the autopay charge of Dec 9, 2026 (SMS): payment 70, $1,230.00, invoice INV-1"),
    ("plan.agreed", "Payment plan 4 agreed in Telegram: $1,650.00 for invoices INV-1043, INV-1044 in 3 instalments, "
                    "Nov 22, 2026 to Jan 21, 2027, Visa •4242 — “yes”"),
    ("plan.instalment_missed", "Payment plan 4: instalment 2 of $550.00, due Dec 22, 2026, was missed — the customer "
                               "was told; the plan breaks on Dec 29, 2026 unless it is paid or changed"),
    ("plan.instalment_paid_online", "Payment plan 4: instalment 2 of $550.00 (missed) paid online by the customer "
                                    "in payment 90, in place of payment 72"),
    ("plan.changed", "Payment plan 4 changed: the $400.00 left now in $250.00 on Dec 20, 2026, $150.00 on "
                     "Jan 21, 2027"),
    ("outbox.canceled", "Canceled message #12 (email): paid by phone today"),
    ("outbox.provider_status", "The provider reports message #12 undelivered (error 30003)"),
    ("dunning.run", "Dunning run for Dec 6, 2026: 72 messages queued, 30 customers skipped (102 evaluated)"),
    ("promise.recorded", "Promise to pay $500.00 by Dec 12, 2026 — invoice INV-1; reminders wait 3 days beyond it"),
    ("document.amounts_changed", "The ERP changed document INV-1: amount 1,000.00 → 900.00, open 1,000.00 → 900.00"),
    ("user.role_set", "Changed bob's role from agent to supervisor"),
    ("user.signed_in", "Signed in with the authenticator app's code from 10.0.0.5"),
    ("conversation.taken_over", "alice took over conversation 5 (Telegram): the bot is quiet"),
    ("dunning.stages_set", "Dunning stages of class WHOLESALE set: 1: any days over terms by email every 7 days; "
                           "2: >15 days by email/sms auto every 7 days"),
])
def test_sentences_read_as_staff_would_write_them(action: str, expected: str) -> None:
    assert describe(SAMPLES[action]) == expected


def test_an_older_row_of_a_lower_case_brand_reads_capitalized() -> None:
    older = row("payment.pending", "payment:61", amount="10.00", currency="USD", method="visa •0002", invoices=[])
    assert describe(older) == "Payment 61 of $10.00 sent to the processor — Visa •0002, a deposit on account"


def test_an_unknown_action_reads_as_its_details_without_none_or_escapes() -> None:
    odd = row("ledger.rebuilt", "ledger:1", customer=None, reason=None, label="Visa \u20224242",
              after={"active": True, "exp": None}, items=["a", None, "b"])
    assert describe(odd) == "Ledger rebuilt — ledger:1: label: Visa •4242; after.active: yes; items: a, b"


def test_a_row_whose_details_do_not_fit_its_sentence_still_reads() -> None:
    broken = row("payment.recorded", "payment:63", amount="12", currency="USD", unapplied="not a number")
    assert describe(broken) == "Payment recorded — payment:63: amount: 12; currency: USD; unapplied: not a number"
    assert "None" not in describe(row("payment.failed", "payment:61"))


def test_raw_details_are_plain_text_lines() -> None:
    added = SAMPLES["payment_method.added"]
    lines = dict(audit_details(added.details))
    assert lines["after.label"] == "Visa •4242" and lines["processor"] == "sandbox"
    assert "before" not in lines and "authorization" not in lines and "after.ach_authorization_kind" not in lines
    assert all("None" not in text and "\\u" not in text for text in lines.values())


@pytest.mark.parametrize(("actor", "channel", "customer", "expected"), [
    ("processor:sandbox", "webhook", "C1043", "Processor (sandbox)"),
    ("processor:stripe", "processor", "C1043", "Processor (Stripe)"),
    ("scheduler", "scheduler", None, "Scheduler"),
    ("handoff-watch", "scheduler", None, "Scheduler (handoff watch)"),
    ("dispatcher", "outbox", "C1043", "Outbox dispatcher"),
    ("user:admin", "console", None, "admin (console)"),
    ("conversation:12", "telegram", "C1043", "Customer C1043 in chat (Telegram)"),
    ("conversation:12", "sms", None, "A customer in chat (SMS)"),
    ("conversation:14", "demo", "C1038", "Customer C1038 in the demo chat (staff)"),
    ("api:erp-sync", "api", None, "API key erp-sync"),
    ("cli:root", "cli", None, "Command line (root)"),
    ("cli", "cli", None, "Command line"),
    ("demo-data", "cli", None, "Demo data (command line)"),
    ("sms:+15105550123", "sms", "C1043", "SMS from +15105550123"),
    ("caller:+15105550123", "voice", "C1043", "Caller +15105550123 (phone)"),
    ("twilio", "sms", "C1043", "Twilio (SMS)"),
    ("sandbox-link:C1043", "sandbox_page", "C1043", "Customer C1043 on the payment-method page"),
    ("system:migration 0011", "system", None, "System (migration 0011)"),
    ("test", "test", None, "test"),
    ("robot", "lab", None, "robot (lab)"),
])
def test_who_acted_reads_as_a_person_says_it(actor: str, channel: str, customer: str | None, expected: str) -> None:
    assert actor_label(row("user.signed_in", by=actor, via=channel, customer=customer)) == expected
