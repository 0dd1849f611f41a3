"""Dunning: the daily run, its rules and reach, policies, texts, promises to pay, holds and cancellation.

The public surface: what the channels, the bot and the scheduler may use. Other modules here are
private to the context."""

from __future__ import annotations

from core.dunning.asked import Reminder, dunned_invoices, latest_reminder
from core.dunning.holds import Hold, account_hold, all_holds, holds_for, lift_hold, put_on_hold
from core.dunning.policy import (
    DUNNING_CHANNELS,
    PolicyInForce,
    check_stages,
    dunned_classes,
    policy_in_force,
    reset_stages,
    set_stages,
)
from core.dunning.rules import StagePolicy
from core.dunning.run import DunningResult, cancel_paid_dunning, record_promise, run_dunning
from core.dunning.template_preview import (
    SAMPLES,
    DunningTemplate,
    dunning_template,
    dunning_templates,
    preview,
    set_dunning_template,
)

__all__ = [
    "dunned_classes",
    "DUNNING_CHANNELS",
    "PolicyInForce",
    "Reminder",
    "StagePolicy",
    "check_stages",
    "reset_stages",
    "set_stages",
    "DunningResult",
    "DunningTemplate",
    "SAMPLES",
    "cancel_paid_dunning",
    "dunned_invoices",
    "dunning_template",
    "dunning_templates",
    "latest_reminder",
    "policy_in_force",
    "preview",
    "record_promise",
    "run_dunning",
    "set_dunning_template",
    # dunning holds ("Mahnstopp")
    "Hold",
    "account_hold",
    "all_holds",
    "holds_for",
    "lift_hold",
    "put_on_hold",
]
