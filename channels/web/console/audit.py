"""Audit log (supervisors): who did what to which customer, newest first, filtered, a hundred a page; each event
told in a sentence (`core.staff.describe`), its raw details one click away."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, Request, get
from litestar.params import FromQuery, QueryParameter
from litestar.response import Template

from channels.web.console.auth import requires
from channels.web.console.pages import form_date, page
from core.bootstrap import Services
from core.staff import PAGE_SIZE, AuditFilter, actor_label, audit_channels, audit_details, describe, search_audit


class AuditController(Controller):
    path = "/audit"
    guards = [requires("supervisor")]
    include_in_schema = False

    @get("/", sync_to_thread=True)
    def events(
        self, request: Request, actor: FromQuery[str] = "", action: FromQuery[str] = "",
        customer: FromQuery[str] = "", channel: FromQuery[str] = "",
        since: Annotated[str, QueryParameter(name="from")] = "", until: Annotated[str, QueryParameter(name="to")] = "",
        number: Annotated[int, QueryParameter(name="page", ge=1)] = 1,
    ) -> Template:
        services: Services = request.app.state.services
        wanted = AuditFilter(actor, action, customer, form_date(since, "from"), form_date(until, "to"), channel)
        found = search_audit(services.db.uow(), wanted, number)
        return page("console/audit/list.html", request, section="audit", title="Audit log", wanted=wanted,
                    found=found, channels=audit_channels(services.db.uow()), page_size=PAGE_SIZE,
                    since=since, until=until, describe=describe, actor_label=actor_label,
                    details=lambda row: audit_details(row.details))
