"""A tiny bank, a scripted grader and an eval context built from them: the eval tests need no embeddings."""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
import yaml

from evals.context import EvalContext
from evals.labelled import LabelledExample
from interviewer.grading.models import CRITERIA, Grade, GradeReference, GradeRequest, PointResult, RubricScore
from knowledge.bank import QuestionBank
from knowledge.models import KeyPoint, QAItem, Reference

# id -> (question, key points); a key point reads "label：claim" and an answer covers it by naming the label.
ITEMS: dict[str, tuple[str, list[str]]] = {
    "lora": ("什么是 LoRA？", ["低秩：在旁路加入低秩矩阵 A 和 B", "冻结：冻结预训练权重，只训练低秩矩阵",
                              "合并：推理时把增量合并回原权重"]),
    "kv": ("什么是 KV Cache？", ["缓存：缓存历史 token 的 Key 和 Value", "显存：显存随序列长度线性增长"]),
    "rag": ("什么是 RAG？", ["检索：先从知识库检索相关文档", "幻觉：减少幻觉，回答有据可查", "更新：知识更新不需要重新训练"]),
}


def make_bank() -> QuestionBank:
    items = []
    for item_id, (question, points) in ITEMS.items():
        answer = "\n".join(points)
        items.append(QAItem(
            id=item_id, question=question, answer=answer, topics=["t-" + item_id], follow_ups=[f"{item_id} 追问？"],
            key_points=[KeyPoint(source=f"{item_id}.md", section=item_id, text=p) for p in points],
            references=[Reference(source=f"{item_id}.md", section=item_id, text=answer)],
        ))
    return QuestionBank(items)


class ScriptedGrader:
    """Covered = the answer names the point's label; `[flag:x]` in an answer adds flag x; `[score:n]` forces n."""

    def __init__(self) -> None:
        self.calls = 0

    def grade(self, request: GradeRequest) -> Grade:
        self.calls += 1
        answer = request.answer
        covered = [p for p in request.key_points if p.text.split("：")[0] in answer]
        score = round(10 * len(covered) / len(request.key_points), 1) if request.key_points else 0.0
        if "[score:" in answer:
            score = float(answer.split("[score:")[1].split("]")[0])
        flags = [part.split("]")[0] for part in answer.split("[flag:")[1:]]
        return Grade(
            score=score,
            rubric=[RubricScore(criterion=c, score=score) for c in CRITERIA],
            covered=[p.text for p in covered],
            missing=[p.text for p in request.key_points if p not in covered],
            references=[GradeReference(source=r.source, text=r.text) for r in request.references],
            flags=flags, grader="offline", prompt_version="scripted_v1",
            points=[PointResult(text=p.text, covered=p in covered) for p in request.key_points],
            item_id=request.item_id,
        )


def make_context(grader: ScriptedGrader | None = None) -> EvalContext:
    bank = make_bank()
    grader = grader or ScriptedGrader()

    def grade_answer(ex: LabelledExample) -> Grade:
        item = bank.find_by_question(ex.question)
        points = item.key_points if item else [KeyPoint(source="given", text=ex.reference or ex.question)]
        return grader.grade(GradeRequest(question=ex.question, answer=ex.answer, key_points=points,
                                         item_id=item.id if item else None))

    def search(question: str) -> QAItem | None:
        return next((i for i in bank.items if any(w in question for w in (i.id, i.id.upper()))), None)

    return EvalContext(bank=bank, grader=grader, grade_answer=grade_answer, search=search,
                       metadata={"grader": "offline", "model": None, "embedder": "fake"})




LABELLED = [
    {"id": "a1", "question": "什么是 LoRA？", "answer": "低秩 冻结 合并", "score": 9, "kind": "excellent"},
    {"id": "a2", "question": "什么是 LoRA？", "answer": "低秩", "score": 4, "kind": "partial"},
    {"id": "a3", "question": "什么是 KV Cache？", "answer": "缓存 显存", "score": 8, "kind": "good"},
    {"id": "a4", "question": "什么是 KV Cache？", "answer": "不知道", "score": 0, "kind": "non-answer"},
    {"id": "a5", "question": "什么是 RAG？", "answer": "检索 幻觉", "score": 6, "kind": "good"},
    {"id": "a6", "question": "什么是 RAG？", "answer": "今天天气很好", "score": 0, "kind": "off-topic"},
]

TRANSCRIPT = {
    "id": "t-strong",
    "questions": [
        {"question": "什么是 LoRA？", "turns": [{"candidate": "低秩 冻结 合并", "expect": {"score": [8, 10], "action": "next"}}]},
        {"question": "什么是 KV Cache？", "turns": [
            {"candidate": "缓存", "expect": {"score": [3, 7], "action": "follow_up"}},
            {"candidate": "显存", "expect": {"action": "end"}},
        ]},
    ],
}


def write_jsonl(path: Path, rows: list[Any]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path


def write_yaml(path: Path, data: Any) -> Path:
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


@pytest.fixture
def suite(tmp_path: Path) -> Path:
    """A folder with a labelled set, a YAML and a JSON transcript, and lenient thresholds."""
    root = tmp_path / "suite"
    (root / "transcripts").mkdir(parents=True)
    write_jsonl(root / "small.jsonl", LABELLED)
    write_yaml(root / "transcripts" / "strong.yaml", TRANSCRIPT)
    (root / "transcripts" / "other.json").write_text(json.dumps({**TRANSCRIPT, "id": "t-json"}, ensure_ascii=False),
                                                     encoding="utf-8")
    write_yaml(root / "thresholds.yaml", {"labelled": {"*": {"min_spearman": 0.5}},
                                          "transcripts": {"min_pass_rate": 0.5}})
    return root


@pytest.fixture
def kit() -> SimpleNamespace:
    """The helpers above, as a fixture: tests import nothing from conftest."""
    return SimpleNamespace(make_bank=make_bank, ScriptedGrader=ScriptedGrader, make_context=make_context,
                           LABELLED=LABELLED, TRANSCRIPT=TRANSCRIPT, write_jsonl=write_jsonl, write_yaml=write_yaml)
