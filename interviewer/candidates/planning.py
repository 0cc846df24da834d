"""Which questions a review session asks: due cards first, then weak topics, then the usual plan."""

from __future__ import annotations

from interviewer.candidates.reviews import ReviewCard
from interviewer.session.models import SessionPlan
from interviewer.session.planner import candidates, item_tier, plan_questions
from knowledge.bank import ItemSummary, QuestionBank


def _weak_topic_items(pool: list[ItemSummary], weak: list[str], latest: dict[str, float], taken: set[str]) -> list[str]:
    """Round-robin over the weak topics (weakest first); within one, never-asked items, then the lowest score."""
    queues: list[list[ItemSummary]] = []
    for topic in weak:
        items = [it for it in pool if topic in it.topics and it.id not in taken and item_tier(it) < 2]
        items.sort(key=lambda it: (it.id in latest, latest.get(it.id, 0.0), item_tier(it), it.id))
        queues.append(items)
    order: list[str] = []
    while any(queues):
        for queue in queues:
            while queue and (queue[0].id in order):
                queue.pop(0)
            if queue:
                order.append(queue.pop(0).id)
    return order


def review_question_ids(bank: QuestionBank, plan: SessionPlan, seed: str, due: list[ReviewCard],
                        weak: list[str], latest: dict[str, float]) -> list[str]:
    """The ids to ask, in order: due items (most overdue first), weak topics' items, then the usual plan.

    `plan.topics`, when given, limits all three. `latest` is each answered item's latest score.
    """
    pool = candidates(bank, plan.topics)  # InvalidInput for unknown topics, as in practice
    allowed = {it.id for it in pool}
    chosen = [c.item_id for c in due if c.item_id in allowed]
    chosen += _weak_topic_items(pool, weak, latest, set(chosen))
    if len(chosen) < plan.num_questions:
        usual = plan_questions(bank, plan.model_copy(update={"num_questions": len(pool)}), seed)
        chosen += [item_id for item_id in usual if item_id not in chosen]
    return chosen[: plan.num_questions]
