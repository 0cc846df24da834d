"""The review queue: every bank item a candidate answered is an FSRS card, rated from its scores.

The cards are not stored: they are replayed from the attempts log in the order the answers were
committed (fuzzing off, so the same log always gives the same schedule). The log is written in the
transaction that commits the turn closing a question, so review state can never lag a turn or
survive a rolled-back one.

Scheduling is in days (no minute-long learning steps): a question missed today is due tomorrow.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from fsrs import Card, Rating, Scheduler, State

from interviewer.candidates.attempts import Attempt

# Score (0-10) -> FSRS rating: the lower bound of each band; a skip scores 0 and is Again.
RATING_BANDS: tuple[tuple[float, Rating], ...] = (
    (8.5, Rating.Easy),
    (6.0, Rating.Good),
    (4.0, Rating.Hard),
    (0.0, Rating.Again),
)

_SCHEDULER = Scheduler(learning_steps=(), relearning_steps=(), enable_fuzzing=False)


def rating_for(score: float) -> Rating:
    """< 4 Again, < 6 Hard, < 8.5 Good, else Easy."""
    return next(rating for bound, rating in RATING_BANDS if score >= bound)


@dataclass(frozen=True)
class ReviewCard:
    item_id: str
    topic: str
    due: float  # epoch seconds
    state: str  # learning | review | relearning
    stability: float | None
    difficulty: float | None
    reviews: int
    last_score: float
    last_rating: str
    last_answered_at: float

    def is_due(self, now: float) -> bool:
        return self.due <= now


def _at(epoch: float) -> datetime:
    return datetime.fromtimestamp(epoch, UTC)


def replay_cards(attempts: Iterable[Attempt]) -> dict[str, ReviewCard]:
    """One card per item, from its attempts in commit order."""
    ordered = sorted(attempts, key=lambda a: (a.answered_at, a.session_id, a.position))
    cards: dict[str, tuple[Card, Attempt, int]] = {}
    for attempt in ordered:
        card, _last, n = cards.get(attempt.item_id) or (Card(card_id=1, due=_at(attempt.answered_at)), attempt, 0)
        card, _log = _SCHEDULER.review_card(card, rating_for(attempt.score), review_datetime=_at(attempt.answered_at))
        cards[attempt.item_id] = (card, attempt, n + 1)
    return {
        item_id: ReviewCard(
            item_id=item_id,
            topic=last.topic,
            due=card.due.timestamp(),
            state=State(card.state).name.lower(),
            stability=card.stability,
            difficulty=card.difficulty,
            reviews=n,
            last_score=last.score,
            last_rating=rating_for(last.score).name.lower(),
            last_answered_at=last.answered_at,
        )
        for item_id, (card, last, n) in cards.items()
    }


def due_cards(cards: dict[str, ReviewCard], now: float) -> list[ReviewCard]:
    """The cards due now, the most overdue first (then the lowest last score)."""
    return sorted((c for c in cards.values() if c.is_due(now)), key=lambda c: (c.due, c.last_score, c.item_id))
