"""The dunning templates as staff edit them: one file per stage, channel and part, and a preview of an edited
text rendered on a made-up notice before it is saved (the same samples `core.message_templates` checks on)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from core.config import Settings
from core.db import UnitOfWork
from core.dunning_text import sample_contexts
from core.message_templates import check_template, get_template_text, list_templates
from core.messages import compile_template

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


def preview(name: str, body: str, settings: Settings, sample: int = 0) -> str:
    """`body` rendered as `name` on sample notice `sample`; Invalid, in Jinja's words, when it cannot be."""
    check_template(name, body)
    contexts = sample_contexts(settings)
    return compile_template(name, body).render(contexts[sample % len(contexts)]).strip()
