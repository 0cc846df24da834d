"""An English interview over the seed bank: what the interviewer writes, the feedback and the report are
English (the questions and key points come from the reviewed translations, knowledge/translations/en.jsonl)."""

from __future__ import annotations

import re

import pytest

from interviewer.grading.models import CRITERIA, Grade, GradeReference, GradeRequest, PointResult, RubricScore
from interviewer.session.interview import Interview
from interviewer.session.models import SessionPlan
from interviewer.session.report import render_report_text
from knowledge.bank import QuestionBank
from knowledge.overlays import BUNDLED_DOCS
from knowledge.parsing import parse_corpus

CJK = re.compile(r"[\u3400-\u9fff\u3000-\u303f\uff00-\uffef]")
QUESTIONS = ["q-2836208ee7", "q-4ff4bae171", "q-c45238b886"]  # GRPO, knowledge editing, RoPE: all corrected


class FirstPointGrader:
    """Covers the first key point and misses the rest; English comments, Chinese point texts (as graders do)."""

    def grade(self, request: GradeRequest) -> Grade:
        points = request.key_points
        ref = request.references[0]
        return Grade(
            score=4.0, rubric=[RubricScore(criterion=c, score=4.0, comment="partial") for c in CRITERIA],
            covered=[points[0].text], missing=[p.text for p in points[1:]],
            points=[PointResult(text=p.text, source=p.source, section=p.section, covered=i == 0)
                    for i, p in enumerate(points)],
            references=[GradeReference(source=ref.source, section=ref.section, text=ref.text)],
            summary="Partly covered.", item_id=request.item_id,
        )


@pytest.fixture(scope="module")
def bank() -> QuestionBank:
    return QuestionBank(parse_corpus(BUNDLED_DOCS).items)


def chinese(text: str) -> list[str]:
    return CJK.findall(text)


def test_an_english_interview_writes_no_chinese(bank: QuestionBank) -> None:
    interview = Interview(bank, FirstPointGrader(), max_follow_ups=0)
    state, first = interview.start(SessionPlan(language="en", num_questions=3), "s-en", QUESTIONS)
    assert "Group Relative Policy Optimization" in first.message
    replies = [first]
    for text in ["hint", "It samples a group of answers and normalises their rewards.", "skip"]:
        state, reply = interview.answer(state, text)
        replies.append(reply)
    state, reply = interview.answer(state, "Low-frequency dimensions see unseen angles beyond the training length.")
    replies.append(reply)
    assert reply.done and reply.report is not None

    said = [t.content for t in state.turns if t.role == "interviewer"]
    assert not [s for s in said if chinese(s)]
    graded = [r.evaluation for r in replies if r.evaluation]
    assert graded and not chinese(" ".join([*graded[0].covered, *graded[0].missing, graded[0].references[0].text]))
    report = reply.report
    assert not chinese(" ".join(q.question for q in report.questions))
    assert not chinese(" ".join(p.text for q in report.questions for p in [*q.covered, *q.missed]))
    assert not chinese(render_report_text(report, "en"))
    assert report.level_label and not chinese(report.level_label + report.note)


def test_the_chinese_interview_is_unchanged(bank: QuestionBank) -> None:
    interview = Interview(bank, FirstPointGrader(), max_follow_ups=0)
    state, first = interview.start(SessionPlan(language="zh", num_questions=1), "s-zh", QUESTIONS[:1])
    assert bank.get(QUESTIONS[0]).question in first.message
    state, reply = interview.answer(state, "组内相对优势")
    assert reply.report is not None and reply.report.questions[0].question == bank.get(QUESTIONS[0]).question
    assert reply.evaluation is not None and reply.evaluation.covered == [bank.get(QUESTIONS[0]).key_points[0].text]


def test_english_follow_ups_are_english(bank: QuestionBank) -> None:
    interview = Interview(bank, FirstPointGrader(), max_follow_ups=2)
    state, _ = interview.start(SessionPlan(language="en", num_questions=1), "s-fu", ["q-7f336cef06"])
    state, reply = interview.answer(state, "LoRA trains low-rank update matrices.")
    assert reply.action == "follow_up"
    assert not chinese(reply.message)


def test_english_pages_name_notes_by_their_english_titles() -> None:
    from interviewer.session.bilingual import shown_title, where_label

    seed = "001_9d724db47c21d743.txt"
    assert shown_title(seed, "大模型的一些面试题小结", "en") == "A round-up of LLM interview questions"
    assert shown_title(seed, "大模型的一些面试题小结", "zh") == "大模型的一些面试题小结"
    # A note without an English title: never its Chinese title on an English page, the file name instead.
    assert where_label("mine.md", "第一章 > 问题", "en", "我的笔记") == "mine.md"
    assert where_label("mine.md", "Chapter 1", "en", "My notes") == "My notes § Chapter 1"
