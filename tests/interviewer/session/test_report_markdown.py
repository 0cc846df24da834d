"""The report as Markdown: the session's language only, titles rather than file names, every part there."""

from __future__ import annotations

import re

from interviewer.session.models import Language, PointReport, QuestionReport, Report, StudySection, StudyTopic
from interviewer.session.report_markdown import md_text, report_markdown

CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")
FILE = "007_3fa855decd6a7823.txt"  # the seeds' file names: what a citation must not show when there is a title


def _report(language: Language = "en", **over: object) -> Report:
    en = language == "en"
    question = QuestionReport(
        item_id="lora", question="What is LoRA, and why does it save memory?" if en else "什么是 LoRA？它为什么省显存？",
        topic="fine-tuning", status="answered", score=6.7,
        rubric={"accuracy": 7.0, "completeness": 6.0, "depth": 6.0, "clarity": 8.0},
        covered=[PointReport(text="Low-rank decomposition" if en else "低秩分解", source=FILE, section="LoRA",
                             title="Fine-tuning notes" if en else "微调笔记")],
        missed=[PointReport(text="Merging for inference" if en else "推理合并", source=FILE,
                            section="" if en else "LoRA > 推理", title="Fine-tuning notes" if en else "微调笔记",
                            partly=True)],
        follow_ups=["How do you choose the rank r?" if en else "秩 r 如何选择？"],
        flags=["off_topic"],
        hints_used=1,
    )
    unanswered = QuestionReport(item_id="kv", question="What is the KV cache?" if en else "什么是 KV Cache？",
                                topic="inference", status="unanswered")
    report = Report(
        session_id="c96e93854d2c44c4", language=language, mode="practice", status="finished", planned=2,
        answered=1, ended_early=True, score=6.7, criteria={"accuracy": 7.0, "completeness": 6.0},
        level="solid", level_label="solid" if en else "良好", hints_used=1, questions=[question, unanswered],
        study_next=[StudyTopic(topic="fine-tuning", missed=1, mean_score=6.7, sections=[
            StudySection(source=FILE, section="LoRA", title="Fine-tuning notes" if en else "微调笔记", missed=1)])],
        graders=["offline"],
        note="Offline grades estimate coverage of the reference key points, not full correctness." if en
        else "离线评分衡量的是对参考要点的覆盖程度，是估计值，不是对正确性的完整判断。",
    )
    return report.model_copy(update=over)


def test_an_english_report_has_every_part_and_no_chinese() -> None:
    md = report_markdown(_report("en"), "en", date="2025-03-04")
    assert not CJK.search(md), CJK.findall(md)
    assert md.startswith("# Interview report\n")
    assert "- Date: 2025-03-04" in md
    assert "- Overall: **6.7/10** (solid)" in md
    assert "answered 1/2 · hints used 1 · ended early" in md
    assert "| accuracy | 7.0 |" in md and "| completeness | 6.0 |" in md
    assert "### Q1. What is LoRA, and why does it save memory? — 6.7/10" in md
    assert "- Rubric: accuracy 7.0 · completeness 6.0 · depth 6.0 · clarity 8.0" in md
    assert "- Low-rank decomposition — read: Fine-tuning notes § LoRA" in md
    assert "- Merging for inference (partly) — read: Fine-tuning notes" in md
    assert "- How do you choose the rank r?" in md and "- Flags: off topic" in md
    assert "### Q2. What is the KV cache? — not answered" in md
    assert "1. **fine-tuning** — 1 missed point(s), mean 6.7" in md
    assert "   - Fine-tuning notes § LoRA (1 missed point(s))" in md
    assert "> Offline grades estimate coverage" in md
    assert md_text(FILE) not in md  # titles, not file names


def test_a_chinese_report_is_in_chinese() -> None:
    md = report_markdown(_report("zh"))  # the report's own language by default
    assert md.startswith("# 面试报告\n")
    assert "- 总分：**6.7/10**（良好）" in md
    assert "作答 1/2 题 · 使用提示 1 次 · 面试提前结束" in md
    assert "| 准确性 | 7.0 |" in md
    assert "- 推理合并（部分涉及） —— 参阅：微调笔记 § LoRA > 推理" in md
    assert "## 接下来复习" in md and "   - 微调笔记 § LoRA（1 个遗漏要点）" in md
    assert "> 离线评分衡量的是" in md
    assert "Interview report" not in md and "not answered" not in md and md_text(FILE) not in md


def test_an_english_page_never_shows_a_chinese_title_or_heading() -> None:
    report = _report("en")
    report.questions[0].missed[0].title = "微调笔记"
    report.questions[0].missed[0].section = "LoRA > 推理"
    md = report_markdown(report, "en")
    assert not CJK.search(md)
    assert md_text(FILE) in md  # no English title for this file: the file name, never the Chinese title


def test_a_file_name_only_when_the_note_has_no_title() -> None:
    report = _report("en")
    report.study_next[0].sections[0].title = ""
    assert f"   - {md_text(FILE)} § LoRA" in report_markdown(report)


def test_partial_and_empty_reports() -> None:
    md = report_markdown(_report("en", status="active", questions=[], study_next=[], score=None, criteria={},
                                 level_label="", note="", answered=0, hints_used=0, ended_early=False))
    assert "*Partial report: the interview is still in progress.*" in md
    assert "- Overall: **–/10**" not in md and "- Overall: **–**" in md
    assert "No clear weak spot" in md and "##" in md and "Question by question" not in md


def test_markup_in_the_notes_cannot_break_the_document() -> None:
    report = _report("en")
    report.questions[0].question = "What does `<b>` | **x** do?\n# not a heading"
    md = report_markdown(report)
    assert "### Q1. What does \\`\\<b>\\` \\| \\*\\*x\\*\\* do? # not a heading — 6.7/10" in md
    assert "\n# not a heading" not in md
