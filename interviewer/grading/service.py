"""Grading on its own: resolve what to grade against (a given reference, or the bank), then grade.

Used by `interviewer grade` and by POST /v1/grade[/batch]; the interview uses the graders directly.
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from interviewer.grading.base import Grader
from interviewer.grading.domain import DomainVocabulary, vocabulary_for
from interviewer.grading.models import Grade, GradeRequest, request_for_item
from interviewer.validation import clean_text, detect_language, validate_answer
from knowledge.chunking import chunk_id
from knowledge.claims import split_claims
from knowledge.errors import InterviewerError, InvalidInput
from knowledge.index import KnowledgeIndex
from knowledge.models import KeyPoint, QAItem, Reference

GIVEN_REFERENCE = "given reference"
MAX_QUESTION_CHARS = 2_000


class BatchResult(BaseModel):
    """One row's outcome: a grade, or the error's message (and the error itself, for the API's code)."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    id: Any = None
    grade: Grade | None = None
    error: str | None = None
    failure: InterviewerError | None = Field(default=None, exclude=True, repr=False)


class GradingService:
    def __init__(self, index: KnowledgeIndex, grader: Grader, max_answer_chars: int = 20_000) -> None:
        self.index = index
        self.grader = grader
        self.max_answer_chars = max_answer_chars

    def grade(self, question: object, answer: object, reference: object = None, language: str | None = None) -> Grade:
        q = clean_text(question, "question", MAX_QUESTION_CHARS, allow_lost=True)
        # A blank answer is graded (0, non_answer), not refused; a missing one is an error.
        a = validate_answer(answer, self.max_answer_chars, allow_blank=True)
        ref = clean_text(reference, "reference", self.max_answer_chars, required=False) or None
        lang = language if language in {"zh", "en"} else detect_language(a or q)
        if ref is not None:
            return self.grader.grade(_request_from_reference(q, a, ref, lang))
        item = self.resolve_item(q)
        grade = self.grader.grade(request_for_item(item, a, lang, question=q))
        if item.question != q and self.index.bank.find_by_question(q) is None:
            grade.note = (grade.note + " " if grade.note else "") + f"Graded against the closest bank question: {item.question}"
        return grade

    def grade_batch(self, rows: list[Any]) -> list[BatchResult]:
        """Each row alone. No cap here: the one batch cap is the max_batch_items setting, applied by
        POST /v1/grade/batch to the request (`interviewer grade --file` grades one line at a time)."""
        results = []
        for row in rows:
            results.append(self._grade_row(row))
        return results

    def _grade_row(self, row: Any) -> BatchResult:
        if not isinstance(row, dict):
            return BatchResult(error=f"expected an object with question and answer, got {type(row).__name__}")
        try:
            grade = self.grade(row.get("question"), row.get("answer"), row.get("reference"), row.get("language"))
        except InterviewerError as exc:
            return BatchResult(id=row.get("id"), error=str(exc), failure=exc)
        return BatchResult(id=row.get("id"), grade=grade)

    def resolve_item(self, question: str) -> QAItem:
        item = self.index.bank.find_by_question(question)
        if item is not None:
            return item
        hits = self.index.search(question, k=1)
        if not hits:
            raise InvalidInput("no reference found for this question: pass --reference")
        return self.index.bank.get(hits[0].item_id)



POINT_VECTOR_ITEMS = 2048  # bank items whose key-point vectors an IndexedGrader remembers (~8 KB each)


class IndexedGrader:
    """The offline grader fed the key-point vectors stored at ingest, so a turn embeds only the answer.
    Each item's vectors are read from the store once per bank loaded (a store read cost ~2.5 ms a turn)."""

    def __init__(self, index: KnowledgeIndex, offline: Any) -> None:
        self.index = index
        self.offline = offline
        self._points: OrderedDict[str, tuple[list[str], np.ndarray]] = OrderedDict()
        self._bank: object = None
        self._domain: DomainVocabulary | None = None
        self._domain_bank: object = None
        self._lock = threading.Lock()
        self._domain_lock = threading.Lock()

    def grade(self, request: GradeRequest) -> Grade:
        return self.offline.grade(request, point_vectors=point_vectors_for(self.index, request, self._stored),
                                  domain=self.domain() if request.item_id else None)

    def domain(self) -> DomainVocabulary:
        """The served bank's vocabulary (domain.py), built or read once per bank loaded."""
        bank = self.index.bank
        with self._domain_lock:  # one build at a time: a second caller waits for the first one's result
            if self._domain is None or bank is not self._domain_bank:
                self._domain = vocabulary_for(bank, self.index.live_dir)
                self._domain_bank = bank
            return self._domain

    def _stored(self, item_id: str) -> tuple[list[str], np.ndarray]:
        bank = self.index.bank  # a new object after each ingest: the vectors read before are dropped
        with self._lock:
            if bank is not self._bank:
                self._points.clear()
                self._bank = bank
            found = self._points.get(item_id)
            if found is not None:
                self._points.move_to_end(item_id)
                return found
        found = self.index.point_vectors(item_id)
        with self._lock:
            if bank is self._bank:
                self._points[item_id] = found
                while len(self._points) > POINT_VECTOR_ITEMS:
                    self._points.popitem(last=False)
        return found


def point_vectors_for(index: KnowledgeIndex, request: GradeRequest,
                      stored: Callable[[str], tuple[list[str], np.ndarray]] | None = None) -> np.ndarray | None:
    """The stored vectors of the request's key points, in order; None if any is missing.
    `stored(item_id)`: where to read an item's (chunk ids, vectors); default `index.point_vectors`."""
    if not request.item_id:
        return None
    ids, matrix = (stored or index.point_vectors)(request.item_id)
    row = {cid: n for n, cid in enumerate(ids)}
    order = [row.get(chunk_id("point", p.source, request.item_id, p.text)) for p in request.key_points]
    if not order or any(n is None for n in order):
        return None
    return matrix[[n for n in order if n is not None]]


def _request_from_reference(question: str, answer: str, reference: str, language: str) -> GradeRequest:
    # Blocks separated by a blank line are graded as alternatives (a teacher's "or: …" references).
    blocks = [b for b in re.split(r"\n\s*\n", reference) if b.strip()]
    sections = [f"alternative {n}" if len(blocks) > 1 else "" for n in range(1, len(blocks) + 1)]
    points = [KeyPoint(source=GIVEN_REFERENCE, section=section, text=claim)
              for block, section in zip(blocks, sections, strict=True) for claim in split_claims(block)]
    if not points:
        raise InvalidInput("the reference has no gradeable content")
    return GradeRequest(
        question=question,
        answer=answer,
        key_points=points,
        references=[Reference(source=GIVEN_REFERENCE, text=reference)],
        language=language,  # type: ignore[arg-type]
    )
