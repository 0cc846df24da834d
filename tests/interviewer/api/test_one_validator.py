"""One answer validator (issue 12): the same bad answer gets the same error through every door — an
interview turn over HTTP, POST /v1/grade and /v1/grade/batch, `interviewer grade` (single and --file) and
the terminal chat — because all of them end in `interviewer.validation.validate_answer`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from interviewer.chat import run_chat
from interviewer.cli import main
from interviewer.session.interview import Interview
from interviewer.session.models import SessionPlan, SessionState
from tests.fakes.interview import KeywordGrader, make_bank, start

MAX = 20_000  # the default max_answer_chars, used by the app, the CLI and the chat below
QUESTION = "什么是 LoRA？"  # in the fake bank (HTTP) and in the small docs (CLI)

# name: (answer, HTTP status, code, message)
BAD_ANSWERS: dict[str, tuple[str, int, str, str]] = {
    "too long": ("长" * (MAX + 1), 413, "answer_too_long",
                 f"the answer is too long: {MAX + 1} characters, at most {MAX}"),
    "too long once stripped": ("  " + "长" * (MAX + 1) + "\n", 413, "answer_too_long",
                               f"the answer is too long: {MAX + 1} characters, at most {MAX}"),
    "control character": ("低秩\x00", 400, "invalid_input", "answer contains a control character (U+0000) at position 2"),
    "escape character": (" 低秩\x1b[31m", 400, "invalid_input",
                         "answer contains a control character (U+001B) at position 2"),
    "lost characters": ("乱码\ufffd", 400, "invalid_input", "answer contains invalid UTF-8 (replacement characters)"),
}
CASES = list(BAD_ANSWERS)


def _error(response: Any) -> tuple[int, str, str]:
    error = response.json()["error"]
    return response.status_code, error["code"], error["message"]


def _chat_output(answer: str) -> str:
    """The chat, given `answer` then 结束 (end), prints what it refused the answer with."""
    lines = iter([answer, "", "结束"])
    out: list[str] = []

    def input_fn(prompt: str = "") -> str:
        try:
            return next(lines)
        except StopIteration:
            raise EOFError from None

    interview = Interview(make_bank(), KeywordGrader(), clock=lambda: "t", max_answer_chars=MAX)
    report = run_chat(interview, SessionPlan(num_questions=1), input_fn=input_fn, print_fn=out.append)
    assert report.answered == 0  # the refused answer used up nothing
    return "\n".join(out)


@pytest.mark.parametrize("case", CASES, ids=CASES)
def test_the_same_bad_answer_gets_the_same_error_over_http_and_in_the_chat(client: TestClient, case: str) -> None:
    answer, status, code, message = BAD_ANSWERS[case]
    sid, auth, _ = start(client)
    turn = client.post(f"/v1/sessions/{sid}/messages", json={"content": answer}, headers=auth)
    assert _error(turn) == (status, code, message)
    one = client.post("/v1/grade", json={"question": QUESTION, "answer": answer})
    assert _error(one) == (status, code, message)
    batch = client.post("/v1/grade/batch", json={"items": [{"id": "x", "question": QUESTION, "answer": answer}]})
    assert batch.status_code == 200
    (item,) = batch.json()["results"]
    assert item["error"] == {"code": code, "message": message}
    assert message in _chat_output(answer).splitlines()


def test_the_same_bad_answer_gets_the_same_error_from_the_cli(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, small_docs: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("INTERVIEWER_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("INTERVIEWER_DOCS_DIR", str(small_docs))
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    assert main(["ingest"]) == 0
    batch = tmp_path / "bad.jsonl"
    batch.write_text("\n".join(json.dumps({"id": case, "question": QUESTION, "answer": BAD_ANSWERS[case][0]})
                               for case in CASES) + "\n", encoding="utf-8")
    for case in CASES:
        answer, _status, _code, message = BAD_ANSWERS[case]
        capsys.readouterr()
        assert main(["grade", "--question", QUESTION, "--answer", answer]) == 2
        assert capsys.readouterr().err == f"error: {message}\n", case
    capsys.readouterr()
    assert main(["grade", "--file", str(batch), "--json"]) == 2
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [(row["id"], row["error"]) for row in rows] == [
        (case, f"line {n}: {BAD_ANSWERS[case][3]}") for n, case in enumerate(CASES, start=1)]


def test_the_chat_cleans_an_answer_as_http_does(client: TestClient) -> None:
    """Surrounding whitespace stripped and NFC-normalised (e + U+0301 → é) in both, and an invisible-only
    line is as empty as no line in the chat (400 empty_answer over HTTP)."""
    answer = "  低秩 cafe\u0301\t"
    sid, auth, _ = start(client, num_questions=1)
    assert client.post(f"/v1/sessions/{sid}/messages", json={"content": "\u200b\u2060"},
                       headers=auth).json()["error"]["code"] == "empty_answer"
    assert client.post(f"/v1/sessions/{sid}/messages", json={"content": answer}, headers=auth).status_code == 200
    http_said = [t["content"] for t in client.get(f"/v1/sessions/{sid}", headers=auth).json()["turns"]
                 if t["role"] == "candidate"]

    states: list[SessionState] = []
    lines = iter(["\u200b\u2060", answer, ""])

    def input_fn(prompt: str = "") -> str:
        try:
            return next(lines)
        except StopIteration:
            raise EOFError from None

    interview = Interview(make_bank(), KeywordGrader(), clock=lambda: "t")
    run_chat(interview, SessionPlan(num_questions=1), input_fn=input_fn, print_fn=lambda _s: None,
             on_change=states.append)
    chat_said = [t.content for t in states[-1].turns if t.role == "candidate"]
    assert http_said == chat_said == ["低秩 café"]
