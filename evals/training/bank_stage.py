"""A second, stacked stage for answers to bank questions: boosted trees over the features plus the pooled score.

The pooled scorer learns from four sources at once (ADS, LE, our interview answers, synthetic variants).
ADS and LE are short written answers to a given reference; on those, length and coverage mean something
else than in an interview, and the pooled map squeezes our interview answers towards the middle (out of
fold on dev: wrong-but-fluent 3.1, confused terms 2.2, padded 2.8 where humans gave about 1, 0 and 2.3). A
linear map of the pooled score (calibrate.py) only stretches that scale; it cannot reorder. This stage
learns, from our labelled interview answers only (evals/labelled/dev.jsonl, plus their padded copies and
optionally the synthetic variants), how the features should move the pooled score for *interview* answers.

It is classic stacking: the stage trains on out-of-fold pooled scores, so it never sees a pooled score
that was fitted on the same question; reported figures nest it in the same folds by question. Which stage
(or none: the linear map) is used is chosen by that cross-validation on dev. The teachers' sets keep the
pooled score: a stage fitted on ADS + LE lowered both their cross-validated Pearson (ADS .699 -> .58-.61).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from evals.training.data import BANK_SOURCES, INTERVIEW_SOURCES, OWN_EN
from evals.training.models import MONOTONE, export_trees
from interviewer.grading.features import ALL_FEATURES, FEATURES

POOLED = "pooled_score"  # the stage's extra input, after ALL_FEATURES (BANK_FEATURES included)
PADDING_WEIGHT = 0.5  # padded copies of our answers: half a real answer's say (as in the pooled fit)
NO_EVIDENCE_WEIGHT = 0.5  # the copies without bank features: half their original's say
TRANSLATED_WEIGHT = 1.0  # an English translation of one of our answers (data.OWN_EN): an answer of its own
# The stage learns from a few hundred interview answers written in one house style, so it is held to what
# the rubric says beyond the pooled constraints: more of the answer on topic, more embedding evidence for
# the key points, more of the best single reference or of the reference's n-grams and formulas never
# lowers a score. Unconstrained, the trees used high embedding similarity to pull wrong-but-fluent dev
# answers down, which also sank a complete English answer (embedded_mean 7.1, three of four points
# covered: 3.7) and lifted a fluff answer with no point covered to 5.1. Dev CV (stage d4 n300, same
# folds): own Pearson .848 -> .843, Spearman .830 -> .831, MAE 1.285 -> 1.276 (a tie), English 8.4 -> 8.6.
# Not on the pooled scorer: there they cost ADS .690 -> .681 and LE .867 -> .859.
STAGE_MONOTONE: dict[str, int] = {
    **MONOTONE, "embedded_mean": 1, "embedded_max": 1, "on_topic_share": 1, "best_reference_coverage": 1,
    "surface_precision": 1, "formula_recall": 1,
}


@dataclass(frozen=True)
class Stage:
    name: str
    depth: int
    trees: int
    leaf: int
    synthetic_weight: float  # 0: our real answers (and their padded copies) only
    bags: int = 1  # > 1: the mean of this many stages, each fitted on BAG_SHARE of the questions (`Bagged`)

    def build(self) -> Any:
        from sklearn.ensemble import HistGradientBoostingRegressor

        return HistGradientBoostingRegressor(
            loss="squared_error", max_depth=self.depth, learning_rate=0.05, max_iter=self.trees,
            min_samples_leaf=self.leaf, l2_regularization=1.0, random_state=0,
            # More pooled score never lowers the stage's score; the features: STAGE_MONOTONE.
            monotonic_cst=[STAGE_MONOTONE.get(name, 0) for name in ALL_FEATURES] + [1],
        )


STAGES: tuple[Stage, ...] = (
    Stage("stage d3 n200", 3, 200, 10, 0.0),
    Stage("stage d3 n400", 3, 400, 20, 0.0),
    Stage("stage d4 n300", 4, 300, 15, 0.0),
    Stage("stage d4 n300 +synthetic .3", 4, 300, 15, 0.3),
    Stage("stage d4 n300, 5 bagged", 4, 300, 15, 0.0, bags=5),
)
# A stage learns from a few hundred answers; a retrain on a little more data moved single answers by up to
# 2.5 points (a complete English answer in a canned transcript 6.9 -> 4.4). The mean of stages fitted on
# different subsets of the questions varies less (bagging); whether it is used is the same cross-validated
# choice as for the others (2026-11-30: own Pearson / Spearman .817 / .791 -> .822 / .796).
BAG_SHARE = 0.8
BAG_SEED = 0


class Bagged:
    """The mean of several fitted stages (their raw outputs; the caller clips, as for one stage)."""

    def __init__(self, models: list[Any]) -> None:
        self.models = models

    def predict(self, x: np.ndarray) -> np.ndarray:
        return np.mean([model.predict(x) for model in self.models], axis=0)


def stage_rows(groups: np.ndarray, sources: np.ndarray, gradeable: np.ndarray) -> np.ndarray:
    """Rows a stage may learn from: our answers (and their English translations), their padded copies and the
    synthetic variants."""
    own_group = np.char.startswith(groups.astype(str), "own:")
    return gradeable & np.isin(sources, (*INTERVIEW_SOURCES, "synthetic", "padding")) & own_group


def weights(stage: Stage, sources: np.ndarray) -> np.ndarray:
    return np.select([sources == "synthetic", sources == "padding", sources == OWN_EN],
                     [stage.synthetic_weight, PADDING_WEIGHT, TRANSLATED_WEIGHT], 1.0)


def stacked(x: np.ndarray, pooled: np.ndarray) -> np.ndarray:
    return np.column_stack([x, pooled])


def fit(stage: Stage, x: np.ndarray, y: np.ndarray, pooled: np.ndarray, sources: np.ndarray,
        rows: np.ndarray, groups: np.ndarray | None = None) -> Any:
    """Fitted on the rows, plus a copy of each without the bank features (NaN): a bank too small to say what
    is outside it gives no such evidence (interviewer/grading/domain.py), and the trees learn from the copies
    what to do then (scikit-learn sends NaN down a learned side of each split; scorer.py does the same).
    A bagged stage (`stage.bags` > 1) needs the rows' question `groups`: each member sees BAG_SHARE of them."""
    if stage.bags > 1:
        if groups is None:
            raise ValueError("a bagged stage needs the rows' groups")
        rng = np.random.default_rng(BAG_SEED)
        questions = np.unique(groups[rows])
        picks = [rng.choice(questions, size=max(1, int(BAG_SHARE * len(questions))), replace=False)
                 for _ in range(stage.bags)]
        single = replace(stage, bags=1)
        return Bagged([fit(single, x, y, pooled, sources, rows & np.isin(groups, pick)) for pick in picks])
    w = weights(stage, sources)
    rows = rows & (w > 0)
    seen = stacked(x[rows], pooled[rows])
    blind = seen.copy()
    blind[:, len(FEATURES):len(ALL_FEATURES)] = np.nan
    model = stage.build()
    model.fit(np.vstack([seen, blind]), np.concatenate([y[rows], y[rows]]),
              sample_weight=np.concatenate([w[rows], NO_EVIDENCE_WEIGHT * w[rows]]))
    return model


