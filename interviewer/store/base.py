"""The SessionStore protocol: durable sessions with optimistic concurrency and an append-only transcript.

A session row holds the whole `SessionState` as JSON plus a version; `save` succeeds only if the
version is still the one the caller loaded (another process that committed first wins, the caller
gets Conflict). In the same transaction the turns the state gained are appended to `turns`, whose
unique (session_id, seq) key makes a lost or duplicated turn impossible even with several API
processes on one database.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Protocol

from interviewer.candidates.attempts import Attempt
from interviewer.session.models import SessionState, Turn
from knowledge.errors import InterviewerError


class StoreUnavailable(InterviewerError):
    """The session database cannot be reached or written (the API answers 503)."""


@dataclass(frozen=True)
class StoredSession:
    state: SessionState
    token_hash: str
    version: int
    updated_at: float  # epoch seconds of the last commit
    created_at: float = 0.0
    candidate_id: str | None = None  # the candidate it belongs to, if it was started with a candidate token
    candidate_token_hash: str | None = None


@dataclass(frozen=True)
class StoredCandidate:
    id: str
    token_hash: str
    name: str
    created_at: float


@dataclass(frozen=True)
class StoredTurn:
    """One row of the audit table."""

    session_id: str
    seq: int
    role: str
    kind: str
    content: str
    grade: str | None  # the Grade as JSON text
    action: str | None
    item_id: str | None
    created_at: str


class SessionStore(Protocol):
    def create(self, state: SessionState, token_hash: str, candidate_id: str | None = None) -> int:
        """Insert a new session (and its first turns), owned by the candidate if given; returns its version (1).
        Conflict if the id exists."""
        ...

    def load(self, session_id: str) -> StoredSession:
        """The session as last committed; NotFound if there is none."""
        ...

    def save(self, state: SessionState, expected_version: int) -> int:
        """Commit `state` if the stored version is still `expected_version`; returns the new version."""
        ...

    def turns(self, session_id: str) -> list[StoredTurn]:
        """The audit transcript, in order."""
        ...

    def delete_expired(self, idle_seconds: float) -> int:
        """Delete sessions (and their turns) idle for longer than this; returns how many."""
        ...

    # -- candidates: saving a candidate's session also appends its newly final answers to `attempts` --
    def create_candidate(self, candidate: StoredCandidate) -> None:
        """Conflict if the id or the token hash exists."""
        ...

    def candidate_by_token(self, token_hash: str) -> StoredCandidate | None: ...

    def candidate_sessions(self, candidate_id: str) -> list[StoredSession]:
        """The candidate's sessions (purged ones are gone), oldest first."""
        ...

    def attempts(self, candidate_id: str) -> list[Attempt]:
        """Every final answer of the candidate's sessions, in commit order (kept when a session is purged)."""
        ...

    def close(self) -> None: ...


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def token_matches(token: str, token_hash: str) -> bool:
    """Constant-time comparison of a presented token with the stored hash."""
    return hmac.compare_digest(hash_token(token), token_hash)


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


def turn_rows(state: SessionState, start: int) -> list[tuple[object, ...]]:
    """Rows (session_id, seq, role, kind, content, grade, action, item_id, created_at) from turn `start` on."""
    return [_turn_row(state.id, seq, turn) for seq, turn in enumerate(state.turns[start:], start=start)]


def _turn_row(session_id: str, seq: int, turn: Turn) -> tuple[object, ...]:
    grade = turn.grade.model_dump_json() if turn.grade is not None else None
    return (session_id, seq, turn.role, turn.kind, turn.content, grade, turn.action, turn.item_id,
            turn.created_at or now_iso())


def stored_turn(row: tuple[object, ...]) -> StoredTurn:
    sid, seq, role, kind, content, grade, action, item_id, created_at = row
    return StoredTurn(str(sid), int(seq), str(role), str(kind), str(content),  # type: ignore[call-overload]
                      None if grade is None else str(grade), None if action is None else str(action),
                      None if item_id is None else str(item_id), str(created_at))
