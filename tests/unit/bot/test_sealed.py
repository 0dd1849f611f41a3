"""The sealed batch (tests/sealed/README.md): unchanged since it was written, and read at the level reported."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from bench.nlu_accuracy import MONEY, measure

SEALED = Path(__file__).parents[2] / "sealed" / "nlu_sealed_2026-12-06.jsonl"
SECOND = SEALED.with_name("nlu_sealed_2026-12-06b.jsonl")
THIRD = SEALED.with_name("nlu_sealed_2026-12-06c.jsonl")
FOURTH = SEALED.with_name("nlu_sealed_2026-12-07d.jsonl")
FIFTH = SEALED.with_name("nlu_sealed_2026-12-08e.jsonl")
SIXTH = SEALED.with_name("nlu_sealed_2026-12-09f.jsonl")
SEVENTH = SEALED.with_name("nlu_sealed_2026-12-10g.jsonl")
EIGHTH = SEALED.with_name("nlu_sealed_2026-12-11h.jsonl")
NINTH = SEALED.with_name("nlu_sealed_2026-12-12i.jsonl")
TENTH = SEALED.with_name("nlu_sealed_2026-12-13j.jsonl")
ELEVENTH = SEALED.with_name("nlu_sealed_2026-12-14k.jsonl")
TWELFTH = SEALED.with_name("nlu_sealed_2026-12-15o.jsonl")
THIRTEENTH = SEALED.with_name("nlu_sealed_2026-12-17t.jsonl")
FOURTEENTH = SEALED.with_name("nlu_sealed_2026-12-19w.jsonl")
FIFTEENTH = SEALED.with_name("nlu_sealed_2026-12-20z.jsonl")
SIXTEENTH = SEALED.with_name("nlu_sealed_2026-12-21s.jsonl")
SEVENTEENTH = SEALED.with_name("nlu_sealed_2026-12-22q.jsonl")
EIGHTEENTH = SEALED.with_name("nlu_sealed_2026-12-23r.jsonl")
NINETEENTH = SEALED.with_name("nlu_sealed_2026-12-24s.jsonl")
TWENTIETH = SEALED.with_name("nlu_sealed_2026-12-25u.jsonl")
TWENTY_FIRST = SEALED.with_name("nlu_sealed_2026-12-25v.jsonl")
TWENTY_SECOND = SEALED.with_name("nlu_sealed_2026-12-26a.jsonl")
TWENTY_THIRD = SEALED.with_name("nlu_sealed_2026-12-26b.jsonl")
MULTILINGUAL = SEALED.with_name("nlu_sealed_2026-12-26m.jsonl")  # written wholly in seven other languages
TWENTY_FOURTH = SEALED.with_name("nlu_sealed_2026-12-27x.jsonl")
TWENTY_FIFTH = SEALED.with_name("nlu_sealed_2026-12-27y.jsonl")
TWENTY_SIXTH = SEALED.with_name("nlu_sealed_2026-12-28a.jsonl")
TWENTY_SEVENTH = SEALED.with_name("nlu_sealed_2026-12-28b.jsonl")
TWENTY_EIGHTH = SEALED.with_name("nlu_sealed_2026-12-29a.jsonl")
TWENTY_NINTH = SEALED.with_name("nlu_sealed_2026-12-29b.jsonl")
THIRTIETH = SEALED.with_name("nlu_sealed_2026-12-29c.jsonl")
THIRTY_FIRST = SEALED.with_name("nlu_sealed_2026-12-29d.jsonl")
THIRTY_SECOND = SEALED.with_name("nlu_sealed_2026-12-30a.jsonl")
THIRTY_THIRD = SEALED.with_name("nlu_sealed_2026-12-30b.jsonl")
THIRTY_FOURTH = SEALED.with_name("nlu_sealed_2026-12-30c.jsonl")
THIRTY_FIFTH = SEALED.with_name("nlu_sealed_2026-12-30d.jsonl")
THIRTY_SIXTH = SEALED.with_name("nlu_sealed_2026-12-31a.jsonl")
THIRTY_SEVENTH = SEALED.with_name("nlu_sealed_2026-12-31b.jsonl")
THIRTY_EIGHTH = SEALED.with_name("nlu_sealed_2026-12-32a.jsonl")
THIRTY_NINTH = SEALED.with_name("nlu_sealed_2026-12-32b.jsonl")
FORTIETH = SEALED.with_name("nlu_sealed_2026-12-32c.jsonl")
FORTY_FIRST = SEALED.with_name("nlu_sealed_2026-12-32d.jsonl")
FORTY_SECOND = SEALED.with_name("nlu_sealed_2026-12-33a.jsonl")
FORTY_THIRD = SEALED.with_name("nlu_sealed_2026-12-33b.jsonl")
FORTY_FOURTH = SEALED.with_name("nlu_sealed_2026-12-33c.jsonl")
BATCHES = [SEALED, SECOND, THIRD, FOURTH, FIFTH, SIXTH, SEVENTH, EIGHTH, NINTH, TENTH, ELEVENTH, TWELFTH, THIRTEENTH,
           FOURTEENTH, FIFTEENTH, SIXTEENTH, SEVENTEENTH, EIGHTEENTH, NINETEENTH, TWENTIETH, TWENTY_FIRST,
           TWENTY_SECOND, TWENTY_THIRD, MULTILINGUAL, TWENTY_FOURTH, TWENTY_FIFTH,
           TWENTY_SIXTH, TWENTY_SEVENTH, TWENTY_EIGHTH, TWENTY_NINTH, THIRTIETH, THIRTY_FIRST, THIRTY_SECOND,
           THIRTY_THIRD, THIRTY_FOURTH, THIRTY_FIFTH, THIRTY_SIXTH, THIRTY_SEVENTH,
           THIRTY_EIGHTH, THIRTY_NINTH, FORTIETH, FORTY_FIRST, FORTY_SECOND,
           FORTY_THIRD, FORTY_FOURTH]
NAMES = ["first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth", "eleventh",
         "twelfth", "thirteenth", "fourteenth", "fifteenth", "sixteenth", "seventeenth", "eighteenth", "nineteenth",
         "twentieth", "twenty-first", "twenty-second", "twenty-third", "multilingual", "twenty-fourth",
         "twenty-fifth", "twenty-sixth", "twenty-seventh", "twenty-eighth", "twenty-ninth", "thirtieth",
         "thirty-first", "thirty-second", "thirty-third", "thirty-fourth", "thirty-fifth", "thirty-sixth",
         "thirty-seventh", "thirty-eighth", "thirty-ninth", "fortieth", "forty-first", "forty-second",
         "forty-third", "forty-fourth"]


@pytest.mark.parametrize("batch", BATCHES, ids=NAMES)
def test_the_sealed_batches_are_the_ones_written_before_tuning(batch: Path) -> None:
    digest = hashlib.sha256(batch.read_bytes()).hexdigest()
    recorded = (batch.parent / "README.md").read_text(encoding="utf-8")
    assert f"sha256 {digest}" in recorded, "a sealed batch never changes: write a new one"


# Each batch at the level measured last (bench/README.md, "2026-12-08, sixteenth session"), less about one message for
# a retrained model's small moves: (intent, every slot, money misreads at most). A level is lowered only for a reason
# written there (the fifteenth batch's intent, two messages the retrained model of the fourteenth session reads as
# another money request; the sixth batch's, one message of intent the model retrained in the sixteenth session reads
# otherwise and one slot, a check's sum said in pairs, which LABELS.md now settles as a sum). A money misread may grow
# only for a reason written in bench/README.md (the fourth batch's one has been there since it was written). Measured
# before any change (25f0038) on the first batch: intent 74.9 %, slots 69.6 %, 11 money misreads.
LEVELS = {
    SEALED: (0.977, 0.938, 0),
    SECOND: (0.987, 0.965, 0),
    THIRD: (0.99, 0.943, 0),
    FOURTH: (0.993, 0.946, 1),
    FIFTH: (0.97, 0.93, 0),
    SIXTH: (0.966, 0.936, 0),
    SEVENTH: (0.996, 0.966, 0),
    EIGHTH: (0.986, 0.94, 0),
    NINTH: (0.976, 0.963, 0),
    TENTH: (0.993, 0.963, 0),
    ELEVENTH: (0.987, 0.958, 0),
    TWELFTH: (0.987, 0.937, 0),
    THIRTEENTH: (0.991, 0.966, 0),
    FOURTEENTH: (0.995, 0.97, 0),
    FIFTEENTH: (0.975, 0.945, 0),
    SIXTEENTH: (0.991, 0.962, 0),
    SEVENTEENTH: (0.979, 0.95, 0),
    EIGHTEENTH: (0.987, 0.945, 0),
    NINETEENTH: (0.979, 0.929, 0),
    TWENTIETH: (0.987, 0.937, 0),
    TWENTY_FIRST: (0.987, 0.95, 0),
    TWENTY_SECOND: (0.995, 0.95, 0),
    TWENTY_THIRD: (0.991, 0.962, 0),
    # other languages are read through a word list (bot/nlu_languages.py): below the others' level
    MULTILINGUAL: (0.95, 0.841, 0),
    TWENTY_FOURTH: (0.995, 0.954, 0),
    TWENTY_FIFTH: (0.974, 0.929, 0),
    TWENTY_SIXTH: (0.975, 0.929, 0),
    TWENTY_SEVENTH: (0.962, 0.908, 0),
    TWENTY_EIGHTH: (0.995, 0.954, 0),
    TWENTY_NINTH: (0.995, 0.933, 0),
    THIRTIETH: (0.983, 0.937, 0),
    THIRTY_FIRST: (0.983, 0.966, 0),
    THIRTY_SECOND: (0.97, 0.891, 0),
    THIRTY_THIRD: (0.979, 0.937, 0),
    THIRTY_FOURTH: (0.979, 0.941, 0),
    # written as replies to lists and quotes, several invoices with different fates
    THIRTY_FIFTH: (0.933, 0.862, 0),
    THIRTY_SIXTH: (0.983, 0.954, 0),
    THIRTY_SEVENTH: (0.975, 0.912, 0),
    # long letters naming several invoices and dates with different fates
    THIRTY_EIGHTH: (0.958, 0.854, 0),
    # replies to a list or a quote, many in other languages
    THIRTY_NINTH: (0.929, 0.929, 0),
    FORTIETH: (0.962, 0.937, 0),
    FORTY_FIRST: (0.983, 0.937, 0),
    FORTY_SECOND: (0.975, 0.883, 0),
    # long letters and replies to a list or a quote, in English and ten other languages
    FORTY_THIRD: (0.9, 0.825, 0),
    FORTY_FOURTH: (0.97, 0.92, 0),
}


@pytest.mark.parametrize("batch", list(LEVELS), ids=NAMES)
def test_the_sealed_batches_are_understood_at_the_level_reported(batch: Path) -> None:
    rows = [json.loads(line) for line in batch.read_text(encoding="utf-8").splitlines() if line.strip()]
    figures = measure(rows)
    intents = sum(figures["right"].values()) / figures["rows"]
    slots = figures["slots_right"] / figures["rows"]
    intent_floor, slot_floor, most_misreads = LEVELS[batch]
    # Figures only: the messages are not printed (they must not be tuned on).
    misreads = len(figures["money_misreads"])  # a count: pytest would print the list's messages
    assert misreads <= most_misreads, f"{misreads} read as one of {MONEY} wrongly"
    assert intents >= intent_floor, f"intent {intents:.1%}"
    assert slots >= slot_floor, f"slots {slots:.1%}"
