"""Which training rows teach what: the English translations of our interview answers (own-en) train the bank
stage, share their original's cross-validation group, and stay out of the pooled scorer's fit; the
classifier-only rounds (misses) teach the off-topic classifier alone but are scored as served."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from evals.labelled import read_jsonl
from evals.training import bank_stage
from evals.training.data import MISSES, MISSES_EN, OWN_EN, load_rows, pooled_sources

QUESTION = "大模型中的“微调”是什么"


def _write(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path


def test_a_translation_is_grouped_with_its_original(tmp_path: Path) -> None:
    own = _write(tmp_path / "dev.jsonl", [{"id": "a", "question": QUESTION, "answer": "微调就是在预训练模型上继续训练。",
                                           "score": 5, "kind": "partial"}])
    en = _write(tmp_path / "dev-en.jsonl", [{"id": "a-en", "source_id": "a", "question": QUESTION,
                                             "answer": "Fine-tuning continues training a pretrained model.",
                                             "score": 5, "kind": "partial"}])
    rows = [r for r in load_rows({"own": own, OWN_EN: en}) if r.source in ("own", OWN_EN)]
    assert [r.source for r in rows] == ["own", OWN_EN]
    assert rows[0].group == rows[1].group == f"own:{QUESTION}"  # one fold for both languages
    assert rows[1].reference is None  # graded against the bank item (its English key points), not a reference
    assert rows[1].kind == "partial" and rows[1].score == 5


def test_translations_train_the_stage_but_not_the_pooled_scorer() -> None:
    sources = np.asarray(["own", OWN_EN, "ads", "padding", "synthetic"])
    groups = np.asarray(["own:q", "own:q", "ads:q", "own:q", "own:q"])
    rows = bank_stage.stage_rows(groups, sources, np.ones(5, dtype=bool))
    assert rows.tolist() == [True, True, False, True, True]
    stage = bank_stage.STAGES[0]
    assert bank_stage.weights(stage, sources)[1] == bank_stage.TRANSLATED_WEIGHT
    assert pooled_sources(sources).tolist() == [True, False, True, False, False]


def test_a_data_round_adds_its_answers_to_own_and_their_translations_to_own_en(tmp_path: Path, monkeypatch) -> None:
    from evals.training import data_round

    own = _write(tmp_path / "dev.jsonl", [{"id": "a", "question": QUESTION, "answer": "旧的回答。", "score": 5,
                                           "kind": "partial"}])
    en = _write(tmp_path / "dev-en.jsonl", [])
    monkeypatch.setattr(data_round, "SCORER_SOURCES", {"own": own, OWN_EN: en})
    extra = _write(tmp_path / "round.jsonl", [
        {"id": "n1", "question": QUESTION, "answer": "新的中文回答。", "answer_en": "A new answer.", "score": 7,
         "kind": "good", "rationale": "r"},
        {"id": "n2", "question": QUESTION, "answer": "A native English answer.", "answer_en": "A native English answer.",
         "score": 7, "kind": "good", "rationale": "r"},
    ])
    merged = data_round.merged_sources(read_jsonl(extra), tmp_path)
    own_rows = [json.loads(line) for line in merged["own"].read_text(encoding="utf-8").splitlines()]
    en_rows = [json.loads(line) for line in merged[OWN_EN].read_text(encoding="utf-8").splitlines()]
    assert [r["id"] for r in own_rows] == ["a", "n1", "n2"] and "answer_en" not in own_rows[1]
    assert en_rows == [{"id": "n1-en", "source_id": "n1", "question": QUESTION, "answer": "A new answer.",
                        "score": 7, "kind": "good"}]  # a native English answer is not translated again
    assert own.read_text(encoding="utf-8").count("\n") == 1  # the real files are untouched


def test_a_recipe_with_synthetic_variants_still_leaves_the_translations_out_of_the_pooled_fit() -> None:
    # It once did not: "or the synthetic flag" let every gradeable row, own-en included, train the pooled scorer.
    from evals.training.train import fit_rows_of

    sources = np.asarray(["own", OWN_EN, "ads", "en", "en-zh", "le", "padding", "synthetic"])
    gradeable = np.asarray([True, True, True, True, True, True, True, False])
    with_variants = fit_rows_of({"synthetic": True}, sources, gradeable)
    without = fit_rows_of({"synthetic": False}, sources, np.ones(len(sources), dtype=bool))
    assert with_variants.tolist() == [True, False, True, True, True, True, True, False]  # a non-answer never fits
    assert without.tolist() == [True, False, True, True, True, True, True, False]
    assert fit_rows_of({"synthetic": True}, sources, np.ones(len(sources), dtype=bool))[-1]


def test_a_classifier_only_answer_joins_its_questions_fold_with_its_translation(tmp_path: Path) -> None:
    misses = _write(tmp_path / "h9.jsonl", [
        {"id": "h9-1-ft-confused-zh", "question": QUESTION, "answer": "微调就是把收音机的旋钮轻轻拧一下。",
         "answer_en": "Fine-tuning is turning the radio's knob a little.", "score": 0, "kind": "confused-term"},
        {"id": "h9-1-ft-confused-en", "question": QUESTION, "answer": "Fine-tuning is adjusting a guitar's strings.",
         "score": 0, "kind": "confused-term"}])
    rows = [r for r in load_rows({MISSES: misses}) if r.source in (MISSES, MISSES_EN)]
    assert [r.source for r in rows] == [MISSES, MISSES_EN, MISSES]  # a native English answer is not translated
    assert {r.group for r in rows} == {f"own:{QUESTION}"} and {r.writer for r in rows} == {"h9"}
    assert rows[1].answer.startswith("Fine-tuning is turning") and rows[1].kind == "confused-term"


def test_classifier_only_answers_train_no_score_but_are_scored_as_served() -> None:
    from evals.training.calibrate import apply_maps, fit_maps
    from evals.training.train import fit_rows_of

    sources = np.asarray(["own", MISSES, MISSES_EN, "padding"])
    groups = np.asarray(["own:q"] * 4)
    gradeable = np.ones(4, dtype=bool)
    assert not fit_rows_of({"synthetic": True}, sources, gradeable)[1:3].any()  # the pooled scorer
    assert not bank_stage.stage_rows(groups, sources, gradeable)[1:3].any()  # the bank stage
    # the bank map is fitted on reviewed answers only, and applied to every answer to a bank item
    many = np.asarray(["own"] * 30 + [MISSES] * 30)
    pred, human = np.tile(np.linspace(1, 9, 30), 2), np.concatenate([np.linspace(1, 9, 30) + 1, np.zeros(30)])
    maps = fit_maps(pred, human, many, np.ones(60, dtype=bool))
    assert np.allclose(maps["bank"]["y"], [1.0, 11.0])  # the misses' zeros did not pull it down
    assert np.allclose(apply_maps(maps, pred, many)[30:], apply_maps(maps, pred, many)[:30])


def test_a_round_that_keeps_the_ranking_but_lowers_the_older_answers_level_is_not_kept() -> None:
    """Round h10's figures (2026-12-02): ranks held, the older answers' MAE rose 1.45 -> 1.47. The rule then read
    ranks only and kept it; since, their MAE may rise by at most MAX_MAE_RISE."""
    from evals.training.data_round import keeps

    def f(pearson: float, spearman: float, mae: float, wrong: float = 3.5) -> dict:
        return {"pearson": pearson, "spearman": spearman, "mae": mae, "kinds": {"wrong-but-fluent": wrong}}

    old_a, whole_a, whole_b = f(0.801, 0.787, 1.45), f(0.799, 0.782, 1.44), f(0.806, 0.789, 1.42)
    assert not keeps(old_a, f(0.802, 0.788, 1.47, 3.35), whole_a, whole_b)
    assert keeps(old_a, f(0.802, 0.788, 1.45, 3.35), whole_a, whole_b)
    assert not keeps(old_a, f(0.795, 0.788, 1.45), whole_a, whole_b)  # Pearson fell by more than 0.005
    assert not keeps(old_a, f(0.802, 0.788, 1.45, 3.9), whole_a, whole_b)  # wrong-but-fluent rose by 0.4
    assert not keeps(old_a, f(0.802, 0.788, 1.45), whole_a, whole_a)  # the whole set did not gain
