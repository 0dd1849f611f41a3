"""The composition root: settings → database, file store, payment processors. Channels ask for one `Services`."""

from __future__ import annotations

from dataclasses import dataclass, field

from core.documents.files import FileStore, LocalFileStore
from core.documents.letterhead import SellerInfo, seller_info
from core.kernel.config import Settings, load_settings
from core.kernel.db import Database
from core.kernel.errors import Invalid
from core.payments.notices import Branding
from core.payments.processor import PaymentProcessor


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

    @property
    def branding(self) -> Branding:
        """The seller as payment notices sign off: its name, phone and Telegram bot."""
        return Branding.of(self.settings)

    @property
    def seller(self) -> SellerInfo:
        """The seller's letterhead on receipts: name, address, contact (its logo kept in the file store)."""
        return seller_info(self.settings, self.files)

    def close(self) -> None:
        self.db.dispose()


def file_store(settings: Settings) -> FileStore:
    """ARAGENT_FILES_URL's object storage when set (several machines), else the data folder's `files/`."""
    if settings.files_url:
        from core.documents.s3_store import S3FileStore  # here: boto3 loads only when documents live in S3

        return S3FileStore.from_settings(settings)
    return LocalFileStore(settings.files_dir)


def bootstrap(settings: Settings | None = None, *, files: FileStore | None = None) -> Services:
    from core.payments.adapters.sandbox import SandboxProcessor, sandbox_secrets

    settings = settings or load_settings()
    db = Database(settings.resolved_database_url)
    services = Services(settings=settings, db=db, files=files or file_store(settings))
    services.processors["sandbox"] = SandboxProcessor(db, sandbox_secrets(settings))
    if settings.stripe_api_key:
        from core.payments.adapters.stripe import StripeProcessor

        services.processors["stripe"] = StripeProcessor(
            settings.stripe_api_key, list(settings.stripe_webhook_secrets), api_base=settings.stripe_api_base or None
        )
    return services
