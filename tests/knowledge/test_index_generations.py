"""The atomic index swap: an interrupted or failed ingest leaves the previous generation serving."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import knowledge.index as index_module
from knowledge.bm25 import BM25Index
from knowledge.index import KnowledgeIndex
from knowledge.models import Chunk
from knowledge.store import ChromaStore
from tests.fakes.corpus import RAG_DOC

NEW_QUESTION = """
## 2、什么是向量数据库？

向量数据库存储嵌入向量并支持近邻检索。
1. 常用 HNSW 等索引结构加速近似最近邻搜索。
2. 支持按元数据过滤检索结果。
"""


class Interrupted(Exception):
    """Stands for a crash or Ctrl-C in the middle of an ingest."""


def _change_docs(docs: Path) -> None:
    (docs / "rag.md").write_text(RAG_DOC + NEW_QUESTION, encoding="utf-8")


def _questions(index: KnowledgeIndex, query: str, mode: str = "hybrid") -> list[str]:
    return [h.question for h in index.search(query, k=5, mode=mode)]


def _fresh(index: KnowledgeIndex) -> KnowledgeIndex:
    """Another process opening the same data dir."""
    return KnowledgeIndex(index.index_dir, index.embedder, index.store)


def _fail_store_add_after(index: KnowledgeIndex, monkeypatch: pytest.MonkeyPatch, calls: int) -> None:
    """Store adds go one chunk at a time and the one after `calls` raises: half the new vectors are in."""
    monkeypatch.setattr(index_module, "EMBED_BATCH", 1)
    monkeypatch.setattr(index_module, "STORE_BATCH", 1)
    real_add = index.store.add
    done = {"n": 0}

    def add(chunks: list[Chunk], vectors: np.ndarray) -> None:
        if done["n"] >= calls:
            raise Interrupted("killed while adding vectors")
        done["n"] += 1
        real_add(chunks, vectors)

    monkeypatch.setattr(index.store, "add", add)


def test_an_ingest_interrupted_midway_leaves_the_previous_generation_serving(
    small_index: KnowledgeIndex, small_docs: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    small_index.ingest(small_docs)
    before = small_index.generation()
    assert before is not None and before.items == 3
    chunks_before = small_index.store.count()

    _change_docs(small_docs)
    _fail_store_add_after(small_index, monkeypatch, calls=1)
    with pytest.raises(Interrupted):
        small_index.ingest(small_docs)
    assert small_index.store.count() == chunks_before + 1  # half the new vectors went in

    for index in (small_index, _fresh(small_index)):  # this process, and one started after the crash
        assert index.is_ready()
        assert index.generation() == before
        assert _questions(index, "检索增强生成是什么")[0].startswith("什么是 RAG")
        assert _questions(index, "why cache keys and values during decoding", mode="dense")[0].startswith(
            "什么是 KV Cache")
        assert not any("向量数据库" in q for q in _questions(index, "向量数据库 HNSW 近邻检索"))
        # The grader's vectors are the live generation's only, not the half-added new ones.
        item_ids, background = index.background_vectors()
        points = [c for c in index.chunks.values() if c.kind == "point"]
        assert len(item_ids) == background.shape[0] == len(points)


def test_the_next_complete_ingest_switches_and_reuses_what_was_embedded(
    small_index: KnowledgeIndex, small_docs: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    small_index.ingest(small_docs)
    before = small_index.generation()
    _change_docs(small_docs)
    with monkeypatch.context() as patch:
        _fail_store_add_after(small_index, patch, calls=1)
        with pytest.raises(Interrupted):
            small_index.ingest(small_docs)

    stats = small_index.ingest(small_docs)
    after = small_index.generation()
    assert before is not None and after is not None
    assert after.id != before.id and after.items == 4 and after.chunks == stats.chunks
    assert after.embedder == small_index.embedder.name
    assert stats.embedded >= 1  # the vector added before the crash is not embedded again
    assert small_index.store.count() == stats.chunks
    assert any("向量数据库" in q for q in _questions(small_index, "向量数据库 HNSW 近邻检索"))
    assert _fresh(small_index).generation() == after


def test_a_completed_ingest_switches_generations_with_one_pointer(
    small_index: KnowledgeIndex, small_docs: Path
) -> None:
    small_index.ingest(small_docs)
    first = small_index.generation()
    small_index.ingest(small_docs)
    second = small_index.generation()
    small_index.ingest(small_docs)
    third = small_index.generation()
    assert first and second and third
    assert len({first.id, second.id, third.id}) == 3
    assert (small_index.index_dir / "current").read_text(encoding="utf-8").strip() == third.id
    meta = json.loads((small_index.generations_dir / third.id / "generation.json").read_text(encoding="utf-8"))
    assert meta["id"] == third.id and meta["items"] == 3 and meta["created_at"].endswith("Z")
    # The live generation and the one before it are kept (a process may still read it); older ones go.
    assert sorted(p.name for p in small_index.generations_dir.iterdir()) == sorted([second.id, third.id])


def test_a_failure_while_writing_the_files_keeps_the_previous_generation(
    small_index: KnowledgeIndex, small_docs: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    small_index.ingest(small_docs)
    before = small_index.generation()
    _change_docs(small_docs)

    def broken_save(self: BM25Index, path: Path) -> None:
        raise OSError("disk full")

    with monkeypatch.context() as patch:
        patch.setattr(BM25Index, "save", broken_save)
        with pytest.raises(OSError, match="disk full"):
            small_index.ingest(small_docs)
    assert small_index.generation() == before
    assert _fresh(small_index).generation() == before
    assert _questions(small_index, "KV Cache 显存", mode="bm25")[0].startswith("什么是 KV Cache")

    small_index.ingest(small_docs)  # the half-written directory is cleared by the next ingest
    assert before is not None
    assert len(list(small_index.generations_dir.iterdir())) == 2


def test_a_crash_after_the_switch_leaves_the_new_generation_whole(
    small_index: KnowledgeIndex, small_docs: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    small_index.ingest(small_docs)
    (small_docs / "rag.md").unlink()

    def crash(ids: list[str]) -> None:
        raise Interrupted("killed before the stale vectors were deleted")

    with monkeypatch.context() as patch:
        patch.setattr(small_index.store, "delete", crash)
        with pytest.raises(Interrupted):
            small_index.ingest(small_docs)
    live = _fresh(small_index)
    generation = live.generation()
    assert generation is not None and generation.items == 2
    assert small_index.store.count() > generation.chunks  # rag.md's vectors linger ...
    hits = live.search("检索增强生成 RAG 外部知识库", k=3, mode="dense")
    assert hits and all(h.source == "finetune.md" for h in hits)  # ... but are never served
    stats = live.ingest(small_docs)
    assert stats.deleted > 0 and small_index.store.count() == stats.chunks


def test_a_failed_rebuild_keeps_the_previous_vectors(
    small_index: KnowledgeIndex, small_docs: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = small_index.ingest(small_docs)
    before = small_index.generation()

    class Broken:
        name = small_index.embedder.name

        def embed_passages(self, texts: list[str]) -> np.ndarray:
            raise Interrupted("the embedder died")

    with monkeypatch.context() as patch:
        patch.setattr(small_index, "embedder", Broken())
        with pytest.raises(Interrupted):
            small_index.ingest(small_docs, rebuild=True)
    assert small_index.store.count() == first.chunks
    assert small_index.generation() == before
    assert _questions(small_index, "低秩适配微调的原理", mode="dense")[0].startswith("什么是 LoRA")


def _to_legacy_layout(index: KnowledgeIndex) -> None:
    """The index dir as written before generations: the three files directly in it, nothing else, BM25 in
    the format of then (JSON postings)."""
    live = index.generations_dir / index.live_dir.name
    for name in ("bank.json", "chunks.json"):
        shutil.copy(live / name, index.index_dir / name)
    bm25 = BM25Index.load(live / "bm25.json")
    postings = {term: [[int(bm25.rows[p]), int(bm25.tf[p])] for p in range(bm25.indptr[col], bm25.indptr[col + 1])]
                for col, term in enumerate(bm25.terms)}
    index.index_dir.joinpath("bm25.json").write_text(json.dumps(
        {"k1": bm25.k1, "b": bm25.b, "doc_ids": bm25.doc_ids, "doc_len": bm25.doc_len.tolist(), "postings": postings}))
    shutil.rmtree(index.generations_dir)
    (index.index_dir / "current").unlink()


def test_an_index_dir_in_the_old_layout_still_loads_and_migrates_on_the_next_ingest(
    tmp_path: Path, e5: Any, small_docs: Path
) -> None:
    store = ChromaStore("legacy", path=tmp_path / "chroma")
    writer = KnowledgeIndex(tmp_path / "index", e5, store)
    writer.ingest(small_docs)
    _to_legacy_layout(writer)

    old = KnowledgeIndex(tmp_path / "index", e5, store)
    assert old.is_ready()
    old.load()
    generation = old.generation()
    assert generation is not None and generation.id == "legacy" and generation.items == 3
    assert _questions(old, "检索增强生成是什么")[0].startswith("什么是 RAG")

    stats = old.ingest(small_docs)
    assert stats.embedded == 0  # the vectors of the old layout are reused
    new = old.generation()
    assert new is not None and new.id != "legacy"
    assert (tmp_path / "index" / "bank.json").exists()  # kept one more ingest, as the previous generation
    old.ingest(small_docs)
    assert not (tmp_path / "index" / "bank.json").exists()
    assert _questions(_fresh(old), "检索增强生成是什么")[0].startswith("什么是 RAG")


def test_a_pointer_to_a_missing_generation_falls_back_to_the_old_layout_or_not_ready(
    small_index: KnowledgeIndex, small_docs: Path
) -> None:
    small_index.ingest(small_docs)
    (small_index.index_dir / "current").write_text("nope\n", encoding="utf-8")
    assert not _fresh(small_index).is_ready()


def test_the_graders_background_comes_in_chunk_id_order_whatever_the_storage_order(
    small_index: KnowledgeIndex, small_docs: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The grader's float32 means over the background depend on row order; a collection returns rows in its
    storage order (its ingest history), so the index sorts them: a fresh and a long-lived index grade alike."""
    small_index.ingest(small_docs)
    items, background = small_index.background_vectors()
    stored = small_index.store.vectors

    def reversed_vectors(where=None):  # type: ignore[no-untyped-def]
        ids, meta, matrix = stored(where)
        return ids[::-1], meta[::-1], matrix[::-1]

    monkeypatch.setattr(small_index.store, "vectors", reversed_vectors)
    items_again, background_again = small_index.background_vectors()
    assert items_again == items and np.array_equal(background_again, background)
    ids = sorted(cid for cid, chunk in small_index.chunks.items() if chunk.kind == "point")
    assert items == [small_index.chunks[cid].item_id for cid in ids]
