"""Durable sessions: `open_store(settings)` picks the backend (SQLite by default, PostgreSQL by URL)."""

from __future__ import annotations

from interviewer.settings import Settings
from interviewer.store.base import (
    SessionStore,
    StoredCandidate,
    StoredSession,
    StoredTurn,
    StoreUnavailable,
    hash_token,
    token_matches,
)
from knowledge.errors import InvalidInput

SQLITE_FILE = "sessions.db"


def open_store(settings: Settings) -> SessionStore:
    """PostgreSQL when INTERVIEWER_DATABASE_URL is postgresql://…, else SQLite under the data dir."""
    url = settings.database_url
    if url:
        if url.startswith(("postgresql://", "postgres://")):
            from interviewer.store.postgres import PostgresSessionStore

            return PostgresSessionStore(url)
        if url.startswith("sqlite:///"):
            from pathlib import Path

            from interviewer.store.sqlite import SQLiteSessionStore

            return SQLiteSessionStore(Path(url.removeprefix("sqlite:///")))
        raise InvalidInput("INTERVIEWER_DATABASE_URL must start with postgresql:// (or sqlite:///PATH)")
    from interviewer.store.sqlite import SQLiteSessionStore

    return SQLiteSessionStore(settings.data_dir / SQLITE_FILE)


__all__ = [
    "SessionStore",
    "StoreUnavailable",
    "StoredCandidate",
    "StoredSession",
    "StoredTurn",
    "hash_token",
    "open_store",
    "token_matches",
]
