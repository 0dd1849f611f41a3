"""Conversations: the chats customers have with the bot, a person taking one over, replying and handing it
back; a customer's conversations tab, where a Telegram link token is issued for one of their contacts."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromPath, FromQuery
from litestar.response import Redirect, Template

from channels.web.console.pages import actor, back, page, services_of, staff
from core import conversations
from core.kernel import Invalid

Form = Annotated[dict[str, str], Body(media_type=RequestEncodingType.URL_ENCODED)]
CHANNELS = ("telegram", "sms", "cli", "demo")



class ConversationsController(Controller):
    path = "/conversations"

    @get("/", sync_to_thread=True)
    def index(self, request: Request, channel: FromQuery[str] = "", needs: FromQuery[str] = "") -> Template:
        chosen = channel if channel in CHANNELS else None
        rows = conversations.conversations(services_of(request).db.uow(), channel=chosen, needs_agent=bool(needs))
        return page("console/conversations/index.html", request, section="conversations", title="Conversations",
                    rows=rows, channels=CHANNELS, channel=chosen, needs=bool(needs))

    @get("/{conversation_id:int}", sync_to_thread=True)
    def detail(self, request: Request, conversation_id: FromPath[int]) -> Template:
        row, lines = conversations.conversation(services_of(request).db.uow(), conversation_id)
        return page("console/conversations/detail.html", request, section="conversations",
                    title=f"Conversation {row.id}", convo=row, lines=lines, mine=row.agent == staff(request).username,
                    can_reply=row.channel in conversations.REPLY_CHANNELS)

    @post("/{conversation_id:int}/take-over", sync_to_thread=True, status_code=303)
    def take_over(self, request: Request, conversation_id: FromPath[int]) -> Redirect:
        user = staff(request)
        conversations.take_over(services_of(request).db.uow(), conversation_id, user.username, user.actor)
        return back(f"/console/conversations/{conversation_id}", notice="You have the conversation: the bot is quiet.")

    @post("/{conversation_id:int}/reply", sync_to_thread=True, status_code=303)
    def reply(self, request: Request, conversation_id: FromPath[int], data: Form) -> Redirect:
        user = staff(request)
        conversations.agent_reply(services_of(request).db.uow(), conversation_id, data.get("text", ""), user.username,
                             user.actor)
        return back(f"/console/conversations/{conversation_id}", notice="Reply queued for sending.")

    @post("/{conversation_id:int}/hand-back", sync_to_thread=True, status_code=303)
    def hand_back(self, request: Request, conversation_id: FromPath[int]) -> Redirect:
        ended = conversations.end_handoff(services_of(request).db.uow(), conversation_id, actor(request))
        notice = "Handed back to the bot." if ended else "The bot had this conversation already."
        return back(f"/console/conversations/{conversation_id}", notice=notice)


class CustomerConversationsController(Controller):
    path = "/customers/{code:str}/conversations"

    @get("/", sync_to_thread=True)
    def index(self, request: Request, code: FromPath[str]) -> Template:
        return self._tab(request, code)

    @post("/link-token", sync_to_thread=True, status_code=200)
    def link_token(self, request: Request, code: FromPath[str], data: Form) -> Template:
        """Shown once, on this answer only: the token is a secret until the customer uses it."""
        contact = data.get("contact", "")
        if contact and not contact.isdigit():
            raise Invalid("choose a contact", "contact")
        issued = conversations.issue_link_token(services_of(request).db.uow(), code, actor(request),
                                   contact_id=int(contact) if contact else None)
        return self._tab(request, code, issued=issued, notice="Link token issued.")

    def _tab(self, request: Request, code: str, **context: Any) -> Template:
        uow = services_of(request).db.uow
        contacts = conversations.contacts(uow(), code)
        rows = conversations.conversations(uow(), customer_code=code)
        name = conversations.customer_name(uow(), code)
        bot = services_of(request).settings.telegram_bot.lstrip("@")
        return page("console/customer/conversations.html", request, section="companies", title=name,
                    customer={"code": code, "name": name}, tab="conversations", rows=rows, contacts=contacts,
                    telegram_bot=bot, **context)
