"""The grade object of DESIGN.md, shared by every grader."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from knowledge.models import KeyPoint, QAItem, Reference

# The rubric, mirrored by prompts/grade_v1.md and the offline grader.
CRITERIA = ("accuracy", "completeness", "depth", "clarity")

Flag = Literal["injection_attempt", "non_answer", "off_topic", "empty", "encoding_loss", "truncated"]
GraderKind = Literal["llm", "offline", "offline-fallback"]


class RubricScore(BaseModel):
    criterion: str
    score: float = Field(ge=0, le=10)
    comment: str = ""


class GradeReference(BaseModel):
    source: str
    section: str = ""
    text: str


class PointResult(BaseModel):
    """One key point of the reference and whether the answer covered it, with its citation."""

    text: str
    source: str = ""
    section: str = ""
    covered: bool
    partly: bool = False  # not covered, but touched on (the offline grader's weaker evidence level)
    evidence: str = ""  # the answer sentence that covered it, if any
    score: float = 0.0  # graded strength of the evidence, 0-1


class Grade(BaseModel):
    score: float = Field(ge=0, le=10)
    rubric: list[RubricScore]
    covered: list[str] = Field(default_factory=list)
    missing: list[str] = Field(default_factory=list)
    references: list[GradeReference] = Field(default_factory=list)
    flags: list[str] = Field(default_factory=list)
    grader: GraderKind = "offline"
    prompt_version: str = ""
    points: list[PointResult] = Field(default_factory=list)
    summary: str = ""  # one or two sentences of feedback for the candidate
    note: str = ""  # e.g. the offline grader's statement of what it can and cannot judge
    item_id: str | None = None
    # The grader's own judgement that the answer is complete enough to move on (the offline grader: its
    # calibrated score reaches the threshold learned on labelled answers); None leaves it to the server's
    # score rule (session/policy.py).
    complete: bool | None = None


class GradeRequest(BaseModel):
    """What every grader needs: the question, the answer, and the reference split into key points."""

    question: str
    answer: str
    key_points: list[KeyPoint]
    references: list[Reference] = Field(default_factory=list)
    item_id: str | None = None
    language: Literal["zh", "en"] = "zh"
    # The key points' reviewed English texts, aligned with `key_points` ([] when the item has none): an
    # answer in English is matched against both, point by point.
    key_points_en: list[str] = Field(default_factory=list)


def request_for_item(item: QAItem, answer: str, language: str, question: str | None = None) -> GradeRequest:
    """The request to grade an answer to a bank item: its key points (with their English texts, when the
    item has a reviewed translation) and references."""
    return GradeRequest(
        question=question or item.question,
        answer=answer,
        key_points=item.key_points,
        references=item.references,
        item_id=item.id,
        language=language,  # type: ignore[arg-type]
        key_points_en=item.key_point_texts("en") if item.en else [],
    )
