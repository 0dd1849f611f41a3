"""Learning from real traffic: the messages the bot reads badly go to review, and once staff label one and the
model is retrained (`aragent nlu retrain`), the bot understands it (both backends)."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from bot import nlu_training, understanding
from bot.understanding import INTENTS
from channels.cli.main import main
from core import conversations
from core.conversations.models import ConversationTurn
from core.kernel.audit import Actor
from tests.integration.bot.test_dialogue import Chat
from tests.nlu_small import use_small_corpus

# Words no training file has: the shipped model cannot read this as anything.
UNREADABLE = "zorblax quantifier flimwidget"
SUPERVISOR = Actor("user:sam", "console")


def kept(chat: Chat) -> list[tuple[str, str, str, tuple[str, ...]]]:
    return [(r.text, r.reason, r.guessed, r.options)
            for r in reversed(conversations.messages_to_review(chat.services.db.uow(), status="all"))]


def test_a_typed_message_with_words_the_bot_did_not_understand_is_kept_for_review(chat: Chat) -> None:
    answer = chat.say(UNREADABLE)
    assert "didn't get that" in answer
    (review,) = conversations.messages_to_review(chat.services.db.uow())
    assert (review.text, review.reason, review.guessed) == (UNREADABLE, "not understood", "unknown")
    # The share of the reading: no intent is sure of nonsense (the exact share moves a little with each retraining).
    assert review.confidence < 0.8 and review.replies == (answer,) and review.today == chat.now.date()


def test_understood_messages_slot_answers_buttons_and_a_short_pays_comment_are_not_kept(chat: Chat) -> None:
    chat.say("what do I owe?")
    chat.say("1042")
    chat.say("friday")
    chat.say("pick:2")
    chat.say("pay 300 dollars on INV-1044")
    chat.say("Other")
    assert "short paid: Other (blue widgets zorp)" in chat.say("blue widgets zorp")  # the comment, as typed
    assert kept(chat) == []


def test_a_corrected_quote_is_kept_with_what_the_bot_read(chat: Chat) -> None:
    chat.say("pay 1044")
    assert "nothing was paid for INV-1044" in chat.say("no, I meant 1043")
    ((text, reason, guessed, _options),) = kept(chat)
    assert (text, reason) == ("no, I meant 1043", "corrected") and guessed in ("deny", "pay", "unknown")


def test_a_message_the_bot_was_unsure_of_is_kept_with_the_options_it_had(chat: Chat, unsure: None) -> None:
    parsed = understanding.parse("money stuff for 1043", today=chat.now.date())
    assert parsed.clarify == ("pay", "schedule", "dispute")  # the `unsure` fixture: too close to call
    chat.say("money stuff for 1043")
    assert kept(chat) == [("money stuff for 1043", "asked which", parsed.intent, parsed.clarify)]


def test_labelled_and_retrained_the_message_is_understood(chat: Chat, monkeypatch: pytest.MonkeyPatch) -> None:
    """Done when: label → retrain → the message is understood, through the engine and the model in the data folder."""
    services = chat.services
    data_dir = services.settings.data_dir
    assert "didn't get that" in chat.say(UNREADABLE)
    (review,) = conversations.messages_to_review(services.db.uow())
    conversations.label_review(services.db.uow(), review.id, intent="balance", slots={}, intents=INTENTS,
                               actor=SUPERVISOR, now=chat.now)
    use_small_corpus(monkeypatch, data_dir)

    result = CliRunner().invoke(main, ["nlu", "retrain"], catch_exceptions=False, env={
        "ARAGENT_DATABASE_URL": services.db.url, "ARAGENT_DATA_DIR": str(data_dir), "ARAGENT_LOG_FORMAT": "json"})

    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert "1 of them labelled in the console" in lines[0]
    assert lines[1].startswith("held-out accuracy before: ") and ", after: " in lines[1]
    assert lines[2] == f"installed {data_dir / 'nlu' / 'intent_model.pkl'}"
    model = nlu_training.model_for(data_dir)
    assert model is not nlu_training.shipped_model()
    assert understanding.parse(UNREADABLE, today=chat.now.date(), model=model).intent == "balance"
    assert understanding.parse(UNREADABLE, today=chat.now.date()).intent == "unknown"  # the shipped model still can't

    answer = chat.later(minutes=5).say(UNREADABLE)

    assert "$1,650.00" in answer and "Past due: $650.00" in answer  # answered as a balance question
    with services.db.uow() as uow:
        intent = uow.session.scalar(select(ConversationTurn.intent).where(ConversationTurn.direction == "in")
                                    .order_by(ConversationTurn.id.desc()).limit(1))
    assert intent == "balance"
    assert len(conversations.messages_to_review(services.db.uow(), status="all")) == 1  # understood: not kept again


def test_retrain_refuses_a_model_that_reads_the_check_batch_worse(chat: Chat, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from bot.nlu_training import Retrained, Score

    def worse(data_dir, labelled):  # type: ignore[no-untyped-def]
        return Retrained(Score(190, 200), Score(180, 200), False, data_dir / "nlu" / "intent_model.pkl", 1000,
                         len(labelled))

    monkeypatch.setattr(nlu_training, "retrain", worse)
    result = CliRunner().invoke(main, ["nlu", "retrain"], env={
        "ARAGENT_DATABASE_URL": chat.services.db.url, "ARAGENT_DATA_DIR": str(chat.services.settings.data_dir),
        "ARAGENT_LOG_FORMAT": "json"})
    assert result.exit_code == 1
    assert "held-out accuracy before: 95.0% (190/200), after: 90.0% (180/200)" in result.output
    assert result.output.splitlines()[-1] == "not installed: the new model reads the check batch worse"
    # Nothing installed: the engine keeps reading with the shipped model.
    assert nlu_training.model_for(chat.services.settings.data_dir) is nlu_training.shipped_model()


def test_retrain_shipped_rebuilds_the_model_shipped_with_the_code(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    class Rebuilt:
        examples = 1048

    rebuilt: list[bool] = []
    monkeypatch.setattr(nlu_training, "rebuild_shipped", lambda: rebuilt.append(True) or Rebuilt())  # the file stays
    result = CliRunner().invoke(main, ["nlu", "retrain", "--shipped"], catch_exceptions=False)
    assert result.exit_code == 0 and rebuilt == [True]
    assert result.output == "rebuilt the shipped model from 1048 examples\n"
