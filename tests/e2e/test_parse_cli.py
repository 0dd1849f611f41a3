"""`aragent parse`: what the bot understands, as the JSON scripts and the lead's corpus runs rely on."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from bot import nlu_decide
from channels.cli.main import main


def run(*args: str, stdin: str | None = None, env: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(main, list(args), input=stdin, env=env, catch_exceptions=False)


CONTRACT = ["intent", "invoices", "selector", "amount", "date", "month", "reason", "confidence"]


def test_one_message_prints_exactly_the_contract_json() -> None:
    result = run("parse", "pay invoice 1042 on friday", "--today", "2026-11-22")
    assert result.exit_code == 0
    assert result.output.startswith(
        '{"intent": "schedule", "invoices": ["1042"], "selector": null, "amount": null, "date": "2026-11-27", '
        '"month": null, "reason": null, "confidence": ')
    got = json.loads(result.output)
    assert list(got) == CONTRACT and 0.5 < got["confidence"] <= 1  # sure: no `clarify`


def test_a_message_read_with_doubt_names_the_options_it_would_ask_about(monkeypatch: pytest.MonkeyPatch) -> None:
    """`clarify` appears only when the bot would ask; its options are intents, the likeliest first."""
    monkeypatch.setattr(nlu_decide, "decide", lambda rule, source, guess, vetoed=frozenset(), **kwargs: (
        (rule, 0.95, ()) if source == "whole" else ("pay", 0.41, ("pay", "dispute"))))
    outputs = [json.loads(line) for line in run("parse", "-", "--today", "2026-11-22", stdin="\n".join((
        "not paying 1042 until the freight is explained", "STOP"))).output.splitlines()]
    assert outputs[0]["clarify"] == ["pay", "dispute"] and outputs[0]["confidence"] == 0.41
    assert list(outputs[0]) == [*CONTRACT, "clarify"] and outputs[0]["invoices"] == ["1042"]
    assert list(outputs[1]) == CONTRACT and outputs[1]["intent"] == "stop"  # sure: no `clarify`


def test_stdin_gives_one_json_object_per_line_in_order_blank_lines_included() -> None:
    messages = "pay $500 on INV-1042\nSTOP\n👍\n\noctober stmt pls\nwe got 3 cases broken 😡\n"
    result = run("parse", "-", "--today", "2026-11-22", stdin=messages)
    assert result.exit_code == 0
    lines = [{key: value for key, value in json.loads(line).items() if key in CONTRACT[:-1]}
             for line in result.output.splitlines()]
    empty = {"invoices": [], "selector": None, "amount": None, "date": None, "month": None, "reason": None}
    assert lines == [
        {**empty, "intent": "pay", "invoices": ["1042"], "amount": "500.00"},
        {**empty, "intent": "stop"},
        {**empty, "intent": "confirm"},
        {**empty, "intent": "unknown"},
        {**empty, "intent": "statement", "month": "2026-10"},
        {**empty, "intent": "dispute", "reason": "Damaged goods"},
    ]


def test_the_configured_reasons_are_used_and_printed_as_written() -> None:
    result = run("parse", "pay 1042 minus the artículo dañado", "--today", "2026-11-22",
                 env={"ARAGENT_SHORT_PAY_REASONS": "Wrong item;Artículo dañado;Other"})
    got = {key: value for key, value in json.loads(result.output).items() if key != "confidence"}
    assert got == {"intent": "pay", "invoices": ["1042"], "selector": None, "amount": None,
                   "date": None, "month": None, "reason": "Artículo dañado"}
    assert '"reason": "Artículo dañado"' in result.output  # as written, not escaped


def test_a_bad_date_is_refused_with_a_usage_error() -> None:
    result = CliRunner().invoke(main, ["parse", "pay it", "--today", "22/11/2026"])
    assert result.exit_code == 2
    assert "expected YYYY-MM-DD" in result.output
