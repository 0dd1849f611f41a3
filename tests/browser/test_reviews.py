"""Messages to review in the browser: a supervisor reads what the bot did not understand and what happened next,
labels it in the form, and the retrained model understands it; an agent does not see the page. Customers
C1050–C1051 are this file's."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from bot import nlu_reviews, nlu_training, understanding
from bot.engine import handle
from bot.turns import Inbound
from tests.browser.conftest import LiveConsole
from tests.browser.test_conversations import phone_of
from tests.nlu_small import use_small_corpus

UNREADABLE = "zorblax quantifier flimwidget"


def text_from(console: LiveConsole, code: str, text: str) -> None:
    phone = phone_of(console.services, code)
    handle(console.services, Inbound("sms", phone, text, provider_id=f"SM{uuid.uuid4().hex}"))


def fits(page: Page) -> bool:
    """Nothing wider than the window: no sideways scrolling of the page or of the table."""
    return bool(page.evaluate("""() => document.documentElement.scrollWidth <= window.innerWidth &&
        [...document.querySelectorAll('.table-scroll')].every((box) => box.scrollWidth <= box.clientWidth)"""))


def test_a_supervisor_labels_a_message_and_the_retrained_model_understands_it(
        console: LiveConsole, signed_in, shot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text_from(console, "C1050", UNREADABLE)
    text_from(console, "C1050", "hello??")
    page = signed_in("supervisor")
    page.set_viewport_size({"width": 1366, "height": 768})
    page.get_by_role("link", name="Messages to review").click()

    expect(page.locator("h1")).to_have_text("Messages to review")
    row = page.locator("#reviews tr", has_text=UNREADABLE)
    expect(row).to_contain_text("not understood")
    expect(row).to_contain_text("unknown")
    expect(row).to_contain_text("C1050")
    expect(row.locator(".review-next")).to_contain_text("Bot: Sorry, I didn't get that.")
    expect(row.locator(".review-next")).to_contain_text("Then: hello??")
    assert fits(page), "the page scrolls sideways at 1366×768"
    shot(page, "reviews")

    row.get_by_role("button", name="Label").click()
    dialog = page.locator("dialog[open]")
    dialog.get_by_label("Intent").select_option("balance")
    shot(page, "review-label")
    dialog.get_by_role("button", name="Save label").click()

    expect(page.get_by_role("status")).to_contain_text(f"Labelled “{UNREADABLE}” as balance")
    expect(page.locator("#reviews tr", has_text=UNREADABLE)).to_have_count(0)  # no longer open
    page.get_by_role("link", name=re.compile("^Labelled")).click()
    labelled = page.locator("#reviews tr", has_text=UNREADABLE)
    expect(labelled).to_contain_text("balance")
    expect(labelled).to_contain_text("user:supervisor")

    # Retrained into a folder of this test's own, so the live console's other tests keep the shipped model.
    use_small_corpus(monkeypatch, tmp_path)
    result = nlu_reviews.retrain(console.services, data_dir=tmp_path)
    assert result.installed and result.labelled >= 1
    model = nlu_training.model_for(tmp_path)
    assert understanding.parse(UNREADABLE, today=dt.date(2026, 11, 22), model=model).intent == "balance"


def test_a_supervisor_dismisses_a_message_and_an_agent_cannot_open_the_page(console: LiveConsole, signed_in) -> None:
    text_from(console, "C1051", "plonk wibble frobnicate")
    page = signed_in("supervisor")
    page.goto("/console/reviews")
    page.locator("#reviews tr", has_text="plonk wibble frobnicate").get_by_role("button", name="Dismiss").click()
    expect(page.get_by_role("status")).to_contain_text("Dismissed “plonk wibble frobnicate”")
    page.goto("/console/reviews?status=dismissed")
    expect(page.locator("#reviews tr", has_text="plonk wibble frobnicate")).to_contain_text("dismissed")

    agent = signed_in("agent")
    expect(agent.get_by_role("link", name="Messages to review")).to_have_count(0)
    response = agent.goto("/console/reviews")
    assert response is not None and response.status == 403
