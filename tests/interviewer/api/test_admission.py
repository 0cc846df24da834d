"""Fair, bounded grading work: the gate (503/429 + Retry-After), API keys, and the embedder's priority."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from interviewer.api.admission import GradingGate
from interviewer.api.app import create_app
from interviewer.api.errors import APIError
from knowledge.embedders import PriorityLock, bulk_work, encode_in_turn
from tests.fakes.interview import KeywordGrader, make_services, make_settings, start


def _hold(gate: GradingGate, client: str, release: threading.Event, entered: threading.Event) -> threading.Thread:
    def run() -> None:
        with gate.admit(client):
            entered.set()
            release.wait(10)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    assert entered.wait(5)
    return thread


def test_the_gate_refuses_beyond_its_queue_and_a_clients_share() -> None:
    gate = GradingGate(concurrency=1, queue=0, per_client=1, wait_s=5)
    release, entered = threading.Event(), threading.Event()
    thread = _hold(gate, "a", release, entered)
    with pytest.raises(APIError) as share, gate.admit("a"):
        pass
    assert (share.value.status, share.value.code, share.value.headers) == (429, "client_busy", {"Retry-After": "1"})
    with pytest.raises(APIError) as busy, gate.admit("b"):
        pass
    assert (busy.value.status, busy.value.code) == (503, "busy") and int(busy.value.headers["Retry-After"]) >= 1
    release.set()
    thread.join(5)
    with gate.admit("b"):  # the place is free again, and nothing leaked
        assert gate.load() == {"running": 1, "waiting": 0}
    assert gate.load() == {"running": 0, "waiting": 0}


def test_a_queued_request_runs_when_a_place_frees_or_gives_up_at_its_deadline() -> None:
    gate = GradingGate(concurrency=1, queue=1, per_client=2, wait_s=0.2)
    release, entered = threading.Event(), threading.Event()
    thread = _hold(gate, "a", release, entered)
    started = time.monotonic()
    with pytest.raises(APIError) as late, gate.admit("b"):
        pass
    assert late.value.status == 503 and time.monotonic() - started >= 0.2
    threading.Timer(0.05, release.set).start()
    with gate.admit("b"):  # waits in the queue, then runs
        assert gate.load()["running"] == 1
    thread.join(5)


def test_interactive_embedding_goes_before_waiting_bulk_work() -> None:
    lock, order = PriorityLock(), []
    gate_open = threading.Event()

    def slow(batch: list[str]) -> Any:
        import numpy as np

        order.extend(batch)
        gate_open.wait(5)
        return np.zeros((len(batch), 2))

    def bulk() -> None:
        with bulk_work():
            encode_in_turn(lock, slow, [f"bulk{n}" for n in range(16)])  # two slices of 8

    worker = threading.Thread(target=bulk)
    worker.start()
    while not order:
        time.sleep(0.005)  # the first bulk slice holds the engine
    interactive = threading.Thread(target=encode_in_turn, args=(lock, slow, ["turn"]))
    interactive.start()
    time.sleep(0.05)
    gate_open.set()
    worker.join(5)
    interactive.join(5)
    assert order.index("turn") == 8  # right after the first slice, before the second


@pytest.fixture
def slow_app(tmp_path: Path, store, clock):  # type: ignore[no-untyped-def]
    release = threading.Event()

    class SlowGrader(KeywordGrader):
        def grade(self, request: Any) -> Any:
            if "slow" in request.answer:
                release.wait(10)
            return super().grade(request)

    settings = make_settings(tmp_path, grading_concurrency=1, grading_queue=0, grading_wait_s=5,
                             api_keys="k1, k2")
    services = make_services(store, settings, grader=SlowGrader(), clock=clock)
    with TestClient(create_app(services), raise_server_exceptions=False) as client:
        yield client, release


def test_a_busy_grader_answers_503_while_interviews_go_on(slow_app) -> None:  # type: ignore[no-untyped-def]
    client, release = slow_app
    key = {"Authorization": "Bearer k1"}
    first: dict[str, int] = {}
    worker = threading.Thread(target=lambda: first.update(status=client.post(
        "/v1/grade", json={"question": "什么是 LoRA？", "answer": "slow 低秩", "reference": "低秩分解"},
        headers=key).status_code))
    worker.start()
    deadline = time.monotonic() + 5
    while client.app.state.grading_gate.load()["running"] == 0:
        assert time.monotonic() < deadline
        time.sleep(0.01)
    busy = client.post("/v1/grade", json={"question": "q", "answer": "a", "reference": "r"},
                       headers={"X-API-Key": "k2"})
    assert (busy.status_code, busy.json()["error"]["code"]) == (503, "busy") and "retry-after" in busy.headers
    sid, auth, _ = start(client)  # an interview turn does not queue behind graded answers
    turn = client.post(f"/v1/sessions/{sid}/messages", json={"content": "低秩分解"}, headers=auth)
    assert turn.status_code == 200
    release.set()
    worker.join(10)
    assert first == {"status": 200}


def test_with_api_keys_the_grading_api_needs_one(slow_app) -> None:  # type: ignore[no-untyped-def]
    client, _ = slow_app
    body = {"question": "q", "answer": "a", "reference": "r"}
    missing = client.post("/v1/grade", json=body)
    assert (missing.status_code, missing.json()["error"]["code"]) == (401, "unauthorized")
    wrong = client.post("/v1/grade/batch", json={"items": [body]}, headers={"Authorization": "Bearer nope"})
    assert (wrong.status_code, wrong.json()["error"]["code"]) == (403, "forbidden")
    assert client.post("/v1/grade", json=body, headers={"X-API-Key": "k2"}).status_code == 200
    assert client.post("/v1/sessions").status_code == 201  # sessions keep their own tokens


def test_waiting_interactive_calls_get_the_engine_first_come_first_served() -> None:
    lock, order, release = PriorityLock(), [], threading.Event()

    def run(name: str) -> None:
        def record(batch: list[str]) -> Any:
            import numpy as np

            order.append(name)
            if name == "holder":
                release.wait(5)
            return np.zeros((len(batch), 2))

        encode_in_turn(lock, record, [name])

    threads = [threading.Thread(target=run, args=("holder",))]
    threads[0].start()
    while not order:
        time.sleep(0.005)
    for n in range(6):  # each queued behind the previous one
        threads.append(threading.Thread(target=run, args=(f"turn{n}",)))
        threads[-1].start()
        time.sleep(0.03)
    release.set()
    for thread in threads:
        thread.join(5)
    assert order == ["holder", *(f"turn{n}" for n in range(6))]
