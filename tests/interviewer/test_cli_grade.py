"""`interviewer grade`: single answers and JSONL batches, with every bad line reported and skipped."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from interviewer.cli import main

GOOD = "LoRA 冻结预训练权重，在旁边加入低秩矩阵 A 和 B，只训练低秩矩阵，显存小，推理时可以合并回原权重。"
# Blank written answers: graded 0 / non_answer, never refused.
BLANKS = {
    "empty": "",
    "spaces": "   ",
    "newlines and tabs": "\n\t ",
    "ideographic space": "\u3000",
    "zero-width space": "\u200b",
    "zero-width run": "\u200b\u200c\u200d\u200e\u200f",
    "bom and word joiner": "\ufeff\u2060",
}


@pytest.fixture
def grade_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, small_docs: Path) -> Path:
    monkeypatch.setenv("INTERVIEWER_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("INTERVIEWER_DOCS_DIR", str(small_docs))
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    assert main(["ingest"]) == 0
    return tmp_path


def _lines(out: str) -> list[dict]:
    return [json.loads(line) for line in out.splitlines() if line.startswith("{")]


def test_single_grade_has_the_design_fields(grade_env: Path, capsys):
    capsys.readouterr()
    assert main(["grade", "--question", "什么是 LoRA？", "--answer", GOOD, "--json"]) == 0
    (grade,) = _lines(capsys.readouterr().out)
    assert {"score", "rubric", "covered", "missing", "references", "flags", "grader", "prompt_version"} <= set(grade)
    assert grade["grader"] == "offline" and grade["score"] >= 5
    assert [r["criterion"] for r in grade["rubric"]] == ["accuracy", "completeness", "depth", "clarity"]
    assert grade["references"][0]["source"] == "finetune.md"


def test_grading_against_a_given_reference(grade_env: Path, capsys):
    capsys.readouterr()
    ref = "顺序表存储空间连续，支持随机访问。链表存储空间不连续，插入删除只需修改指针。"
    assert main(["grade", "--question", "比较顺序表和链表", "--answer", "链表插入删除只改指针，顺序表可以随机访问。",
                 "--reference", ref, "--json"]) == 0
    (grade,) = _lines(capsys.readouterr().out)
    assert grade["references"] == [{"source": "given reference", "section": "", "text": ref}]
    assert grade["covered"]


def test_batch_grades_good_lines_and_reports_each_bad_one(grade_env: Path, capsys):
    batch = grade_env / "answers.jsonl"
    lines = [
        json.dumps({"id": "a", "question": "什么是 LoRA？", "answer": GOOD}, ensure_ascii=False).encode(),
        b"[1, 2, 3]",  # not an object
        json.dumps({"id": "c", "question": "什么是 LoRA？", "answer": ""}).encode(),  # empty answer
        json.dumps({"id": "d", "question": "什么是 LoRA？", "answer": "x" * 1_000_000}).encode(),  # 1 MB
        json.dumps({"id": "e", "question": "什么是 LoRA？", "answer": "bell\u0007"}).encode(),  # control char
        b'{"id": "f", "question": "\xff\xfe", "answer": "x"}',  # invalid UTF-8
        b"{not json",
        b"",
        json.dumps({"id": "h", "question": "什么是 RAG？", "answer": "先检索再生成", "reference": "RAG 先检索文档再生成。"},
                   ensure_ascii=False).encode(),
    ]
    batch.write_bytes(b"\n".join(lines) + b"\n")
    capsys.readouterr()
    assert main(["grade", "--file", str(batch), "--json"]) == 2
    captured = capsys.readouterr()
    out = _lines(captured.out)
    assert [row.get("id") for row in out] == ["a", None, "c", "d", "e", None, None, "h"]
    graded = {row["id"]: row for row in out if "score" in row}
    assert set(graded) == {"a", "c", "h"}  # the empty answer is graded (0), not refused
    assert graded["c"]["score"] == 0 and "non_answer" in graded["c"]["flags"]
    errors = [row["error"] for row in out if "error" in row]
    for expected in ["expected an object", "answer is too long", "control character",
                     "not valid UTF-8", "invalid JSON"]:
        assert any(expected in e for e in errors), (expected, errors)
    assert captured.err.count("error:") == 5 and "Traceback" not in captured.err


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["grade", "--question", "什么是 LoRA？"], "give --question and --answer"),
        (["grade", "--question", "   ", "--answer", "低秩"], "question is empty"),
        (["grade", "--file", "/tmp/x.jsonl", "--answer", ""], "cannot be combined"),
        (["grade", "--file", "/nonexistent.jsonl"], "cannot read"),
    ],
)
def test_bad_single_input_exits_2(grade_env: Path, capsys, argv, message):
    capsys.readouterr()
    assert main(argv) == 2
    assert message in capsys.readouterr().err


def _assert_blank_grade(grade: dict) -> None:
    assert grade["score"] == 0 and {"non_answer", "empty"} <= set(grade["flags"])
    assert [r["score"] for r in grade["rubric"]] == [0, 0, 0, 0]
    assert grade["covered"] == [] and grade["missing"]
    assert grade["references"][0]["source"] == "finetune.md"


@pytest.mark.parametrize("answer", list(BLANKS.values()), ids=list(BLANKS))
def test_a_blank_single_answer_is_graded_zero(grade_env: Path, capsys, answer: str):
    capsys.readouterr()
    assert main(["grade", "--question", "什么是 LoRA？", "--answer", answer, "--json"]) == 0
    (grade,) = _lines(capsys.readouterr().out)
    _assert_blank_grade(grade)


def test_blank_batch_answers_are_graded_and_a_missing_answer_is_an_error(grade_env: Path, capsys):
    batch = grade_env / "blanks.jsonl"
    rows: list[dict] = [{"id": name, "question": "什么是 LoRA？", "answer": text} for name, text in BLANKS.items()]
    rows += [{"id": "absent", "question": "什么是 LoRA？"}, {"id": "number", "question": "什么是 LoRA？", "answer": 5}]
    batch.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n", encoding="utf-8")
    capsys.readouterr()
    assert main(["grade", "--file", str(batch), "--json"]) == 2  # the two bad lines
    captured = capsys.readouterr()
    out = _lines(captured.out)
    assert [row["id"] for row in out] == [*BLANKS, "absent", "number"]
    for row in out[: len(BLANKS)]:
        _assert_blank_grade(row)
    assert "answer is required" in out[-2]["error"] and "answer must be a string" in out[-1]["error"]
    assert captured.err.count("error:") == 2 and "Traceback" not in captured.err
