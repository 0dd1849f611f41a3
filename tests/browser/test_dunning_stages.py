"""Dunning stages in the browser: a supervisor sets a class's stages, a refused form comes back as typed, and the
class goes back to the default policy. Class CASH is this file's (no other browser test reads its policy)."""

from __future__ import annotations

from playwright.sync_api import expect

from core.dunning import policy_in_force
from tests.browser.conftest import LiveConsole


def test_a_supervisor_sets_a_class_stages_and_a_bad_one_is_refused_as_typed(console: LiveConsole, signed_in,
                                                                            shot) -> None:
    page = signed_in("supervisor")
    page.goto("/console/templates")
    page.get_by_role("link", name="Set each class's stages and channels").click()
    page.locator("select[name=class_code]").select_option("CASH")
    page.get_by_role("button", name="Show").click()
    expect(page.locator("#stages h2")).to_have_text("CASH")
    expect(page.locator("#stages")).to_contain_text("In force: built-in seed default")

    page.get_by_label("Channels of stage 2").fill("sms, print")
    page.get_by_role("button", name="Save stages").click()
    expect(page.get_by_role("alert")).to_contain_text("dunning does not go by 'print'")
    expect(page.get_by_label("Channels of stage 2")).to_have_value("sms, print")  # nothing typed is lost

    page.get_by_label("Channels of stage 2").fill("sms, email")
    page.get_by_label("Days over terms for stage 2").fill("10")
    page.get_by_label("Approve stage 3 without review").check()
    page.get_by_role("button", name="Save stages").click()
    expect(page.get_by_role("status")).to_contain_text("Saved the stages of CASH")
    expect(page.locator("#stages")).to_contain_text("In force: class CASH")
    shot(page, "dunning-stages")
    stages = policy_in_force(console.services.db.uow(), "CASH").stages
    assert [(s.days_over_terms_above, s.channels, s.auto_approve) for s in stages] == [
        (None, ("email",), False), (10, ("sms", "email"), False), (30, ("email",), True)]

    page.get_by_role("button", name="Use the default policy").click()
    expect(page.get_by_role("status")).to_contain_text("CASH follows the default policy now")
    assert policy_in_force(console.services.db.uow(), "CASH").source == "built-in seed default"
