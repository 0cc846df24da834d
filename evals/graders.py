"""Graders for simulated interviews: a cache over the real grader, and a fast lexical stand-in."""

from __future__ import annotations

from interviewer.grading.base import Grader
from interviewer.grading.guards import find_injection, is_non_answer, strip_injection
from interviewer.grading.models import CRITERIA, Grade, GradeReference, GradeRequest, PointResult, RubricScore
from interviewer.session.text import overlap


class CachedGrader:
    """Grades each (item, answer, language) once; hands out copies so no caller can alter the cache."""

    def __init__(self, grader: Grader) -> None:
        self.grader = grader
        self.cache: dict[tuple[str, str, str, str], Grade] = {}
        self.hits = 0

    def grade(self, request: GradeRequest) -> Grade:
        key = (request.item_id or "", request.question, request.answer, request.language)
        if key in self.cache:
            self.hits += 1
        else:
            self.cache[key] = self.grader.grade(request)
        return self.cache[key].model_copy(deep=True)


class LexicalFakeGrader:
    """A fast deterministic stand-in: a key point is covered when the answer shares enough of its tokens."""

    COVER = 0.35

    def grade(self, request: GradeRequest) -> Grade:
        answer = strip_injection(request.answer)
        flags = ["injection_attempt"] if find_injection(request.answer) else []
        points = request.key_points
        if is_non_answer(answer):
            flags.append("non_answer")
            covered: list[bool] = [False] * len(points)
        else:
            covered = [overlap(answer, p.text) >= self.COVER for p in points]
            if points and not any(covered):
                flags.append("off_topic")
        score = round(10 * sum(covered) / len(points), 1) if points else 0.0
        return Grade(
            score=score,
            rubric=[RubricScore(criterion=c, score=score) for c in CRITERIA],
            covered=[p.text for p, c in zip(points, covered, strict=True) if c],
            missing=[p.text for p, c in zip(points, covered, strict=True) if not c],
            references=[GradeReference(source=r.source, section=r.section, text=r.text) for r in request.references],
            flags=flags,
            grader="offline",
            points=[PointResult(text=p.text, source=p.source, section=p.section, covered=c)
                    for p, c in zip(points, covered, strict=True)],
            item_id=request.item_id,
        )
