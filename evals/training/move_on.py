"""When the interviewer moves on: a learned decision for answers to bank questions.

The interviewer moves on when an answer is complete (a reviewer's score >= train.COMPLETE) and follows up
otherwise. Until 2026-12-01 that was one cut on the calibrated score (`train.move_on_threshold`, still the
rule for a given reference and the fallback). Here a logistic regression reads the calibrated score together
with every feature (features.ALL_FEATURES) and gives P(complete); the interviewer moves on from CUT. The score
alone cannot tell a plain-worded complete answer from a long partial one that the stage scores the same; the
evidence behind it (which points are covered, how strongly) can, a little.

**Costs.** A wrong decision costs more the further the answer is from the line: moving on from a confident
wrong answer (reviewer 1) loses the follow-up that would have exposed it, moving on from a 5.5 loses little.
Each answer is weighted by its distance from the line, |score - COMPLETE| (at least MIN_COST), on top of the
classes' balance, and the decision is measured by that weighted error as well as by balanced accuracy.
Unweighted, the classifier had bought its gain on partial and good answers by moving on from more
wrong-but-fluent ones than the cut (own dev, a writing round held out: 0.38 against 0.30).

Fitted on our interview answers and their English translations (out-of-fold served scores, as the decision
sees them at run time: train.py passes them), cross-validated by question; kept only where its weighted
error on our own answers is no higher than the cut's (a rule fixed before the first retrain with it). Chosen
on dev (2026-12-01, /tmp prototypes on the served model's out-of-fold scores), with a writing round held out
(`python -m evals.training.writer_shift`), own answers, the cut -> unweighted -> weighted: balanced accuracy
0.811 -> 0.832 -> 0.829; partial answers moved on 0.19 -> 0.13 -> 0.12; good ones followed up 0.40 -> 0.32 ->
0.36; wrong-but-fluent moved on 0.30 -> 0.38 -> 0.31. Only the coverage features beside the score gained half as
much (balanced accuracy 0.811). C = 1 (0.1-3 within 0.01).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from interviewer.grading.features import ALL_FEATURES
from interviewer.grading.scorer import MOVE_ON_SCORE, ProbabilityModel

C = 1.0
CUT = 0.5  # the classes are weighted to balance, so 0.5 is the cut that weighs both kinds of error alike
MIN_COST = 0.5  # an answer right at the line still counts
NAME = f"logistic C={C}, cost-weighted"


def build() -> Any:
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    return make_pipeline(StandardScaler(), LogisticRegression(C=C, class_weight="balanced", max_iter=3000))


def cost(human: np.ndarray, complete_at: float) -> np.ndarray:
    """What deciding an answer wrongly costs: its distance from the line (at least MIN_COST)."""
    return np.maximum(np.abs(np.asarray(human, dtype=np.float64) - complete_at), MIN_COST)


def fit(score: np.ndarray, x: np.ndarray, human: np.ndarray, complete_at: float) -> Any:
    """The classifier fitted on these rows, each weighted by `cost`."""
    return build().fit(inputs(score, x), human >= complete_at,
                       logisticregression__sample_weight=cost(human, complete_at))


def inputs(score: np.ndarray, x: np.ndarray, mean: np.ndarray | None = None) -> np.ndarray:
    """The classifier's input rows: the calibrated score, then ALL_FEATURES; a missing value (NaN: no evidence)
    becomes `mean` (the training mean, as the exported model does at run time) or, to fit, the column's mean."""
    rows = np.column_stack([score, x]).astype(np.float64)
    fill = np.nanmean(rows, axis=0) if mean is None else mean
    return np.where(np.isnan(rows), np.nan_to_num(fill), rows)


def probability(model: Any, score: np.ndarray, x: np.ndarray) -> np.ndarray:
    """P(complete) of rows the model was not fitted on (missing values: its training mean)."""
    return model.predict_proba(inputs(score, x, model[0].mean_))[:, 1]


def out_of_fold(score: np.ndarray, x: np.ndarray, human: np.ndarray, groups: np.ndarray, complete_at: float,
                folds: int) -> np.ndarray:
    """P(complete) of every row from a model fitted on the other folds (by question)."""
    from sklearn.model_selection import GroupKFold

    prob = np.zeros(len(human))
    for train, held in GroupKFold(n_splits=folds).split(x, human, groups):
        prob[held] = probability(fit(score[train], x[train], human[train], complete_at), score[held], x[held])
    return prob


