"""Alembic environment: the URL comes from the caller (`aragent db upgrade`) or ARAGENT_DATABASE_URL."""

from alembic import context

from core.kernel.config import load_settings
from core.kernel.db import driver_url, make_engine
from core.kernel.migrate import include_name
from core.schema import Base
from scheduler import models as scheduler_models  # noqa: F401  (the scheduler registers its tables)

config = context.config

url = config.get_main_option("sqlalchemy.url") or load_settings().resolved_database_url


def run_migrations_online() -> None:
    connectable = config.attributes.get("connection")
    if connectable is not None:
        context.configure(connection=connectable, target_metadata=Base.metadata, render_as_batch=True,
                          include_name=include_name)
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = make_engine(url)
    with engine.connect() as connection:
        context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True,
                          include_name=include_name)
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


if context.is_offline_mode():
    context.configure(url=driver_url(url), target_metadata=Base.metadata, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()
else:
    run_migrations_online()
