"""What the interviewer says about an answer: feedback, the review after a question closes, hints,
the closing line (hints: `followups.py`). Deterministic templates; none of them quotes a key point before it is earned."""

from __future__ import annotations

from interviewer.grading.models import Grade
from interviewer.session.bilingual import point_text, where_label
from interviewer.session.models import Language, Report
from interviewer.session.phrasing import join, quoted, t
from interviewer.session.report import level_of
from interviewer.session.text import keyword
from knowledge.models import QAItem


def feedback(
    language: Language, grade: Grade, covered: int, total: int, partly: int = 0, best: float | None = None
) -> str:
    """Score (and the question's best so far, when an earlier answer did better), coverage so far and what
    the flags mean; never the missing points.

    Not the grader's summary: it names a missing point, which a follow-up may be about to ask.
    """
    if best is not None and best > grade.score:
        parts = [t(language, "score_best", score=grade.score, best=best)]
    else:
        parts = [t(language, "score", score=grade.score)]
    if total:
        parts.append(t(language, "coverage", covered=covered, total=total))
        if partly:
            parts.append(t(language, "coverage_partly", partly=partly))
    if "off_topic" in grade.flags:
        parts.append(t(language, "flag_off_topic"))
    if "injection_attempt" in grade.flags:
        parts.append(t(language, "flag_injection"))
    return join(language, parts)


def review(language: Language, item: QAItem, grade: Grade) -> str:
    """After a question is closed (practice): the topics of the missed points and where to read."""
    if not grade.missing:
        return ""
    words = list(dict.fromkeys(keyword(point_text(item, p, language)) for p in grade.missing))
    missing = set(grade.missing)
    places = [where_label(kp.source, kp.section, language, kp.title) for kp in item.key_points if kp.text in missing]
    if not places and item.citation.source:
        places = [where_label(item.citation.source, item.citation.section, language, item.citation.title)]
    parts = [t(language, "review", points=quoted(language, words))]
    if places := [p for p in dict.fromkeys(places) if p]:
        parts.append(t(language, "review_sources", sources=quoted(language, places)))
    return join(language, parts)


def closing(language: Language, report: Report) -> str:
    if report.score is None:
        return join(language, [t(language, "closing"), t(language, "closing_none")])
    level = level_of(report.score, language)[1]
    return join(
        language, [t(language, "closing"), t(language, "closing_score", score=report.score, level=level)]
    )
