"""Conversations: chats and their transcript, link tokens, takeover, phone calls and phone accounts, and the
messages kept for staff to review (to retrain the bot's understanding).

The public surface: what the channels, the bot and the scheduler may use. Other modules here are
private to the context."""

from __future__ import annotations

from core.conversations.calls import CallView, live_calls, recent_calls
from core.conversations.calls import record as record_call
from core.conversations.chats import (
    Arrival,
    ConversationView,
    CustomerBrief,
    contacts_with_phone,
    customer_brief,
    end_handoff,
    open_conversation,
    primary_contact,
    receive,
    redact,
    reply,
    set_sms_opt_out,
    utc,
)
from core.conversations.chats import link as link_customer
from core.conversations.handoffs import is_late as handoff_is_late
from core.conversations.handoffs import late_notice as handoff_late_notice
from core.conversations.handoffs import tell_unanswered as tell_unanswered_handoffs
from core.conversations.hours import Hours, clock
from core.conversations.hours import zone as hours_zone
from core.conversations.link_tokens import METHOD_LINK_TTL, method_entry_url, send_method_link
from core.conversations.link_tokens import issue as issue_link_token
from core.conversations.link_tokens import redeem as redeem_link_token
from core.conversations.phone_accounts import aging as phone_aging
from core.conversations.phone_accounts import (
    customer_by_account_and_zip,
    customer_by_phone,
    latest_statement,
    past_due_unheld,
)
from core.conversations.reads import (
    DEMO_CHANNEL,
    Line,
    acting_as,
    contacts,
    conversation,
    conversations,
    customer_choices,
    customer_name,
    latest_demo_chat,
    transcript,
)
from core.conversations.receipts import send_receipts
from core.conversations.reviews import REASONS as REVIEW_REASONS
from core.conversations.reviews import STATUSES as REVIEW_STATUSES
from core.conversations.reviews import (
    ForReview,
    ReviewView,
    dismiss_review,
    label_review,
    labelled_reviews,
    messages_to_review,
    record_review,
    review_counts,
)
from core.conversations.takeover import REPLY_CHANNELS, agent_reply, take_over

__all__ = [
    "send_receipts",
    "REVIEW_REASONS",
    "REVIEW_STATUSES",
    "ForReview",
    "ReviewView",
    "dismiss_review",
    "label_review",
    "labelled_reviews",
    "messages_to_review",
    "record_review",
    "review_counts",
    "Arrival",
    "CallView",
    "ConversationView",
    "CustomerBrief",
    "DEMO_CHANNEL",
    "Hours",
    "Line",
    "METHOD_LINK_TTL",
    "REPLY_CHANNELS",
    "acting_as",
    "agent_reply",
    "clock",
    "contacts",
    "contacts_with_phone",
    "conversation",
    "conversations",
    "customer_brief",
    "customer_by_account_and_zip",
    "customer_by_phone",
    "customer_choices",
    "customer_name",
    "end_handoff",
    "handoff_is_late",
    "handoff_late_notice",
    "hours_zone",
    "issue_link_token",
    "latest_demo_chat",
    "latest_statement",
    "link_customer",
    "live_calls",
    "method_entry_url",
    "open_conversation",
    "past_due_unheld",
    "phone_aging",
    "primary_contact",
    "receive",
    "recent_calls",
    "record_call",
    "redact",
    "redeem_link_token",
    "reply",
    "send_method_link",
    "set_sms_opt_out",
    "take_over",
    "tell_unanswered_handoffs",
    "transcript",
    "utc",
]
