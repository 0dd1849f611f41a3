"""`aragent parse`: what the bot understands, as the JSON scripts and the lead's corpus runs rely on."""

from __future__ import annotations

import json

from click.testing import CliRunner

from channels.cli.main import main


def run(*args: str, stdin: str | None = None, env: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(main, list(args), input=stdin, env=env, catch_exceptions=False)


def test_one_message_prints_exactly_the_contract_json() -> None:
    result = run("parse", "pay invoice 1042 on friday", "--today", "2026-11-22")
    assert result.exit_code == 0
    assert result.output == (
        '{"intent": "schedule", "invoices": ["1042"], "selector": null, "amount": null, "date": "2026-11-27", '
        '"month": null, "reason": null}\n')


def test_stdin_gives_one_json_object_per_line_in_order_blank_lines_included() -> None:
    messages = "pay $500 on INV-1042\nSTOP\n👍\n\noctober stmt pls\nwe got 3 cases broken 😡\n"
    result = run("parse", "-", "--today", "2026-11-22", stdin=messages)
    assert result.exit_code == 0
    lines = [json.loads(line) for line in result.output.splitlines()]
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
    assert json.loads(result.output) == {"intent": "pay", "invoices": ["1042"], "selector": None, "amount": None,
                                         "date": None, "month": None, "reason": "Artículo dañado"}
    assert '"reason": "Artículo dañado"' in result.output  # as written, not escaped


def test_a_bad_date_is_refused_with_a_usage_error() -> None:
    result = CliRunner().invoke(main, ["parse", "pay it", "--today", "22/11/2026"])
    assert result.exit_code == 2
    assert "expected YYYY-MM-DD" in result.output
