"""Users (admins): who may sign in to the console, with which role; add, change role, (de)activate, password;
lift a sign-in lock, reset a lost second factor."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, Request, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromPath
from litestar.response import Redirect, Template

from channels.web.console.auth import now, requires
from channels.web.console.pages import actor, back, page, services_of
from core import staff
from core.staff import change_active, change_role

Form = Annotated[dict[str, str], Body(media_type=RequestEncodingType.URL_ENCODED)]
USERS = "/console/users"


class UsersController(Controller):
    path = "/users"
    guards = [requires("admin")]
    include_in_schema = False

    @get("/", sync_to_thread=True)
    def users(self, request: Request) -> Template:
        return page("console/users/list.html", request, section="users", title="Users",
                    users=staff.list_users(services_of(request).db.uow()), roles=staff.ROLES,
                    min_password=staff.MIN_PASSWORD, locked=staff.locked_users(services_of(request).db.uow(), now()))

    @post("/", sync_to_thread=True, status_code=303)
    def add(self, request: Request, data: Form) -> Redirect:
        added = staff.add_user(services_of(request).db.uow(), data.get("username", ""), data.get("password", ""),
                               data.get("role", ""), actor(request), full_name=data.get("full_name", ""))
        return back(USERS, notice=f"Added {added.username} as {added.role}. They can sign in now.")

    @post("/{username:str}/role", sync_to_thread=True, status_code=303)
    def role(self, request: Request, username: FromPath[str], data: Form) -> Redirect:
        changed = change_role(services_of(request).db.uow(), username, data.get("role", ""), actor(request))
        return back(USERS, notice=f"{changed.username} is now {changed.role}.")

    @post("/{username:str}/active", sync_to_thread=True, status_code=303)
    def active(self, request: Request, username: FromPath[str], data: Form) -> Redirect:
        wanted = data.get("active") == "true"
        changed = change_active(services_of(request).db.uow(), username, wanted, actor(request))
        return back(USERS, notice=f"{changed.username} is {'active again' if changed.active else 'deactivated'}"
                                  f"{'' if changed.active else ' and signed out everywhere'}.")

    @post("/{username:str}/password", sync_to_thread=True, status_code=303)
    def password(self, request: Request, username: FromPath[str], data: Form) -> Redirect:
        staff.set_password(services_of(request).db.uow(), username, data.get("password", ""), actor(request))
        return back(USERS, notice=f"New password set for {username}; their open sessions were ended.")

    @post("/{username:str}/unlock", sync_to_thread=True, status_code=303)
    def unlock(self, request: Request, username: FromPath[str]) -> Redirect:
        was_locked = staff.unlock(services_of(request).db.uow(), username, actor(request), now=now())
        return back(USERS, notice=f"{username} is unlocked and may sign in again." if was_locked else
                    f"{username} was not locked; their count of failed sign-ins starts again.")

    @post("/{username:str}/reset-2fa", sync_to_thread=True, status_code=303)
    def reset_two_factor(self, request: Request, username: FromPath[str]) -> Redirect:
        staff.reset_two_factor(services_of(request).db.uow(), username, actor(request), now=now())
        return back(USERS, notice=f"Two-factor sign-in reset for {username}: they sign in with their password and "
                                  "set it up again (when their role must use it, at once).")
