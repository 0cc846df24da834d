"""Cross-validation by writing round (evals/training/writer_shift.py): which round an answer belongs to, what a held
round keeps out of training, and that a round's scores never depend on its own labels."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from evals.training import bank_stage
from evals.training.data import OWN_EN, load_rows, writing_round
from evals.training.models import CANDIDATES
from evals.training.writer_shift import Served, decisions_round_out, held_out, round_out
from interviewer.grading.features import ALL_FEATURES

QUESTION = "大模型中的“微调”是什么"


@pytest.mark.parametrize("answer_id, writer", [
    ("h4-12-lora-good", "h4"), ("h10-x", "h10"), ("more-3", "more"), ("more2-3", "more2"), ("thin-7", "thin"),
    ("finetune-excellent", "first"), ("history-of-h4-", "first"),
])
def test_the_round_is_the_id_prefix(answer_id: str, writer: str) -> None:
    assert writing_round(answer_id) == writer


def test_a_translation_and_a_padded_copy_keep_their_original_round(tmp_path: Path) -> None:
    own = tmp_path / "dev.jsonl"
    own.write_text(json.dumps({"id": "h4-1", "question": QUESTION, "answer": "微调就是在预训练模型上继续训练，让它适应新任务。",
                               "score": 5, "kind": "partial"}, ensure_ascii=False) + "\n", encoding="utf-8")
    en = tmp_path / "dev-en.jsonl"
    en.write_text(json.dumps({"id": "h4-1-en", "source_id": "h4-1", "question": QUESTION, "score": 5,
                              "answer": "Fine-tuning continues training a pretrained model."}) + "\n", encoding="utf-8")
    rows = load_rows({"own": own, OWN_EN: en})
    assert {r.source: r.writer for r in rows} == {"own": "h4", OWN_EN: "h4", "padding": "h4"}


def test_a_held_round_keeps_every_row_on_its_questions_out_of_training() -> None:
    writers = np.asarray(["a", "a", "b", "b", "", "", "b"])
    groups = np.asarray(["own:q1", "own:q2", "own:q1", "own:q3", "own:q2", "ads:q9", "own:q3"])
    held, excluded = held_out(writers, groups, "a")
    assert held.tolist() == [True, True, False, False, False, False, False]
    # b's answer to q1 and the padded/synthetic row on q2 answer a question round a answers; q3 and ADS do not
    assert excluded.tolist() == [True, True, True, False, True, False, False]


def _toy(n_questions: int = 24, per_question: int = 6, seed: int = 0):
    rng = np.random.default_rng(seed)
    n = n_questions * per_question
    q = np.repeat(np.arange(n_questions), per_question)
    groups = np.asarray([f"own:q{i}" for i in q])
    # three rounds, each answering two of three bands of questions: (r0, r1), (r1, r2), (r2, r0)
    band = q * 3 // n_questions
    second = np.tile(np.arange(per_question), n_questions) % 2
    writers = np.asarray([f"r{(b + s) % 3}" for b, s in zip(band, second, strict=True)])
    x = rng.normal(size=(n, len(ALL_FEATURES)))
    y = np.clip(5 + 2 * x[:, 0] + rng.normal(scale=0.5, size=n), 0, 10)
    sources = np.full(n, "own")
    return x, y, groups, sources, writers


def test_a_rounds_scores_never_depend_on_its_own_labels() -> None:
    x, y, groups, sources, writers = _toy()
    served = Served(CANDIDATES[0], synthetic=False, balanced=False, stage=bank_stage.Stage("toy", 2, 20, 5, 0.0),
                    equated=True)
    gradeable = np.ones(len(y), dtype=bool)
    pooled_oof = np.clip(y + np.random.default_rng(1).normal(size=len(y)), 0, 10)  # given: question-fold scores
    stage_oof = pooled_oof.copy()
    before = round_out(served, x, y, groups, sources, writers, gradeable, pooled_oof, stage_oof)
    assert np.isfinite(before["stage"]).all() and np.isfinite(before["no stage"]).all()
    changed = y.copy()
    changed[writers == "r2"] = 10 - changed[writers == "r2"]
    after = round_out(served, x, changed, groups, sources, writers, gradeable, pooled_oof, stage_oof)
    for path in ("stage", "no stage"):
        assert np.allclose(before[path][writers == "r2"], after[path][writers == "r2"])
        assert not np.allclose(before[path][writers == "r0"], after[path][writers == "r0"])  # the others learn from r2


def test_the_learning_curve_teaches_a_round_from_only_k_others() -> None:
    x, y, groups, sources, writers = _toy()
    served = Served(CANDIDATES[0], synthetic=False, balanced=False, stage=bank_stage.Stage("toy", 2, 20, 5, 0.0),
                    equated=False)
    gradeable = np.ones(len(y), dtype=bool)
    oof = np.clip(y + np.random.default_rng(1).normal(size=len(y)), 0, 10)
    nothing = round_out(served, x, y, groups, sources, writers, gradeable, oof, oof, learn_from=0)
    assert np.isnan(nothing["stage"]).all() and np.isnan(nothing["no stage"]).all()  # no other round: no score
    # Taught by one other round, r2 still never depends on its own labels.
    changed = y.copy()
    changed[writers == "r2"] = 10 - changed[writers == "r2"]
    one = [round_out(served, x, labels, groups, sources, writers, gradeable, oof, oof, learn_from=1)["stage"]
           for labels in (y, changed)]
    assert np.allclose(one[0][writers == "r2"], one[1][writers == "r2"], equal_nan=True)


def test_the_move_on_decisions_are_measured_on_every_held_round() -> None:
    x, y, groups, sources, writers = _toy()
    gradeable = np.ones(len(y), dtype=bool)
    by_question = np.clip(y + np.random.default_rng(2).normal(size=len(y)), 0, 10)
    shifted = np.clip(y + np.random.default_rng(3).normal(size=len(y)), 0, 10)
    kinds = np.where(y >= 6, "good", "partial")
    result = decisions_round_out(by_question, shifted, x, y, kinds, sources, groups, writers, gradeable)
    assert set(result["own"]) == {"score's cut", "learned"}
    for figures in result["own"].values():
        assert figures["n"] == len(y) and figures["balanced_accuracy"] > 0.7  # x[:, 0] and the score both tell
