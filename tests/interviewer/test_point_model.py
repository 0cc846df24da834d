"""The learned per-point judgement (interviewer/grading/point_model.py) and its committed model file."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from interviewer.grading.features import Evidence
from interviewer.grading.point_model import (
    MODEL_PATH,
    POINT_FEATURES,
    PointModel,
    PointModelError,
    default_point_model,
    point_features,
)
from interviewer.grading.truth_pairs import Contradiction


def evidence(strengths: list[float], contradicted: tuple[int, ...] = ()) -> Evidence:
    s = np.asarray(strengths)
    return Evidence(strengths=s, weights=np.ones(len(s)), lexical=s, embedded=s * 10, embedded_strength=s,
                    evidence_units=[""] * len(s), coverage=float(s.mean()) if len(s) else 0.0, formula_conflict=0.0,
                    verdict_conflict=False, on_topic_share=1.0, unrelated=False, off_topic=False, truncated=False,
                    contradictions=[Contradiction(i, "p", "c", "antonym", "a ↔ b") for i in contradicted])


def test_point_features_are_one_row_per_point_in_the_named_order() -> None:
    x = point_features(evidence([0.8, 0.4, 0.0], contradicted=(1,)), score=6.0)
    assert x.shape == (3, len(POINT_FEATURES))
    col = {name: x[:, i] for i, name in enumerate(POINT_FEATURES)}
    assert col["strength"].tolist() == [0.8, 0.4, 0.0]
    assert col["relative"].tolist() == [1.0, 0.5, 0.0]
    assert col["score"].tolist() == [0.6] * 3
    assert col["contradicted"].tolist() == [0.0, 1.0, 0.0]
    assert point_features(evidence([]), score=0.0).shape == (0, len(POINT_FEATURES))


def test_the_committed_model_reads_these_features_and_more_evidence_never_uncovers_a_point() -> None:
    model = default_point_model()
    weak, strong = (point_features(evidence([s, 0.3]), score=5.0) for s in (0.1, 0.9))
    assert model.covered.probability(strong)[0] > model.covered.probability(weak)[0]
    low, high = (point_features(evidence([0.5, 0.3]), score=s) for s in (1.0, 9.0))
    assert model.covered.probability(high)[0] > model.covered.probability(low)[0]


def test_a_complete_answer_covers_its_points_and_a_blank_one_none() -> None:
    model = default_point_model()
    assert all(c for c, _ in model.judge(point_features(evidence([0.9, 0.85, 0.8]), score=9.5)))
    assert not any(c or p for c, p in model.judge(point_features(evidence([0.0, 0.0, 0.0]), score=0.0)))


def test_a_contradicted_point_is_never_covered() -> None:
    model = default_point_model()
    judged = model.judge(point_features(evidence([0.9, 0.9], contradicted=(0,)), score=9.0))
    assert judged[0][0] is False and judged[1][0] is True


def test_a_model_file_for_other_features_or_a_broken_one_is_a_clear_error(tmp_path: Path) -> None:
    spec = json.loads(MODEL_PATH.read_text(encoding="utf-8"))
    with pytest.raises(PointModelError, match="other features"):
        PointModel({**spec, "features": list(POINT_FEATURES[:-1])})
    broken = tmp_path / "point_model.json"
    broken.write_text("{not json", encoding="utf-8")
    with pytest.raises(PointModelError, match="cannot read"):
        PointModel.load(broken)
    broken.write_text(json.dumps({**spec, "covered": {"mean": [0.0]}}), encoding="utf-8")
    with pytest.raises(PointModelError, match="malformed"):
        PointModel.load(broken)
