"""No secret, card or account number ever reaches a log line."""

import io
import json
import sys

import structlog

from channels.logs import configure_logging, redact


def test_secret_fields_and_card_like_numbers_are_redacted():
    event = redact(None, "info", {
        "event": "charge for card 4242 4242 4242 4242 and account 000123456789",
        "api_key": "ark_abcdefghijklmnop", "password": "hunter2", "note": "key ark_abcdefghijklmnop used",
        "invoice": "1042", "amount": "1200.50",
    })
    assert event["event"] == "charge for card [redacted-4242] and account [redacted-6789]"
    assert event["api_key"] == event["password"] == "[redacted]"
    assert event["note"] == "key ark_[redacted] used"
    assert (event["invoice"], event["amount"]) == ("1042", "1200.50")


def test_logs_are_json_off_a_terminal(monkeypatch):
    buffer = io.StringIO()
    monkeypatch.setattr(sys, "stderr", buffer)
    configure_logging("info", "auto")
    structlog.get_logger("t").info("payment recorded", token="tok_live_secret", customer="ACME")
    line = json.loads(buffer.getvalue().strip())
    assert line["event"] == "payment recorded" and line["token"] == "[redacted]" and line["customer"] == "ACME"


def test_libraries_log_in_the_same_format_and_only_what_matters(monkeypatch):
    import logging

    buffer = io.StringIO()
    monkeypatch.setattr(sys, "stderr", buffer)
    configure_logging("info", "json")
    logging.getLogger("apscheduler.executors.default").info('Running job "outbox" (scheduled at …)')
    logging.getLogger("weasyprint.progress").info("Step 4 - Creating formatting structure")
    logging.getLogger("uvicorn.access").info('127.0.0.1 - "GET /health HTTP/1.1" 200')
    logging.getLogger("apscheduler.scheduler").warning("Run time of job was missed by 0:00:03")
    logging.getLogger("some.library").info("card 4242 4242 4242 4242 declined")
    lines = [json.loads(line) for line in buffer.getvalue().splitlines()]
    assert [(line["logger"], line["level"]) for line in lines] == [
        ("apscheduler.scheduler", "warning"), ("some.library", "info")]
    assert lines[1]["event"] == "card [redacted-4242] declined" and "timestamp" in lines[1]


def test_card_numbers_are_blanked_inside_nested_values_and_tracebacks(monkeypatch):
    """A card number typed into a comment may travel in a structured value or in an error's message."""
    buffer = io.StringIO()
    monkeypatch.setattr(sys, "stderr", buffer)
    configure_logging("info", "json")
    log = structlog.get_logger("t")
    log.info("payment refused", lines=[{"comment": "read out card4111111111111111"}],
             request=("x", "4242-4242-4242-4242"))
    try:
        raise ValueError("comment 'card 4111 1111 1111 1111' too long")
    except ValueError:
        log.exception("request failed")
    text = buffer.getvalue()
    assert "4111" not in text and "4242-4242" not in text, text
    first, second = (json.loads(line) for line in text.splitlines())
    assert first["lines"] == [{"comment": "read out card[card number removed]"}]
    assert "ValueError: comment 'card [redacted-1111]' too long" in second["exception"]
