"""The console's areas, one module each; every controller here sits behind sign-in (see __init__)."""

from __future__ import annotations

from litestar.types import ControllerRouterHandler

CONTROLLERS: list[ControllerRouterHandler] = []

from channels.web.console import companies, invoices  # noqa: E402

CONTROLLERS += [companies.CompaniesController, invoices.InvoicesController]
from channels.web.console import history, methods, payments  # noqa: E402

CONTROLLERS += [payments.PayController, methods.MethodsController, history.PaymentHistoryController]
from channels.web.console import calls, conversations, demo_chat  # noqa: E402

CONTROLLERS += [conversations.ConversationsController, conversations.CustomerConversationsController, calls.CallsController, demo_chat.DemoChatController]  # noqa: E501
from channels.web.console import audit, documents, outbox, templates_page, users  # noqa: E402

CONTROLLERS += [documents.DocumentsController, outbox.OutboxController, templates_page.TemplatesController, audit.AuditController, users.UsersController]  # noqa: E501
