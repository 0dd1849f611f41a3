"""Settings: one env-driven object. Every variable is prefixed ARAGENT_ and may come from a .env file.

The embedded default needs no external service: SQLite in the data folder, a local file store.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from dotenv import dotenv_values

DEFAULT_SHORT_PAY_REASONS = (
    "Pricing error",
    "Damaged goods",
    "Short shipment",
    "Returned goods",
    "Disputed charge",
    "Other",
)


def _env() -> dict[str, str]:
    values = {k: v for k, v in dotenv_values(".env").items() if v is not None}
    values.update(os.environ)
    return {k[len("ARAGENT_"):].lower(): v for k, v in values.items() if k.startswith("ARAGENT_")}


@dataclass(frozen=True)
class Settings:
    data_dir: Path = Path("data")
    database_url: str = ""
    short_pay_reasons: tuple[str, ...] = DEFAULT_SHORT_PAY_REASONS
    default_country: str = "US"
    log_level: str = "info"
    log_format: str = "auto"  # auto | json | console
    seller_name: str = "Northwind Supply Co."
    processor: str = "sandbox"  # the processor new payments go to: sandbox | stripe
    sandbox_webhook_secrets: tuple[str, ...] = ()  # empty: a secret kept in the data folder
    stripe_api_key: str = ""  # set: the stripe processor is available
    stripe_webhook_secrets: tuple[str, ...] = ()  # comma-separated; several while a secret is rotated
    stripe_api_base: str = ""  # empty: Stripe's own API
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def resolved_database_url(self) -> str:
        return self.database_url or f"sqlite:///{(self.data_dir / 'aragent.db').resolve()}"

    @property
    def files_dir(self) -> Path:
        return self.data_dir / "files"


def load_settings(**overrides: str) -> Settings:
    env = {**_env(), **overrides}
    reasons = tuple(r.strip() for r in env.get("short_pay_reasons", "").split(";") if r.strip())
    return Settings(
        data_dir=Path(env.get("data_dir", "data")),
        database_url=env.get("database_url", ""),
        short_pay_reasons=reasons or DEFAULT_SHORT_PAY_REASONS,
        default_country=env.get("default_country", "US").upper(),
        log_level=env.get("log_level", "info"),
        log_format=env.get("log_format", "auto"),
        seller_name=env.get("seller_name", Settings.seller_name),
        processor=env.get("processor", "sandbox"),
        sandbox_webhook_secrets=_list(env.get("sandbox_webhook_secrets", "")),
        stripe_api_key=env.get("stripe_api_key", ""),
        stripe_webhook_secrets=_list(env.get("stripe_webhook_secrets", "")),
        stripe_api_base=env.get("stripe_api_base", ""),
    )


def _list(text: str) -> tuple[str, ...]:
    return tuple(item.strip() for item in text.split(",") if item.strip())
