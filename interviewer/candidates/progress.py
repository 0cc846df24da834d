"""Progress from a candidate's attempts: per bank item and per topic, latest and best, missed points, trends."""

from __future__ import annotations

from collections import defaultdict

from pydantic import BaseModel, Field

from interviewer.candidates.attempts import Attempt
from interviewer.candidates.reviews import ReviewCard
from interviewer.session.models import PointReport
from interviewer.session.report import WEAK_SCORE, question_report
from knowledge.bank import QuestionBank
from knowledge.errors import NotFound
from knowledge.models import QAItem


class ScorePoint(BaseModel):
    at: float = Field(description="epoch seconds of the answer (per topic: of the session's last answer on it)")
    session_id: str
    score: float


class ItemProgress(BaseModel):
    item_id: str
    question: str
    topic: str
    attempts: int
    latest_score: float
    best_score: float
    last_answered_at: float
    missed: list[PointReport] = Field(description="key points the latest answer still missed")
    trend: list[ScorePoint] = Field(description="every attempt, oldest first")
    due_at: float | None = Field(default=None, description="when the review queue asks it again")


class TopicProgress(BaseModel):
    topic: str
    items: int = Field(description="distinct bank items answered")
    attempts: int
    latest_mean: float = Field(description="mean of each item's latest score")
    best_mean: float
    missed: int = Field(description="key points the latest answers still miss")
    weak: bool = Field(description=f"latest_mean below {WEAK_SCORE}")
    trend: list[ScorePoint] = Field(description="per session, the mean score on this topic, oldest first")


class Progress(BaseModel):
    candidate_id: str
    sessions: int = Field(description="sessions with at least one final answer")
    attempts: int
    items_answered: int
    latest_mean: float | None
    due: int = Field(description="review cards due now")
    topics: list[TopicProgress] = Field(description="weakest first")
    items: list[ItemProgress] = Field(description="lowest latest score first")


def _mean(values: list[float]) -> float:
    return round(sum(values) / len(values), 2)


def _item(bank: QuestionBank, item_id: str) -> QAItem | None:
    try:
        return bank.get(item_id)
    except NotFound:  # the notes changed since: keep the history, show what was asked
        return None


def item_progress(bank: QuestionBank, attempts: list[Attempt], card: ReviewCard | None) -> ItemProgress:
    """One item's attempts, oldest first."""
    latest = attempts[-1]
    report = question_report(latest.record, _item(bank, latest.item_id), latest.language)
    return ItemProgress(
        item_id=latest.item_id,
        question=report.question,
        topic=latest.topic,
        attempts=len(attempts),
        latest_score=latest.score,
        best_score=max(a.score for a in attempts),
        last_answered_at=latest.answered_at,
        missed=report.missed,
        trend=[ScorePoint(at=a.answered_at, session_id=a.session_id, score=a.score) for a in attempts],
        due_at=card.due if card else None,
    )


def topic_trend(attempts: list[Attempt]) -> list[ScorePoint]:
    by_session: dict[str, list[Attempt]] = defaultdict(list)
    for a in attempts:
        by_session[a.session_id].append(a)
    points = [ScorePoint(at=max(a.answered_at for a in group), session_id=sid, score=_mean([a.score for a in group]))
              for sid, group in by_session.items()]
    return sorted(points, key=lambda p: (p.at, p.session_id))


def build_progress(candidate_id: str, bank: QuestionBank, attempts: list[Attempt],
                   cards: dict[str, ReviewCard], now: float) -> Progress:
    ordered = sorted(attempts, key=lambda a: (a.answered_at, a.session_id, a.position))
    per_item: dict[str, list[Attempt]] = defaultdict(list)
    for a in ordered:
        per_item[a.item_id].append(a)
    items = [item_progress(bank, group, cards.get(item_id)) for item_id, group in per_item.items()]
    per_topic: dict[str, list[ItemProgress]] = defaultdict(list)
    for item in items:
        per_topic[item.topic].append(item)
    topics = [
        TopicProgress(
            topic=topic,
            items=len(group),
            attempts=sum(i.attempts for i in group),
            latest_mean=(latest := _mean([i.latest_score for i in group])),
            best_mean=_mean([i.best_score for i in group]),
            missed=sum(len(i.missed) for i in group),
            weak=latest < WEAK_SCORE,
            trend=topic_trend([a for a in ordered if a.topic == topic]),
        )
        for topic, group in per_topic.items()
    ]
    return Progress(
        candidate_id=candidate_id,
        sessions=len({a.session_id for a in ordered}),
        attempts=len(ordered),
        items_answered=len(items),
        latest_mean=_mean([i.latest_score for i in items]) if items else None,
        due=sum(1 for c in cards.values() if c.is_due(now)),
        topics=sorted(topics, key=lambda t: (t.latest_mean, -t.missed, t.topic)),
        items=sorted(items, key=lambda i: (i.latest_score, -i.last_answered_at, i.item_id)),
    )


def weak_topics(progress: Progress) -> list[str]:
    """The topics whose latest answers are weak, weakest first."""
    return [t.topic for t in progress.topics if t.weak]
