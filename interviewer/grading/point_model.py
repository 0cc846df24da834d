"""Which key points an answer covers, point by point: a learned judgement read from a committed model file.

The report lists each key point as covered, touched on ("partly") or missed. Before this model a point counted
as covered from a fixed strength (Calibration.covered_at, derived from an old formula, never checked against
anyone's reading): a plain-worded correct answer listed few points as covered. Here two logistic maps, fitted
by `python -m evals.training.points` on reviewers' per-point labels (evals/training/point_labels/), read the point's
own evidence (its strength, lexical and embedding coverage, its share of the reference) together with the
answer's calibrated score: P(covered) and P(at least touched on). Inference is numpy only.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from interviewer.grading.features import Evidence
from interviewer.grading.scorer import read_model_file
from knowledge.errors import InterviewerError

MODEL_PATH = Path(__file__).with_name("point_model.json")
MAX_SCORE = 10.0

POINT_FEATURES = (
    "strength",  # the point's combined coverage, 0-1 (what the old threshold read)
    "lexical",  # IDF share of the point's terms the answer uses
    "embedded_z",  # the best answer sentence's similarity to the point, as a z-score against the background
    "embedded_strength",  # ... mapped onto the lexical scale
    "relative",  # strength / the answer's best point's strength: the points the answer is most about
    "weight_share",  # the point's lexical mass against the mean point's: long points are harder to cover whole
    "score",  # the answer's calibrated score / 10: what the grade as a whole makes of it
    "agreement",  # script agreement of answer and reference (1 same script, 0 English against Chinese)
    "contradicted",  # a truth check found the answer stating this point the other way round
    "log_points",  # log of the number of key points
)


class PointJudge(Protocol):
    """What the grader asks per answer: (covered, touched on but not covered) for each row of point features."""

    def judge(self, features: np.ndarray) -> list[tuple[bool, bool]]: ...


class PointModelError(InterviewerError):
    """The point model file is missing, unreadable or was trained on other features."""


def point_features(ev: Evidence, score: float) -> np.ndarray:
    """One row of POINT_FEATURES per key point (float64)."""
    n = len(ev.strengths)
    if n == 0:
        return np.zeros((0, len(POINT_FEATURES)))
    strengths = np.asarray(ev.strengths, dtype=np.float64)
    weights = np.asarray(ev.weights, dtype=np.float64)
    top = float(strengths.max())
    contradicted = {c.point_index for c in ev.contradictions}
    columns = {
        "strength": strengths,
        "lexical": np.asarray(ev.lexical, dtype=np.float64),
        "embedded_z": np.clip(np.asarray(ev.embedded, dtype=np.float64), -5.0, 10.0),
        "embedded_strength": np.asarray(ev.embedded_strength, dtype=np.float64),
        "relative": strengths / top if top > 0 else np.zeros(n),
        "weight_share": weights / weights.mean() if weights.mean() > 0 else np.ones(n),
        "score": np.full(n, float(score) / MAX_SCORE),
        "agreement": np.full(n, float(ev.agreement)),
        "contradicted": np.asarray([float(i in contradicted) for i in range(n)]),
        "log_points": np.full(n, float(np.log(n))),
    }
    return np.column_stack([columns[name] for name in POINT_FEATURES])


class _Logistic:
    def __init__(self, spec: dict[str, Any]) -> None:
        self.mean = np.asarray(spec["mean"], dtype=np.float64)
        self.scale = np.asarray(spec["scale"], dtype=np.float64)
        self.coef = np.asarray(spec["coef"], dtype=np.float64)
        self.intercept = float(spec["intercept"])
        if not (len(self.mean) == len(self.scale) == len(self.coef) == len(POINT_FEATURES)):
            raise ValueError(f"expected {len(POINT_FEATURES)} weights")

    def probability(self, x: np.ndarray) -> np.ndarray:
        z = ((x - self.mean) / self.scale) @ self.coef + self.intercept
        return 1.0 / (1.0 + np.exp(-z))


class PointModel:
    """P(covered) and P(at least touched on) per key point; a point is covered (touched on) from `cut`."""

    def __init__(self, spec: dict[str, Any]) -> None:
        names = tuple(spec.get("features", ()))
        if names != POINT_FEATURES:
            raise PointModelError(f"the point model was trained on other features ({list(names)}): "
                                  "run `python -m evals.training.points`")
        self.covered = _Logistic(spec["covered"])
        self.touched = _Logistic(spec["touched"])
        self.cut = float(spec.get("cut", 0.5))

    @classmethod
    def load(cls, path: Path = MODEL_PATH) -> PointModel:
        return read_model_file(path, cls, PointModelError, "point model")

    def judge(self, features: np.ndarray) -> list[tuple[bool, bool]]:
        """Per point (covered, touched on but not covered). A contradicted point is never covered."""
        if len(features) == 0:
            return []
        covered = self.covered.probability(features) >= self.cut
        touched = np.maximum(self.touched.probability(features), self.covered.probability(features)) >= self.cut
        contradicted = features[:, POINT_FEATURES.index("contradicted")] > 0.5
        covered &= ~contradicted
        return [(bool(c), bool(t and not c)) for c, t in zip(covered, touched, strict=True)]


@lru_cache(maxsize=1)
def default_point_model() -> PointModel:
    """The committed model, read once per process."""
    return PointModel.load()
