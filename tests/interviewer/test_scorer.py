"""The learned scorer: numpy inference matches scikit-learn, bad model files are refused, features are sane."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from evals.training import bank_stage
from evals.training.models import CANDIDATES, export
from evals.training.off_topic import train_off_topic
from interviewer.grading.features import ALL_FEATURES, FEATURES, text_shape
from interviewer.grading.scorer import MODEL_PATH, Scorer, ScorerError, default_scorer


@pytest.fixture(scope="module")
def data() -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(0)
    x = rng.normal(size=(300, len(ALL_FEATURES)))  # the pooled model reads the FEATURES part
    y = np.clip(5 + 2 * x[:, 0] - 1.5 * x[:, FEATURES.index("any_contradiction")] + rng.normal(0, 0.5, 300), 0, 10)
    return x, y


@pytest.mark.parametrize("candidate", CANDIDATES, ids=lambda c: c.name)
def test_exported_model_predicts_like_sklearn(candidate, data) -> None:
    x, y = data
    pooled = x[:, : len(FEATURES)]
    model = candidate.build()
    model.fit(pooled, y)
    scorer = Scorer(json.loads(json.dumps(export(candidate, model, version="t"))))
    ours = np.array([scorer.predict(row) for row in x])
    assert np.allclose(ours, np.clip(model.predict(pooled), 0, 10), atol=1e-6)


def test_bank_stage_scores_bank_answers_like_sklearn_and_leaves_references_alone(data) -> None:
    x, y = data
    x = x.copy()
    has_item = FEATURES.index("has_item")
    x[:, has_item] = (np.arange(len(x)) % 2).astype(float)  # half answers to bank items, half to a given reference
    pooled_candidate = CANDIDATES[0]
    pooled = pooled_candidate.build().fit(x[:, : len(FEATURES)], y)
    raw = np.clip(pooled.predict(x[:, : len(FEATURES)]), 0, 10)
    stage = bank_stage.STAGES[0]
    sources = np.full(len(x), "own")
    stage_model = bank_stage.fit(stage, x, 10 - y, raw, sources, np.ones(len(x), dtype=bool))  # deliberately different
    spec = export(pooled_candidate, pooled, version="t")
    spec["bank_stage"] = bank_stage.export(stage, stage_model)
    scorer = Scorer(json.loads(json.dumps(spec)))
    x[::3, len(FEATURES):] = np.nan  # a third without the bank features (a small bank): sklearn's missing-value path
    ours = np.array([scorer.predict(row) for row in x])
    bank = x[:, has_item] > 0.5
    expected_bank = np.clip(stage_model.predict(bank_stage.stacked(x[bank], raw[bank])), 0, 10)
    assert np.allclose(ours[bank], expected_bank, atol=1e-6)
    assert np.allclose(ours[~bank], raw[~bank], atol=1e-6)


def test_equating_maps_bank_answers_onto_the_reviewers_spread_and_leaves_references_alone(data) -> None:
    x, y = data
    x = x.copy()
    has_item = FEATURES.index("has_item")
    x[:, has_item] = (np.arange(len(x)) % 2).astype(float)
    pooled_candidate = CANDIDATES[0]
    pooled = pooled_candidate.build().fit(x[:, : len(FEATURES)], y)
    raw = np.clip(pooled.predict(x[:, : len(FEATURES)]), 0, 10)
    stage = bank_stage.STAGES[0]
    stage_model = bank_stage.fit(stage, x, y, raw, np.full(len(x), "own"), np.ones(len(x), dtype=bool))
    spec = export(pooled_candidate, pooled, version="t")
    spec["bank_stage"] = bank_stage.export(stage, stage_model)
    plain = Scorer(json.loads(json.dumps(spec)))  # the stage alone (matches sklearn: the test above)
    staged = np.array([plain.predict(row) for row in x])
    shrunk = 5 + 0.5 * (y - 5)  # a squeezed copy of the human scores: equating must undo the squeeze
    equated = bank_stage.equating(shrunk, y)
    assert equated.scale == pytest.approx(2.0) and equated.mean_out == pytest.approx(y.mean())
    assert np.allclose(equated.apply(shrunk), np.clip(y, 0, 10))
    spec["bank_stage"] = bank_stage.export(stage, stage_model, equated)
    scorer = Scorer(json.loads(json.dumps(spec)))
    ours = np.array([scorer.predict(row) for row in x])
    bank = x[:, has_item] > 0.5
    assert np.allclose(ours[bank], equated.apply(staged[bank]), atol=1e-6)
    assert np.allclose(ours[~bank], raw[~bank], atol=1e-6)


def test_bagged_stage_exports_the_mean_of_its_members(data) -> None:
    x, y = data
    x = x.copy()
    has_item = FEATURES.index("has_item")
    x[:, has_item] = 1.0  # every answer to a bank item
    pooled_candidate = CANDIDATES[0]
    pooled = pooled_candidate.build().fit(x[:, : len(FEATURES)], y)
    raw = np.clip(pooled.predict(x[:, : len(FEATURES)]), 0, 10)
    stage = bank_stage.Stage("bagged", 2, 30, 10, 0.0, bags=3)
    groups = np.repeat(np.arange(30), 10)
    sources = np.full(len(x), "own")
    with pytest.raises(ValueError, match="groups"):
        bank_stage.fit(stage, x, y, raw, sources, np.ones(len(x), dtype=bool))
    bagged = bank_stage.fit(stage, x, y, raw, sources, np.ones(len(x), dtype=bool), groups)
    assert len(bagged.models) == 3
    members = [m.predict(bank_stage.stacked(x, raw)) for m in bagged.models]
    assert not np.allclose(members[0], members[1])  # fitted on different questions
    spec = export(pooled_candidate, pooled, version="t")
    spec["bank_stage"] = bank_stage.export(stage, bagged)
    scorer = Scorer(json.loads(json.dumps(spec)))
    ours = np.array([scorer.predict(row) for row in x])
    assert np.allclose(ours, np.clip(np.mean(members, axis=0), 0, 10), atol=1e-5)


def test_cross_equating_fits_each_fold_on_the_others() -> None:
    human = np.tile(np.arange(11.0), 4)
    groups = np.repeat(np.arange(4), 11)
    squeezed = 5 + 0.5 * (human - 5)
    rows = np.ones(len(human), dtype=bool)
    rows[:11] = False  # the first question's rows are left as they are
    out = bank_stage.cross_equated(squeezed, human, rows, groups, folds=4)
    assert np.allclose(out[:11], squeezed[:11])
    assert np.allclose(out[11:], human[11:])  # every fold's map (from the others) undoes the same squeeze


def test_bank_stage_for_other_features_is_refused() -> None:
    model = json.loads(MODEL_PATH.read_text(encoding="utf-8"))
    model["bank_stage"] = {"inputs": [*FEATURES, "pooled_score"], "base": 0.0, "trees": []}  # no BANK_FEATURES
    with pytest.raises(ScorerError, match="bank stage"):
        Scorer(model)


def test_off_topic_classifier_for_other_features_is_refused() -> None:
    model = json.loads(MODEL_PATH.read_text(encoding="utf-8"))
    model["off_topic"] = {**model["off_topic"], "inputs": list(FEATURES)}
    with pytest.raises(ScorerError, match="off-topic classifier"):
        Scorer(model)


def test_a_vector_without_the_bank_features_is_refused_by_the_stages() -> None:
    """The pooled part reads the first len(FEATURES) values; a short vector must not reach the bank stage,
    whose trees would read the pooled score where a bank feature belongs."""
    x = np.zeros(len(FEATURES))
    x[FEATURES.index("has_item")] = 1.0
    with pytest.raises(ValueError, match="ALL_FEATURES"):
        default_scorer().predict(x)


def test_off_topic_classifier_is_chosen_by_average_precision_and_exported_exactly() -> None:
    """A band-shaped off-topic region (only trees can learn it) makes the trees win; either kind's export
    reproduces scikit-learn's probabilities (train_off_topic itself refuses a mismatch)."""
    rng = np.random.default_rng(1)
    x = rng.normal(size=(400, len(ALL_FEATURES)))
    x[:, FEATURES.index("has_item")] = 1.0
    band = np.abs(x[:, 0]) < 0.5
    kinds = np.where(band, "off-topic", "partial")
    groups = np.arange(len(x)) % 40
    spec, report, flagged = train_off_topic(x, kinds, groups, folds=5, scores=np.zeros(len(x)), score_cut=2.5)
    assert report["model"].startswith("trees") and spec["kind"] == "trees"
    assert report["average_precision"][report["model"]] > report["average_precision"]["logistic C=0.3"]
    assert report["precision"] >= 0.9 and report["recall"] > 0.5
    assert flagged.sum() == round(report["recall"] * band.sum() / report["precision"])
    model = json.loads(MODEL_PATH.read_text(encoding="utf-8"))
    scorer = Scorer({**model, "off_topic": json.loads(json.dumps(spec))})
    inside, outside = np.zeros(len(ALL_FEATURES)), np.zeros(len(ALL_FEATURES))
    inside[FEATURES.index("has_item")] = outside[FEATURES.index("has_item")] = 1.0
    outside[0] = 2.0
    assert scorer.off_topic_probability(inside) > 0.9 > 0.1 > scorer.off_topic_probability(outside)
    outside[FEATURES.index("has_item")] = 0.0  # no bank item: no learned judgement
    assert scorer.off_topic_probability(outside) is None


