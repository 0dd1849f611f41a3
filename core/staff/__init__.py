"""Staff: console users, signing in (the guard against guessing, two-factor sign-in), sessions, and the console's
read models.

The public surface: what the channels, the bot and the scheduler may use. Other modules here are
private to the context."""

from __future__ import annotations

from core.staff.admin import change_active, change_role
from core.staff.audit_log import PAGE_SIZE, AuditFilter, AuditRow, audit_channels, search_audit
from core.staff.audit_sentences import actor_label, describe
from core.staff.audit_words import detail_lines as audit_details
from core.staff.console_reads import find_companies, overview
from core.staff.sign_in_guard import GuardPolicy, Refusal
from core.staff.signing_in import (
    Pending,
    SecondStep,
    SignInPolicy,
    finish_enrolment,
    pending_sign_in,
    second_step,
    sign_in,
)
from core.staff.two_factor import (
    Enrolment,
    TwoFactorStatus,
    confirm_enrolment,
    new_recovery_codes,
    start_enrolment,
    turn_off,
)
from core.staff.two_factor import reset as reset_two_factor
from core.staff.two_factor import status as two_factor_status
from core.staff.users import (
    MIN_PASSWORD,
    ROLES,
    SignedIn,
    StaffView,
    add_user,
    list_users,
    locked_users,
    must_use_two_factor,
    session_user,
    set_active,
    set_password,
    set_role,
    sign_out,
    unlock,
)

__all__ = [
    "AuditFilter",
    "AuditRow",
    "Enrolment",
    "GuardPolicy",
    "MIN_PASSWORD",
    "PAGE_SIZE",
    "Pending",
    "ROLES",
    "Refusal",
    "SecondStep",
    "SignInPolicy",
    "SignedIn",
    "StaffView",
    "TwoFactorStatus",
    "actor_label",
    "add_user",
    "audit_channels",
    "audit_details",
    "change_active",
    "change_role",
    "confirm_enrolment",
    "describe",
    "find_companies",
    "finish_enrolment",
    "list_users",
    "locked_users",
    "must_use_two_factor",
    "new_recovery_codes",
    "overview",
    "pending_sign_in",
    "reset_two_factor",
    "search_audit",
    "second_step",
    "session_user",
    "set_active",
    "set_password",
    "set_role",
    "sign_in",
    "sign_out",
    "start_enrolment",
    "turn_off",
    "two_factor_status",
    "unlock",
]
