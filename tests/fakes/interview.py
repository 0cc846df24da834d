"""A tiny hand-written bank, a keyword grader and a keyword "index": the API and store tests need no embeddings.

A key point reads "label：claim"; an answer covers it when it contains the label.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from interviewer.api.deps import Services
from interviewer.grading.models import CRITERIA, Grade, GradeReference, GradeRequest, PointResult, RubricScore
from interviewer.grading.service import GradingService
from interviewer.session.interview import Interview
from interviewer.settings import Settings
from interviewer.wiring import build_knowledge_bases
from knowledge.bank import QuestionBank
from knowledge.models import Hit, KeyPoint, QAItem, Reference
from tests.fakes.embedder import HashingEmbedder

if TYPE_CHECKING:
    from fastapi.testclient import TestClient

PG_ENV = "INTERVIEWER_TEST_DATABASE_URL"

# id -> (topic, source, section, question, key points, seed follow-ups)
ITEMS: dict[str, tuple[str, str, str, str, list[str], list[str]]] = {
    "lora": ("微调", "finetune.md", "LoRA", "什么是 LoRA？",
             ["低秩：在旁路加入低秩矩阵 A 和 B", "冻结：冻结预训练权重，只训练低秩矩阵",
              "合并：推理时把增量合并回原权重"], ["LoRA 的秩 r 如何选择？"]),
    "kv": ("推理", "inference.md", "KV Cache", "什么是 KV Cache？",
           ["缓存：缓存历史 token 的 Key 和 Value", "显存：显存随序列长度线性增长"], ["如何减少 KV Cache 的显存？"]),
    "rag": ("检索", "rag.md", "RAG", "什么是 RAG？",
            ["检索：先从知识库检索相关文档", "幻觉：减少幻觉，回答有据可查", "更新：知识更新不需要重新训练"],
            ["RAG 的检索质量如何评估？"]),
}
FULL_ANSWERS = {"lora": "低秩 冻结 合并", "kv": "缓存 显存", "rag": "检索 幻觉 更新"}


def make_item(item_id: str) -> QAItem:
    topic, source, section, question, points, follow_ups = ITEMS[item_id]
    answer = "\n".join(points)
    return QAItem(
        id=item_id, question=question, answer=answer, follow_ups=follow_ups, topics=[topic],
        key_points=[KeyPoint(source=source, section=section, title=f"{topic}笔记", text=p) for p in points],
        references=[Reference(source=source, section=section, title=f"{topic}笔记", text=answer, line_start=1,
                              line_end=5)],
    )


def make_bank() -> QuestionBank:
    return QuestionBank([make_item(i) for i in ITEMS])


def label(point: str) -> str:
    return point.split("：")[0]


class KeywordGrader:
    """Covered = the answer contains the point's label; score = 10 x share covered. `gate` may block."""

    def __init__(self, gate: Callable[[], None] | None = None) -> None:
        self.gate = gate
        self.calls = 0

    def grade(self, request: GradeRequest) -> Grade:
        self.calls += 1
        if self.gate is not None:
            self.gate()
        results = [PointResult(text=p.text, source=p.source, section=p.section,
                               covered=label(p.text).lower() in request.answer.lower())
                   for p in request.key_points]
        share = sum(r.covered for r in results) / len(results) if results else 0.0
        return Grade(
            score=round(10 * share, 1),
            rubric=[RubricScore(criterion=c, score=round(10 * share, 1)) for c in CRITERIA],
            covered=[r.text for r in results if r.covered],
            missing=[r.text for r in results if not r.covered],
            references=[GradeReference(source=r.source, section=r.section, text=r.text) for r in request.references],
            flags=[] if share else ["off_topic"],
            grader="offline",
            points=results,
            item_id=request.item_id,
        )


