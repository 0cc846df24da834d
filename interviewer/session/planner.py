"""Which questions a session asks, in which order: deterministic given the session id.

Heuristics:
* Quality tiers, best first: (0) items with key points; (1) items with only a reference answer, or
  whose text lost characters to bad encoding; (2) items flagged `no_answer` (nothing to grade
  against) — taken only when tiers 0-1 cannot fill the plan. Within a topic tier 0 comes first;
  across topics the spread wins over tier 0 vs 1.
* Difficulty is read from the number of key points (a question that needs more points to answer
  fully is harder): easy <= 3, medium 4-5, hard >= 6. It orders items within a tier (closest level
  first); it never filters, so a plan is filled whenever the bank has enough questions.
* Topics are spread round-robin: each item belongs to its first topic among the wanted ones (all
  topics when the plan names none); topic order and ties are shuffled with the session id as seed.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from typing import Protocol

from interviewer.session.models import Difficulty, SessionPlan
from knowledge.bank import ItemSummary, QuestionBank
from knowledge.errors import InvalidInput

_LEVELS: dict[Difficulty, int] = {"easy": 0, "medium": 1, "hard": 2}
NO_TOPIC = ""


class _Topical(Protocol):
    @property
    def topics(self) -> Sequence[str]: ...


def item_level(item: ItemSummary) -> int:
    """0 easy, 1 medium, 2 hard, from the number of key points."""
    n = item.key_points
    return 0 if n <= 3 else 1 if n <= 5 else 2


def item_tier(item: ItemSummary) -> int:
    if "no_answer" in item.flags or not (item.key_points or item.has_answer):
        return 2
    if not item.key_points or "encoding_loss" in item.flags:
        return 1
    return 0


def primary_topic(item: _Topical, wanted: list[str] | None) -> str:
    if wanted:
        lowered = {t.lower() for t in wanted}
        return next((t for t in item.topics if t.lower() in lowered), NO_TOPIC)
    return item.topics[0] if item.topics else NO_TOPIC


def candidates(bank: QuestionBank, topics: list[str] | None) -> list[ItemSummary]:
    """The bank's items for these topics (case-insensitive); all items when no topic is given."""
    if not topics:
        return bank.summaries()
    lowered = {t.lower() for t in topics}
    found = [item for item in bank.summaries() if lowered.intersection(t.lower() for t in item.topics)]
    if not found:
        known = ", ".join(list(bank.topics())[:20])
        raise InvalidInput(f"no questions for topics {', '.join(topics)}; known topics: {known}")
    return found


def _distance(item: ItemSummary, wanted_level: int | None) -> int:
    return abs(item_level(item) - wanted_level) if wanted_level is not None else 0


def plan_questions(bank: QuestionBank, plan: SessionPlan, seed: str) -> list[str]:
    """The ids of the questions to ask, in order; fewer than asked only if the bank runs out."""
    pool = candidates(bank, plan.topics)
    if not pool:
        raise InvalidInput("the question bank is empty: run `interviewer ingest` first")
    rng = random.Random(seed)
    wanted_level = _LEVELS[plan.difficulty] if plan.difficulty else None

    groups: dict[str, list[ItemSummary]] = {}
    for item in pool:
        groups.setdefault(primary_topic(item, plan.topics), []).append(item)
    order = sorted(groups)
    rng.shuffle(order)
    for topic in order:
        items = groups[topic]
        rng.shuffle(items)  # ties broken by seed; the stable sort below keeps that order
        items.sort(key=lambda it: (item_tier(it), _distance(it, wanted_level)))

    chosen: list[str] = []
    for usable in (True, False):  # no_answer items only when nothing else is left
        queues = [[it for it in groups[t] if (item_tier(it) < 2) == usable] for t in order]
        while len(chosen) < plan.num_questions and any(queues):
            for queue in queues:
                if queue and len(chosen) < plan.num_questions:
                    item = queue.pop(0)
                    if item.id not in chosen:
                        chosen.append(item.id)
    return chosen
