"""The Jinja2 templates our PDFs are written in (statement, receipt, invoice): one folder, one environment."""

from __future__ import annotations

import base64
from functools import cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape

from core.kernel.errors import Invalid

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"


@cache
def environment() -> Environment:
    return Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html"]))


def logo_data_uri(logo: bytes | None) -> str | None:
    """The seller's logo inlined in the page, so a PDF needs no file beside it."""
    if not logo:
        return None
    head = logo[:256].lstrip()
    kind = ("image/png" if logo.startswith(b"\x89PNG") else "image/jpeg" if logo.startswith(b"\xff\xd8")
            else "image/svg+xml" if head.startswith(b"<") else None)
    if kind is None:
        raise Invalid("the seller logo must be a PNG, JPEG or SVG file", "seller_logo")
    return f"data:{kind};base64,{base64.b64encode(logo).decode()}"
