"""Accept: text/event-stream: message deltas, then evaluation (practice), then done; committed first."""

from __future__ import annotations

import json

from fastapi.testclient import TestClient

from tests.fakes.interview import FULL_ANSWERS, start

SSE = {"Accept": "text/event-stream"}


def parse(stream: str) -> list[tuple[str, object]]:
    events = []
    for block in stream.strip().split("\n\n"):
        fields = dict(line.split(": ", 1) for line in block.splitlines())
        events.append((fields["event"], json.loads(fields["data"])))
    return events


def test_stream_of_a_practice_answer(client: TestClient, services) -> None:
    sid, auth, body = start(client, num_questions=2)
    with client.stream("POST", f"/v1/sessions/{sid}/messages", json={"content": " ".join(FULL_ANSWERS.values())},
                       headers={**auth, **SSE}) as response:
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/event-stream")
        assert response.headers["cache-control"] == "no-cache"
        text = "".join(response.iter_text())
    events = parse(text)
    names = [name for name, _ in events]
    assert names[-2:] == ["evaluation", "done"] and set(names[:-2]) == {"message"} and len(names) > 3
    message = "".join(data["delta"] for name, data in events if name == "message")  # type: ignore[index]
    evaluation = events[-2][1]
    done = events[-1][1]
    assert evaluation["score"] == 10.0  # type: ignore[index]
    assert done["done"] is False and done["state"]["question_number"] == 2  # type: ignore[index]
    # The streamed text is exactly the committed turn(s), and the JSON route would have said the same.
    transcript = client.get(f"/v1/sessions/{sid}", headers=auth).json()
    assert transcript["turns"][-1]["content"] in message
    assert len(services.store.turns(sid)) == len(transcript["turns"])


def test_exam_mode_streams_no_evaluation_and_the_last_answer_carries_the_report(client: TestClient) -> None:
    sid, auth, body = start(client, num_questions=1, mode="exam")
    response = client.post(f"/v1/sessions/{sid}/messages", json={"content": FULL_ANSWERS[body["state"]["item_id"]]},
                           headers={**auth, **SSE})
    events = parse(response.text)
    assert "evaluation" not in [name for name, _ in events]
    done = events[-1][1]
    assert done["done"] is True and done["report"]["score"] == 10.0  # type: ignore[index]


def test_errors_are_plain_json_even_when_a_stream_is_asked_for(client: TestClient, session) -> None:
    sid, auth, _ = session
    response = client.post(f"/v1/sessions/{sid}/messages", json={"content": ""}, headers={**auth, **SSE})
    assert response.status_code == 400 and response.json()["error"]["code"] == "empty_answer"


def test_multiline_text_survives_the_stream(client: TestClient, session) -> None:
    sid, auth, _ = session
    response = client.post(f"/v1/sessions/{sid}/messages", json={"content": "给个提示"}, headers={**auth, **SSE})
    events = parse(response.text)
    message = "".join(data["delta"] for name, data in events if name == "message")  # type: ignore[index]
    turns = client.get(f"/v1/sessions/{sid}", headers=auth).json()["turns"]
    assert message == turns[-1]["content"]
