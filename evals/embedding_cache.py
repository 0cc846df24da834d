"""An Embedder that remembers vectors on disk, so training and data-set evals embed each text once."""

from __future__ import annotations

import hashlib
import sqlite3
import threading
from pathlib import Path

import numpy as np

from knowledge.embedders import Embedder

REPO = Path(__file__).resolve().parents[1]
CACHE = REPO / ".interviewer" / "cache" / "embeddings.sqlite"


class CachedEmbedder:
    """An Embedder that remembers vectors on disk (sha1 of embedder name, query/passage, text)."""

    def __init__(self, inner: Embedder, path: Path) -> None:
        self.inner = inner
        self.name = inner.name
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(str(path), check_same_thread=False)
        self._db.execute("create table if not exists vectors (key text primary key, vec blob)")
        self._lock = threading.Lock()

    def _cached(self, texts: list[str], kind: str, embed) -> np.ndarray:
        keys = [hashlib.sha1(f"{self.name}\0{kind}\0{t}".encode()).hexdigest() for t in texts]
        found: dict[str, np.ndarray] = {}
        with self._lock:
            for key in set(keys):
                row = self._db.execute("select vec from vectors where key = ?", (key,)).fetchone()
                if row:
                    found[key] = np.frombuffer(row[0], dtype=np.float32)
            todo = {k: t for k, t in zip(keys, texts, strict=True) if k not in found}
            if todo:
                vecs = embed(list(todo.values()))
                for key, vec in zip(todo, vecs, strict=True):
                    found[key] = np.asarray(vec, dtype=np.float32)
                    self._db.execute("insert or replace into vectors values (?, ?)", (key, found[key].tobytes()))
                self._db.commit()
        if not keys:
            return np.zeros((0, 384), dtype=np.float32)
        return np.stack([found[k] for k in keys])

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        return self._cached(texts, "query", self.inner.embed_queries)

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        return self._cached(texts, "passage", self.inner.embed_passages)
