"""What the routes need, built once: `Services`, built from Settings by `build_services` in the background."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from fastapi import Request

from interviewer.grading.base import Grader
from interviewer.grading.models import Grade
from interviewer.grading.service import BatchResult
from interviewer.knowledge_bases import KnowledgeBases
from interviewer.session.interview import Interview
from interviewer.session.models import SessionState
from interviewer.settings import Settings
from interviewer.store import SessionStore
from interviewer.store.base import StoreUnavailable
from knowledge.bank import QuestionBank
from knowledge.bases import DEFAULT_KB
from knowledge.errors import EmptyKnowledgeBase, IndexNotReady, NotFound
from knowledge.models import Hit

log = logging.getLogger("interviewer.api")
START_ATTEMPTS = 3  # builds tried when the session database is unavailable at start-up
START_RETRY_S = 2.0  # wait before the next try, times the tries so far


class Searcher(Protocol):
    """What the search route needs of the index (KnowledgeIndex, or a fake in tests)."""

    def search(self, query: str, k: int = 5, topics: list[str] | None = None) -> list[Hit]: ...


def live_generation(index: object) -> dict[str, Any] | None:
    """The index generation an index serves, for /readyz and search (None: no index, or a fake without one)."""
    generation = getattr(index, "generation", None)
    found = generation() if callable(generation) else None
    if found is None:
        return None
    return {"id": found.id, "created_at": found.created_at, "items": found.items, "chunks": found.chunks}


class GradingAPI(Protocol):
    """What the grading routes need (GradingService)."""

    def grade(self, question: object, answer: object, reference: object = None,
              language: str | None = None) -> Grade: ...

    def grade_batch(self, rows: list[Any]) -> list[BatchResult]: ...


@dataclass
class Services:
    settings: Settings
    index: Searcher | None  # None: no search
    bank: QuestionBank
    grader: Grader
    interview: Interview
    store: SessionStore
    grading: GradingAPI
    clock: Callable[[], float] = time.time  # epoch seconds; the store stamps turns with the same clock
    knowledge_bases: KnowledgeBases | None = None  # None: only `default` (tests that need no others)
    _last_purge: float = field(default=0.0, repr=False)

    def kbs(self) -> KnowledgeBases:
        if self.knowledge_bases is None:
            raise NotFound("this service has no named knowledge bases, only `default`")
        return self.knowledge_bases

    def interview_for(self, state: SessionState) -> Interview:
        """The interview over the bank a session was started on (its token already decided access)."""
        name = state.plan.knowledge_base
        if name == DEFAULT_KB:
            return self.interview
        if self.knowledge_bases is None:
            raise NotFound(f"unknown knowledge base {name!r}")
        return self.knowledge_bases.served_unchecked(name).interview

    def report_reader(self, state: SessionState) -> Interview:
        """`interview_for`, or the default interview when the session's knowledge base has been deleted or
        emptied since: reports and transcripts stay readable from what the session recorded."""
        try:
            return self.interview_for(state)
        except (NotFound, EmptyKnowledgeBase):
            return self.interview

    def purge_expired(self, force: bool = False) -> int:
        """Delete sessions past their retention, at most once per purge interval."""
        now = time.monotonic()
        if not force and now - self._last_purge < self.settings.session_purge_interval:
            return 0
        self._last_purge = now
        deleted = self.store.delete_expired(self.settings.session_retention)
        if deleted:
            log.info("purged %d expired sessions", deleted)
        return deleted


def build_services(settings: Settings) -> Services:
    """The real adapters: `wiring.build_app` (index ingested first if missing and allowed, warmed up) and
    the session store."""
    from interviewer import wiring
    from interviewer.store import open_store

    app = wiring.build_app(settings, ingest_if_missing=settings.ingest_on_start, warm=True)
    return Services(settings, app.index, app.bank, app.grader, app.interview, open_store(settings), app.grading,
                    knowledge_bases=app.knowledge_bases)


class ServiceHolder:
    """Services now (tests), or built in a background thread so /healthz answers while the index loads."""

    def __init__(self, settings: Settings, services: Services | None = None,
                 builder: Callable[[Settings], Services] = build_services) -> None:
        self.settings = settings
        self._services = services
        self._builder = builder
        self._error: str | None = None
        self._owned = False  # close only a store this holder opened
        self._thread: threading.Thread | None = None

    @property
    def ready(self) -> bool:
        return self._services is not None

    @property
    def failed(self) -> bool:
        return self._error is not None

    @property
    def reason(self) -> str:
        return self._error or "the service is starting: loading the knowledge index"

    def start(self) -> None:
        if self._services is None and self._thread is None:
            self._thread = threading.Thread(target=self._build, name="services-loader", daemon=True)
            self._thread.start()

    def wait(self, timeout: float | None = None) -> bool:
        if self._thread is not None:
            self._thread.join(timeout)
        return self.ready

    def _build(self) -> None:
        started = time.perf_counter()
        for attempt in range(1, START_ATTEMPTS + 1):
            try:
                services = self._builder(self.settings)
                services.purge_expired(force=True)
                break
            except StoreUnavailable as exc:
                # The session database was briefly unavailable (restarting, a deadlock between hosts starting
                # together): worth another try, unlike a missing index or a bad setting.
                if attempt == START_ATTEMPTS:
                    return self._fail(exc)
                log.warning("the session database is unavailable (%s): try %d of %d in %.0f s",
                            exc, attempt + 1, START_ATTEMPTS, START_RETRY_S * attempt)
                time.sleep(START_RETRY_S * attempt)
            except Exception as exc:  # noqa: BLE001 - reported by /readyz and every request, logged in full
                return self._fail(exc)
        self._services, self._owned = services, True
        log.info("ready in %.1f s", time.perf_counter() - started)

    def _fail(self, exc: Exception) -> None:
        log.error("the service could not start", exc_info=exc)
        self._error = f"the service could not start: {exc}"

    def get(self) -> Services:
        if self._services is None:
            raise IndexNotReady(self.reason)
        return self._services

    def close(self) -> None:
        if self._services is not None and self._owned:
            self._services.store.close()


def get_services(request: Request) -> Services:
    holder: ServiceHolder = request.app.state.services
    return holder.get()
