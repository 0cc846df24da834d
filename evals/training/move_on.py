"""When the interviewer moves on: a learned decision for answers to bank questions.

The interviewer moves on when an answer is complete (a reviewer's score >= train.COMPLETE) and follows up
otherwise. Until 2026-12-01 that was one cut on the calibrated score (`train.move_on_threshold`, still the
rule for a given reference and the fallback). Here a logistic regression reads the calibrated score together
with every feature (features.ALL_FEATURES) and gives P(complete); the interviewer moves on from CUT. The score
alone cannot tell a plain-worded complete answer from a long partial one that the stage scores the same; the
evidence behind it (which points are covered, how strongly) can, a little.

Fitted on our interview answers and their English translations (out-of-fold served scores, as the decision
sees them at run time: train.py passes them), cross-validated by question. Chosen on dev (2026-12-01,
/tmp prototype, the served model of 047bc7f): balanced accuracy of the decision, by question, own answers
0.846 (the score's cut) -> 0.870, own-en 0.845 -> 0.850; with a writing round held out (the stage and the
classifier learnt from the other rounds: `python -m evals.training.writer_shift`) 0.799 -> 0.833 and
0.804 -> 0.834, with fewer partial answers moved on (0.29 -> 0.12) and fewer good ones followed up (0.39 ->
0.32). The score with only the coverage features gained half as much (0.811). C = 1 (0.1-3 within 0.01).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from interviewer.grading.features import ALL_FEATURES
from interviewer.grading.scorer import MOVE_ON_SCORE, ProbabilityModel

C = 1.0
CUT = 0.5  # the classes are weighted to balance, so 0.5 is the balanced-accuracy cut


def build() -> Any:
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    return make_pipeline(StandardScaler(), LogisticRegression(C=C, class_weight="balanced", max_iter=3000))


def inputs(score: np.ndarray, x: np.ndarray, mean: np.ndarray | None = None) -> np.ndarray:
    """The classifier's input rows: the calibrated score, then ALL_FEATURES; a missing value (NaN: no evidence)
    becomes `mean` (the training mean, as the exported model does at run time) or, to fit, the column's mean."""
    rows = np.column_stack([score, x]).astype(np.float64)
    fill = np.nanmean(rows, axis=0) if mean is None else mean
    return np.where(np.isnan(rows), np.nan_to_num(fill), rows)


def out_of_fold(score: np.ndarray, x: np.ndarray, complete: np.ndarray, groups: np.ndarray, folds: int) -> np.ndarray:
    """P(complete) of every row from a model fitted on the other folds (by question)."""
    from sklearn.model_selection import GroupKFold

    prob = np.zeros(len(complete))
    for train, held in GroupKFold(n_splits=folds).split(x, complete, groups):
        model = build().fit(inputs(score[train], x[train]), complete[train])
        prob[held] = model.predict_proba(inputs(score[held], x[held], model[0].mean_))[:, 1]
    return prob


def decision_figures(moved: np.ndarray, complete: np.ndarray, kinds: np.ndarray) -> dict[str, Any]:
    """How a set of move-on decisions fares against the reviewers' "complete"."""
    def share(mask: np.ndarray, value: np.ndarray) -> float | None:
        return round(float(value[mask].mean()), 3) if mask.any() else None

    return {"n": int(len(moved)),
            "balanced_accuracy": round(float((moved[complete].mean() + (~moved[~complete]).mean()) / 2), 3)
            if complete.any() and not complete.all() else None,
            "complete_moved_on": share(complete, moved), "incomplete_followed_up": share(~complete, ~moved),
            "partial_moved_on": share(kinds == "partial", moved), "good_followed_up": share(kinds == "good", ~moved)}


def export(model: Any) -> dict[str, Any]:
    scaler, logistic = model[0], model[-1]
    return {"kind": "logistic", "name": f"logistic C={C}", "inputs": [MOVE_ON_SCORE, *ALL_FEATURES],
            "mean": scaler.mean_.tolist(), "scale": scaler.scale_.tolist(), "coef": logistic.coef_[0].tolist(),
            "intercept": float(logistic.intercept_[0]), "cut": CUT}


def train_move_on(score: np.ndarray, x: np.ndarray, y: np.ndarray, kinds: np.ndarray, sources: np.ndarray,
                  groups: np.ndarray, cut: float, complete_at: float, folds: int
                  ) -> tuple[dict[str, Any] | None, dict[str, Any]]:
    """(the exported classifier, or None where it decides worse than the score's `cut` on our own answers; its
    out-of-fold figures per source against that cut). Rows: answers to bank questions with a reviewer's score;
    `score`: their out-of-fold calibrated scores."""
    complete = y >= complete_at
    prob = out_of_fold(score, x, complete, groups, folds)
    report: dict[str, Any] = {"model": f"logistic C={C}", "cut": CUT, "complete_at_human": complete_at, "by_source": {}}
    for source in sorted(set(sources)):
        at = sources == source
        report["by_source"][source] = {
            "learned": decision_figures(prob[at] >= CUT, complete[at], kinds[at]),
            f"score >= {cut}": decision_figures(score[at] >= cut, complete[at], kinds[at]),
        }
    own = report["by_source"].get("own", {})
    report["chosen"] = bool(own) and own["learned"]["balanced_accuracy"] >= own[f"score >= {cut}"]["balanced_accuracy"]
    if not report["chosen"]:  # the rule fixed before it was first measured: no worse than the cut on our answers
        return None, report
    model = build().fit(inputs(score, x), complete)
    spec = export(model)
    ours = np.asarray([ProbabilityModel(spec, "move-on").probability(row) for row in inputs(score, x)])
    if not np.allclose(ours, model.predict_proba(inputs(score, x))[:, 1], atol=1e-6):
        raise SystemExit("move-on export mismatch: the exported classifier does not reproduce scikit-learn's")
    return spec, report
