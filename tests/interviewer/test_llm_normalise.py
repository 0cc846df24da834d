"""Units of reply reading: reasoning removal, numbers and scales, key point matching, repair messages."""

from __future__ import annotations

from typing import Any

import pytest

from interviewer.grading.models import CRITERIA
from interviewer.llm.normalise import ReplyError, normalise_reply
from interviewer.llm.reasoning import final_answer
from interviewer.llm.reply_points import match_point
from interviewer.llm.reply_scale import parse_number

POINTS = ["冻结原始权重，只训练低秩矩阵 A 和 B", "可训练参数量大幅减少，显存占用低", "推理时可以把 BA 合并回原权重，没有额外延迟"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("<think>draft {1}</think>final", "final"),
        ("<THINK>\ndraft\n</THINK>\n\nfinal", "final"),
        ("draft without an opening tag</think>final", "final"),
        ("<think>a</think>x<think>b</think>y", "xy"),
        ("<think>never closed {\"score\": 5}", ""),
        ("answer first <think>then a stray block", "answer first"),
        ("<|channel|>analysis<|message|>draft<|end|><|start|>assistant<|channel|>final<|message|>{\"a\": 1}", '{"a": 1}'),
        ("plain", "plain"),
        ("", ""),
    ],
)
def test_final_answer(text: str, expected: str) -> None:
    assert final_answer(text) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (8, (8.0, None)), ("8", (8.0, None)), ("8/10", (8.0, 10.0)), ("4 / 5", (4.0, 5.0)), ("8分", (8.0, None)),
        ("7.5 out of 10", (7.5, 10.0)), ("80%", (80.0, 100.0)), ("８／１０", (8.0, 10.0)), (True, (None, None)),
        (None, (None, None)), (float("nan"), (None, None)), ("high", (None, None)), ("8/0", (None, None)),
        ("the answer covers 3 of the 5 points well", (None, None)), ({"score": 6}, (6.0, None)),
    ],
)
def test_number(value: Any, expected: tuple[float | None, float | None]) -> None:
    assert parse_number(value) == expected


def reply(rubric: float, covered: list[int] | None, score: float | None = None, **extra: Any) -> dict[str, Any]:
    body: dict[str, Any] = {"rubric": {c: rubric for c in CRITERIA}, "score": rubric if score is None else score}
    if covered is not None:
        body["covered"] = covered
    return body | extra


@pytest.mark.parametrize(
    ("body", "expected", "note"),
    [
        (reply(0.9, [1, 2, 3]), 9.0, "0-1"),
        (reply(0.9, []), 0.9, None),  # nothing covered: a low grade on 0-10, not a 9
        (reply(0.9, None), 0.9, None),  # no coverage to check against: left alone
        (reply(5, [1, 2, 3]), 10.0, "0-5"),
        (reply(3, [1]), 3.0, None),  # 1 of 3 covered fits 3/10 better than 6/10
        (reply(85, [1, 2, 3]), 8.5, "0-100"),
        (reply(4, [1, 2, 3], scale=5), 8.0, "stated"),
        (reply(4, [1, 2, 3], scale="10"), 4.0, None),
    ],
)
def test_scale_detection(body: dict[str, Any], expected: float, note: str | None) -> None:
    result = normalise_reply(body, POINTS)
    assert result.rubric["accuracy"][0] == pytest.approx(expected)
    assert result.score == pytest.approx(expected)
    assert any(note in n for n in result.notes) if note else not any("rescaled" in n for n in result.notes)


@pytest.mark.parametrize(
    ("covered", "expected"),
    [
        ([1, 3], {0, 2}), ([0, 2], {0, 2}), (["[2]", "第3点", "point 1"], {0, 1, 2}), ("1, 2", {0, 1}),
        ([True, False, True], {0, 2}), ({"1": True, "2": False, "3": True}, {0, 2}),
        ([{"id": 2}], {1}), (["2. 可训练参数量大幅减少"], {1}), ([7, -1], set()),
    ],
)
def test_covered_points(covered: Any, expected: set[int]) -> None:
    assert normalise_reply(reply(8, covered), POINTS).covered == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (POINTS[2], 2), ("推理阶段能把 BA 合并回原来的权重，所以没有额外延迟", 2), ("显存占用低", 1),
        ("冻结了原模型的权重，只训练低秩的 A、B 两个矩阵", 0), ("用了注意力机制", None), ("", None),
    ],
)
def test_match_point(text: str, expected: int | None) -> None:
    assert match_point(text, POINTS) == expected


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"score": 7}, "rubric is missing"),
        ({"score": 7, "rubric": "good"}, "rubric must be a list"),
        ({"score": "great", "rubric": {c: 7 for c in CRITERIA}}, "score: 'great' is not a finite number"),
        ({"score": 7, "rubric": {"accuracy": 7, "completeness": 7}}, "rubric lacks depth, clarity"),
        ({"score": 7, "rubric": {"accuracy": 7, "completeness": 7, "deep": 7, "clear": 7}}, "rubric lacks depth"),
    ],
)
def test_repair_messages_name_the_problem(body: dict[str, Any], message: str) -> None:
    with pytest.raises(ReplyError, match=message):
        normalise_reply(body, POINTS)


def test_chinese_reply_with_wrapper_and_evidence() -> None:
    body = {"评分结果": {"总分": "8分", "评分维度": [{"维度": "准确性", "得分": "8/10", "理由": "准确"},
                                                 {"维度": "完整性", "得分": 8}, {"维度": "深度", "得分": 8},
                                                 {"维度": "清晰度", "得分": 8}],
                        "证据": [{"要点": 1, "引用": "冻结", "结论": "覆盖"}], "评语": "不错"}}
    result = normalise_reply(body, POINTS)
    assert result.score == 8.0 and result.rubric["accuracy"] == (8.0, "准确")
    assert result.covered == {0} and result.evidence == {0: ("冻结", "covered")} and result.summary == "不错"
