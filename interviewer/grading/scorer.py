"""The learned map from an answer's features to a 0-10 score: numpy-only inference of a committed model file.

`make train-grader` (evals/training/train.py) fits it with scikit-learn on human-scored answers and writes
`scorer_model.json` beside this file. Three kinds are read here: "linear" (standardised features times
weights), "trees" (a sum of regression trees, leaf values already scaled by the learning rate) and
"blend" (a weighted mean of one of each); answers to bank items may then go through a stacked "bank_stage"
(trees over the features, features.BANK_FEATURES included, plus that score). The model names its features;
loading a model whose names differ from `features.FEATURES` (or, for its bank stage and off-topic
classifier, `features.ALL_FEATURES`; for its move-on classifier, the score and then those) is an error.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import Any, TypeVar

import numpy as np

from interviewer.grading.features import ALL_FEATURES, BANK_FEATURES, FEATURES
from knowledge.errors import InterviewerError

MODEL_PATH = Path(__file__).with_name("scorer_model.json")
DEFAULT_MOVE_ON_AT = 7.0  # for a model file without a learned threshold
MOVE_ON_SCORE = "score"  # the move-on classifier's first input, before ALL_FEATURES: the calibrated score
M = TypeVar("M")


def read_model_file(path: Path, build: Callable[[dict[str, Any]], M], error: type[InterviewerError], what: str) -> M:
    """`build` of a committed JSON model file; an unreadable or malformed file is `error`, naming the file."""
    try:
        spec = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise error(f"cannot read the {what} {path}: {exc}") from None
    try:
        return build(spec)
    except (KeyError, TypeError, ValueError) as exc:
        raise error(f"malformed {what} {path}: {exc!r}") from None


class ScorerError(InterviewerError):
    """The scorer's model file is missing, malformed or made for other features."""


class _Tree:
    """One regression tree as plain Python lists: walking it touches a few nodes, and numpy's per-element
    indexing cost more than the comparisons (~300 trees are walked per grade)."""

    __slots__ = ("feature", "threshold", "left", "right", "value", "missing_left")

    def __init__(self, spec: dict[str, list]) -> None:
        self.feature: list[int] = [int(v) for v in spec["feature"]]
        self.threshold: list[float] = [float(v) for v in spec["threshold"]]
        self.left: list[int] = [int(v) for v in spec["left"]]
        self.right: list[int] = [int(v) for v in spec["right"]]
        self.value: list[float] = [float(v) for v in spec["value"]]
        # scikit-learn's side for a missing value (NaN) at each split; absent in older files: right, as
        # a NaN comparison would send it.
        self.missing_left: list[int] = [int(v) for v in spec.get("missing_left", [0] * len(self.feature))]

    def predict(self, x: list[float]) -> float:
        node = 0
        left, right, feature, threshold = self.left, self.right, self.feature, self.threshold
        while left[node] >= 0:
            value = x[feature[node]]
            if value != value:  # NaN: no evidence for this feature
                node = left[node] if self.missing_left[node] else right[node]
            else:
                node = left[node] if value <= threshold[node] else right[node]
        return self.value[node]


class _Forest:
    """A sum of regression trees over a plain input vector (leaf values already scaled by the learning rate)."""

    def __init__(self, spec: dict[str, Any]) -> None:
        self.base = float(spec["base"])
        self.trees = [_Tree(t) for t in spec["trees"]]

    def predict(self, x: np.ndarray) -> float:
        values = np.asarray(x, dtype=np.float64).tolist()  # the same float64 values, cheaper to index
        return self.base + sum(tree.predict(values) for tree in self.trees)


