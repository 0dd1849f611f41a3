"""Dunning stages (supervisors): each class's stages — threshold, channels in order, approval, cadence — set in a
form, checked before anything is saved; a refused form comes back as typed, with the reason."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, Request, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromQuery
from litestar.response import Redirect, Template

from channels.web.console.auth import requires
from channels.web.console.pages import actor, back, page, services_of
from core import dunning
from core.kernel import Invalid

ROWS = 3  # the stages the message texts exist for (templates/messages/dunning.stage1…3.*)
Form = Annotated[dict[str, str], Body(media_type=RequestEncodingType.URL_ENCODED)]



def _rows(policy: dunning.PolicyInForce) -> list[dict[str, str]]:
    rows = [{"days": "" if s.days_over_terms_above is None else str(s.days_over_terms_above),
             "channels": ", ".join(s.channels), "auto": "on" if s.auto_approve else "",
             "cadence": str(s.cadence_days), "name": s.name} for s in policy.stages]
    return rows + [{"days": "", "channels": "", "auto": "", "cadence": "7", "name": ""}] * (ROWS - len(rows))


def _stages(data: dict[str, str]) -> list[dunning.StagePolicy]:
    """The rows filled in, as stages; a row without channels is no stage."""
    stages = []
    for n in range(1, ROWS + 1):
        channels = tuple(c.strip().lower() for c in data.get(f"channels{n}", "").split(",") if c.strip())
        if not channels:
            continue
        days, cadence = data.get(f"days{n}", "").strip(), data.get(f"cadence{n}", "").strip() or "7"
        if (days and not days.isdigit()) or not cadence.isdigit():
            raise Invalid(f"stage {n}: days over terms and cadence are whole numbers of days", "days")
        stages.append(dunning.StagePolicy(n, int(days) if days else None, f"dunning.stage{n}", channels,
                                          data.get(f"auto{n}") == "on", int(cadence), data.get(f"name{n}", "").strip()))
    return stages


class StagesController(Controller):
    path = "/dunning-stages"
    guards = [requires("supervisor")]
    include_in_schema = False

    @get("/", sync_to_thread=True)
    def show(self, request: Request, class_code: FromQuery[str] = "") -> Template:
        policy = dunning.policy_in_force(services_of(request).db.uow(), class_code or None)
        return self._page(request, class_code, policy.source, _rows(policy))

    def _page(self, request: Request, class_code: str, source: str, rows: list[dict[str, str]],
              status_code: int = 200, **extra: object) -> Template:
        return page("console/dunning_templates/stages.html", request, status_code=status_code, section="templates",
                    title="Dunning stages", class_code=class_code, source=source, rows=rows,
                    classes=dunning.dunned_classes(services_of(request).db.uow()), channels=dunning.DUNNING_CHANNELS,
                    **extra)

    @post("/", sync_to_thread=True, status_code=303)
    def save(self, request: Request, data: Form) -> Redirect | Template:
        services, class_code = services_of(request), data.get("class_code", "")
        try:
            dunning.set_stages(services.db.uow(), class_code or None, _stages(data), actor(request))
        except Invalid as refused:  # the form again, as typed: nothing is lost
            typed = [{key: data.get(f"{key}{n}", "") for key in ("days", "channels", "auto", "cadence", "name")}
                     for n in range(1, ROWS + 1)]
            source = dunning.policy_in_force(services.db.uow(), class_code or None).source
            return self._page(request, class_code, source, typed, status_code=422, error=f"Not saved: {refused}")
        return back(f"/console/dunning-stages?class_code={class_code}",
                    notice=f"Saved the stages of {class_code or 'the default policy'}; the next dunning run uses them.")

    @post("/reset", sync_to_thread=True, status_code=303)
    def reset(self, request: Request, data: Form) -> Redirect:
        class_code = data.get("class_code", "")
        dropped = dunning.reset_stages(services_of(request).db.uow(), class_code or None, actor(request))
        follows = "the default policy" if class_code else "the built-in seed stages"
        return back(f"/console/dunning-stages?class_code={class_code}",
                    notice=f"{class_code or 'The default policy'} follows {follows} now." if dropped
                    else f"{class_code or 'The default policy'} had no stages of its own.")