def cross_validated(stage: Stage, x: np.ndarray, y: np.ndarray, pooled: np.ndarray, sources: np.ndarray,
                    groups: np.ndarray, gradeable: np.ndarray, folds: int,
                    fit_rows: np.ndarray | None = None, seed: int | None = None) -> np.ndarray:
    """`pooled` with the answers to bank items (BANK_SOURCES) replaced by the stage's out-of-fold scores (the same
    folds by question; only stage_rows learn);
    `fit_rows`: only these rows may train a fold's stage (all our answers are still scored); `seed`: the
    shuffled split by question of that seed (train.cross_validate's) instead of the fixed one."""
    from sklearn.model_selection import GroupKFold

    rows = stage_rows(groups, sources, gradeable)
    if fit_rows is not None:
        rows &= fit_rows
    out = pooled.copy()
    split = GroupKFold(n_splits=folds, shuffle=seed is not None, random_state=seed)
    for train, held in split.split(x, y, groups):
        mask = np.zeros(len(y), dtype=bool)
        mask[train] = True
        model = fit(stage, x, y, pooled, sources, rows & mask, groups)
        scored = held[np.isin(sources[held], BANK_SOURCES) & gradeable[held]]
        out[scored] = np.clip(model.predict(stacked(x[scored], pooled[scored])), 0, 10)
    return out


