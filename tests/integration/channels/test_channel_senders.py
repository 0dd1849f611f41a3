"""The outbox's Telegram and SMS senders through the real SDKs (PTB, the Twilio REST client) to a local HTTP
server that records what they send, answering as Telegram's Bot API and Twilio's REST API do.

`Recorder`, `telegram_api` and `twilio_api` are used by the e2e channel tests too.
"""

from __future__ import annotations

import email
import email.policy
import itertools
import json
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

import pytest
from sqlalchemy import select

from channels.senders import build_senders
from channels.telegram import TelegramSender
from channels.telegram_settings import TelegramSettings
from channels.twilio_settings import TwilioSettings
from channels.twilio_sms import SmsSender
from core.bootstrap import Services
from core.outbox import lifecycle as outbox
from core.outbox.models import OutboxMessage
from core.outbox.sending import Attachment, DeliveryError, OutgoingMessage, dispatch
from core.statements.pdf import ensure_statement_pdf
from tests.books import TEST_ACTOR

TOKEN = "123456:TEST-token"
ACCOUNT_SID = "AC" + "0" * 32
AUTH_TOKEN = "twilio-auth-token-for-tests"
OUR_NUMBER = "+15005550006"


# ── A local HTTP server that records requests ────────────────────────────────────────────────────────


@dataclass
class Recorded:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes

    @property
    def endpoint(self) -> str:
        return self.path.rsplit("/", 1)[-1].split("?")[0]

    def fields(self) -> dict[str, str]:
        """The request's parameters, whether sent as JSON, a form, or multipart (file parts: their filename)."""
        kind = self.headers.get("content-type", "")
        if kind.startswith("application/json"):
            return {k: v if isinstance(v, str) else json.dumps(v) for k, v in json.loads(self.body or b"{}").items()}
        if kind.startswith("multipart/form-data"):
            parsed = email.message_from_bytes(f"Content-Type: {kind}\r\n\r\n".encode() + self.body,
                                              policy=email.policy.HTTP)
            out = {}
            for part in parsed.iter_parts():
                name = part.get_param("name", header="content-disposition")
                filename = part.get_filename()
                out[str(name)] = filename or part.get_content()
            return out
        return {k: v[0] for k, v in parse_qs(self.body.decode()).items()}

    def file(self) -> bytes:
        kind = self.headers.get("content-type", "")
        parsed = email.message_from_bytes(f"Content-Type: {kind}\r\n\r\n".encode() + self.body,
                                          policy=email.policy.HTTP)
        return next(part.get_payload(decode=True) for part in parsed.iter_parts() if part.get_filename())


Answer = tuple[int, dict | list | bool]


@dataclass
class Recorder:
    """Answers with `respond(request)`; `fail_next` answers the next requests with these instead."""

    respond: Callable[[Recorded], Answer]
    requests: list[Recorded] = field(default_factory=list)
    fail_next: list[Answer] = field(default_factory=list)
    delay: float = 0.0

    def __post_init__(self) -> None:
        recorder = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:  # noqa: N802 - http.server's name
                length = int(self.headers.get("Content-Length") or 0)
                request = Recorded("POST", self.path, {k.lower(): v for k, v in self.headers.items()},
                                   self.rfile.read(length))
                recorder.requests.append(request)
                if recorder.delay:
                    time.sleep(recorder.delay)
                status, payload = recorder.fail_next.pop(0) if recorder.fail_next else recorder.respond(request)
                body = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_POST  # noqa: N815

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def calls(self, endpoint: str) -> list[Recorded]:
        return [r for r in self.requests if r.endpoint == endpoint]

    def wait_for(self, endpoint: str, count: int = 1, timeout: float = 5.0) -> list[Recorded]:
        deadline = time.monotonic() + timeout
        while len(self.calls(endpoint)) < count and time.monotonic() < deadline:
            time.sleep(0.01)
        return self.calls(endpoint)

    def __enter__(self) -> Recorder:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


# ── Telegram's Bot API and Twilio's REST API, as far as we use them ──────────────────────────────────

_ids = itertools.count(100)


