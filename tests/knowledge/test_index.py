from __future__ import annotations

from pathlib import Path

import pytest

from knowledge.errors import IndexNotReady, InvalidInput
from knowledge.index import KnowledgeIndex, reciprocal_rank_fusion
from tests.fakes.corpus import RAG_DOC


def test_ingest_builds_bank_chunks_and_vectors(small_index: KnowledgeIndex, small_docs: Path):
    stats = small_index.ingest(small_docs)
    assert stats.documents == 2
    assert stats.items == 3
    assert stats.chunks == stats.embedded == small_index.store.count()
    assert stats.per_file == {"finetune.md": 2, "rag.md": 1}
    assert small_index.is_ready()


def test_reingest_unchanged_corpus_embeds_nothing(small_index: KnowledgeIndex, small_docs: Path):
    first = small_index.ingest(small_docs)
    again = small_index.ingest(small_docs)
    assert again.embedded == 0 and again.deleted == 0
    assert again.chunks == first.chunks == small_index.store.count()


def test_changed_file_reembeds_only_its_changed_chunks(small_index: KnowledgeIndex, small_docs: Path):
    small_index.ingest(small_docs)
    rag = small_docs / "rag.md"
    rag.write_text(RAG_DOC + "3. 检索质量直接决定生成质量。\n", encoding="utf-8")
    stats = small_index.ingest(small_docs)
    assert 1 <= stats.embedded <= 2  # the new point (and a point merged with it), nothing from finetune.md
    assert stats.chunks == small_index.store.count()


def test_deleted_file_chunks_are_removed(small_index: KnowledgeIndex, small_docs: Path):
    first = small_index.ingest(small_docs)
    (small_docs / "rag.md").unlink()
    stats = small_index.ingest(small_docs)
    assert stats.embedded == 0
    assert stats.deleted > 0
    assert small_index.store.count() == stats.chunks < first.chunks
    assert all(c.source == "finetune.md" for c in small_index.chunks.values())


def test_rebuild_embeds_everything_again(small_index: KnowledgeIndex, small_docs: Path):
    first = small_index.ingest(small_docs)
    stats = small_index.ingest(small_docs, rebuild=True)
    assert stats.embedded == first.chunks == small_index.store.count()


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("低秩适配微调的原理", "什么是 LoRA"),
        ("why cache keys and values during decoding", "什么是 KV Cache"),
        ("检索增强生成是什么", "什么是 RAG"),
    ],
)
def test_search_finds_the_item_with_its_citation(small_index: KnowledgeIndex, small_docs: Path, query, expected):
    small_index.ingest(small_docs)
    hits = small_index.search(query, k=3)
    assert hits[0].question.startswith(expected)
    assert hits[0].source.endswith(".md")
    assert hits[0].line_start >= 1 and hits[0].line_end >= hits[0].line_start
    assert hits[0].text


def test_search_filters_by_source(small_index: KnowledgeIndex, small_docs: Path):
    small_index.ingest(small_docs)
    hits = small_index.search("LoRA", k=5, source="rag.md")
    assert [h.source for h in hits] == ["rag.md"]


@pytest.mark.parametrize("mode", ["dense", "bm25", "hybrid"])
def test_each_retriever_alone_works(small_index: KnowledgeIndex, small_docs: Path, mode):
    small_index.ingest(small_docs)
    assert small_index.search("KV Cache 显存", k=1, mode=mode)[0].question.startswith("什么是 KV Cache")


@pytest.mark.parametrize(("query", "k"), [("", 5), ("   ", 5), ("x" * 5000, 5), ("LoRA", 0)])
def test_bad_queries_are_rejected(small_index: KnowledgeIndex, small_docs: Path, query, k):
    small_index.ingest(small_docs)
    with pytest.raises(InvalidInput):
        small_index.search(query, k=k)


def test_search_before_ingest_says_so(small_index: KnowledgeIndex):
    with pytest.raises(IndexNotReady):
        small_index.search("LoRA")


def test_missing_or_empty_docs_folder_is_a_clear_error(small_index: KnowledgeIndex, tmp_path: Path):
    with pytest.raises(InvalidInput):
        small_index.ingest(tmp_path / "nope")
    (tmp_path / "empty").mkdir()
    with pytest.raises(InvalidInput):
        small_index.ingest(tmp_path / "empty")


def test_rrf_rewards_agreement():
    fused = reciprocal_rank_fusion([["a", "b", "c"], ["b", "a", "d"]])
    assert {fused[0][0], fused[1][0]} == {"a", "b"}
    assert [doc for doc, _ in fused][-1] in {"c", "d"}
