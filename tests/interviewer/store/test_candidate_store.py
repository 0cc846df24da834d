"""Candidates in the store, every backend: ownership, attempts committed with the turn, purge, migration."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest

from interviewer.session.interview import Interview
from interviewer.session.models import SessionPlan, SessionState
from interviewer.store import StoredCandidate, hash_token
from interviewer.store.sqlite import SQLiteSessionStore
from knowledge.errors import Conflict
from tests.fakes.interview import FULL_ANSWERS, FakeClock


def candidate(store: Any, name: str = "a", token: str = "tok-a") -> StoredCandidate:
    found = StoredCandidate(f"c-{name}", hash_token(token), name, 1.0)
    store.create_candidate(found)
    return found


def answer_all(interview: Interview, store: Any, state: SessionState, version: int = 1) -> SessionState:
    while state.status == "active":
        record = state.records[state.current]
        state, _ = interview.answer(state, FULL_ANSWERS[record.item_id])
        version = store.save(state, version)
        assert len(store.attempts("c-a")) == (len(state.records) if state.status == "finished" else state.current)
    return state


def test_candidates_are_found_by_token_hash_and_unique(opener) -> None:
    store = opener()
    alice = candidate(store)
    assert store.candidate_by_token(hash_token("tok-a")) == alice
    assert store.candidate_by_token(hash_token("other")) is None
    with pytest.raises(Conflict):
        store.create_candidate(StoredCandidate("c-b", alice.token_hash, "b", 2.0))  # same token hash
    with pytest.raises(Conflict):
        store.create_candidate(StoredCandidate("c-a", hash_token("x"), "a2", 2.0))  # same id


def test_each_closing_save_appends_its_attempts_in_the_same_transaction(opener, interview) -> None:
    clock = FakeClock()
    store = opener(clock=clock)
    alice = candidate(store)
    state, _ = interview.start(SessionPlan(num_questions=3), "s1")
    store.create(state, hash_token("s"), alice.id)
    loaded = store.load("s1")
    assert loaded.candidate_id == alice.id and loaded.candidate_token_hash == alice.token_hash
    finished = answer_all(interview, store, state)
    attempts = store.attempts(alice.id)
    assert [(a.session_id, a.position, a.item_id, a.score) for a in attempts] == [
        ("s1", i, item_id, 10.0) for i, item_id in enumerate(finished.question_ids)]
    assert attempts[0].record == finished.records[0]
    assert [s.state.id for s in store.candidate_sessions(alice.id)] == ["s1"]
    assert store.candidate_sessions("c-nobody") == [] and store.attempts("c-nobody") == []


def test_a_lost_race_records_no_attempt(opener, interview) -> None:
    store = opener()
    alice = candidate(store)
    state, _ = interview.start(SessionPlan(num_questions=2), "s1")
    store.create(state, "h", alice.id)
    closed, _ = interview.answer(state, FULL_ANSWERS[state.question_ids[0]])
    store.save(closed, 1)
    with pytest.raises(Conflict):
        store.save(closed, 1)  # the same version again: refused, nothing appended twice
    assert len(store.attempts(alice.id)) == 1


def test_sessions_without_a_candidate_record_nothing(opener, interview) -> None:
    store = opener()
    candidate(store)
    state, _ = interview.start(SessionPlan(num_questions=1), "s1")
    store.create(state, "h")
    state, _ = interview.answer(state, FULL_ANSWERS[state.question_ids[0]])
    store.save(state, 1)
    assert store.load("s1").candidate_id is None and store.attempts("c-a") == []


def test_purge_drops_the_session_and_keeps_the_progress(opener, interview) -> None:
    clock = FakeClock()
    store = opener(clock=clock)
    alice = candidate(store)
    state, _ = interview.start(SessionPlan(num_questions=1), "s1")
    store.create(state, "h", alice.id)
    answer_all(interview, store, state)
    clock.advance(100)
    assert store.delete_expired(50) == 1
    assert store.candidate_sessions(alice.id) == []
    assert len(store.attempts(alice.id)) == 1


def test_an_existing_database_gains_the_new_tables_and_keeps_its_sessions(tmp_path: Path, interview) -> None:
    path = tmp_path / "old.db"
    state, _ = interview.start(SessionPlan(num_questions=1), "old")
    with sqlite3.connect(path) as conn:  # the schema before candidates existed
        conn.execute("CREATE TABLE sessions (id TEXT PRIMARY KEY, token_hash TEXT NOT NULL, state TEXT NOT NULL,"
                     " status TEXT NOT NULL, version INTEGER NOT NULL, created_at REAL NOT NULL,"
                     " updated_at REAL NOT NULL)")
        conn.execute("CREATE TABLE turns (session_id TEXT NOT NULL, seq INTEGER NOT NULL, role TEXT NOT NULL,"
                     " kind TEXT NOT NULL, content TEXT NOT NULL, grade TEXT, action TEXT, item_id TEXT,"
                     " created_at TEXT NOT NULL, UNIQUE (session_id, seq))")
        old_json = state.model_dump_json(exclude={"plan": {"review"}})  # as an old version wrote it
        conn.execute("INSERT INTO sessions VALUES ('old', 'h', ?, 'active', 3, 1.0, 2.0)", (old_json,))
    store = SQLiteSessionStore(path)
    try:
        stored = store.load("old")
        assert stored.version == 3 and stored.state == state and stored.candidate_id is None
        state2, _ = interview.answer(stored.state, FULL_ANSWERS[state.question_ids[0]])
        assert store.save(state2, 3) == 4
        candidate(store)
    finally:
        store.close()
