"""Dunning templates (supervisors): each stage's text per channel; edit with a live preview, save, reset.

The preview renders in a sandboxed frame: the form's Preview button posts the edited text there, and the
answer is a document of its own (the message's HTML with its inline styles, or the text as sent).
"""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, Request, Response, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromPath, FromQuery
from litestar.response import Redirect, Template
from markupsafe import escape

from channels.web.console.auth import requires
from channels.web.console.pages import actor, back, page, services_of
from core.bootstrap import Services
from core.dunning import SAMPLES, DunningTemplate, dunning_template, dunning_templates, preview, set_dunning_template
from core.kernel import Invalid
from core.outbox import reset_template

PREVIEW_CSP = "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:"
TEXT_PAGE = ('<!doctype html><html><body style="margin:0;padding:14px 16px;font:14px/1.5 ui-monospace,Menlo,monospace;'
             'color:{color};white-space:pre-wrap;word-wrap:break-word">{text}</body></html>')
PART_ORDER = ("subject", "text", "html")
Form = Annotated[dict[str, str], Body(media_type=RequestEncodingType.URL_ENCODED)]



def _sample(value: str | None) -> int:
    return int(value) if value and value.isdigit() and int(value) < len(SAMPLES) else 0


def _rendered(services: Services, name: str, body: str, sample: int) -> Response[str]:
    try:
        text = preview(name, body, services.settings, sample)
    except Invalid as refused:
        html = TEXT_PAGE.format(color="#b42318", text=escape(f"Cannot render this template:\n{refused}"))
    else:
        html = text if name.endswith(".html") else TEXT_PAGE.format(color="#1d2733", text=escape(text))
    return Response(html, media_type="text/html", headers={"Content-Security-Policy": PREVIEW_CSP})


class TemplatesController(Controller):
    path = "/templates"
    guards = [requires("supervisor")]
    include_in_schema = False

    @get("/", sync_to_thread=True)
    def overview(self, request: Request) -> Template:
        found = dunning_templates(services_of(request).db.uow())
        grid: dict[tuple[int, str], list[DunningTemplate]] = {}
        for t in sorted(found, key=lambda t: PART_ORDER.index(t.part)):
            grid.setdefault((t.stage, t.channel), []).append(t)
        return page("console/dunning_templates/list.html", request, section="templates", title="Dunning templates",
                    grid=grid, stages=sorted({t.stage for t in found}), channels=("email", "sms", "telegram", "fax"))

    @get("/{name:str}", sync_to_thread=True)
    def edit(self, request: Request, name: FromPath[str]) -> Template:
        info, text = dunning_template(services_of(request).db.uow(), name)
        return self._form(request, name, info, text)

    @staticmethod
    def _form(request: Request, name: str, info: object, body: str, status_code: int = 200,
              **extra: object) -> Template:
        return page("console/dunning_templates/edit.html", request, status_code=status_code, section="templates",
                    title=name, name=name, info=info, body=body, samples=SAMPLES, **extra)

    @get("/{name:str}/preview", sync_to_thread=True)
    def current_preview(self, request: Request, name: FromPath[str], sample: FromQuery[str] = "0") -> Response[str]:
        services = services_of(request)
        return _rendered(services, name, dunning_template(services.db.uow(), name)[1], _sample(sample))

    @post("/{name:str}/preview", sync_to_thread=True, status_code=200)
    def edited_preview(self, request: Request, name: FromPath[str], data: Form) -> Response[str]:
        return _rendered(services_of(request), name, data.get("body", ""), _sample(data.get("sample")))

    @post("/{name:str}", sync_to_thread=True, status_code=303)
    def save(self, request: Request, name: FromPath[str], data: Form) -> Redirect | Template:
        services, body = services_of(request), data.get("body", "").replace("\r\n", "\n")
        try:
            set_dunning_template(services.db.uow(), name, body, actor(request), services.settings)
        except Invalid as refused:  # the page again, with the text as typed: nothing is lost
            info, _ = dunning_template(services.db.uow(), name)
            return self._form(request, name, info, body, status_code=422, error=f"Not saved: {refused}")
        return back(f"/console/templates/{name}", notice=f"Saved {name}; the next dunning run uses it.")

    @post("/{name:str}/reset", sync_to_thread=True, status_code=303)
    def reset(self, request: Request, name: FromPath[str]) -> Redirect:
        reset = reset_template(services_of(request).db.uow(), name, actor(request))
        return back(f"/console/templates/{name}",
                    notice=f"{name} is back to the default text." if reset else f"{name} already had the default text.")
