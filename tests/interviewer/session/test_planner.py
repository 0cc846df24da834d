"""Question planning: deterministic, no repeats, spread across topics, gradeable items first."""

from __future__ import annotations

import pytest

from interviewer.session.models import SessionPlan
from interviewer.session.planner import item_level, plan_questions
from knowledge.bank import QuestionBank
from knowledge.errors import InvalidInput


def topics_of(bank: QuestionBank, ids: list[str]) -> list[str]:
    return [bank.get(i).topics[0] for i in ids]


def test_same_seed_same_plan(bank: QuestionBank) -> None:
    plan = SessionPlan(num_questions=5)
    assert plan_questions(bank, plan, "s1") == plan_questions(bank, plan, "s1")
    orders = {tuple(plan_questions(bank, plan, f"seed-{i}")) for i in range(10)}
    assert len(orders) > 1  # the seed matters


@pytest.mark.parametrize("seed", ["a", "b", "c", "d"])
def test_mixed_plan_spreads_topics_and_never_repeats(bank: QuestionBank, seed: str) -> None:
    ids = plan_questions(bank, SessionPlan(num_questions=3), seed)
    assert len(set(ids)) == 3
    assert sorted(topics_of(bank, ids)) == ["attention", "finetuning", "rag"]


@pytest.mark.parametrize(
    ("topics", "n", "allowed"),
    [
        (["rag"], 2, {"rag"}),
        (["RAG"], 2, {"rag"}),  # case-insensitive
        (["attention", "finetuning"], 4, {"attention", "finetuning"}),
    ],
)
def test_plan_stays_within_topics(bank: QuestionBank, topics: list[str], n: int, allowed: set[str]) -> None:
    ids = plan_questions(bank, SessionPlan(topics=topics, num_questions=n), "x")
    assert len(ids) == n and set(topics_of(bank, ids)) <= allowed


def test_no_answer_items_only_when_nothing_else_is_left(bank: QuestionBank, kit) -> None:
    assert kit.no_answer_id not in plan_questions(bank, SessionPlan(topics=["rag"], num_questions=2), "x")
    three = plan_questions(bank, SessionPlan(topics=["rag"], num_questions=3), "x")
    assert three[-1] == kit.no_answer_id
    everything = plan_questions(bank, SessionPlan(num_questions=20), "x")
    assert len(everything) == len(bank) and everything[-1] == kit.no_answer_id


def test_difficulty_prefers_items_by_key_point_count(bank: QuestionBank) -> None:
    assert item_level(bank.summary("att-self")) == 2 and item_level(bank.summary("att-kv")) == 0
    plan = SessionPlan(topics=["attention"], num_questions=1, difficulty="hard")
    assert all(plan_questions(bank, plan, f"s{i}") == ["att-self"] for i in range(5))
    easy = SessionPlan(topics=["attention"], num_questions=2, difficulty="easy")
    assert all("att-self" not in plan_questions(bank, easy, f"s{i}") for i in range(5))


def test_unknown_topic_is_invalid_input(bank: QuestionBank) -> None:
    with pytest.raises(InvalidInput, match="no questions for topics"):
        plan_questions(bank, SessionPlan(topics=["quantum"]), "x")


def test_empty_bank_is_invalid_input() -> None:
    with pytest.raises(InvalidInput):
        plan_questions(QuestionBank([]), SessionPlan(), "x")
