"""train.choose_equating: the stage's scores are equated when that lowers the MAE on average over the fixed
split and the shuffled ones, not on the fixed split's say alone."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from evals.training import bank_stage, train

QUESTIONS, PER_QUESTION = 10, 11
HUMAN = np.tile(np.linspace(0.0, 10.0, PER_QUESTION), QUESTIONS)
GROUPS = np.repeat(np.arange(QUESTIONS), PER_QUESTION)
SOURCES = np.full(len(HUMAN), "own")
EVERY = np.ones(len(HUMAN), dtype=bool)
CAPS = np.full(len(HUMAN), 10.0)


def squeezed(scale: float = 0.5) -> np.ndarray:
    return 5 + scale * (HUMAN - 5)


def outliers() -> np.ndarray:
    """Right on the reviewers' scores but for two wild ones: equating reads them as spread and widens every
    other score, so it raises the MAE."""
    out = HUMAN.copy()
    out[[5, 16]] = [10.0, 0.0]
    return out


def choose(monkeypatch: pytest.MonkeyPatch, fixed: np.ndarray, shuffled: list[np.ndarray]) -> tuple[Any, ...]:
    """choose_equating with each shuffled split's stage scores given (the stage itself is not under test)."""
    pooled = [np.zeros(len(HUMAN)) for _ in shuffled]
    by_pooled = {id(p): s for p, s in zip(pooled, shuffled, strict=True)}
    monkeypatch.setattr(bank_stage, "cross_validated", lambda stage, x, y, pooled_scores, *a, **k: by_pooled[id(pooled_scores)])
    stage = bank_stage.STAGES[0]
    return train.choose_equating(stage, fixed, pooled, np.zeros((len(HUMAN), 1)), HUMAN, SOURCES, GROUPS, EVERY,
                                 EVERY, EVERY, CAPS)


def test_squeezed_scores_are_equated_and_every_split_is_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    fitted, served, report = choose(monkeypatch, squeezed(), [squeezed(0.6), squeezed(0.4)])
    assert report["chosen"] and fitted is not None
    assert report["splits"] == 3 and len(report["mae_change_per_split"]) == 3
    assert all(change < 0 for change in report["mae_change_per_split"])
    assert np.allclose(served, HUMAN)  # each fold's map, fitted on the others, undoes the squeeze
    assert fitted.scale == pytest.approx(2.0)


def test_equating_that_raises_the_mae_is_dropped(monkeypatch: pytest.MonkeyPatch) -> None:
    fitted, served, report = choose(monkeypatch, outliers(), [outliers(), outliers()])
    assert not report["chosen"] and fitted is None
    assert report["mae_change_mean"] > 0
    assert np.array_equal(served, outliers())  # the stage's own scores, unchanged


def test_the_mean_over_splits_decides_not_the_fixed_split(monkeypatch: pytest.MonkeyPatch) -> None:
    fitted, _, report = choose(monkeypatch, outliers(), [squeezed(), squeezed()])
    assert report["mae_change_per_split"][0] > 0  # the fixed split alone would have dropped it
    assert report["chosen"] and fitted is not None and report["mae_change_mean"] < 0


def test_without_shuffled_splits_the_fixed_split_decides(monkeypatch: pytest.MonkeyPatch) -> None:
    _, _, report = choose(monkeypatch, outliers(), [])
    assert report["splits"] == 1 and not report["chosen"]


def test_no_stage_no_equating() -> None:
    fitted, served, report = train.choose_equating(None, squeezed(), [], np.zeros((len(HUMAN), 1)), HUMAN, SOURCES,
                                                   GROUPS, EVERY, EVERY, EVERY, CAPS)
    assert fitted is None and report == {"chosen": False, "why": "no stage"}
    assert np.array_equal(served, squeezed())
