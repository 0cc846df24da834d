"""ChromaStore: upserts above Chroma's per-call maximum, the HNSW settings a new collection gets, and queries."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from knowledge.errors import IndexNotReady
from knowledge.models import Chunk
from knowledge.store import ChromaStore


def chunks(n: int) -> list[Chunk]:
    return [Chunk(id=f"c{i}", item_id=f"i{i}", kind="point", text=f"text {i}", source="a.md", section="s",
                  line_start=1, line_end=2) for i in range(n)]


def test_an_add_larger_than_chromas_maximum_is_split(tmp_path: Path) -> None:
    store = ChromaStore("split-test", path=tmp_path)
    store.add(chunks(1), np.ones((1, 4), np.float32))
    store._max_batch = 2  # as if Chroma took 2 records per call
    vectors = np.random.default_rng(0).random((5, 4)).astype(np.float32)
    store.add(chunks(5), vectors)
    assert store.count() == 5
    ids, _meta, matrix = store.vectors()
    assert np.allclose(matrix[np.argsort(ids)], vectors)  # c0..c4 sort as their rows


def test_hnsw_settings_apply_to_a_new_collection_only(tmp_path: Path) -> None:
    ChromaStore("old-kb", path=tmp_path)
    reopened = ChromaStore("old-kb", path=tmp_path, hnsw={"hnsw:sync_threshold": 5000})
    assert reopened._collection.metadata == {"hnsw:space": "cosine"}
    fresh = ChromaStore("new-kb", path=tmp_path, hnsw={"hnsw:sync_threshold": 5000})
    assert fresh._collection.metadata == {"hnsw:space": "cosine", "hnsw:sync_threshold": 5000}


def test_query_asks_for_more_than_there_is_without_counting_and_refuses_an_empty_index(tmp_path: Path) -> None:
    store = ChromaStore("query-test", path=tmp_path)
    with pytest.raises(IndexNotReady, match="ingest"):
        store.query(np.ones(4, np.float32), 10)
    with pytest.raises(IndexNotReady, match="ingest"):
        store.query(np.ones(4, np.float32), 10, item_ids=[])
    vectors = np.random.default_rng(1).random((3, 4)).astype(np.float32)
    store.add(chunks(3), vectors)
    counted = []
    store.count = lambda: counted.append(1) or 3  # type: ignore[method-assign]
    hits = store.query(vectors[1], 150)  # k above the number of vectors: what there is
    assert [cid for cid, _ in hits][0] == "c1" and len(hits) == 3 and abs(hits[0][1] - 1.0) < 1e-5
    assert store.query(vectors[1], 150, item_ids=["i0", "i2"]) and not counted  # no count on the way
    assert store.query(vectors[1], 5, item_ids=["nope"]) == [] and counted == [1]  # nothing back: counted once
    assert store.query(vectors[1], 5, item_ids=[]) == []
