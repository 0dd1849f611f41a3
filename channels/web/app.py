"""The web application: one `create_app()` wiring controllers, the API-key guard, logs and errors."""

from __future__ import annotations

import gc
import time
import uuid

import structlog
from litestar import Litestar, MediaType, Request, Response, Router, get
from litestar.connection import ASGIConnection
from litestar.datastructures import State
from litestar.di import Provide
from litestar.exceptions import HTTPException, NotAuthorizedException, ValidationException
from litestar.handlers.base import BaseRouteHandler
from litestar.openapi import OpenAPIConfig
from litestar.openapi.spec import Components, SecurityScheme
from litestar.types import ASGIApp, Message, Receive, Scope, Send

from channels.web.api import BulkController, ClassController, CustomerController, DunningController, InvoiceController
from channels.web.autopay import AutopayController, AutopayListController
from channels.web.autopay_skip import autopay_skip_router
from channels.web.console import console_router
from channels.web.console.pages import template_config
from channels.web.documents import LibraryController, SignedDocumentController
from channels.web.dunning_holds import DunningHoldController
from channels.web.history import PaymentHistoryController
from channels.web.intake import WebhookIntake
from channels.web.methods import MethodController
from channels.web.pay_page import pay_router
from channels.web.payments import (
    PaymentCancelController,
    PaymentController,
    PaymentPreviewController,
    WebhookController,
)
from channels.web.plans_api import PlanController
from channels.web.sandbox_pages import SANDBOX_API, SANDBOX_PAGES
from channels.web.schemas import Problem
from channels.web.settlement import SandboxDelivery
from channels.web.telegram import TelegramController, TelegramWebhook
from channels.web.twilio import TwilioChannel, TwilioSmsController, TwilioVoiceController
from core.bootstrap import Services, bootstrap
from core.kernel import Conflict, Invalid, NotFound, authenticate, reconnecting
from core.payments import SandboxProcessor

log = structlog.get_logger("aragent.web")
API_KEY_HEADER = "X-API-Key"


def require_api_key(connection: ASGIConnection, _handler: BaseRouteHandler) -> None:
    """Every /api request carries a key made with `aragent api-keys create`; unknown or revoked → 401."""
    key = connection.headers.get(API_KEY_HEADER) or ""
    bearer = connection.headers.get("Authorization", "")
    if not key and bearer.lower().startswith("bearer "):
        key = bearer[7:].strip()
    services: Services = connection.app.state.services
    name = reconnecting(lambda: authenticate(services.db.uow(), key)) if key else None
    if name is None:
        raise NotAuthorizedException(f"missing or invalid API key: send it in the {API_KEY_HEADER} header")
    connection.scope["api_key_name"] = name  # type: ignore[typeddict-unknown-key]
    structlog.contextvars.bind_contextvars(api_key=name)


def request_id_middleware(app: ASGIApp) -> ASGIApp:
    """Give each request an id (or keep the caller's), put it on every log line and on the response."""

    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await app(scope, receive, send)
            return
        headers = dict(scope["headers"])
        request_id = headers.get(b"x-request-id", b"").decode("latin-1")[:64] or uuid.uuid4().hex
        structlog.contextvars.clear_contextvars()
        structlog.contextvars.bind_contextvars(request_id=request_id)
        started, status = time.perf_counter(), 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = [*message.get("headers", []), (b"x-request-id", request_id.encode())]
            await send(message)

        try:
            await app(scope, receive, send_with_id)
        finally:
            log.info("request", method=scope.get("method"), path=scope["path"], status=status,
                     ms=round((time.perf_counter() - started) * 1000, 1))

    return middleware


def _problem(status: int, message: str, field: str | None = None) -> Response[Problem]:
    return Response(Problem(message, field), status_code=status, media_type=MediaType.JSON)


async def log_unexpected(exc: Exception, scope: Scope) -> None:
    """An error no handler answers (a 500) is logged with its traceback: the app configures no logging of its own."""
    if not isinstance(exc, HTTPException | NotFound | Invalid | Conflict):
        log.error("request failed", method=scope.get("method"), path=scope.get("path"), exc_info=exc)


def on_not_found(_: Request, exc: NotFound) -> Response[Problem]:
    return _problem(404, str(exc))


