"""The `aragent` command run in-process against the test's database (both backends) and data folder."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from channels.cli.main import main
from core.bootstrap import Services


@pytest.fixture
def run(services: Services, tmp_path: Path):  # type: ignore[no-untyped-def]
    env = {"ARAGENT_DATABASE_URL": services.db.url, "ARAGENT_DATA_DIR": str(tmp_path), "ARAGENT_LOG_FORMAT": "json"}

    def invoke(*args: str, stdin: str | None = None, **extra_env: str) -> Result:
        return CliRunner().invoke(main, list(args), input=stdin, env={**env, **extra_env}, catch_exceptions=False)

    return invoke
