"""The Plans panel on the customer page: the customer's instalment plans (each date, amount and payment, and the
agreement as the customer read it), a new plan on the customer's behalf (review the exact plan, then confirm), a
change of the unpaid instalments' dates and amounts, and Cancel. The policy checks are core.payments' own.

    POST /console/customers/{code}/plans/review             the plan within the policy for the invoices ticked
    POST /console/customers/{code}/plans/confirm            exactly the plan reviewed (refused if anything changed)
    GET  /console/customers/{code}/plans/{id}/change        the unpaid instalments, to re-date and re-split
    POST /console/customers/{code}/plans/{id}/change
    POST /console/customers/{code}/plans/{id}/cancel
"""

from __future__ import annotations

import datetime as dt
from decimal import InvalidOperation
from typing import Annotated, Any

from litestar import Controller, Request, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromPath
from litestar.response import Redirect, Template

from channels.web.console.pages import actor, back, form_date, page, services_of
from core import ledger, payments
from core.kernel import ARError, Invalid, Money
from core.payments import Instalment

Form = Annotated[dict[str, str], Body(media_type=RequestEncodingType.URL_ENCODED)]
MAX_ROWS = 12  # instalment rows on the change form


def plans_on_page(request: Request, code: str) -> dict[str, Any]:
    """What the panel shows: `plans`, the invoices a new plan may take, the methods, the class's terms."""
    services = services_of(request)
    debits = ledger.open_debits(services.db.uow(), code, dt.date.today(), services.settings.dispute_reasons)
    return {"plans": payments.customer_plans(services.db.uow(), code),
            "plan_invoices": [d for d in debits if not d.held],
            "plan_methods": [m for m in payments.list_methods(services.db.uow(), code) if m.active],
            "plan_terms": payments.terms_for(services.db.uow(), code, services.settings.plan_defaults)}


def _page(code: str) -> str:
    return f"/console/customers/{code}"


def _money(text: str, currency: str, field: str) -> Money:
    try:
        return Money.of(text.strip().replace(",", "").removeprefix("$"), currency)
    except (InvalidOperation, ValueError, ARError):
        raise Invalid(f"{field}: {text!r} is not an amount", field) from None


class PlansController(Controller):
    path = "/customers/{code:str}/plans"
    include_in_schema = False

    @post("/review", sync_to_thread=True)
    def review(self, request: Request, code: FromPath[str], data: Form) -> Template | Redirect:
        services = services_of(request)
        numbers = [key.removeprefix("invoice_") for key in data if key.startswith("invoice_")]
        try:
            asked = int(data.get("count") or 0) or None
            offer = payments.offer_plan(services.db.uow(), customer_code=code, numbers=numbers, asked=asked,
                                        today=dt.date.today(), defaults=services.settings.plan_defaults)
            method = next((m for m in payments.list_methods(services.db.uow(), code)
                           if m.id == int(data.get("method_id") or 0) and m.active), None)
            if method is None:
                raise Invalid("choose an active payment method", "method")
        except (ARError, ValueError) as refused:
            return back(_page(code), error=f"No plan: {refused}")
        return page("console/customer/plan_review.html", request, section="companies", title="Review the plan",
                    code=code, offer=offer, method=method, today=dt.date.today())

    @post("/confirm", sync_to_thread=True, status_code=303)
    def confirm(self, request: Request, code: FromPath[str], data: Form) -> Redirect:
        services = services_of(request)
        try:
            currency = data.get("currency", "")
            count = int(data.get("count") or 0)
            instalments = [Instalment(n, form_date(data.get(f"due_{n}"), f"due_{n}") or dt.date.min,
                                      _money(data.get(f"amount_{n}", ""), currency, f"amount_{n}"))
                           for n in range(1, count + 1)]
            plan_id, outcome = payments.create_plan(
                services.db.uow, services.processor, customer_code=code,
                numbers=[n for n in data.get("invoices", "").split(",") if n], instalments=instalments,
                method_id=int(data.get("method_id") or 0), total=_money(data.get("total", ""), currency, "total"),
                now=dt.datetime.now(dt.UTC), today=dt.date.today(), actor=actor(request),
                branding=services.branding, defaults=services.settings.plan_defaults, note=data.get("note", ""))
        except (ARError, ValueError) as refused:
            return back(_page(code), error=f"No plan was made: {refused}")
        return back(_page(code), notice=f"Payment plan {plan_id} {outcome.removeprefix(f'plan {plan_id}: ')}.")

    @get("/{plan_id:int}/change", sync_to_thread=True)
    def change_form(self, request: Request, code: FromPath[str], plan_id: FromPath[int]) -> Template:
        services = services_of(request)
        plan = payments.plan_view(services.db.uow(), code, plan_id)
        return page("console/customer/plan_change.html", request, section="companies", title=f"Change plan {plan_id}",
                    code=code, plan=plan, rows=MAX_ROWS,
                    terms=payments.terms_for(services.db.uow(), code, services.settings.plan_defaults))

    @post("/{plan_id:int}/change", sync_to_thread=True, status_code=303)
    def change(self, request: Request, code: FromPath[str], plan_id: FromPath[int], data: Form) -> Redirect:
        services = services_of(request)
        try:
            currency = data.get("currency", "")
            rows = [(form_date(data.get(f"due_{n}"), f"due_{n}"), data.get(f"amount_{n}", "").strip())
                    for n in range(1, MAX_ROWS + 1)]
            instalments = [(on, _money(amount, currency, f"amount_{n}")) for n, (on, amount) in enumerate(rows, 1)
                           if on is not None and amount]
            outcome = payments.change_plan(services.db.uow(), customer_code=code, plan_id=plan_id,
                                           instalments=instalments, today=dt.date.today(),
                                           processor=services.processor.name, actor=actor(request),
                                           defaults=services.settings.plan_defaults)
        except ARError as refused:
            return back(f"/console/customers/{code}/plans/{plan_id}/change", error=f"Not changed: {refused}")
        return back(_page(code), notice=f"Payment plan {plan_id} changed: {outcome.split(': ', 1)[1]}.")

    @post("/{plan_id:int}/cancel", sync_to_thread=True, status_code=303)
    def cancel(self, request: Request, code: FromPath[str], plan_id: FromPath[int], data: Form) -> Redirect:
        try:
            payments.cancel_plan(services_of(request).db.uow(), customer_code=code, plan_id=plan_id,
                                 reason=data.get("reason", ""), today=dt.date.today(), actor=actor(request))
        except ARError as refused:
            return back(_page(code), error=str(refused))
        return back(_page(code), notice=f"Payment plan {plan_id} canceled: its unpaid instalments will not be "
                                        "charged, and reminders may ask for its invoices again.")
