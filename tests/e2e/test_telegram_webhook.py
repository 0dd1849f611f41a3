"""Telegram through our app: recorded updates posted to /webhooks/telegram, the bot's replies sent by the
embedded PTB Application to a local recorder standing in for the Bot API."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from litestar.testing import TestClient

import channels.telegram
from bot.turns import Button, Inbound, Reply
from channels.cli.main import main
from channels.web.app import create_app
from core.bootstrap import Services
from core.conversations import issue_link_token
from core.documents.files import attach_invoice_pdf
from core.kernel.config import with_channels
from tests.books import TEST_ACTOR, customer, invoice
from tests.integration.channels.test_channel_senders import TOKEN, Recorder, telegram_api

FIXTURES = Path(__file__).parent.parent / "fixtures" / "telegram"
SECRET = "s3cret-token"
HEADERS = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
PDF = b"%PDF-1.7\n statement of account \n%%EOF"


def update(name: str, **changes: object) -> dict:
    data = json.loads((FIXTURES / f"{name}.json").read_text())
    return {**data, **changes}


class FakeBot:
    """Echoes; what the channel hands the bot is kept for the test to look at."""

    def __init__(self) -> None:
        self.turns: list[Inbound] = []
        self.replies: list[Reply] | None = None

    def __call__(self, services: Services, inbound: Inbound) -> list[Reply]:
        self.turns.append(inbound)
        return self.replies or [Reply(text=f"echo: {inbound.text}", buttons=(Button("Yes", "yes"),))]


@pytest.fixture
def bot(monkeypatch: pytest.MonkeyPatch) -> FakeBot:
    fake = FakeBot()
    monkeypatch.setattr(channels.telegram, "handle", fake)
    return fake


@pytest.fixture
def api() -> Iterator[Recorder]:
    with Recorder(telegram_api) as recorder:
        yield recorder


@pytest.fixture
def client(services: Services, api: Recorder) -> Iterator[TestClient]:
    services.settings = with_channels(services.settings, telegram_token=TOKEN, telegram_webhook_secret=SECRET,
                                      telegram_api_base=f"{api.url}/bot", telegram_timeout=2)
    with TestClient(create_app(services)) as test_client:
        yield test_client


@pytest.mark.parametrize("headers", [{}, {"X-Telegram-Bot-Api-Secret-Token": "guess"}])
def test_a_wrong_or_missing_secret_token_is_refused(client: TestClient, bot: FakeBot, api: Recorder,
                                                    headers: dict[str, str]) -> None:
    response = client.post("/webhooks/telegram", json=update("message_text"), headers=headers)

    assert response.status_code == 401
    time.sleep(0.2)
    assert bot.turns == [] and api.calls("sendMessage") == []


def test_a_message_is_answered_through_the_bot_api_with_an_inline_keyboard(client: TestClient, bot: FakeBot,
                                                                            api: Recorder) -> None:
    response = client.post("/webhooks/telegram", json=update("message_text"), headers=HEADERS)

    assert response.status_code == 200
    (sent,) = api.wait_for("sendMessage")
    assert sent.path == f"/bot{TOKEN}/sendMessage"
    fields = sent.fields()
    assert fields["chat_id"] == "555001" and fields["text"] == "echo: what's my balance?"
    assert json.loads(fields["reply_markup"]) == {"inline_keyboard": [[{"text": "Yes", "callback_data": "yes"}]]}
    assert bot.turns == [Inbound(channel="telegram", sender="555001", text="what's my balance?",
                                 provider_id="804512201", sender_user_id=555001)]


def test_the_same_update_twice_is_handled_once(client: TestClient, bot: FakeBot, api: Recorder) -> None:
    first = client.post("/webhooks/telegram", json=update("message_text"), headers=HEADERS)
    second = client.post("/webhooks/telegram", json=update("message_text"), headers=HEADERS)

    assert (first.status_code, second.status_code) == (200, 200)
    assert second.json()["duplicate"] is True
    api.wait_for("sendMessage")
    time.sleep(0.3)
    assert len(bot.turns) == 1 and len(api.calls("sendMessage")) == 1


def test_a_button_press_reaches_the_bot_as_its_payload(client: TestClient, bot: FakeBot, api: Recorder) -> None:
    client.post("/webhooks/telegram", json=update("callback_query"), headers=HEADERS)

    api.wait_for("sendMessage")
    assert [(t.sender, t.text, t.provider_id) for t in bot.turns] == [("555001", "yes", "804512202")]
    (answered,) = api.calls("answerCallbackQuery")
    assert answered.fields()["callback_query_id"] == "2373516849412771055"


def test_a_shared_contact_and_a_start_token_reach_the_bot(client: TestClient, bot: FakeBot, api: Recorder) -> None:
    client.post("/webhooks/telegram", json=update("contact_shared"), headers=HEADERS)
    client.post("/webhooks/telegram", json=update("start_token"), headers=HEADERS)

    api.wait_for("sendMessage", 2)
    by_chat = {t.sender: t for t in bot.turns}
    assert (by_chat["555001"].shared_phone, by_chat["555001"].shared_user_id) == ("15105550123", 555001)
    assert by_chat["555001"].sender_user_id == 555001
    assert by_chat["555002"].text == "/start Zq3vK0_m8xYf-2Lp"


def test_a_group_chat_is_not_answered(client: TestClient, bot: FakeBot, api: Recorder) -> None:
    response = client.post("/webhooks/telegram", json=update("group_message"), headers=HEADERS)

    assert response.status_code == 200
    time.sleep(0.3)
    assert bot.turns == [] and api.calls("sendMessage") == []


def test_a_statement_goes_as_the_pdf_document(services: Services, client: TestClient, bot: FakeBot,
                                              api: Recorder) -> None:
    customer(services.db)
    invoice(services.db, "1042", "400.00", "2026-10-01")
    stored = attach_invoice_pdf(services.db.uow(), services.files, "1042", PDF, TEST_ACTOR)
    bot.replies = [Reply(text="Your statement of Oct 31, 2026", document_file_id=stored.id,
                         buttons=(Button("Pay it", "pay all"),))]

    client.post("/webhooks/telegram", json=update("message_text"), headers=HEADERS)

    (document,) = api.wait_for("sendDocument")
    fields = document.fields()
    assert fields["chat_id"] == "555001" and fields["caption"] == "Your statement of Oct 31, 2026"
    assert fields["document"] == "invoice-1042.pdf" and document.file() == PDF
    assert json.loads(fields["reply_markup"])["inline_keyboard"] == [[{"text": "Pay it", "callback_data": "pay all"}]]


def test_when_the_bot_fails_the_customer_hears_so(client: TestClient, api: Recorder,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(services: Services, inbound: Inbound) -> list[Reply]:
        raise RuntimeError("database gone")

    monkeypatch.setattr(channels.telegram, "handle", broken)

    client.post("/webhooks/telegram", json=update("message_text"), headers=HEADERS)

    (sent,) = api.wait_for("sendMessage")
    assert sent.fields()["text"].startswith("Sorry, something went wrong")


def test_without_a_token_there_is_no_telegram_webhook(services: Services, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ARAGENT_TELEGRAM_TOKEN", TOKEN)  # the app reads its settings, not the environment
    assert "telegram_token" not in services.settings.channels
    with TestClient(create_app(services)) as client:
        response = client.post("/webhooks/telegram", json=update("message_text"), headers=HEADERS)

    assert response.status_code == 404


# ── Through the real bot ──────────────────────────────────────────────────────────────────────────────


def test_an_unlinked_chat_gets_the_polite_refusal_and_a_share_contact_button(client: TestClient,
                                                                             api: Recorder) -> None:
    client.post("/webhooks/telegram", json=update("message_text"), headers=HEADERS)

    (sent,) = api.wait_for("sendMessage")
    fields = sent.fields()
    assert fields["text"].startswith("Hello! I can help with invoices and payments once this chat is connected")
    assert "$" not in fields["text"]
    markup = json.loads(fields["reply_markup"])
    assert markup["keyboard"] == [[{"text": "Share my phone number", "request_contact": True}]]


def test_aragent_telegram_set_webhook_registers_our_url_and_secret(services: Services, api: Recorder) -> None:
    env = {"ARAGENT_DATABASE_URL": services.db.url, "ARAGENT_DATA_DIR": str(services.settings.data_dir),
           "ARAGENT_PUBLIC_URL": "https://ar.example.com", "ARAGENT_TELEGRAM_TOKEN": TOKEN,
           "ARAGENT_TELEGRAM_WEBHOOK_SECRET": SECRET, "ARAGENT_TELEGRAM_API_BASE": f"{api.url}/bot",
           "ARAGENT_LOG_FORMAT": "json"}

    result = CliRunner().invoke(main, ["telegram", "--set-webhook"], env=env, catch_exceptions=False)

    assert result.exit_code == 0, result.output
    (registered,) = api.calls("setWebhook")
    fields = registered.fields()
    assert (fields["url"], fields["secret_token"]) == ("https://ar.example.com/webhooks/telegram", SECRET)


# ── Issue 15: texts a person would write, a person to reach ──────────────────────────────────────────


def test_a_name_ending_in_a_period_reads_once_and_help_keeps_the_full_menu(services: Services, client: TestClient,
                                                                           api: Recorder) -> None:
    customer(services.db, name="Bluewater Plumbing Co.")
    token = issue_link_token(services.db.uow(), "ACME", TEST_ACTOR).token
    start = update("start_token")
    start["message"] = {**start["message"], "text": f"/start {token}"}
    help_ = update("start_token", update_id=804512299)
    help_["message"] = {**help_["message"], "message_id": 4299, "text": "help"}

    client.post("/webhooks/telegram", json=start, headers=HEADERS)
    (linked,) = api.wait_for("sendMessage")
    client.post("/webhooks/telegram", json=help_, headers=HEADERS)
    _, menu = api.wait_for("sendMessage", 2)

    assert "connected to Bluewater Plumbing Co. Ask me" in linked.fields()["text"]
    assert "• BALANCE" in menu.fields()["text"] and "• CARDS" in menu.fields()["text"]  # chats keep the long menu


def test_an_unlinked_chat_asking_for_a_person_is_told_how_to_reach_one(services: Services, client: TestClient,
                                                                        api: Recorder) -> None:
    client.post("/webhooks/telegram", json=update("message_text", message={
        **update("message_text")["message"], "text": "can I talk to a human"}), headers=HEADERS)

    (sent,) = api.wait_for("sendMessage")
    text = sent.fields()["text"]
    assert services.settings.seller_phone in text and services.settings.seller_email in text
    assert "Open the link" not in text