def telegram_api(request: Recorded) -> Answer:
    method, fields = request.endpoint, request.fields()
    if method == "getMe":
        return 200, {"ok": True, "result": {"id": 123456, "is_bot": True, "first_name": "Northwind AR",
                                            "username": "northwind_ar_bot"}}
    if method in ("sendMessage", "sendDocument"):
        message: dict = {"message_id": next(_ids), "date": int(time.time()),
                         "chat": {"id": int(fields["chat_id"]), "type": "private"}}
        if method == "sendMessage":
            message["text"] = fields["text"]
        else:
            message["document"] = {"file_id": "BQAC", "file_unique_id": "AgAD", "file_name": fields["document"]}
        return 200, {"ok": True, "result": message}
    return 200, {"ok": True, "result": True}


def telegram_error(status: int, description: str, retry_after: int | None = None) -> Answer:
    payload: dict = {"ok": False, "error_code": status, "description": description}
    if retry_after is not None:
        payload["parameters"] = {"retry_after": retry_after}
    return status, payload


def twilio_api(request: Recorded) -> Answer:
    fields = request.fields()
    sid = f"SM{next(_ids):032d}"
    return 201, {"sid": sid, "account_sid": ACCOUNT_SID, "to": fields.get("To"), "from": fields.get("From"),
                 "body": fields.get("Body"), "status": "queued", "num_segments": "1", "direction": "outbound-api",
                 "api_version": "2010-04-01", "uri": f"/2010-04-01/Accounts/{ACCOUNT_SID}/Messages/{sid}.json"}


def twilio_error(status: int, code: int, message: str) -> Answer:
    return status, {"code": code, "message": message, "more_info": f"https://www.twilio.com/docs/errors/{code}",
                    "status": status}


@pytest.fixture
def telegram_server() -> Iterator[Recorder]:
    with Recorder(telegram_api) as recorder:
        yield recorder


@pytest.fixture
def twilio_server() -> Iterator[Recorder]:
    with Recorder(twilio_api) as recorder:
        yield recorder


def telegram_settings(server: Recorder) -> TelegramSettings:
    return TelegramSettings(token=TOKEN, webhook_secret="s3cret-token", api_base=f"{server.url}/bot", timeout=2)


def twilio_settings(server: Recorder, **changes: str | float) -> TwilioSettings:
    values: dict = {"account_sid": ACCOUNT_SID, "auth_token": AUTH_TOKEN, "sender": OUR_NUMBER,
                    "api_base": server.url, "timeout": 2, **changes}
    return TwilioSettings(**values)


def message(channel: str, recipient: str, attachments: tuple[Attachment, ...] = ()) -> OutgoingMessage:
    return OutgoingMessage(7, channel, recipient, "Statement", "Your statement is ready.", None, attachments)


# ── Telegram ──────────────────────────────────────────────────────────────────────────────────────────

PDF = Attachment("statement-ACME-2026-10-31.pdf", "application/pdf", b"%PDF-1.7\n fake statement\n%%EOF")


def test_telegram_sender_sends_the_text_then_each_attachment_as_a_document(telegram_server: Recorder) -> None:
    provider_id = TelegramSender(telegram_settings(telegram_server)).send(message("telegram", "555001", (PDF,)))

    (text,), (document,) = telegram_server.calls("sendMessage"), telegram_server.calls("sendDocument")
    assert text.path.startswith(f"/bot{TOKEN}/")
    assert text.fields()["chat_id"] == "555001" and text.fields()["text"] == "Your statement is ready."
    assert document.fields()["chat_id"] == "555001"
    assert document.fields()["document"] == PDF.filename and document.file() == PDF.data
    assert provider_id.startswith("555001:")


def test_telegram_flood_control_asks_the_dispatcher_to_wait(telegram_server: Recorder) -> None:
    telegram_server.fail_next.append(telegram_error(429, "Too Many Requests: retry after 7", retry_after=7))

    with pytest.raises(DeliveryError) as refused:
        TelegramSender(telegram_settings(telegram_server)).send(message("telegram", "555001"))

    assert refused.value.retry_after == 7 and not refused.value.permanent


def test_telegram_blocked_by_the_user_is_final(telegram_server: Recorder) -> None:
    telegram_server.fail_next.append(telegram_error(403, "Forbidden: bot was blocked by the user"))

    with pytest.raises(DeliveryError) as refused:
        TelegramSender(telegram_settings(telegram_server)).send(message("telegram", "555001"))

    assert refused.value.permanent


