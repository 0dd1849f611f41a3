"""The outbox: every outbound message, its send policies and dispatch, provider status, message templates.

The public surface: what the channels, the bot and the scheduler may use. Other modules here are
private to the context."""

from __future__ import annotations

from core.outbox.lifecycle import (
    Draft,
    MessageView,
    approve,
    approve_pending,
    cancel,
    fax_address,
    list_messages,
    queue,
    queue_drafts,
    retry,
)
from core.outbox.messages import render as render_message
from core.outbox.models import OUTBOX_STATUSES
from core.outbox.provider_status import record_provider_status
from core.outbox.recipients import ContactPoint, Reach, address_for, first_reachable, reach_of
from core.outbox.review import (
    OutboxFilter,
    find_by_ids,
    find_messages,
    known_reasons,
    message_detail,
    send_now,
    stage_counts,
    status_counts,
)
from core.outbox.sending import DeliveryError, OutgoingMessage, Sender, dispatch
from core.outbox.stages import STAGES as MESSAGE_STAGES
from core.outbox.stages import Stage as MessageStage
from core.outbox.templates import get_template_text, list_templates, reset_template

__all__ = [
    "first_reachable",
    "ContactPoint",
    "DeliveryError",
    "Draft",
    "MESSAGE_STAGES",
    "MessageStage",
    "MessageView",
    "OUTBOX_STATUSES",
    "OutboxFilter",
    "OutgoingMessage",
    "Reach",
    "Sender",
    "address_for",
    "approve",
    "approve_pending",
    "cancel",
    "dispatch",
    "fax_address",
    "find_by_ids",
    "find_messages",
    "get_template_text",
    "known_reasons",
    "list_messages",
    "list_templates",
    "message_detail",
    "queue",
    "queue_drafts",
    "reach_of",
    "record_provider_status",
    "render_message",
    "reset_template",
    "retry",
    "send_now",
    "stage_counts",
    "status_counts",
]
