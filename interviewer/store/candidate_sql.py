"""The candidates' tables and statements, shared by both relational backends (see `sql`).

Only new tables: opening an existing database adds them and leaves the sessions and turns as they are.
`attempts` is an append-only log keyed by (session_id, position): the save that closes a question
inserts its row in the same transaction, and it outlives the session's purge (progress is kept).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from interviewer.candidates.attempts import Attempt, closed_records
from interviewer.session.models import QuestionRecord, SessionState
from interviewer.store.base import StoredCandidate, StoredSession

if TYPE_CHECKING:
    from interviewer.store.sql import Dialect

ATTEMPT_COLUMNS = "candidate_id, session_id, position, item_id, topic, status, score, language, record, answered_at"
SESSION_COLUMNS = "s.state, s.token_hash, s.version, s.updated_at, s.created_at, c.id, c.token_hash"
SESSION_JOINS = ("FROM sessions s LEFT JOIN candidate_sessions cs ON cs.session_id = s.id"
                 " LEFT JOIN candidates c ON c.id = cs.candidate_id")


def schema(float_type: str) -> list[str]:
    return [
        f"""CREATE TABLE IF NOT EXISTS candidates (
            id          TEXT PRIMARY KEY,
            token_hash  TEXT NOT NULL UNIQUE,
            name        TEXT NOT NULL,
            created_at  {float_type} NOT NULL
        )""",
        f"""CREATE TABLE IF NOT EXISTS candidate_sessions (
            session_id   TEXT PRIMARY KEY,
            candidate_id TEXT NOT NULL,
            created_at   {float_type} NOT NULL
        )""",
        "CREATE INDEX IF NOT EXISTS candidate_sessions_candidate ON candidate_sessions (candidate_id)",
        f"""CREATE TABLE IF NOT EXISTS attempts (
            candidate_id TEXT NOT NULL,
            session_id   TEXT NOT NULL,
            position     INTEGER NOT NULL,
            item_id      TEXT NOT NULL,
            topic        TEXT NOT NULL,
            status       TEXT NOT NULL,
            score        {float_type} NOT NULL,
            language     TEXT NOT NULL,
            record       TEXT NOT NULL,
            answered_at  {float_type} NOT NULL,
            PRIMARY KEY (session_id, position)
        )""",
        "CREATE INDEX IF NOT EXISTS attempts_candidate ON attempts (candidate_id, answered_at)",
    ]


def insert_candidate(cur: Any, d: Dialect, candidate: StoredCandidate) -> None:
    cur.execute(f"INSERT INTO candidates (id, token_hash, name, created_at) VALUES ({d.params(4)})",
                (candidate.id, candidate.token_hash, candidate.name, candidate.created_at))


def select_candidate_by_token(cur: Any, d: Dialect, token_hash: str) -> StoredCandidate | None:
    cur.execute(f"SELECT id, token_hash, name, created_at FROM candidates WHERE token_hash = {d.placeholder}",
                (token_hash,))
    row = cur.fetchone()
    return None if row is None else StoredCandidate(str(row[0]), str(row[1]), str(row[2]), float(row[3]))


def insert_owner(cur: Any, d: Dialect, session_id: str, candidate_id: str, now: float) -> None:
    cur.execute(f"INSERT INTO candidate_sessions (session_id, candidate_id, created_at) VALUES ({d.params(3)})",
                (session_id, candidate_id, now))


def stored_session(row: tuple[Any, ...]) -> StoredSession:
    state, token_hash, version, updated_at, created_at, candidate_id, candidate_token_hash = row
    return StoredSession(SessionState.model_validate_json(state), token_hash, int(version), float(updated_at),
                         float(created_at), candidate_id, candidate_token_hash)


def select_session(cur: Any, d: Dialect, session_id: str) -> StoredSession | None:
    cur.execute(f"SELECT {SESSION_COLUMNS} {SESSION_JOINS} WHERE s.id = {d.placeholder}", (session_id,))
    row = cur.fetchone()
    return None if row is None else stored_session(tuple(row))


def select_candidate_sessions(cur: Any, d: Dialect, candidate_id: str) -> list[StoredSession]:
    cur.execute(f"SELECT {SESSION_COLUMNS} {SESSION_JOINS} WHERE cs.candidate_id = {d.placeholder}"
                " ORDER BY s.created_at, s.id", (candidate_id,))
    return [stored_session(tuple(r)) for r in cur.fetchall()]


def record_attempts(cur: Any, d: Dialect, state: SessionState, now: float) -> None:
    """Append the answers of a candidate's session that became final with this save."""
    p = d.placeholder
    cur.execute(f"SELECT candidate_id FROM candidate_sessions WHERE session_id = {p}", (state.id,))
    owner = cur.fetchone()
    closed = closed_records(state) if owner is not None else []
    if not closed:
        return
    cur.execute(f"SELECT position FROM attempts WHERE session_id = {p}", (state.id,))
    recorded = {int(r[0]) for r in cur.fetchall()}
    rows: list[tuple[object, ...]] = [
        (owner[0], state.id, pos, rec.item_id, rec.topic, rec.status, float(rec.final_score or 0.0),
         state.plan.language, rec.model_dump_json(), now)
        for pos, rec in closed if pos not in recorded
    ]
    if rows:
        cur.executemany(f"INSERT INTO attempts ({ATTEMPT_COLUMNS}) VALUES ({d.params(10)})", d.clean_rows(rows))


def select_attempts(cur: Any, d: Dialect, candidate_id: str) -> list[Attempt]:
    cur.execute(f"SELECT {ATTEMPT_COLUMNS} FROM attempts WHERE candidate_id = {d.placeholder}"
                " ORDER BY answered_at, session_id, position", (candidate_id,))
    return [
        Attempt(candidate_id=r[0], session_id=r[1], position=int(r[2]), item_id=r[3], topic=r[4], status=r[5],
                score=float(r[6]), language=r[7], record=QuestionRecord.model_validate_json(r[8]),
                answered_at=float(r[9]))
        for r in cur.fetchall()
    ]


def forget_idle_owners(cur: Any, d: Dialect, cutoff: float) -> None:
    """Before purging sessions: drop their ownership rows (their attempts stay)."""
    cur.execute(f"DELETE FROM candidate_sessions WHERE session_id IN"
                f" (SELECT id FROM sessions WHERE updated_at < {d.placeholder})", (cutoff,))