def test_telegram_down_is_temporary() -> None:
    closed = Recorder(telegram_api)  # never started: the port refuses connections
    closed.server.server_close()

    with pytest.raises(DeliveryError) as refused:
        TelegramSender(telegram_settings(closed)).send(message("telegram", "555001"))

    assert not refused.value.permanent and refused.value.retry_after is None


# ── SMS ───────────────────────────────────────────────────────────────────────────────────────────────


def test_sms_goes_through_the_twilio_client_with_a_status_callback(twilio_server: Recorder) -> None:
    sender = SmsSender(twilio_settings(twilio_server), "https://ar.example.com")

    sid = sender.send(message("sms", "+15105550123"))

    (request,) = twilio_server.calls("Messages.json")
    assert request.path == f"/2010-04-01/Accounts/{ACCOUNT_SID}/Messages.json"
    assert request.fields() == {"To": "+15105550123", "From": OUR_NUMBER, "Body": "Your statement is ready.",
                                "StatusCallback": "https://ar.example.com/webhooks/twilio/status"}
    assert request.headers["authorization"].startswith("Basic ")
    assert sid.startswith("SM")


def test_sms_from_a_messaging_service(twilio_server: Recorder) -> None:
    sender = SmsSender(twilio_settings(twilio_server, sender="MG" + "1" * 32), "https://ar.example.com")

    sender.send(message("sms", "+15105550123"))

    assert twilio_server.calls("Messages.json")[0].fields()["MessagingServiceSid"] == "MG" + "1" * 32


@pytest.mark.parametrize(("answer", "permanent", "retry_after"), [
    (twilio_error(400, 21211, "The 'To' number is not a valid phone number."), True, None),
    (twilio_error(400, 21610, "Attempt to send to unsubscribed recipient"), True, None),
    (twilio_error(429, 20429, "Too Many Requests"), False, 30),
    (twilio_error(401, 20003, "Authenticate"), False, None),
    (twilio_error(503, 20500, "Service unavailable"), False, None),
])
def test_sms_refusals(twilio_server: Recorder, answer: Answer, permanent: bool, retry_after: float | None) -> None:
    twilio_server.fail_next.append(answer)

    with pytest.raises(DeliveryError) as refused:
        SmsSender(twilio_settings(twilio_server), "https://ar.example.com").send(message("sms", "+15105550123"))

    assert (refused.value.permanent, refused.value.retry_after) == (permanent, retry_after)


# ── Through the dispatcher, on both databases ─────────────────────────────────────────────────────────


def test_the_dispatcher_sends_telegram_and_sms_messages(services: Services, telegram_server: Recorder,
                                                        twilio_server: Recorder) -> None:
    with services.db.uow() as uow:
        for channel, recipient in (("telegram", "555001"), ("sms", "+15105550123")):
            outbox.queue(uow.session, TEST_ACTOR, channel=channel, recipient=recipient, template="chat.reply",
                         body_text="Your payment of $400.00 succeeded.", reason="payment_succeeded", approved=True)
        uow.commit()
    senders = build_senders(services, telegram=telegram_settings(telegram_server),
                            twilio=twilio_settings(twilio_server))

    summary = dispatch(services.db, services.files, senders,
            statement_pdf=ensure_statement_pdf, settings=services.settings)

    assert summary.sent == 2
    with services.db.uow() as uow:
        sent = {m.channel: m.provider_id for m in uow.session.scalars(select(OutboxMessage))}
    assert sent["telegram"].startswith("555001:") and sent["sms"].startswith("SM")
    assert telegram_server.calls("sendMessage")[0].fields()["text"] == "Your payment of $400.00 succeeded."


def test_no_sender_without_configuration(services: Services) -> None:
    """Unconfigured channels keep their messages waiting, untried: no SMTP host means no email and no fax
    (not a retry warning for every message against a server that is not there)."""
    assert not services.settings.channels.get("smtp_host")
    senders = build_senders(services, telegram=TelegramSettings(), twilio=TwilioSettings())

    assert not set(senders) & {"telegram", "sms", "email", "fax"}
