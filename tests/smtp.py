"""A real SMTP server on loopback (aiosmtpd) for the tests that send email, and settings pointing at it."""

from __future__ import annotations

import email
import socket
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from email.message import EmailMessage
from email.policy import default as default_policy
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from core.kernel.config import Settings, with_channels

REFUSED_DOMAIN = "refused.example"
FAX_DOMAIN = "fax.example.net"


@dataclass
class Inbox:
    """What the SMTP server accepted; it refuses any recipient at REFUSED_DOMAIN with a 550."""

    received: list[tuple[list[str], EmailMessage]] = field(default_factory=list)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # type: ignore[no-untyped-def]
        if address.endswith("@" + REFUSED_DOMAIN):
            return "550 5.1.1 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # type: ignore[no-untyped-def]
        parsed = email.message_from_bytes(envelope.content, policy=default_policy)
        self.received.append((list(envelope.rcpt_tos), parsed))  # type: ignore[arg-type]
        return "250 Message accepted for delivery"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def only(login: str, password: str):  # type: ignore[no-untyped-def]
    """An authenticator that lets one login in."""

    def authenticate(server, session, envelope, mechanism, auth_data):  # type: ignore[no-untyped-def]
        ok = isinstance(auth_data, LoginPassword) and (auth_data.login, auth_data.password) == (
            login.encode(), password.encode())
        return AuthResult(success=ok)

    return authenticate


class SmtpServer:
    def __init__(self, port: int, **smtp_options: Any) -> None:
        self.port, self.inbox = port, Inbox()
        self._controller = Controller(self.inbox, hostname="127.0.0.1", port=port, ready_timeout=5, **smtp_options)

    def __enter__(self) -> SmtpServer:
        self._controller.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._controller.stop()


def smtp_settings(base: Settings, port: int, **changes: object) -> Settings:
    """`base` sending through the loopback server on `port`; `changes` are channel variables (smtp_username=…)
    or engine settings (outbox_max_attempts=…)."""
    channel = {k: v for k, v in changes.items() if k.startswith(("smtp_", "fax_"))}
    engine = {k: v for k, v in changes.items() if k not in channel}
    settings = with_channels(base, smtp_host="127.0.0.1", smtp_port=port, smtp_timeout=2.0,
                             fax_gateway_domain=FAX_DOMAIN, **channel)
    return replace(settings, **engine)  # type: ignore[arg-type]


@pytest.fixture(name="smtp")
def smtp_server() -> Iterator[SmtpServer]:
    with SmtpServer(free_port()) as server:
        yield server


