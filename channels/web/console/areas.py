"""The console's areas, one module each; every controller here sits behind sign-in (see __init__)."""

from __future__ import annotations

from litestar.types import ControllerRouterHandler

from channels.web.console import (
    audit,
    calls,
    companies,
    conversations,
    demo_chat,
    disputes,
    documents,
    history,
    invoices,
    methods,
    outbox,
    payments,
    reviews,
    stages_page,
    templates_page,
    users,
)

CONTROLLERS: list[ControllerRouterHandler] = [
    companies.CompaniesController, invoices.InvoicesController,
    payments.PayController, methods.MethodsController, history.PaymentHistoryController,
    documents.DocumentsController,
    conversations.ConversationsController, conversations.CustomerConversationsController,
    calls.CallsController, demo_chat.DemoChatController, disputes.DisputesController,
    outbox.OutboxController, templates_page.TemplatesController, stages_page.StagesController,  # supervisor and up
    reviews.ReviewsController,  # supervisor and up
    audit.AuditController,
    users.UsersController,  # admin
]
