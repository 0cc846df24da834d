"""What the interviewer says about an answer: feedback, the review after a question closes, hints,
the closing line. Deterministic templates; none of them quotes a key point before it is earned."""

from __future__ import annotations

from interviewer.grading.models import Grade
from interviewer.session.bilingual import point_text, where_label
from interviewer.session.models import Language, Report
from interviewer.session.phrasing import join, quoted, t
from interviewer.session.report import level_of
from interviewer.session.scoring import merge_grades
from interviewer.session.text import keyword
from knowledge.models import QAItem

HINT_POINTS_PER_STEP = 2  # each hint names the topics of two more key points


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
    places = [where_label(kp.source, kp.section, language) for kp in item.key_points if kp.text in missing]
    if not places and item.citation.source:
        places = [where_label(item.citation.source, item.citation.section, language)]
    parts = [t(language, "review", points=quoted(language, words))]
    if places := [p for p in dict.fromkeys(places) if p]:
        parts.append(t(language, "review_sources", sources=quoted(language, places)))
    return join(language, parts)


def hint(language: Language, item: QAItem, grades: list[Grade], hints_given: int) -> str | None:
    """The next hint: the keywords (never the text) of a few more points still missing; None if no more."""
    targets = merge_grades(item, grades).missing if grades else [kp.text for kp in item.key_points]
    words = list(dict.fromkeys(keyword(point_text(item, p, language)) for p in targets))
    shown = words[: HINT_POINTS_PER_STEP * (hints_given + 1)]
    if not shown or set(shown) <= set(words[: HINT_POINTS_PER_STEP * hints_given]):
        return None
    return t(language, "hint", keywords=quoted(language, shown))


def closing(language: Language, report: Report) -> str:
    if report.score is None:
        return join(language, [t(language, "closing"), t(language, "closing_none")])
    level = level_of(report.score, language)[1]
    return join(
        language, [t(language, "closing"), t(language, "closing_score", score=report.score, level=level)]
    )
