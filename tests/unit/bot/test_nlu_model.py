"""The intent model: reproducible from the training files, and combined with the rules so that doubt is asked about."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
import sklearn

from bot import nlu_decide, nlu_model, nlu_training
from bot.nlu_model import Guess
from bot.understanding import INTENTS, masked, parse, to_json

SUNDAY = dt.date(2026, 12, 6)


@pytest.fixture(scope="module")
def retrained() -> nlu_model.IntentModel:
    return nlu_training.train_from(nlu_training.rows_of(nlu_training.training_files()))


def test_the_shipped_model_is_the_one_the_training_files_make(retrained: nlu_model.IntentModel) -> None:
    shipped = nlu_model.load(nlu_model.SHIPPED)
    assert shipped is not None, f"intent_model.pkl is missing or not from scikit-learn {sklearn.__version__}"
    assert shipped.digest == retrained.digest, "the training files changed: run `aragent nlu retrain --shipped`"
    texts = [masked(str(row["text"])) for row in nlu_training.rows_of(nlu_training.check_files())]
    assert np.allclose(shipped.guesses(texts), retrained.guesses(texts), atol=1e-9)


def test_training_twice_gives_the_same_model() -> None:
    # Fitted twice, in two orders, on a part of the corpus (the whole is fitted once, above): the same model.
    rows = nlu_training.rows_of(nlu_training.training_files())[:2000]
    first = nlu_model.train(nlu_training.examples(rows), nlu_training.reason_examples(rows))
    rows.reverse()
    again = nlu_model.train(nlu_training.examples(rows), nlu_training.reason_examples(rows))
    texts = ["can someone call me back about _invoice_", "escalate this", "add a visa", "hold off"]
    assert again.digest == first.digest
    assert np.allclose(again.guesses(texts), first.guesses(texts), atol=1e-12)


def test_every_intent_the_bot_knows_is_one_the_model_can_guess(retrained: nlu_model.IntentModel) -> None:
    assert set(retrained.intents) == set(INTENTS)


def test_the_parse_json_carries_the_confidence_and_the_options_only_when_it_would_ask() -> None:
    sure = to_json(parse("pay invoice 1042 on friday", today=SUNDAY))
    assert sure["intent"] == "schedule" and 0.5 < sure["confidence"] <= 1 and "clarify" not in sure
    doubt = Guess("pay", 0.41, (("pay", 0.41), ("dispute", 0.38), ("schedule", 0.1)))
    intent, confidence, clarify = nlu_decide.decide("unknown", "none", doubt)
    assert (intent, clarify) == ("pay", ("pay", "dispute"))
    assert confidence == pytest.approx(0.41)


@pytest.mark.parametrize(("rule", "source", "ranked", "expected"), [
    # one-word answers and a leading yes/no decide whatever the model says
    ("confirm", "whole", (("dispute", 0.9), ("confirm", 0.05)), ("confirm", ())),
    ("stop", "whole", (("agent", 0.9), ("stop", 0.05)), ("stop", ())),
    # the model reads a wording no rule has, when it is sure
    ("unknown", "none", (("agent", 0.92), ("help", 0.03)), ("agent", ())),
    # nothing read with any confidence, nothing about money: unknown, no question
    ("unknown", "none", (("balance", 0.15), ("invoices", 0.14)), ("unknown", ())),
    # a rule's veto: "please waive the finance charge" is not a question about it, whatever the model says
    ("dispute", "dispute 3", (("finance_charge", 0.8), ("dispute", 0.1)), ("dispute", ())),
    # a money reading the model contradicts: ask, never act
    ("pay", "rule 30", (("dispute", 0.7), ("pay", 0.2)), ("dispute", ("dispute", "pay"))),
    # the customer's own payment told, a statement asked for, a dispute said: however sure the model is of money,
    # the bot asks ("we pay the invoice 6650 on 28 of this month, ok?")
    ("promise", "promise 0", (("schedule", 0.96), ("pay", 0.03)), ("schedule", ("schedule", "promise"))),
    ("statement", "statement 0", (("pay", 0.92), ("statement", 0.04)), ("pay", ("pay", "statement"))),
    ("dispute", "dispute 0", (("pay", 0.86), ("dispute", 0.1)), ("pay", ("pay", "dispute"))),
    ("dispute", "dispute 0", (("confirm", 0.8), ("dispute", 0.1)), ("confirm", ("confirm", "dispute"))),
    ("cancel_scheduled", "cancel_scheduled 0", (("schedule", 0.89), ("pay", 0.04)),
     ("schedule", ("schedule", "cancel_scheduled"))),  # "please delete the future-dated payment for the oldest"
    # other promises the model may overrule when all but certain: "please schedule it for the 30th, I'll make sure
    # the funds are there"; less sure, it asks ("we are deducting $312.40 … and will pay the balance separately")
    ("promise", "promise 1", (("schedule", 0.96), ("promise", 0.02)), ("schedule", ())),
    ("promise", "promise 1", (("pay", 0.92), ("dispute", 0.05)), ("pay", ("pay", "promise"))),
    # a leading "ok" the model surely reads as something else is no yes: "ok great, thanks a lot"
    ("confirm", "lead", (("thanks", 0.72), ("confirm", 0.27)), ("thanks", ())),
    ("confirm", "lead", (("promise", 0.64), ("confirm", 0.35)), ("promise", ())),
    ("confirm", "lead", (("confirm", 0.6), ("thanks", 0.35)), ("confirm", ())),
    ("confirm", "lead", (("dispute", 0.6), ("confirm", 0.35)), ("unknown", ())),  # nothing recorded on a guess
])
def test_the_rules_and_the_model_combined(rule: str, source: str, ranked: tuple[tuple[str, float], ...],
                                          expected: tuple[str, tuple[str, ...]]) -> None:
    vetoed = frozenset({"finance_charge"}) if source == "dispute 3" else frozenset()
    intent, _, clarify = nlu_decide.decide(rule, source, Guess(ranked[0][0], ranked[0][1], ranked), vetoed)
    assert (intent, clarify) == expected


def test_the_fast_probabilities_are_scikit_learns(retrained: nlu_model.IntentModel) -> None:
    for text in ("can someone call me back about _invoice_", "pay _invoice_ now", "zzz", ""):
        assert np.allclose(retrained.probabilities(text), retrained.pipeline.predict_proba([text])[0], atol=1e-12)


def test_a_doubt_between_paying_and_scheduling_a_future_date_is_no_doubt(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(nlu_decide, "decide", lambda *args, **kwargs: ("pay", 0.5, ("pay", "schedule")))
    parsed = parse("pay invoice 2231 on the twenty second", today=SUNDAY)
    assert (parsed.intent, parsed.clarify, parsed.date) == ("schedule", (), dt.date(2026, 12, 22))


def test_a_reason_said_in_other_words_is_read_by_the_reason_model(retrained: nlu_model.IntentModel) -> None:
    """The finder knows "damaged" and "short shipment"; the model reads what the training batches taught it, and
    only for a payment or a dispute, only as one of the configured reasons."""
    assert retrained.reason(masked("u charged me 2x for the same order")) == (
        "Disputed charge", pytest.approx(retrained.reason(masked("u charged me 2x for the same order"))[1]))
    parsed = parse("you billed us twice for the same delivery, not paying that", today=SUNDAY)
    assert (parsed.intent, parsed.reason) == ("dispute", "Disputed charge")
    assert parse("thanks, the order came in fine", today=SUNDAY).reason is None
    spanish = parse("you billed us twice for the same delivery, not paying that", today=SUNDAY,
                    reasons=("Cargo duplicado", "Otro"))
    assert spanish.reason in ("Cargo duplicado", None)  # never a reason outside the configured ones


@pytest.mark.parametrize(("rule", "ranked", "vetoed", "expected"), [
    # "can I pay the rest next month": the model is sure of pay, a rule says pay is not meant and reads a promise
    ("promise", (("pay", 0.95), ("promise", 0.03)), frozenset({"pay"}), "promise"),
    # the vetoed belief never goes to a money reading: it is only dropped
    ("pay", (("promise", 0.9), ("pay", 0.02)), frozenset({"promise"}), "unknown"),
])
def test_a_vetoed_reading_leaves_its_belief_with_the_rule_never_with_money(
        rule: str, ranked: tuple[tuple[str, float], ...], vetoed: frozenset[str], expected: str) -> None:
    intent, _, _ = nlu_decide.decide(rule, "rule 1", Guess(ranked[0][0], ranked[0][1], ranked), vetoed)
    assert intent == expected
