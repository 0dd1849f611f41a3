"""The console's areas, one module each; every controller here sits behind sign-in (see __init__)."""

from __future__ import annotations

from litestar.types import ControllerRouterHandler

from channels.web.console import (
    account,
    audit,
    autopay,
    calls,
    companies,
    conversations,
    demo_chat,
    disputes,
    documents,
    dunning_holds,
    history,
    invoices,
    methods,
    outbox,
    payments,
    plans,
    reviews,
    stages_page,
    system_methods,
    templates_page,
    users,
)

CONTROLLERS: list[ControllerRouterHandler] = [
    companies.CompaniesController, invoices.InvoicesController,
    payments.PayController, methods.MethodsController, history.PaymentHistoryController,
    autopay.AutopayController,  # a customer's autopay: enroll on behalf, change, turn off, skip
    plans.PlansController,  # a customer's instalment plans: create on behalf (review, confirm), change, cancel
    documents.DocumentsController,
    conversations.ConversationsController, conversations.CustomerConversationsController,
    calls.CallsController, demo_chat.DemoChatController, disputes.DisputesController,
    outbox.OutboxController, templates_page.TemplatesController, stages_page.StagesController,  # supervisor and up
    reviews.ReviewsController,  # supervisor and up
    dunning_holds.DunningHoldsController,  # supervisor and up: put and lift a customer's dunning hold
    audit.AuditController,
    system_methods.SystemMethodsController,  # every customer's methods; agents too, as on a customer's own tab
    users.UsersController,  # admin
    account.AccountController,  # everyone: their own password and two-factor sign-in
]