def decision_figures(moved: np.ndarray, human: np.ndarray, kinds: np.ndarray, complete_at: float) -> dict[str, Any]:
    """How a set of move-on decisions fares against the reviewers' scores."""
    complete = human >= complete_at
    wrong = moved != complete
    weights = cost(human, complete_at)

    def share(mask: np.ndarray, value: np.ndarray) -> float | None:
        return round(float(value[mask].mean()), 3) if mask.any() else None

    return {"n": int(len(moved)),
            "balanced_accuracy": round(float((moved[complete].mean() + (~moved[~complete]).mean()) / 2), 3)
            if complete.any() and not complete.all() else None,
            "weighted_error": round(float((weights * wrong).sum() / weights.sum()), 3) if len(moved) else None,
            "complete_moved_on": share(complete, moved), "incomplete_followed_up": share(~complete, ~moved),
            "partial_moved_on": share(kinds == "partial", moved), "good_followed_up": share(kinds == "good", ~moved),
            "wrong_moved_on": share(kinds == "wrong-but-fluent", moved)}


def export(model: Any) -> dict[str, Any]:
    scaler, logistic = model[0], model[-1]
    return {"kind": "logistic", "name": NAME, "inputs": [MOVE_ON_SCORE, *ALL_FEATURES],
            "mean": scaler.mean_.tolist(), "scale": scaler.scale_.tolist(), "coef": logistic.coef_[0].tolist(),
            "intercept": float(logistic.intercept_[0]), "cut": CUT}


def train_move_on(score: np.ndarray, x: np.ndarray, y: np.ndarray, kinds: np.ndarray, sources: np.ndarray,
                  groups: np.ndarray, cut: float, complete_at: float, folds: int
                  ) -> tuple[dict[str, Any] | None, dict[str, Any]]:
    """(the exported classifier, or None where it decides worse than the score's `cut` on our own answers; its
    out-of-fold figures per source against that cut). Rows: answers to bank questions with a reviewer's score;
    `score`: their out-of-fold calibrated scores."""
    prob = out_of_fold(score, x, y, groups, complete_at, folds)
    report: dict[str, Any] = {"model": NAME, "cut": CUT, "complete_at_human": complete_at,
                              "by_source": {}}
    for source in sorted(set(sources)):
        at = sources == source
        report["by_source"][source] = {
            "learned": decision_figures(prob[at] >= CUT, y[at], kinds[at], complete_at),
            f"score >= {cut}": decision_figures(score[at] >= cut, y[at], kinds[at], complete_at),
        }
    own = report["by_source"].get("own", {})
    # the rule fixed before it was first measured: no more weighted error than the cut on our answers
    report["chosen"] = bool(own) and own["learned"]["weighted_error"] <= own[f"score >= {cut}"]["weighted_error"]
    if not report["chosen"]:
        return None, report
    model = fit(score, x, y, complete_at)
    spec = export(model)
    rows = inputs(score, x)
    ours = np.asarray([ProbabilityModel(spec, "move-on").probability(row) for row in rows])
    if not np.allclose(ours, model.predict_proba(rows)[:, 1], atol=1e-6):
        raise SystemExit("move-on export mismatch: the exported classifier does not reproduce scikit-learn's")
    return spec, report


def table(by_source: dict[str, dict[str, dict[str, Any]]]) -> list[str]:
    """Markdown rows comparing decisions per source (the training report and writer-shift.md)."""
    lines = ["| source | decision | balanced accuracy | weighted error | complete moved on | others followed up "
             "| partial moved on | good followed up | wrong-but-fluent moved on |", "|---|---|---|---|---|---|---|---|---|"]
    for source, rules in by_source.items():
        lines += [f"| {source} | {name} | {f['balanced_accuracy']} | {f['weighted_error']} | {f['complete_moved_on']} | "
                  f"{f['incomplete_followed_up']} | {f['partial_moved_on']} | {f['good_followed_up']} | "
                  f"{f['wrong_moved_on']} |" for name, f in rules.items()]
    return lines
