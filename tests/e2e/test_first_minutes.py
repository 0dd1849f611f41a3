"""A newcomer's first minutes with the README: commands run from the wrong folder, the demo's first PAY."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from channels.cli.main import main

Cli = Callable[..., Result]


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[..., Result]:
    """`aragent …` run in an empty folder with no database configured but what `env` says."""
    monkeypatch.chdir(tmp_path)

    def invoke(*args: str, **env: str | None) -> Result:
        return CliRunner().invoke(main, list(args), catch_exceptions=False, env={
            "ARAGENT_DATABASE_URL": None, "ARAGENT_DATA_DIR": None, "ARAGENT_LOG_FORMAT": "json", **env})

    return invoke


def test_a_command_that_finds_no_database_says_where_it_looked_and_creates_nothing(cli: Cli, tmp_path: Path) -> None:
    for args in (("aging",), ("statements", "list"), ("users", "list"), ("outbox", "list")):
        result = cli(*args)
        assert result.exit_code == 1, result.output
        assert re.search(r"no database file at \S+/data/aragent\.db", result.output), result.output
        assert "ARAGENT_DATA_DIR" in result.output and "ARAGENT_DATABASE_URL" in result.output
    assert [p.name for p in tmp_path.rglob("*") if p.is_file() or p.name == "data"] == []


def test_a_database_without_the_schema_is_named_and_left_alone(cli: Cli, tmp_path: Path) -> None:
    empty = tmp_path / "empty.db"
    empty.touch()
    result = cli("aging", ARAGENT_DATABASE_URL=f"sqlite:///{empty}")
    assert result.exit_code == 1 and "has no aragent schema" in result.output
    assert "ARAGENT_DATABASE_URL names it" in result.output and "db upgrade" in result.output
    assert empty.stat().st_size == 0


def test_db_upgrade_creates_the_database_where_the_data_folder_points(cli: Cli, tmp_path: Path) -> None:
    data = tmp_path / "books"
    assert cli("db", "upgrade", ARAGENT_DATA_DIR=str(data)).exit_code == 0
    assert (data / "aragent.db").exists()
    assert cli("aging", ARAGENT_DATA_DIR=str(data)).exit_code == 0


def test_the_demo_customers_can_pay_at_once_with_a_saved_sandbox_method(run) -> None:  # type: ignore[no-untyped-def]
    loaded = run("demo-data", "--today", "2026-11-22").output
    assert re.search(r"\b[1-9]\d saved payment methods", loaded), loaded
    listed = run("chat", "--customer", "C1001", "--today", "2026-11-22", stdin="invoices\nquit\n").output
    assert "1. " in listed, listed
    # PAY 1, which method (/1: the Visa), then YES (/1)
    result = run("chat", "--customer", "C1001", "--today", "2026-11-22", stdin="pay 1\n/1\n/1\nquit\n")
    assert "Visa •4242" in result.output, result.output
    assert "on its way" in result.output or "was paid" in result.output, result.output
