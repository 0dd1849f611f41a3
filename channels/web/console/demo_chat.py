"""Demo chat: staff talk to the real bot as a chosen customer, for training and demonstrations.

Each staff user has their own conversation per customer (channel "demo", sender `<username>:<code>:<n>`),
linked to the customer's primary contact as the terminal's `aragent chat --customer` is. It is the real bot:
a payment still needs its quote and YES, and it charges the customer's saved method. Reset starts a new
conversation (the old transcript stays). Replies are shown as bubbles; their buttons become quick replies.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated
from urllib.parse import quote

from litestar import Controller, Request, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromQuery
from litestar.response import Redirect, Template

from bot.engine import handle
from bot.turns import Inbound, Reply
from channels.web.console.pages import actor, back, page, services_of, staff
from core import conversations
from core.bootstrap import Services
from core.conversations import DEMO_CHANNEL
from core.documents import document_link
from core.kernel import Invalid

Form = Annotated[dict[str, str], Body(media_type=RequestEncodingType.URL_ENCODED)]



def _prefix(request: Request, code: str) -> str:
    return f"{staff(request).username[:30]}:{code[:20]}:"


def _sender(request: Request, code: str, fresh: bool = False) -> str:
    """This user's demo conversation with the customer (a new one when `fresh`), linked to act for them."""
    services, prefix = services_of(request), _prefix(request, code)
    current = None if fresh else conversations.latest_demo_chat(services.db.uow(), prefix)
    if current is not None:
        return current.external_id
    customer_id, contact_id = conversations.acting_as(services.db.uow(), code)
    sender = f"{prefix}{int(dt.datetime.now(dt.UTC).timestamp() * 1000)}"
    convo = conversations.open_conversation(services.db.uow(), DEMO_CHANNEL, sender)
    conversations.link_customer(services.db.uow(), convo.id, customer_id=customer_id, contact_id=contact_id,
                       now=dt.datetime.now(dt.UTC), actor=actor(request), how="console demo chat")
    return sender


def _document(services: Services, reply: Reply) -> str:
    """The reply's document as the link a customer would open (the terminal and SMS get one too)."""
    return reply.link or document_link(services.settings, reply.document_file_id or 0)


class DemoChatController(Controller):
    path = "/demo-chat"

    @get("/", sync_to_thread=True)
    def index(self, request: Request, customer: FromQuery[str] = "") -> Template:
        return self._page(request, customer, [])

    @post("/", sync_to_thread=True, status_code=200)
    def say(self, request: Request, data: Form) -> Template:
        code, text = data.get("customer", ""), data.get("text", "").strip()
        if not code:
            raise Invalid("choose a customer first", "customer")
        if not text:
            return self._page(request, code, [])
        replies = handle(services_of(request), Inbound(DEMO_CHANNEL, _sender(request, code), text[:1000]))
        return self._page(request, code, replies)

    @post("/reset", sync_to_thread=True, status_code=303)
    def reset(self, request: Request, data: Form) -> Redirect:
        code = data.get("customer", "")
        if not code:
            raise Invalid("choose a customer first", "customer")
        _sender(request, code, fresh=True)
        return back(f"/console/demo-chat?customer={quote(code)}", notice="A new conversation: the bot starts over.")

    def _page(self, request: Request, code: str, replies: list[Reply]) -> Template:
        services = services_of(request)
        choices = conversations.customer_choices(services.db.uow())
        lines: list[conversations.Line] = []
        if code:
            conversations.customer_name(services.db.uow(), code)  # an unknown code: not found
            current = conversations.latest_demo_chat(services.db.uow(), _prefix(request, code))
            lines = conversations.transcript(services.db.uow(), current.id) if current else []
        buttons = [button for reply in replies for button in reply.buttons]
        documents = [_document(services, reply) for reply in replies if reply.link or reply.document_file_id]
        return page("console/demo_chat.html", request, section="demo-chat", title="Demo chat", choices=choices,
                    code=code, lines=lines, buttons=buttons, documents=documents)

