"""The engine's kernel: money, errors, the database, the audit trail, configuration, migrations, API keys, and the
one rule that keeps card numbers out of what is stored and logged.

The public surface: what the channels, the bot and the scheduler may use. Other modules here are
private to the context."""

from __future__ import annotations

from core.kernel.apikeys import authenticate, create_api_key, list_api_keys, revoke_api_key
from core.kernel.audit import Actor
from core.kernel.audit import record as record_audit
from core.kernel.card_numbers import REMOVED as CARD_NUMBER_REMOVED
from core.kernel.card_numbers import (
    blank_card_numbers,
    refuse_card_number,
    scrub_card_numbers,
)
from core.kernel.config import DEFAULT_SHORT_PAY_REASONS, BankRemit, Settings, SettingsError, load_settings
from core.kernel.db import DATABASE_ERRORS, Database, UnitOfWork, reconnecting
from core.kernel.errors import ARError, Conflict, Invalid, NotFound
from core.kernel.migrate import missing_schema, upgrade
from core.kernel.models import Base, utcnow
from core.kernel.money import Money, MoneyError, parse_amount

__all__ = [
    "ARError",
    "Actor",
    "Base",
    "CARD_NUMBER_REMOVED",
    "Conflict",
    "DATABASE_ERRORS",
    "DEFAULT_SHORT_PAY_REASONS",
    "Database",
    "Invalid",
    "Money",
    "MoneyError",
    "NotFound",
    "Settings",
    "SettingsError",
    "BankRemit",
    "UnitOfWork",
    "authenticate",
    "blank_card_numbers",
    "create_api_key",
    "list_api_keys",
    "load_settings",
    "missing_schema",
    "parse_amount",
    "reconnecting",
    "record_audit",
    "refuse_card_number",
    "revoke_api_key",
    "scrub_card_numbers",
    "upgrade",
    "utcnow",
]
