"""Staff-editable message templates: the files in templates/messages are the defaults, a `MessageTemplate`
row of the same name overrides one.

An override is checked before it is saved: it must compile, name no variable the messages do not have,
and render on sample notices. A broken template is refused with Jinja's own words and the line, so the
next run never meets it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from jinja2 import TemplateError, TemplateSyntaxError
from sqlalchemy import select
from sqlalchemy.orm import Session

from core import audit
from core.audit import Actor
from core.config import Settings
from core.db import UnitOfWork
from core.dunning_text import sample_contexts
from core.errors import Invalid, NotFound
from core.messages import MESSAGE_TEMPLATES, compile_template, has_template, template_variables
from core.model import MessageTemplate

# Families whose senders read overrides, and made-up contexts to try an edited template on. Statement and
# payment-notice texts still come from their files alone, so editing them would change nothing.
SAMPLES: dict[str, Callable[[Settings], list[dict[str, Any]]]] = {"dunning.": sample_contexts}


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


def set_template(uow: UnitOfWork, name: str, body: str, actor: Actor) -> None:
    """Save a checked override of the file `name`."""
    check_template(name, body)
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


def check_template(name: str, body: str) -> None:
    """Refuse a template that would fail when a message is made from it."""
    if not has_template(name):
        raise NotFound("message template", f"{name} (an override replaces a file in templates/messages)")
    samples = next((make for prefix, make in SAMPLES.items() if name.startswith(prefix)), None)
    if samples is None:
        raise Invalid(f"{name} cannot be edited yet: only {', '.join(p + '*' for p in SAMPLES)} templates read "
                      "staff overrides", "name")
    contexts = samples(Settings())
    try:
        template = compile_template(name, body)
        unknown = sorted(template_variables(body) - set(contexts[0]))
        if unknown:
            raise Invalid(f"{name}: unknown variable(s) {', '.join(unknown)}; a {name.split('.')[0]} message has "
                          f"{', '.join(sorted(contexts[0]))}", "body")
        for context in contexts:
            template.render(context)
    except TemplateSyntaxError as exc:
        raise Invalid(f"{name} does not compile: line {exc.lineno}: {exc.message}", "body") from None
    except TemplateError as exc:
        raise Invalid(f"{name} does not render: {exc.message or type(exc).__name__}", "body") from None
