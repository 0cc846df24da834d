"""The FastAPI application: `create_app(services)` for tests, `create_app()` (a uvicorn factory) for serving.

No module-level state: everything hangs off `app.state.services`, a holder that is ready at once when
Services are given, or builds them from Settings in a background thread (GET /readyz says when).
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from interviewer.api.admission import GradingGate
from interviewer.api.deps import ServiceHolder, Services
from interviewer.api.errors import install_error_handlers
from interviewer.api.middleware import BodyGuardMiddleware, HeadAsGetMiddleware, RateLimitMiddleware
from interviewer.api.routes import bank, candidates, grading, health, knowledge_bases, sessions
from interviewer.settings import Settings
from interviewer.web import mount_docs, mount_web

DESCRIPTION = """Mock interviews for LLM / ML engineering, graded against a curated knowledge base.

* Start with `POST /v1/sessions`; keep the returned `token` (only its SHA-256 is stored) and send it as
  `Authorization: Bearer <token>` on every other session route (missing: 401, wrong: 403).
* `POST /v1/sessions/{id}/messages` answers the open question. Each turn is committed before the reply
  is sent. With `Accept: text/event-stream` the reply streams as `event: message` (`{"delta": text}`),
  `event: evaluation` (the grade, practice mode only), then `event: done` (`{state, done, action, report?}`).
* Reports: `GET /v1/sessions/{id}/report` is final once the interview ended; while it runs, a practice
  session gets a partial report (`status: "active"`), an exam gets 409 `exam_in_progress`.
* Expiry: an active session idle longer than `INTERVIEWER_SESSION_IDLE_TIMEOUT` seconds (default 2 h)
  cannot be continued (410 `session_expired`) but stays readable; every session is deleted
  `INTERVIEWER_SESSION_RETENTION` seconds (default 30 days) after its last turn (then 404).
* Every error is `{"error": {"code": "...", "message": "..."}}`: 400 invalid input / malformed JSON /
  invalid UTF-8, 401/403 token, 404 unknown, 409 finished or concurrently changed, 410 expired,
  413 too large, 415 a body that is not JSON, 422 schema, 429 rate limited, 503 not ready or busy.
* The grading routes admit a bounded amount of work (`INTERVIEWER_GRADING_CONCURRENCY`, `_QUEUE`,
  `_PER_CLIENT`): beyond it 503 `busy` or 429 `client_busy`, with Retry-After. With `INTERVIEWER_API_KEYS`
  set they need `Authorization: Bearer <key>` (or `X-API-Key`).
* Candidates: `POST /v1/candidates` gives `{id, token}`; `POST /v1/sessions` with that token as bearer ties
  the session to the candidate (whose token then also opens it). `GET /v1/candidates/me/progress`,
  `/me/sessions` and `/me/reviews` (FSRS review queue); `"mode": "review"` interviews on due items first.
* Knowledge bases: `POST /v1/knowledge-bases` `{name}` (candidate token) makes one of your own; upload notes
  to it with `POST /v1/knowledge-bases/{name}/documents` (JSON `{name, content}`, or the file as the body with
  `?name=`), then pass `knowledge_base` to `POST /v1/sessions` or `/v1/search`: questions and references come
  only from it. Only your token sees it (another candidate's: 403).
* Behind a reverse proxy, set `INTERVIEWER_TRUSTED_PROXIES` (its addresses) so that `X-Forwarded-For`
  names the client for the rate limit; without it the header is ignored.
"""


def create_app(services: Services | None = None, *, settings: Settings | None = None) -> FastAPI:
    settings = services.settings if services is not None else (settings or Settings())
    holder = ServiceHolder(settings, services)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        holder.start()
        try:
            yield
        finally:
            holder.close()

    app = FastAPI(title="Mock interviewer", version="1", description=DESCRIPTION, lifespan=lifespan,
                  docs_url=None, redoc_url=None)
    app.state.services = holder
    app.state.grading_gate = GradingGate(
        concurrency=settings.grading_concurrency, queue=settings.grading_queue,
        per_client=settings.grading_per_client, wait_s=float(settings.grading_wait_s))
    install_error_handlers(app)
    for router in (sessions.router, candidates.router, knowledge_bases.router, grading.router, bank.router,
                   health.router):
        app.include_router(router)
    mount_web(app)
    mount_docs(app)
    # Added last = runs first: HEAD as GET, the rate limit, then the body guard, then routing.
    app.add_middleware(BodyGuardMiddleware, max_bytes=settings.max_request_bytes)
    app.add_middleware(RateLimitMiddleware, per_minute=float(settings.rate_limit_per_minute),
                       burst=settings.rate_limit_burst)
    app.add_middleware(HeadAsGetMiddleware)
    _log_to_stderr()
    return app


def _log_to_stderr() -> None:
    """Start-up and error lines next to uvicorn's, unless the host application configured logging."""
    logger = logging.getLogger("interviewer")
    if logger.level == logging.NOTSET:
        logger.setLevel(logging.INFO)
    if not logger.handlers and not logging.getLogger().handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(levelname)s:     %(name)s: %(message)s"))
        logger.addHandler(handler)
