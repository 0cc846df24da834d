"""The what-if diagnosis: each feature set to a reference value alone, its change in the learned score."""

from __future__ import annotations

import numpy as np

from evals.whatif import what_if
from interviewer.grading.features import ALL_FEATURES
from interviewer.grading.scorer import default_scorer


def _answer() -> np.ndarray:
    x = np.linspace(0.1, 0.9, len(ALL_FEATURES))
    x[ALL_FEATURES.index("has_item")] = 1.0  # an answer to a bank item: the bank stage scores it
    return x


def test_each_change_is_the_score_with_that_feature_alone_replaced() -> None:
    scorer, x = default_scorer(), _answer()
    reference = x + 0.5
    changes = what_if(scorer, x, reference)
    assert sorted(name for _, name, _, _ in changes) == sorted(ALL_FEATURES)
    assert [d for d, *_ in changes] == sorted((d for d, *_ in changes), reverse=True)
    for change, name, value, ref in changes:
        i = ALL_FEATURES.index(name)
        moved = x.copy()
        moved[i] = reference[i]
        assert (value, ref) == (x[i], reference[i])
        assert change == scorer.predict(moved) - scorer.predict(x)
    assert any(abs(d) > 0 for d, *_ in changes)  # the stage reads these features: some change moves the score


def test_the_answer_itself_as_reference_changes_nothing() -> None:
    scorer, x = default_scorer(), _answer()
    assert all(d == 0 for d, *_ in what_if(scorer, x, x))
