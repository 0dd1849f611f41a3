"""The scheduler's retraining of the bot's understanding: off unless ARAGENT_NLU_RETRAIN_CRON is set, and then the
same retraining as `aragent nlu retrain`, on the messages staff labelled (both backends)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bot import nlu_training
from bot.nlu_training import Retrained, Score
from bot.understanding import INTENTS
from core import conversations
from core.bootstrap import Services, bootstrap
from core.kernel.audit import Actor
from core.kernel.config import Settings, load_settings
from scheduler import Scheduler, upcoming

SUNDAY_3AM = dt.datetime(2026, 11, 22, 3, 0, tzinfo=dt.UTC)


@pytest.fixture
def nightly(services: Services, tmp_path: Path) -> Iterator[Services]:
    """The app with retraining turned on, Sundays at 03:00, on the test's database."""
    app = bootstrap(Settings(data_dir=tmp_path / "nightly", database_url=services.db.url,
                             nlu_retrain_cron="0 3 * * 0"))
    yield app
    app.close()


def test_retraining_is_off_by_default(services: Services) -> None:
    assert load_settings().nlu_retrain_cron == ""
    assert "nlu_retrain" not in Scheduler(services, dict).jobs
    assert "nlu_retrain" not in {u.job for u in upcoming(services, now=SUNDAY_3AM)}


def test_turned_on_the_job_retrains_on_the_labelled_messages_and_says_how_it_went(
        nightly: Services, monkeypatch: pytest.MonkeyPatch) -> None:
    arrival = conversations.receive(nightly.db.uow(), channel="sms", external_id="+15105550123", text="blorp zorp",
                                    provider_id="SM1", now=SUNDAY_3AM)
    assert arrival is not None
    conversations.reply(nightly.db.uow(), arrival.conversation.id, arrival.turn_id, intent="unknown", texts=["?"],
                        state="idle", context={}, now=SUNDAY_3AM,
                        review=conversations.ForReview("not understood", "unknown", 0.2, SUNDAY_3AM.date()))
    (review,) = conversations.messages_to_review(nightly.db.uow())
    conversations.label_review(nightly.db.uow(), review.id, intent="help", slots={}, intents=INTENTS,
                               actor=Actor("user:sam", "console"), now=SUNDAY_3AM)
    calls: list[tuple[Path, list[dict[str, Any]]]] = []

    def retrain(data_dir: Path, labelled: list[dict[str, Any]]) -> Retrained:
        calls.append((data_dir, labelled))  # the model itself is trained in tests/integration/bot/test_reviews.py
        return Retrained(Score(196, 200), Score(197, 200), True, data_dir / "nlu" / "intent_model.pkl", 1049, 1)

    monkeypatch.setattr(nlu_training, "retrain", retrain)
    runner = Scheduler(nightly, dict, clock=lambda: SUNDAY_3AM)
    saturday = SUNDAY_3AM - dt.timedelta(hours=20)
    assert {u.job: u.next_run for u in upcoming(nightly, now=saturday)}["nlu_retrain"] == SUNDAY_3AM
    runner.start()
    try:
        outcome = runner.fire("nlu_retrain")
    finally:
        runner.stop()

    assert (outcome.status, outcome.period) == ("done", "2026-11-22")
    assert "held-out accuracy before: 98.0% (196/200), after: 98.5% (197/200)" in outcome.summary
    assert outcome.summary.endswith(f"installed {nightly.settings.data_dir / 'nlu' / 'intent_model.pkl'}")
    ((data_dir, labelled),) = calls
    assert data_dir == nightly.settings.data_dir
    assert [(row["text"], row["intent"]) for row in labelled] == [("blorp zorp", "help")]
