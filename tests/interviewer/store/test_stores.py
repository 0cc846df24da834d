"""One suite, every backend: SQLite always, PostgreSQL when INTERVIEWER_TEST_DATABASE_URL is set."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest

from interviewer.grading.models import Grade
from interviewer.session.interview import Interview
from interviewer.session.models import SessionPlan, SessionState
from interviewer.store import hash_token, open_store, token_matches
from interviewer.store.sqlite import SQLiteSessionStore
from knowledge.errors import Conflict, NotFound
from tests.fakes.interview import FakeClock, KeywordGrader, make_bank, make_settings


def started(interview: Interview, session_id: str = "s1", **plan: Any) -> SessionState:
    state, _reply = interview.start(SessionPlan(num_questions=3, **plan), session_id)
    return state


def assert_audit_matches(store: Any, state: SessionState) -> None:
    rows = store.turns(state.id)
    assert [r.seq for r in rows] == list(range(len(state.turns)))  # none lost, none duplicated
    assert [(r.role, r.kind, r.content, r.item_id) for r in rows] == [
        (t.role, t.kind, t.content, t.item_id) for t in state.turns
    ]


def test_create_then_load_round_trips_the_whole_state(opener, interview) -> None:
    store = opener()
    state = started(interview)
    assert store.create(state, hash_token("tok")) == 1
    stored = store.load("s1")
    assert stored.state == state
    assert stored.version == 1
    assert token_matches("tok", stored.token_hash) and not token_matches("other", stored.token_hash)
    assert_audit_matches(store, state)


def test_unknown_session_is_not_found(opener) -> None:
    store = opener()
    with pytest.raises(NotFound):
        store.load("nope")
    assert store.turns("nope") == []


def test_duplicate_id_conflicts(opener, interview) -> None:
    store = opener()
    store.create(started(interview), "h")
    with pytest.raises(Conflict):
        store.create(started(interview), "h")


def test_save_appends_exactly_the_new_turns(opener, interview) -> None:
    store = opener()
    state = started(interview)
    store.create(state, "h")
    state2, _ = interview.answer(state, "低秩 冻结")  # partial: a follow-up
    assert store.save(state2, 1) == 2
    state3, _ = interview.answer(state2, "合并")
    assert store.save(state3, 2) == 3
    stored = store.load("s1")
    assert stored.version == 3 and stored.state == state3
    assert_audit_matches(store, state3)
    graded = [r for r in store.turns("s1") if r.grade]
    assert graded and all(Grade.model_validate_json(r.grade).score >= 0 for r in graded)


def test_stale_version_conflicts_and_changes_nothing(opener, interview) -> None:
    store = opener()
    state = started(interview)
    store.create(state, "h")
    store.save(interview.answer(state, "低秩")[0], 1)
    before = store.load("s1")
    with pytest.raises(Conflict):
        store.save(interview.answer(state, "缓存")[0], 1)
    after = store.load("s1")
    assert after.state == before.state and after.version == before.version == 2
    assert_audit_matches(store, after.state)


def test_save_of_unknown_session_is_not_found(opener, interview) -> None:
    with pytest.raises(NotFound):
        opener().save(started(interview, "ghost"), 1)


def test_a_state_may_not_drop_turns(opener, interview) -> None:
    store = opener()
    state = started(interview)
    store.create(state, "h")
    shorter = state.model_copy(update={"turns": state.turns[:1]})
    with pytest.raises(Conflict):
        store.save(shorter, 1)


def test_unicode_survives(opener, interview) -> None:
    store = opener()
    state = started(interview)
    store.create(state, "h")
    text = "低秩 🚀 naïve — “quotes” \\ backslash 'single' \t tab"
    state2, _ = interview.answer(state, text)
    store.save(state2, 1)
    assert store.load("s1").state == state2
    assert text.strip() in [r.content for r in store.turns("s1")]


def test_two_processes_alternating_lose_and_duplicate_nothing(opener, interview) -> None:
    a, b = opener(), opener()  # two connections: as two API processes on one database
    state = started(interview)
    a.create(state, "h")
    answers = ["低秩", "冻结", "合并", "缓存 显存", "检索"]
    for n, text in enumerate(answers):
        store = (a, b)[n % 2]
        stored = store.load("s1")
        if stored.state.status == "finished":
            break
        new_state, _ = interview.answer(stored.state, text)
        store.save(new_state, stored.version)
    final = b.load("s1")
    assert_audit_matches(a, final.state)
    candidate_turns = [t.content for t in final.state.turns if t.role == "candidate"]
    assert candidate_turns == answers[: len(candidate_turns)] and len(candidate_turns) >= 3


def test_racing_saves_from_one_version_commit_exactly_once(opener, interview) -> None:
    a, b = opener(), opener()
    state = started(interview)
    a.create(state, "h")
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def answer(store: Any, text: str) -> None:
        stored = store.load("s1")
        new_state, _ = interview.answer(stored.state, text)
        barrier.wait()  # both hold version 1 before either commits
        try:
            store.save(new_state, stored.version)
            outcomes.append("saved")
        except Conflict:
            outcomes.append("conflict")

    threads = [threading.Thread(target=answer, args=(s, t)) for s, t in ((a, "低秩"), (b, "冻结"))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["conflict", "saved"]
    final = a.load("s1")
    assert final.version == 2
    assert_audit_matches(b, final.state)


def test_many_writers_with_retries_keep_every_turn(opener) -> None:
    interview = Interview(make_bank(), KeywordGrader(), max_follow_ups=20)
    stores = [opener(), opener()]
    stores[0].create(started(interview), "h")
    committed: list[str] = []
    lock = threading.Lock()

    def worker(n: int) -> None:
        store = stores[n % 2]
        for i in range(4):
            text = f"低秩 w{n} a{i}"
            while True:
                stored = store.load("s1")
                new_state, _ = interview.answer(stored.state, text)
                try:
                    store.save(new_state, stored.version)
                except Conflict:
                    continue
                with lock:
                    committed.append(text)
                break

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    final = stores[1].load("s1")
    answers = [t.content for t in final.state.turns if t.role == "candidate"]
    assert sorted(answers) == sorted(committed) and len(answers) == 16
    assert final.version == 17
    assert_audit_matches(stores[0], final.state)


def test_delete_expired_removes_idle_sessions_and_their_turns(opener, interview) -> None:
    clock = FakeClock()
    store = opener(clock=clock)
    store.create(started(interview, "old"), "h")
    clock.advance(100)
    store.create(started(interview, "new"), "h")
    clock.advance(20)
    assert store.delete_expired(50) == 1
    with pytest.raises(NotFound):
        store.load("old")
    assert store.turns("old") == []
    assert store.load("new").state.id == "new"
    assert store.load("new").updated_at == clock.now - 20


def test_reopened_store_has_every_commit(opener, interview) -> None:
    store = opener()
    state = started(interview)
    store.create(state, "h")
    state2, _ = interview.answer(state, "低秩 冻结 合并")
    store.save(state2, 1)
    store.close()
    again = opener()
    assert again.load("s1").state == state2
    assert_audit_matches(again, state2)


def test_open_store_picks_sqlite_by_default_in_the_data_dir(tmp_path: Path) -> None:
    store = open_store(make_settings(tmp_path))
    try:
        assert isinstance(store, SQLiteSessionStore)
        assert store.path == tmp_path / "data" / "sessions.db"
        mode = store._conn.execute("PRAGMA journal_mode").fetchone()[0]
        sync = store._conn.execute("PRAGMA synchronous").fetchone()[0]
        assert (mode, sync) == ("wal", 2)  # 2 = FULL
    finally:
        store.close()


def test_open_store_refuses_an_unknown_url(tmp_path: Path) -> None:
    from knowledge.errors import InvalidInput

    with pytest.raises(InvalidInput, match="postgresql://"):
        open_store(make_settings(tmp_path, database_url="mysql://x"))


def test_a_sweep_waits_for_a_schema_being_created_instead_of_deadlocking(tmp_path: Path, interview) -> None:
    """Two hosts starting at once: one created the schema (sessions -> ... -> candidate_sessions) while the other
    swept expired sessions (candidate_sessions -> turns -> sessions) and PostgreSQL killed one as a deadlock.
    A sweep now holds the schema lock shared: it waits while another process holds it to create the schema."""
    from tests.fakes.interview import store_opener

    with store_opener("postgres", tmp_path) as open_store_:
        store = open_store_()
        store.create(started(interview, "old"), "h")
        import psycopg

        from interviewer.store.postgres import SCHEMA_LOCK

        with psycopg.connect(store.url, autocommit=True) as other, other.transaction():
            other.execute("SELECT pg_advisory_xact_lock(%s)", (SCHEMA_LOCK,))  # a schema being created
            swept: list[int] = []
            sweeper = threading.Thread(target=lambda: swept.append(store.delete_expired(-1)))
            sweeper.start()
            sweeper.join(1.0)
            assert sweeper.is_alive() and swept == []  # waiting for the schema, not deleting under it
        sweeper.join(10)
        assert swept == [1]
        with pytest.raises(NotFound):
            store.load("old")
