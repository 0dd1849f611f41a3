"""The composition root: settings → database, file store, payment processors. Channels ask for one `Services`."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from pathlib import Path

from core import notices
from core.config import Settings, load_settings
from core.db import Database
from core.errors import Invalid
from core.files import FileStore, LocalFileStore
from core.processor import PaymentProcessor


@dataclass
class Services:
    settings: Settings
    db: Database
    files: FileStore
    processors: dict[str, PaymentProcessor] = field(default_factory=dict)

    @property
    def processor(self) -> PaymentProcessor:
        """The processor new payments go to."""
        if self.settings.processor not in self.processors:
            raise Invalid(f"payment processor {self.settings.processor!r} is not configured")
        return self.processors[self.settings.processor]

    def close(self) -> None:
        self.db.dispose()


def sandbox_secrets(settings: Settings) -> list[str]:
    """The sandbox's webhook secret(s): configured, or one made once and kept in the data folder."""
    if settings.sandbox_webhook_secrets:
        return list(settings.sandbox_webhook_secrets)
    path = Path(settings.data_dir) / "sandbox_webhook_secret"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("whsec_" + secrets.token_hex(24))
        path.chmod(0o600)
    return [path.read_text().strip()]


def bootstrap(settings: Settings | None = None, *, files: FileStore | None = None) -> Services:
    from core.adapters.sandbox import SandboxProcessor

    settings = settings or load_settings()
    notices.use_settings(settings)
    db = Database(settings.resolved_database_url)
    services = Services(settings=settings, db=db, files=files or LocalFileStore(settings.files_dir))
    services.processors["sandbox"] = SandboxProcessor(db, sandbox_secrets(settings))
    if settings.stripe_api_key:
        from core.adapters.stripe import StripeProcessor

        services.processors["stripe"] = StripeProcessor(
            settings.stripe_api_key, list(settings.stripe_webhook_secrets), api_base=settings.stripe_api_base or None
        )
    return services
