"""Settings: one env-driven object. Every variable is prefixed ARAGENT_ and may come from a .env file.

The embedded default needs no external service: SQLite in the data folder, a local file store.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dotenv import dotenv_values

DEFAULT_SHORT_PAY_REASONS = (
    "Pricing error",
    "Damaged goods",
    "Short shipment",
    "Returned goods",
    "Disputed charge",
    "Other",
)

CHANNEL_PREFIXES = ("smtp_", "fax_", "telegram_", "twilio_", "agent_")
ENGINE_TELEGRAM = ("telegram_bot", "telegram_rate_per_second")  # printed on statements; the outbox's pace


def aragent_env() -> dict[str, str]:
    """ARAGENT_* variables, the environment over .env, keys without the prefix and in lower case."""
    values = {k: v for k, v in dotenv_values(".env").items() if v is not None}
    values.update(os.environ)
    return {k[len("ARAGENT_"):].lower(): v for k, v in values.items() if k.startswith("ARAGENT_")}


class SettingsError(ValueError):
    """A setting that cannot be used as given; the message names the variable."""


@dataclass(frozen=True)
class BankRemit:
    """Where customers send ACH and wire payments: printed on statements and receipts, under "How to pay"."""

    bank_name: str
    account_name: str  # the beneficiary: the seller's name unless the account is held under another
    routing: str  # ABA routing number, for ACH and domestic wires
    account: str
    swift: str = ""  # for international wires; empty: none offered

    def to_json(self) -> dict[str, str]:
        return {"bank_name": self.bank_name, "account_name": self.account_name, "routing": self.routing,
                "account": self.account, "swift": self.swift}


@dataclass(frozen=True)
class PlanDefaults:
    """Instalment plans for a customer class without a policy of its own (the `plan_policies` table): at most
    `max_instalments` payments, none below `min_instalment` (major units of the account's currency), the last within
    `max_days` of the agreement, the first due the day it is agreed when `first_due_now`; a missed instalment
    breaks the plan `grace_days` after it was missed."""

    max_instalments: int = 3
    min_instalment: str = "50.00"
    max_days: int = 90
    first_due_now: bool = True
    grace_days: int = 7


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
    remit_bank: BankRemit | None = None  # ARAGENT_REMIT_BANK_NAME, _ROUTING, _ACCOUNT (+ _SWIFT, _ACCOUNT_NAME)
    telegram_bot: str = ""  # e.g. @NorthwindARBot, printed under "how to pay"
    # Statements: started before this hour, the cycle dates its statements the previous day (the seed rule).
    statement_cutoff_hour: int = 6
    statements_auto_deliver: bool = False
    public_url: str = "http://127.0.0.1:8000"  # where signed document links point
    link_secret: str = ""  # empty: a secret kept in the data folder
    pay_link_days: int = 14  # how long a "Pay online" link in a statement or dunning message stays usable
    # Documents (statements, receipts, invoice PDFs): `s3://bucket/prefix` keeps them in S3-compatible object
    # storage, which several machines share; empty: the folder `<data dir>/files`. The endpoint (MinIO, Ceph, R2…;
    # empty: AWS), region and keys; empty keys: boto3's own chain (AWS_* variables, an instance role).
    files_url: str = ""
    s3_endpoint_url: str = ""
    s3_region: str = ""
    s3_access_key_id: str = ""
    s3_secret_access_key: str = ""
    # Email (SMTP) and the fax gateway.
    # The outbox dispatcher.
    outbox_max_attempts: int = 8
    outbox_backoff_seconds: int = 60  # doubled per attempt, capped at 6 hours
    # Dunning and pushed messages.
    quiet_hours: tuple[int, int] = (8, 21)  # pushed messages go out from 08:00 until 21:00, customer's time
    dispute_reasons: tuple[str, ...] = ("Pricing error", "Damaged goods", "Short shipment", "Disputed charge")
    promise_grace_days: int = 3
    autopay_notice_days: int = 3  # an autopay charge is scheduled and announced this many days before its date
    # Retries of a scheduled charge declined softly (insufficient funds, processor unavailable): days after each
    # attempt the next is made (1,3,7: the day after, 3 days after that, 7 after that); empty: never retried.
    retry_schedule_days: tuple[int, ...] = (1, 3, 7)
    plan_defaults: PlanDefaults = PlanDefaults()  # ARAGENT_PLAN_MAX_INSTALMENTS, _MIN_INSTALMENT, _MAX_DAYS, …
    telegram_rate_per_second: float = 30.0  # overall; and one message a second per chat
    sms_rate_per_second: float = 10.0
    # The scheduler: cron expressions (minute hour day month day-of-week) in `scheduler_timezone`.
    scheduler_timezone: str = "UTC"
    statements_cron: str = "0 2 1 * *"  # 02:00 on the 1st: the statements dated the last day of the month
    aging_cron: str = "5 0 * * *"  # just after midnight: the kept balances count from the new day
    dunning_cron: str = "0 7 * * *"
    scheduled_payments_cron: str = "0 6 * * *"
    plans_cron: str = "30 6 * * *"  # after the day's instalments are charged, before dunning reads the plans
    autopay_cron: str = "30 5 * * *"  # before the scheduled payments: autopay notices for the days ahead
    print_batch_cron: str = "0 17 * * 1-5"
    reconcile_cron: str = "* * * * *"  # charges never sent go out within a minute or so; lost events after 15 min
    # Retraining the bot's understanding on the messages staff labelled (`aragent nlu retrain`); empty: off, as a
    # seller may want to look at the accuracy it prints before a model is put in use.
    nlu_retrain_cron: str = ""
    outbox_interval_seconds: int = 30
    # A money request's Idempotency-Key is held this long; a retry after it finds what a dead request left.
    idempotency_lease_seconds: int = 30
    # The agent console: a session ends after this long without a request, and at the latest after `hours`.
    console_idle_minutes: int = 30
    console_session_hours: int = 12
    # Guessing at sign-in (core.staff.sign_in_guard): after `delay_after` failures for a username, each attempt waits
    # 1 s, 2 s, 4 s… after the last; `lock_after` failures within `window` lock the username for `lock` minutes (an
    # admin may lift it); one client address gets `address_delay_after` failures (of any usernames) before its waits.
    console_sign_in_delay_after: int = 3
    console_sign_in_lock_after: int = 10
    console_sign_in_window_minutes: int = 15
    console_sign_in_lock_minutes: int = 15
    console_address_delay_after: int = 20
    # Two-factor sign-in (TOTP): the lowest role that must use it ("" none, "supervisor": supervisors and admins);
    # the key its secrets are sealed with (empty: one kept in the data folder).
    console_require_2fa: str = ""
    console_totp_key: str = ""
    # A chat handed to a person: when staff answer (in `seller_timezone`), and how long before the customer is told
    # no one has taken it yet and offered the bot back.
    seller_timezone: str = "America/Los_Angeles"
    business_hours: tuple[tuple[tuple[int, ...], int, int], ...] = (((0, 1, 2, 3, 4), 8 * 60, 17 * 60),)
    handoff_wait_minutes: int = 15
    # Telegram (PTB embedded in the web app): no token, no Telegram channel.
    extra: dict[str, str] = field(default_factory=dict)
    # The channels' own variables (ARAGENT_SMTP_*, _FAX_*, _TELEGRAM_*, _TWILIO_*, _AGENT_*), unparsed: each
    # channel reads and checks its own in channels/*_settings.py; the engine knows no transport.
    channels: dict[str, str] = field(default_factory=dict)

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
    env = {**aragent_env(), **overrides}
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
        remit_bank=_bank_remit(env, env.get("seller_name", Settings.seller_name)),
        telegram_bot=env.get("telegram_bot", ""),
        statement_cutoff_hour=int(env.get("statement_cutoff_hour", Settings.statement_cutoff_hour)),
        statements_auto_deliver=_flag(env.get("statements_auto_deliver", "")),
        public_url=env.get("public_url", Settings.public_url).rstrip("/"),
        link_secret=env.get("link_secret", ""),
        pay_link_days=int(env.get("pay_link_days", Settings.pay_link_days)),
        files_url=_files_url(env.get("files_url", "")),
        s3_endpoint_url=env.get("s3_endpoint_url", "").strip(),
        s3_region=env.get("s3_region", "").strip(),
        s3_access_key_id=env.get("s3_access_key_id", "").strip(),
        s3_secret_access_key=env.get("s3_secret_access_key", ""),
        outbox_max_attempts=int(env.get("outbox_max_attempts", Settings.outbox_max_attempts)),
        outbox_backoff_seconds=int(env.get("outbox_backoff_seconds", Settings.outbox_backoff_seconds)),
        quiet_hours=_hours(env.get("quiet_hours", "8-21")),
        dispute_reasons=_lines(env["dispute_reasons"]) if "dispute_reasons" in env else Settings.dispute_reasons,
        promise_grace_days=int(env.get("promise_grace_days", Settings.promise_grace_days)),
        retry_schedule_days=_retry_days(env["retry_schedule_days"]) if "retry_schedule_days" in env
        else Settings.retry_schedule_days,
        plan_defaults=_plan_defaults(env),
        telegram_rate_per_second=float(env.get("telegram_rate_per_second", Settings.telegram_rate_per_second)),
        sms_rate_per_second=float(env.get("sms_rate_per_second", Settings.sms_rate_per_second)),
        console_idle_minutes=int(env.get("console_idle_minutes", Settings.console_idle_minutes)),
        console_session_hours=int(env.get("console_session_hours", Settings.console_session_hours)),
        console_sign_in_delay_after=int(env.get("console_sign_in_delay_after", Settings.console_sign_in_delay_after)),
        console_sign_in_lock_after=int(env.get("console_sign_in_lock_after", Settings.console_sign_in_lock_after)),
        console_sign_in_window_minutes=int(env.get("console_sign_in_window_minutes",
                                                   Settings.console_sign_in_window_minutes)),
        console_sign_in_lock_minutes=int(env.get("console_sign_in_lock_minutes",
                                                 Settings.console_sign_in_lock_minutes)),
        console_address_delay_after=int(env.get("console_address_delay_after", Settings.console_address_delay_after)),
        console_require_2fa=_lowest_role(env.get("console_require_2fa", "")),
        console_totp_key=env.get("console_totp_key", ""),
        seller_timezone=_zone(env.get("seller_timezone", Settings.seller_timezone)),
        business_hours=_business_hours(env["business_hours"]) if "business_hours" in env else Settings.business_hours,
        handoff_wait_minutes=int(env.get("handoff_wait_minutes", Settings.handoff_wait_minutes)),
        scheduler_timezone=env.get("scheduler_timezone", "UTC"),
        statements_cron=env.get("statements_cron", Settings.statements_cron),
        aging_cron=env.get("aging_cron", Settings.aging_cron),
        dunning_cron=env.get("dunning_cron", Settings.dunning_cron),
        scheduled_payments_cron=env.get("scheduled_payments_cron", Settings.scheduled_payments_cron),
        plans_cron=env.get("plans_cron", Settings.plans_cron),
        autopay_cron=env.get("autopay_cron", Settings.autopay_cron),
        autopay_notice_days=max(1, int(env.get("autopay_notice_days", Settings.autopay_notice_days))),
        print_batch_cron=env.get("print_batch_cron", Settings.print_batch_cron),
        reconcile_cron=env.get("reconcile_cron", Settings.reconcile_cron),
        nlu_retrain_cron=env.get("nlu_retrain_cron", Settings.nlu_retrain_cron).strip(),
        outbox_interval_seconds=int(env.get("outbox_interval_seconds", Settings.outbox_interval_seconds)),
        idempotency_lease_seconds=int(env.get("idempotency_lease_seconds", Settings.idempotency_lease_seconds)),
        extra={k: env[k] for k in ("print_dir",) if env.get(k)},
        channels={k: v for k, v in env.items() if k.startswith(CHANNEL_PREFIXES) and k not in ENGINE_TELEGRAM},
    )


def _plan_defaults(env: dict[str, str]) -> PlanDefaults:
    base = PlanDefaults()
    return PlanDefaults(
        max_instalments=int(env.get("plan_max_instalments", base.max_instalments)),
        min_instalment=env.get("plan_min_instalment", base.min_instalment),
        max_days=int(env.get("plan_max_days", base.max_days)),
        first_due_now=_flag(env["plan_first_due_now"]) if "plan_first_due_now" in env else base.first_due_now,
        grace_days=int(env.get("plan_grace_days", base.grace_days)),
    )


def _list(text: str) -> tuple[str, ...]:
    return tuple(item.strip() for item in text.split(",") if item.strip())


def _retry_days(text: str) -> tuple[int, ...]:
    """ARAGENT_RETRY_SCHEDULE_DAYS: `1,3,7` → (1, 3, 7); empty: no retries."""
    items = _list(text)
    if not all(item.isdigit() and 0 < int(item) <= 60 for item in items):
        raise SettingsError(f"ARAGENT_RETRY_SCHEDULE_DAYS must be days from 1 to 60 like 1,3,7 (or empty), "
                            f"not {text!r}")
    return tuple(int(item) for item in items)


def _lines(text: str) -> tuple[str, ...]:
    return tuple(line.strip() for line in text.split(";") if line.strip())


def _files_url(text: str) -> str:
    """ARAGENT_FILES_URL: empty (the local folder) or `s3://bucket` with an optional key prefix."""
    url = text.strip().rstrip("/")
    if url and not re.fullmatch(r"s3://[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](/[^/].*)?", url):
        raise SettingsError(f"ARAGENT_FILES_URL must be like s3://bucket/prefix (or empty: the data folder), "
                            f"not {text!r}")
    return url


def _flag(text: str) -> bool:
    return text.strip().lower() in ("1", "true", "yes", "on")


_STAFF_ROLES = ("agent", "supervisor", "admin")  # core.staff.ROLES, lowest first (the kernel imports no context)


def _lowest_role(text: str) -> str:
    """ARAGENT_CONSOLE_REQUIRE_2FA: `supervisor` (and above), `supervisor,admin`, `true` (everyone), `false` → the
    lowest role that must use two-factor sign-in, or "" for none."""
    words = [w.strip().lower() for w in text.split(",") if w.strip()]
    if not words or words[0] in ("0", "false", "no", "off", "none"):
        return ""
    if words[0] in ("1", "true", "yes", "on", "all"):
        return _STAFF_ROLES[0]
    unknown = [w for w in words if w not in _STAFF_ROLES]
    if unknown:
        raise SettingsError(f"ARAGENT_CONSOLE_REQUIRE_2FA must be true, false or roles of {', '.join(_STAFF_ROLES)};"
                            f" not {', '.join(unknown)}")
    return min(words, key=_STAFF_ROLES.index)


def _hours(text: str) -> tuple[int, int]:
    """`8-21`: from 08:00 until 21:00."""
    start, _, end = text.partition("-")
    hours = (int(start), int(end or 24))
    if not 0 <= hours[0] < hours[1] <= 24:
        raise SettingsError(f"ARAGENT_QUIET_HOURS must be like 8-21, not {text!r}")
    return hours


_DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_WINDOW = re.compile(r"(?P<first>[a-z]{3})[a-z]*(?:\s*-\s*(?P<last>[a-z]{3})[a-z]*)?\s+"
                     r"(?P<start>\d{1,2}):(?P<start_m>\d\d)\s*-\s*(?P<end>\d{1,2}):(?P<end_m>\d\d)")


def _business_hours(text: str) -> tuple[tuple[tuple[int, ...], int, int], ...]:
    """`Mon-Fri 08:00-17:00; Sat 09:00-12:00` → ((weekdays, Monday 0), start minute, end minute) per window."""
    windows = []
    for part in (p.strip().lower() for p in text.split(";") if p.strip()):
        found = _WINDOW.fullmatch(part)
        days = (found.group("first"), found.group("last") or found.group("first")) if found else ("", "")
        if found is None or not set(days) <= set(_DAYS):
            raise SettingsError(f"ARAGENT_BUSINESS_HOURS must be like Mon-Fri 08:00-17:00, not {text!r}")
        first, last = _DAYS.index(days[0]), _DAYS.index(days[1])
        start = int(found.group("start")) * 60 + int(found.group("start_m"))
        end = int(found.group("end")) * 60 + int(found.group("end_m"))
        if not 0 <= start < end <= 24 * 60:
            raise SettingsError(f"ARAGENT_BUSINESS_HOURS: {part!r} must open before it closes, within a day")
        windows.append((tuple(range(first, (last if last >= first else last + 7) + 1)), start, end))
    return tuple((tuple(day % 7 for day in days), start, end) for days, start, end in windows)


def _zone(name: str) -> str:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise SettingsError(f"ARAGENT_SELLER_TIMEZONE {name!r} is not an IANA time zone") from exc
    return name


def _bank_remit(env: dict[str, str], seller_name: str) -> BankRemit | None:
    """The ACH/wire details, checked as a bank would: a mistyped routing number sends customers' money astray."""
    given = {key: env.get(f"remit_bank_{key}", "").strip() for key in ("name", "routing", "account", "swift")}
    if not any(given.values()):
        return None
    missing = [f"ARAGENT_REMIT_BANK_{key.upper()}" for key in ("name", "routing", "account") if not given[key]]
    if missing:
        raise SettingsError(f"ACH/wire remit details need {', '.join(missing)} too (or none of them set)")
    routing, account, swift = given["routing"], re.sub(r"[ -]", "", given["account"]), given["swift"].upper()
    if not (re.fullmatch(r"\d{9}", routing) and aba_routing_ok(routing)):
        raise SettingsError(f"ARAGENT_REMIT_BANK_ROUTING {routing!r} is not a valid 9-digit ABA routing number")
    if not re.fullmatch(r"\d{4,17}", account):
        raise SettingsError("ARAGENT_REMIT_BANK_ACCOUNT must be 4 to 17 digits (spaces and dashes allowed)")
    if swift and not re.fullmatch(r"[A-Z]{6}[A-Z0-9]{2}(?:[A-Z0-9]{3})?", swift):
        raise SettingsError(f"ARAGENT_REMIT_BANK_SWIFT {swift!r} is not a SWIFT/BIC code (8 or 11 characters)")
    return BankRemit(bank_name=given["name"], account_name=env.get("remit_bank_account_name", "").strip()
                     or seller_name, routing=routing, account=account, swift=swift)


def aba_routing_ok(routing: str) -> bool:
    """The ABA check digit: 3·d1 + 7·d2 + d3 + 3·d4 + … ≡ 0 (mod 10)."""
    return sum(int(d) * w for d, w in zip(routing, (3, 7, 1) * 3, strict=True)) % 10 == 0


def with_channels(settings: Settings, **values: object) -> Settings:
    """The settings with channel variables set, as ARAGENT_<NAME> would set them (tests, benches)."""
    return replace(settings, channels={**settings.channels, **{k: str(v) for k, v in values.items()}})
