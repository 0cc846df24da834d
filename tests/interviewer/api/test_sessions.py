"""Sessions over HTTP: start, answer, follow-ups, the end, transcript, report, tokens, two app instances."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from interviewer.api.app import create_app
from interviewer.store.base import hash_token
from tests.fakes.interview import FULL_ANSWERS, KeywordGrader, make_services, make_settings, start


def answer_for(state: dict) -> str:
    return FULL_ANSWERS[state["item_id"]]


def test_start_returns_id_token_question_and_summary(client: TestClient, services) -> None:
    response = client.post("/v1/sessions", json={"topics": ["微调"], "num_questions": 1, "mode": "practice"})
    assert response.status_code == 201
    body = response.json()
    assert set(body) >= {"id", "token", "message", "state"}
    assert response.headers["location"] == f"/v1/sessions/{body['id']}"
    assert response.headers["cache-control"] == "no-store"
    assert "什么是 LoRA" in body["message"]
    assert body["state"] == {
        **body["state"],
        "status": "active",
        "question_number": 1,
        "num_questions": 1,
        "follow_ups_used": 0,
        "mode": "practice",
        "language": "zh",
    }
    assert "records" not in body["state"] and "turns" not in body["state"]  # a summary, not the state
    stored = services.store.load(body["id"])
    assert stored.token_hash == hash_token(body["token"]) and body["token"] not in stored.token_hash
    assert len(body["token"]) >= 40


def test_start_without_a_body_uses_the_defaults(client: TestClient) -> None:
    response = client.post("/v1/sessions")
    assert response.status_code == 201
    assert response.json()["state"]["num_questions"] == 3  # the whole tiny bank (5 asked)


def test_a_full_interview_with_a_follow_up_and_the_report(client: TestClient, services) -> None:
    sid, auth, body = start(client, num_questions=2)
    first = body["state"]["item_id"]
    partial = FULL_ANSWERS[first].split()[0]
    reply = client.post(f"/v1/sessions/{sid}/messages", json={"content": partial}, headers=auth).json()
    assert reply["action"] == "follow_up" and reply["done"] is False
    assert reply["evaluation"]["grader"] == "offline" and reply["evaluation"]["score"] < 7
    assert reply["state"]["follow_ups_used"] == 1
    source = reply["evaluation"]["references"][0]["source"]
    assert reply["sources"][source].endswith("笔记")  # the note's title, for the page's citations
    reply = client.post(
        f"/v1/sessions/{sid}/messages", json={"content": FULL_ANSWERS[first]}, headers=auth
    ).json()
    assert reply["action"] == "next" and reply["state"]["question_number"] == 2
    second = answer_for(reply["state"])
    reply = client.post(f"/v1/sessions/{sid}/messages", json={"content": second}, headers=auth).json()
    assert reply["done"] is True and reply["action"] == "end"
    assert reply["report"]["status"] == "finished" and reply["report"]["score"] == 10.0

    transcript = client.get(f"/v1/sessions/{sid}", headers=auth).json()
    assert transcript["state"]["status"] == "finished" and transcript["expired"] is False
    candidate = [t["content"] for t in transcript["turns"] if t["role"] == "candidate"]
    assert candidate == [partial, FULL_ANSWERS[first], second]
    stored_turns = services.store.turns(sid)
    assert [t.seq for t in stored_turns] == list(range(len(transcript["turns"])))

    report = client.get(f"/v1/sessions/{sid}/report", headers=auth)
    assert report.status_code == 200
    assert report.json()["status"] == "finished" and len(report.json()["questions"]) == 2

    again = client.post(f"/v1/sessions/{sid}/messages", json={"content": "还有"}, headers=auth)
    assert again.status_code == 409 and again.json()["error"]["code"] == "session_finished"


def test_partial_report_of_an_active_practice_session(client: TestClient, session) -> None:
    sid, auth, _ = session
    report = client.get(f"/v1/sessions/{sid}/report", headers=auth)
    assert report.status_code == 200 and report.json()["status"] == "active"


def test_exam_mode_hides_grades_until_the_end(client: TestClient) -> None:
    sid, auth, body = start(client, num_questions=1, mode="exam")
    assert (
        client.get(f"/v1/sessions/{sid}/report", headers=auth).json()["error"]["code"] == "exam_in_progress"
    )
    reply = client.post(
        f"/v1/sessions/{sid}/messages", json={"content": answer_for(body["state"])}, headers=auth
    ).json()
    assert reply["evaluation"] is None and reply["done"] is True
    assert client.get(f"/v1/sessions/{sid}/report", headers=auth).json()["score"] == 10.0


def test_requests_are_turns_too_hint_repeat_end(client: TestClient, session) -> None:
    sid, auth, _ = session
    assert (
        client.post(f"/v1/sessions/{sid}/messages", json={"content": "重复一下问题"}, headers=auth).json()[
            "action"
        ]
        == "repeat"
    )
    assert (
        client.post(f"/v1/sessions/{sid}/messages", json={"content": "给个提示"}, headers=auth).json()[
            "action"
        ]
        == "hint"
    )
    reply = client.post(f"/v1/sessions/{sid}/end", headers=auth).json()
    assert reply["done"] is True and reply["report"]["ended_early"] is True
    assert client.post(f"/v1/sessions/{sid}/end", headers=auth).status_code == 409


def test_transcript_and_report_need_the_token(client: TestClient, session) -> None:
    sid, _auth, _ = session
    for path in (f"/v1/sessions/{sid}", f"/v1/sessions/{sid}/report"):
        assert client.get(path).status_code == 401
        assert client.get(path, headers={"Authorization": "Bearer nope"}).status_code == 403


def test_a_token_opens_only_its_own_session(client: TestClient) -> None:
    sid_a, auth_a, _ = start(client)
    sid_b, auth_b, _ = start(client)
    assert client.get(f"/v1/sessions/{sid_a}", headers=auth_b).status_code == 403
    assert client.get(f"/v1/sessions/{sid_b}", headers=auth_b).status_code == 200


def test_unknown_topic_is_a_clear_400(client: TestClient) -> None:
    response = client.post("/v1/sessions", json={"topics": ["量子计算"]})
    assert response.status_code == 400 and "量子计算" in response.json()["error"]["message"]


def test_idle_session_expires_with_410_but_stays_readable(client: TestClient, session, clock) -> None:
    sid, auth, _ = session
    clock.advance(2 * 3600 + 1)
    response = client.post(f"/v1/sessions/{sid}/messages", json={"content": "低秩"}, headers=auth)
    assert response.status_code == 410 and response.json()["error"]["code"] == "session_expired"
    transcript = client.get(f"/v1/sessions/{sid}", headers=auth).json()
    assert transcript["expired"] is True


def test_sessions_are_purged_after_retention(client: TestClient, services, session, clock) -> None:
    sid, auth, _ = session
    clock.advance(31 * 24 * 3600)
    assert services.purge_expired(force=True) == 1
    assert client.get(f"/v1/sessions/{sid}", headers=auth).status_code == 404


# -- two app instances over one database -------------------------------------------------------


@pytest.fixture(params=["sqlite", "postgres"])
def two_apps(request, tmp_path: Path):
    from tests.fakes.interview import store_opener

    with store_opener(request.param, tmp_path) as open_store:
        gate = threading.Barrier(2, timeout=10)
        graders = [KeywordGrader(), KeywordGrader()]
        apps = [create_app(make_services(open_store(), make_settings(tmp_path), grader=g)) for g in graders]
        with TestClient(apps[0]) as one, TestClient(apps[1]) as two:
            yield one, two, graders, gate


def test_two_instances_serving_one_session_alternately(two_apps) -> None:
    one, two, _graders, _gate = two_apps
    sid, auth, body = start(one, num_questions=3)
    contents = []
    state = body["state"]
    for n in range(8):
        if state["status"] == "finished":
            break
        client = (two, one)[n % 2]
        text = FULL_ANSWERS[state["item_id"]].split()[0] if n % 3 == 0 else FULL_ANSWERS[state["item_id"]]
        response = client.post(f"/v1/sessions/{sid}/messages", json={"content": text}, headers=auth)
        assert response.status_code == 200, response.text
        contents.append(text)
        state = response.json()["state"]
    assert state["status"] == "finished"
    for client in (one, two):
        turns = client.get(f"/v1/sessions/{sid}", headers=auth).json()["turns"]
        assert [t["content"] for t in turns if t["role"] == "candidate"] == contents


def test_two_instances_racing_on_one_session_commit_one_answer(two_apps) -> None:
    one, two, graders, gate = two_apps
    sid, auth, body = start(one, num_questions=2)
    for grader in graders:
        grader.gate = gate.wait  # both have loaded the same version before either commits
    statuses: dict[str, int] = {}

    def post(client: TestClient, text: str) -> None:
        statuses[text] = client.post(
            f"/v1/sessions/{sid}/messages", json={"content": text}, headers=auth
        ).status_code

    threads = [threading.Thread(target=post, args=(c, t)) for c, t in ((one, "低秩 甲"), (two, "缓存 乙"))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(statuses.values()) == [200, 409]
    winner = next(text for text, status in statuses.items() if status == 200)
    turns = two.get(f"/v1/sessions/{sid}", headers=auth).json()["turns"]
    assert [t["content"] for t in turns if t["role"] == "candidate"] == [winner]