# ---- equating: the stage's scores onto the reviewers' spread ---------------------------------------------------
# A regressor fitted for squared error shrinks towards the mean where its evidence is uncertain: out of fold on
# dev, the stage's scores spread less than the reviewers' (sd ratio 1.17-1.19), so complete answers in plain
# words came out 5.2 where reviewers gave 7.3, and wrong ones 3.1 for 1.0. Scores are read on an absolute scale (>= 6
# "complete", <= 3 "wrong", the move-on cut), so the stage's output is mapped linearly onto the reviewers' mean
# and spread (linear equating; it cannot reorder: Pearson and Spearman are unchanged but for clipping).
# train.py keeps it only if it does not raise the cross-validated MAE on our dev answers, on average over the
# fixed split and the shuffled ones (train.choose_equating says why one split is not enough).


@dataclass(frozen=True)
class Equating:
    mean_in: float  # the stage's out-of-fold mean
    mean_out: float  # the reviewers' mean on the same answers
    scale: float  # the reviewers' standard deviation over the stage's

    def apply(self, scores: np.ndarray) -> np.ndarray:
        return np.clip(self.mean_out + self.scale * (scores - self.mean_in), 0.0, 10.0)


def equating(scores: np.ndarray, human: np.ndarray) -> Equating:
    return Equating(float(scores.mean()), float(human.mean()), float(human.std() / max(scores.std(), 1e-9)))


def cross_equated(scores: np.ndarray, human: np.ndarray, rows: np.ndarray, groups: np.ndarray,
                  folds: int, fit_rows: np.ndarray | None = None, seed: int | None = None) -> np.ndarray:
    """`scores` with the `rows` equated by a map fitted on the other folds' rows (the same folds by question);
    `fit_rows`: only these of them fit the maps; `seed`: the shuffled split by question of that seed
    (cross_validated's) instead of the fixed one."""
    from sklearn.model_selection import GroupKFold

    fitting = rows if fit_rows is None else rows & fit_rows
    out = scores.copy()
    split = GroupKFold(n_splits=folds, shuffle=seed is not None, random_state=seed)
    for train, held in split.split(scores, human, groups):
        fit, apply = train[fitting[train]], held[rows[held]]
        out[apply] = equating(scores[fit], human[fit]).apply(scores[apply])
    return out


def export(stage: Stage, model: Any, equated: Equating | None = None) -> dict[str, Any]:
    """The fitted stage as the JSON block interviewer/grading/scorer.py reads (`bank_stage`)."""
    if isinstance(model, Bagged):  # the mean of the members' sums of trees: one sum, each leaf over their count
        parts = [export_trees(member) for member in model.models]
        share = 1.0 / len(parts)
        trees = [{**tree, "value": [round(v * share, 9) for v in tree["value"]]} for part in parts for tree in part["trees"]]
        exported: dict[str, Any] = {"base": float(np.mean([part["base"] for part in parts])), "trees": trees}
    else:
        exported = export_trees(model)
    spec = {"candidate": stage.name, "inputs": [*ALL_FEATURES, POOLED], **exported}
    if equated is not None:
        spec["equating"] = {"mean_in": equated.mean_in, "mean_out": equated.mean_out, "scale": equated.scale}
    return spec
