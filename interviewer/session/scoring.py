"""How the grades of one question (main answer + follow-up answers) combine into one result.

The question's score is the best grade (a follow-up is a second chance, never a penalty), and its
covered key points are the union over all its answers; rubric and references come from the best
grade so the per-criterion scores belong to one coherent judgement.
"""

from __future__ import annotations

from interviewer.grading.models import CRITERIA, Grade, GradeReference, PointResult, RubricScore
from interviewer.session.text import norm
from knowledge.models import QAItem


def covered_texts(grades: list[Grade]) -> list[str]:
    """Every key point text any of the grades marked as covered, first mention first."""
    seen: dict[str, str] = {}
    for grade in grades:
        for text in [*grade.covered, *(p.text for p in grade.points if p.covered)]:
            seen.setdefault(norm(text), text)
    return list(seen.values())


def partly_covered(grades: list[Grade], missing: list[str]) -> list[str]:
    """The missing points some answer touched on without covering them."""
    touched = {norm(p.text) for grade in grades for p in grade.points if p.partly}
    return [text for text in missing if norm(text) in touched]


def best_grade(grades: list[Grade]) -> Grade:
    return max(grades, key=lambda g: g.score)  # first of equals: the earlier answer


def merge_grades(item: QAItem, grades: list[Grade]) -> Grade:
    """One grade for the question so far; flags are the latest answer's (they drive the policy)."""
    best = best_grade(grades)
    covered = covered_texts(grades)
    covered_keys = {norm(t) for t in covered}
    if item.key_points:
        missing = [kp.text for kp in item.key_points if norm(kp.text) not in covered_keys]
    else:
        missing = [t for t in grades[-1].missing if norm(t) not in covered_keys]
    return best.model_copy(
        update={
            "covered": covered,
            "missing": missing,
            "flags": list(grades[-1].flags),
        }
    )


def zero_grade(item: QAItem, reason: str, flags: list[str] | None = None) -> Grade:
    """The grade of a skipped question or an "I don't know": 0 on every criterion, nothing covered."""
    return Grade(
        score=0.0,
        rubric=[RubricScore(criterion=c, score=0.0, comment=reason) for c in CRITERIA],
        covered=[],
        missing=[kp.text for kp in item.key_points],
        references=[GradeReference(source=r.source, section=r.section, text=r.text) for r in item.references],
        flags=flags if flags is not None else ["non_answer"],
        grader="offline",
        points=[
            PointResult(text=kp.text, source=kp.source, section=kp.section, covered=False)
            for kp in item.key_points
        ],
        summary=reason,
        item_id=item.id,
    )
