"""An attempt: one question of a candidate's session whose result is final, as the store keeps it.

A question's result is final once it is closed (answered or skipped, and the interview moved on or
ended). An exam's results become attempts only when the exam has ended: until then its scores are
hidden, and progress must not reveal them.
"""

from __future__ import annotations

from pydantic import BaseModel

from interviewer.session.models import Language, QuestionRecord, SessionState


class Attempt(BaseModel):
    candidate_id: str
    session_id: str
    position: int  # the question's index in its session
    item_id: str
    topic: str
    status: str  # answered | skipped
    score: float
    language: Language
    record: QuestionRecord
    answered_at: float  # epoch seconds of the commit that closed it


def closed_records(state: SessionState) -> list[tuple[int, QuestionRecord]]:
    """(position, record) of the questions whose result is final, in order."""
    if state.plan.mode == "exam" and state.status != "finished":
        return []
    closed = len(state.records) if state.status == "finished" else state.current
    return [(i, r) for i, r in enumerate(state.records[:closed]) if r.final_score is not None]
