"""Where the intent model comes from: the labelled messages it is trained on, the shipped model, and retraining.

Training files (bot/nlu_data): `corpus.jsonl` (the rules' regression corpus) and `training_*.jsonl` (batches
written to broaden the wording), plus, for a seller's own model, the messages staff labelled in the console
("Messages to review"). The check batch (`check_*.jsonl`) is never trained on: a retrained model is installed
only when it reads the check batch at least as well as the model it replaces. The sealed batches under
tests/sealed are read by no code here.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot import nlu_model
from bot.nlu_model import DATA, SHIPPED, IntentModel

_lock = threading.Lock()
_installed: dict[Path, tuple[float, IntentModel]] = {}


def training_files() -> list[Path]:
    return [DATA / "corpus.jsonl", *sorted(DATA.glob("training_*.jsonl"))]


def check_files() -> list[Path]:
    return sorted(DATA.glob("check_*.jsonl"))


def rows_of(paths: Iterable[Path]) -> list[dict[str, Any]]:
    return [json.loads(line) for path in paths for line in path.read_text(encoding="utf-8").splitlines()
            if line.strip()]


def examples(rows: Iterable[dict[str, Any]]) -> list[tuple[str, str]]:
    from bot.understanding import masked  # the model reads what the rules read

    return [(masked(str(row["text"])), str(row["intent"])) for row in rows]


def reason_examples(rows: Iterable[dict[str, Any]]) -> list[tuple[str, str]]:
    """(masked text, reason or "none") of the payments and disputes: what the reason model learns from."""
    from bot.understanding import REASONED_INTENTS, masked

    return [(masked(str(row["text"])), str(row.get("reason") or nlu_model.NO_REASON)) for row in rows
            if row["intent"] in REASONED_INTENTS]


def train_from(rows: list[dict[str, Any]]) -> IntentModel:
    """The intent model and the reason model, from labelled rows."""
    return _trained(tuple(sorted(set(examples(rows)))), tuple(sorted(set(reason_examples(rows)))))


@functools.lru_cache(maxsize=2)
def _trained(pairs: tuple[tuple[str, str], ...], reasons: tuple[tuple[str, str], ...]) -> IntentModel:
    """The same examples make the same model (nlu_model.train), so the last ones fitted are kept: a second retrain
    with no new label, in the same process, does not fit again."""
    return nlu_model.train(pairs, reasons)


@functools.cache
def shipped_model() -> IntentModel:
    """The model shipped with the code; trained from the training files when the shipped file cannot be read."""
    with _lock:  # one load (or training) however many requests arrive at first
        return nlu_model.load(SHIPPED) or train_from(rows_of(training_files()))


def model_for(data_dir: Path | None) -> IntentModel:
    """The seller's retrained model (`aragent nlu retrain`) when there is one, else the shipped one."""
    if data_dir is None:
        return shipped_model()
    path = Path(data_dir) / "nlu" / nlu_model.FILE_NAME
    try:
        changed = path.stat().st_mtime
    except FileNotFoundError:
        return shipped_model()
    cached = _installed.get(path)
    if cached is None or cached[0] != changed:
        loaded = nlu_model.load(path)
        if loaded is None:
            return shipped_model()
        _installed[path] = cached = (changed, loaded)
    return cached[1]


@dataclass(frozen=True)
class Score:
    right: int
    of: int

    @property
    def accuracy(self) -> float:
        return self.right / self.of if self.of else 0.0


def score(model: IntentModel, rows: list[dict[str, Any]]) -> Score:
    """How many of the labelled rows the whole understanding (rules and this model) reads right: an intent the
    bot would ask about counts as right when the label is among the options."""
    from bot.understanding import parse

    right = 0
    for row in rows:
        parsed = parse(str(row["text"]), today=dt.date.fromisoformat(str(row["today"])), model=model)
        right += parsed.intent == row["intent"] or row["intent"] in parsed.clarify
    return Score(right, len(rows))


@dataclass(frozen=True)
class Retrained:
    before: Score
    after: Score
    installed: bool
    path: Path
    examples: int
    labelled: int


def retrain(data_dir: Path, labelled: list[dict[str, Any]]) -> Retrained:
    """Train on the training files and the staff-labelled rows; install the model in the data folder only when
    it reads the check batch at least as well as the one in use."""
    path = Path(data_dir) / "nlu" / nlu_model.FILE_NAME
    current = model_for(data_dir)
    candidate = train_from(rows_of(training_files()) + labelled)
    check = rows_of(check_files())
    before, after = score(current, check), score(candidate, check)
    installed = after.right >= before.right
    if installed:
        candidate.save(path)
    return Retrained(before, after, installed, path, candidate.examples, len(labelled))


def rebuild_shipped() -> IntentModel:
    """Retrain the shipped model from the training files and write it (a developer's step after editing them)."""
    model = train_from(rows_of(training_files()))
    model.save(SHIPPED)
    shipped_model.cache_clear()
    return model
