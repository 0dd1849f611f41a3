"""Notes staff leave on an invoice ("customer says PO missing", "promised Friday"), oldest first.

A comment is never edited or deleted: it is part of the account's history, and adding one is audited.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select

from core.kernel import audit
from core.kernel.audit import Actor
from core.kernel.db import UnitOfWork
from core.kernel.errors import Invalid
from core.ledger.models import InvoiceComment
from core.ledger.posting import customer_document

MAX_LENGTH = 2000


@dataclass(frozen=True)
class CommentRow:
    author: str  # the actor: `user:alice`
    body: str
    created_at: dt.datetime

    @property
    def author_name(self) -> str:
        return self.author.split(":", 1)[-1]


def comments_of(uow: UnitOfWork, document_id: int) -> tuple[CommentRow, ...]:
    found = uow.session.execute(select(InvoiceComment.author, InvoiceComment.body, InvoiceComment.created_at)
                                .where(InvoiceComment.document_id == document_id).order_by(InvoiceComment.id))
    return tuple(CommentRow(*row) for row in found)


def list_comments(uow: UnitOfWork, code: str, number: str) -> tuple[CommentRow, ...]:
    with uow:
        return comments_of(uow, customer_document(uow, code, number).id)


def add_comment(uow: UnitOfWork, code: str, number: str, body: str, actor: Actor) -> CommentRow:
    text = body.strip()
    if not text:
        raise Invalid("write the comment first", "body")
    if len(text) > MAX_LENGTH:
        raise Invalid(f"a comment holds at most {MAX_LENGTH} characters", "body")
    with uow:
        doc = customer_document(uow, code, number)
        comment = InvoiceComment(document_id=doc.id, author=actor.name, body=text)
        uow.session.add(comment)
        uow.session.flush()
        audit.record(uow.session, actor, "invoice.comment_added", customer_id=doc.customer_id,
                     subject=f"document:{number}", comment_id=comment.id, body=text)
        uow.commit()
        return CommentRow(comment.author, comment.body, comment.created_at)
