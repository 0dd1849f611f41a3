"""One sender per channel, for the outbox dispatcher. A channel without one keeps its messages waiting."""

from __future__ import annotations

from channels.email import SmtpSender
from channels.fax import FaxGatewaySender
from core.bootstrap import Services
from core.dispatch import Sender


def build_senders(services: Services) -> dict[str, Sender]:
    smtp = SmtpSender(services.settings)
    senders: dict[str, Sender] = {"email": smtp}
    if services.settings.fax_gateway_domain:
        senders["fax"] = FaxGatewaySender(services.settings, smtp)
    return senders
