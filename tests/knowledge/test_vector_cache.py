"""knowledge.vector_cache: vectors embedded once per installation, and a cache that cannot open or write
never costs a grade."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import numpy as np

from knowledge.vector_cache import CachedEmbedder


class Counting:
    name = "counting"

    def __init__(self) -> None:
        self.embedded: list[str] = []

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        return self.embed_passages(texts)

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        self.embedded += texts
        return np.asarray([[len(t), 1.0] for t in texts], dtype=np.float32)


def test_each_text_is_embedded_once_across_instances(tmp_path: Path) -> None:
    inner = Counting()
    first = CachedEmbedder(inner, tmp_path / "cache" / "v.sqlite").embed_passages(["a", "bb", "a"])
    again = CachedEmbedder(inner, tmp_path / "cache" / "v.sqlite").embed_passages(["bb", "ccc"])
    assert inner.embedded == ["a", "bb", "ccc"]
    assert first.tolist() == [[1, 1], [2, 1], [1, 1]] and again.tolist() == [[2, 1], [3, 1]]


def test_a_cache_that_cannot_open_or_write_still_embeds(tmp_path: Path, monkeypatch) -> None:
    blocked = tmp_path / "file"
    blocked.write_text("not a folder")
    inner = Counting()
    assert CachedEmbedder(inner, blocked / "v.sqlite").embed_passages(["x"]).tolist() == [[1, 1]]
    cache = CachedEmbedder(inner, tmp_path / "v.sqlite")

    class Locked:
        def execute(self, *_: object) -> None:
            raise sqlite3.OperationalError("database is locked")

        executemany = execute

    monkeypatch.setattr(cache, "_db", Locked())
    assert cache.embed_passages(["yy"]).tolist() == [[2, 1]]
