"""`wiring.warm_up`: before /readyz says ready, the offline grader has graded once in each language and the
index has searched once, so the first candidate does not pay for lazy loading."""

from __future__ import annotations

from typing import Any

from interviewer import wiring
from interviewer.grading.service import IndexedGrader
from tests.fakes.interview import KeywordGrader, KeywordIndex, make_bank


class Recording(KeywordGrader):
    def __init__(self) -> None:
        super().__init__()
        self.requests: list[Any] = []

    def grade(self, request: Any, point_vectors: Any = None, domain: Any = None) -> Any:
        self.requests.append(request)
        return super().grade(request)


class FallbackOnly:
    """An LLM-style grader: warm-up must reach its offline fallback, never the model."""

    def __init__(self, fallback: IndexedGrader) -> None:
        self.fallback = fallback

    def grade(self, request: Any) -> Any:
        raise AssertionError("warm-up must not call the LLM")


def test_warm_up_grades_in_both_languages_and_searches() -> None:
    index = KeywordIndex(make_bank())
    offline = Recording()
    seconds = wiring.warm_up(index, IndexedGrader(index, offline))  # type: ignore[arg-type]
    assert seconds >= 0
    assert [r.language for r in offline.requests] == ["zh", "en"]
    assert all(r.item_id == index.bank.items[0].id for r in offline.requests)


def test_warm_up_never_calls_an_llm_grader() -> None:
    index = KeywordIndex(make_bank())
    offline = Recording()
    wiring.warm_up(index, FallbackOnly(IndexedGrader(index, offline)))  # type: ignore[arg-type]
    assert len(offline.requests) == 2
