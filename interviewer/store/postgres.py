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

from interviewer.errors import Conflict, NotFound
from interviewer.session.models import SessionState
from interviewer.store.base import StoredSession, StoredTurn, StoreUnavailable, stored_turn, turn_rows

SCHEMA = [
    """CREATE TABLE IF NOT EXISTS sessions (
        id          TEXT PRIMARY KEY,
        token_hash  TEXT NOT NULL,
        state       TEXT NOT NULL,
        status      TEXT NOT NULL,
        version     INTEGER NOT NULL,
        created_at  DOUBLE PRECISION NOT NULL,
        updated_at  DOUBLE PRECISION NOT NULL
    )""",
    "CREATE INDEX IF NOT EXISTS sessions_updated_at ON sessions (updated_at)",
    """CREATE TABLE IF NOT EXISTS turns (
        session_id  TEXT NOT NULL,
        seq         INTEGER NOT NULL,
        role        TEXT NOT NULL,
        kind        TEXT NOT NULL,
        content     TEXT NOT NULL,
        grade       TEXT,
        action      TEXT,
        item_id     TEXT,
        created_at  TEXT NOT NULL,
        UNIQUE (session_id, seq)
    )""",
]
SCHEMA_LOCK = 0x1A7E_5E55  # advisory lock: two processes creating the schema at once would collide
TURN_COLUMNS = "session_id, seq, role, kind, content, grade, action, item_id, created_at"
INSERT_TURN = f"INSERT INTO turns ({TURN_COLUMNS}) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)"
POOL_SIZE = 8


def _pg_rows(rows: list[tuple[object, ...]]) -> list[tuple[object, ...]]:
    # PostgreSQL text cannot hold NUL; the API refuses control characters, this is the last guard.
    return [tuple(v.replace("\x00", "\ufffd") if isinstance(v, str) else v for v in row) for row in rows]


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
            for statement in SCHEMA:
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
    def create(self, state: SessionState, token_hash: str) -> int:
        now = self._clock()
        try:
            with self._tx() as cur:
                cur.execute(
                    "INSERT INTO sessions (id, token_hash, state, status, version, created_at, updated_at)"
                    " VALUES (%s, %s, %s, %s, 1, %s, %s)",
                    (state.id, token_hash, state.model_dump_json(), state.status, now, now),
                )
                cur.executemany(INSERT_TURN, _pg_rows(turn_rows(state, 0)))
        except self._psycopg.errors.UniqueViolation:
            raise Conflict(f"session {state.id} already exists") from None
        return 1

    def _read_session(self, session_id: str) -> Any:
        with self._tx() as cur:
            cur.execute(
                "SELECT state, token_hash, version, updated_at, created_at FROM sessions WHERE id = %s",
                (session_id,),
            )
            return cur.fetchone()

    def load(self, session_id: str) -> StoredSession:
        try:
            row = self._read_session(session_id)
        except StoreUnavailable:
            # A pooled connection the server dropped (restart, idle timeout): reads are safe to retry once.
            row = self._read_session(session_id)
        if row is None:
            raise NotFound(f"no session {session_id!r}")
        state = SessionState.model_validate_json(row[0])
        return StoredSession(state, row[1], int(row[2]), float(row[3]), float(row[4]))

    def save(self, state: SessionState, expected_version: int) -> int:
        new_version = expected_version + 1
        with self._tx() as cur:
            cur.execute(
                "UPDATE sessions SET state = %s, status = %s, version = %s, updated_at = %s"
                " WHERE id = %s AND version = %s",
                (state.model_dump_json(), state.status, new_version, self._clock(), state.id, expected_version),
            )
            if cur.rowcount != 1:
                cur.execute("SELECT 1 FROM sessions WHERE id = %s", (state.id,))
                if cur.fetchone() is None:
                    raise NotFound(f"no session {state.id!r}")
                raise Conflict("the session was changed by another request; reload it and retry")
            cur.execute("SELECT COUNT(*) FROM turns WHERE session_id = %s", (state.id,))
            stored = int(cur.fetchone()[0])
            if len(state.turns) < stored:
                raise Conflict("a saved state may not drop turns of the transcript")
            rows = turn_rows(state, stored)
            if rows:
                cur.executemany(INSERT_TURN, _pg_rows(rows))
        return new_version

    def turns(self, session_id: str) -> list[StoredTurn]:
        with self._tx() as cur:
            cur.execute(f"SELECT {TURN_COLUMNS} FROM turns WHERE session_id = %s ORDER BY seq", (session_id,))
            rows = cur.fetchall()
        return [stored_turn(tuple(r)) for r in rows]

    def delete_expired(self, idle_seconds: float) -> int:
        cutoff = self._clock() - idle_seconds
        with self._tx() as cur:
            cur.execute("DELETE FROM turns WHERE session_id IN (SELECT id FROM sessions WHERE updated_at < %s)",
                        (cutoff,))
            cur.execute("DELETE FROM sessions WHERE updated_at < %s", (cutoff,))
            return int(cur.rowcount)

    def close(self) -> None:
        with self._all_lock:
            for conn in self._all:
                conn.close()
            self._all.clear()
