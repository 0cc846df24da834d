"""The terminal interview, driven by a scripted input function."""

from __future__ import annotations

from collections.abc import Iterable

import pytest

from interviewer.chat import run_chat
from interviewer.grading.models import CRITERIA, Grade, GradeRequest, RubricScore
from interviewer.session.interview import Interview
from interviewer.session.models import SessionPlan
from knowledge.bank import QuestionBank
from knowledge.models import KeyPoint, QAItem

_QUESTIONS = {
    "lora": (
        "finetuning",
        "什么是 LoRA？",
        ["低秩分解：更新量分解为两个小矩阵", "冻结原模型：只训练新增参数"],
    ),
    "rag": ("rag", "RAG 的基本流程是什么？", ["文档切分：把文档切块", "向量检索：检索相关块"]),
    "kv": ("attention", "什么是 KV Cache？", ["缓存键值：缓存历史 K 和 V", "显存开销：随长度线性增长"]),
}


def make_bank() -> QuestionBank:
    return QuestionBank(
        [
            QAItem(
                id=item_id,
                question=question,
                answer="\n".join(points),
                key_points=[KeyPoint(source=f"{topic}.md", section=topic, text=p) for p in points],
                topics=[topic],
            )
            for item_id, (topic, question, points) in _QUESTIONS.items()
        ]
    )


class LabelGrader:
    """Covers a point when the answer names its label (the text before "：")."""

    def grade(self, request: GradeRequest) -> Grade:
        texts = [kp.text for kp in request.key_points]
        covered = [t for t in texts if t.split("：")[0] in request.answer]
        score = 10.0 * len(covered) / len(texts)
        return Grade(
            score=score,
            rubric=[RubricScore(criterion=c, score=score) for c in CRITERIA],
            covered=covered,
            missing=[t for t in texts if t not in covered],
        )


def scripted(lines: Iterable[str]):
    """An input() that returns the lines, then raises EOFError like Ctrl-D."""
    feed = iter(lines)
    prompts: list[str] = []

    def input_fn(prompt: str = "") -> str:
        prompts.append(prompt)
        try:
            return next(feed)
        except StopIteration:
            raise EOFError from None

    return input_fn


def chat(lines: list[str], plan: SessionPlan):
    out: list[str] = []
    interview = Interview(make_bank(), LabelGrader(), clock=lambda: "t")
    report = run_chat(interview, plan, input_fn=scripted(lines), print_fn=out.append, session_id="chat")
    return report, "\n".join(out)


def answer_for(question_text: str) -> str:
    for _, question, points in _QUESTIONS.values():
        if question in question_text:
            return "、".join(p.split("：")[0] for p in points)
    raise AssertionError(question_text)


def test_full_interview_ends_with_the_report() -> None:
    interview = Interview(make_bank(), LabelGrader(), clock=lambda: "t")
    out: list[str] = []

    def input_fn(prompt: str = "") -> str:
        # answer whatever was asked last; multi-line answers end with an empty line
        if prompt == "  ":
            return ""
        return answer_for(out[-2] if out[-1].startswith("（") else out[-1])

    report = run_chat(
        interview, SessionPlan(num_questions=3), input_fn=input_fn, print_fn=out.append, session_id="x"
    )
    text = "\n".join(out)
    assert report.answered == 3 and report.score == 10 and not report.ended_early
    assert text.count("得分：10.0/10") == 3 and "==== 面试报告 ====" in text
    assert out[-1].startswith("==== 面试报告 ====")


def test_multi_line_answer_is_one_answer() -> None:
    report, _ = chat(
        ["第一行：低秩分解", "第二行：冻结原模型", "", "结束面试"],
        SessionPlan(topics=["finetuning"], num_questions=1),
    )
    assert report.answered == 1 and report.questions[0].score == 10


@pytest.mark.parametrize(
    ("lines", "answered", "ended_early"),
    [
        ([], 0, True),  # Ctrl-D straight away
        (["", "   ", "结束面试"], 0, True),  # stray empty lines are ignored; a command needs no empty line
        (["\u200b", "\ufeff \u2060", "结束面试"], 0, True),  # so are lines of invisible characters only
        (["低秩分解", "\u200b", "结束面试"], 1, True),  # and such a line submits an answer like an empty one
        (["跳过", "skip", "pass"], 3, False),
        (["只说了一半"], 1, True),  # EOF in the middle of an answer: submitted, then the interview ends
    ],
)
def test_eof_commands_and_partial_answers(lines: list[str], answered: int, ended_early: bool) -> None:
    report, text = chat(lines, SessionPlan(num_questions=3))
    assert report.answered == answered and report.ended_early == ended_early
    assert report.status == "finished" and "==== 面试报告 ====" in text


def test_keyboard_interrupt_ends_gracefully() -> None:
    def input_fn(prompt: str = "") -> str:
        raise KeyboardInterrupt

    out: list[str] = []
    interview = Interview(make_bank(), LabelGrader(), clock=lambda: "t")
    report = run_chat(interview, SessionPlan(num_questions=2), input_fn=input_fn, print_fn=out.append)
    assert report.ended_early and "面试报告" in out[-1]


def test_practice_shows_feedback_exam_does_not() -> None:
    lines = ["低秩分解、冻结原模型", ""] * 3
    _, practice = chat(lines, SessionPlan(topics=["finetuning"], num_questions=1))
    _, exam = chat(lines, SessionPlan(topics=["finetuning"], num_questions=1, mode="exam"))
    assert "得分：10.0/10。" in practice
    report_at = exam.index("==== 面试报告 ====")
    assert "得分：" not in exam[:report_at] and "10.0/10" in exam[report_at:]


def test_english_session() -> None:
    report, text = chat(["I don't know", "no idea", "quit"], SessionPlan(num_questions=3, language="en"))
    assert "Question 1/3" in text and "Interview report" in text and report.answered == 2