class ProbabilityModel:
    """A probability over an input vector: logistic regression over standardised inputs (kind "logistic", the
    default; a missing value counts as the training mean) or boosted trees over the raw inputs (kind "trees",
    log-odds). The off-topic judgement and the move-on decision are such classifiers; `what` names it in errors."""

    def __init__(self, spec: dict[str, Any], what: str = "off-topic") -> None:
        self.kind = spec.get("kind", "logistic")
        if self.kind == "trees":
            self.forest = _Forest(spec)
            return
        if self.kind != "logistic":
            raise ScorerError(f"unknown {what} model kind {self.kind!r}")
        self.mean = np.asarray(spec["mean"], dtype=np.float64)
        self.scale = np.asarray(spec["scale"], dtype=np.float64)
        self.coef = np.asarray(spec["coef"], dtype=np.float64)
        self.intercept = float(spec["intercept"])

    def probability(self, features: np.ndarray) -> float:
        if self.kind == "trees":
            log_odds = self.forest.predict(features)
        else:
            x = np.asarray(features, dtype=np.float64)
            x = np.where(np.isnan(x), self.mean, x)  # no evidence: the training mean, which adds nothing
            log_odds = float((x - self.mean) / self.scale @ self.coef) + self.intercept
        return float(1.0 / (1.0 + np.exp(-log_odds)))


