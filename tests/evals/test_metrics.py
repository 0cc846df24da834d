"""evals.metrics against the libraries that define them (scipy, scikit-learn: test-time only).

The eval runner keeps its own numpy versions because `interviewer eval` runs on the runtime install
(`make eval`), which has neither scipy nor scikit-learn; these tests hold them to the libraries' numbers.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from evals.metrics import mae, pearson, qwk, rankdata, spearman

stats = pytest.importorskip("scipy.stats")
sk_metrics = pytest.importorskip("sklearn.metrics")

CASES = {
    "random": (np.random.default_rng(0).uniform(0, 10, 200), np.random.default_rng(1).uniform(0, 10, 200)),
    "ties": (np.array([1, 1, 2, 2, 3, 3, 9, 9.0]), np.array([0, 2, 2, 2, 5, 5, 5, 10.0])),
    "half points": (np.array([0.5, 1.5, 2.5, 7.4, 9.6, 10, 3.5]), np.array([1, 2, 2, 7, 10, 9, 4.0])),
}


@pytest.mark.parametrize("case", list(CASES), ids=list(CASES))
def test_metrics_match_scipy_and_sklearn(case: str) -> None:
    x, y = CASES[case]
    assert pearson(x, y) == pytest.approx(stats.pearsonr(x, y)[0], abs=1e-12)
    assert spearman(x, y) == pytest.approx(stats.spearmanr(x, y)[0], abs=1e-12)
    assert rankdata(x).tolist() == stats.rankdata(x).tolist()
    assert mae(x, y) == pytest.approx(sk_metrics.mean_absolute_error(y, x), abs=1e-12)
    # Scores are rounded to whole points the way qwk does (numpy rounds halves to even) and labelled 0-10.
    a, b = np.clip(np.rint(x), 0, 10).astype(int), np.clip(np.rint(y), 0, 10).astype(int)
    expected = sk_metrics.cohen_kappa_score(a, b, weights="quadratic", labels=list(range(11)))
    assert qwk(x, y) == pytest.approx(expected, abs=1e-12)


def test_degenerate_inputs_are_nan_not_errors() -> None:
    assert math.isnan(pearson([1, 1, 1], [1, 2, 3]))
    assert math.isnan(pearson([1], [2]))
    assert math.isnan(mae([], []))
    with pytest.raises(ValueError):
        pearson([1, 2], [1, 2, 3])
