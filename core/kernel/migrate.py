"""Schema migrations (Alembic), run from code so `aragent db upgrade` needs no alembic.ini."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import create_engine, inspect
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from core.kernel.db import driver_url

MIGRATIONS = Path(__file__).resolve().parents[2] / "migrations"


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


def sqlite_file(url: str) -> Path | None:
    """The file an SQLite URL names (None for another backend or an in-memory database)."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    return Path(parsed.database).resolve()


def missing_schema(url: str) -> str | None:
    """Why this database cannot serve aragent yet, without creating anything; None when it has our schema.

    An SQLite file that does not exist is not created (SQLAlchemy would make an empty one on connect).
    """
    path = sqlite_file(url)
    if path is not None and not path.exists():
        return f"no database file at {path}"
    engine = create_engine(driver_url(url))
    try:
        with engine.connect() as conn:
            if not inspect(conn).has_table("alembic_version"):
                return f"the database at {make_url(url).render_as_string(hide_password=True)} has no aragent schema"
    except SQLAlchemyError as exc:
        shown = make_url(url).render_as_string(hide_password=True)
        return f"cannot open the database at {shown}: {getattr(exc, 'orig', None) or exc}"
    finally:
        engine.dispose()
    return None
