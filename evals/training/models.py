"""Candidate maps from features to score (scikit-learn), and their export to the numpy-only model file."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from interviewer.grading.features import FEATURES

# Features whose growth can only raise (+1) or lower (-1) the score: the boosted trees are held to it, so
# a quirk of one data set cannot teach "more coverage, fewer points" or "a contradiction earns points".
MONOTONE: dict[str, int] = {
    "coverage": 1, "coverage_root": 1, "top_strength": 1, "covered_share": 1, "partly_share": 1,
    "lexical_mean": 1, "embedded_strength": 1, "precision": 1,
    "contradicted_share": -1, "any_contradiction": -1, "formula_conflict": -1, "verdict_conflict": -1,
    "hedge": -1, "item_rank_log": -1, "item_margin": -1,
    "surface_recall": 1, "surface_f1": 1, "verdict_agrees": 1,
}


@dataclass(frozen=True)
class Candidate:
    name: str
    kind: str  # "linear" | "trees"
    params: dict[str, Any] = field(default_factory=dict)

    def build(self) -> Any:
        if self.kind == "blend":
            linear = Candidate("linear", "linear", {"alpha": self.params["alpha"]})
            trees = Candidate("trees", "trees", {k: self.params[k] for k in ("depth", "rate", "trees", "leaf")})
            return Blend(linear.build(), trees.build(), self.params["weight"])
        if self.kind == "linear":
            from sklearn.linear_model import Ridge
            from sklearn.pipeline import make_pipeline
            from sklearn.preprocessing import StandardScaler

            return make_pipeline(StandardScaler(), Ridge(alpha=self.params["alpha"]))
        from sklearn.ensemble import HistGradientBoostingRegressor

        return HistGradientBoostingRegressor(
            loss="squared_error", max_depth=self.params["depth"], learning_rate=self.params["rate"],
            max_iter=self.params["trees"], min_samples_leaf=self.params["leaf"], l2_regularization=1.0,
            monotonic_cst=[MONOTONE.get(name, 0) for name in FEATURES], random_state=0,
        )


class Blend:
    """weight * ridge + (1 - weight) * boosted trees: the linear part extrapolates to unseen kinds of answer,
    the trees capture interactions (a contradiction matters only when coverage is high, ...)."""

    def __init__(self, linear: Any, trees: Any, weight: float) -> None:
        self.linear, self.trees, self.weight = linear, trees, weight

    def fit(self, x: np.ndarray, y: np.ndarray, sample_weight: np.ndarray | None = None) -> Blend:
        self.linear.fit(x, y, ridge__sample_weight=sample_weight)
        self.trees.fit(x, y, sample_weight=sample_weight)
        return self

    def predict(self, x: np.ndarray) -> np.ndarray:
        return self.weight * self.linear.predict(x) + (1 - self.weight) * self.trees.predict(x)

    def score(self, x: np.ndarray, y: np.ndarray) -> float:
        """R², as scikit-learn regressors define it (permutation importance reads it)."""
        from sklearn.metrics import r2_score

        return float(r2_score(y, self.predict(x)))


CANDIDATES: tuple[Candidate, ...] = (
    Candidate("ridge a=30", "linear", {"alpha": 30.0}),
    Candidate("trees d3 n400", "trees", {"depth": 3, "rate": 0.05, "trees": 400, "leaf": 20}),
    Candidate("trees d5 n250", "trees", {"depth": 5, "rate": 0.05, "trees": 250, "leaf": 30}),
    Candidate("blend .5 ridge a=30 + trees d3 n400", "blend",
              {"alpha": 30.0, "depth": 3, "rate": 0.05, "trees": 400, "leaf": 20, "weight": 0.5}),
)


def export(candidate: Candidate, model: Any, version: str) -> dict[str, Any]:
    """The fitted model as the JSON that interviewer/grading/scorer.py reads."""
    out: dict[str, Any] = {"version": version, "kind": candidate.kind, "candidate": candidate.name,
                           "features": list(FEATURES)}
    if candidate.kind == "blend":
        linear = export(Candidate("linear", "linear"), model.linear, version)
        trees = export(Candidate("trees", "trees"), model.trees, version)
        out.update(weight=model.weight, parts=[linear, trees])
        return out
    if candidate.kind == "linear":
        scaler, ridge = model[0], model[-1]
        out.update(mean=scaler.mean_.tolist(), scale=scaler.scale_.tolist(),
                   coef=ridge.coef_.tolist(), intercept=float(ridge.intercept_))
        return out
    out.update(export_trees(model))
    return out


def export_trees(model: Any) -> dict[str, Any]:
    """A fitted HistGradientBoostingRegressor as {"base", "trees"}: node arrays, leaf values already scaled."""
    exported = []
    for (predictor,) in model._predictors:
        nodes = predictor.nodes
        leaf = nodes["is_leaf"].astype(bool)
        exported.append({
            "feature": nodes["feature_idx"].astype(int).tolist(),
            "threshold": [float(t) for t in nodes["num_threshold"]],
            "left": np.where(leaf, -1, nodes["left"].astype(np.int64)).tolist(),
            "right": np.where(leaf, -1, nodes["right"].astype(np.int64)).tolist(),
            "value": [round(float(v), 9) for v in nodes["value"]],
            # Where a missing value (NaN: a bank feature without evidence) goes at each split.
            "missing_left": nodes["missing_go_to_left"].astype(int).tolist(),
        })
    return {"base": float(np.ravel(model._baseline_prediction)[0]), "trees": exported}
