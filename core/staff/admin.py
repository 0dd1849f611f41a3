"""Managing staff from the console: `core.staff.users`'s changes, with the one rule an admin needs from the
screen: nobody takes away their own access (deactivates or demotes themself) and locks the console out."""

from __future__ import annotations

from core.kernel.audit import Actor
from core.kernel.db import UnitOfWork
from core.kernel.errors import Invalid
from core.staff.users import StaffView, set_active, set_role


def _is_self(actor: Actor, username: str) -> bool:
    return actor.name == f"user:{username.strip().lower()}"


def change_role(uow: UnitOfWork, username: str, role: str, actor: Actor) -> StaffView:
    if _is_self(actor, username) and role != "admin":
        raise Invalid("you cannot take the admin role from yourself; ask another admin", "role")
    return set_role(uow, username, role, actor)


def change_active(uow: UnitOfWork, username: str, active: bool, actor: Actor) -> StaffView:
    if _is_self(actor, username) and not active:
        raise Invalid("you cannot deactivate yourself; ask another admin", "active")
    return set_active(uow, username, active, actor)
