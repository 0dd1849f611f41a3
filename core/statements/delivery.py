"""Statement delivery, the cycle's second stage: each statement goes to the outbox once per delivery method.

User-initiated by default (the seed rule). A batch covers the most recent statement date only, narrowed by
method, customer code range and class; any past statement can be delivered on its own. The customer's
delivery methods and addresses are read at delivery time (they may change after the statement was made;
the document itself never does), by the outbox's rule (`core.outbox.recipients`). A method without an address is
logged as skipped, with the reason.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from core.documents import pay_link
from core.documents.links import document_link
from core.documents.models import StoredFile
from core.kernel.audit import Actor
from core.kernel.errors import Invalid, NotFound
from core.kernel.money import Money
from core.kernel.runtime import Runtime
from core.ledger.models import DELIVERY_METHODS, Customer, CustomerClass, Document
from core.outbox import address_for, reach_of
from core.outbox import lifecycle as outbox
from core.outbox.messages import render
from core.statements.cycle import latest_statement_date
from core.statements.models import Statement, StatementDelivery
from core.statements.pdf import render_statements
from core.statements.snapshots import StatementSnapshot

CHUNK = 200


@dataclass(frozen=True)
class DeliverySelection:
    methods: tuple[str, ...] = DELIVERY_METHODS
    code_from: str | None = None
    code_to: str | None = None
    class_code: str | None = None
    reprint_invoices: bool = False  # attach the ERP's invoice PDFs of the open items, where it sent them
    statement_ids: tuple[int, ...] = ()  # given: exactly these statements, of any date
    approve: bool = False  # queue approved, for the dispatcher's next pass, instead of pending review


@dataclass(frozen=True)
class DeliveryLine:
    statement_id: int
    customer: str
    channel: str
    status: str  # queued | already queued | skipped
    reason: str = ""
    outbox_id: int | None = None


def _selected_ids(services: Runtime, selection: DeliverySelection) -> list[int]:
    latest = latest_statement_date(services.db.uow())
    with services.db.uow() as uow:
        if selection.statement_ids:
            found = set(uow.session.scalars(select(Statement.id).where(Statement.id.in_(selection.statement_ids))))
            if missing := [i for i in selection.statement_ids if i not in found]:
                raise NotFound("statement", ", ".join(map(str, missing)))
            return list(selection.statement_ids)
        if latest is None:
            raise Invalid("there are no statements yet; run `aragent statements run` first")
        query = (select(Statement.id).join(Customer, Customer.id == Statement.customer_id)
                 .where(Statement.statement_date == latest).order_by(Customer.code))
        if selection.code_from:
            query = query.where(Customer.code >= selection.code_from)
        if selection.code_to:
            query = query.where(Customer.code <= selection.code_to)
        if selection.class_code:
            query = query.join(CustomerClass, CustomerClass.id == Customer.class_id).where(
                CustomerClass.code == selection.class_code)
        return list(uow.session.scalars(query))


def deliver_statements(services: Runtime, selection: DeliverySelection, actor: Actor, *,
                       progress: Callable[[int], None] | None = None) -> list[DeliveryLine]:
    """Queue the selected statements for their customers' delivery methods; returns one line per method."""
    if unknown := set(selection.methods) - set(DELIVERY_METHODS):
        raise Invalid(f"unknown delivery method(s) {', '.join(sorted(unknown))}; use {', '.join(DELIVERY_METHODS)}")
    ids = _selected_ids(services, selection)
    render_statements(services.db, services.files, ids)  # the PDFs exist before any message names them
    lines: list[DeliveryLine] = []
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start:start + CHUNK]
        with services.db.uow() as uow:
            statements = uow.session.scalars(
                select(Statement).where(Statement.id.in_(chunk)).order_by(Statement.id)
                .options(selectinload(Statement.customer).selectinload(Customer.contacts))
            ).all()
            for statement in statements:
                lines.extend(_deliver_one(uow.session, services, statement, selection, actor))
            uow.commit()
        if progress:
            progress(len(chunk))
    return lines


def _deliver_one(session: Session, services: Runtime, statement: Statement, selection: DeliverySelection,
                 actor: Actor) -> list[DeliveryLine]:
    customer = statement.customer
    methods = [m for m in customer.delivery_methods if m in selection.methods]
    if not customer.delivery_methods:
        return [_log(session, statement, actor, "none", "skipped", "the customer has no statement delivery method")]
    snapshot = StatementSnapshot.from_json(statement.snapshot)
    reprints = _reprints(session, customer, snapshot) if selection.reprint_invoices else []
    reach = reach_of(customer)
    lines = []
    for method in methods:
        recipient, why_not = address_for(method, reach)
        if recipient is None:
            lines.append(_log(session, statement, actor, method, "skipped", why_not))
            continue
        lines.append(_queue(session, services, statement, snapshot, method, recipient, reprints, selection, actor))
    return lines


