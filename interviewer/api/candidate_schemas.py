"""Request and response bodies of the candidate routes (progress itself is `interviewer.candidates.progress`)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from interviewer.candidates.service import MAX_NAME_CHARS
from interviewer.session.models import SessionSummary


class NewCandidate(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"name": "小王"}]})

    name: str = Field(default="", max_length=MAX_NAME_CHARS, description="a display name (optional)")


class CandidateCreated(BaseModel):
    id: str
    token: str = Field(description="send as `Authorization: Bearer <token>`; shown only once")
    name: str
    created_at: float


class CandidateOut(BaseModel):
    id: str
    name: str
    created_at: float
    sessions: int
    due: int = Field(description="review cards due now")


class HistoryEntry(BaseModel):
    id: str
    state: SessionSummary
    review: bool = Field(description="planned from the review queue")
    score: float | None = Field(description="the report's mean score; null for a running exam or nothing answered")
    created_at: float
    updated_at: float
    report: str = Field(description="the report's URL (the candidate token is accepted there)")


class History(BaseModel):
    sessions: list[HistoryEntry] = Field(description="oldest first")


class ReviewOut(BaseModel):
    item_id: str
    question: str
    topic: str
    due_at: float = Field(description="epoch seconds")
    state: str = Field(description="FSRS card state: learning | review | relearning")
    stability: float | None = Field(description="days")
    difficulty: float | None
    reviews: int
    last_score: float
    last_rating: str = Field(description="again | hard | good | easy, from the last score")
    last_answered_at: float


class Reviews(BaseModel):
    now: float
    due: list[ReviewOut] = Field(description="most overdue first")
    scheduled: int = Field(description="cards not due yet")
    next_due_at: float | None = Field(description="when the next card not due yet comes due")
