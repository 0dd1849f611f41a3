"""The understanding measured on the training batches by cross-validation: each fold read by a model that was not
trained on it, with the rules beside it. This is where the combination (bot.nlu_decide) is tuned; the sealed
batches (tests/sealed) are measured, never tuned on.

    .venv/bin/python -m bench.nlu_crossval                 # figures, and how precise each rule is on fresh text
    .venv/bin/python -m bench.nlu_crossval --misses        # and the messages read wrongly

Only `training_*.jsonl` batches are folded (the rules were not written from them); the corpus is always in
training. Prints intent accuracy, questions asked, money misreads, and each rule's precision.
"""

from __future__ import annotations

import argparse
import datetime as dt
from collections import Counter
from typing import Any

from bench.nlu_accuracy import MONEY
from bot import nlu_decide, nlu_intents, nlu_model, nlu_training
from bot.understanding import _read, readings
from core.kernel import DEFAULT_SHORT_PAY_REASONS

FOLDS = 5


def folded() -> list[tuple[dict[str, Any], str, str, nlu_model.Guess]]:
    corpus = nlu_training.rows_of([nlu_training.DATA / "corpus.jsonl"])
    fresh = nlu_training.rows_of(sorted(nlu_training.DATA.glob("training_*.jsonl")))
    corpus_examples = nlu_training.examples(corpus)
    fresh_examples = nlu_training.examples(fresh)
    out = []
    for fold in range(FOLDS):
        train = corpus_examples + [ex for i, ex in enumerate(fresh_examples) if i % FOLDS != fold]
        model = nlu_model.train(train)  # the intents only: the reason model is measured by bench.nlu_accuracy
        for i, row in enumerate(fresh):
            if i % FOLDS == fold:
                rule, source, guess = readings(_read(row["text"], DEFAULT_SHORT_PAY_REASONS), model)
                out.append((row, rule, source, guess))
    return out


def evaluate(readings_: list[tuple[dict[str, Any], str, str, nlu_model.Guess]], *, misses: bool) -> None:
    right = asked = money = 0
    sources: dict[str, Counter[bool]] = {}
    for row, rule, source, guess in readings_:
        label = row["intent"]
        intent, _, clarify = nlu_decide.decide(rule, source, guess, nlu_intents.vetoed(_read(
            row["text"], DEFAULT_SHORT_PAY_REASONS).masked))
        ok = intent == label or label in clarify
        right += ok
        asked += bool(clarify)
        if intent in MONEY and label not in MONEY and not clarify:
            money += 1  # as bench.nlu_accuracy counts them
        sources.setdefault(source, Counter())[rule == label] += 1
        if misses and not ok:
            print(f"  {row['text']!r}: {label} read {intent} (rule {rule} by {source}, model {guess.ranked})"
                  f" clarify {clarify}")
    n = len(readings_)
    print(f"cross-validated on {n}: intent {right / n:.1%}, asked {asked}, money misreads {money}")
    print("rule precision by source (right/of):")
    for source, counts in sorted(sources.items(), key=lambda item: -sum(item[1].values())):
        print(f"  {source:<10} {counts[True]:>4}/{sum(counts.values()):<4} {counts[True] / sum(counts.values()):.0%}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--misses", action="store_true")
    args = parser.parse_args()
    started = dt.datetime.now()
    evaluate(folded(), misses=args.misses)
    print(f"{(dt.datetime.now() - started).total_seconds():.0f} s")


if __name__ == "__main__":
    main()
