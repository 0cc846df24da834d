"""When to move on: the score's learned cut (the middle of the cuts that separate complete answers about as well as
the best) and the learned decision that replaces it for bank questions (evals/training/move_on.py)."""

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


def _answers(n_questions: int = 40, per_question: int = 10, seed: int = 0):
    """Answers whose completeness the score tells only roughly and a coverage feature tells well."""
    from interviewer.grading.features import ALL_FEATURES

    rng = np.random.default_rng(seed)
    n = n_questions * per_question
    x = rng.normal(size=(n, len(ALL_FEATURES)))
    covered = x[:, ALL_FEATURES.index("covered_share")]
    human = np.clip(5 + 2.5 * covered + rng.normal(scale=0.3, size=n), 0, 10)
    score = np.clip(human + rng.normal(scale=2.0, size=n), 0, 10)  # a noisy score
    kinds = np.where(human >= 6, "good", "partial")
    groups = np.repeat(np.arange(n_questions), per_question)
    return score, x, human, kinds, groups


def test_the_learned_decision_uses_the_evidence_and_is_exported_exactly() -> None:
    import json

    from evals.training.move_on import train_move_on
    from interviewer.grading.features import ALL_FEATURES, FEATURES
    from interviewer.grading.scorer import MODEL_PATH, Scorer

    score, x, human, kinds, groups = _answers()
    sources = np.full(len(score), "own")
    spec, report = train_move_on(score, x, human, kinds, sources, groups, cut=6.0, complete_at=6.0, folds=5)
    learned, by_cut = report["by_source"]["own"]["learned"], report["by_source"]["own"]["score >= 6.0"]
    assert report["chosen"] and spec is not None
    assert learned["balanced_accuracy"] > by_cut["balanced_accuracy"] + 0.05
    assert learned["weighted_error"] < by_cut["weighted_error"]
    assert learned["partial_moved_on"] < by_cut["partial_moved_on"]
    # served: the same decision from the model file, for a bank item; a given reference keeps the score's cut
    model = json.loads(MODEL_PATH.read_text(encoding="utf-8"))
    scorer = Scorer({**model, "move_on": json.loads(json.dumps(spec)), "move_on_at": 6.0})
    row = np.zeros(len(ALL_FEATURES))
    row[FEATURES.index("has_item")] = 1.0
    row[ALL_FEATURES.index("covered_share")] = 2.0  # clearly covered: complete at a middling score
    assert scorer.complete(row, 5.0)
    row[ALL_FEATURES.index("covered_share")] = -2.0
    assert not scorer.complete(row, 7.0)
    row[FEATURES.index("has_item")] = 0.0
    assert scorer.complete(row, 7.0) and not scorer.complete(row, 5.0)


def test_a_learned_decision_no_better_than_the_cut_is_not_kept() -> None:
    from evals.training.move_on import train_move_on
    from interviewer.grading.features import ALL_FEATURES

    rng = np.random.default_rng(3)
    n = 300
    human = rng.uniform(0, 10, size=n)
    score = human.copy()  # the score alone separates them perfectly
    x = rng.normal(size=(n, len(ALL_FEATURES)))
    spec, report = train_move_on(score, x, human, np.full(n, "good"), np.full(n, "own"), np.arange(n) % 30,
                                 cut=6.0, complete_at=6.0, folds=5)
    assert report["by_source"]["own"]["score >= 6.0"]["balanced_accuracy"] == 1.0
    assert spec is None and not report["chosen"]


def test_a_wrong_decision_costs_its_distance_from_the_line() -> None:
    from evals.training.move_on import cost, decision_figures

    human = np.array([1.0, 5.5, 6.0, 9.0])
    assert cost(human, 6.0).tolist() == [5.0, 0.5, 0.5, 3.0]
    # moving on from the 1.0 answer costs ten times what moving on from the 5.5 one does
    kinds = np.array(["wrong-but-fluent", "partial", "good", "excellent"])
    far = decision_figures(np.array([True, False, True, True]), human, kinds, 6.0)
    near = decision_figures(np.array([False, True, True, True]), human, kinds, 6.0)
    assert far["balanced_accuracy"] == near["balanced_accuracy"] == 0.75
    assert far["weighted_error"] == round(5.0 / 9.0, 3) and near["weighted_error"] == round(0.5 / 9.0, 3)
    assert far["wrong_moved_on"] == 1.0 and near["partial_moved_on"] == 1.0
