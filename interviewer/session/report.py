"""The end-of-interview report: per question and per criterion, covered/missed points with their
sources, and what to study next; plus a plain-text rendering for the terminal."""

from __future__ import annotations

from collections import Counter

from interviewer.grading.models import CRITERIA, Grade
from interviewer.session.bilingual import point_text, shown_section, where_label
from interviewer.session.models import (
    Language,
    PointReport,
    QuestionRecord,
    QuestionReport,
    Report,
    SessionState,
    StudySection,
    StudyTopic,
)
from interviewer.session.scoring import best_grade, covered_texts, partly_covered
from interviewer.session.text import norm
from knowledge.bank import QuestionBank
from knowledge.errors import NotFound
from knowledge.models import QAItem

# (lowest mean score, level, Chinese label, English label)
LEVELS = (
    (8.0, "strong", "优秀", "strong"),
    (6.5, "solid", "良好", "solid"),
    (4.5, "developing", "待提高", "developing"),
    (0.0, "needs_work", "需加强", "needs work"),
)
WEAK_SCORE = 6.0  # a weak answer with no missed point listed still sends you to its section
STUDY_TOPICS = 3
STUDY_SECTIONS = 5
GENERAL_TOPIC = "general"

CRITERION_LABELS = {
    "zh": {"accuracy": "准确性", "completeness": "完整性", "depth": "深度", "clarity": "清晰度"},
    "en": {"accuracy": "accuracy", "completeness": "completeness", "depth": "depth", "clarity": "clarity"},
}


def level_of(score: float, language: Language) -> tuple[str, str]:
    for floor, code, zh, en in LEVELS:
        if score >= floor:
            return code, zh if language == "zh" else en
    return "needs_work", "需加强" if language == "zh" else "needs work"  # negative scores cannot happen


def _item(bank: QuestionBank, item_id: str) -> QAItem | None:
    try:
        return bank.get(item_id)
    except NotFound:  # the bank was re-ingested since: fall back to what the grades carry
        return None


def _points(item: QAItem | None, grades: list[Grade]) -> list[PointReport]:
    """The question's key points with their sources, from the item or else from the grades."""
    if item and item.key_points:
        return [
            PointReport(text=kp.text, source=kp.source, section=kp.section, title=kp.title) for kp in item.key_points
        ]
    fallback = item.citation if item else None
    titles = _titles(item)
    seen: dict[str, PointReport] = {}
    for grade in grades:
        for p in grade.points:
            seen.setdefault(
                norm(p.text),
                PointReport(text=p.text, source=p.source, section=p.section, title=titles.get(p.source, "")),
            )
        for text in [*grade.covered, *grade.missing]:
            seen.setdefault(
                norm(text),
                PointReport(
                    text=text,
                    source=fallback.source if fallback else "",
                    section=fallback.section if fallback else "",
                    title=fallback.title if fallback else "",
                ),
            )
    return list(seen.values())


def _titles(item: QAItem | None) -> dict[str, str]:
    """The titles of the notes an item cites, by file."""
    return {r.source: r.title for r in item.references if r.title} if item else {}


CONDUCT_FLAGS = ("injection_attempt",)  # said of the candidate on any turn, not of one answer's quality


def final_flags(grades: list[Grade]) -> list[str]:
    """The flags of the question as finally answered: those of the grade its score comes from (a question
    answered at length is not "non_answer" because a follow-up was skipped), plus an injection attempt on
    any turn, which the report should not forget."""
    if not grades:
        return []
    flags = list(best_grade(grades).flags)
    flags += [f for f in CONDUCT_FLAGS if f not in flags and any(f in g.flags for g in grades)]
    return flags


