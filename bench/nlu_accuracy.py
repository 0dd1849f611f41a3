"""How well the bot understands a labelled batch of messages: intent and slots, per intent, with a confusion table.

    .venv/bin/python -m bench.nlu_accuracy tests/sealed/nlu_sealed_2026-12-06.jsonl
    .venv/bin/python -m bench.nlu_accuracy bot/nlu_data/training_2026-12-06.jsonl --misses

The figures (the batch is labelled by bot/nlu_data/LABELS.md):
- intent: the parser's intent equals the label. A message the bot would answer with a clarifying question counts
  as right only when the label is among the options it offers, and is counted apart ("asked");
- slots: invoices, selector, amount, date, month and reason all equal the label;
- money misreads: a message read confidently (no question asked) as pay, schedule, deposit or a yes when it was none
  of these — the misses that would head toward moving money. A money request read as another (a payment read as
  scheduled) is counted apart: the quote the customer must confirm shows it.

`--misses` lists every message read wrongly. Never use it on the sealed batch: its messages must not be seen while
the understanding is tuned (tests/sealed/README.md).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import time
from collections import Counter
from pathlib import Path
from typing import Any

from bot.understanding import parse, to_json

SLOTS = ("invoices", "selector", "amount", "date", "month", "reason")
MONEY = ("pay", "schedule", "deposit", "confirm")


def measure(rows: list[dict[str, Any]]) -> dict[str, Any]:
    total, right, asked = Counter[str](), Counter[str](), 0
    confusion = Counter[tuple[str, str]]()
    slot_misses = Counter[str]()
    slots_right, money_misreads, money_swaps, misses, elapsed = 0, [], [], [], 0.0
    for row in rows:
        started = time.perf_counter()
        parsed = parse(row["text"], today=dt.date.fromisoformat(row["today"]))
        elapsed += time.perf_counter() - started
        got = to_json(parsed)
        label = row["intent"]
        options = list(got.get("clarify") or [])
        correct = got["intent"] == label or label in options
        asked += bool(options)
        total[label] += 1
        right[label] += correct
        confusion[(label, label if correct else got["intent"])] += 1
        slot_misses.update(key for key in SLOTS if got[key] != row[key])
        slots_ok = all(got[key] == row[key] for key in SLOTS)
        slots_right += slots_ok
        if got["intent"] in MONEY and got["intent"] != label and not options:
            # Read as money when it was not ("I'm not paying 1050 until…" as a payment): a misread. One money
            # request read as another (a payment as scheduled) is counted apart: the quote shows the date.
            (money_misreads if label not in MONEY else money_swaps).append(row["text"])
        if not (correct and slots_ok):
            misses.append((row, got))
    return {"rows": len(rows), "total": total, "right": right, "asked": asked, "confusion": confusion,
            "slots_right": slots_right, "slot_misses": slot_misses, "money_misreads": money_misreads,
            "money_swaps": money_swaps, "misses": misses,
            "ms_per_message": 1000 * elapsed / max(len(rows), 1)}


def report(name: str, figures: dict[str, Any], *, misses: bool) -> None:
    rows, total, right = figures["rows"], figures["total"], figures["right"]
    print(f"{name}: {rows} messages")
    print(f"{'intent':<18}{'right':>7}{'of':>5}{'accuracy':>10}")
    for intent in sorted(total, key=lambda key: (-total[key], key)):
        print(f"{intent:<18}{right[intent]:>7}{total[intent]:>5}{right[intent] / total[intent]:>10.1%}")
    intent_right = sum(right.values())
    print(f"{'all intents':<18}{intent_right:>7}{rows:>5}{intent_right / rows:>10.1%}")
    print(f"{'every slot':<18}{figures['slots_right']:>7}{rows:>5}{figures['slots_right'] / rows:>10.1%}")
    print("slot misses by slot: " + (", ".join(f"{key} {count}" for key, count in figures["slot_misses"].most_common())
                                     or "none"))
    print(f"asked a clarifying question: {figures['asked']}; money misreads: {len(figures['money_misreads'])}"
          f" (and {len(figures['money_swaps'])} money requests read as another);"
          f" {figures['ms_per_message']:.2f} ms per message")
    _confusion(figures["confusion"])
    if misses:
        for row, got in figures["misses"]:
            wrong = {key: got[key] for key in ("intent", *SLOTS) if got[key] != row[key]}
            expected = {key: row[key] for key in wrong}
            print(f"  {row['text']!r}\n      got {wrong}, expected {expected}, clarify {got.get('clarify')}")


def _confusion(confusion: Counter[tuple[str, str]]) -> None:
    """The misreadings only (label → what the bot read), most frequent first: a full table of 25 intents is
    mostly zeros."""
    wrong = sorted(((count, label, got) for (label, got), count in confusion.items() if label != got), reverse=True)
    if not wrong:
        return
    print("confusions (label → read as: count)")
    for count, label, got in wrong:
        print(f"  {label:>16} → {got:<16} {count}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("batches", nargs="+", type=Path)
    parser.add_argument("--misses", action="store_true", help="list the messages read wrongly (not for sealed)")
    args = parser.parse_args()
    if args.misses and any("sealed" in path.parts for path in args.batches):
        parser.error("--misses would show the sealed messages; measure them as figures only")
    for path in args.batches:
        rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
        report(str(path), measure(rows), misses=args.misses)


if __name__ == "__main__":
    main()
