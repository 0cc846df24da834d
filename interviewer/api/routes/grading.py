"""The grader on its own: one answer, or a batch where each item succeeds or fails alone."""

from __future__ import annotations

import hmac
from collections.abc import Iterator
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request

from interviewer.api.deps import Services, get_services
from interviewer.api.errors import APIError, status_of
from interviewer.api.schemas import BatchItemResult, GradeBatchIn, GradeBatchOut, GradeIn, ItemError
from interviewer.grading.models import Grade
from interviewer.grading.service import BatchResult
from interviewer.validation import check_batch_size
from knowledge.embedders import bulk_work
from knowledge.errors import InvalidInput

router = APIRouter(prefix="/v1/grade", tags=["grading"])
ServicesDep = Annotated[Services, Depends(get_services)]


def client_of(request: Request) -> str:
    """The caller: its API key when keys are configured (401 without one, 403 for a wrong one), else its IP."""
    keys = [k.strip() for k in request.app.state.services.settings.api_keys.split(",") if k.strip()]
    if not keys:
        return "ip:" + (request.client.host if request.client else "unknown")
    given = request.headers.get("x-api-key", "")
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if not given and scheme.lower() == "bearer":
        given = token.strip()
    if not given:
        raise APIError(401, "unauthorized", "the grading API needs an API key (Authorization: Bearer <key>)",
                       headers={"WWW-Authenticate": "Bearer"})
    for n, key in enumerate(keys):
        if hmac.compare_digest(given.encode(), key.encode()):
            return f"key:{n}"
    raise APIError(403, "forbidden", "unknown API key")


def admitted(request: Request, client: Annotated[str, Depends(client_of)]) -> Iterator[None]:
    """A place in the grading gate for the request (the routes mark their embedding as bulk work
    themselves: a dependency's context does not reach the route's thread)."""
    with request.app.state.grading_gate.admit(client):
        yield


Admitted = Depends(admitted)
ITEM_FIELDS = {"id", "question", "answer", "reference", "language"}


@router.post("", response_model=Grade, summary="Grade one answer (against a given reference, or the bank)",
             dependencies=[Admitted],
             responses={413: {"description": "the answer is longer than max_answer_chars"},
                        429: {"description": "this client's share of the grader is in use"},
                        503: {"description": "the grader is busy (Retry-After)"}})
def grade_one(body: GradeIn, services: ServicesDep) -> Grade:
    # The answer is checked once, by the service (`validate_answer`: 413 answer_too_long, 400 invalid_input).
    with bulk_work():
        return services.grading.grade(body.question, body.answer, body.reference, body.language)


def _item_problem(item: Any) -> ItemError | None:
    """The request-shape checks of an item; its answer is checked by the service, like a single grade's."""
    if not isinstance(item, dict):
        return ItemError(code="invalid_item", message=f"expected an object, got {type(item).__name__}")
    unknown = sorted(set(item) - ITEM_FIELDS)
    if unknown:
        return ItemError(code="invalid_item", message=f"unknown field(s): {', '.join(unknown)}")
    if item.get("language") not in (None, "zh", "en"):
        return ItemError(code="invalid_input", message="language must be zh or en")
    return None


@router.post("/batch", response_model=GradeBatchOut, summary="Grade many answers; a bad item fails alone",
             dependencies=[Admitted],
             responses={413: {"description": "more items than max_batch_items"},
                        429: {"description": "this client's share of the grader is in use"},
                        503: {"description": "the grader is busy (Retry-After)"}})
def grade_batch(body: GradeBatchIn, services: ServicesDep) -> GradeBatchOut:
    check_batch_size(len(body.items), services.settings.max_batch_items)  # 413 batch_too_large
    results: list[BatchItemResult | None] = [None] * len(body.items)
    rows: list[dict[str, Any]] = []
    slots: list[int] = []
    for n, item in enumerate(body.items):
        item_id = item.get("id", n) if isinstance(item, dict) else n
        problem = _item_problem(item)
        if problem is not None:
            results[n] = BatchItemResult(id=item_id, error=problem)
            continue
        rows.append({**item, "id": item_id})
        slots.append(n)
    with bulk_work():
        graded = _grade_rows(services, rows)
    for n, outcome in zip(slots, graded, strict=True):
        results[n] = outcome
    return GradeBatchOut(results=[r for r in results if r is not None])


def _grade_rows(services: Services, rows: list[dict[str, Any]]) -> list[BatchItemResult]:
    if not rows:
        return []
    results = services.grading.grade_batch(rows)
    return [_item_result(row["id"], result) for row, result in zip(rows, results, strict=True)]


def _item_result(item_id: Any, result: BatchResult) -> BatchItemResult:
    if result.grade is not None:
        return BatchItemResult(id=item_id, grade=result.grade)
    # A refused input gets the code ERROR_TABLE gives it as a whole request (answer_too_long, invalid_input);
    # any other failure of an item is reported as invalid input, as before.
    failure = result.failure
    code = status_of(failure)[1] if isinstance(failure, InvalidInput) else "invalid_input"
    return BatchItemResult(id=item_id, error=ItemError(code=code, message=str(result.error)))
