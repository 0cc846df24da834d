"""IndexedGrader: each item's stored key-point vectors are read once per bank loaded, and fed in order."""

from __future__ import annotations

from typing import Any

import numpy as np

from interviewer.grading.lexical import Lexicon
from interviewer.grading.models import request_for_item
from interviewer.grading.service import IndexedGrader
from knowledge.chunking import chunk_id
from tests.fakes.interview import KeywordIndex, make_bank


class StoredIndex(KeywordIndex):
    def __init__(self) -> None:
        super().__init__(make_bank())
        self.reads: list[str] = []

    def point_vectors(self, item_id: str) -> tuple[list[str], np.ndarray]:
        self.reads.append(item_id)
        points = self.bank.get(item_id).key_points
        ids = [chunk_id("point", p.source, item_id, p.text) for p in reversed(points)]  # store order differs
        return ids, np.arange(len(points), dtype=np.float32)[::-1, None] * np.ones((1, 3), dtype=np.float32)


class Recording:
    def __init__(self) -> None:
        self.vectors: list[Any] = []
        self.domains: list[Any] = []

    def grade(self, request: Any, point_vectors: Any = None, domain: Any = None) -> Any:
        self.vectors.append(point_vectors)
        self.domains.append(domain)
        return None


def test_point_vectors_are_read_once_per_item_and_again_after_a_new_bank() -> None:
    index, offline = StoredIndex(), Recording()
    grader = IndexedGrader(index, offline)  # type: ignore[arg-type]
    first, second = index.bank.items[:2]
    for item in (first, second, first, first):
        grader.grade(request_for_item(item, "答案", "zh"))
    assert index.reads == [first.id, second.id]
    assert np.array_equal(offline.vectors[0][:, 0], np.arange(len(first.key_points)))  # in key-point order
    assert all(np.array_equal(offline.vectors[0], v) for v in offline.vectors[2:])

    index.bank = make_bank()  # what an ingest does: a new bank object
    grader.grade(request_for_item(index.bank.items[0], "答案", "zh"))
    assert index.reads == [first.id, second.id, first.id]


def test_the_banks_vocabulary_goes_with_answers_to_bank_items_and_is_rebuilt_for_a_new_bank() -> None:
    index, offline = StoredIndex(), Recording()
    grader = IndexedGrader(index, offline)  # type: ignore[arg-type]
    item = index.bank.items[0]
    grader.grade(request_for_item(item, "答案", "zh"))
    grader.grade(request_for_item(index.bank.items[1], "答案", "zh"))
    first = offline.domains[0]
    assert first is offline.domains[1]  # built once per bank
    assert first.terms >= Lexicon().tokens(item.question) and "zh" in first.languages

    index.bank = make_bank()
    grader.grade(request_for_item(index.bank.items[0], "答案", "zh"))
    assert offline.domains[2] is not first
