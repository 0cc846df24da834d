"""POST /v1/grade and /v1/grade/batch over the real GradingService with the keyword grader."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from interviewer.api.app import create_app
from interviewer.grading.offline import OfflineGrader
from tests.fakes.interview import make_bank, make_services, make_settings

# Blank written answers: graded 0 / non_answer, never refused.
BLANKS = {
    "empty": "",
    "spaces": "   ",
    "newlines and tabs": "\n\t \r\n",
    "ideographic space": "\u3000",
    "zero-width space": "\u200b",
    "zero-width run": "\u200b\u200c\u200d\u200e\u200f",
    "bom and word joiner": "\ufeff\u2060",
    "mixed invisible": " \u200b\n\u3000\ufeff ",
}
LORA_POINTS = [kp.text for kp in make_bank().find_by_question("什么是 LoRA？").key_points]  # type: ignore[union-attr]


class _NoEmbedder:
    """A blank answer needs no embedding: any call fails the test."""

    def embed_queries(self, texts: list[str]) -> Any:
        raise AssertionError("a blank answer was embedded")

    embed_passages = embed_queries


@pytest.fixture
def offline_client(tmp_path: Path, store: Any, clock: Any) -> Iterator[TestClient]:
    """The app with the real offline grader (what the service wires), for the blank-answer contract."""
    services = make_services(store, make_settings(tmp_path), grader=OfflineGrader(_NoEmbedder()), clock=clock)  # type: ignore[arg-type]
    with TestClient(create_app(services), raise_server_exceptions=False) as client:
        yield client


def assert_blank_grade(grade: dict[str, Any]) -> None:
    assert grade["score"] == 0.0
    assert {"non_answer", "empty"} <= set(grade["flags"])
    assert [r["score"] for r in grade["rubric"]] == [0.0] * 4
    assert grade["covered"] == [] and grade["missing"] == LORA_POINTS
    assert grade["references"] and grade["references"][0]["source"] == "finetune.md"


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


def test_a_question_with_a_lost_character_marker_is_graded_but_an_answer_with_one_is_refused(client: TestClient) -> None:
    # The bank marks characters its notes lost with U+FFFD; a question copied from /v1/questions carries it.
    body = {"question": "相\ufffdSTSB，MTEB 有哪些改进？", "answer": "任务更多样", "reference": "任务更多样：覆盖更多任务。"}
    assert client.post("/v1/grade", json=body).status_code == 200
    refused = client.post("/v1/grade", json={**body, "answer": "乱码\ufffd"})
    assert (refused.status_code, refused.json()["error"]["code"]) == (400, "invalid_input")


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"question": "", "answer": "低秩"}, 400, "invalid_input"),
        ({"question": "\u200b ", "answer": "低秩"}, 400, "invalid_input"),
        ({"question": "什么是 LoRA？", "answer": "长" * 20_001}, 413, "answer_too_long"),
        ({"question": "什么是 LoRA？"}, 422, "validation_error"),
        ({"question": "什么是 LoRA？", "answer": None}, 422, "validation_error"),
        ({"question": "什么是 LoRA？", "answer": 5}, 422, "validation_error"),
        ({"question": "什么是 LoRA？", "answer": "低秩", "language": "de"}, 422, "validation_error"),
    ],
    ids=["empty question", "invisible question", "answer too long", "no answer", "null answer", "number answer",
         "bad language"],
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
    assert results[2]["grade"]["score"] == 0.0 and results[2]["error"] is None  # blank: graded, not refused
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


@pytest.mark.parametrize("answer", list(BLANKS.values()), ids=list(BLANKS))
def test_a_blank_answer_is_graded_zero_not_refused(offline_client: TestClient, answer: str) -> None:
    response = offline_client.post("/v1/grade", json={"question": "什么是 LoRA？", "answer": answer})
    assert response.status_code == 200, response.text
    assert_blank_grade(response.json())


def test_blank_answers_in_a_batch_are_graded_and_a_missing_one_is_an_error(offline_client: TestClient) -> None:
    items: list[Any] = [{"id": name, "question": "什么是 LoRA？", "answer": text} for name, text in BLANKS.items()]
    items += [{"id": "absent", "question": "什么是 LoRA？"}, {"id": "number", "question": "什么是 LoRA？", "answer": 5},
              {"id": "null", "question": "什么是 LoRA？", "answer": None}]
    response = offline_client.post("/v1/grade/batch", json={"items": items})
    assert response.status_code == 200, response.text
    results = {r["id"]: r for r in response.json()["results"]}
    for name in BLANKS:
        assert results[name]["error"] is None, results[name]
        assert_blank_grade(results[name]["grade"])
    assert "answer is required" in results["absent"]["error"]["message"]
    assert "answer must be a string" in results["number"]["error"]["message"]
    assert "answer is required" in results["null"]["error"]["message"]
    assert all(results[k]["grade"] is None for k in ("absent", "number", "null"))
