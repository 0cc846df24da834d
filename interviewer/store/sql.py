"""The SQL both relational backends share: one schema, one set of statements, one transaction body each.

SQLite and PostgreSQL differ here only in the parameter placeholder (`?` against `%s`) and the name
of a double-precision column type; each backend owns its connection handling and error mapping,
and calls these functions with a DB-API cursor inside one of its transactions.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from interviewer.session.models import SessionState
from interviewer.store import candidate_sql
from interviewer.store.base import StoredSession, StoredTurn, stored_turn, turn_rows
from knowledge.errors import Conflict, NotFound

TURN_COLUMNS = "session_id, seq, role, kind, content, grade, action, item_id, created_at"
Rows = list[tuple[object, ...]]


def schema(float_type: str) -> list[str]:
    """The tables and index, each statement idempotent (several processes may start at once)."""
    return [
        f"""CREATE TABLE IF NOT EXISTS sessions (
            id          TEXT PRIMARY KEY,
            token_hash  TEXT NOT NULL,
            state       TEXT NOT NULL,
            status      TEXT NOT NULL,
            version     INTEGER NOT NULL,
            created_at  {float_type} NOT NULL,
            updated_at  {float_type} NOT NULL
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
        *candidate_sql.schema(float_type),
    ]


@dataclass(frozen=True)
class Dialect:
    """What differs between the backends: the placeholder, and a last clean-up of row values."""

    placeholder: str
    clean_rows: Callable[[Rows], Rows] = lambda rows: rows

    def params(self, n: int) -> str:
        return ", ".join([self.placeholder] * n)


def insert_session(cur: Any, d: Dialect, state: SessionState, token_hash: str, now: float,
                   candidate_id: str | None = None) -> None:
    cur.execute(
        "INSERT INTO sessions (id, token_hash, state, status, version, created_at, updated_at)"
        f" VALUES ({d.params(4)}, 1, {d.params(2)})",
        (state.id, token_hash, state.model_dump_json(), state.status, now, now),
    )
    _append_turns(cur, d, state, 0)
    if candidate_id is not None:
        candidate_sql.insert_owner(cur, d, state.id, candidate_id, now)


def select_session(cur: Any, d: Dialect, session_id: str) -> StoredSession | None:
    """The session, with its owner (candidate id and token hash) when it has one."""
    return candidate_sql.select_session(cur, d, session_id)


def require(found: StoredSession | None, session_id: str) -> StoredSession:
    if found is None:
        raise NotFound(f"no session {session_id!r}")
    return found


def update_session(cur: Any, d: Dialect, state: SessionState, expected_version: int, now: float) -> int:
    """Compare-and-set on the version, then append the turns the state gained; returns the new version."""
    p = d.placeholder
    new_version = expected_version + 1
    cur.execute(
        f"UPDATE sessions SET state = {p}, status = {p}, version = {p}, updated_at = {p}"
        f" WHERE id = {p} AND version = {p}",
        (state.model_dump_json(), state.status, new_version, now, state.id, expected_version),
    )
    if cur.rowcount != 1:
        cur.execute(f"SELECT 1 FROM sessions WHERE id = {p}", (state.id,))
        if cur.fetchone() is None:
            raise NotFound(f"no session {state.id!r}")
        raise Conflict("the session was changed by another request; reload it and retry")
    cur.execute(f"SELECT COUNT(*) FROM turns WHERE session_id = {p}", (state.id,))
    stored = int(cur.fetchone()[0])
    if len(state.turns) < stored:
        raise Conflict("a saved state may not drop turns of the transcript")
    _append_turns(cur, d, state, stored)
    candidate_sql.record_attempts(cur, d, state, now)  # progress commits with the turn that changes it
    return new_version


def select_turns(cur: Any, d: Dialect, session_id: str) -> list[StoredTurn]:
    cur.execute(f"SELECT {TURN_COLUMNS} FROM turns WHERE session_id = {d.placeholder} ORDER BY seq", (session_id,))
    return [stored_turn(tuple(r)) for r in cur.fetchall()]


def delete_idle(cur: Any, d: Dialect, cutoff: float) -> int:
    """Delete sessions last written before `cutoff`, turns first; returns how many sessions went."""
    p = d.placeholder
    candidate_sql.forget_idle_owners(cur, d, cutoff)
    cur.execute(f"DELETE FROM turns WHERE session_id IN (SELECT id FROM sessions WHERE updated_at < {p})", (cutoff,))
    cur.execute(f"DELETE FROM sessions WHERE updated_at < {p}", (cutoff,))
    return int(cur.rowcount)


def _append_turns(cur: Any, d: Dialect, state: SessionState, start: int) -> None:
    rows = turn_rows(state, start)
    if rows:
        cur.executemany(f"INSERT INTO turns ({TURN_COLUMNS}) VALUES ({d.params(9)})", d.clean_rows(rows))
