"""Outbox (supervisors): review what is about to go to customers; approve, cancel, send now; one message in full."""

from __future__ import annotations

from functools import partial

import anyio.to_thread
from litestar import Controller, Request, Response, get, post
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from channels.senders import build_senders
from channels.web.console.auth import requires
from channels.web.console.pages import actor, back, page
from core import outbox
from core.bootstrap import Services
from core.dunning import cancel_paid_dunning
from core.kernel import Actor, Invalid
from core.ledger import DELIVERY_METHODS
from core.outbox import (
    MESSAGE_STAGES,
    OUTBOX_STATUSES,
    OutboxFilter,
    find_by_ids,
    find_messages,
    known_reasons,
    message_detail,
    send_now,
    stage_counts,
    status_counts,
)
from core.statements import ensure_statement_pdf

# The message's own HTML, shown in a sandboxed frame: its inline styles, nothing that runs or loads.
MESSAGE_CSP = "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:"


def _services(request: Request) -> Services:
    return request.app.state.services  # type: ignore[no-any-return]


def _send(services: Services, who: Actor, ids: list[int]) -> str:
    senders = build_senders(services)
    cancel_paid_dunning(services.db, who)  # as before every pass: no reminder for a debt paid since it was queued
    summary = send_now(services.db, services.files, senders, services.settings, who, ids, ensure_statement_pdf)
    parts = [f"{summary.sent} sent"] + [f"{n} {what}" for n, what in (
        (summary.deferred, "to be retried (the provider did not take it)"), (summary.failed, "failed"),
        (summary.postponed, "postponed (quiet hours or rate limit)"), (summary.canceled, "canceled (opted out)")) if n]
    waiting = sorted({m.channel for m in find_by_ids(services.db.uow(), ids) if m.channel not in senders})
    if waiting:
        parts.append(f"approved, waiting for a {' / '.join(waiting)} sender to be configured")
    return "Send now: " + ", ".join(parts) + "."


def _apply(services: Services, who: Actor, action: str, ids: list[int], reason: str) -> str:
    uow = services.db.uow()
    if action == "approve":
        return f"Approved {len(outbox.approve(uow, who, ids))} message(s); they go out on the next dispatch pass."
    if action == "cancel":
        return f"Canceled {len(outbox.cancel(uow, who, ids, reason or 'canceled by staff'))} message(s)."
    if action == "retry":
        return f"Requeued {len(outbox.retry(uow, who, ids))} message(s)."
    if action == "send":
        return _send(services, who, ids)
    raise Invalid(f"unknown action {action!r}", "action")


class OutboxController(Controller):
    path = "/outbox"
    guards = [requires("supervisor")]
    include_in_schema = False

    @get("/", sync_to_thread=True)
    def messages(self, request: Request, status: FromQuery[str] = "pending", channel: FromQuery[str] = "",
                 reason: FromQuery[str] = "", customer: FromQuery[str] = "", stage: FromQuery[str] = "") -> Template:
        services = _services(request)
        wanted = OutboxFilter(status if status in OUTBOX_STATUSES else None, channel or None, reason or None,
                              customer.strip().upper() or None, stage or None)
        return page("console/outbox/list.html", request, section="outbox", title="Outbox", wanted=wanted,
                    messages=find_messages(services.db.uow(), wanted), counts=status_counts(services.db.uow()),
                    reasons=known_reasons(services.db.uow()), channels=DELIVERY_METHODS, statuses=OUTBOX_STATUSES,
                    stages=MESSAGE_STAGES, stage_counts=stage_counts(services.db.uow(), wanted),
                    customer=customer)

    @post("/bulk", status_code=303)
    async def bulk(self, request: Request) -> Redirect:
        form = await request.form()
        ids = [int(v) for v in form.getall("id") if isinstance(v, str) and v.isdigit()]
        if not ids:
            raise Invalid("select at least one message", "id")
        action, reason, target = (str(form.get(k) or "") for k in ("action", "cancel_reason", "back_to"))
        notice = await anyio.to_thread.run_sync(partial(_apply, _services(request), actor(request), action, ids,
                                                        reason.strip()))
        return back(target if target.startswith("/console/outbox") else "/console/outbox", notice=notice)

    @get("/{message_id:int}", sync_to_thread=True)
    def message(self, request: Request, message_id: FromPath[int]) -> Template:
        detail = message_detail(_services(request).db.uow(), message_id)
        return page("console/outbox/message.html", request, section="outbox", title=f"Message #{message_id}",
                    m=detail.row, detail=detail)

    @get("/{message_id:int}/html", sync_to_thread=True)
    def message_html(self, request: Request, message_id: FromPath[int]) -> Response[str]:
        detail = message_detail(_services(request).db.uow(), message_id)
        return Response(detail.body_html or "", media_type="text/html",
                        headers={"Content-Security-Policy": MESSAGE_CSP})
