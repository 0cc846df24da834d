"""The key points a grade is measured against: which ones a request has, their English texts, and the
single references they group into (a bank item's files, or a teacher's blank-line-separated alternatives).
"""

from __future__ import annotations

import numpy as np

from interviewer.grading import lexical
from interviewer.grading.features import f1
from interviewer.grading.models import GradeRequest
from knowledge.claims import split_claims
from knowledge.models import KeyPoint


def references(points: list[KeyPoint]) -> list[list[int]]:
    """The points grouped into the references they came from (by source and section), in order."""
    groups: dict[tuple[str, str], list[int]] = {}
    for n, p in enumerate(points):
        groups.setdefault((p.source, p.section), []).append(n)
    return list(groups.values())


def best_surface_overlap(points: list[KeyPoint], answer: str) -> tuple[float, float]:
    """(recall, precision) of lexical.surface_overlap against the reference it matches best (by F1)."""
    best, best_f1 = (0.0, 0.0), -1.0
    for members in references(points):
        recall, precision = lexical.surface_overlap(answer, "\n".join(points[n].text for n in members))
        score = f1(recall, precision)
        if score > best_f1:
            best, best_f1 = (recall, precision), score
    return best


def best_reference_coverage(points: list[KeyPoint], strengths: np.ndarray, weights: np.ndarray) -> float:
    """The weighted coverage of the best-covered reference (points grouped by source and section)."""
    best = 0.0
    for members in references(points):
        w = weights[members]
        s = strengths[members]
        best = max(best, float(np.average(s, weights=w)) if w.sum() > 0 else float(s.mean()))
    return best


def english_texts(request: GradeRequest, points: list[KeyPoint]) -> list[str] | None:
    """The request's English point texts aligned with `points` (the non-empty key points), if it has them."""
    if not request.key_points or len(request.key_points_en) != len(request.key_points):
        return None
    by_point = [en for p, en in zip(request.key_points, request.key_points_en, strict=True) if p.text.strip()]
    return by_point if len(by_point) == len(points) else None


def key_points(request: GradeRequest) -> list[KeyPoint]:
    """The request's key points, or claims split from its references when it has none."""
    if request.key_points:
        return [p for p in request.key_points if p.text.strip()]
    return [
        KeyPoint(source=r.source, section=r.section, line_start=r.line_start, line_end=r.line_end, text=claim)
        for r in request.references
        for claim in split_claims(r.text)
    ]
