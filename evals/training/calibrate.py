"""Per-use calibration of the scorer: a monotone map from its raw output to the human scale.

The pooled model is fitted on every source at once, so on our interview answers its scale is squeezed
towards the middle (out of fold: it says 3.5 where our interviewers gave 2.9, 7.6 where they gave 8.4).
A linear map for answers to bank questions, fitted by least squares on out-of-fold predictions of our
labelled dev answers, stretches it back without changing their order. The teachers' sets (ads, le) are
left as they are: an isotonic map pooled over both lowered both their cross-validated Pearson (ADS marks
leniently, LE strictly, at the same raw score). Reported figures cross-fit the map (fitted on other
folds' questions, applied to the held-out ones).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from evals.training.data import BANK_SOURCES, INTERVIEW_SOURCES

# Which training sources teach each use's map (synthetic labels are by construction, not human), and which
# sources' answers each map serves (the classifier-only answers are scored as served, never fitted on).
PATH_SOURCES: dict[str, tuple[str, ...]] = {"bank": INTERVIEW_SOURCES}
PATH_SERVES: dict[str, tuple[str, ...]] = {"bank": BANK_SOURCES}


def fit_map(pred: np.ndarray, human: np.ndarray) -> dict[str, list[float]]:
    """human ~ a * pred + b by least squares, as two knots over 0-10 for np.interp (which then clips)."""
    a, b = np.polyfit(pred, human, 1)
    return {"x": [0.0, 10.0], "y": [round(float(b), 6), round(float(10 * a + b), 6)]}


def fit_maps(pred: np.ndarray, human: np.ndarray, sources: np.ndarray, mask: np.ndarray) -> dict[str, Any]:
    out = {}
    for path, path_sources in PATH_SOURCES.items():
        rows = mask & np.isin(sources, path_sources)
        if rows.sum() >= 20:
            out[path] = fit_map(pred[rows], human[rows])
    return out


def apply_maps(maps: dict[str, Any], pred: np.ndarray, sources: np.ndarray) -> np.ndarray:
    out = pred.copy()
    for path, knots in maps.items():
        rows = np.isin(sources, PATH_SERVES[path])
        out[rows] = np.interp(pred[rows], knots["x"], knots["y"])
    return out


def cross_fitted(pred: np.ndarray, human: np.ndarray, sources: np.ndarray, groups: np.ndarray,
                 gradeable: np.ndarray, folds: int) -> np.ndarray:
    """Calibrated out-of-fold predictions: each fold's answers through maps fitted without its questions."""
    from sklearn.model_selection import GroupKFold

    out = pred.copy()
    for train, held in GroupKFold(n_splits=folds).split(pred, human, groups):
        mask = np.zeros(len(pred), dtype=bool)
        mask[train] = True
        maps = fit_maps(pred, human, sources, mask & gradeable)
        calibrated = apply_maps(maps, pred[held], sources[held])
        out[held] = np.where(gradeable[held], calibrated, pred[held])
    return out
