"""An app over the tiny bank, the keyword grader and a SQLite store in tmp: no embeddings, no network."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from interviewer.api.app import create_app
from interviewer.api.deps import Services
from interviewer.store.sqlite import SQLiteSessionStore
from tests.fakes.interview import FakeClock, make_services, make_settings, start


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def store(tmp_path: Path, clock: FakeClock) -> Iterator[SQLiteSessionStore]:
    store = SQLiteSessionStore(tmp_path / "sessions.db", clock=clock)
    yield store
    store.close()


@pytest.fixture
def settings_overrides() -> dict[str, Any]:
    return {}


@pytest.fixture
def services(
    tmp_path: Path, store: SQLiteSessionStore, clock: FakeClock, settings_overrides: dict[str, Any]
) -> Services:
    return make_services(store, make_settings(tmp_path, **settings_overrides), clock=clock)


@pytest.fixture
def client(services: Services) -> Iterator[TestClient]:
    # raise_server_exceptions=False: a 500 is a response to check, as a real client would see it.
    with TestClient(create_app(services), raise_server_exceptions=False) as client:
        yield client


@pytest.fixture
def session(client: TestClient) -> tuple[str, dict[str, str], dict[str, Any]]:
    return start(client)