class KeywordIndex:
    """Just enough of KnowledgeIndex for the grading service and /v1/search."""

    def __init__(self, bank: QuestionBank) -> None:
        self.bank = bank
        self.live_dir: Path | None = None  # the generation folder: none, so nothing is saved beside it

    def is_ready(self) -> bool:
        return True

    def search(self, query: str, k: int = 5, topics: list[str] | None = None, **_: Any) -> list[Hit]:
        from knowledge.errors import InvalidInput

        if not query.strip():
            raise InvalidInput("empty query")
        scored = []
        for item in self.bank.by_topics(topics):
            text = item.question + item.answer
            score = sum(1 for ch in set(query.lower()) if ch in text.lower()) / max(1, len(set(query)))
            scored.append((score, item))
        scored.sort(key=lambda pair: (-pair[0], pair[1].id))
        return [Hit(item_id=i.id, question=i.question, source=i.citation.source, section=i.citation.section,
                    line_start=1, line_end=5, text=i.answer[:400], score=round(s, 6)) for s, i in scored[:k]]

    def point_vectors(self, item_id: str) -> tuple[list[str], np.ndarray]:
        return [], np.zeros((0, 0), dtype=np.float32)


def make_settings(tmp_path: Path, **overrides: Any) -> Settings:
    values: dict[str, Any] = {"data_dir": tmp_path / "data", "rate_limit_per_minute": 0, "openai_api_key": None}
    values.update(overrides)
    return Settings(**values)


def make_services(store: Any, settings: Settings, grader: KeywordGrader | None = None,
                  clock: Callable[[], float] = time.time) -> Services:
    bank = make_bank()
    grader = grader or KeywordGrader()
    index = KeywordIndex(bank)
    interview = Interview(bank, grader, max_follow_ups=settings.max_follow_ups,
                          max_answer_chars=settings.max_answer_chars)
    grading = GradingService(index, grader, max_answer_chars=settings.max_answer_chars)  # type: ignore[arg-type]
    # Named knowledge bases are real (parser, index, Chroma, offline grader) over a hashing embedder.
    kbs = build_knowledge_bases(settings, index, interview, None, HashingEmbedder())
    return Services(settings, index, bank, grader, interview, store, grading, clock=clock, knowledge_bases=kbs)


class FakeClock:
    """Epoch seconds that only move when told to."""

    def __init__(self, start: float = 1_700_000_000.0) -> None:
        self.now = start
        self._lock = threading.Lock()

    def __call__(self) -> float:
        with self._lock:
            return self.now

    def advance(self, seconds: float) -> None:
        with self._lock:
            self.now += seconds


def start(client: TestClient, **body: Any) -> tuple[str, dict[str, str], dict[str, Any]]:
    """Start a session; returns (id, auth headers, response body)."""
    response = client.post("/v1/sessions", json=body or {"num_questions": 2})
    assert response.status_code == 201, response.text
    data = response.json()
    return data["id"], {"Authorization": f"Bearer {data['token']}"}, data


# -- store backends ---------------------------------------------------------------------------

BACKENDS = ["sqlite", "postgres"]


@contextmanager
def store_opener(backend: str, tmp_path: Path) -> Iterator[Callable[..., Any]]:
    """Yields open(clock=...) -> a new store instance on ONE database (a second call: a second process)."""
    opened: list[Any] = []
    if backend == "sqlite":
        from interviewer.store.sqlite import SQLiteSessionStore

        path = tmp_path / "sessions.db"

        def open_sqlite(clock: Callable[[], float] = time.time) -> Any:
            opened.append(SQLiteSessionStore(path, clock=clock))
            return opened[-1]

        try:
            yield open_sqlite
        finally:
            for store in opened:
                store.close()
        return
    url = os.environ.get(PG_ENV)
    if not url:
        import pytest

        pytest.skip(f"PostgreSQL backend: set {PG_ENV} (e.g. `export {PG_ENV}=$(scripts/start-postgres.sh)`)")
    from psycopg.conninfo import make_conninfo

    from interviewer.store.postgres import PostgresSessionStore
    from tests.fakes.subprocess_server import postgres_schema

    with postgres_schema(url) as schema:  # one schema per test: tests never see each other's rows
        conninfo = make_conninfo(url, options=f"-c search_path={schema}")

        def open_pg(clock: Callable[[], float] = time.time) -> Any:
            opened.append(PostgresSessionStore(conninfo, clock=clock))
            return opened[-1]

        try:
            yield open_pg
        finally:
            for store in opened:
                store.close()