def question_report(record: QuestionRecord, item: QAItem | None, language: Language = "zh") -> QuestionReport:
    report = QuestionReport(
        item_id=record.item_id,
        question=item.question_in(language) if item else record.question,
        topic=record.topic,
        status=record.status,
        follow_ups=list(record.follow_ups_asked),
        flags=final_flags(record.grades),
        hints_used=len(record.hints),
        graders=sorted({g.grader for g in record.grades}),
    )
    if not record.grades:
        return report  # asked but never answered: not assessed
    best = best_grade(record.grades)
    covered_keys = {norm(text) for text in covered_texts(record.grades)}
    points = _points(item, record.grades)
    report.score = max(g.score for g in record.grades)
    report.rubric = {r.criterion: r.score for r in best.rubric}
    report.covered = [p for p in points if norm(p.text) in covered_keys]
    missed = [p for p in points if norm(p.text) not in covered_keys]
    touched = {norm(text) for text in partly_covered(record.grades, [p.text for p in missed])}
    report.missed = [p.model_copy(update={"partly": norm(p.text) in touched}) for p in missed]
    if language != "zh":  # matched in the bank's language above, shown in the interview's
        for p in [*report.covered, *report.missed]:
            p.text = point_text(item, p.text, language)
            p.section = shown_section(p.section, language)
    return report


def _mean(values: list[float]) -> float | None:
    return round(sum(values) / len(values), 2) if values else None


def study_next(questions: list[QuestionReport], items: dict[str, QAItem | None]) -> list[StudyTopic]:
    """Weakest topics first (most missed points, then lowest mean), each with the sections to read."""
    missed: Counter[str] = Counter()
    sections: dict[str, Counter[tuple[str, str]]] = {}
    scores: dict[str, list[float]] = {}
    titles: dict[str, str] = {}
    for q in questions:
        if q.score is None:
            continue
        topic = q.topic or GENERAL_TOPIC
        scores.setdefault(topic, []).append(q.score)
        counter = sections.setdefault(topic, Counter())
        for p in q.missed:
            missed[topic] += 1
            if p.source:
                counter[(p.source, p.section)] += 1
                titles.setdefault(p.source, p.title)
        item = items.get(q.item_id)
        if not q.missed and q.score < WEAK_SCORE and item and item.citation.source:
            missed[topic] += 1
            counter[(item.citation.source, item.citation.section)] += 1
            titles.setdefault(item.citation.source, item.citation.title)
    ranked = sorted(missed, key=lambda tp: (-missed[tp], _mean(scores[tp]) or 0.0, tp))
    seen: set[tuple[str, str]] = set()
    result: list[StudyTopic] = []
    for topic in ranked[:STUDY_TOPICS]:
        top = sorted(sections[topic].items(), key=lambda kv: (-kv[1], kv[0]))
        fresh = [(key, n) for key, n in top if key not in seen][:STUDY_SECTIONS]
        seen.update(key for key, _ in fresh)
        result.append(
            StudyTopic(
                topic=topic,
                missed=missed[topic],
                mean_score=_mean(scores[topic]),
                sections=[
                    StudySection(source=s, section=sec, title=titles.get(s, ""), missed=n) for (s, sec), n in fresh
                ],
            )
        )
    return result


def build_report(state: SessionState, bank: QuestionBank) -> Report:
    language = state.plan.language
    items = {rec.item_id: _item(bank, rec.item_id) for rec in state.records}
    questions = [question_report(rec, items[rec.item_id], language) for rec in state.records]
    scored = [q for q in questions if q.score is not None]
    criteria_seen = list(CRITERIA) + sorted({c for q in scored for c in q.rubric} - set(CRITERIA))
    criteria = {
        c: mean
        for c in criteria_seen
        if (mean := _mean([q.rubric[c] for q in scored if c in q.rubric])) is not None
    }
    score = _mean([q.score for q in scored if q.score is not None])
    level, label = level_of(score, language) if score is not None else ("", "")
    note = ""
    if any(g in ("offline", "offline-fallback") for g in state.graders):
        note = (
            "离线评分衡量的是对参考要点的覆盖程度，是估计值，不是对正确性的完整判断。"
            if language == "zh"
            else "Offline grades estimate coverage of the reference key points, not full correctness."
        )
    return Report(
        session_id=state.id,
        language=language,
        mode=state.plan.mode,
        status=state.status,
        planned=len(state.question_ids),
        answered=len(scored),
        ended_early=state.ended_early,
        score=score,
        criteria=criteria,
        level=level,
        level_label=label,
        hints_used=sum(q.hints_used for q in questions),
        questions=questions,
        study_next=[
            topic.model_copy(update={"sections": [
                s.model_copy(update={"section": shown_section(s.section, language)}) for s in topic.sections
            ]})
            for topic in study_next(questions, items)
        ],
        graders=list(state.graders),
        prompt_versions=list(state.prompt_versions),
        note=note,
    )


