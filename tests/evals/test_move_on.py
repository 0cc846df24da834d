"""The learned move-on cut: the middle of the cuts that separate complete answers about as well as the best."""

from __future__ import annotations

import numpy as np

from evals.training.train import move_on_threshold


def test_the_cut_is_the_middle_of_a_flat_optimum() -> None:
    # Complete answers (human 7) predicted 6-8, the rest (human 2) 1-4: every cut in (4, 6] separates them.
    pred = np.array([1.0, 2.0, 3.0, 4.0, 6.05, 7.0, 8.0])
    human = np.array([2, 2, 2, 2, 7, 7, 7])
    cut, info = move_on_threshold(pred, human)
    assert info["balanced_accuracy"] == 1.0
    assert info["plateau"] == [4.1, 6.0]
    assert cut == 5.0  # not 4.1, the lowest of the equally good cuts


def test_without_both_classes_the_default_cut_is_kept() -> None:
    cut, _ = move_on_threshold(np.array([5.0, 6.0]), np.array([8.0, 9.0]))
    assert cut == 7.0
