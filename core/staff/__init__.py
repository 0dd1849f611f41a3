"""Staff: console users and their sessions, and the console's read models.

The public surface: what the channels, the bot and the scheduler may use. Other modules here are
private to the context."""

from __future__ import annotations

from core.staff.admin import change_active, change_role
from core.staff.audit_log import PAGE_SIZE, AuditFilter, audit_channels, search_audit
from core.staff.console_reads import find_companies, overview
from core.staff.users import (
    MIN_PASSWORD,
    ROLES,
    StaffView,
    add_user,
    list_users,
    session_user,
    set_active,
    set_password,
    set_role,
    sign_in,
    sign_out,
)

__all__ = [
    "AuditFilter",
    "MIN_PASSWORD",
    "PAGE_SIZE",
    "ROLES",
    "StaffView",
    "add_user",
    "audit_channels",
    "change_active",
    "change_role",
    "find_companies",
    "list_users",
    "overview",
    "search_audit",
    "session_user",
    "set_active",
    "set_password",
    "set_role",
    "sign_in",
    "sign_out",
]
