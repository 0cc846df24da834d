"""POST /v1/grade and /v1/grade/batch over the real GradingService with the keyword grader."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient


def test_grade_against_the_bank(client: TestClient) -> None:
    response = client.post("/v1/grade", json={"question": "什么是 LoRA？", "answer": "低秩矩阵，冻结原权重"})
    assert response.status_code == 200
    grade = response.json()
    assert grade["score"] == pytest.approx(6.7, abs=0.1)
    assert grade["grader"] == "offline" and grade["item_id"] == "lora"
    assert {r["criterion"] for r in grade["rubric"]} == {"accuracy", "completeness", "depth", "clarity"}
    assert grade["references"][0]["source"] == "finetune.md"


def test_grade_against_a_given_reference(client: TestClient) -> None:
    reference = "检索：先检索文档再生成。\n幻觉：可以显著减少幻觉问题。"
    response = client.post("/v1/grade", json={"question": "RAG？", "answer": "先检索", "reference": reference,
                                              "language": "en"})
    assert response.status_code == 200
    assert response.json()["references"][0]["source"] == "given reference"


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"question": "什么是 LoRA？", "answer": ""}, 400, "invalid_input"),
        ({"question": "", "answer": "低秩"}, 400, "invalid_input"),
        ({"question": "什么是 LoRA？", "answer": "长" * 20_001}, 413, "answer_too_long"),
        ({"question": "什么是 LoRA？"}, 422, "validation_error"),
        ({"question": "什么是 LoRA？", "answer": "低秩", "language": "de"}, 422, "validation_error"),
    ],
    ids=["empty answer", "empty question", "answer too long", "no answer", "bad language"],
)
def test_bad_grade_requests(client: TestClient, body: dict, status: int, code: str) -> None:
    response = client.post("/v1/grade", json=body)
    assert (response.status_code, response.json()["error"]["code"]) == (status, code), response.text


def test_batch_grades_in_order_and_a_bad_item_fails_alone(client: TestClient) -> None:
    items = [
        {"id": "a", "question": "什么是 LoRA？", "answer": "低秩 冻结 合并"},
        {"question": "什么是 KV Cache？", "answer": "缓存"},
        {"id": "c", "question": "什么是 RAG？", "answer": ""},
        "not an object",
        {"id": "e", "question": "什么是 RAG？", "answer": "检索", "bogus": 1},
        {"id": "f", "question": "什么是 RAG？", "answer": "长" * 20_001},
        {"id": 7, "question": "什么是 RAG？", "answer": "检索 幻觉 更新"},
    ]
    response = client.post("/v1/grade/batch", json={"items": items})
    assert response.status_code == 200
    results = response.json()["results"]
    assert [r["id"] for r in results] == ["a", 1, "c", 3, "e", "f", 7]
    assert results[0]["grade"]["score"] == 10.0 and results[0]["error"] is None
    assert results[1]["grade"]["score"] == 5.0
    assert results[2]["grade"] is None and "empty" in results[2]["error"]["message"]
    assert results[3]["error"]["code"] == "invalid_item"
    assert results[4]["error"]["code"] == "invalid_item" and "bogus" in results[4]["error"]["message"]
    assert results[5]["error"]["code"] == "answer_too_long"
    assert results[6]["grade"]["score"] == 10.0


def test_empty_batch_is_fine(client: TestClient) -> None:
    assert client.post("/v1/grade/batch", json={"items": []}).json() == {"results": []}


@pytest.mark.parametrize("settings_overrides", [{"max_batch_items": 3}])
def test_batch_is_capped(client: TestClient) -> None:
    item = {"question": "什么是 LoRA？", "answer": "低秩"}
    assert client.post("/v1/grade/batch", json={"items": [item] * 3}).status_code == 200
    response = client.post("/v1/grade/batch", json={"items": [item] * 4})
    assert (response.status_code, response.json()["error"]["code"]) == (413, "batch_too_large")


def test_batch_needs_items(client: TestClient) -> None:
    for body in ({}, {"items": "x"}, [{"question": "q", "answer": "a"}]):
        response = client.post("/v1/grade/batch", json=body)
        assert (response.status_code, response.json()["error"]["code"]) == (422, "validation_error")