class Scorer:
    """Maps one feature vector (features.ALL_FEATURES order) to a score, clipped to 0-10. The pooled model reads
    FEATURES (the first part); the bank stage and the off-topic classifier read all of them."""

    def __init__(self, model: dict[str, Any]) -> None:
        names = tuple(model.get("features", ()))
        if names != FEATURES:
            missing = sorted(set(FEATURES) - set(names))
            extra = sorted(set(names) - set(FEATURES))
            raise ScorerError(f"scorer model was trained on other features (missing {missing}, extra {extra}): "
                              "run `make train-grader`")
        self.kind = model.get("kind")
        self.version = str(model.get("version", ""))
        # The score from which an answer is complete enough to move on (learned with the model).
        self.move_on_at = float(model.get("move_on_at", DEFAULT_MOVE_ON_AT))
        # Per use ("bank": answers to bank items, told apart by the has_item feature; "reference": a given
        # reference), a monotone map (knots for np.interp) from the raw output to that use's human scale.
        self.calibration = {
            path: (np.asarray(knots["x"], dtype=np.float64), np.asarray(knots["y"], dtype=np.float64))
            for path, knots in (model.get("calibration") or {}).items()
        }
        self._has_item = FEATURES.index("has_item")
        # For answers to bank items, a stacked stage learned on our interview answers (evals/training/
        # bank_stage.py): trees over the features plus the pooled score; it replaces the bank's linear map.
        stage = model.get("bank_stage")
        if stage is not None and tuple(stage.get("inputs", ())) != (*FEATURES, *BANK_FEATURES, "pooled_score"):
            raise ScorerError("the scorer model's bank stage was trained on other features: run `make train-grader`")
        self.bank_stage = _Forest(stage) if stage is not None else None
        # ... whose output is then mapped linearly onto the reviewers' mean and spread (bank_stage.Equating; the
        # stage, fitted for squared error, shrinks towards the mean); none: the stage's output as it is.
        equating = (stage or {}).get("equating")
        self.equating = (float(equating["mean_in"]), float(equating["mean_out"]), float(equating["scale"])
                         ) if equating else None
        # For answers to bank questions: a classifier of the features to "answers something else".
        off_topic = model.get("off_topic")
        if off_topic and tuple(off_topic.get("inputs", ALL_FEATURES)) != ALL_FEATURES:
            raise ScorerError("the scorer model's off-topic classifier was trained on other features: "
                              "run `make train-grader`")
        self.off_topic = ProbabilityModel(off_topic) if off_topic else None
        self.off_topic_cut = float((model.get("off_topic") or {}).get("cut", 0.5))  # the probability that flags it
        # For answers to bank questions: P(a reviewer would call the answer complete) from the calibrated score and
        # the features (evals/training/move_on.py); without it, or for a given reference, `move_on_at` decides.
        move_on = model.get("move_on")
        if move_on and tuple(move_on.get("inputs", ())) != (MOVE_ON_SCORE, *ALL_FEATURES):
            raise ScorerError("the scorer model's move-on classifier was trained on other features: "
                              "run `make train-grader`")
        self.move_on = ProbabilityModel(move_on, "move-on") if move_on else None
        self.move_on_cut = float((move_on or {}).get("cut", 0.5))
        if self.kind == "blend":  # weight * first part + (1 - weight) * second part
            self.weight = float(model["weight"])
            self.parts = [Scorer({**part, "features": names}) for part in model["parts"]]
            return
        self.mean = np.asarray(model.get("mean", [0.0] * len(FEATURES)), dtype=np.float64)
        self.scale = np.asarray(model.get("scale", [1.0] * len(FEATURES)), dtype=np.float64)
        if self.kind == "linear":
            self.coef = np.asarray(model["coef"], dtype=np.float64)
            self.intercept = float(model["intercept"])
        elif self.kind == "trees":
            self.forest = _Forest(model)
        else:
            raise ScorerError(f"unknown scorer kind {self.kind!r}")

    @classmethod
    def load(cls, path: Path = MODEL_PATH) -> Scorer:
        return read_model_file(path, cls, ScorerError, "scorer model")

    def predict(self, features: np.ndarray) -> float:
        """The calibrated 0-10 score."""
        raw = self.raw_score(features)
        path = "bank" if features[self._has_item] > 0.5 else "reference"
        if path == "bank" and self.bank_stage is not None:
            raw = self.bank_stage.predict(np.append(self._all(features), raw))
            if self.equating is not None:  # on the stage's 0-10 score, as it was fitted (train.py)
                mean_in, mean_out, scale = self.equating
                raw = mean_out + scale * (float(np.clip(raw, 0.0, 10.0)) - mean_in)
        elif path in self.calibration:
            raw = float(np.interp(raw, *self.calibration[path]))
        return float(np.clip(raw, 0.0, 10.0))

    def off_topic_probability(self, features: np.ndarray) -> float | None:
        """How likely an answer to a bank question answers something else; None without a bank item."""
        if self.off_topic is None or features[self._has_item] <= 0.5:
            return None
        return self.off_topic.probability(self._all(features))

    def complete_probability(self, features: np.ndarray, score: float) -> float | None:
        """P(a reviewer would call an answer to a bank question complete), from its features and calibrated score;
        None without a bank item or a learned decision."""
        if self.move_on is None or features[self._has_item] <= 0.5:
            return None
        return self.move_on.probability(np.append(score, self._all(features)))

    def complete(self, features: np.ndarray, score: float) -> bool:
        """Whether an answer with these features and this calibrated score is complete enough to move on: the
        learned decision for an answer to a bank question, else the score against `move_on_at`."""
        probability = self.complete_probability(features, score)
        return score >= self.move_on_at if probability is None else probability >= self.move_on_cut

    @staticmethod
    def _all(features: np.ndarray) -> np.ndarray:
        x = np.asarray(features, dtype=np.float64)
        if len(x) != len(ALL_FEATURES):
            raise ValueError(f"expected {len(ALL_FEATURES)} features (ALL_FEATURES), got {len(x)}")
        return x

    def raw_score(self, features: np.ndarray) -> float:
        """The model's 0-10 output before the per-use calibration."""
        if self.kind == "blend":
            first, second = (part.raw(features) for part in self.parts)
            return float(np.clip(self.weight * first + (1 - self.weight) * second, 0.0, 10.0))
        return float(np.clip(self.raw(features), 0.0, 10.0))

    def raw(self, features: np.ndarray) -> float:
        """The model's output before clipping."""
        x = (np.asarray(features, dtype=np.float64)[: len(FEATURES)] - self.mean) / self.scale
        if self.kind == "linear":
            return float(x @ self.coef) + self.intercept
        return self.forest.predict(x)


@lru_cache(maxsize=1)
def default_scorer() -> Scorer:
    """The committed model, read once per process."""
    return Scorer.load()
