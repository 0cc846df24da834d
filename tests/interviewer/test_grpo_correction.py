"""The GRPO erratum end to end: graded against the corrected key points, the right answer wins.

`tests/knowledge/grpo_answers.json` holds the two answers: the correct one (Group Relative Policy
Optimization, DeepSeekMath) and the bank's invented "Generative Rejection Preference Optimization".
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from interviewer.grading.models import GradeRequest
from interviewer.grading.offline import OfflineGrader
from knowledge.overlays import BUNDLED_DOCS
from knowledge.parsing import parse_corpus

ANSWERS = json.loads((Path(__file__).parents[1] / "knowledge" / "grpo_answers.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def scores(e5) -> dict[str, float]:
    item = next(i for i in parse_corpus(BUNDLED_DOCS).items if i.id == ANSWERS["item"])
    grader = OfflineGrader(e5)
    return {
        kind: grader.grade(GradeRequest(question=item.question, answer=ANSWERS[kind], key_points=item.key_points,
                                        references=item.references, item_id=item.id)).score
        for kind in ("correct", "invented")
    }


def test_the_correct_grpo_answer_scores_at_least_7(scores: dict[str, float]) -> None:
    assert scores["correct"] >= 7
    assert scores["correct"] - scores["invented"] >= 4


def test_the_invented_grpo_answer_scores_at_most_3(scores: dict[str, float]) -> None:
    assert scores["invented"] <= 3
