"""What an eval run needs: the bank and graders, real (`build_context`) or faked in tests."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from evals.labelled import LabelledExample
from interviewer.grading.base import Grader
from interviewer.grading.models import Grade
from knowledge.bank import QuestionBank
from knowledge.errors import InvalidInput
from knowledge.models import QAItem


@dataclass
class EvalContext:
    bank: QuestionBank
    grader: Grader  # the interview's grader
    grade_answer: Callable[[LabelledExample], Grade]  # the `interviewer grade` path for labelled answers
    search: Callable[[str], QAItem | None] | None = None
    max_follow_ups: int = 2
    metadata: dict[str, Any] = field(default_factory=dict)


def build_context(grader_choice: str | None) -> EvalContext:
    """The real index and grader, as `interviewer grade` and the service build them."""
    from interviewer.settings import Settings
    from interviewer.wiring import build_app

    settings = Settings()
    if grader_choice == "offline":
        settings = settings.model_copy(update={"openai_api_key": None})
    elif grader_choice == "llm" and not settings.llm_enabled:
        raise InvalidInput("--grader llm needs OPENAI_API_KEY (and OPENAI_BASE_URL for a non-OpenAI endpoint)")
    elif grader_choice not in (None, "offline", "llm"):
        raise InvalidInput(f"unknown grader {grader_choice!r}: use offline or llm")
    app = build_app(settings, ingest_if_missing=False, warm=False)  # IndexNotReady until `interviewer ingest`
    index, grader, service = app.index, app.grader, app.grading

    def search(question: str) -> QAItem | None:
        hits = index.search(question, k=1)
        return index.bank.get(hits[0].item_id) if hits else None

    llm = settings.llm_enabled
    return EvalContext(
        bank=index.bank,
        grader=grader,  # build_grader already feeds the offline grader the stored key-point vectors
        grade_answer=lambda ex: service.grade(ex.question, ex.answer, ex.reference),
        search=search,
        max_follow_ups=settings.max_follow_ups,
        metadata={"grader": "llm" if llm else "offline", "model": settings.llm_model if llm else None,
                  "endpoint": settings.openai_base_url if llm else None, "embedder": index.embedder.name,
                  "bank_items": len(index.bank)},
    )
