"""What the API and the CLI do with candidates, on top of a store and the bank."""

from __future__ import annotations

import secrets
import uuid

from interviewer.candidates.planning import review_question_ids
from interviewer.candidates.progress import Progress, build_progress, weak_topics
from interviewer.candidates.reviews import ReviewCard, due_cards, replay_cards
from interviewer.session.models import SessionPlan
from interviewer.store.base import SessionStore, StoredCandidate, hash_token
from knowledge.bank import QuestionBank

MAX_NAME_CHARS = 80


def new_candidate(store: SessionStore, name: str, now: float) -> tuple[StoredCandidate, str]:
    """Create a candidate; returns it and its token (only the token's SHA-256 is stored)."""
    token = secrets.token_urlsafe(32)
    candidate = StoredCandidate(uuid.uuid4().hex, hash_token(token), name, now)
    store.create_candidate(candidate)
    return candidate, token


def find_candidate(store: SessionStore, token: str) -> StoredCandidate | None:
    return store.candidate_by_token(hash_token(token))


def review_cards(store: SessionStore, candidate_id: str) -> dict[str, ReviewCard]:
    return replay_cards(store.attempts(candidate_id))


def progress_of(store: SessionStore, bank: QuestionBank, candidate_id: str, now: float) -> Progress:
    attempts = store.attempts(candidate_id)
    return build_progress(candidate_id, bank, attempts, replay_cards(attempts), now)


def review_plan(store: SessionStore, bank: QuestionBank, candidate_id: str, plan: SessionPlan,
                seed: str, now: float) -> list[str]:
    """The questions of a review session: due cards, then weak topics, then the usual plan."""
    attempts = store.attempts(candidate_id)
    cards = replay_cards(attempts)
    progress = build_progress(candidate_id, bank, attempts, cards, now)
    latest = {item.item_id: item.latest_score for item in progress.items}
    return review_question_ids(bank, plan, seed, due_cards(cards, now), weak_topics(progress), latest)
