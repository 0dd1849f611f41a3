"""The audit log as people read it: one sentence for every action, and who acted, named as staff name them.

`describe(row)`: "Declined by the processor: insufficient funds — payment 61, $4,214.93". An action with no
sentence here (or a row whose details do not fit its sentence) reads as its details, `key: value; …`, never with
None or JSON escapes. `actor_label(row)`: "Processor (sandbox)", "Scheduler", "admin (console)",
"Customer C1043 in chat (Telegram)", "API key erp-sync", "Command line (root)".
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from core.payments import decline_words
from core.staff.audit_log import AuditRow
from core.staff.audit_words import (
    PROCESSORS,
    channel_name,
    count,
    day,
    detail_lines,
    listed,
    minor,
    money,
    plain,
    quoted,
    ref,
    words,
)

Sentence = Callable[[AuditRow, dict[str, Any]], str]


def _amount(d: dict[str, Any], key: str = "amount") -> str:
    return money(d.get(key), d.get("currency"))


def _payment(row: AuditRow, d: dict[str, Any]) -> str:
    """`payment 61, $4,214.93`."""
    return listed((f"payment {ref(row.subject)}", _amount(d)))


def _invoices(numbers: Any) -> str:
    found = [str(n) for n in numbers or [] if n]
    return f"{'invoice' if len(found) == 1 else 'invoices'} {listed(found)}" if found else "a deposit on account"


def _reason(d: dict[str, Any], decline: bool = False) -> str:
    reason = d.get("reason")
    if not reason:
        return ""
    return f": {decline_words(str(reason)) if decline else reason}"


# --- payments -----------------------------------------------------------------------------------------------------

_OUTCOMES = {  # what the processor's answer did, and whether its reason is a decline code
    "succeeded": ("Settled by the processor", False), "failed": ("Declined by the processor", True),
    "returned": ("Returned through the processor", True), "refunded": ("Refunded through the processor", False),
    "disputed": ("Disputed by the cardholder (a chargeback)", False),
}


def _outcome(row: AuditRow, d: dict[str, Any]) -> str:
    head, decline = _OUTCOMES[row.action.split(".", 1)[1]]
    return f"{head}{_reason(d, decline)} — {_payment(row, d)}"


def _method(d: dict[str, Any]) -> str:
    """`Visa •4242` (older rows wrote the processor's lower-case brand: `visa •4242`)."""
    text = str(d.get("method") or "its method")
    return text[:1].upper() + text[1:]


def _started(row: AuditRow, d: dict[str, Any]) -> str:
    if "method" not in d:  # the scheduler's claim of a scheduled payment on its date
        return f"Scheduled payment {ref(row.subject)} came due: charging it now"
    return (f"Payment {ref(row.subject)} of {_amount(d)} sent to the processor — {_method(d)}, "
            f"{_invoices(d.get('invoices'))}")


def _scheduled(row: AuditRow, d: dict[str, Any]) -> str:
    return (f"Payment {ref(row.subject)} of {_amount(d)} scheduled for {day(d.get('pay_on'))} — "
            f"{_method(d)}, {_invoices(d.get('invoices'))}")


def _canceled(row: AuditRow, d: dict[str, Any]) -> str:
    if d.get("event"):
        return f"Canceled by the processor{_reason(d, decline=True)} — {_payment(row, d)}"
    return f"Scheduled payment {ref(row.subject)} canceled before its date{', ' if d.get('amount') else ''}" \
           f"{_amount(d)}; its invoices can be paid again"


def _attempt(d: dict[str, Any]) -> str:
    """`attempt 2 of 4`."""
    return f"attempt {d.get('attempt')} of {d.get('of')}"


def _retries_ended(row: AuditRow, d: dict[str, Any]) -> str:
    why = "the last attempt" if d.get("soft") else "a hard decline, not retried"
    return (f"Payment {ref(row.subject)} will not be charged again: {_attempt(d)} declined"
            f"{_reason(d, decline=True)} ({why})")


def _recorded(row: AuditRow, d: dict[str, Any]) -> str:
    allocations = d.get("allocations") or []
    lines = [f"{a.get('invoice')} ({money(a.get('amount'), d.get('currency'))})" for a in allocations]
    left = str(d.get("unapplied") or "0")
    rest = f"; {money(left, d.get('currency'))} left on account" if Decimal(left) else ""
    invoices = "invoice" if len(lines) == 1 else "invoices"
    return f"Recorded payment {ref(row.subject)} of {_amount(d)} — applied to {invoices} {listed(lines)}{rest}"


def _source(text: Any) -> str:
    kind, _, number = str(text or "").partition(":")
    return f"payment {number}" if kind == "payment" and number else f"credit {text}"


_AUTHORIZED = {"e_signature": "signed online by the customer", "tel_recorded": "on a recorded phone call",
               "tel_notice": "on a phone call, confirmed by written notice", "written": "in writing, on file",
               "web": "on a web form"}


def _method_added(row: AuditRow, d: dict[str, Any]) -> str:
    after = d.get("after") or {}
    label = after.get("label") or f"method {ref(row.subject)}"
    expires = f", expires {after['exp']}" if after.get("exp") else ""
    authorization = d.get("authorization") or {}
    how = _AUTHORIZED.get(str(authorization.get("kind")), words(authorization.get("kind")))
    ach = f" — ACH debits authorized {how}" if authorization else ""
    return f"Added payment method {label}{expires}{ach}"


def _method_switched(row: AuditRow, d: dict[str, Any]) -> str:
    verb = "Reactivated" if row.action.endswith("reactivated") else "Deactivated"
    return f"{verb} payment method {d.get('label') or ref(row.subject)}"


def _quote(row: AuditRow, d: dict[str, Any]) -> str:
    what = {"pay": "payment", "deposit": "deposit", "cancel_scheduled": "cancellation",
            "plan": "payment plan"}.get(str(d.get("kind")), words(d.get("kind")))
    status = row.action.split(".", 1)[1]
    total = _amount(d, "total")
    if status == "offered":
        return f"Offered a {what}{' of ' + total if total and what != 'cancellation' else ''} to confirm " \
               f"(quote {ref(row.subject)}) in the {channel_name(d.get('channel'))} chat"
    if status == "executed":
        return f"Quote {ref(row.subject)} confirmed and carried out — {d.get('outcome') or what}"
    return f"Quote {ref(row.subject)} not carried out{': ' + str(d['outcome']) if d.get('outcome') else ''}"


# --- the outbox and documents -------------------------------------------------------------------------------------

def _message(row: AuditRow, d: dict[str, Any]) -> str:
    by = f" ({channel_name(d['channel'])})" if d.get("channel") else ""
    return f"message #{ref(row.subject)}{by}"


def _outbox(row: AuditRow, d: dict[str, Any]) -> str:
    verb = row.action.split(".", 1)[1]
    if verb == "approved":
        return f"Approved {_message(row, d)} for sending"
    if verb == "retried":
        return f"Requeued failed {_message(row, d)} for another try"
    return f"Canceled {_message(row, d)}{_reason(d)}"


def _provider_status(row: AuditRow, d: dict[str, Any]) -> str:
    error = f" (error {d['error_code']})" if d.get("error_code") else ""
    return f"The provider reports message #{ref(row.subject)} {words(d.get('status'))}{error}"


def _document_sent(row: AuditRow, d: dict[str, Any]) -> str:
    kind, _, number = row.subject.partition(":")
    what = f"statement {number}" if kind == "statement" else f"document (file {number})"
    return f"Sent {what} by {channel_name(d.get('channel'))} — message #{d.get('outbox_id')}"


# --- helpers of the table below ---------------------------------------------------------------------------------

_LINKED_BY = {"phone": "their phone number", "link_token": "a link token", "shared_contact": "a shared contact",
              "console demo chat": "staff opening the demo chat"}


def _balance_fixed(row: AuditRow, d: dict[str, Any]) -> str:
    """A kept balance rewritten by `aragent books check --fix`: each figure as kept → as the ledger says."""
    def shown(name: str, value: Any) -> str:
        return minor(value) if name.endswith("_minor") else str(value or "none")

    changes = "; ".join(f"{words(name.removesuffix('_minor'))} {shown(name, was)} → {shown(name, now)}"
                        for name, was, now in d.get("differences") or [])
    balance = row.subject.removeprefix("balance:").replace(":", " ")
    return f"Rewrote the kept balance of {balance} from the ledger: {changes}"


def _imported(what: str, row: AuditRow, d: dict[str, Any]) -> str:
    return (f"Imported {what} from {row.subject}: {d.get('loaded')} loaded, {d.get('updated')} updated, "
            f"{d.get('rejected')} rejected")


def _policy(row: AuditRow) -> str:
    return f"class {ref(row.subject)}" if row.subject.startswith("class:") else "the default policy"


def _disputed(d: dict[str, Any]) -> str:
    amount = _amount(d)
    return listed((f"invoice {d['invoice']}" if d.get("invoice") else "the account", amount))


def _stages(d: dict[str, Any]) -> str:
    """The stages as stored (`1: >None days by email every 7 days`): the first stage has no lower bound."""
    return "; ".join(str(stage).replace(">None days", "any days over terms") for stage in d.get("stages") or [])


_FACTORS = {"app": " with the authenticator app's code", "recovery": " with a recovery code"}


def _from(d: dict[str, Any]) -> str:
    return f" from {d['address']}" if d.get("address") else ""


def _held(d: dict[str, Any]) -> str:
    """What a dunning hold is on: `invoice 1001`, or `the account`."""
    return f"invoice {d['invoice']}" if d.get("invoice") else "the account"


def _slots(slots: Any) -> str:
    text = plain(slots) if isinstance(slots, dict) else ""
    return f" with {text}" if text else ""


def _chat(row: AuditRow, d: dict[str, Any]) -> str:
    return f"conversation {ref(row.subject)} ({channel_name(d.get('channel'))})" if d.get("channel") else \
        f"conversation {ref(row.subject)}"


# --- autopay ------------------------------------------------------------------------------------------------------


def _autopay_on(row: AuditRow, d: dict[str, Any]) -> str:
    head = "Changed autopay to" if row.action == "autopay.changed" else "Enrolled in autopay:"
    ach = f"; recurring debit authorization {d['ach_recurring_reference']}" if d.get("ach_recurring_reference") else ""
    return (f"{head} {_method(d)}, authorized by {d.get('authorized_by')} on {day(d.get('authorized_at'))} "
            f"({channel_name(d.get('channel'))}){ach}: {quoted(d.get('text'))}")


def _autopay_ended(row: AuditRow, d: dict[str, Any]) -> str:
    canceled = [str(p) for p in d.get("canceled_payments") or []]
    also = f"; canceled its scheduled {'payment' if len(canceled) == 1 else 'payments'} {listed(canceled)}" \
        if canceled else ""
    return f"Turned autopay off ({channel_name(d.get('channel'))}){_reason(d)}{also}"


def _autopay_scheduled(row: AuditRow, d: dict[str, Any]) -> str:
    return (f"Autopay scheduled payment {d.get('payment_id')} of {_amount(d)} for {day(d.get('due_on'))} — "
            f"{_method(d)}, {_invoices(d.get('invoices'))}; notice #{d.get('notice_id')} queued")


def _autopay_skipped(row: AuditRow, d: dict[str, Any]) -> str:
    return (f"Skipped the autopay charge of {day(d.get('due_on'))} ({channel_name(d.get('channel'))}): payment "
            f"{d.get('payment_id')}, {_amount(d)}, {_invoices(d.get('invoices'))}")


# --- sentences by action ------------------------------------------------------------------------------------------

SENTENCES: dict[str, Sentence] = {
    "payment.pending": _started,
    "payment.scheduled": _scheduled,
    "payment.succeeded": _outcome,
    "payment.failed": _outcome,
    "payment.returned": _outcome,
    "payment.refunded": _outcome,
    "payment.disputed": _outcome,
    "payment.canceled": _canceled,
    "payment.recorded": _recorded,
    "payment.retry": lambda r, d: f"Charging scheduled payment {d.get('first_payment')} again, {_attempt(d)}: "
                                  f"payment {ref(r.subject)} of {_amount(d)}",
    "payment.retry_planned": lambda r, d: f"Scheduled payment {ref(r.subject)}, {_attempt(d)} declined"
                                          f"{_reason(d, decline=True)}; next try {day(d.get('next_try_on'))}",
    "payment.retries_ended": _retries_ended,
    "payment.retry_canceled": lambda r, d: f"Scheduled payment {ref(r.subject)}: {_attempt(d)} not charged"
                                           f"{_reason(d)}",
    "pay_link.viewed": lambda r, d: f"Opened the pay link {ref(r.subject)} (valid until {day(d.get('expires'))})",
    "deposit.recorded": lambda r, d: f"Recorded deposit {ref(r.subject)} of {_amount(d)} as credit on account",
    "credit.applied": lambda r, d: f"Applied {_source(d.get('source'))}, {_amount(d)}, to "
                                   f"{r.subject.replace(':', ' ')}",
    "payment_method.added": _method_added,
    "autopay.enrolled": _autopay_on,
    "autopay.changed": _autopay_on,
    "autopay.ended": _autopay_ended,
    "autopay.scheduled": _autopay_scheduled,
    "autopay.skipped": _autopay_skipped,
    "autopay.not_scheduled": lambda r, d: f"Autopay charged nothing for {day(d.get('due_on'))}{_reason(d)}",
    "payment_method.deactivated": _method_switched,
    "payment_method.reactivated": _method_switched,
    "payment_method.link_sent": lambda r, d: "Sent the customer a secure link to add a payment method "
                                             f"({channel_name(d.get('channel'))})",
    "receipt.queued": lambda r, d: f"Receipt for payment {ref(r.subject)} queued by {channel_name(d.get('channel'))}",
    "receipt.skipped": lambda r, d: f"No receipt sent for payment {ref(r.subject)}{_reason(d)}",
    "notification.skipped": lambda r, d: f"No notice ({words(d.get('template'))}) sent for payment "
                                         f"{ref(r.subject)}{_reason(d)}",
    "quote.offered": _quote,
    "quote.executed": _quote,
    "quote.failed": _quote,
    # instalment plans (core.payments.plans, plan_checks)
    "plan_policy.set": lambda r, d: f"Plan policy of class {ref(r.subject)} set: at most "
                                    f"{count(d.get('max_instalments'), 'instalment')} of at least "
                                    f"{_amount(d, 'min_instalment')}, within {count(d.get('max_days'), 'day')}, "
                                    f"{'first due at once' if d.get('first_due_now') else 'first due later'}, "
                                    f"{count(d.get('grace_days'), 'day')} of grace",
    "plan.agreed": lambda r, d: f"Payment plan {ref(r.subject)} agreed in {channel_name(d.get('channel'))}: "
                                f"{_amount(d, 'total')} for {_invoices(d.get('invoices'))} in "
                                f"{count(d.get('instalments'), 'instalment')}, {day(d.get('first'))} to "
                                f"{day(d.get('last'))}, {d.get('method')}"
                                f"{' — ' + quoted(d['words']) if d.get('words') else ''}",
    "plan.changed": lambda r, d: f"Payment plan {ref(r.subject)} changed: the {_amount(d, 'total')} left now in "
                                 + listed([f"{money(amount, d.get('currency'))} on {day(on)}"
                                           for on, amount in d.get("instalments") or []]),
    "plan.canceled": lambda r, d: f"Payment plan {ref(r.subject)} canceled{_reason(d)}; "
                                  f"{count(len(d.get('payments_canceled') or []), 'scheduled instalment')} canceled",
    "plan.completed": lambda r, d: f"Payment plan {ref(r.subject)} completed: {_amount(d, 'total')} paid",
    "plan.instalment_missed": lambda r, d: f"Payment plan {ref(r.subject)}: instalment {d.get('instalment')} of "
                                           f"{_amount(d)}, due {day(d.get('due_on'))}, was missed — the customer "
                                           f"was told; the plan breaks on {day(d.get('breaks_on'))} unless it is "
                                           "paid or changed",
    "plan.instalment_paid_online": lambda r, d: f"Payment plan {ref(r.subject)}: instalment {d.get('instalment')} "
                                               f"of {_amount(d)} ({d.get('was')}) paid online by the customer in "
                                               f"payment {d.get('payment')}, in place of payment {d.get('previous')}",
    "plan.broken": lambda r, d: f"Payment plan {ref(r.subject)} broken: instalment {d.get('instalment')} of "
                                f"{day(d.get('due_on'))} not paid within {count(d.get('grace_days'), 'day')}; "
                                f"{count(len(d.get('payments_canceled') or []), 'scheduled instalment')} canceled, "
                                "reminders resume",
    "outbox.approved": _outbox,
    "outbox.canceled": _outbox,
    "outbox.retried": _outbox,
    "outbox.provider_status": _provider_status,
    "document.sent": _document_sent,
    "document.pdf_attached": lambda r, d: f"Attached a PDF ({-(-int(d['size']) // 1024)} KB) to invoice "
                                          f"{ref(r.subject)}",
    "document.amounts_changed": lambda r, d: f"The ERP changed {r.subject.replace(':', ' ')}: amount "
                                             f"{minor(d.get('amount_from'))} → {minor(d.get('amount_to'))}, open "
                                             f"{minor(d.get('open_from'))} → {minor(d.get('open_to'))}",
    "invoice.comment_added": lambda r, d: f"Commented on invoice {ref(r.subject)}: {quoted(d.get('body'))}",
    "books.balance_fixed": _balance_fixed,
    "import.classes": lambda r, d: _imported("customer classes", r, d),
    "import.customers": lambda r, d: _imported("customers", r, d),
    "import.invoices": lambda r, d: _imported("invoices", r, d),
    "statements.run": lambda r, d: f"Statement run for {day(d.get('statement_date'))}: "
                                   f"{count(d.get('created'), 'statement')} made, {d.get('skipped')} skipped, "
                                   f"{count(d.get('finance_charges'), 'finance charge')} assessed",
    "finance_charge.assessed": lambda r, d: f"Finance charge {ref(r.subject)} of {_amount(d)} assessed "
                                            f"({d.get('monthly_rate')}% a month) on {day(d.get('assessed_on'))}",
    "print_batch.made": lambda r, d: f"Print batch of {day(ref(r.subject))} made: {count(d.get('pieces'), 'piece')}, "
                                     f"{count(d.get('pages'), 'page')}",
    "dunning.run": lambda r, d: f"Dunning run for {day(ref(r.subject))}: {count(d.get('queued'), 'message')} queued, "
                                f"{count(d.get('skipped'), 'customer')} skipped ({d.get('evaluated')} evaluated)",
    "dunning.stages_set": lambda r, d: f"Dunning stages of {_policy(r)} set: {_stages(d)}",
    "dunning.stages_reset": lambda r, d: f"Dunning stages of {_policy(r)} reset to the "
                                         f"{'default policy' if r.subject.startswith('class:') else 'built-in stages'}",
    "promise.recorded": lambda r, d: f"Promise to pay {_amount(d) or 'in full'} by {day(d.get('promised_for'))} — "
                                     f"{_invoices(d.get('invoices'))}; reminders wait "
                                     f"{count(d.get('grace_days'), 'day')} beyond it",
    "promise.canceled": lambda r, d: f"Promise {ref(r.subject)} canceled{_reason(d)}",
    "dunning.hold_put": lambda r, d: f"Put {_held(d)} on dunning hold until "
                                     f"{day(d['until']) if d.get('until') else 'lifted'}{_reason(d)}",
    "dunning.hold_lifted": lambda r, d: f"{'Replaced' if d.get('why') == 'replaced by a new hold' else 'Lifted'} "
                                        f"the dunning hold on {_held(d)}{_reason(d)}",
    "dispute.opened": lambda r, d: f"Dispute opened on {_disputed(d)}{_reason(d)}"
                                   f"{' — ' + quoted(d['words']) if d.get('words') else ''}",
    "dispute.resolved": lambda r, d: f"Dispute on {_disputed(d)} resolved{': ' + d['note'] if d.get('note') else ''}",
    "review.labelled": lambda r, d: f"Labelled a message for review as “{words(d.get('intent'))}” (the bot read "
                                    f"“{words(d.get('guessed'))}”){_slots(d.get('slots'))}",
    "review.dismissed": lambda r, d: f"Dismissed a message for review (the bot read “{words(d.get('guessed'))}”)",
    "template.set": lambda r, d: f"Edited message template {ref(r.subject)} ({count(d.get('length'), 'character')})",
    "template.reset": lambda r, d: f"Reset message template {ref(r.subject)} to the default",
    "conversation.handoff": lambda r, d: f"Asked for a person in {_chat(r, d)}: {quoted(d.get('message'))} — "
                                         f"to be answered by {day(d.get('answer_by'))}",
    "conversation.handoff_late": lambda r, d: f"Told the customer in {_chat(r, d)} that no one could answer in time",
    "conversation.handoff_ended": lambda r, d: f"Went back to the bot in {_chat(r, d)}" if d.get("by") == "customer"
                                               else f"Handed {_chat(r, d)} back to the bot",
    "conversation.taken_over": lambda r, d: f"{d.get('agent')} took over {_chat(r, d)}: the bot is quiet",
    "conversation.agent_reply": lambda r, d: f"Replied in {_chat(r, d)} — {count(d.get('characters'), 'character')}, "
                                             f"message #{d.get('outbox_id')}",
    "conversation.linked": lambda r, d: f"Linked {_chat(r, d)} to the customer by "
                                        f"{_LINKED_BY.get(str(d.get('how')), words(d.get('how')))}",
    "link_token.issued": lambda r, d: f"Issued a Telegram link token for contact {ref(r.subject)}, valid until "
                                      f"{day(d.get('expires_at'))}",
    "contact.sms_opt_out": lambda r, d: f"Contact {ref(r.subject)} opted out of SMS (STOP)",
    "contact.sms_opt_in": lambda r, d: f"Contact {ref(r.subject)} opted back in to SMS",
    "user.added": lambda r, d: f"Added staff user {ref(r.subject)} as {d.get('role')}",
    "user.password_set": lambda r, d: f"Set a new password for {ref(r.subject)}",
    "user.role_set": lambda r, d: f"Changed {ref(r.subject)}'s role from {d.get('role_from')} to {d.get('role_to')}",
    "user.activated": lambda r, d: f"Reactivated staff user {ref(r.subject)}",
    "user.deactivated": lambda r, d: f"Deactivated staff user {ref(r.subject)}",
    "user.signed_in": lambda r, d: f"Signed in{_FACTORS.get(str(d.get('factor')), '')}{_from(d)}",
    "user.signed_out": lambda r, d: "Signed out",
    "user.password_accepted": lambda r, d: f"Password accepted{_from(d)}; next, "
                                           f"{'setting up' if d.get('next') == 'enrol' else 'typing'} a sign-in code",
    "user.sign_in_failed": lambda r, d: f"Failed sign-in as {ref(r.subject)}"
                                        f"{' (wrong code)' if d.get('step') == 'code' else ''}{_from(d)}",
    "user.sign_in_throttled": lambda r, d: f"Sign-in as {ref(r.subject)}{_from(d)} refused for now{_reason(d)}",
    "user.locked": lambda r, d: f"Locked {ref(r.subject)} out until {day(d.get('until'))} after failed sign-ins",
    "user.unlocked": lambda r, d: f"Unlocked staff user {ref(r.subject)}",
    "user.two_factor_on": lambda r, d: f"Turned on the sign-in code for {ref(r.subject)}",
    "user.two_factor_off": lambda r, d: f"Turned off the sign-in code for {ref(r.subject)}",
    "user.two_factor_reset": lambda r, d: f"Reset the sign-in code of {ref(r.subject)}",
    "user.recovery_code_used": lambda r, d: f"Used a recovery code ({d.get('left')} left)",
    "user.recovery_codes_renewed": lambda r, d: f"Made new recovery codes for {ref(r.subject)}",
    "api_key.created": lambda r, d: f"Created API key {ref(r.subject)}",
    "api_key.revoked": lambda r, d: f"Revoked API key {ref(r.subject)}",
    "card_numbers.blanked": lambda r, d: "Blanked card numbers in stored free text: "
                                         + listed(f"{n} in {where}" for where, n in d["values_blanked"].items()),
}


def _details(row: AuditRow) -> str:
    shown = "; ".join(f"{key}: {text}" for key, text in detail_lines(row.details))
    head = f"{words(row.action).capitalize()} — {row.subject}" if row.subject else words(row.action).capitalize()
    return f"{head}{': ' + shown if shown else ''}"


def describe(row: AuditRow) -> str:
    """What happened, in one sentence (or the details as `key: value`, when no sentence fits)."""
    sentence = SENTENCES.get(row.action)
    if sentence is None:
        return _details(row)
    try:
        return sentence(row, dict(row.details or {}))
    except (KeyError, TypeError, ValueError, AttributeError, ArithmeticError):
        return _details(row)  # a row older than its sentence: say what it holds


# --- who ----------------------------------------------------------------------------------------------------------

_NAMED = {"scheduler": "Scheduler", "handoff-watch": "Scheduler (handoff watch)", "dispatcher": "Outbox dispatcher",
          "demo-data": "Demo data (command line)", "cli": "Command line", "twilio": "Twilio", "bot": "Bot",
          "system": "System"}


def actor_label(row: AuditRow) -> str:
    """Who acted, as staff say it: the processor, the scheduler, a user, a customer in chat, an API key."""
    kind, _, who = row.actor.partition(":")
    if not who:
        named = _NAMED.get(kind)
        if named and kind in ("twilio", "bot"):
            return f"{named} ({channel_name(row.channel)})"
        return named or (row.actor if row.channel in ("", row.actor) else f"{row.actor} ({row.channel})")
    return _LABELS.get(kind, lambda r, _: f"{r.actor} ({channel_name(r.channel)})")(row, who)


def _in_chat(row: AuditRow, _who: str) -> str:
    customer = f"Customer {row.customer_code}" if row.customer_code else "A customer"
    if row.channel == "demo":
        return f"{customer} in the demo chat (staff)"
    return f"{customer} in chat ({channel_name(row.channel)})"


_LABELS: dict[str, Callable[[AuditRow, str], str]] = {
    "processor": lambda r, who: f"Processor ({PROCESSORS.get(who, who)})",
    "user": lambda r, who: f"{who} ({channel_name(r.channel)})",
    "conversation": _in_chat,
    "api": lambda r, who: f"API key {who}",
    "cli": lambda r, who: f"Command line ({who})",
    "sms": lambda r, who: f"SMS from {who}",
    "caller": lambda r, who: f"Caller {who} (phone)" if who != "unknown" else "Unknown caller (phone)",
    "sandbox-link": lambda r, who: f"Customer {who} on the payment-method page",
    "contact": lambda r, who: f"Contact {who}",
    "system": lambda r, who: f"System ({who})",
}
