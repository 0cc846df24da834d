"""Ranking metrics for the retrieval benchmark (pure functions, no I/O).

A *rank* is the 1-based position of the first acceptable item in a result list, or ``None`` when no
acceptable item was returned (within the depth searched).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

Rank = int | None


def first_rank(results: Sequence[str], expected: Iterable[str]) -> Rank:
    """1-based position of the first result that is one of ``expected``; None when none is."""
    wanted = set(expected)
    for position, item_id in enumerate(results, start=1):
        if item_id in wanted:
            return position
    return None


def hit_at(ranks: Sequence[Rank], k: int) -> float:
    """Share of queries whose first acceptable item is within the top ``k`` (0.0 for no queries)."""
    if k < 1:
        raise ValueError("k must be at least 1")
    if not ranks:
        return 0.0
    return sum(1 for r in ranks if r is not None and r <= k) / len(ranks)


def mrr(ranks: Sequence[Rank], cutoff: int = 10) -> float:
    """Mean reciprocal rank, counting a rank beyond ``cutoff`` (or None) as 0 (0.0 for no queries)."""
    if cutoff < 1:
        raise ValueError("cutoff must be at least 1")
    if not ranks:
        return 0.0
    return sum(1.0 / r for r in ranks if r is not None and r <= cutoff) / len(ranks)
