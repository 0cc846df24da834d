"""The point model's training measures (evals/training/points.py): pure functions on labelled points."""

from __future__ import annotations

import numpy as np
import pytest

from evals.training import points
from interviewer.grading.calibration import DEFAULT_CALIBRATION
from interviewer.grading.point_model import POINT_FEATURES, PointModel


def rows(labels: list[int], answers: list[int]) -> points.PointRows:
    n = len(labels)
    return points.PointRows(np.zeros((n, len(POINT_FEATURES))), np.asarray(labels), np.asarray(answers),
                            np.asarray(["q"] * n), 0)


def test_completeness_counts_covered_and_half_the_partly() -> None:
    assert points.completeness(np.asarray([0, 1, 2, 0]), np.asarray([0, 0, 1, 1])).tolist() == [7.5, 5.0]


def test_measures_of_a_perfect_and_of_a_useless_judgement() -> None:
    truth = rows([0, 1, 2, 2, 0, 1], [0, 0, 0, 1, 1, 1])
    perfect = points.measures(truth.label.copy(), truth, n_boot=50)
    assert perfect["accuracy"] == 1.0 and perfect["macro_f1"] == 1.0 and perfect["completeness_mae"] == 0
    none = points.measures(np.full(6, 2), truth, n_boot=50)
    assert none["covered_recall"] == 0.0 and none["f1"]["missed"] == pytest.approx(2 * 2 / 6 / (2 / 6 + 1))
    assert none["predicted"] == {"covered": 0, "partly": 0, "missed": 6}


def test_the_old_rule_reads_the_fixed_strengths_and_never_covers_a_contradicted_point() -> None:
    x = np.zeros((4, len(POINT_FEATURES)))
    strength, contradicted = POINT_FEATURES.index("strength"), POINT_FEATURES.index("contradicted")
    x[:, strength] = [DEFAULT_CALIBRATION.covered_at + 0.01, DEFAULT_CALIBRATION.partly_at + 0.01, 0.0,
                      DEFAULT_CALIBRATION.covered_at + 0.01]
    x[3, contradicted] = 1.0
    assert points.rule(x).tolist() == [0, 1, 2, 1]


def test_a_fitted_spec_loads_and_separates_what_it_was_fitted_on() -> None:
    rng = np.random.default_rng(0)
    x = rng.normal(size=(300, len(POINT_FEATURES)))
    signal = x[:, POINT_FEATURES.index("score")]
    label = np.where(signal > 0.5, 0, np.where(signal > -0.5, 1, 2))
    x[:, POINT_FEATURES.index("contradicted")] = 0.0
    spec = points.fit(x, label, c=1.0)
    PointModel(spec)  # the runtime reads what training writes
    assert (points.predict(spec, x) == label).mean() > 0.8
