"""An Embedder that remembers vectors on disk (SQLite), so a text is embedded once per installation: the
grader's English key-point vectors (not in the index), and the training and data-set evals."""

from __future__ import annotations

import hashlib
import logging
import sqlite3
import threading
from collections.abc import Callable
from pathlib import Path

import numpy as np

from knowledge.embedders import Embedder

log = logging.getLogger("knowledge.vector_cache")


class CachedEmbedder:
    """An Embedder that remembers vectors on disk (sha1 of embedder name, query/passage, text)."""

    def __init__(self, inner: Embedder, path: Path) -> None:
        self.inner = inner
        self.name = inner.name
        self._lock = threading.Lock()
        self._db: sqlite3.Connection | None = None
        try:  # a cache that cannot be opened (read-only data dir, another process's lock) is no cache
            path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(str(path), check_same_thread=False, timeout=5)
            self._db.execute("pragma journal_mode=wal")
            self._db.execute("create table if not exists vectors (key text primary key, vec blob)")
        except (OSError, sqlite3.Error) as exc:
            log.warning("vector cache %s unavailable (%s): embedding without it", path, exc)
            self._db = None

    def _cached(self, texts: list[str], kind: str, embed: Callable[[list[str]], np.ndarray]) -> np.ndarray:
        keys = [hashlib.sha1(f"{self.name}\0{kind}\0{t}".encode()).hexdigest() for t in texts]
        if not keys:
            return np.zeros((0, 384), dtype=np.float32)
        with self._lock:  # one connection: reads and writes take turns; the embedding itself does not
            found = self._read(set(keys))
        todo = {k: t for k, t in zip(keys, texts, strict=True) if k not in found}
        if todo:
            vecs = embed(list(todo.values()))
            fresh = {key: np.asarray(vec, dtype=np.float32) for key, vec in zip(todo, vecs, strict=True)}
            found.update(fresh)
            with self._lock:
                self._write(fresh)
        return np.stack([found[k] for k in keys])

    def _read(self, keys: set[str]) -> dict[str, np.ndarray]:
        found: dict[str, np.ndarray] = {}
        if self._db is None:
            return found
        try:
            for key in keys:
                row = self._db.execute("select vec from vectors where key = ?", (key,)).fetchone()
                if row:
                    found[key] = np.frombuffer(row[0], dtype=np.float32)
        except sqlite3.Error as exc:
            log.warning("vector cache read failed (%s): embedding instead", exc)
        return found

    def _write(self, vectors: dict[str, np.ndarray]) -> None:
        if self._db is None:
            return
        try:
            self._db.executemany("insert or replace into vectors values (?, ?)",
                                 [(key, vec.tobytes()) for key, vec in vectors.items()])
            self._db.commit()
        except sqlite3.Error as exc:  # another process holds the lock: these vectors are not kept
            log.warning("vector cache write failed (%s)", exc)

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        return self._cached(texts, "query", self.inner.embed_queries)

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        return self._cached(texts, "passage", self.inner.embed_passages)
