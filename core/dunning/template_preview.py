"""The dunning templates as staff edit them: one file per stage, channel and part, and a preview of an edited
text rendered on a made-up notice before it is saved. Only dunning's senders read staff overrides (statement and
payment-notice texts still come from their files alone, so editing them would change nothing): saving one goes
through here, checked on dunning's sample notices."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from core.dunning.texts import sample_contexts
from core.kernel.audit import Actor
from core.kernel.config import Settings
from core.kernel.db import UnitOfWork
from core.kernel.errors import Invalid
from core.outbox.messages import compile_template
from core.outbox.templates import check_template, get_template_text, list_templates, set_template

SAMPLES = ("Overdue, statement attached", "Nothing overdue yet", "25 overdue invoices")
PARTS = {"subject": "Subject", "text": "Text", "html": "HTML"}


@dataclass(frozen=True)
class DunningTemplate:
    name: str  # dunning.stage2.email.subject.txt
    stage: int
    channel: str
    part: str  # subject | text | html
    overridden: bool
    updated_by: str = ""
    updated_at: dt.datetime | None = None

    @property
    def title(self) -> str:
        return f"Stage {self.stage} · {self.channel} · {PARTS[self.part]}"


def parse_name(name: str) -> tuple[int, str, str] | None:
    """`dunning.stage2.email.subject.txt` → (2, "email", "subject"); None for any other file."""
    pieces = name.split(".")
    if len(pieces) < 4 or pieces[0] != "dunning" or not pieces[1].startswith("stage") \
            or not pieces[1][5:].isdigit():
        return None
    part = "subject" if pieces[3] == "subject" else "html" if name.endswith(".html") else "text"
    return int(pieces[1][5:]), pieces[2], part


def dunning_templates(uow: UnitOfWork) -> list[DunningTemplate]:
    found = []
    for info in list_templates(uow):
        if (parsed := parse_name(info.name)) is not None:
            found.append(DunningTemplate(info.name, *parsed, info.overridden, info.updated_by, info.updated_at))
    return found


def dunning_template(uow: UnitOfWork, name: str) -> tuple[DunningTemplate | None, str]:
    """The template's listing and the text in force (NotFound for a name that is no template file)."""
    with uow:
        text = get_template_text(uow.session, name)
    return next((t for t in dunning_templates(uow) if t.name == name), None), text


EDITABLE = "dunning."


def _samples(name: str, settings: Settings) -> list[dict]:
    if not name.startswith(EDITABLE):
        raise Invalid(f"{name} cannot be edited yet: only {EDITABLE}* templates read staff overrides", "name")
    return sample_contexts(settings)


def set_dunning_template(uow: UnitOfWork, name: str, body: str, actor: Actor, settings: Settings | None = None) -> None:
    """Save a staff override of dunning template `name`, checked on the sample notices first."""
    set_template(uow, name, body, actor, _samples(name, settings or Settings()))


def preview(name: str, body: str, settings: Settings, sample: int = 0) -> str:
    """`body` rendered as `name` on sample notice `sample`; Invalid, in Jinja's words, when it cannot be."""
    contexts = _samples(name, settings)
    check_template(name, body, contexts)
    return compile_template(name, body).render(contexts[sample % len(contexts)]).strip()
