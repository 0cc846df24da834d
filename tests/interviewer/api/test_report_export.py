"""GET /v1/sessions/{id}/report.md: the report as a Markdown download, under the JSON report's rules."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from tests.fakes.interview import FULL_ANSWERS, start


def _finish(client: TestClient, auth: dict[str, str], sid: str, body: dict) -> None:
    state = body["state"]
    while True:
        reply = client.post(f"/v1/sessions/{sid}/messages", json={"content": FULL_ANSWERS[state["item_id"]]},
                            headers=auth).json()
        if reply["done"]:
            return
        state = reply["state"]


def test_the_markdown_report_is_a_download_with_the_score(client: TestClient) -> None:
    sid, auth, body = start(client, num_questions=2)
    _finish(client, auth, sid, body)
    response = client.get(f"/v1/sessions/{sid}/report.md", headers=auth)
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/markdown; charset=utf-8"
    assert response.headers["cache-control"] == "no-store"
    disposition = response.headers["content-disposition"]
    assert re.fullmatch(rf'attachment; filename="interview-\d{{4}}-\d{{2}}-\d{{2}}-{sid[:8]}\.md"', disposition)
    md = response.text
    report = client.get(f"/v1/sessions/{sid}/report", headers=auth).json()
    assert md.startswith("# 面试报告\n")
    assert f"- 总分：**{report['score']:.1f}/10**（{report['level_label']}）" in md
    for q in report["questions"]:
        assert q["question"] in md
    assert "笔记 § " in md and ".md § " not in md  # the notes' titles, not their file names


def test_an_english_session_gets_an_english_document(client: TestClient) -> None:
    sid, auth, _ = start(client, num_questions=1, language="en")
    client.post(f"/v1/sessions/{sid}/end", headers=auth)
    md = client.get(f"/v1/sessions/{sid}/report.md", headers=auth).text
    assert md.startswith("# Interview report\n") and "面试报告" not in md and "- Mode: practice" in md


def test_a_practice_session_gets_a_partial_document(client: TestClient, session) -> None:
    sid, auth, _ = session
    response = client.get(f"/v1/sessions/{sid}/report.md", headers=auth)
    assert response.status_code == 200 and "部分报告：面试仍在进行中。" in response.text


def test_an_exam_in_progress_is_409_then_readable(client: TestClient) -> None:
    sid, auth, body = start(client, num_questions=1, mode="exam")
    response = client.get(f"/v1/sessions/{sid}/report.md", headers=auth)
    assert response.status_code == 409 and response.json()["error"]["code"] == "exam_in_progress"
    _finish(client, auth, sid, body)
    response = client.get(f"/v1/sessions/{sid}/report.md", headers=auth)
    assert response.status_code == 200 and "**10.0/10**" in response.text and "- 模式：考试" in response.text


def test_the_markdown_report_needs_the_sessions_token(client: TestClient, session) -> None:
    sid, _auth, _ = session
    other_sid, other_auth, _ = start(client)
    path = f"/v1/sessions/{sid}/report.md"
    assert client.get(path).status_code == 401
    assert client.get(path, headers={"Authorization": "Bearer nope"}).status_code == 403
    assert client.get(path, headers=other_auth).status_code == 403
    assert client.get("/v1/sessions/unknown/report.md", headers=other_auth).status_code == 404


def test_the_owning_candidate_reads_it_and_no_other(client: TestClient) -> None:
    owner = client.post("/v1/candidates").json()["token"]
    stranger = client.post("/v1/candidates").json()["token"]
    started = client.post("/v1/sessions", json={"num_questions": 1},
                          headers={"Authorization": f"Bearer {owner}"}).json()
    path = f"/v1/sessions/{started['id']}/report.md"
    assert client.get(path, headers={"Authorization": f"Bearer {owner}"}).status_code == 200
    assert client.get(path, headers={"Authorization": f"Bearer {stranger}"}).status_code == 403


def test_the_route_is_documented(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    op = spec["paths"]["/v1/sessions/{session_id}/report.md"]["get"]
    assert "text/markdown" in op["responses"]["200"]["content"]
    assert {"401", "403", "404", "409"} <= set(op["responses"])
