"""The end-of-interview report as a Markdown document: what the page's "Download Markdown" button, the
`GET /v1/sessions/{id}/report.md` route and `interviewer chat --report-md PATH` hand out.

A pure function of the `Report` (already in the session's language: questions, key points, level label
and the grading note) plus the fixed texts below. Citations read as the note's title, never its file
name when it has one, and an English document has no Chinese heading or title (`where_label`).
"""

from __future__ import annotations

import re

from interviewer.session.bilingual import where_label
from interviewer.session.models import Language, PointReport, QuestionReport, Report, StudyTopic
from interviewer.session.report import CRITERION_LABELS

_TEXT: dict[str, dict[str, str]] = {
    "zh": {
        "title": "面试报告",
        "partial": "部分报告：面试仍在进行中。",
        "date": "日期",
        "mode": "模式",
        "mode_practice": "练习",
        "mode_exam": "考试",
        "overall": "总分",
        "answered": "作答 {answered}/{planned} 题",
        "hints": "使用提示 {n} 次",
        "ended_early": "面试提前结束",
        "criteria": "各维度得分",
        "criterion": "维度",
        "score": "得分",
        "questions": "逐题回顾",
        "topic": "主题",
        "status": "状态",
        "rubric": "评分维度",
        "covered": "已覆盖的要点",
        "missed": "遗漏的要点",
        "none": "无",
        "partly": "（部分涉及）",
        "read": "参阅：",
        "follow_ups": "追问",
        "flags": "标记",
        "hints_q": "提示",
        "study": "接下来复习",
        "no_study": "没有明显的薄弱点，继续保持！",
        "study_topic": "遗漏 {missed} 个要点",
        "mean": "平均 {score} 分",
        "study_missed": "{n} 个遗漏要点",
        "session": "面试编号",
        "graders": "评分方式",
        "not_answered": "未作答",
        "status_answered": "已作答",
        "status_skipped": "已跳过",
        "status_unanswered": "未作答",
        "status_asked": "进行中",
        "flag_injection_attempt": "检测到指令注入尝试（已忽略）",
        "flag_non_answer": "未作答",
        "flag_off_topic": "答非所问",
        "flag_empty": "空回答",
        "flag_encoding_loss": "参考资料有乱码",
        "flag_truncated": "回答过长已截断",
        "sep": "，",
        "colon": "：",
        "paren": "（{}）",
    },
    "en": {
        "title": "Interview report",
        "partial": "Partial report: the interview is still in progress.",
        "date": "Date",
        "mode": "Mode",
        "mode_practice": "practice",
        "mode_exam": "exam",
        "overall": "Overall",
        "answered": "answered {answered}/{planned}",
        "hints": "hints used {n}",
        "ended_early": "ended early",
        "criteria": "By criterion",
        "criterion": "Criterion",
        "score": "Score",
        "questions": "Question by question",
        "topic": "Topic",
        "status": "Status",
        "rubric": "Rubric",
        "covered": "Points covered",
        "missed": "Points missed",
        "none": "none",
        "partly": " (partly)",
        "read": "read: ",
        "follow_ups": "Follow-ups",
        "flags": "Flags",
        "hints_q": "Hints",
        "study": "Study next",
        "no_study": "No clear weak spot. Keep it up!",
        "study_topic": "{missed} missed point(s)",
        "mean": "mean {score}",
        "study_missed": "{n} missed point(s)",
        "session": "Session",
        "graders": "Graded by",
        "not_answered": "not answered",
        "status_answered": "answered",
        "status_skipped": "skipped",
        "status_unanswered": "not answered",
        "status_asked": "open",
        "flag_injection_attempt": "instruction injection attempt (ignored)",
        "flag_non_answer": "no answer",
        "flag_off_topic": "off topic",
        "flag_empty": "empty answer",
        "flag_encoding_loss": "reference has lost characters",
        "flag_truncated": "answer truncated",
        "sep": ", ",
        "colon": ": ",
        "paren": " ({})",
    },
}

_SPECIAL = re.compile(r"([\\`*_\[\]<|])")
_SPACE = re.compile(r"\s+")


def md_text(text: str) -> str:
    """Text from the bank or the notes, safe inside a Markdown line: one line, markup characters escaped
    (a key point with `*`, `<tag>` or `|` shows as written, and cannot break a list or the table)."""
    return _SPECIAL.sub(r"\\\1", _SPACE.sub(" ", text).strip())


def _score(value: float | None) -> str:
    return f"{value:.1f}/10" if value is not None else "–"


def _point_line(p: PointReport, lang: Language, tx: dict[str, str]) -> str:
    line = "- " + md_text(p.text) + (tx["partly"] if p.partly else "")
    where = where_label(p.source, p.section, lang, p.title)
    if where:
        line += (" — " if lang == "en" else " —— ") + tx["read"] + md_text(where)
    return line