_TEXT = {
    "zh": {
        "title": "==== 面试报告 ====",
        "overall": "总分：{score}（{level}） · 作答 {answered}/{planned} 题 · 使用提示 {hints} 次",
        "criteria": "各维度：",
        "covered": "覆盖：",
        "missed": "遗漏：",
        "follow_ups": "追问：",
        "flags": "标记：",
        "hints": "提示：{n} 次",
        "not_answered": "未作答",
        "skipped": "（跳过）",
        "study": "建议复习：",
        "topic": "主题「{topic}」（遗漏 {missed} 个要点）",
        "sep": "；",
        "ended_early": "（面试提前结束）",
    },
    "en": {
        "title": "==== Interview report ====",
        "overall": "Overall: {score} ({level}) · answered {answered}/{planned} · hints used {hints}",
        "criteria": "By criterion: ",
        "covered": "Covered: ",
        "missed": "Missed: ",
        "follow_ups": "Follow-ups: ",
        "flags": "Flags: ",
        "hints": "Hints: {n}",
        "not_answered": "not answered",
        "skipped": " (skipped)",
        "study": "Study next:",
        "topic": "Topic “{topic}” ({missed} missed point(s))",
        "sep": "; ",
        "ended_early": " (ended early)",
    },
}


def _point(p: PointReport, lang: Language) -> str:
    where = where_label(p.source, p.section, lang, p.title)
    mark = ("[部分涉及] " if lang == "zh" else "[partly] ") if p.partly else ""
    if not where:
        return mark + p.text
    return f"{mark}{p.text}（{where}）" if lang == "zh" else f"{mark}{p.text} ({where})"


def render_report_text(report: Report, language: Language | None = None) -> str:
    lang: Language = language or report.language
    tx = _TEXT[lang]
    labels = CRITERION_LABELS[lang]
    score = f"{report.score:.1f}/10" if report.score is not None else "-"
    lines = [tx["title"] + (tx["ended_early"] if report.ended_early else "")]
    lines.append(
        tx["overall"].format(
            score=score,
            level=report.level_label or "-",
            answered=report.answered,
            planned=report.planned,
            hints=report.hints_used,
        )
    )
    if report.criteria:
        lines.append(
            tx["criteria"] + " · ".join(f"{labels.get(c, c)} {v:.1f}" for c, v in report.criteria.items())
        )
    for i, q in enumerate(report.questions, 1):
        q_score = f"{q.score:.1f}/10" if q.score is not None else tx["not_answered"]
        if q.status == "skipped":
            q_score += tx["skipped"]
        topic = f"[{q.topic}] " if q.topic else ""
        lines.append(f"{i}. {topic}{q.question} — {q_score}")
        if q.rubric:
            lines.append("   " + " · ".join(f"{labels.get(c, c)} {v:.1f}" for c, v in q.rubric.items()))
        if q.covered:
            lines.append("   " + tx["covered"] + tx["sep"].join(p.text for p in q.covered))
        if q.missed:
            lines.append("   " + tx["missed"] + tx["sep"].join(_point(p, lang) for p in q.missed))
        if q.follow_ups:
            lines.append("   " + tx["follow_ups"] + tx["sep"].join(q.follow_ups))
        if q.flags:
            lines.append("   " + tx["flags"] + ", ".join(q.flags))
        if q.hints_used:
            lines.append("   " + tx["hints"].format(n=q.hints_used))
    if report.study_next:
        lines.append(tx["study"])
        for study in report.study_next:
            where = tx["sep"].join(where_label(s.source, s.section, lang, s.title) for s in study.sections)
            colon = "：" if lang == "zh" else ": "
            lines.append(
                " - "
                + tx["topic"].format(topic=study.topic, missed=study.missed)
                + (colon + where if where else "")
            )
    if report.note:
        lines.append(report.note)
    return "\n".join(lines)
