"""Message texts: Jinja2 templates in `templates/messages/`, one per purpose, channel and part
(`statement.email.subject.txt`, `statement.sms.txt` …). A missing variable is an error, never a blank.

Staff may override a template's text (`core.outbox.templates`); the file stays the default. An override is
compiled under the file's name, so an `.html` override is escaped just as the file would be.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, Template, meta, select_autoescape

from core.documents.templates import TEMPLATES

MESSAGE_TEMPLATES = TEMPLATES / "messages"


@cache
def _environment() -> Environment:
    return Environment(
        loader=FileSystemLoader(MESSAGE_TEMPLATES), undefined=StrictUndefined,
        autoescape=select_autoescape(["html"]), keep_trailing_newline=False,
    )


@cache
def _string_environment(escaped: bool) -> Environment:
    # A template compiled from a string has no name to pick escaping by: say it outright.
    return _environment().overlay(autoescape=escaped)


def compile_template(name: str, body: str | None = None) -> Template:
    """The file `name`, or `body` (an override of it) compiled as that file would be. Raises Jinja's
    TemplateSyntaxError for a broken body and TemplateNotFound for an unknown file."""
    if body is None:
        return _environment().get_template(name)
    return _string_environment(name.endswith(".html")).from_string(body)


def template_variables(body: str) -> set[str]:
    """The variables a template body reads from its context (loop variables and the like excepted)."""
    return meta.find_undeclared_variables(_environment().parse(body))


def render(name: str, **context: Any) -> str:
    return _environment().get_template(name).render(**context).strip()


def has_template(name: str) -> bool:
    return (MESSAGE_TEMPLATES / name).exists()