def test_off_topic_flags_only_low_scores_and_its_cut_is_judged_on_what_is_flagged() -> None:
    """An answer scored above the score cut is never flagged, whatever its probability; the cut's precision
    counts only what would be flagged, so high-scored look-alikes (here: on-topic answers inside the band,
    scored 5) cannot lower it."""
    rng = np.random.default_rng(2)
    x = rng.normal(size=(600, len(ALL_FEATURES)))
    x[:, FEATURES.index("has_item")] = 1.0
    band = np.abs(x[:, 0]) < 0.5
    decoy = band & (rng.random(len(x)) < 0.3)  # in the band, on topic, scored well
    kinds = np.where(band & ~decoy, "off-topic", "partial")
    scores = np.where(decoy, 5.0, np.where(band, 0.5, 3.0))
    groups = np.arange(len(x)) % 40
    _, report, flagged = train_off_topic(x, kinds, groups, folds=5, scores=scores, score_cut=2.5)
    assert not flagged[scores > 2.5].any()
    assert report["precision"] >= 0.9 and report["recall"] > 0.5


def _band_with_extra_rows(extra_in_band: bool) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """600 reviewed answers, off topic inside a band of feature 0, and 200 classifier-only answers all labelled off
    topic: inside the band (they teach the truth) or near copies of on-topic reviewed answers (mislabelled: they
    teach a falsehood where the reviewed answers are)."""
    rng = np.random.default_rng(3)
    x = rng.normal(size=(800, len(ALL_FEATURES)))
    x[:, FEATURES.index("has_item")] = 1.0
    reviewed = np.arange(len(x)) < 600
    if extra_in_band:
        x[~reviewed, 0] = rng.uniform(-0.5, 0.5, size=200)
    else:
        on_topic = np.flatnonzero(reviewed & (np.abs(x[:, 0]) >= 0.5))
        x[~reviewed] = x[rng.choice(on_topic, size=200)] + rng.normal(scale=0.05, size=(200, x.shape[1]))
        x[:, FEATURES.index("has_item")] = 1.0
    kinds = np.where((np.abs(x[:, 0]) < 0.5) | ~reviewed, "off-topic", "partial")
    return x, kinds, np.arange(len(x)) % 40, reviewed


