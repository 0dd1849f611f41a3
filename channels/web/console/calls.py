"""Calls: the screen pop. Callers waiting for an agent (not yet answered) or talking to one come first, with the
customer the IVR matched and one button to their page; then today's calls. calls.js reloads the live part every
few seconds (`/console/calls/live`, an HTML fragment); without script the page's Refresh link does the same."""

from __future__ import annotations

import datetime as dt

from litestar import Controller, Request, get
from litestar.response import Template

from channels.web.console.pages import page, services_of
from core import conversations


def _live(request: Request) -> list[conversations.CallView]:
    return conversations.live_calls(services_of(request).db.uow())


class CallsController(Controller):
    path = "/calls"

    @get("/", sync_to_thread=True)
    def index(self, request: Request) -> Template:
        midnight = dt.datetime.combine(dt.datetime.now(dt.UTC).date(), dt.time(), tzinfo=dt.UTC)
        recent = conversations.recent_calls(services_of(request).db.uow(), since=midnight)
        return page("console/calls/index.html", request, section="calls", title="Calls", live=_live(request),
                    recent=recent)

    @get("/live", sync_to_thread=True)
    def live(self, request: Request) -> Template:
        return page("console/calls/_live.html", request, live=_live(request))
