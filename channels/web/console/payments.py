"""Make Payment on a caller's behalf: select → review (the exact total) → confirm; and deposits on account.

    GET  /console/customers/{code}/pay?invoice=…&invoice=…   the selected invoices, amounts, method, date
    POST /console/customers/{code}/pay/review                the server's quote: exact amounts and TOTAL
    GET  /console/customers/{code}/deposit                   an amount on account, no invoices
    POST /console/customers/{code}/deposit/review
    POST /console/customers/{code}/pay/confirm               the only request that moves money

Review and confirm forms carry the invoice numbers in one field (`invoices=1042,1043`) and one field per
invoice (`amount-1042`, `reason-1042`, `comment-1042`). The confirm form carries the total it showed and a
one-time nonce: a changed balance is refused (`confirm_payment`), a resubmit finds the first payment.
"""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Annotated, Any
from urllib.parse import urlencode

from litestar import Controller, Request, Response, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromPath

from channels.web.console.pages import actor, back, form_date, page, services_of
from core import payments
from core.bootstrap import Services
from core.kernel import ARError, Invalid, Money
from core.ledger import AllocationRequest
from core.payments import (
    Claim,
    CustomerHeading,
    Quote,
    confirm_payment,
    customer_heading,
    due_dates,
    quote_payment,
    submit_once,
)

Form = Annotated[dict[str, str], Body(media_type=RequestEncodingType.URL_ENCODED)]



def _money(text: str, currency: str, what: str) -> Money:
    if not text.strip():
        raise Invalid(f"enter the amount for {what}", "amount")
    return Money.exact(text.strip(), currency)


def _date(text: str) -> dt.date:
    return form_date(text, "date") or dt.date.today()


def _numbers(data: dict[str, str]) -> list[str]:
    return [n for n in data.get("invoices", "").split(",") if n]


def _requests(data: dict[str, str], currency: str) -> list[AllocationRequest]:
    """Each invoice in full, unless the agent typed less than the full amount shown: then a short payment."""
    requests = []
    for number in _numbers(data):
        typed, full = data.get(f"amount-{number}", "").strip(), data.get(f"full-{number}", "").strip()
        amount = None if not typed or (full and typed == full) else _money(typed, currency, f"invoice {number}")
        requests.append(AllocationRequest(number, amount, data.get(f"reason-{number}") or None,
                                          data.get(f"comment-{number}", "").strip() or None))
    return requests


def _deposit(data: dict[str, str], currency: str) -> Money | None:
    return _money(data.get("deposit", ""), currency, "the deposit") if "deposit" in data else None


def _method(services: Services, code: str, data: dict[str, str]) -> payments.MethodView:
    chosen = data.get("method", "")
    for view in payments.list_methods(services.db.uow(), code):
        if str(view.id) == chosen:
            return view
    raise Invalid("choose one of the customer's saved, active payment methods", "method")


def _quote(services: Services, code: str, requests: list[AllocationRequest], pay_on: dt.date,
           deposit: Money | None = None) -> Quote:
    return quote_payment(services.db.uow(), customer_code=code, requests=requests, pay_on=pay_on,
                         reasons=services.settings.short_pay_reasons, deposit=deposit)


def _entry_url(code: str, data: dict[str, str]) -> str:
    """Where the agent edits this payment again: the selection, or the deposit form."""
    if "deposit" in data:
        return f"/console/customers/{code}/deposit"
    return f"/console/customers/{code}/pay?" + urlencode([("invoice", n) for n in _numbers(data)])


def _entry_context(services: Services, customer: CustomerHeading) -> dict[str, Any]:
    on_file = payments.methods_on_file(services.db.uow(), customer.code)  # preselected: the one default rule
    return {"customer": customer, "tab": "invoices", "section": "companies", "today": dt.date.today(),
            "methods": on_file.active, "default_method": on_file.default,
            "reasons": services.settings.short_pay_reasons}


def _select_page(request: Request, code: str, numbers: list[str], form: dict[str, str], error: str | None = None,
                 status: int = 200) -> Response:
    services = services_of(request)
    customer = customer_heading(services.db.uow(), code)
    context = _entry_context(services, customer)
    title, error = f"Make Payment · {customer.name}", error or request.query_params.get("error")
    if not numbers:
        return page("console/customer/pay.html", request, title=title, quote=None, form=form, error=error,
                    **context)
    try:  # in full today: the amounts each field starts from
        quote = _quote(services, code, [AllocationRequest(n) for n in numbers], dt.date.today())
    except ARError as refused:
        return page("console/customer/pay.html", request, status_code=409 if status == 200 else status,
                    title=title, quote=None, form=form, error=str(refused), **context)
    due = due_dates(services.db.uow(), code, numbers)
    return page("console/customer/pay.html", request, status_code=status, title=title, quote=quote, due=due,
                form=form, error=error, **context)


