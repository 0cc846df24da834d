"""The per-answer feedback line (score, coverage and flags, never a missing key point) and partly covered points."""

from __future__ import annotations

import pytest

from interviewer.grading.models import Grade, PointResult, RubricScore
from interviewer.session.feedback import feedback
from interviewer.session.models import QuestionRecord, Report
from interviewer.session.report import question_report, render_report_text

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


@pytest.mark.parametrize(
    ("language", "partly", "expected"),
    [("zh", 2, "另有 2 点部分涉及"), ("en", 2, "2 more partly"), ("zh", 0, None), ("en", 0, None)],
)
def test_feedback_counts_partly_covered_points(language, partly, expected):
    text = feedback(language, _grade([]), covered=0, total=3, partly=partly)
    if expected is None:
        assert "部分" not in text and "partly" not in text
    else:
        assert expected in text


def test_the_report_marks_missed_points_some_answer_touched_on():
    def graded(partly_a: bool, covered_b: bool) -> Grade:
        return _grade([]).model_copy(update={"missing": [], "points": [
            PointResult(text="A 要点", source="a.md", covered=False, partly=partly_a),
            PointResult(text="B 要点", source="a.md", covered=covered_b),
            PointResult(text="C 要点", source="a.md", covered=False),
        ]})

    # The first answer touched A; the follow-up answer covered B: A is missed but partly, C plainly missed.
    record = QuestionRecord(item_id="q1", question="问题？", status="answered",
                            grades=[graded(True, False), graded(False, True)])
    q = question_report(record, None)
    assert [p.text for p in q.covered] == ["B 要点"]
    assert [(p.text, p.partly) for p in q.missed] == [("A 要点", True), ("C 要点", False)]
    report = Report(session_id="s", language="zh", mode="practice", status="finished", planned=1, answered=1, questions=[q])
    text = render_report_text(report, "zh")
    assert "[部分涉及] A 要点" in text and "[部分涉及] C" not in text


@pytest.mark.parametrize(
    ("language", "best", "expected"),
    [("zh", 6.5, "得分：4.0/10（本题最好成绩 6.5）"), ("en", 6.5, "best on this question so far: 6.5"),
     ("zh", 4.0, "得分：4.0/10。"), ("zh", None, "得分：4.0/10。")],
)
def test_a_weaker_follow_up_answer_also_shows_the_questions_best(language, best, expected):
    assert expected in feedback(language, _grade([]), covered=1, total=3, best=best)


def test_study_advice_and_the_report_name_the_notes_title_not_its_file() -> None:
    from interviewer.session.feedback import review
    from interviewer.session.models import SessionPlan, SessionState
    from interviewer.session.report import build_report
    from knowledge.bank import QuestionBank
    from knowledge.models import KeyPoint, QAItem, Reference

    file, title = "001_9d724db47c21d743.txt", "大模型的一些面试题小结"
    section = f"{title} > Q8：知识图谱如何改进 LLM？"
    item = QAItem(
        id="kg", question="知识图谱如何改进 LLM？", answer=MISSING, topics=["rag"],
        key_points=[KeyPoint(source=file, section=section, title=title, text=MISSING)],
        references=[Reference(source=file, section=section, title=title, text=MISSING)],
    )
    grade = _grade([]).model_copy(update={"points": [PointResult(text=MISSING, source=file, section=section,
                                                                 covered=False)]})
    advice = review("zh", item, grade)
    assert f"「{title} § Q8：知识图谱如何改进 LLM？」" in advice and file not in advice
    record = QuestionRecord(item_id="kg", question=item.question, topic="rag", grades=[grade], status="answered")
    state = SessionState(id="s", plan=SessionPlan(num_questions=1), question_ids=["kg"], records=[record],
                         status="finished")
    report = build_report(state, QuestionBank([item]))
    assert report.questions[0].missed[0].title == title and report.study_next[0].sections[0].title == title
    text = render_report_text(report)
    assert f"{title} § Q8" in text and file not in text
