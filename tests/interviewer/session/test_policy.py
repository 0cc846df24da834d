"""The server-side policy: situations -> actions (what a follow-up asks: test_followups.py)."""

from __future__ import annotations

import pytest

from interviewer.grading.models import CRITERIA, Grade, RubricScore
from interviewer.session.policy import EXCELLENT, GOOD_ENOUGH, decide


def grade(
    score: float, covered: int = 0, missing: int = 0, flags: tuple[str, ...] = (), complete: bool | None = None
) -> Grade:
    return Grade(
        complete=complete,
        score=score,
        rubric=[RubricScore(criterion=c, score=score) for c in CRITERIA],
        covered=[f"covered point {i}" for i in range(covered)],
        missing=[f"missing point {i}" for i in range(missing)],
        flags=list(flags),
    )


@pytest.mark.parametrize(
    ("situation", "g", "used", "cap", "last", "expected"),
    [
        ("excellent answer, even with points missing", grade(9.5, 2, 2), 0, 2, False, "next"),
        ("good answer, one point missing", grade(7.5, 3, 1), 0, 2, False, "next"),
        ("exactly good enough, a third missing", grade(GOOD_ENOUGH, 2, 1), 0, 2, False, "next"),
        ("good score but most points missing", grade(7.5, 1, 3), 0, 2, False, "follow_up"),
        ("weak, no follow-up yet", grade(4, 1, 3), 0, 2, False, "follow_up"),
        ("weak, one follow-up used", grade(4, 1, 3), 1, 2, False, "follow_up"),
        ("weak after two follow-ups", grade(4, 1, 3), 2, 2, False, "next"),
        ("weak, cap raised to three", grade(4, 1, 3), 2, 3, False, "follow_up"),
        ("weak, follow-ups disabled", grade(4, 1, 3), 0, 0, False, "next"),
        ("just below good enough, nothing missing", grade(6.9, 3, 0), 0, 2, False, "follow_up"),
        ("after a follow-up everything is covered", grade(5, 3, 0), 1, 2, False, "next"),
        ("non-answer", grade(0, 0, 3, ("non_answer",)), 0, 2, False, "next"),
        ("off-topic", grade(1, 0, 3, ("off_topic",)), 0, 2, False, "next"),
        ("empty", grade(0, 0, 3, ("empty",)), 0, 2, False, "next"),
        (
            "injection attempt is graded like any answer",
            grade(3, 1, 2, ("injection_attempt",)),
            0,
            2,
            False,
            "follow_up",
        ),
        ("last question, strong", grade(9, 3, 0), 0, 2, True, "end"),
        ("last question, weak with follow-ups left", grade(3, 1, 2), 0, 2, True, "follow_up"),
        ("last question, weak, follow-ups used up", grade(3, 1, 2), 2, 2, True, "end"),
        ("last question, non-answer", grade(0, 0, 3, ("non_answer",)), 0, 2, True, "end"),
        ("excellent threshold", grade(EXCELLENT, 0, 4), 0, 2, False, "next"),
        # The offline grader's own judgement, learned on labelled answers, replaces the score rule:
        ("judged complete, points not matched word for word", grade(6.2, 1, 4, complete=True), 0, 2, False, "next"),
        ("judged incomplete despite a high score", grade(9.5, 1, 4, complete=False), 0, 2, False, "follow_up"),
        ("judged incomplete, follow-ups used up", grade(5, 1, 4, complete=False), 2, 2, False, "next"),
        ("judged complete but off topic", grade(6, 0, 3, ("off_topic",), complete=True), 0, 2, False, "next"),
        ("judged complete on the last question", grade(6.5, 2, 2, complete=True), 0, 2, True, "end"),
    ],
    ids=lambda v: v if isinstance(v, str) else None,
)
def test_decide(situation: str, g: Grade, used: int, cap: int, last: bool, expected: str) -> None:
    assert decide(g, follow_ups_used=used, max_follow_ups=cap, is_last_question=last) == expected


def test_long_first_clause_is_shortened(kit) -> None:
    from interviewer.session.text import keyword

    assert keyword("**基于已有模型继续训练**\n避免从零训练的巨大成本") == "基于已有模型继续训练"
    assert keyword("模型仅在部分参数或全部参数上更新（LoRA、Fine-tune、PT）") == "模型仅在部分参数或全…"
    assert keyword("Softmax 归一化：对分数做 softmax 得到权重") == "Softmax 归一化"
    assert (
        keyword("Scaled dot product attention divides by the square root of d_k")
        == "Scaled dot product attention divides…"
    )


@pytest.mark.parametrize(
    ("point", "expected"),
    [
        ("有监督学习：使用成对的数据", "有监督学习"),
        ('"请一步步思考"的提示：让模型先写推理', "请一步步思考的提示"),
        ("“请验证你的答案是否与已知条件一致”", "请验证你的答案是否与…"),
        (
            "多查询注意力?共享键值：节省显存",
            "多查询注意力?共享键值",
        ),  # '?' is a lost character, not a clause end
        ("Query: the vector that asks", "Query"),
        ("训练时长?约 2 天", "训练时长?约 2 天"),  # cannot tell a lost colon from a lost character
        ("用户输入 ?智能体分析任务", "用户输入"),
        ("特?", "特"),
        # connectives, bare labels and context frames are not the topic: the next clause is
        ("此外，梯度裁剪防止梯度爆炸", "梯度裁剪防止梯度爆炸"),
        ("例如：RAG 先检索再生成", "RAG 先检索再生成"),
        ("优点：计算效率高，易于并行", "计算效率高"),
        ("在大模型训练中，混合精度节省显存", "混合精度节省显存"),
        ("例如", "例如"),  # nothing after it: keep what there is
    ],
)
def test_keyword_table(point: str, expected: str) -> None:
    from interviewer.session.text import keyword

    assert keyword(point) == expected


@pytest.mark.parametrize(
    ("situation", "earlier", "latest", "expected"),
    [
        ("first answer off topic", [], ("off_topic",), "next"),
        ("off topic throughout", [("off_topic",)], ("off_topic",), "next"),
        ("after a skip, off topic", [("non_answer",)], ("off_topic",), "next"),
        # an on-topic first answer, then a follow-up reply read as off topic (a hedge, a drift): not off topic
        ("on topic, then a drifting reply", [()], ("off_topic",), "follow_up"),
        ("on topic, then a non-answer", [()], ("non_answer",), "next"),
    ],
)
def test_question_flags(situation: str, earlier: list[tuple[str, ...]], latest: tuple[str, ...], expected: str) -> None:
    from interviewer.session.scoring import merge_grades
    from knowledge.models import QAItem

    item = QAItem(id="q1", question="Q?")
    grades = [grade(3, 0, 1, flags) for flags in earlier] + [grade(2, 0, 1, latest)]
    merged = merge_grades(item, grades)
    assert decide(merged, len(earlier), 2) == expected, situation
    assert grades[-1].flags == list(latest)  # the turn's own grade keeps what the grader said
