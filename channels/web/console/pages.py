"""What every console page shares: the Jinja environment and its filters, the signed-in user, notices.

A page handler reads through `core`, then returns `page("console/x.html", request, **context)`. After a
form POST it answers `back(url, notice=...)` (post/redirect/get): the notice rides in the query string.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import phonenumbers
from babel.dates import format_date, format_datetime
from babel.numbers import format_currency
from jinja2 import Environment, FileSystemLoader, pass_context, select_autoescape
from jinja2.runtime import Context
from litestar import Request
from litestar.exceptions import NotAuthorizedException
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.response import Redirect, Template
from litestar.template.config import TemplateConfig

from core.bootstrap import Services
from core.kernel import Actor, Invalid, Money
from core.payments import decline_words
from core.staff import StaffView

TEMPLATES = Path(__file__).resolve().parents[3] / "templates"
STATIC = TEMPLATES / "console" / "static"
LOCALE = "en_US"


def money(value: Money | None, currency: str | None = None) -> str:
    """`Money`, or a Decimal/int of minor units with its currency: `$1,200.50`."""
    if value is None:
        return ""
    if isinstance(value, Money):
        return format_currency(value.amount, value.currency, locale=LOCALE)
    if isinstance(value, int):
        value = Money.from_minor(value, currency or "USD").amount
    return format_currency(Decimal(value), currency or "USD", locale=LOCALE)


def date(value: dt.date | dt.datetime | None) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        value = value.date()
    return format_date(value, "medium", locale=LOCALE)


def when(value: dt.datetime | None) -> str:
    """A moment in UTC, to the minute: `Nov 22, 2026, 11:05 UTC`."""
    if value is None:
        return ""
    moment = value if value.tzinfo else value.replace(tzinfo=dt.UTC)
    return format_datetime(moment.astimezone(dt.UTC), "MMM d, y, HH:mm", locale=LOCALE) + " UTC"


def phone(value: str | None, home: str = "US") -> str:
    """A number stored E.164 as staff read it: national at home (`(312) 555-0100` when `home` is US), international
    from another country (`+44 20 7946 0958`); anything else as it came (a Telegram chat id is no phone number)."""
    text = (value or "").strip()
    if not text.startswith("+"):
        return value or ""
    try:
        number = phonenumbers.parse(text, None)
    except phonenumbers.NumberParseException:
        return text
    if not phonenumbers.is_possible_number(number):
        return text
    national = phonenumbers.region_code_for_number(number) == home.upper()
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL if national
                                      else phonenumbers.PhoneNumberFormat.INTERNATIONAL)


@pass_context
def _phone_on_page(context: Context, value: str | None, region: str | None = None) -> str:
    """`{{ number | phone }}`: at home in the seller's country (ARAGENT_DEFAULT_COUNTRY); `phone(customer.country)`
    for a customer's own numbers."""
    request = context.get("request")
    return phone(value, region or (services_of(request).settings.default_country if request else "US"))


def query(request: Request, **changes: Any) -> str:
    """The current query string with some parameters changed (None drops one): for sort links and pages."""
    params = {k: v for k, v in request.query_params.items() if k != "notice"}
    for key, value in changes.items():
        if value is None:
            params.pop(key, None)
        else:
            params[key] = str(value)
    return "?" + urlencode(params) if params else "?"


def form_date(text: str | None, field: str) -> dt.date | None:
    """A date typed in a filter or form (YYYY-MM-DD); empty is None, anything else is refused with its name."""
    text = (text or "").strip()
    try:
        return dt.date.fromisoformat(text) if text else None
    except ValueError:
        raise Invalid(f"{field}: {text!r} is not a date (YYYY-MM-DD)", field) from None


def _environment() -> Environment:
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html"]),
                      trim_blocks=True, lstrip_blocks=True)
    env.filters.update(money=money, date=date, when=when, decline_words=decline_words, phone=_phone_on_page)
    return env


def template_config() -> TemplateConfig:
    return TemplateConfig(instance=JinjaTemplateEngine.from_environment(_environment()))


def staff(request: Request) -> StaffView:
    """The signed-in user; the console's guard put them on the request."""
    user = request.scope.get("staff")  # type: ignore[typeddict-item]
    if not isinstance(user, StaffView):
        raise NotAuthorizedException("sign in first")
    return user


def actor(request: Request) -> Actor:
    return staff(request).actor


def services_of(request: Request) -> Services:
    """The app's services, as every console page reaches them."""
    return request.app.state.services  # type: ignore[no-any-return]


def page(template: str, request: Request, status_code: int = 200, **context: Any) -> Template:
    context.setdefault("notice", request.query_params.get("notice"))
    context.setdefault("error", request.query_params.get("error"))
    return Template(template_name=template, context={"user": request.scope.get("staff"), "request": request,
                                                     "query": lambda **kw: query(request, **kw), **context},
                    status_code=status_code)


def back(url: str, *, notice: str | None = None, error: str | None = None) -> Redirect:
    """Post/redirect/get: back to a page, with one line telling what happened."""
    params = {k: v for k, v in (("notice", notice), ("error", error)) if v}
    separator = "&" if "?" in url else "?"
    return Redirect(url + (separator + urlencode(params) if params else ""), status_code=303)
