"""Supervision in the browser: the outbox (approve, cancel, send now), dunning templates (preview, a broken one
refused, reset), the audit log's filters, and users (admin). Customers C1029–C1035 are this file's."""

from __future__ import annotations

import datetime as dt
import uuid

from playwright.sync_api import Page, expect

from core.ledger.models import Customer
from core.outbox import lifecycle as outbox
from tests.books import TEST_ACTOR
from tests.browser.conftest import LiveConsole, sign_in

HTML = '<html><body style="color: #123"><p>Dear customer, <strong>please pay</strong>.</p></body></html>'


def queue_dunning(console: LiveConsole, code: str, count: int) -> list[int]:
    """Pending dunning notices, as the dunning run leaves them for review."""
    with console.services.db.uow() as uow:
        customer = uow.session.query(Customer).filter(Customer.code == code).one()
        ids = [outbox.queue(uow.session, TEST_ACTOR, channel="email", recipient=f"ap-{n}@{code.lower()}.example",
                            template="dunning.stage2", subject=f"Second notice {code} #{n}",
                            body_text=f"Dear {customer.name}, please pay.", body_html=HTML, reason="dunning",
                            customer_id=customer.id).id for n in range(count)]
        uow.commit()
        return ids


def tick(page: Page, ids: list[int]) -> None:
    for message_id in ids:
        page.locator(f"#messages tr[data-message='{message_id}'] input[name=id]").check()


def test_outbox_approve_cancel_and_send_now_then_the_audit_log_finds_them(console: LiveConsole, signed_in,
                                                                          shot) -> None:
    approved, canceled, sent = queue_dunning(console, "C1031", 2), queue_dunning(console, "C1031", 1), \
        queue_dunning(console, "C1032", 1)
    page = signed_in("supervisor")
    page.goto("/console/outbox?customer=C1031&reason=dunning")
    expect(page.locator(".tab.active")).to_contain_text("Pending")
    for message_id in approved + canceled:
        expect(page.locator(f"#messages tr[data-message='{message_id}']")).to_contain_text("pending")
    shot(page, "outbox")
    tick(page, approved)
    page.get_by_role("button", name="Approve").click()
    expect(page.get_by_role("status")).to_contain_text("Approved 2 message(s)")
    assert "customer=C1031" in page.url  # back to the same filtered list
    expect(page.locator(f"#messages tr[data-message='{approved[0]}']")).to_have_count(0)

    tick(page, canceled)
    page.get_by_role("button", name="Cancel…").click()
    page.locator("#cancel-dialog").get_by_label("Reason for canceling").fill("paid by phone today")
    page.get_by_role("button", name="Cancel messages").click()
    expect(page.get_by_role("status")).to_contain_text("Canceled 1 message(s)")
    page.goto("/console/outbox?status=approved&customer=C1031")
    expect(page.locator(f"#messages tr[data-message='{approved[1]}']")).to_contain_text("approved")

    page.goto(f"/console/outbox/{sent[0]}")
    expect(page.locator("#body-text")).to_contain_text("please pay")
    frame = page.frame_locator("iframe.message-frame")
    expect(frame.locator("strong")).to_have_text("please pay")
    shot(page, "outbox-message")
    page.get_by_role("button", name="Send now").click()
    expect(page.get_by_role("status")).to_contain_text("Send now:")
    expect(page.locator("h1 .badge")).not_to_have_text("pending")  # approved (and tried), or sent

    page.goto("/console/audit?action=outbox.&customer=C1031")
    events = page.locator("#events")
    expect(events.locator("tr", has_text="outbox.approved")).to_have_count(2)
    canceled_row = events.locator("tr[data-action='outbox.canceled']")
    expect(canceled_row.locator(".sentence")).to_have_text(f"Canceled message #{canceled[0]} (email): paid by phone "
                                                           "today")
    expect(canceled_row.locator("td.who")).to_have_text("supervisor (console)")
    today = dt.date.today().isoformat()
    page.goto(f"/console/audit?actor=supervisor&action=outbox.canceled&channel=console&from={today}&to={today}")
    expect(page.locator("#events tr", has_text=f"outbox:{canceled[0]}")).to_have_count(1)
    page.goto("/console/audit?action=outbox.&customer=C1031&to=2000-01-01")
    expect(page.locator(".empty-state")).to_contain_text("No events")
    page.goto("/console/audit?customer=C1031")
    shot(page, "audit")


