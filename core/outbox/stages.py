"""What kind of message a row is, for the staff who review the outbox: dunning stage 1, 2 or 3, a statement, a
receipt, a payment notice … — read from the template it was written with (`dunning.stage2.email`: dunning, stage 2).

The dunning policy only accepts templates that exist as files (`dunning.stage1` … `dunning.stage3`), so a dunning
message's template names its stage; a template no stage claims is "other".
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, or_

from core.outbox.models import OutboxMessage


@dataclass(frozen=True)
class Stage:
    key: str  # in the page's filter: ?stage=dunning-2
    label: str
    template: str  # the template's name, or the part of it before ".<channel>"

    def holds(self, template: str) -> bool:
        return template == self.template or template.startswith(self.template + ".")


STAGES = (
    Stage("dunning-1", "Dunning 1", "dunning.stage1"),
    Stage("dunning-2", "Dunning 2", "dunning.stage2"),
    Stage("dunning-3", "Dunning 3", "dunning.stage3"),
    Stage("statement", "Statement", "statement"),
    Stage("receipt", "Receipt", "payment_receipt"),
    Stage("notice", "Payment notice", "payment_notice"),
    Stage("document", "Document", "document"),
    Stage("ach-notice", "ACH notice", "ach_authorization"),
    Stage("autopay", "Autopay notice", "autopay_notice"),
    Stage("plan", "Plan notice", "plan_missed"),
    Stage("chat", "Chat reply", "chat"),
    Stage("dispute", "Dispute", "bot.dispute"),
)
OTHER = Stage("other", "Other", "")
_BY_KEY = {stage.key: stage for stage in STAGES}


def stage_of(template: str) -> Stage:
    return next((stage for stage in STAGES if stage.holds(template)), OTHER)


def stage_named(key: str | None) -> Stage | None:
    """The stage a filter asks for; None for none or one not known."""
    return _BY_KEY.get(key or "")


def in_stage(stage: Stage) -> ColumnElement[bool]:
    """The SQL condition `stage.holds(OutboxMessage.template)`."""
    return or_(OutboxMessage.template == stage.template,
               OutboxMessage.template.startswith(stage.template + ".", autoescape=True))