def _review_page(request: Request, code: str, data: dict[str, str]) -> Response:
    services = services_of(request)
    customer = customer_heading(services.db.uow(), code)
    requests, deposit = _requests(data, customer.currency), _deposit(data, customer.currency)
    pay_on = _date(data.get("date", ""))
    method = _method(services, code, data)
    quote = _quote(services, code, requests, pay_on, deposit)
    hidden = {"invoices": ",".join(r.number for r in requests), "method": str(method.id), "date": str(pay_on),
              "total": str(quote.total.amount), "nonce": secrets.token_urlsafe(16)}
    for line in requests:
        hidden |= {f"amount-{line.number}": str(line.amount.amount) if line.amount else "",
                   f"reason-{line.number}": line.reason or "", f"comment-{line.number}": line.comment or ""}
    if deposit is not None:
        hidden["deposit"] = str(deposit.amount)
    return page("console/payments/review.html", request, title=f"Review payment · {customer.name}",
                section="companies", tab="invoices", customer=customer, quote=quote, method=method,
                due=due_dates(services.db.uow(), code, [r.number for r in requests]), hidden=hidden,
                scheduled=pay_on > dt.date.today(), edit_url=_entry_url(code, data))


def _confirm(request: Request, code: str, data: dict[str, str]) -> int:
    services = services_of(request)
    customer = customer_heading(services.db.uow(), code)
    if not data.get("nonce"):
        raise Invalid("this form has no confirmation number; review the payment again", "nonce")
    fingerprint = urlencode(sorted((k, v) for k, v in data.items() if k != "_csrf_token"))

    def submit(claim: Claim) -> int:
        return confirm_payment(
            services.db.uow, services.processor, customer_code=code,
            total=_money(data.get("total", ""), customer.currency, "the total"),
            requests=_requests(data, customer.currency), deposit=_deposit(data, customer.currency),
            method_id=_method(services, code, data).id, pay_on=_date(data.get("date", "")), today=dt.date.today(),
            reasons=services.settings.short_pay_reasons, actor=actor(request), claim=claim,
            branding=services.branding)

    return submit_once(services.db.uow, actor(request).name, data["nonce"], fingerprint, submit)


class PayController(Controller):
    path = "/customers/{code:str}"

    @get("/pay", sync_to_thread=True)
    def select(self, request: Request, code: FromPath[str]) -> Response:
        return _select_page(request, code, request.query_params.getall("invoice", []), {})

    @post("/pay/review", sync_to_thread=True, status_code=200)
    def review(self, request: Request, code: FromPath[str], data: Form) -> Response:
        try:
            return _review_page(request, code, data)
        except ARError as refused:  # the form comes back as typed, saying what to change
            return _select_page(request, code, _numbers(data), data, str(refused), 422)

    @get("/deposit", sync_to_thread=True)
    def deposit_form(self, request: Request, code: FromPath[str]) -> Response:
        return _deposit_page(request, code, {})

    @post("/deposit/review", sync_to_thread=True, status_code=200)
    def deposit_review(self, request: Request, code: FromPath[str], data: Form) -> Response:
        try:
            return _review_page(request, code, {**data, "deposit": data.get("deposit", "")})
        except ARError as refused:
            return _deposit_page(request, code, data, str(refused), 422)

    @post("/pay/confirm", sync_to_thread=True, status_code=303)
    def confirm(self, request: Request, code: FromPath[str], data: Form) -> Response:
        try:
            payment_id = _confirm(request, code, data)
        except ARError as refused:  # nothing was charged; back to where the payment can be changed
            return back(_entry_url(code, data), error=str(refused))
        return back(f"/console/customers/{code}/payments/{payment_id}", notice=f"Payment {payment_id} submitted.")


def _deposit_page(request: Request, code: str, form: dict[str, str], error: str | None = None,
                  status: int = 200) -> Response:
    services = services_of(request)
    customer = customer_heading(services.db.uow(), code)
    return page("console/payments/deposit.html", request, status_code=status, title=f"Deposit · {customer.name}",
                form=form, error=error or request.query_params.get("error"), **_entry_context(services, customer))
