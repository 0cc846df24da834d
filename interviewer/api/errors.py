"""HTTP errors: every failure is `{"error": {"code", "message"}}` with a fitting status, never a trace."""

from __future__ import annotations

import logging
import uuid
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from interviewer.store import StoreUnavailable
from knowledge.errors import (
    AlreadyExists,
    AnswerTooLong,
    BatchTooLarge,
    Conflict,
    DocumentTooLarge,
    EmptyAnswer,
    EmptyKnowledgeBase,
    Forbidden,
    IndexNotReady,
    InterviewerError,
    InvalidDocument,
    InvalidInput,
    InvalidName,
    LLMError,
    NoQuestionsFound,
    NotFound,
    SessionFinished,
    TooManyDocuments,
)

log = logging.getLogger("interviewer.api")


class APIError(InterviewerError):
    """An error with its own HTTP status and code (auth, size, expiry, rate limits)."""

    def __init__(self, status: int, code: str, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status, self.code, self.headers = status, code, headers


# (class, status, code), most specific first: the one place an error of the session and grading layers
# becomes an HTTP status and code (the batch route uses the code of each failed item too).
ERROR_TABLE: list[tuple[type[InterviewerError], int, str]] = [
    (AnswerTooLong, 413, "answer_too_long"),
    (EmptyAnswer, 400, "empty_answer"),
    (BatchTooLarge, 413, "batch_too_large"),
    (DocumentTooLarge, 413, "document_too_large"),
    (NoQuestionsFound, 400, "no_questions"),
    (InvalidDocument, 400, "invalid_document"),
    (InvalidName, 400, "invalid_name"),
    (InvalidInput, 400, "invalid_input"),
    (NotFound, 404, "not_found"),
    (Forbidden, 403, "forbidden"),
    (SessionFinished, 409, "session_finished"),
    (AlreadyExists, 409, "already_exists"),
    (TooManyDocuments, 409, "too_many_documents"),
    (EmptyKnowledgeBase, 409, "empty_knowledge_base"),
    (Conflict, 409, "conflict"),
    (IndexNotReady, 503, "not_ready"),
    (StoreUnavailable, 503, "store_unavailable"),
    (LLMError, 502, "llm_error"),
    (InterviewerError, 400, "bad_request"),
]

HTTP_CODES = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
              405: "method_not_allowed", 406: "not_acceptable", 413: "payload_too_large",
              415: "unsupported_media_type", 429: "rate_limited"}


def error_body(code: str, message: str, **extra: Any) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, **extra}}


def error_response(status: int, code: str, message: str, headers: dict[str, str] | None = None,
                   **extra: Any) -> JSONResponse:
    return JSONResponse(error_body(code, message, **extra), status_code=status, headers=headers)


def status_of(exc: InterviewerError) -> tuple[int, str]:
    if isinstance(exc, APIError):
        return exc.status, exc.code
    for cls, status, code in ERROR_TABLE:
        if isinstance(exc, cls):
            return status, code
    return 400, "bad_request"


async def _interviewer_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, InterviewerError)
    status, code = status_of(exc)
    if status >= 500:
        log.warning("%s %s -> %s %s: %s", request.method, request.url.path, status, code, exc)
    headers = exc.headers if isinstance(exc, APIError) else None
    if status == 503 and headers is None:
        headers = {"Retry-After": "5"}
    return error_response(status, code, str(exc), headers)


def _describe(errors: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The parts of pydantic's errors a client can use; never the input (it may be 20 000 characters)."""
    return [{"loc": [str(p) for p in e.get("loc", ())], "msg": str(e.get("msg", "")), "type": str(e.get("type", ""))}
            for e in errors]


async def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    details = _describe(list(exc.errors()))
    if any(d["type"] == "json_invalid" for d in details):
        return error_response(400, "malformed_json", "the request body is not valid JSON", details=details)
    first = details[0] if details else {"loc": [], "msg": "invalid request"}
    where = ".".join(p for p in first["loc"] if p != "body") or "body"
    message = f"{where}: {first['msg']}" + (f" (and {len(details) - 1} more)" if len(details) > 1 else "")
    return error_response(422, "validation_error", message, details=details)


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    code = HTTP_CODES.get(exc.status_code, "http_error")
    message = exc.detail if isinstance(exc.detail, str) else code.replace("_", " ")
    return error_response(exc.status_code, code, message, getattr(exc, "headers", None))


async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
    incident = uuid.uuid4().hex[:12]
    log.error("unhandled error %s on %s %s", incident, request.method, request.url.path, exc_info=exc)
    return error_response(500, "internal_error", f"internal error (incident {incident}); it has been logged")


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(InterviewerError, _interviewer_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(Exception, _unexpected)
