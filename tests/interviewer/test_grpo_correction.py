"""The GRPO erratum end to end: graded against the corrected key points, the right answer wins.

`tests/knowledge/grpo_answers.json` holds the two answers: the correct one (Group Relative Policy
Optimization, DeepSeekMath) and the bank's invented "Generative Rejection Preference Optimization".
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from interviewer.grading.models import request_for_item
from interviewer.grading.offline import OfflineGrader
from knowledge.chunking import corpus_chunks
from knowledge.overlays import BUNDLED_DOCS
from knowledge.parsing import parse_corpus

ANSWERS = json.loads((Path(__file__).parents[1] / "knowledge" / "grpo_answers.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def scores(e5) -> dict[str, float]:
    """Both answers graded as the product grades them: against the item's corrected key points, with every
    key point of the bank as the background the answer is ranked against (embedded here, ~30 s: without
    it the grader sees an answer to a bank of one, which is not what the learned scorer was trained on)."""
    items = parse_corpus(BUNDLED_DOCS).items
    points = [c for c in corpus_chunks(items) if c.kind == "point"]
    background = e5.embed_passages([c.text for c in points])
    grader = OfflineGrader(e5, background=background, background_items=[c.item_id for c in points])
    item = next(i for i in items if i.id == ANSWERS["item"])
    return {kind: grader.grade(request_for_item(item, ANSWERS[kind], "zh")).score for kind in ("correct", "invented")}


def test_the_correct_grpo_answer_scores_at_least_7(scores: dict[str, float]) -> None:
    assert scores["correct"] >= 7
    assert scores["correct"] - scores["invented"] >= 4


def test_the_invented_grpo_answer_scores_at_most_3(scores: dict[str, float]) -> None:
    assert scores["invented"] <= 3
