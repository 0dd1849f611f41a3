"""Companies: find a customer by name, code, phone or email; its overview (balance, aging, contacts, dunning and
its holds)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from litestar import Controller, Request, get
from litestar.params import FromPath, FromQuery, QueryParameter
from litestar.response import Template

from channels.web.console.autopay import autopay_on_page
from channels.web.console.dunning_holds import holds_on_page
from channels.web.console.pages import page, services_of
from channels.web.console.plans import plans_on_page
from core import staff
from core.ledger import BUCKETS


class CompaniesController(Controller):
    path = "/"
    include_in_schema = False

    @get("/companies", sync_to_thread=True)
    def companies(
        self, request: Request, q: FromQuery[str] = "", number: Annotated[int, QueryParameter(name="page", ge=1)] = 1
    ) -> Template:
        found = staff.find_companies(services_of(request).db.uow(), q, dt.date.today(), number)
        return page("console/companies/list.html", request, section="companies", title="Companies", q=q,
                    found=found)

    @get("/customers/{code:str}", sync_to_thread=True)
    def overview(self, request: Request, code: FromPath[str]) -> Template:
        view = staff.overview(services_of(request).db.uow(), code, dt.date.today())
        return page("console/customer/overview.html", request, section="companies", title=view.name,
                    customer=view, tab="overview", buckets=BUCKETS, **holds_on_page(request, code),
                    **autopay_on_page(request, code), **plans_on_page(request, code))
