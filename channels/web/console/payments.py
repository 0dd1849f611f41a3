"""Make Payment on a caller's behalf: select → review (the exact total) → confirm; and deposits on account.

    GET  /console/customers/{code}/pay?invoice=…&invoice=…   the selected invoices, amounts, method, date
    POST /console/customers/{code}/pay/review                the server's quote: exact amounts and TOTAL
    GET  /console/customers/{code}/deposit                   an amount on account, no invoices
    POST /console/customers/{code}/deposit/review
    POST /console/customers/{code}/pay/confirm               the only request that moves money
    GET  /console/customers/{code}/pay?retry=61               a declined payment's invoices and amounts again
    POST /console/customers/{code}/pay/add-method            add a method without leaving the payment …
    POST /console/customers/{code}/pay/add-method/bank       … a bank account, with the caller's authorization
    POST /console/customers/{code}/pay/add-method/done       … and back, the new method selected

Adding a method carries the whole form (invoices, amounts, reasons, comments, date, or the deposit) through the
processor's page and back: the card or bank numbers are typed on the processor's page in another tab, never here.

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
from litestar.response import Redirect

from channels.web.console.method_entry import LINK_MINUTES, TEL_AUTHORIZATIONS, bank_page_url, entry_link
from channels.web.console.pages import actor, back, form_date, page, services_of
from channels.web.payment_form import allocation_requests, invoice_numbers, money_field
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



_money, _numbers, _requests = money_field, invoice_numbers, allocation_requests


def _date(text: str) -> dt.date:
    return form_date(text, "date") or dt.date.today()


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


def _entry_context(services: Services, customer: CustomerHeading, avoid: int | None = None) -> dict[str, Any]:
    """Pre-selected: the one default rule's method, unless its last charge failed (then none, as for `avoid`)."""
    on_file = payments.methods_on_file(services.db.uow(), customer.code)
    preselected = on_file.preselected if on_file.preselected is None or on_file.preselected.id != avoid else None
    return {"customer": customer, "tab": "invoices", "section": "companies", "today": dt.date.today(),
            "methods": on_file.active, "default_method": preselected, "declined": on_file.declined,
            "reasons": services.settings.short_pay_reasons}


def _retry(services: Services, code: str, payment_id: int) -> tuple[list[str], dict[str, str], int | None, str]:
    """A declined payment again: its invoices, short amounts, reasons and comments; the method that failed."""
    failed = payments.payment_detail(services.db.uow(), code, payment_id)
    if failed.status not in ("failed", "returned", "canceled"):
        raise Invalid(f"payment {payment_id} is {failed.status}: only a payment that did not go through is tried again",
                      "retry")
    form: dict[str, str] = {}
    for line in failed.lines:
        if line.short_reason:
            form |= {f"amount-{line.number}": str(line.amount.amount), f"reason-{line.number}": line.short_reason,
                     f"comment-{line.number}": line.short_comment or ""}
    words = payments.decline_words(failed.failure_reason)
    notice = (f"Payment {payment_id} with {failed.method} did not go through ({words}). The same invoices and amounts "
              "are selected: choose another method or add one.")
    return [line.number for line in failed.lines], form, failed.method_id, notice


