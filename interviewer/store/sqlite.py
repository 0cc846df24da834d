"""SessionStore on SQLite: WAL journal, synchronous=FULL (a commit survives a power cut), one lock.

One connection guarded by a lock serves every thread of a process; several processes share the
file safely because every write runs in `BEGIN IMMEDIATE` (SQLite's single writer) under a busy
timeout, and `save` is guarded by the row's version.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from interviewer.candidates.attempts import Attempt
from interviewer.session.models import SessionState
from interviewer.store import candidate_sql, sql
from interviewer.store.base import StoredCandidate, StoredSession, StoredTurn, StoreUnavailable
from knowledge.errors import Conflict

SQLITE = sql.Dialect("?")
BUSY_TIMEOUT_MS = 15_000


@contextmanager
def _unavailable_on_error() -> Iterator[None]:
    """A locked, full or unreadable database file is the service's fault, not the client's: 503."""
    try:
        yield
    except sqlite3.OperationalError as exc:
        raise StoreUnavailable(f"session database error: {exc}") from None


class SQLiteSessionStore:
    def __init__(self, path: Path, clock: Callable[[], float] = time.time) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._clock = clock
        self._lock = threading.Lock()
        # isolation_level=None: we issue BEGIN ourselves, so every transaction is explicit.
        self._conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False,
                                     timeout=BUSY_TIMEOUT_MS / 1000)
        self._conn.execute("PRAGMA journal_mode=WAL")
        self._conn.execute("PRAGMA synchronous=FULL")
        self._conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        with self._lock:
            for statement in sql.schema("REAL"):
                self._conn.execute(statement)

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Cursor]:
        """One write transaction, taken with the write lock up front (no upgrade deadlocks)."""
        with self._lock, _unavailable_on_error():
            cur = self._conn.cursor()
            cur.execute("BEGIN IMMEDIATE")
            try:
                yield cur
            except BaseException:
                cur.execute("ROLLBACK")
                raise
            cur.execute("COMMIT")

    @contextmanager
    def _read(self) -> Iterator[sqlite3.Cursor]:
        with self._lock, _unavailable_on_error():
            yield self._conn.cursor()

    def create(self, state: SessionState, token_hash: str, candidate_id: str | None = None) -> int:
        try:
            with self._write() as cur:
                sql.insert_session(cur, SQLITE, state, token_hash, self._clock(), candidate_id)
        except sqlite3.IntegrityError:
            raise Conflict(f"session {state.id} already exists") from None
        return 1

    def load(self, session_id: str) -> StoredSession:
        with self._read() as cur:
            return sql.require(sql.select_session(cur, SQLITE, session_id), session_id)

    def save(self, state: SessionState, expected_version: int) -> int:
        with self._write() as cur:
            return sql.update_session(cur, SQLITE, state, expected_version, self._clock())

    def turns(self, session_id: str) -> list[StoredTurn]:
        with self._read() as cur:
            return sql.select_turns(cur, SQLITE, session_id)

    def delete_expired(self, idle_seconds: float) -> int:
        with self._write() as cur:
            return sql.delete_idle(cur, SQLITE, self._clock() - idle_seconds)

    def create_candidate(self, candidate: StoredCandidate) -> None:
        try:
            with self._write() as cur:
                candidate_sql.insert_candidate(cur, SQLITE, candidate)
        except sqlite3.IntegrityError:
            raise Conflict(f"candidate {candidate.id} already exists") from None

    def candidate_by_token(self, token_hash: str) -> StoredCandidate | None:
        with self._read() as cur:
            return candidate_sql.select_candidate_by_token(cur, SQLITE, token_hash)

    def candidate_sessions(self, candidate_id: str) -> list[StoredSession]:
        with self._read() as cur:
            return candidate_sql.select_candidate_sessions(cur, SQLITE, candidate_id)

    def attempts(self, candidate_id: str) -> list[Attempt]:
        with self._read() as cur:
            return candidate_sql.select_attempts(cur, SQLITE, candidate_id)

    def close(self) -> None:
        with self._lock:
            self._conn.close()
