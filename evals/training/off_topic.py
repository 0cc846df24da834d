"""A learned off-topic judgement for answers to bank questions: logistic regression on the scorer's features.

Positive: our labelled answers that answer something else (kinds off-topic, different-question,
confused-term: the term taken for something else); negative: every other gradeable answer. Fitted on the
dev side of evals/labelled only, cross-validated by question; the product flags `off_topic` when the
probability reaches the cut and the calibrated score is low (offline.py). The cut is the lowest one whose
out-of-fold precision on dev reaches TARGET_PRECISION: a flagged answer moves on without a follow-up, so
calling a thin on-topic answer off topic costs the candidate more than missing an off-topic one.
"""

from __future__ import annotations

from typing import Any

import numpy as np

OFF_TOPIC_KINDS = ("off-topic", "different-question", "confused-term")
TARGET_PRECISION = 0.9
CUTS = tuple(round(0.5 + 0.05 * n, 2) for n in range(10))  # 0.5 ... 0.95


def _model() -> Any:
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    return make_pipeline(StandardScaler(), LogisticRegression(C=0.3, class_weight="balanced", max_iter=2000))


def train_off_topic(x: np.ndarray, kinds: np.ndarray, groups: np.ndarray, folds: int) -> tuple[dict[str, Any], dict[str, Any]]:
    """(the exported classifier, its cross-validated precision and recall)."""
    from sklearn.model_selection import GroupKFold

    target = np.isin(kinds, OFF_TOPIC_KINDS)
    prob = np.zeros(len(target))
    for train, held in GroupKFold(n_splits=folds).split(x, target, groups):
        prob[held] = _model().fit(x[train], target[train]).predict_proba(x[held])[:, 1]
    cut = next((c for c in CUTS if (prob >= c).any() and target[prob >= c].mean() >= TARGET_PRECISION), CUTS[-1])
    flagged = prob >= cut
    report = {
        "cut": cut,
        "n": int(len(target)), "positives": int(target.sum()),
        "precision": round(float(target[flagged].mean()), 3) if flagged.any() else None,
        "recall": round(float(flagged[target].mean()), 3) if target.any() else None,
        "false_positive_rate": round(float(flagged[~target].mean()), 3),
        "flagged_by_kind": {k: f"{int(flagged[kinds == k].sum())}/{int((kinds == k).sum())}" for k in sorted(set(kinds))},
    }
    model = _model().fit(x, target)
    scaler, logistic = model[0], model[-1]
    spec = {"mean": scaler.mean_.tolist(), "scale": scaler.scale_.tolist(),
            "coef": logistic.coef_[0].tolist(), "intercept": float(logistic.intercept_[0]), "cut": cut}
    return spec, report
