"""Structured logs: JSON when not on a terminal, readable when on one. Secrets never reach a log line."""

from __future__ import annotations

import logging
import re
import sys
from collections.abc import MutableMapping
from typing import Any

import structlog

from core.kernel import blank_card_numbers

SECRET_KEYS = re.compile(r"(pass(word)?|secret|token|api[_-]?key|authorization|cookie|card|pan|cvv|cvc|account_number)",
                         re.IGNORECASE)
# 12-19 digit runs (with optional spaces/dashes) look like card or bank account numbers.
LONG_DIGITS = re.compile(r"\b(?:\d[ -]?){11,18}\d\b")
API_KEY_TEXT = re.compile(r"ark_[A-Za-z0-9_-]{8,}")


def _scrub_text(value: str) -> str:
    value = API_KEY_TEXT.sub("ark_[redacted]", value)
    value = LONG_DIGITS.sub(lambda m: "[redacted-" + re.sub(r"\D", "", m.group())[-4:] + "]", value)
    return blank_card_numbers(value)  # the engine's rule too: a number glued to a word escapes the \b above


def _scrub(value: Any) -> Any:
    if isinstance(value, str):
        return _scrub_text(value)
    if isinstance(value, dict):
        return {key: "[redacted]" if isinstance(key, str) and SECRET_KEYS.search(key) else _scrub(item)
                for key, item in value.items()}
    if isinstance(value, list | tuple | set):
        return [_scrub(item) for item in value]
    return value


def redact(_logger: Any, _method: str, event: MutableMapping[str, Any]) -> MutableMapping[str, Any]:
    """Every value of every event, nested ones and a rendered traceback included (it runs after format_exc_info)."""
    for key, value in list(event.items()):
        if key.startswith("_"):  # structlog's own: the stdlib LogRecord a foreign line came from
            continue
        event[key] = "[redacted]" if SECRET_KEYS.search(key) else _scrub(value)
    return event


class _CurrentStderr:
    """sys.stderr as it is when a line is written, not when logging was configured (a test runner or a
    CLI harness may swap the stream in between, and lines written to a stale one are lost)."""

    def write(self, text: str) -> int:
        return sys.stderr.write(text)

    def flush(self) -> None:
        sys.stderr.flush()


# Libraries that speak through the standard logging module, and the least level of theirs worth a line:
# APScheduler says "Running job …" twice a run, WeasyPrint a line per layout step, uvicorn a line per request
# (our own request log has the request id).
LIBRARY_LEVELS = {"alembic": logging.WARNING, "apscheduler": logging.WARNING, "weasyprint": logging.ERROR,
                  "fontTools": logging.ERROR, "uvicorn.access": logging.WARNING, "uvicorn.error": logging.WARNING,
                  "httpx": logging.WARNING, "twilio.http_client": logging.WARNING}

_HANDLER_NAME = "aragent"


def configure_logging(level: str = "info", fmt: str = "auto") -> None:
    """One format for every line: ours (structlog) and the libraries' (standard logging) alike."""
    as_json = fmt == "json" or (fmt == "auto" and not sys.stderr.isatty())
    renderer: Any = structlog.processors.JSONRenderer() if as_json else structlog.dev.ConsoleRenderer()
    numeric = logging.getLevelName(level.upper()) if isinstance(logging.getLevelName(level.upper()), int) else 20
    shared: list[Any] = [
        structlog.contextvars.merge_contextvars,
        structlog.processors.add_log_level,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        structlog.processors.format_exc_info,  # before `redact`: a traceback may quote what was typed
        redact,
    ]
    structlog.configure(
        processors=[*shared, renderer],
        wrapper_class=structlog.make_filtering_bound_logger(numeric),
        logger_factory=structlog.PrintLoggerFactory(file=_CurrentStderr()),  # type: ignore[arg-type]
        cache_logger_on_first_use=False,
    )
    handler = logging.StreamHandler(_CurrentStderr())  # type: ignore[arg-type]
    handler.setFormatter(structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=[structlog.stdlib.add_logger_name, *shared],
        processors=[structlog.stdlib.ProcessorFormatter.remove_processors_meta, renderer],
    ))
    handler.set_name(_HANDLER_NAME)
    root = logging.getLogger()  # ours replaces an earlier one of ours; a test runner's capture handlers stay
    root.handlers = [h for h in root.handlers if h.get_name() != _HANDLER_NAME] + [handler]
    root.setLevel(numeric)
    for name, least in LIBRARY_LEVELS.items():
        logging.getLogger(name).setLevel(max(least, numeric))
