"""Schema migrations (Alembic), run from code so `aragent db upgrade` needs no alembic.ini."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"


NOT_OURS = frozenset({"apscheduler_jobs"})  # APScheduler's job store creates and owns its table


def include_name(name: str | None, type_: str, parent_names: object) -> bool:
    """Autogenerate and drift checks compare our tables only."""
    return not (type_ == "table" and name in NOT_OURS)


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade(url: str, revision: str = "head") -> None:
    command.upgrade(alembic_config(url), revision)
