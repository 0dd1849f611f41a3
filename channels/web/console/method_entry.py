"""Staff add a caller's card or bank account on the processor's own page, opened from the console in a new tab.

The link carries who opened it and, for a bank account, the authorization the agent recorded for a debit
authorized on a phone call (NACHA TEL): the call's recording, or a written notice emailed to the customer
when the account is saved. Used by Make Payment (without leaving the payment) and by the Payment methods tab.
"""

from __future__ import annotations

import datetime as dt

from litestar import Request

from channels.web.console.pages import actor, services_of
from core import payments
from core.conversations import METHOD_LINK_TTL
from core.kernel import Invalid

TEL_AUTHORIZATIONS = {
    "tel_recorded": "The call is recorded: the customer said yes on the recording",
    "tel_notice": "Not recorded: email the customer a written notice of the authorization",
}
LINK_MINUTES = int(METHOD_LINK_TTL.total_seconds() // 60)


def entry_link(request: Request, code: str, kind: str, authorization: str = "", reference: str = "") -> str | None:
    """The processor's page for this customer, opened by the signed-in agent; None when it is not wired here."""
    services = services_of(request)
    on_behalf = payments.OnBehalf(kind, authorization, reference, actor(request).name)
    path = services.processor.method_entry_path(code, dt.datetime.now(dt.UTC),
                                                int(METHOD_LINK_TTL.total_seconds()), on_behalf)
    return None if path is None else f"{services.settings.public_url}{path}"


def bank_page_url(request: Request, code: str, data: dict[str, str]) -> str:
    """The bank page, once the agent said how the caller authorized debits (refused otherwise)."""
    kind, reference = data.get("authorization_kind", ""), data.get("authorization_reference", "").strip()
    if kind not in TEL_AUTHORIZATIONS:
        raise Invalid("Choose how the caller authorized debits of their bank account.", "authorization_kind")
    if kind == "tel_recorded" and not reference:
        raise Invalid("Give the call recording's reference (the phone system's call id).", "authorization_reference")
    url = entry_link(request, code, "ach", kind, reference if kind == "tel_recorded" else "")
    if url is None:
        raise Invalid("This processor's bank page is not wired to the console: add the account in its dashboard.")
    return url
