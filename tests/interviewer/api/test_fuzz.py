"""Schemathesis over the app's own OpenAPI schema, in-process (ASGI), on the fake services: no 5xx anywhere.

Session routes get a fresh real session (id and token) per example, so the generated bodies and headers
reach the interview code instead of stopping at 404; an example whose path or auth matters on its own
is covered by the ordinary route tests. Bounded: `MAX_EXAMPLES` fuzzing examples per operation, plus
schemathesis' example and coverage phases.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from interviewer.api.app import create_app
from interviewer.store.sqlite import SQLiteSessionStore
from tests.fakes.interview import make_services, make_settings

MAX_EXAMPLES = 25


@pytest.fixture(scope="module")
def fuzz_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FastAPI]:
    root: Path = tmp_path_factory.mktemp("fuzz")
    store = SQLiteSessionStore(root / "sessions.db")
    app = create_app(make_services(store, make_settings(root)))
    yield app
    store.close()


@pytest.fixture(scope="module")
def client(fuzz_app: FastAPI) -> Iterator[TestClient]:
    with TestClient(fuzz_app, raise_server_exceptions=False) as client:
        yield client


# The schema is read from an app on the same fake services (a store it never uses: given services are
# never built in the background); each case is sent to `fuzz_app`. Not `schemathesis.pytest.from_fixture`:
# it breaks on pytest 9 (it sets `node._nodeid`).
schema = schemathesis.openapi.from_asgi(
    "/openapi.json", create_app(make_services(None, make_settings(Path("never-written"))))
)


def _real_session(client: TestClient) -> tuple[str, str]:
    response = client.post("/v1/sessions", json={"num_questions": 2})
    assert response.status_code == 201, response.text
    data = response.json()
    return data["id"], data["token"]


@schema.parametrize()
@settings(max_examples=MAX_EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_server_error(case: Any, client: TestClient, fuzz_app: FastAPI) -> None:
    if "session_id" in (case.path_parameters or {}):
        session_id, token = _real_session(client)
        case.path_parameters = {**case.path_parameters, "session_id": session_id}
        case.headers = {**(case.headers or {}), "Authorization": f"Bearer {token}"}
    case.call_and_validate(checks=[not_a_server_error], app=fuzz_app)
