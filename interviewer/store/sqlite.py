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

from interviewer.errors import Conflict, NotFound
from interviewer.session.models import SessionState
from interviewer.store.base import StoredSession, StoredTurn, StoreUnavailable, stored_turn, turn_rows

SCHEMA = """
CREATE TABLE IF NOT EXISTS sessions (
    id          TEXT PRIMARY KEY,
    token_hash  TEXT NOT NULL,
    state       TEXT NOT NULL,
    status      TEXT NOT NULL,
    version     INTEGER NOT NULL,
    created_at  REAL NOT NULL,
    updated_at  REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS sessions_updated_at ON sessions (updated_at);
CREATE TABLE IF NOT EXISTS turns (
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
);
"""

TURN_COLUMNS = "session_id, seq, role, kind, content, grade, action, item_id, created_at"
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
            self._conn.executescript(SCHEMA)  # IF NOT EXISTS: safe when several processes start at once

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

    def create(self, state: SessionState, token_hash: str) -> int:
        now = self._clock()
        try:
            with self._write() as cur:
                cur.execute(
                    "INSERT INTO sessions (id, token_hash, state, status, version, created_at, updated_at)"
                    " VALUES (?, ?, ?, ?, 1, ?, ?)",
                    (state.id, token_hash, state.model_dump_json(), state.status, now, now),
                )
                cur.executemany(f"INSERT INTO turns ({TURN_COLUMNS}) VALUES (?,?,?,?,?,?,?,?,?)",
                                turn_rows(state, 0))
        except sqlite3.IntegrityError:
            raise Conflict(f"session {state.id} already exists") from None
        return 1

    def load(self, session_id: str) -> StoredSession:
        with self._lock, _unavailable_on_error():
            row = self._conn.execute(
                "SELECT state, token_hash, version, updated_at, created_at FROM sessions WHERE id = ?",
                (session_id,),
            ).fetchone()
        if row is None:
            raise NotFound(f"no session {session_id!r}")
        state = SessionState.model_validate_json(row[0])
        return StoredSession(state, row[1], int(row[2]), float(row[3]), float(row[4]))

    def save(self, state: SessionState, expected_version: int) -> int:
        new_version = expected_version + 1
        with self._write() as cur:
            cur.execute(
                "UPDATE sessions SET state = ?, status = ?, version = ?, updated_at = ?"
                " WHERE id = ? AND version = ?",
                (state.model_dump_json(), state.status, new_version, self._clock(), state.id, expected_version),
            )
            if cur.rowcount != 1:
                exists = cur.execute("SELECT 1 FROM sessions WHERE id = ?", (state.id,)).fetchone()
                if exists is None:
                    raise NotFound(f"no session {state.id!r}")
                raise Conflict("the session was changed by another request; reload it and retry")
            stored = cur.execute("SELECT COUNT(*) FROM turns WHERE session_id = ?", (state.id,)).fetchone()[0]
            if len(state.turns) < stored:
                raise Conflict("a saved state may not drop turns of the transcript")
            cur.executemany(f"INSERT INTO turns ({TURN_COLUMNS}) VALUES (?,?,?,?,?,?,?,?,?)",
                            turn_rows(state, stored))
        return new_version

    def turns(self, session_id: str) -> list[StoredTurn]:
        with self._lock:
            rows = self._conn.execute(
                f"SELECT {TURN_COLUMNS} FROM turns WHERE session_id = ? ORDER BY seq", (session_id,)
            ).fetchall()
        return [stored_turn(tuple(r)) for r in rows]

    def delete_expired(self, idle_seconds: float) -> int:
        cutoff = self._clock() - idle_seconds
        with self._write() as cur:
            cur.execute("DELETE FROM turns WHERE session_id IN (SELECT id FROM sessions WHERE updated_at < ?)",
                        (cutoff,))
            cur.execute("DELETE FROM sessions WHERE updated_at < ?", (cutoff,))
            return cur.rowcount

    def close(self) -> None:
        with self._lock:
            self._conn.close()