def _question(i: int, q: QuestionReport, lang: Language, tx: dict[str, str]) -> list[str]:
    labels = CRITERION_LABELS[lang]
    score = _score(q.score) if q.score is not None else tx["not_answered"]
    lines = [f"### Q{i}. {md_text(q.question)} — {score}", ""]
    facts = []
    if q.topic:
        facts.append(f"- {tx['topic']}{tx['colon']}{md_text(q.topic)}")
    facts.append(f"- {tx['status']}{tx['colon']}{tx.get('status_' + q.status, q.status)}")
    if q.rubric:
        facts.append(f"- {tx['rubric']}{tx['colon']}" + " · ".join(f"{labels.get(c, c)} {v:.1f}" for c, v in q.rubric.items()))
    if q.hints_used:
        facts.append(f"- {tx['hints_q']}{tx['colon']}{q.hints_used}")
    if q.flags:
        facts.append(f"- {tx['flags']}{tx['colon']}" + tx["sep"].join(tx.get("flag_" + f, f) for f in q.flags))
    lines += [*facts, ""]
    if q.score is None:
        return lines  # never answered: nothing covered or missed to report
    lines += [f"**{tx['covered']}**", ""]
    lines += [_point_line(p, lang, tx) for p in q.covered] or [f"- {tx['none']}"]
    lines += ["", f"**{tx['missed']}**", ""]
    lines += [_point_line(p, lang, tx) for p in q.missed] or [f"- {tx['none']}"]
    lines.append("")
    if q.follow_ups:
        lines += [f"**{tx['follow_ups']}**", "", *(f"- {md_text(f)}" for f in q.follow_ups), ""]
    return lines


def _study(topics: list[StudyTopic], lang: Language, tx: dict[str, str]) -> list[str]:
    lines = [f"## {tx['study']}", ""]
    if not topics:
        return [*lines, tx["no_study"], ""]
    for n, topic in enumerate(topics, 1):
        detail = tx["study_topic"].format(missed=topic.missed)
        if topic.mean_score is not None:
            detail += tx["sep"] + tx["mean"].format(score=f"{topic.mean_score:.1f}")
        lines.append(f"{n}. **{md_text(topic.topic)}** — {detail}")
        for s in topic.sections:
            where = md_text(where_label(s.source, s.section, lang, s.title))
            extra = tx["paren"].format(tx["study_missed"].format(n=s.missed)) if s.missed else ""
            lines.append(f"   - {where}{extra}")
    return [*lines, ""]


def report_markdown(report: Report, language: Language | None = None, date: str = "") -> str:
    """The report as a Markdown document in `language` (default: the report's, i.e. the session's).

    `date`: shown under the title when given (YYYY-MM-DD; the route passes the session's start)."""
    lang: Language = language or report.language
    tx = _TEXT[lang]
    labels = CRITERION_LABELS[lang]
    lines = [f"# {tx['title']}", ""]
    if report.status == "active":
        lines += [f"*{tx['partial']}*", ""]
    if date:
        lines.append(f"- {tx['date']}{tx['colon']}{md_text(date)}")
    lines.append(f"- {tx['mode']}{tx['colon']}{tx['mode_' + report.mode]}")
    level = tx["paren"].format(md_text(report.level_label)) if report.level_label else ""
    lines.append(f"- {tx['overall']}{tx['colon']}**{_score(report.score)}**{level}")
    meta = [tx["answered"].format(answered=report.answered, planned=report.planned)]
    if report.hints_used:
        meta.append(tx["hints"].format(n=report.hints_used))
    if report.ended_early:
        meta.append(tx["ended_early"])
    lines += ["- " + " · ".join(meta), ""]
    if report.note:
        lines += [f"> {md_text(report.note)}", ""]
    if report.criteria:
        lines += [f"## {tx['criteria']}", "", f"| {tx['criterion']} | {tx['score']} |", "| --- | ---: |"]
        lines += [f"| {md_text(labels.get(c, c))} | {v:.1f} |" for c, v in report.criteria.items()]
        lines.append("")
    if report.questions:
        lines += [f"## {tx['questions']}", ""]
        for i, q in enumerate(report.questions, 1):
            lines += _question(i, q, lang, tx)
    lines += _study(report.study_next, lang, tx)
    footer = [f"{tx['session']}{tx['colon']}{md_text(report.session_id)}"]
    if report.graders:
        footer.append(f"{tx['graders']}{tx['colon']}" + ", ".join(md_text(g) for g in report.graders))
    lines += ["---", "", " · ".join(footer)]
    return "\n".join(lines) + "\n"
