"""ChromaStore: upserts above Chroma's per-call maximum, and the HNSW settings a new collection gets."""

from __future__ import annotations

from pathlib import Path

import numpy as np

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
