"""Admission for the stand-alone grading API: bounded concurrent work, a bounded queue, a share per client.

`/v1/grade` needs no session and grades up to 20,000 characters per answer, so one client could keep the
single embedding engine busy for everyone. Requests are admitted to at most `concurrency` running at once;
up to `queue` more wait (at most `wait_s` seconds); beyond that the answer is 503 with Retry-After, and a
client (API key, else IP) holding `per_client` places already gets 429. Interview turns never pass
through here, and their embedding calls go before graded batches' (knowledge.embedders.bulk_work).
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator

from interviewer.api.errors import APIError


class GradingGate:
    def __init__(self, concurrency: int, queue: int, per_client: int, wait_s: float,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.concurrency, self.queue, self.per_client, self.wait_s = concurrency, queue, per_client, wait_s
        self.clock = clock
        self._cond = threading.Condition()
        self._running = 0
        self._waiting = 0
        self._by_client: Counter[str] = Counter()

    @contextlib.contextmanager
    def admit(self, client: str) -> Iterator[None]:
        """Hold a place for the block; raises APIError 429 (client's share used) or 503 (full, or waited
        too long) without doing anything."""
        with self._cond:
            if self._by_client[client] >= self.per_client:
                raise APIError(429, "client_busy", f"this client already has {self.per_client} grading "
                               "requests in progress; wait for them", headers={"Retry-After": "1"})
            if self._running >= self.concurrency and self._waiting >= self.queue:
                raise self._busy()
            self._by_client[client] += 1
            self._waiting += 1
            deadline = self.clock() + self.wait_s
            try:
                while self._running >= self.concurrency:
                    left = deadline - self.clock()
                    if left <= 0:
                        raise self._busy()
                    self._cond.wait(left)
            except BaseException:
                self._leave(client)
                raise
            finally:
                self._waiting -= 1
            self._running += 1
        try:
            yield
        finally:
            with self._cond:
                self._running -= 1
                self._leave(client)
                self._cond.notify_all()

    def _leave(self, client: str) -> None:
        self._by_client[client] -= 1
        if self._by_client[client] <= 0:
            del self._by_client[client]

    def _busy(self) -> APIError:
        retry = str(max(1, round(self.wait_s / 2)))
        return APIError(503, "busy", f"the grader is busy ({self.concurrency} running, {self.queue} waiting); "
                        f"retry in {retry} s", headers={"Retry-After": retry})

    def load(self) -> dict[str, int]:
        with self._cond:
            return {"running": self._running, "waiting": self._waiting}
