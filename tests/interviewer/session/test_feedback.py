"""The per-answer feedback line: score, coverage and flags, never a missing key point."""

from __future__ import annotations

import pytest

from interviewer.grading.models import Grade, RubricScore
from interviewer.session.feedback import feedback

MISSING = "减少幻觉：LLM可以将生成的内容与知识图谱中的事实进行核对"


def _grade(flags: list[str]) -> Grade:
    return Grade(
        score=4.0,
        rubric=[RubricScore(criterion="accuracy", score=4.0)],
        missing=[MISSING],
        flags=flags,
        summary=f"得分 4/10。建议补充：{MISSING}",  # graders may name what is missing
    )


@pytest.mark.parametrize(
    ("language", "flags", "expected"),
    [
        ("zh", [], "覆盖要点 1/3"),
        ("zh", ["off_topic"], "没有针对本题"),
        ("zh", ["injection_attempt"], "已被忽略"),
        ("en", ["off_topic"], "does not seem to address"),
    ],
)
def test_feedback_states_score_and_flags_without_the_missing_point(language, flags, expected):
    text = feedback(language, _grade(flags), covered=1, total=3)
    assert expected in text
    assert "4.0/10" in text
    assert "减少幻觉" not in text and "知识图谱" not in text
