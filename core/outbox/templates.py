"""Staff-editable message templates: the files in templates/messages are the defaults, a `MessageTemplate`
row of the same name overrides one.

An override is checked before it is saved: it must compile, name no variable the messages do not have,
and render on the sample contexts its family gives (dunning's are
`core.dunning.template_preview`). A broken template is refused with Jinja's own words and the line, so the next
run never meets it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from jinja2 import TemplateError, TemplateSyntaxError
from sqlalchemy import select
from sqlalchemy.orm import Session

from core.kernel import audit
from core.kernel.audit import Actor
from core.kernel.db import UnitOfWork
from core.kernel.errors import Invalid, NotFound
from core.outbox.messages import MESSAGE_TEMPLATES, compile_template, has_template, template_variables
from core.outbox.models import MessageTemplate


@dataclass(frozen=True)
class TemplateInfo:
    name: str
    overridden: bool
    updated_by: str = ""
    updated_at: dt.datetime | None = None


def get_template_text(session: Session, name: str) -> str:
    """The text in force: the staff override, else the file."""
    override = session.get(MessageTemplate, name)
    if override is not None:
        return override.body
    if not has_template(name):
        raise NotFound("message template", name)
    return (MESSAGE_TEMPLATES / name).read_text(encoding="utf-8")


def list_templates(uow: UnitOfWork) -> list[TemplateInfo]:
    """Every file default, and whether staff overrode it."""
    with uow:
        query = select(MessageTemplate.name, MessageTemplate.updated_by, MessageTemplate.updated_at)
        overrides = {name: TemplateInfo(name, True, by, at) for name, by, at in uow.session.execute(query)}
    names = sorted({path.name for path in MESSAGE_TEMPLATES.iterdir() if path.is_file()} | set(overrides))
    return [overrides.get(name) or TemplateInfo(name, False) for name in names]


def set_template(uow: UnitOfWork, name: str, body: str, actor: Actor, samples: Sequence[Mapping[str, Any]]) -> None:
    """Save an override of the file `name`, checked on the `samples` its family renders."""
    check_template(name, body, samples)
    with uow:
        row = uow.session.get(MessageTemplate, name)
        if row is None:
            uow.session.add(MessageTemplate(name=name, body=body, updated_by=actor.name))
        else:
            row.body, row.updated_by = body, actor.name
        audit.record(uow.session, actor, "template.set", customer_id=None, subject=f"template:{name}",
                     length=len(body))
        uow.commit()


def reset_template(uow: UnitOfWork, name: str, actor: Actor) -> bool:
    """Drop the override: the file is the text again. False when there was none."""
    with uow:
        row = uow.session.get(MessageTemplate, name)
        if row is None:
            if not has_template(name):
                raise NotFound("message template", name)
            return False
        uow.session.delete(row)
        audit.record(uow.session, actor, "template.reset", customer_id=None, subject=f"template:{name}")
        uow.commit()
        return True


def check_template(name: str, body: str, samples: Sequence[Mapping[str, Any]]) -> None:
    """Refuse a template that would fail when a message is made from it: `samples` are made-up contexts of
    the family's messages, the first naming every variable such a message has."""
    if not has_template(name):
        raise NotFound("message template", f"{name} (an override replaces a file in templates/messages)")
    try:
        template = compile_template(name, body)
        unknown = sorted(template_variables(body) - set(samples[0]))
        if unknown:
            raise Invalid(f"{name}: unknown variable(s) {', '.join(unknown)}; a {name.split('.')[0]} message has "
                          f"{', '.join(sorted(samples[0]))}", "body")
        for context in samples:
            template.render(context)
    except TemplateSyntaxError as exc:
        raise Invalid(f"{name} does not compile: line {exc.lineno}: {exc.message}", "body") from None
    except TemplateError as exc:
        raise Invalid(f"{name} does not render: {exc.message or type(exc).__name__}", "body") from None
