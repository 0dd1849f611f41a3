"""Messages to review (supervisors): what customers wrote that the bot did not understand, asked about, or was
corrected on, with what happened next. Staff label each with what the customer meant (the next `aragent nlu
retrain` learns from it) or dismiss it."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from litestar import Controller, Request, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromPath, FromQuery
from litestar.response import Redirect, Template

from bot.understanding import INTENTS
from channels.web.console.auth import requires
from channels.web.console.pages import actor, back, page, services_of
from core import conversations

Form = Annotated[dict[str, str], Body(media_type=RequestEncodingType.URL_ENCODED)]
REVIEWS = "/console/reviews"
TABS = (*conversations.REVIEW_STATUSES, "all")


class ReviewsController(Controller):
    path = "/reviews"
    guards = [requires("supervisor")]
    include_in_schema = False

    @get("/", sync_to_thread=True)
    def reviews(self, request: Request, status: FromQuery[str] = "open") -> Template:
        wanted = status if status in TABS else "open"
        uow = services_of(request).db.uow
        found = conversations.messages_to_review(uow(), status=wanted)
        return page("console/reviews/list.html", request, section="reviews", title="Messages to review",
                    reviews=found, status=wanted, tabs=TABS, counts=conversations.review_counts(uow()),
                    intents=INTENTS)

    @post("/{review_id:int}/label", sync_to_thread=True, status_code=303)
    def label(self, request: Request, review_id: FromPath[int], data: Form) -> Redirect:
        slots = {name: data.get(name, "") for name in ("invoices", "amount", "date")}
        done = conversations.label_review(services_of(request).db.uow(), review_id, intent=data.get("intent", ""),
                                          slots=slots, intents=INTENTS, actor=actor(request),
                                          now=dt.datetime.now(dt.UTC))
        return back(_back_to(data), notice=f"Labelled “{_short(done.text)}” as {done.label_intent}: the next "
                                           "retraining learns from it.")

    @post("/{review_id:int}/dismiss", sync_to_thread=True, status_code=303)
    def dismiss(self, request: Request, review_id: FromPath[int], data: Form) -> Redirect:
        done = conversations.dismiss_review(services_of(request).db.uow(), review_id, actor=actor(request),
                                            now=dt.datetime.now(dt.UTC))
        return back(_back_to(data), notice=f"Dismissed “{_short(done.text)}”.")


def _back_to(data: dict[str, str]) -> str:
    status = data.get("status", "")
    return f"{REVIEWS}?status={status}" if status in TABS else REVIEWS


def _short(text: str) -> str:
    return text if len(text) <= 60 else text[:57] + "…"
