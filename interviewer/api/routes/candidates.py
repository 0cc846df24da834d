"""Candidates: a profile without a password (the token is the key), progress, history and the review queue.

Every `/me` route takes `Authorization: Bearer <candidate token>` (missing or unknown: 401) and shows
only that candidate's data; a candidate's token also opens its own sessions, never another's (403).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Body, Depends, Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from interviewer.api.candidate_auth import required_candidate
from interviewer.api.candidate_schemas import (
    CandidateCreated,
    CandidateOut,
    History,
    HistoryEntry,
    NewCandidate,
    ReviewOut,
    Reviews,
)
from interviewer.api.deps import Services, get_services
from interviewer.candidates.progress import Progress
from interviewer.candidates.reviews import due_cards
from interviewer.candidates.service import MAX_NAME_CHARS, new_candidate, progress_of, review_cards
from interviewer.store import StoredCandidate, StoredSession
from interviewer.validation import clean_text
from knowledge.errors import NotFound

router = APIRouter(prefix="/v1/candidates", tags=["candidates"])
bearer = HTTPBearer(auto_error=False, description="the candidate token returned by POST /v1/candidates")

ServicesDep = Annotated[Services, Depends(get_services)]
NO_STORE = {"Cache-Control": "no-store"}
_ERRORS: dict[int | str, dict[str, Any]] = {401: {"description": "no candidate token, or an unknown one"}}


def me(services: ServicesDep,
       credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]) -> StoredCandidate:
    return required_candidate(services, credentials)


MeDep = Annotated[StoredCandidate, Depends(me)]


@router.post("", status_code=201, response_model=CandidateCreated, summary="Create a candidate profile")
def create_candidate(services: ServicesDep, response: Response,
                     body: Annotated[NewCandidate | None, Body()] = None) -> CandidateCreated:
    name = clean_text(body.name, "name", MAX_NAME_CHARS, allow_blank=True) if body else ""
    candidate, token = new_candidate(services.store, name, services.clock())
    response.headers.update({"Location": "/v1/candidates/me", **NO_STORE})
    return CandidateCreated(id=candidate.id, token=token, name=candidate.name, created_at=candidate.created_at)


@router.get("/me", response_model=CandidateOut, responses=_ERRORS, summary="The candidate's profile")
def get_me(candidate: MeDep, services: ServicesDep, response: Response) -> CandidateOut:
    response.headers.update(NO_STORE)
    now = services.clock()
    return CandidateOut(id=candidate.id, name=candidate.name, created_at=candidate.created_at,
                        sessions=len(services.store.candidate_sessions(candidate.id)),
                        due=len(due_cards(review_cards(services.store, candidate.id), now)))


@router.get("/me/progress", response_model=Progress, responses=_ERRORS,
            summary="Progress per topic and per bank item from every final answer")
def get_progress(candidate: MeDep, services: ServicesDep, response: Response) -> Progress:
    response.headers.update(NO_STORE)
    return progress_of(services.store, services.bank, candidate.id, services.clock())


def _history_entry(services: Services, stored: StoredSession) -> HistoryEntry:
    state = stored.state
    hidden = state.status == "active" and state.plan.mode == "exam"
    interview = services.report_reader(state)
    score = None if hidden else interview.report(state).score
    return HistoryEntry(id=state.id, state=interview.summary(state), review=state.plan.review, score=score,
                        created_at=stored.created_at, updated_at=stored.updated_at,
                        report=f"/v1/sessions/{state.id}/report")


@router.get("/me/sessions", response_model=History, responses=_ERRORS, summary="The candidate's sessions")
def get_sessions(candidate: MeDep, services: ServicesDep, response: Response) -> History:
    response.headers.update(NO_STORE)
    return History(sessions=[_history_entry(services, s) for s in services.store.candidate_sessions(candidate.id)])


def _question(services: Services, item_id: str, fallback: str, language: str = "zh") -> str:
    try:
        return services.bank.get(item_id).question_in(language)
    except NotFound:
        return fallback


@router.get("/me/reviews", response_model=Reviews, responses=_ERRORS,
            summary="The review queue: the questions due again (FSRS, rated from each answer's score)")
def get_reviews(candidate: MeDep, services: ServicesDep, response: Response,
                language: Literal["zh", "en"] = "zh") -> Reviews:
    """`language`: the questions' wording (an item's reviewed English version with `en`)."""
    response.headers.update(NO_STORE)
    now = services.clock()
    cards = review_cards(services.store, candidate.id)
    due = due_cards(cards, now)
    later = [c.due for c in cards.values() if not c.is_due(now)]
    return Reviews(
        now=now,
        due=[ReviewOut(question=_question(services, c.item_id, c.item_id, language), due_at=c.due,
                       **{k: v for k, v in vars(c).items() if k != "due"}) for c in due],
        scheduled=len(later),
        next_due_at=min(later) if later else None,
    )
