"""One sender per channel, for the outbox dispatcher. A channel without one keeps its messages waiting."""

from __future__ import annotations

from channels.email import SmtpSender
from channels.fax import FaxGatewaySender
from channels.smtp_settings import SmtpSettings
from channels.telegram import TelegramSender
from channels.telegram_settings import TelegramSettings
from channels.twilio_settings import TwilioSettings
from channels.twilio_sms import SmsSender
from core.bootstrap import Services
from core.outbox import Sender


def build_senders(services: Services, *, telegram: TelegramSettings | None = None,
                  twilio: TwilioSettings | None = None) -> dict[str, Sender]:
    senders: dict[str, Sender] = {}
    email = SmtpSettings.of(services.settings)
    if email.configured:  # no SMTP server configured: email and fax wait in the outbox, untried
        smtp = SmtpSender(email)
        senders["email"] = smtp
        if email.fax_gateway_domain:
            senders["fax"] = FaxGatewaySender(email, smtp)
    telegram = telegram or TelegramSettings.of(services.settings)
    if telegram.configured:
        senders["telegram"] = TelegramSender(telegram)
    twilio = twilio or TwilioSettings.of(services.settings)
    if twilio.can_send:
        senders["sms"] = SmsSender(twilio, services.settings.public_url)
    return senders
