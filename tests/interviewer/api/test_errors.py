"""Every bad input: the right status and error code, a JSON error body, no trace, and nothing changed."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from interviewer.api.app import create_app
from interviewer.api.deps import ServiceHolder
from tests.fakes.interview import make_services, make_settings, start

MAX = 20_000


def _json(obj: Any) -> bytes:
    return json.dumps(obj, ensure_ascii=False).encode("utf-8")


# name: (auth, session, raw body, status, code)
MESSAGE_CASES: dict[str, tuple[str, str, bytes, int, str]] = {
    "missing token": ("none", "good", _json({"content": "低秩"}), 401, "missing_token"),
    "wrong token": ("wrong", "good", _json({"content": "低秩"}), 403, "invalid_token"),
    "not a bearer token": ("basic", "good", _json({"content": "低秩"}), 401, "missing_token"),
    "unknown session": ("good", "unknown", _json({"content": "低秩"}), 404, "not_found"),
    "empty content": ("good", "good", _json({"content": ""}), 400, "empty_answer"),
    "blank content": ("good", "good", _json({"content": " \n\t "}), 400, "empty_answer"),
    "zero-width content": ("good", "good", _json({"content": "\u200b\u200c\u200d\ufeff"}), 400, "empty_answer"),
    "invisible content": ("good", "good", _json({"content": " \u2060\u200e\u3164\u00ad "}), 400, "empty_answer"),
    "answer too long": ("good", "good", _json({"content": "长" * (MAX + 1)}), 413, "answer_too_long"),
    "malformed json": ("good", "good", b'{"content": "abc', 400, "malformed_json"),
    "not json at all": ("good", "good", b"content=abc", 400, "malformed_json"),
    "invalid utf-8": ("good", "good", b'{"content": "\xff\xfe\xc3("}', 400, "invalid_utf8"),
    "latin-1 bytes": ("good", "good", '{"content": "café"}'.encode("latin-1"), 400, "invalid_utf8"),
    "lone surrogate escape": ("good", "good", b'{"content": "a\\ud800b"}', 400, "invalid_utf8"),
    "missing field": ("good", "good", _json({}), 422, "validation_error"),
    "content not a string": ("good", "good", _json({"content": 5}), 422, "validation_error"),
    "unknown field": ("good", "good", _json({"content": "低秩", "score": 10}), 422, "validation_error"),
    "array body": ("good", "good", _json(["低秩"]), 422, "validation_error"),
    "control character": ("good", "good", _json({"content": "低秩\x00"}), 400, "invalid_input"),
}


def _headers(auth: str, token: str) -> dict[str, str]:
    headers = {"Content-Type": "application/json"}
    if auth == "good":
        headers["Authorization"] = f"Bearer {token}"
    elif auth == "wrong":
        headers["Authorization"] = "Bearer " + "x" * 43
    elif auth == "basic":
        headers["Authorization"] = f"Basic {token}"
    return headers


def snapshot(services: Any, sid: str) -> tuple[Any, ...]:
    stored = services.store.load(sid)
    return stored.version, stored.state.model_dump_json(), stored.updated_at, services.store.turns(sid)


@pytest.mark.parametrize("case", list(MESSAGE_CASES), ids=list(MESSAGE_CASES))
def test_bad_message_is_refused_and_changes_nothing(client: TestClient, services, case: str) -> None:
    auth, which, body, status, code = MESSAGE_CASES[case]
    sid, _auth, started = start(client)
    token = _auth["Authorization"].removeprefix("Bearer ")
    before = snapshot(services, sid)
    path_id = sid if which == "good" else "0" * 32
    response = client.post(f"/v1/sessions/{path_id}/messages", content=body, headers=_headers(auth, token))
    assert response.status_code == status, response.text
    error = response.json()["error"]
    assert error["code"] == code and error["message"]
    assert "Traceback" not in response.text
    assert snapshot(services, sid) == before
    if status == 401:
        assert response.headers["www-authenticate"] == "Bearer"


def test_message_to_a_finished_session_is_409_and_changes_nothing(client: TestClient, services) -> None:
    sid, auth, _ = start(client, num_questions=1)
    assert client.post(f"/v1/sessions/{sid}/messages", json={"content": "结束"}, headers=auth).json()["done"]
    before = snapshot(services, sid)
    response = client.post(f"/v1/sessions/{sid}/messages", json={"content": "低秩"}, headers=auth)
    assert (response.status_code, response.json()["error"]["code"]) == (409, "session_finished")
    assert snapshot(services, sid) == before


def test_message_to_an_expired_session_is_410_and_changes_nothing(client: TestClient, services, clock) -> None:
    sid, auth, _ = start(client)
    clock.advance(7201)
    before = snapshot(services, sid)
    response = client.post(f"/v1/sessions/{sid}/messages", json={"content": "低秩"}, headers=auth)
    assert (response.status_code, response.json()["error"]["code"]) == (410, "session_expired")
    assert snapshot(services, sid) == before


START_CASES: dict[str, tuple[bytes, int, str]] = {
    "zero questions": (_json({"num_questions": 0}), 422, "validation_error"),
    "too many questions": (_json({"num_questions": 21}), 422, "validation_error"),
    "unknown mode": (_json({"mode": "chaos"}), 422, "validation_error"),
    "unknown language": (_json({"language": "fr"}), 422, "validation_error"),
    "topics not a list": (_json({"topics": "微调"}), 422, "validation_error"),
    "unknown topic": (_json({"topics": ["量子"]}), 400, "invalid_input"),
    "malformed json": (b"{", 400, "malformed_json"),
    "invalid utf-8": (b'{"topics": ["\xff"]}', 400, "invalid_utf8"),
}


@pytest.mark.parametrize("case", list(START_CASES), ids=list(START_CASES))
def test_bad_start_is_refused_and_stores_nothing(client: TestClient, services, case: str) -> None:
    body, status, code = START_CASES[case]
    response = client.post("/v1/sessions", content=body, headers={"Content-Type": "application/json"})
    assert (response.status_code, response.json()["error"]["code"]) == (status, code), response.text
    assert services.store.delete_expired(-1e12) == 0  # no session row was written


@pytest.mark.parametrize("settings_overrides", [{"max_request_bytes": 4096}])
def test_huge_body_is_413_before_parsing(client: TestClient, services) -> None:
    sid, auth, _ = start(client)
    before = snapshot(services, sid)
    response = client.post(f"/v1/sessions/{sid}/messages", json={"content": "x" * 10_000}, headers=auth)
    assert (response.status_code, response.json()["error"]["code"]) == (413, "body_too_large")
    assert snapshot(services, sid) == before


@pytest.mark.parametrize("settings_overrides", [{"rate_limit_per_minute": 60, "rate_limit_burst": 3}])
def test_too_many_requests_from_one_client_is_429(client: TestClient) -> None:
    codes = [client.get("/v1/topics").status_code for _ in range(5)]
    assert codes == [200, 200, 200, 429, 429]
    limited = client.get("/v1/topics")
    assert limited.json()["error"]["code"] == "rate_limited"
    assert int(limited.headers["retry-after"]) >= 1
    assert client.get("/healthz").status_code == 200  # probes are never limited


def test_unknown_route_and_wrong_method_are_json_errors(client: TestClient) -> None:
    missing = client.get("/v1/nothing")
    assert (missing.status_code, missing.json()["error"]["code"]) == (404, "not_found")
    wrong = client.delete("/v1/topics")
    assert (wrong.status_code, wrong.json()["error"]["code"]) == (405, "method_not_allowed")


def test_query_validation_is_422(client: TestClient) -> None:
    for path in ("/v1/questions?limit=0", "/v1/questions?offset=-1", "/v1/search?q=", "/v1/search?q=a&k=99"):
        response = client.get(path)
        assert (response.status_code, response.json()["error"]["code"]) == (422, "validation_error"), path


class ExplodingGrader:
    def grade(self, request: Any) -> Any:
        raise RuntimeError("secret internals /etc/passwd")


def test_an_unexpected_error_is_500_without_a_trace(tmp_path: Path, store, clock, caplog) -> None:
    grader = ExplodingGrader()
    services = make_services(store, make_settings(tmp_path), grader=grader, clock=clock)  # type: ignore[arg-type]
    with TestClient(create_app(services), raise_server_exceptions=False) as client:
        sid, auth, _ = start(client)
        before = snapshot(services, sid)
        response = client.post(f"/v1/sessions/{sid}/messages", json={"content": "低秩"}, headers=auth)
    assert response.status_code == 500
    assert response.json()["error"]["code"] == "internal_error"
    assert "secret" not in response.text and "Traceback" not in response.text
    assert "secret internals" in caplog.text  # logged server-side
    assert snapshot(services, sid) == before


def test_routes_answer_503_until_the_services_are_ready(tmp_path: Path) -> None:
    app = create_app(settings=make_settings(tmp_path))
    app.state.services = ServiceHolder(make_settings(tmp_path))  # never started: still loading
    with TestClient(app) as client:
        assert client.get("/healthz").status_code == 200
        ready = client.get("/readyz")
        assert ready.status_code == 503 and ready.json()["status"] == "starting"
        response = client.post("/v1/sessions", json={})
        assert (response.status_code, response.json()["error"]["code"]) == (503, "not_ready")
        assert response.headers["retry-after"]


def test_a_failed_start_is_reported_by_readyz(tmp_path: Path) -> None:
    def broken(settings: Any) -> Any:
        raise RuntimeError("chroma is gone")

    app = create_app(settings=make_settings(tmp_path))
    holder = ServiceHolder(make_settings(tmp_path), builder=broken)
    app.state.services = holder
    with TestClient(app) as client:
        holder.start()
        holder.wait(5)
        ready = client.get("/readyz").json()
        assert ready["status"] == "failed" and "chroma is gone" in ready["detail"]
        assert client.get("/v1/topics").status_code == 503


def test_a_session_database_unavailable_at_start_is_tried_again(tmp_path: Path, store, monkeypatch) -> None:
    """Two hosts starting together once deadlocked in PostgreSQL and the loser stayed 503 for good: a start
    that fails on the session database is tried again (START_ATTEMPTS in all); other failures are final."""
    from interviewer.api import deps
    from interviewer.store.base import StoreUnavailable

    monkeypatch.setattr(deps, "START_RETRY_S", 0.0)
    services = make_services(store, make_settings(tmp_path))

    def started(failures: list[Exception]) -> tuple[ServiceHolder, list[int]]:
        """A holder whose builder raises `failures` in turn, then succeeds; and its calls."""
        calls: list[int] = []

        def builder(settings: Any) -> Any:
            calls.append(1)
            if len(calls) <= len(failures):
                raise failures[len(calls) - 1]
            return services

        holder = ServiceHolder(make_settings(tmp_path), builder=builder)
        holder.start()
        holder.wait(10)
        return holder, calls

    deadlock = StoreUnavailable("session database error: deadlock detected")
    holder, calls = started([deadlock] * (deps.START_ATTEMPTS - 1))
    assert holder.ready and len(calls) == deps.START_ATTEMPTS
    holder, calls = started([StoreUnavailable("cannot connect to the session database")] * 9)
    assert holder.failed and "cannot connect" in holder.reason and len(calls) == deps.START_ATTEMPTS
    holder, calls = started([RuntimeError("no index")])
    assert holder.failed and "no index" in holder.reason and len(calls) == 1
