"""Candidates over HTTP: profiles, ownership and isolation, progress, history, the review queue, review mode."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from interviewer.store.base import hash_token
from tests.fakes.interview import FULL_ANSWERS

DAY = 86_400.0


def new_candidate(client: TestClient, **body: Any) -> dict[str, str]:
    response = client.post("/v1/candidates", json=body or None)
    assert response.status_code == 201, response.text
    return {"Authorization": f"Bearer {response.json()['token']}"}


def practise(client: TestClient, auth: dict[str, str], answers: dict[str, str], **body: Any) -> dict[str, Any]:
    """One session as the candidate: each item gets its answer (a thin one is followed by 不知道); the report."""
    started = client.post("/v1/sessions", json={"num_questions": 3, **body}, headers=auth)
    assert started.status_code == 201, started.text
    sid, reply = started.json()["id"], started.json()
    asked = [reply["state"]["item_id"]]
    while not reply.get("done"):
        item = reply["state"]["item_id"]
        content = "不知道" if reply.get("action") == "follow_up" else answers.get(item, FULL_ANSWERS[item])
        reply = client.post(f"/v1/sessions/{sid}/messages", json={"content": content}, headers=auth).json()
        if not reply["done"] and reply["state"]["item_id"] != asked[-1]:
            asked.append(reply["state"]["item_id"])
    return {"id": sid, "asked": asked, "report": reply["report"]}


def db_rows(tmp_path: Path, table: str) -> int:
    with sqlite3.connect(tmp_path / "sessions.db") as conn:
        return int(conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0])


def test_create_a_candidate_stores_only_the_token_hash(client: TestClient, store, tmp_path: Path) -> None:
    response = client.post("/v1/candidates", json={"name": "  小王 "})
    assert response.status_code == 201
    body = response.json()
    assert set(body) == {"id", "token", "name", "created_at"} and body["name"] == "小王"
    assert response.headers["cache-control"] == "no-store" and len(body["token"]) >= 40
    found = store.candidate_by_token(hash_token(body["token"]))
    assert found is not None and found.id == body["id"] and body["token"] not in found.token_hash
    assert body["token"].encode() not in (tmp_path / "sessions.db").read_bytes()
    me = client.get("/v1/candidates/me", headers={"Authorization": f"Bearer {body['token']}"}).json()
    assert me == {"id": body["id"], "name": "小王", "created_at": body["created_at"], "sessions": 0, "due": 0}
    assert client.post("/v1/candidates").status_code == 201  # no body: an unnamed profile


@pytest.mark.parametrize(("body", "status"), [
    ({"name": "x" * 81}, 422),
    ({"name": "a", "role": "admin"}, 422),
    ({"name": "bad\x00name"}, 400),
    ([], 422),
])
def test_bad_candidate_input_is_refused_and_creates_nothing(client: TestClient, tmp_path: Path, body, status) -> None:
    response = client.post("/v1/candidates", json=body)
    assert response.status_code == status, response.text
    assert response.json()["error"]["message"]
    assert db_rows(tmp_path, "candidates") == 0


def test_malformed_json_creates_no_candidate(client: TestClient, tmp_path: Path) -> None:
    response = client.post("/v1/candidates", content=b"{name", headers={"Content-Type": "application/json"})
    assert response.status_code == 400
    assert db_rows(tmp_path, "candidates") == 0


@pytest.mark.parametrize("route", ["/v1/candidates/me", "/v1/candidates/me/progress", "/v1/candidates/me/sessions",
                                   "/v1/candidates/me/reviews"])
def test_me_routes_need_a_candidate_token(client: TestClient, route: str) -> None:
    missing = client.get(route)
    assert missing.status_code == 401 and missing.json()["error"]["code"] == "missing_token"
    assert missing.headers["www-authenticate"] == "Bearer"
    wrong = client.get(route, headers={"Authorization": "Bearer not-a-token"})
    assert wrong.status_code == 401 and wrong.json()["error"]["code"] == "invalid_token"
    session_token = client.post("/v1/sessions").json()["token"]  # a session's token is no candidate's
    assert client.get(route, headers={"Authorization": f"Bearer {session_token}"}).status_code == 401


def test_a_session_started_with_a_candidate_token_belongs_to_the_candidate(client: TestClient, services) -> None:
    alice, bob = new_candidate(client), new_candidate(client)
    started = client.post("/v1/sessions", json={"num_questions": 1}, headers=alice).json()
    sid, own = started["id"], {"Authorization": f"Bearer {started['token']}"}
    assert services.store.load(sid).candidate_id is not None
    for auth in (own, alice):  # the session token and its candidate's token both open it
        assert client.get(f"/v1/sessions/{sid}", headers=auth).status_code == 200
        assert client.get(f"/v1/sessions/{sid}/report", headers=auth).status_code == 200
    denied = client.get(f"/v1/sessions/{sid}", headers=bob)
    assert denied.status_code == 403 and denied.json()["error"]["code"] == "invalid_token"
    assert client.post(f"/v1/sessions/{sid}/messages", json={"content": "低秩"}, headers=bob).status_code == 403

    anonymous = client.post("/v1/sessions", json={"num_questions": 1}).json()
    assert services.store.load(anonymous["id"]).candidate_id is None
    assert client.get(f"/v1/sessions/{anonymous['id']}", headers=alice).status_code == 403


def test_an_unknown_bearer_on_start_is_refused_and_starts_nothing(client: TestClient, tmp_path: Path) -> None:
    response = client.post("/v1/sessions", json={"num_questions": 1}, headers={"Authorization": "Bearer nope"})
    assert response.status_code == 401 and response.json()["error"]["code"] == "invalid_token"
    assert db_rows(tmp_path, "sessions") == 0


@pytest.mark.parametrize("settings_overrides", [{"api_keys": "k1"}])
def test_the_service_api_key_as_bearer_starts_an_anonymous_session(client: TestClient, services) -> None:
    response = client.post("/v1/sessions", json={"num_questions": 1}, headers={"Authorization": "Bearer k1"})
    assert response.status_code == 201
    assert services.store.load(response.json()["id"]).candidate_id is None


def test_three_sessions_give_progress_per_item_and_topic(client: TestClient, clock) -> None:
    alice = new_candidate(client)
    sessions = []
    for answers in ({"lora": "低秩", "kv": "不知道"}, {"lora": "低秩 冻结"}, {}):
        sessions.append(practise(client, alice, answers))
        clock.advance(DAY)
    progress = client.get("/v1/candidates/me/progress", headers=alice).json()
    assert progress["sessions"] == 3 and progress["attempts"] == 9 and progress["items_answered"] == 3
    lora = next(i for i in progress["items"] if i["item_id"] == "lora")
    assert [p["score"] for p in lora["trend"]] == [3.3, 6.7, 10.0]
    assert [p["session_id"] for p in lora["trend"]] == [s["id"] for s in sessions]
    assert lora["latest_score"] == 10.0 and lora["best_score"] == 10.0 and lora["missed"] == []
    assert lora["question"] == "什么是 LoRA？" and lora["topic"] == "微调" and lora["due_at"] is not None
    topic = next(t for t in progress["topics"] if t["topic"] == "微调")
    assert [p["score"] for p in topic["trend"]] == [3.3, 6.7, 10.0] and topic["weak"] is False
    kv = next(i for i in progress["items"] if i["item_id"] == "kv")
    assert [p["score"] for p in kv["trend"]] == [0.0, 10.0, 10.0]

    history = client.get("/v1/candidates/me/sessions", headers=alice).json()["sessions"]
    assert [h["id"] for h in history] == [s["id"] for s in sessions]
    assert [h["score"] for h in history] == [s["report"]["score"] for s in sessions]
    assert history[0]["report"] == f"/v1/sessions/{sessions[0]['id']}/report"
    assert client.get(history[0]["report"], headers=alice).status_code == 200

    bob = new_candidate(client)  # another candidate sees none of it
    assert client.get("/v1/candidates/me/progress", headers=bob).json()["items"] == []
    assert client.get("/v1/candidates/me/sessions", headers=bob).json()["sessions"] == []
    assert client.get("/v1/candidates/me/reviews", headers=bob).json()["due"] == []


def test_missed_points_are_those_the_latest_answer_still_misses(client: TestClient) -> None:
    alice = new_candidate(client)
    practise(client, alice, {"rag": "检索"}, topics=["检索"], num_questions=1)
    item = client.get("/v1/candidates/me/progress", headers=alice).json()["items"][0]
    assert item["item_id"] == "rag" and item["latest_score"] == 3.3
    assert [p["text"] for p in item["missed"]] == ["幻觉：减少幻觉，回答有据可查", "更新：知识更新不需要重新训练"]
    topic = client.get("/v1/candidates/me/progress", headers=alice).json()["topics"][0]
    assert topic == {**topic, "topic": "检索", "missed": 2, "weak": True, "latest_mean": 3.3}


def test_the_review_queue_and_a_review_session_ask_due_items_first(client: TestClient, clock) -> None:
    alice = new_candidate(client)
    practise(client, alice, {"kv": "不知道", "lora": "低秩 冻结"})  # kv: Again, lora: Good, rag: Easy
    reviews = client.get("/v1/candidates/me/reviews", headers=alice).json()
    assert reviews["due"] == [] and reviews["scheduled"] == 3 and reviews["next_due_at"] == clock() + DAY
    clock.advance(DAY)
    due = client.get("/v1/candidates/me/reviews", headers=alice).json()["due"]
    assert [(d["item_id"], d["last_rating"]) for d in due] == [("kv", "again")]
    assert client.get("/v1/candidates/me", headers=alice).json()["due"] == 1

    review = client.post("/v1/sessions", json={"mode": "review", "num_questions": 2}, headers=alice)
    assert review.status_code == 201, review.text
    assert review.json()["state"]["item_id"] == "kv" and review.json()["state"]["mode"] == "practice"
    sid = review.json()["id"]
    reply = client.post(f"/v1/sessions/{sid}/messages", json={"content": FULL_ANSWERS["kv"]}, headers=alice).json()
    assert reply["evaluation"]["score"] == 10.0  # graded like practice
    transcript = client.get(f"/v1/sessions/{sid}", headers=alice).json()
    assert transcript["plan"]["review"] is True and transcript["plan"]["mode"] == "practice"
    assert client.get("/v1/candidates/me/reviews", headers=alice).json()["due"] == []  # reviewed now


def test_review_mode_then_weak_topics(client: TestClient, clock) -> None:
    alice = new_candidate(client)
    practise(client, alice, {"rag": "检索"}, topics=["检索"], num_questions=1)  # 检索 is weak, nothing due yet
    started = client.post("/v1/sessions", json={"mode": "review", "num_questions": 1}, headers=alice).json()
    assert started["state"]["item_id"] == "rag"


def test_review_mode_needs_a_candidate_and_changes_nothing_without_one(client: TestClient, tmp_path: Path) -> None:
    response = client.post("/v1/sessions", json={"mode": "review"})
    assert response.status_code == 400 and response.json()["error"]["code"] == "candidate_required"
    assert db_rows(tmp_path, "sessions") == 0


def test_a_running_exam_reveals_no_scores_through_progress(client: TestClient) -> None:
    alice = new_candidate(client)
    started = client.post("/v1/sessions", json={"mode": "exam", "num_questions": 2}, headers=alice).json()
    sid = started["id"]
    client.post(f"/v1/sessions/{sid}/messages", json={"content": FULL_ANSWERS[started["state"]["item_id"]]},
                headers=alice)
    assert client.get("/v1/candidates/me/progress", headers=alice).json()["attempts"] == 0
    assert client.get("/v1/candidates/me/sessions", headers=alice).json()["sessions"][0]["score"] is None
    client.post(f"/v1/sessions/{sid}/end", headers=alice)
    assert client.get("/v1/candidates/me/progress", headers=alice).json()["attempts"] == 1


def test_the_review_queue_speaks_the_language_asked_for(client: TestClient, services, clock) -> None:
    from knowledge.models import ItemTranslation

    alice = new_candidate(client)
    practise(client, alice, {"kv": "不知道", "lora": "低秩 冻结"})
    clock.advance(DAY)
    kv = services.bank.get("kv")
    kv.en = ItemTranslation(question="What is the KV cache?", key_points=["k"] * len(kv.key_points), follow_ups=[])
    english = client.get("/v1/candidates/me/reviews?language=en", headers=alice).json()["due"]
    chinese = client.get("/v1/candidates/me/reviews", headers=alice).json()["due"]
    assert [d["question"] for d in english] == ["What is the KV cache?"]
    assert [d["question"] for d in chinese] == [kv.question]
    bad = client.get("/v1/candidates/me/reviews?language=fr", headers=alice)
    assert bad.status_code == 422
