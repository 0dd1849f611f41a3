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
    # Seller branding on statements and receipts.
    seller_address: tuple[str, ...] = ("1200 Harbor Way", "Oakland, CA 94607")  # ';'-separated lines
    seller_phone: str = "+1 510 555 0100"
    seller_email: str = "ar@northwind.example"
    seller_logo: str = ""  # path to a PNG/SVG; empty: the name in type
    seller_color: str = "#1f4e79"  # accent colour
    remit_to: tuple[str, ...] = ()  # ';'-separated lines; empty: the seller address
    telegram_bot: str = ""  # e.g. @NorthwindARBot, printed under "how to pay"
    # Statements: started before this hour, the cycle dates its statements the previous day (the seed rule).
    statement_cutoff_hour: int = 6
    statements_auto_deliver: bool = False
    public_url: str = "http://127.0.0.1:8000"  # where signed document links point
    link_secret: str = ""  # empty: a secret kept in the data folder
    # Email (SMTP) and the fax gateway.
    smtp_host: str = "127.0.0.1"
    smtp_port: int = 25
    smtp_username: str = ""
    smtp_password: str = ""
    smtp_security: str = "none"  # none | starttls | tls
    smtp_from: str = "Northwind Supply Co. <ar@northwind.example>"
    smtp_timeout: float = 10.0
    fax_gateway_domain: str = ""  # e.g. fax.example.net: +15105550100 -> 15105550100@fax.example.net
    # The outbox dispatcher.
    outbox_max_attempts: int = 8
    outbox_backoff_seconds: int = 60  # doubled per attempt, capped at 6 hours
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def resolved_database_url(self) -> str:
        return self.database_url or f"sqlite:///{(self.data_dir / 'aragent.db').resolve()}"

    @property
    def files_dir(self) -> Path:
        return self.data_dir / "files"

    @property
    def print_dir(self) -> Path:
        return Path(self.extra.get("print_dir") or self.data_dir / "print")


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
        seller_address=_lines(env["seller_address"]) if "seller_address" in env else Settings.seller_address,
        seller_phone=env.get("seller_phone", Settings.seller_phone),
        seller_email=env.get("seller_email", Settings.seller_email),
        seller_logo=env.get("seller_logo", ""),
        seller_color=env.get("seller_color", Settings.seller_color),
        remit_to=_lines(env.get("remit_to", "")),
        telegram_bot=env.get("telegram_bot", ""),
        statement_cutoff_hour=int(env.get("statement_cutoff_hour", Settings.statement_cutoff_hour)),
        statements_auto_deliver=_flag(env.get("statements_auto_deliver", "")),
        public_url=env.get("public_url", Settings.public_url).rstrip("/"),
        link_secret=env.get("link_secret", ""),
        smtp_host=env.get("smtp_host", Settings.smtp_host),
        smtp_port=int(env.get("smtp_port", Settings.smtp_port)),
        smtp_username=env.get("smtp_username", ""),
        smtp_password=env.get("smtp_password", ""),
        smtp_security=env.get("smtp_security", "none").lower(),
        smtp_from=env.get("smtp_from", Settings.smtp_from),
        smtp_timeout=float(env.get("smtp_timeout", Settings.smtp_timeout)),
        fax_gateway_domain=env.get("fax_gateway_domain", ""),
        outbox_max_attempts=int(env.get("outbox_max_attempts", Settings.outbox_max_attempts)),
        outbox_backoff_seconds=int(env.get("outbox_backoff_seconds", Settings.outbox_backoff_seconds)),
        extra={k: env[k] for k in ("print_dir",) if env.get(k)},
    )


def _list(text: str) -> tuple[str, ...]:
    return tuple(item.strip() for item in text.split(",") if item.strip())


def _lines(text: str) -> tuple[str, ...]:
    return tuple(line.strip() for line in text.split(";") if line.strip())


def _flag(text: str) -> bool:
    return text.strip().lower() in ("1", "true", "yes", "on")