def on_invalid(_: Request, exc: Invalid) -> Response[Problem]:
    return _problem(422, str(exc), exc.field)


def on_conflict(_: Request, exc: Conflict) -> Response[Problem]:
    return _problem(409, str(exc))


def on_validation(_: Request, exc: ValidationException) -> Response[Problem]:
    """Malformed JSON or wrong types: 422 with what was wrong and where."""
    details = exc.extra if isinstance(exc.extra, list) else []
    where = "; ".join(f"{d.get('key') or 'body'}: {d.get('message')}" for d in details if isinstance(d, dict))
    return _problem(422, f"invalid request: {where or exc.detail}")


def on_http(_: Request, exc: HTTPException) -> Response[Problem]:
    return _problem(exc.status_code, exc.detail)


def provide_services(state: State) -> Services:
    return state.services  # type: ignore[no-any-return]


@get("/health", sync_to_thread=True, tags=["Operations"])
def health(state: State) -> dict[str, str]:
    return {"status": "ok", "database": state.services.db.ping()}


def create_app(services: Services | None = None, *, self_url: str | None = None) -> Litestar:
    """`self_url`: where this server is reachable; given, the sandbox posts its webhooks there."""
    services = services or bootstrap()
    # PostgreSQL takes writers side by side: a second worker builds a batch while the first waits on the database.
    intake = WebhookIntake(services.db.uow, services.branding, workers=2 if services.db.is_postgres else 1)
    # gc.freeze: what was loaded at startup (modules, mappers, compiled SQL) is never scanned again, so a full
    # collection under load takes a fraction of the time: the long tail of request latency was such pauses.
    on_startup, on_shutdown = [gc.freeze, intake.start], [intake.stop]
    sandbox = services.processors.get("sandbox")
    if self_url and isinstance(sandbox, SandboxProcessor):
        delivery = SandboxDelivery(sandbox, f"{self_url}/webhooks/payments/sandbox")
        on_startup.append(delivery.start)
        on_shutdown.append(delivery.stop)
    # Telegram and Twilio: their parts of services.settings (ARAGENT_TELEGRAM_*, ARAGENT_TWILIO_*).
    telegram, twilio = TelegramWebhook.configured(services), TwilioChannel(services)
    if telegram is not None:  # PTB runs inside this app: started and stopped with it
        on_startup.append(telegram.start)  # type: ignore[arg-type]
        on_shutdown.append(telegram.stop)  # type: ignore[arg-type]
    on_shutdown.append(twilio.stop)  # type: ignore[arg-type]
    api = Router(
        path="/",
        route_handlers=[
            CustomerController, InvoiceController, ClassController, BulkController, DunningController,
            PaymentController, MethodController, PaymentCancelController, PaymentHistoryController,
            PaymentPreviewController, LibraryController, DunningHoldController, PlanController,
            AutopayController, AutopayListController,
            *SANDBOX_API,
        ],
        guards=[require_api_key],
        security=[{"apiKey": []}],
    )
    return Litestar(
        # Webhooks prove themselves by signature, the sandbox's card page and the pay page by their signed links.
        route_handlers=[health, api, WebhookController, SignedDocumentController, *SANDBOX_PAGES,
                        TelegramController, TwilioSmsController, TwilioVoiceController, console_router(services),
                        pay_router(services), autopay_skip_router(services)],
        state=State({"services": services, "webhook_intake": intake, "telegram": telegram, "twilio": twilio}),
        dependencies={"services": Provide(provide_services, sync_to_thread=False)},
        middleware=[request_id_middleware],
        logging_config=None,  # channels.logs configures logging once, for us and every library
        after_exception=[log_unexpected],
        template_config=template_config(),
        exception_handlers={
            NotFound: on_not_found,
            Invalid: on_invalid,
            Conflict: on_conflict,
            ValidationException: on_validation,
            HTTPException: on_http,
        },
        openapi_config=OpenAPIConfig(
            title="aragent",
            version="0.1.0",
            description="Accounts-receivable agent: ERP sync and account data. Send X-API-Key on /api.",
            path="/schema",
            components=Components(
                security_schemes={
                    "apiKey": SecurityScheme(type="apiKey", name=API_KEY_HEADER, security_scheme_in="header")
                }
            ),
        ),
        on_startup=on_startup,
        on_shutdown=[*on_shutdown, services.close],
    )
