"""SessionStore on PostgreSQL (psycopg 3, imported only when this backend is chosen).

Same tables and semantics as the SQLite store. `save` is `UPDATE ... WHERE version = %s`: under
READ COMMITTED a concurrent writer blocks on the row lock and then sees the new version, so exactly
one of two racing saves commits and the other gets Conflict.
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from interviewer.candidates.attempts import Attempt
from interviewer.session.models import SessionState
from interviewer.store import candidate_sql, sql
from interviewer.store.base import StoredCandidate, StoredSession, StoredTurn, StoreUnavailable
from knowledge.errors import Conflict

SCHEMA_LOCK = 0x1A7E_5E55  # advisory lock: two processes creating the schema at once would collide
POOL_SIZE = 8


def _without_nul(rows: sql.Rows) -> sql.Rows:
    # PostgreSQL text cannot hold NUL; the API refuses control characters, this is the last guard.
    return [tuple(v.replace("\x00", "\ufffd") if isinstance(v, str) else v for v in row) for row in rows]


POSTGRES = sql.Dialect("%s", _without_nul)


class PostgresSessionStore:
    def __init__(self, url: str, clock: Callable[[], float] = time.time, pool_size: int = POOL_SIZE) -> None:
        import psycopg  # lazily: only this backend needs it

        self._psycopg = psycopg
        self.url = url
        self._clock = clock
        self._idle: queue.LifoQueue[Any] = queue.LifoQueue()
        self._slots = threading.BoundedSemaphore(pool_size)
        self._all: list[Any] = []
        self._all_lock = threading.Lock()
        with self._tx() as cur:
            cur.execute("SELECT pg_advisory_xact_lock(%s)", (SCHEMA_LOCK,))
            for statement in sql.schema("DOUBLE PRECISION"):
                cur.execute(statement)

    # -- a tiny pool: at most pool_size connections, each used by one thread at a time ---------
    def _connect(self) -> Any:
        try:
            conn = self._psycopg.connect(self.url, autocommit=True, connect_timeout=10)
        except self._psycopg.OperationalError as exc:
            raise StoreUnavailable(f"cannot connect to the session database: {exc}".strip()) from None
        with self._all_lock:
            self._all.append(conn)
        return conn

    @contextmanager
    def _tx(self) -> Iterator[Any]:
        self._slots.acquire()
        try:
            try:
                conn = self._idle.get_nowait()
            except queue.Empty:
                conn = self._connect()
            if conn.closed:
                conn = self._connect()
            try:
                with conn.transaction(), conn.cursor() as cur:
                    yield cur
            except self._psycopg.OperationalError as exc:
                conn.close()  # broken: drop it, the next call opens a fresh one
                raise StoreUnavailable(f"session database error: {exc}".strip()) from None
            finally:
                if not conn.closed:
                    self._idle.put(conn)
        finally:
            self._slots.release()

    # -- SessionStore ---------------------------------------------------------------------------
    def create(self, state: SessionState, token_hash: str, candidate_id: str | None = None) -> int:
        try:
            with self._tx() as cur:
                sql.insert_session(cur, POSTGRES, state, token_hash, self._clock(), candidate_id)
        except self._psycopg.errors.UniqueViolation:
            raise Conflict(f"session {state.id} already exists") from None
        return 1

    def _read_session(self, session_id: str) -> StoredSession | None:
        with self._tx() as cur:
            return sql.select_session(cur, POSTGRES, session_id)

    def load(self, session_id: str) -> StoredSession:
        try:
            found = self._read_session(session_id)
        except StoreUnavailable:
            # A pooled connection the server dropped (restart, idle timeout): reads are safe to retry once.
            found = self._read_session(session_id)
        return sql.require(found, session_id)

    def save(self, state: SessionState, expected_version: int) -> int:
        with self._tx() as cur:
            return sql.update_session(cur, POSTGRES, state, expected_version, self._clock())

    def turns(self, session_id: str) -> list[StoredTurn]:
        with self._tx() as cur:
            return sql.select_turns(cur, POSTGRES, session_id)

    def delete_expired(self, idle_seconds: float) -> int:
        with self._tx() as cur:
            # The sweep deletes candidate_sessions -> turns -> sessions, the schema is created the other way
            # round: a host sweeping while another creates the schema deadlocked (two hosts starting at once).
            # Shared here, exclusive there: sweeps run together and wait for a schema being created.
            cur.execute("SELECT pg_advisory_xact_lock_shared(%s)", (SCHEMA_LOCK,))
            return sql.delete_idle(cur, POSTGRES, self._clock() - idle_seconds)

    def create_candidate(self, candidate: StoredCandidate) -> None:
        try:
            with self._tx() as cur:
                candidate_sql.insert_candidate(cur, POSTGRES, candidate)
        except self._psycopg.errors.UniqueViolation:
            raise Conflict(f"candidate {candidate.id} already exists") from None

    def candidate_by_token(self, token_hash: str) -> StoredCandidate | None:
        with self._tx() as cur:
            return candidate_sql.select_candidate_by_token(cur, POSTGRES, token_hash)

    def candidate_sessions(self, candidate_id: str) -> list[StoredSession]:
        with self._tx() as cur:
            return candidate_sql.select_candidate_sessions(cur, POSTGRES, candidate_id)

    def attempts(self, candidate_id: str) -> list[Attempt]:
        with self._tx() as cur:
            return candidate_sql.select_attempts(cur, POSTGRES, candidate_id)

    def close(self) -> None:
        with self._all_lock:
            for conn in self._all:
                conn.close()
            self._all.clear()