def test_template_edit_with_preview_a_broken_one_refused_and_reset(signed_in, shot) -> None:
    page = signed_in("supervisor")
    page.on("dialog", lambda dialog: dialog.accept())
    page.goto("/console/templates")
    shot(page, "templates")
    page.locator("#templates tr", has_text="Stage 2").locator("td").nth(1).get_by_role("link", name="Text").click()
    expect(page.locator("h1")).to_contain_text("Stage 2 · sms · Text")
    preview = page.frame_locator("iframe[name=preview]")
    expect(preview.locator("body")).to_contain_text("second notice")  # the text in force, on the sample
    editor = page.locator("textarea[name=body]")
    try:
        editor.fill("URGENT {{ customer_name }}: {{ amount_due }} due on {{ customer_code }}. Reply PAY.")
        page.get_by_role("button", name="Preview").click()
        expect(preview.locator("body")).to_contain_text("URGENT Acme Corp: $1,300.49 due on ACME.")
        shot(page, "template-edit")
        page.get_by_role("button", name="Save").click()
        expect(page.get_by_role("status")).to_contain_text("Saved dunning.stage2.sms.txt")
        expect(page.locator(".page-actions")).to_contain_text("Edited by user:supervisor")

        editor.fill("Dear {{ customer_nam }}")
        page.get_by_role("button", name="Preview").click()
        expect(preview.locator("body")).to_contain_text("unknown variable(s) customer_nam")
        page.get_by_role("button", name="Save").click()
        expect(page.get_by_role("alert")).to_contain_text("Not saved")
        expect(page.get_by_role("alert")).to_contain_text("customer_nam")
        expect(editor).to_have_value("Dear {{ customer_nam }}")  # what was typed is not lost
    finally:
        page.goto("/console/templates/dunning.stage2.sms.txt")
        if page.get_by_role("button", name="Reset to default").count():
            page.get_by_role("button", name="Reset to default").click()
            expect(page.get_by_role("status")).to_contain_text("back to the default text")
    expect(page.locator(".page-actions")).to_contain_text("Default text")


def test_admin_adds_a_user_changes_the_role_and_the_user_signs_in(console: LiveConsole, signed_in, browser,
                                                                  shot) -> None:
    username = f"clerk-{uuid.uuid4().hex[:6]}"
    page = signed_in("admin")
    page.goto("/console/users")
    page.get_by_role("button", name="Add user").click()
    dialog = page.locator("#add-user")
    dialog.get_by_label("Username").fill(username)
    dialog.get_by_label("Full name").fill("Casey Clerk")
    dialog.get_by_label("Initial password").fill("a good long password")
    dialog.get_by_role("button", name="Add user").click()
    expect(page.get_by_role("status")).to_contain_text(f"Added {username} as agent")
    row = page.locator(f"#users tr[data-user='{username}']")
    row.get_by_label(f"Role of {username}").select_option("supervisor")
    row.get_by_role("button", name="Change").click()
    expect(page.get_by_role("status")).to_contain_text(f"{username} is now supervisor")

    me = page.locator("#users tr[data-user='admin']")
    me.get_by_label("Role of admin").select_option("agent")
    me.get_by_role("button", name="Change").click()
    expect(page.get_by_role("alert")).to_contain_text("cannot take the admin role from yourself")
    page.on("dialog", lambda dialog: dialog.accept())
    page.locator("#users tr[data-user='admin']").get_by_role("button", name="Deactivate").click()
    expect(page.get_by_role("alert")).to_contain_text("cannot deactivate yourself")
    shot(page, "users")

    context = browser.new_context(base_url=console.url)
    newcomer = context.new_page()
    sign_in(newcomer, console.url, username, "a good long password")
    newcomer.wait_for_url("**/console/companies**")
    expect(newcomer.locator(".whoami")).to_contain_text("Casey Clerk")
    expect(newcomer.locator("nav").get_by_role("link", name="Outbox")).to_be_visible()
    context.close()

    page.locator(f"#users tr[data-user='{username}']").get_by_role("button", name="Deactivate").click()
    expect(page.get_by_role("status")).to_contain_text(f"{username} is deactivated")


def test_an_agent_is_kept_out_of_supervision_pages(signed_in) -> None:
    page = signed_in("agent")
    for path in ("/console/outbox", "/console/outbox/1", "/console/templates", "/console/templates/x",
                 "/console/audit", "/console/users"):
        response = page.goto(path)
        assert response is not None and response.status == 403, path
    supervisor = signed_in("supervisor")
    response = supervisor.goto("/console/users")
    assert response is not None and response.status == 403
