"""A small training corpus for the tests that retrain the intent model end to end (label in the console → retrain →
the message is understood). They run the same code `aragent nlu retrain` runs on the whole corpus; fitting the
whole corpus in each of them would only make the suite slower, and the shipped model's own test
(tests/unit/bot/test_nlu_model.py) fits the whole corpus once."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot import nlu_model, nlu_training

SMALL_CORPUS = ("corpus.jsonl", "training_2026-12-06.jsonl")


def use_small_corpus(monkeypatch: pytest.MonkeyPatch, data_dir: Path) -> None:
    """Retraining reads the small corpus, and the seller's model in use is the one it makes: the check batch then
    compares a model with the new label to one without it, fitted on the same examples."""
    files = [nlu_model.DATA / name for name in SMALL_CORPUS]
    monkeypatch.setattr(nlu_training, "training_files", lambda: files)
    nlu_training.train_from(nlu_training.rows_of(files)).save(Path(data_dir) / "nlu" / nlu_model.FILE_NAME)
