"""The composition root: settings → database, file store. Channels ask for one `Services`."""

from __future__ import annotations

from dataclasses import dataclass

from core.config import Settings, load_settings
from core.db import Database
from core.files import FileStore, LocalFileStore


@dataclass
class Services:
    settings: Settings
    db: Database
    files: FileStore

    def close(self) -> None:
        self.db.dispose()


def bootstrap(settings: Settings | None = None, *, files: FileStore | None = None) -> Services:
    settings = settings or load_settings()
    return Services(
        settings=settings,
        db=Database(settings.resolved_database_url),
        files=files or LocalFileStore(settings.files_dir),
    )
