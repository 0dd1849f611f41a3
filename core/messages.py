"""Message texts: Jinja2 templates in `templates/messages/`, one per purpose, channel and part
(`statement.email.subject.txt`, `statement.sms.txt` …). A missing variable is an error, never a blank."""

from __future__ import annotations

from functools import cache
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from core.receipts import TEMPLATES


@cache
def _environment() -> Environment:
    return Environment(
        loader=FileSystemLoader(TEMPLATES / "messages"), undefined=StrictUndefined,
        autoescape=select_autoescape(["html"]), keep_trailing_newline=False,
    )


def render(name: str, **context: Any) -> str:
    return _environment().get_template(name).render(**context).strip()


def has_template(name: str) -> bool:
    return (TEMPLATES / "messages" / name).exists()