def _select_page(request: Request, code: str, numbers: list[str], form: dict[str, str], error: str | None = None,
                 status: int = 200, avoid: int | None = None, notice: str | None = None) -> Response:
    services = services_of(request)
    customer = customer_heading(services.db.uow(), code)
    context = _entry_context(services, customer, avoid)
    context["notice"] = notice or request.query_params.get("notice")
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
        retry = request.query_params.get("retry", "")
        if retry.isdigit():
            numbers, form, avoid, notice = _retry(services_of(request), code, int(retry))
            if not numbers:  # a declined deposit: the amount again
                return _deposit_page(request, code, {"deposit": _failed_amount(request, code, int(retry))},
                                     notice=notice, avoid=avoid)
            return _select_page(request, code, numbers, form, avoid=avoid, notice=notice)
        return _select_page(request, code, request.query_params.getall("invoice", []), {})

    @post("/pay/add-method", sync_to_thread=True, status_code=200)
    def add_method(self, request: Request, code: FromPath[str], data: Form) -> Response:
        return _add_method_page(request, code, _carried(data), _newest_method(services_of(request), code))

    @post("/pay/add-method/bank", sync_to_thread=True, status_code=303)
    def bank_page(self, request: Request, code: FromPath[str], data: Form) -> Response:
        """Opened in a new tab: the processor's bank page, signed with the authorization the agent recorded."""
        try:
            return Redirect(bank_page_url(request, code, data), status_code=303)
        except ARError as refused:
            return page("console/error.html", request, status_code=422, title="Authorization needed",
                        message=f"{refused} Close this tab and fill in the authorization on the payment's tab.")

    @post("/pay/add-method/done", sync_to_thread=True, status_code=200)
    def method_added(self, request: Request, code: FromPath[str], data: Form) -> Response:
        carried, since = _carried(data), int(data.get("since", "0") or 0)
        added = [m for m in payments.list_methods(services_of(request).db.uow(), code) if m.id > since]
        if not added:
            return _add_method_page(request, code, carried, since, status=409, error=(
                "No new method is on file yet. Finish on the processor's page (it says “saved”), then press again."))
        method = added[-1]
        form, notice = carried | {"method": str(method.id)}, f"{method.label} added and selected for this payment."
        if "deposit" in carried:
            return _deposit_page(request, code, form, notice=notice)
        return _select_page(request, code, _numbers(carried), form, notice=notice)

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
        return _outcome(request, code, payment_id)


def _outcome(request: Request, code: str, payment_id: int) -> Response:
    """Where the agent lands after confirming: the payment; a failure is said by the page's own red box, with
    the processor's reason and "Try another method", never by a "submitted" notice."""
    made = payments.payment_detail(services_of(request).db.uow(), code, payment_id)
    url = f"/console/customers/{code}/payments/{payment_id}"
    if made.status == "failed":
        return back(url)
    if made.status == "scheduled":
        return back(url, notice=f"Payment {payment_id} scheduled for {made.scheduled_for}.")
    if made.status == "succeeded":
        return back(url, notice=f"Payment {payment_id} went through.")
    return back(url, notice=f"Payment {payment_id} submitted: the processor is working on it.")


def _failed_amount(request: Request, code: str, payment_id: int) -> str:
    return str(payments.payment_detail(services_of(request).db.uow(), code, payment_id).amount.amount)


# -- adding a method inside the payment ----------------------------------------------------------------------

def _carried(data: dict[str, str]) -> dict[str, str]:
    """The payment form as typed, to carry through adding a method (never the CSRF token or the old choice)."""
    return {k: v for k, v in data.items()
            if k not in ("_csrf_token", "method", "since", "authorization_kind", "authorization_reference")}


def _newest_method(services: Services, code: str) -> int:
    return max((m.id for m in payments.list_methods(services.db.uow(), code, include_inactive=True)), default=0)


def _add_method_page(request: Request, code: str, carried: dict[str, str], since: int, status: int = 200,
                     error: str | None = None) -> Response:
    services = services_of(request)
    customer = customer_heading(services.db.uow(), code)
    return page("console/payments/add_method.html", request, status_code=status, section="companies",
                tab="invoices", title=f"Add a payment method · {customer.name}", customer=customer,
                carried=carried, since=since, error=error, back_url=_entry_url(code, carried),
                card_url=entry_link(request, code, "card"), tel_authorizations=TEL_AUTHORIZATIONS,
                link_minutes=LINK_MINUTES)


def _deposit_page(request: Request, code: str, form: dict[str, str], error: str | None = None,
                  status: int = 200, notice: str | None = None, avoid: int | None = None) -> Response:
    services = services_of(request)
    customer = customer_heading(services.db.uow(), code)
    context = _entry_context(services, customer, avoid)
    context["notice"] = notice or request.query_params.get("notice")
    return page("console/payments/deposit.html", request, status_code=status, title=f"Deposit · {customer.name}",
                form=form, error=error or request.query_params.get("error"), **context)