def _reprints(session: Session, customer: Customer, snapshot: StatementSnapshot) -> list[tuple[str, int]]:
    """The newest ERP PDF of each open invoice on the statement: (number, file id)."""
    numbers = [item.number for item in snapshot.items]
    rows = session.execute(
        select(Document.number, func.max(StoredFile.id))
        .join(StoredFile, StoredFile.document_id == Document.id)
        .where(Document.customer_id == customer.id, Document.number.in_(numbers), StoredFile.kind == "invoice_pdf")
        .group_by(Document.number)
    ).all()
    found = dict(rows)
    return [(n, found[n]) for n in numbers if n in found]


def _texts(services: Runtime, snapshot: StatementSnapshot, method: str, link: str | None,
           reprints: Sequence[str]) -> dict[str, str | None]:
    settings = services.settings

    def money(minor: int) -> str:
        return Money.from_minor(minor, snapshot.currency).format()

    context = dict(
        seller=snapshot.seller.name, customer_name=snapshot.customer.name, customer_code=snapshot.customer.code,
        statement_date=snapshot.statement_date.strftime("%b %-d, %Y"), amount_due=money(snapshot.amount_due_minor),
        past_due=money(snapshot.past_due_minor) if snapshot.past_due_minor else "", reprints=list(reprints),
        telegram_bot=settings.telegram_bot, phone=snapshot.seller.phone, email=snapshot.seller.email,
        color=snapshot.seller.color, link=link or "",
        pay_url=pay_link(settings, snapshot.customer.code) if method in ("email", "sms") else "",
    )
    if method == "email":
        return {"subject": render("statement.email.subject.txt", **context),
                "body_text": render("statement.email.txt", **context),
                "body_html": render("statement.email.html", **context)}
    subject = f"Statement {snapshot.statement_date.isoformat()} {snapshot.customer.code}"
    return {"subject": subject, "body_text": render(f"statement.{method}.txt", **context), "body_html": None}


def _queue(session: Session, services: Runtime, statement: Statement, snapshot: StatementSnapshot, method: str,
           recipient: str, reprints: list[tuple[str, int]], selection: DeliverySelection,
           actor: Actor) -> DeliveryLine:
    if statement.file_id is None:  # render_statements stored every PDF a moment ago
        raise Invalid(f"statement {statement.id} has no PDF; run `aragent statements render`")
    link = document_link(services.settings, statement.file_id) if method == "sms" else None
    attachments = [] if method == "sms" else [statement.file_id, *(file_id for _, file_id in reprints)]
    # A batch names each statement and method once: rerunning it queues nothing twice. A statement sent
    # on its own is a deliberate resend, so it gets a message of its own.
    key = None if selection.statement_ids else f"statement:{statement.id}:{method}"
    existing = session.scalar(select(StatementDelivery.outbox_id).join(
        outbox.OutboxMessage, outbox.OutboxMessage.id == StatementDelivery.outbox_id).where(
        outbox.OutboxMessage.dedupe_key == key)) if key else None
    if existing is not None:
        return DeliveryLine(statement.id, snapshot.customer.code, method, "already queued", "", existing)
    message = outbox.queue(
        session, actor, channel=method, recipient=recipient, template=f"statement.{method}",
        attachments=attachments, reason="statement", customer_id=statement.customer_id, statement_id=statement.id,
        dedupe_key=key, approved=selection.approve,
        **_texts(services, snapshot, method, link, [n for n, _ in reprints]),  # type: ignore[arg-type]
    )
    return _log(session, statement, actor, method, "queued", "", message.id)


def _log(session: Session, statement: Statement, actor: Actor, channel: str, status: str, reason: str,
         outbox_id: int | None = None) -> DeliveryLine:
    session.add(StatementDelivery(statement_id=statement.id, channel=channel, status=status, reason=reason,
                                  outbox_id=outbox_id, created_by=actor.name))
    return DeliveryLine(statement.id, statement.customer.code, channel, status, reason, outbox_id)


def deliver_after_cycle(services: Runtime, statement_date: dt.date, actor: Actor) -> list[DeliveryLine]:
    """Automatic delivery after creation (ARAGENT_STATEMENTS_AUTO_DELIVER): the new period, approved to go.
    Off by default: the seed has delivery user-initiated. An older date re-run is never delivered this way."""
    if not services.settings.statements_auto_deliver or latest_statement_date(services.db.uow()) != statement_date:
        return []
    return deliver_statements(services, DeliverySelection(approve=True), actor)
