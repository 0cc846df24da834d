"""Inputs of the bench scenarios: queries to search and answers to grade, from the evals or the bank."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
QUERIES_FILE = ROOT / "evals" / "retrieval" / "queries.jsonl"
LABELLED_DIR = ROOT / "evals" / "labelled"


def load_queries(limit: int | None = None, bank: Any = None) -> tuple[list[str], str]:
    """The retrieval eval's paraphrased queries if present, else the bank's questions lightly altered."""
    queries: list[str] = []
    if QUERIES_FILE.exists():
        for line in QUERIES_FILE.read_text(encoding="utf-8").splitlines():
            if line.strip():
                try:
                    queries.append(str(json.loads(line)["query"]))
                except (ValueError, KeyError, TypeError):
                    continue
        source = f"{QUERIES_FILE.relative_to(ROOT)} ({len(queries)} paraphrased queries)"
    if not queries and bank is not None:
        queries = [alter_question(item.question, n) for n, item in enumerate(bank.items)]
        source = "the bank's questions, lightly altered"
    while queries and len(queries) < (limit or 0):  # too few: cycle (later passes hit warmer caches)
        queries = queries + queries
    return queries[:limit] if limit else queries, source


def alter_question(question: str, n: int) -> str:
    q = question.strip().rstrip("？?。")
    for prefix in ("请解释：", "请谈谈：", "什么是", "请问"):
        if q.startswith(prefix):
            q = q[len(prefix):]
    return [f"{q}是怎么回事", f"能讲讲{q}吗", f"{q}？面试里怎么回答", f"简单说说{q}"][n % 4]


def load_answers(limit: int, bank: Any = None) -> tuple[list[dict[str, str]], str]:
    """Answers of mixed length: the labelled eval sets if present, else short/medium/long from the bank."""
    rows: list[dict[str, str]] = []
    for path in sorted(LABELLED_DIR.glob("*.jsonl")) if LABELLED_DIR.is_dir() else []:
        for line in path.read_text(encoding="utf-8").splitlines():
            try:
                obj = json.loads(line)
            except ValueError:
                continue
            if isinstance(obj, dict) and obj.get("question") and obj.get("answer"):
                rows.append({"question": str(obj["question"]), "answer": str(obj["answer"])})
    source = f"evals/labelled/*.jsonl ({len(rows)} answers)"
    if not rows and bank is not None:
        for item in bank.items:
            points = [p.text for p in item.key_points]
            if not points:
                continue
            for take in (1, 3, len(points)):
                rows.append({"question": item.question, "answer": "".join(points[:take])})
        source = "answers built from the bank's key points (1, 3 and all points)"
    rows.sort(key=lambda r: (len(r["answer"]), r["question"]))
    if limit and len(rows) > limit:  # evenly spread over the length distribution
        step = (len(rows) - 1) / (limit - 1) if limit > 1 else 0
        rows = [rows[round(i * step)] for i in range(limit)]
    return rows, source
