"""Browsing the bank and searching: questions never carry their reference answers."""

from __future__ import annotations

from fastapi.testclient import TestClient


def test_topics_with_counts(client: TestClient) -> None:
    topics = client.get("/v1/topics").json()["topics"]
    assert {t["topic"]: t["count"] for t in topics} == {"微调": 1, "推理": 1, "检索": 1}


def test_questions_page_without_answers(client: TestClient) -> None:
    page = client.get("/v1/questions").json()
    assert page["total"] == 3 and page["offset"] == 0 and page["limit"] == 20
    item = page["items"][0]
    assert set(item) == {"id", "question", "topics", "source", "section"}
    assert "低秩" not in str(page)  # no key point or reference text leaks


def test_questions_filter_and_paging(client: TestClient) -> None:
    assert [i["id"] for i in client.get("/v1/questions?topic=微调").json()["items"]] == ["lora"]
    both = client.get("/v1/questions", params=[("topic", "微调"), ("topic", "检索")]).json()
    assert both["total"] == 2
    assert client.get("/v1/questions?topic=微调,推理").json()["total"] == 2
    page = client.get("/v1/questions?limit=1&offset=1").json()
    assert page["total"] == 3 and len(page["items"]) == 1 and page["items"][0]["id"] == "kv"
    assert client.get("/v1/questions?offset=50").json()["items"] == []
    assert client.get("/v1/questions?topic=量子").json() == {"total": 0, "offset": 0, "limit": 20, "items": []}


def test_search(client: TestClient) -> None:
    body = client.get("/v1/search", params={"q": "KV Cache 是什么", "k": 2}).json()
    assert body["query"] == "KV Cache 是什么"
    assert len(body["hits"]) == 2 and body["hits"][0]["item_id"] == "kv"
    hit = body["hits"][0]
    assert set(hit) == {"item_id", "question", "source", "section", "lines", "text", "score", "title"}


def test_search_needs_a_query(client: TestClient) -> None:
    assert client.get("/v1/search").status_code == 422
    response = client.get("/v1/search", params={"q": "   "})
    assert (response.status_code, response.json()["error"]["code"]) == (400, "invalid_input")


def test_health_and_ready(client: TestClient) -> None:
    assert client.get("/healthz").json()["status"] == "ok"
    assert client.get("/readyz").json()["status"] == "ready"


def test_openapi_documents_the_contract(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    for path in ("/v1/sessions", "/v1/sessions/{session_id}/messages", "/v1/sessions/{session_id}",
                 "/v1/sessions/{session_id}/report", "/v1/grade", "/v1/grade/batch", "/v1/topics",
                 "/v1/questions", "/v1/search", "/healthz", "/readyz"):
        assert path in spec["paths"], path
    schemas = spec["components"]["schemas"]
    assert schemas["StartSession"]["examples"] and schemas["PostMessage"]["examples"]
    assert "HTTPBearer" in spec["components"]["securitySchemes"]
    assert client.get("/docs").status_code == 200
