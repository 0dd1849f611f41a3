"""The statistical half of understanding: a linear model over word and character n-grams that ranks the intents.

The rules (nlu_intents) are precise for what they were written for and blind to any other wording; the model
has seen many wordings of each intent and generalizes to new ones ("escalate this", "can someone call me back"),
but it can be wrong with confidence. bot.nlu_decide weighs the two and asks when they leave doubt.

The model reads the message as the rules do (normalized, slots replaced by `_invoice_`, `_amount_`, `_date_` …),
so it learns the shape of a request, not its numbers. Word 1–2-grams carry the phrasing, character 2–5-grams
within words carry typos and inflections. A linear SVM trained on all the examples, its scores calibrated to
probabilities by Platt scaling fitted on five stratified folds: the confidence is a probability that the thresholds
of bot.nlu_decide can be set against.

Training is deterministic — the examples sorted, fixed folds and seeds — so the shipped model file is reproducible
from the training files: `aragent nlu retrain --shipped` rebuilds it, and a test checks the shipped file matches.
A model retrained with labelled messages from the console (`aragent nlu retrain`) is kept in the data folder and
wins over the shipped one.
"""

from __future__ import annotations

import hashlib
import json
import pickle
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import sklearn
import structlog
from scipy.special import expit

log = structlog.get_logger("aragent.nlu")

DATA = Path(__file__).parent / "nlu_data"
SHIPPED = DATA / "intent_model.pkl"
FILE_NAME = "intent_model.pkl"  # in the data folder: a model retrained with labelled reviews
NO_REASON = "none"


@dataclass(frozen=True)
class Guess:
    intent: str
    confidence: float
    ranked: tuple[tuple[str, float], ...]  # every intent with its probability, most likely first

    def probability(self, intent: str) -> float:
        return next((p for name, p in self.ranked if name == intent), 0.0)


class IntentModel:
    def __init__(self, pipeline: Any, digest: str, examples: int, reasons: Any = None) -> None:
        self.pipeline = pipeline
        self.digest = digest  # sha256 of the training examples: which data made this model
        self.examples = examples
        self.reasons = reasons  # the short-pay reason model (train): None when trained without reasons

    def reason(self, masked: str) -> tuple[str, float] | None:
        """The likeliest short-pay or dispute reason for a payment or dispute message, or None for "no reason"
        (or no reason model)."""
        if self.reasons is None:
            return None
        with _checked_once():
            probabilities = self.reasons.predict_proba([masked])[0]
        best = int(probabilities.argmax())
        name = str(self.reasons.classes_[best])
        return None if name == NO_REASON else (name, float(probabilities[best]))

    def guess(self, masked: str) -> Guess:
        probabilities = self.probabilities(masked)
        order = probabilities.argsort(kind="stable")[::-1]
        classes = self.pipeline.classes_
        ranked = tuple((str(classes[i]), float(probabilities[i])) for i in order)
        return Guess(ranked[0][0], ranked[0][1], ranked)

    def probabilities(self, masked: str) -> Any:
        """`predict_proba` for one message, computed from the fitted parts: scikit-learn validates its input once
        per class in each calibrator, which costs ~2 ms a message; this is the same arithmetic (sigmoid
        calibration of each class's SVM score, then normalized), checked equal by a test."""
        with _checked_once():
            features = self.pipeline.named_steps["features"].transform([masked])
        calibrated = self.pipeline.named_steps["model"].calibrated_classifiers_[0]
        scores = calibrated.estimator.decision_function(features)[0]
        slopes = np.array([calibrator.a_ for calibrator in calibrated.calibrators])
        offsets = np.array([calibrator.b_ for calibrator in calibrated.calibrators])
        probabilities = expit(-(slopes * scores + offsets))
        total = probabilities.sum()
        return probabilities / total if total > 0 else np.full(len(probabilities), 1 / len(probabilities))

    def guesses(self, masked: Sequence[str]) -> list[list[float]]:
        return [list(row) for row in self.pipeline.predict_proba(list(masked))]

    @property
    def intents(self) -> tuple[str, ...]:
        return tuple(str(name) for name in self.pipeline.classes_)

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        blob = pickle.dumps({"pipeline": self.pipeline, "digest": self.digest, "examples": self.examples,
                             "reasons": self.reasons,
                             "sklearn": sklearn.__version__})
        temporary = path.with_suffix(".tmp")
        temporary.write_bytes(blob)
        temporary.replace(path)  # a model half written is never read


def digest_of(examples: Iterable[tuple[str, ...]]) -> str:
    return hashlib.sha256(json.dumps(sorted(examples), ensure_ascii=False).encode()).hexdigest()


def _checked_once() -> Any:
    """scikit-learn's per-call checks (finite numbers, parameters) skipped for a fitted model reading one message: they
    cost about 1 ms a message and the input is text the model's own vectorizer reads."""
    import sklearn

    return sklearn.config_context(assume_finite=True, skip_parameter_validation=True)


def train(examples: Iterable[tuple[str, str]], reasons: Iterable[tuple[str, str]] = ()) -> IntentModel:
    """A model from (masked text, intent) pairs, and from (masked text, reason or NO_REASON) pairs of payments
    and disputes when given; the same pairs give the same model."""
    from sklearn.calibration import CalibratedClassifierCV
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold
    from sklearn.pipeline import Pipeline
    from sklearn.svm import LinearSVC

    pairs = sorted(set(examples))
    texts, intents = [text for text, _ in pairs], [intent for _, intent in pairs]
    folds = StratifiedKFold(n_splits=5, shuffle=True, random_state=0)
    model = CalibratedClassifierCV(LinearSVC(C=0.5, random_state=0), method="sigmoid", cv=folds, ensemble=False)
    pipeline = Pipeline([("features", _features()), ("model", model)])
    pipeline.fit(texts, intents)
    reason_pairs = sorted(set(reasons))
    reason_model = None
    if len({reason for _, reason in reason_pairs}) > 1:
        # Fewer examples and a handful of classes: a logistic regression's probabilities are good enough to set
        # a threshold against, and it reads a message in a fraction of a millisecond.
        reason_model = Pipeline([("features", _features()),
                                 ("model", LogisticRegression(C=10, max_iter=2000))])
        reason_model.fit([text for text, _ in reason_pairs], [reason for _, reason in reason_pairs])
    return IntentModel(pipeline, digest_of(pairs + [("reason", *pair) for pair in reason_pairs]), len(pairs),
                       reason_model)


def _features() -> Any:
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.pipeline import FeatureUnion

    return FeatureUnion([
        ("words", TfidfVectorizer(analyzer="word", ngram_range=(1, 2), sublinear_tf=True,
                                  token_pattern=r"(?u)\b\w+\b")),
        ("chars", TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True, min_df=2)),
    ])


def load(path: Path) -> IntentModel | None:
    """The model saved at `path`, or None when there is none or it was saved by another scikit-learn (whose
    pickles are not portable between versions)."""
    if not path.exists():
        return None
    saved = pickle.loads(path.read_bytes())  # noqa: S301 - written by `aragent nlu retrain`, never by a user
    if saved.get("sklearn") != sklearn.__version__:
        log.warning("intent model saved by another scikit-learn: retraining", path=str(path),
                    saved=saved.get("sklearn"), running=sklearn.__version__)
        return None
    return IntentModel(saved["pipeline"], saved["digest"], saved["examples"], saved.get("reasons"))
