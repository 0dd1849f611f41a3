"""Telegram's and Twilio's settings are parsed by the channels, from the ARAGENT_ variables the engine hands on
unread."""

from __future__ import annotations

from pathlib import Path

import pytest

from channels.telegram_settings import TelegramSettings
from channels.twilio_settings import TwilioSettings
from core.kernel.config import load_settings


def test_the_channels_are_off_without_their_variables(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)  # no .env
    for name in ("TELEGRAM_TOKEN", "TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN", "TWILIO_FROM", "AGENT_PHONE"):
        monkeypatch.delenv(f"ARAGENT_{name}", raising=False)

    settings = load_settings()

    telegram, twilio = TelegramSettings.of(settings), TwilioSettings.of(settings)
    assert not telegram.configured and telegram.api_base == "https://api.telegram.org/bot"
    assert not twilio.configured and not twilio.can_send
    assert (twilio.reply_seconds, twilio.pay_connector, twilio.agent_phone) == (10.0, "Default", "")


def test_the_channel_variables_reach_the_channels(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    for name, value in {"TELEGRAM_TOKEN": " 123:abc ", "TELEGRAM_WEBHOOK_SECRET": "s3cret",
                        "TELEGRAM_API_BASE": "http://127.0.0.1:9/bot", "TELEGRAM_TIMEOUT": "2.5",
                        "TWILIO_ACCOUNT_SID": "AC" + "1" * 32, "TWILIO_AUTH_TOKEN": "tok",
                        "TWILIO_FROM": "+15005550006",
                        "TWILIO_API_BASE": "http://127.0.0.1:9/", "TWILIO_TIMEOUT": "3", "TWILIO_REPLY_SECONDS": "4",
                        "TWILIO_PAY_CONNECTOR": "Stripe", "AGENT_PHONE": "+15105550100"}.items():
        monkeypatch.setenv(f"ARAGENT_{name}", value)

    settings = load_settings()

    assert TelegramSettings.of(settings) == TelegramSettings("123:abc", "s3cret", "http://127.0.0.1:9/bot", 2.5)
    assert TwilioSettings.of(settings) == TwilioSettings("AC" + "1" * 32, "tok", "+15005550006", "http://127.0.0.1:9",
                                                         3.0, 4.0, "Stripe", "+15105550100")
    assert TwilioSettings.of(settings).can_send
