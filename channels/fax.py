"""Fax through an email-to-fax gateway: the PDF goes by email to <number>@<gateway domain>."""

from __future__ import annotations

from dataclasses import replace

from channels.email import SmtpSender
from channels.smtp_settings import SmtpSettings
from core.kernel import Invalid, Settings
from core.outbox import DeliveryError, OutgoingMessage, fax_address


class FaxGatewaySender:
    def __init__(self, settings: Settings | SmtpSettings, smtp: SmtpSender) -> None:
        email = settings if isinstance(settings, SmtpSettings) else SmtpSettings.of(settings)
        self._domain = email.fax_gateway_domain
        self._smtp = smtp

    def send(self, message: OutgoingMessage) -> str:
        """The outbox row's recipient is the E.164 fax number; the gateway dials it."""
        try:
            address = fax_address(message.recipient, self._domain)
        except Invalid as exc:
            # A bad number is the message's fault; a missing domain is ours, fixed by configuration, then retried.
            raise DeliveryError(str(exc), permanent=exc.field == "recipient") from exc
        return self._smtp.send(replace(message, recipient=address))