def test_off_topic_rows_outside_the_reviewed_set_neither_set_the_cut_nor_count_in_the_headline_figures() -> None:
    x, kinds, groups, reviewed = _band_with_extra_rows(extra_in_band=True)
    _, report, flagged = train_off_topic(x, kinds, groups, folds=5, scores=np.zeros(len(x)), score_cut=2.5,
                                         reviewed=reviewed)
    band = kinds == "off-topic"
    assert report["n"] == 600 and report["positives"] == int(band[reviewed].sum())
    assert report["precision"] == round(float(band[reviewed][flagged[reviewed]].mean()), 3) >= 0.9
    assert report["flagged_by_kind"]["off-topic"].endswith(f"/{int(band[reviewed].sum())}")
    extra = report["classifier_only"]
    for side in ("with", "without"):  # the rounds' answers are measured either way
        assert extra[side]["classifier_only"]["n"] == 200 and extra[side]["reviewed"]["n"] == 600
    assert extra["without"]["classifier_only"]["recall"] > 0.5  # learnt from reviewed answers alone, it finds them
    exported = extra["with" if extra["kept"] else "without"]
    assert (report["cut"], report["recall"]) == (exported["cut"], exported["reviewed"]["recall"])


def test_mislabelled_classifier_only_rows_are_not_kept() -> None:
    """Rows that teach a falsehood lower the reviewed answers' figures, so the keep rule drops them and the
    exported classifier is the one that never saw them."""
    x, kinds, groups, reviewed = _band_with_extra_rows(extra_in_band=False)
    _, report, _ = train_off_topic(x, kinds, groups, folds=5, scores=np.zeros(len(x)), score_cut=2.5,
                                   reviewed=reviewed)
    extra = report["classifier_only"]
    assert not extra["kept"]
    assert extra["with"]["average_precision"] < extra["without"]["average_precision"] - 0.005
    assert (report["model"], report["cut"], report["recall"]) == (
        extra["without"]["model"], extra["without"]["cut"], extra["without"]["reviewed"]["recall"])


