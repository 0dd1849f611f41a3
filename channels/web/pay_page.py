"""The customer's pay page behind a "Pay online" link: no staff session, the signed link is the credential.

    GET  /pay/{token}            that customer's open invoices, a plan's missed instalment (core.payments.plan_pay)
                                 and saved methods (audited: who opened which link);
                                 once the link paid, that payment; after a declined one, the selection again
    POST /pay/{token}/review     the server's quote: each invoice's amount and the exact TOTAL
    POST /pay/{token}/confirm    the only request that moves money; once per link (core.payments.pay_through_link)
    GET  /pay/{token}/receipt    the receipt of the payment this link made

The customer code is read from the signed token only, never from the path or a form. An expired or altered link
gets one plain page that names no one. Forms carry a CSRF token (cookie path /pay); responses carry the console's
security headers; the page loads nothing from another site and runs no script.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Annotated, Any

from litestar import Controller, Request, Response, Router, get, post
from litestar.config.csrf import CSRFConfig
from litestar.enums import RequestEncodingType
from litestar.middleware.base import DefineMiddleware
from litestar.middleware.csrf import CSRFMiddleware
from litestar.params import Body, FromPath
from litestar.response import Redirect, Template
from litestar.static_files import create_static_files_router

from channels.web.console.auth import add_security_headers
from channels.web.console.pages import TEMPLATES
from channels.web.pay_autopay import PayAutopayController
from channels.web.payment_form import allocation_requests, instalment_picks, invoice_numbers, money_field
from core import payments
from core.bootstrap import Services
from core.documents import PAY_PATH, PayGrant, PayLinkRefused, link_secret, read_pay_token
from core.kernel import ARError, Invalid, Money
from core.payments import Confirmed, quote_payment

Form = Annotated[dict[str, str], Body(media_type=RequestEncodingType.URL_ENCODED)]
CSRF_COOKIE = "aragent_pay_csrf"
METHOD_PAGE_SECONDS = 1800
_REFUSED = {  # what each refusal says; neither names the customer
    "forged": ("This link is not valid", "Check that the whole link was copied, or ask us for a new one."),
    "expired": ("This link has expired", "Ask us for a new one: reply to our message, or write to us in the chat."),
}


def _services(request: Request) -> Services:
    return request.app.state.services  # type: ignore[no-any-return]


def _grant(request: Request, token: str) -> PayGrant:
    return read_pay_token(link_secret(_services(request).settings), token)


def _page(name: str, status: int = 200, **context: Any) -> Template:
    return Template(template_name=f"pay/{name}", context=context, status_code=status)


def _refused(refusal: PayLinkRefused) -> Template:
    title, advice = _REFUSED[refusal.reason]
    return _page("refused.html", 410 if refusal.reason == "expired" else 403, title=title, advice=advice)


def _select(request: Request, token: str, grant: PayGrant, form: dict[str, str] | None = None,
            error: str | None = None, status: int = 200) -> Template:
    services = _services(request)
    shown = payments.pay_page(services.db.uow, grant, dt.date.today())
    if shown.paid_by_link is not None:
        return _paid(request, token, grant, shown.paid_by_link)
    processor = services.processors.get(services.settings.processor)
    add_path = processor.method_entry_path(grant.customer_code, dt.datetime.now(dt.UTC), METHOD_PAGE_SECONDS) \
        if processor is not None else None
    chosen = (form or {}).get("method") or str(shown.methods.preselected.id if shown.methods.preselected else "")
    full = {row.number: str(Money.from_minor(row.pay_today_minor, row.currency).amount) for row in shown.invoices}
    declined = payments.payment_detail(services.db.uow(), grant.customer_code, shown.declined) \
        if shown.declined is not None else None
    return _page("select.html", status, token=token, page=shown, form=form or {}, error=error, chosen=chosen, full=full,
                 add_method_url=add_path, reasons=services.settings.short_pay_reasons, expires=grant.expires,
                 declined=declined)


def _paid(request: Request, token: str, grant: PayGrant, payment_id: int) -> Template:
    services = _services(request)
    made = payments.payment_detail(services.db.uow(), grant.customer_code, payment_id)
    return _page("paid.html", token=token, payment=made, expires=grant.expires)


def _picked(data: dict[str, str]) -> dict[str, str]:
    """The selection as the shared payment form names it: `pick-1042=yes` boxes become `invoices=1042,…`."""
    numbers = [name.removeprefix("pick-") for name, value in data.items() if name.startswith("pick-") and value]
    return {**data, "invoices": data.get("invoices") or ",".join(numbers)}


def _method_id(services: Services, grant: PayGrant, data: dict[str, str]) -> int:
    chosen = data.get("method", "")
    for view in payments.list_methods(services.db.uow(), grant.customer_code):
        if str(view.id) == chosen:
            return view.id
    raise Invalid("choose one of your saved payment methods, or add one", "method")


class PayPageController(Controller):
    path = "/{token:str}"
    include_in_schema = False

    @get("/", sync_to_thread=True)
    def show(self, request: Request, token: FromPath[str]) -> Template:
        try:
            grant = _grant(request, token)
        except PayLinkRefused as refusal:
            return _refused(refusal)
        payments.record_link_view(_services(request).db.uow(), grant)
        return _select(request, token, grant)

    @post("/review", sync_to_thread=True, status_code=200)
    def review(self, request: Request, token: FromPath[str], data: Form) -> Template:
        try:
            grant = _grant(request, token)
        except PayLinkRefused as refusal:
            return _refused(refusal)
        services, form = _services(request), _picked(data)
        try:
            payments.refuse_spent(services.db.uow(), grant)
            picks = instalment_picks(form)
            if not invoice_numbers(form) and not picks:
                raise Invalid("tick at least one invoice or instalment to pay", "invoices")
            heading = payments.customer_heading(services.db.uow(), grant.customer_code)
            requests = allocation_requests(form, heading.currency)
            method_id = _method_id(services, grant, form)
            quote = payments.price_instalments(
                services.db.uow(), customer_code=grant.customer_code, requests=requests, picks=picks,
                pay_on=dt.date.today(), reasons=services.settings.short_pay_reasons) if picks else \
                quote_payment(services.db.uow(), customer_code=grant.customer_code, requests=requests,
                              pay_on=dt.date.today(), reasons=services.settings.short_pay_reasons)
        except ARError as refused:
            return _select(request, token, grant, form, str(refused), 422)
        method = next(m for m in payments.list_methods(services.db.uow(), grant.customer_code) if m.id == method_id)
        hidden = {"invoices": form["invoices"], "method": str(method_id), "total": str(quote.total.amount)}
        hidden |= {f"instalment-{plan}-{seq}": str(minor) for plan, seq, minor in picks}
        for line in requests:
            hidden |= {f"amount-{line.number}": str(line.amount.amount) if line.amount else "",
                       f"reason-{line.number}": line.reason or "", f"comment-{line.number}": line.comment or ""}
        invoices = quote.invoices if isinstance(quote, payments.InstalmentQuote) else quote
        instalments = quote.instalments if isinstance(quote, payments.InstalmentQuote) else ()
        return _page("review.html", token=token, customer=heading, quote=invoices, instalments=instalments,
                     total=quote.total, method=method, hidden=hidden, comments={r.number: r.comment for r in requests})

    @post("/confirm", sync_to_thread=True, status_code=303)
    def confirm(self, request: Request, token: FromPath[str], data: Form) -> Response[Any]:
        try:
            grant = _grant(request, token)
        except PayLinkRefused as refusal:
            return _refused(refusal)
        services = _services(request)
        try:
            heading = payments.customer_heading(services.db.uow(), grant.customer_code)
            confirmed = Confirmed(tuple(allocation_requests(data, heading.currency)),
                                  money_field(data.get("total", ""), heading.currency, "the total"),
                                  _method_id(services, grant, data), dt.date.today(),
                                  instalments=tuple(instalment_picks(data)))
            payments.pay_through_link(services.db.uow, services.processor, grant, confirmed, today=dt.date.today(),
                                      reasons=services.settings.short_pay_reasons, branding=services.branding)
        except ARError as refused:  # nothing was charged: the selection again, saying why
            return _select(request, token, grant, _picked(data), str(refused), 409)
        return Redirect(f"{PAY_PATH}{token}", status_code=303)

    @get("/receipt", sync_to_thread=True)
    def receipt(self, request: Request, token: FromPath[str]) -> Response[Any]:
        try:
            grant = _grant(request, token)
        except PayLinkRefused as refusal:
            return _refused(refusal)
        services = _services(request)
        payment_id = payments.link_payment(services.db.uow(), grant)
        if payment_id is None:
            return Redirect(f"{PAY_PATH}{token}", status_code=303)
        try:
            info, data = payments.customer_receipt(services.db.uow(), services.files, grant.customer_code,
                                                   payment_id, services.seller)
        except ARError:
            return Redirect(f"{PAY_PATH}{token}", status_code=303)
        return Response(data, media_type="application/pdf", headers={
            "Content-Disposition": f'inline; filename="{info.filename}"', "Cache-Control": "private, no-store"})


def _headers(response: Response[Any]) -> Response[Any]:
    """The console's headers, but no Referer at all: the link is the credential and must not travel on."""
    response.headers["Referrer-Policy"] = "no-referrer"
    return add_security_headers(response)


def pay_router(services: Services) -> Router:
    secret = hashlib.sha256(b"pay-csrf:" + link_secret(services.settings).encode()).hexdigest()
    csrf = CSRFConfig(secret=secret, cookie_name=CSRF_COOKIE, cookie_path="/pay", cookie_httponly=True,
                      cookie_samesite="strict", cookie_secure=services.settings.public_url.startswith("https://"))
    return Router(
        path="/pay",
        route_handlers=[
            create_static_files_router(path="/static", directories=[TEMPLATES / "pay" / "static"],
                                       include_in_schema=False),
            PayPageController, PayAutopayController,
        ],
        middleware=[DefineMiddleware(CSRFMiddleware, config=csrf)],
        after_request=_headers,  # type: ignore[arg-type]
        include_in_schema=False,
    )
