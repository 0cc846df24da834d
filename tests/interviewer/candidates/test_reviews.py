"""The scheduler mapping, the replayed FSRS cards, and the review plan."""

from __future__ import annotations

import pytest
from fsrs import Rating

from interviewer.candidates.attempts import Attempt, closed_records
from interviewer.candidates.planning import review_question_ids
from interviewer.candidates.reviews import due_cards, rating_for, replay_cards
from interviewer.session.interview import Interview
from interviewer.session.models import QuestionRecord, SessionPlan
from tests.fakes.interview import FULL_ANSWERS, KeywordGrader, make_bank

DAY = 86_400.0
T0 = 1_700_000_000.0


@pytest.mark.parametrize(("score", "rating"), [
    (0.0, Rating.Again), (3.99, Rating.Again), (4.0, Rating.Hard), (5.9, Rating.Hard),
    (6.0, Rating.Good), (8.49, Rating.Good), (8.5, Rating.Easy), (10.0, Rating.Easy),
])
def test_score_to_rating(score: float, rating: Rating) -> None:
    assert rating_for(score) == rating


def attempt(item_id: str, score: float, at: float, session: str = "s1", position: int = 0) -> Attempt:
    return Attempt(candidate_id="c", session_id=session, position=position, item_id=item_id, topic="t",
                   status="answered", score=score, language="zh", record=QuestionRecord(item_id=item_id, question="q"),
                   answered_at=at)


@pytest.mark.parametrize(("score", "days"), [(0.0, 1), (5.0, 1), (7.0, 2), (9.0, 8)])
def test_a_first_answer_is_due_again_after_days_set_by_its_rating(score: float, days: int) -> None:
    card = replay_cards([attempt("a", score, T0)])["a"]
    assert card.due == T0 + days * DAY and card.reviews == 1 and card.state == "review"


def test_replay_is_in_commit_order_and_a_failure_brings_the_card_back_soon() -> None:
    log = [attempt("a", 9.0, T0), attempt("a", 9.0, T0 + 8 * DAY, "s2"), attempt("a", 1.0, T0 + 30 * DAY, "s3")]
    card = replay_cards(list(reversed(log)))["a"]
    assert card.reviews == 3 and card.last_score == 1.0 and card.last_rating == "again"
    assert card.due - card.last_answered_at <= 4 * DAY  # after a lapse: days, not weeks
    assert replay_cards(log) == replay_cards(list(reversed(log)))  # deterministic: no fuzz


def test_due_cards_most_overdue_first() -> None:
    cards = replay_cards([attempt("easy", 10.0, T0), attempt("hard", 5.0, T0 + 1), attempt("again", 0.0, T0 + 2)])
    assert [c.item_id for c in due_cards(cards, T0 + DAY + 10)] == ["hard", "again"]
    assert due_cards(cards, T0) == []


def test_review_plan_due_then_weak_topics_then_the_usual_plan() -> None:
    bank = make_bank()
    due = list(replay_cards([attempt("kv", 0.0, T0)]).values())
    plan = SessionPlan(num_questions=3)
    ids = review_question_ids(bank, plan, "seed", due, weak=["检索"], latest={"kv": 0.0})
    assert ids[:2] == ["kv", "rag"] and sorted(ids) == ["kv", "lora", "rag"]
    assert review_question_ids(bank, plan.model_copy(update={"topics": ["微调"]}), "seed", due, ["检索"], {}) == ["lora"]


def test_only_closed_questions_are_final() -> None:
    interview = Interview(make_bank(), KeywordGrader())
    state, _ = interview.start(SessionPlan(num_questions=2), "s")
    assert closed_records(state) == []
    state, _ = interview.answer(state, FULL_ANSWERS[state.question_ids[0]])
    assert [p for p, _ in closed_records(state)] == [0]
    exam, _ = interview.start(SessionPlan(num_questions=2, mode="exam"), "e")
    exam, _ = interview.answer(exam, FULL_ANSWERS[exam.question_ids[0]])
    assert closed_records(exam) == []
    exam, _ = interview.end(exam)
    assert [p for p, _ in closed_records(exam)] == [0]
