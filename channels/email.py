"""Email over SMTP: the outbox's sender for the email channel (and, through the gateway, for fax).

The dispatcher is synchronous and runs in a worker thread, so each send runs aiosmtplib's coroutine to
completion with `asyncio.run` in that thread; the web server's event loop never waits on an SMTP server.
The subject and text are tidied as every channel's are (`bot.texts.tidy`: "Bluewater Plumbing Co.." → "Co.").
"""

from __future__ import annotations

import asyncio
from email.message import EmailMessage
from email.utils import formatdate, parseaddr

import aiosmtplib

from bot import texts
from channels.smtp_settings import SmtpSettings
from core.kernel import Settings
from core.outbox import DeliveryError, OutgoingMessage


class SmtpSender:
    def __init__(self, settings: Settings | SmtpSettings) -> None:
        self._settings = settings if isinstance(settings, SmtpSettings) else SmtpSettings.of(settings)

    def send(self, message: OutgoingMessage) -> str:
        """Send one message; the provider id is its Message-ID, the same on every retry."""
        email = build_email(message, self._settings.sender)
        try:
            asyncio.run(self._submit(email, message.recipient))
        except (aiosmtplib.SMTPException, OSError) as exc:  # TimeoutError is an OSError
            raise delivery_error(exc) from exc
        return str(email["Message-ID"])

    async def _submit(self, email: EmailMessage, recipient: str) -> None:
        s = self._settings
        await aiosmtplib.send(
            email, sender=parseaddr(s.sender)[1], recipients=[recipient], hostname=s.host, port=s.port,
            username=s.username or None, password=s.password or None, timeout=s.timeout,
            use_tls=s.security == "tls", start_tls=s.security == "starttls",
        )


def build_email(message: OutgoingMessage, sender: str) -> EmailMessage:
    """Text, HTML as its alternative when given, and the attachments; a header that cannot be written
    (a line break in the address) is the message's own fault, so it fails for good."""
    email = EmailMessage()
    try:
        email["From"] = sender
        email["To"] = message.recipient
        email["Subject"] = texts.tidy(" ".join(message.subject.split()))
        email["Date"] = formatdate(usegmt=True)
        email["Message-ID"] = message_id(message.id, sender)
    except ValueError as exc:
        raise DeliveryError(f"cannot write the email headers: {exc}", permanent=True) from exc
    email.set_content(texts.tidy(message.body_text))
    if message.body_html:
        email.add_alternative(message.body_html, subtype="html")
    for attachment in message.attachments:
        maintype, _, subtype = attachment.content_type.partition("/")
        email.add_attachment(attachment.data, maintype=maintype, subtype=subtype or "octet-stream",
                             filename=attachment.filename)
    return email


def message_id(outbox_id: int, sender: str) -> str:
    # Derived, not random: a retried send carries the same id, so the receiving side can tell it is a repeat.
    domain = parseaddr(sender)[1].rpartition("@")[2] or "aragent.invalid"
    return f"<outbox-{outbox_id}@{domain}>"


def delivery_error(exc: BaseException) -> DeliveryError:
    """A 5xx refusal of the recipient or of the message is final; anything else (the server down or slow,
    4xx, a refused login or sender, which are our configuration) may pass, so the message is tried again."""
    if isinstance(exc, aiosmtplib.SMTPRecipientsRefused):
        codes = [refusal.code for refusal in exc.recipients]
        detail = "; ".join(f"{r.code} {r.message}" for r in exc.recipients)
        return DeliveryError(f"recipient refused: {detail}", permanent=bool(codes) and min(codes) >= 500)
    if isinstance(exc, aiosmtplib.SMTPRecipientRefused | aiosmtplib.SMTPDataError):
        what = "recipient refused" if isinstance(exc, aiosmtplib.SMTPRecipientRefused) else "message refused"
        return DeliveryError(f"{what}: {exc.code} {exc.message}", permanent=exc.code >= 500)
    if isinstance(exc, aiosmtplib.SMTPResponseException):
        return DeliveryError(f"SMTP server answered {exc.code} {exc.message}")
    return DeliveryError(f"SMTP server unavailable: {type(exc).__name__}: {exc}")