def test_unknown_off_topic_model_kind_is_refused() -> None:
    model = json.loads(MODEL_PATH.read_text(encoding="utf-8"))
    model["off_topic"] = {"kind": "forest-of-doom", "cut": 0.5}
    with pytest.raises(ScorerError, match="off-topic model kind"):
        Scorer(model)


@pytest.mark.parametrize(
    ("block", "message"),
    [
        ({"kind": "logistic", "inputs": ["score", "coverage"], "cut": 0.5}, "move-on classifier was trained on other"),
        ({"kind": "oracle", "inputs": ["score", *ALL_FEATURES], "cut": 0.5}, "move-on model kind"),
    ],
)
def test_a_bad_move_on_classifier_is_refused(block: dict, message: str) -> None:
    model = json.loads(MODEL_PATH.read_text(encoding="utf-8"))
    with pytest.raises(ScorerError, match=message):
        Scorer({**model, "move_on": block})


def test_committed_model_loads_and_scores_in_range() -> None:
    scorer = default_scorer()
    assert scorer.kind in {"linear", "trees", "blend"}
    for row in np.random.default_rng(1).normal(size=(20, len(ALL_FEATURES))) * 5:
        assert 0.0 <= scorer.predict(row) <= 10.0


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda m: m.update(features=list(FEATURES)[:-1]), "other features"),
        (lambda m: m.update(kind="forest"), "unknown scorer kind"),
        (lambda m: m.pop({"trees": "trees", "linear": "coef", "blend": "parts"}[m["kind"]]), "malformed"),
    ],
)
def test_bad_model_files_are_refused(tmp_path: Path, change, message: str) -> None:
    model = json.loads(MODEL_PATH.read_text(encoding="utf-8"))
    change(model)
    path = tmp_path / "m.json"
    path.write_text(json.dumps(model), encoding="utf-8")
    with pytest.raises(ScorerError, match=message):
        Scorer.load(path)


def test_unreadable_model_file(tmp_path: Path) -> None:
    (tmp_path / "m.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(ScorerError, match="cannot read"):
        Scorer.load(tmp_path / "m.json")


@pytest.mark.parametrize(
    ("prose", "keywords"),
    [
        ("LoRA 在冻结的原始权重旁边加入两个低秩矩阵 A 和 B，训练时只更新它们，所以显存和存储都省很多。",
         "低秩分解, A/B 矩阵, 冻结权重, rank r, 显存"),
        ("The cache stores the keys and values of earlier tokens so that each decoding step only computes the new one.",
         "KV cache, keys, values, decoding, memory"),
    ],
)
def test_text_shape_tells_prose_from_a_keyword_list(prose: str, keywords: str) -> None:
    glue_prose, seg_prose = text_shape(prose)
    glue_list, seg_list = text_shape(keywords)
    assert glue_prose > glue_list and seg_prose > seg_list


def test_off_topic_trees_send_a_missing_bank_feature_where_scikit_learn_does() -> None:
    from evals.training.off_topic import CLASSIFIERS, _export
    from interviewer.grading.scorer import ProbabilityModel

    rng = np.random.default_rng(2)
    x = rng.normal(size=(300, len(ALL_FEATURES)))
    target = x[:, -1] + 0.3 * x[:, 0] > 0.5  # leans on the bank feature
    blind = x.copy()
    blind[:, len(FEATURES):] = np.nan
    for clf in CLASSIFIERS:
        model = clf.build().fit(x, target)
        exported = ProbabilityModel(json.loads(json.dumps(_export(clf, model, 0.5))))
        ours = np.array([exported.probability(row) for row in blind])
        assert np.all(np.isfinite(ours))
        if clf.kind == "trees":
            assert np.allclose(ours, model.predict_proba(blind)[:, 1], atol=1e-6)
        else:  # logistic: a missing value counts as the training mean, which adds nothing
            filled = np.where(np.isnan(blind), model[0].mean_, blind)
            assert np.allclose(ours, model.predict_proba(filled)[:, 1], atol=1e-6)
