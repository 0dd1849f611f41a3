"""What `aragent serve` prints when it starts: where everything is, which channels are on (and how to turn the
others on), and for a demo the API key and console user, with commands that work when copied as printed."""

from __future__ import annotations

import datetime as dt
import os
import secrets
import shutil
import sys
from pathlib import Path

from channels.cli.common import CLI_ACTOR
from channels.smtp_settings import SmtpSettings
from channels.telegram_settings import TelegramSettings
from channels.twilio_settings import TwilioSettings
from core import kernel, staff
from core.bootstrap import Services
from core.kernel import Conflict, Settings

DEMO_KEY_FILE = "demo_api_key"  # in the data folder: a restart shows the same key instead of minting another


def cli_name() -> str:
    """How to run `aragent` from here, as the user ran it: `aragent` when it is on PATH, else its path."""
    argv0 = Path(sys.argv[0])
    if argv0.name != "aragent":  # python -m channels.cli.main, a test runner
        return "aragent"
    found = shutil.which("aragent")
    if found and Path(found).resolve() == argv0.resolve():
        return "aragent"
    try:
        return str(argv0.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(argv0.resolve())


def demo_api_key(services: Services) -> str:
    """The demo's API key: the one kept in the data folder while it still opens the API, else a new one."""
    path = Path(services.settings.data_dir) / DEMO_KEY_FILE
    if path.exists():
        key = path.read_text().strip()
        if kernel.authenticate(services.db.uow(), key):
            return key
    try:
        key = kernel.create_api_key(services.db.uow(), "demo", CLI_ACTOR)
    except Conflict:  # the old demo key was revoked, or its file removed
        key = kernel.create_api_key(services.db.uow(), f"demo-{dt.datetime.now(dt.UTC):%Y%m%d%H%M%S}", CLI_ACTOR)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.touch(mode=0o600)
    path.write_text(key + "\n")
    os.chmod(path, 0o600)
    return key


def demo_console_user(services: Services, cli: str) -> str:
    """The demo's admin, made with a fresh password shown once; on a later start, how to set a new one."""
    if not staff.list_users(services.db.uow()):
        password = secrets.token_urlsafe(12)
        staff.add_user(services.db.uow(), "admin", password, "admin", CLI_ACTOR, full_name="Demo Admin")
        return f"admin / {password}   (shown once)"
    return f"admin (password shown at the first start; a new one: {cli} users password admin)"


def channel_lines(settings: Settings, base: str) -> list[str]:
    telegram, twilio = TelegramSettings.of(settings), TwilioSettings.of(settings)
    lines = [
        f"Telegram   on: webhook {base}/webhooks/telegram" if telegram.configured
        else "Telegram   off: set ARAGENT_TELEGRAM_TOKEN (and ARAGENT_TELEGRAM_WEBHOOK_SECRET)",
    ]
    if twilio.configured:
        sending = "replies and reminders sent" if twilio.can_send else \
            "pushed texts wait: set ARAGENT_TWILIO_ACCOUNT_SID and ARAGENT_TWILIO_FROM"
        lines.append(f"SMS, voice on: {base}/webhooks/twilio/sms and /voice; {sending}")
    else:
        lines.append("SMS, voice off: set ARAGENT_TWILIO_AUTH_TOKEN, _ACCOUNT_SID and _FROM")
    email = SmtpSettings.of(settings)
    if email.configured:
        lines.append(f"email      on: SMTP {email.host}:{email.port}"
                     + (f", fax via @{email.fax_gateway_domain}" if email.fax_gateway_domain else ""))
    else:
        lines.append("email      off: set ARAGENT_SMTP_HOST (and _PORT, _FROM); email and fax wait in the outbox")
    return lines


def banner(services: Services, base: str, *, api_key: str = "", console_user: str = "", cli: str = "aragent") -> str:
    key = api_key or "ark_…"
    lines = [
        f"aragent on {base}  ({services.db.engine.dialect.name}, data in {Path(services.settings.data_dir).resolve()})",
        f"  console:       {base}/console" + (f"   user {console_user}" if console_user else ""),
        f"  API docs:      {base}/schema",
        f"  a customer:    curl -H 'X-API-Key: {key}' {base}/api/customers/C1001",
        f"  chat as one:   {cli} chat --customer C1001   (another terminal, this folder)",
        "  channels:",
        *(f"    {line}" for line in channel_lines(services.settings, base)),
    ]
    lines.insert(1, f"  API key:       {api_key}   (kept in {Path(services.settings.data_dir) / DEMO_KEY_FILE})"
                 if api_key else f"  API key:       {cli} api-keys create NAME   (shown once)")
    return "\n".join(lines)
