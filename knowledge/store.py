"""Vector storage in Chroma: embedded persistent client by default, a Chroma server when a URL is set.

Chroma is imported lazily (about a second); nothing else in the project talks to it.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import urlparse

import numpy as np

from knowledge.errors import IndexNotReady
from knowledge.models import Chunk


class VectorStore(Protocol):
    def ids(self) -> set[str]: ...

    def add(self, chunks: list[Chunk], vectors: np.ndarray) -> None: ...

    def delete(self, ids: list[str]) -> None: ...

    def query(self, vector: np.ndarray, k: int, item_ids: list[str] | None = None) -> list[tuple[str, float]]: ...

    def vectors(self, where: dict[str, Any] | None = None) -> tuple[list[str], list[dict[str, Any]], np.ndarray]: ...

    def count(self) -> int: ...

    def drop(self) -> None: ...


def collection_name(base: str, embedder_name: str) -> str:
    """One collection per embedder: vectors of different models never mix."""
    slug = re.sub(r"[^a-zA-Z0-9_-]+", "-", embedder_name).strip("-")
    return f"{base}-{slug}"[:60].strip("-")


# HNSW settings a new collection is created with (an existing one keeps those it was created with).
HNSW: dict[str, Any] = {"hnsw:space": "cosine"}


class ChromaStore:
    def __init__(self, collection: str, path: Path | None = None, url: str | None = None,
                 hnsw: dict[str, Any] | None = None) -> None:
        import chromadb
        from chromadb.config import Settings as ChromaSettings

        chroma_settings = ChromaSettings(anonymized_telemetry=False)
        if url:
            parsed = urlparse(url)
            self._client = chromadb.HttpClient(
                host=parsed.hostname or "localhost",
                port=parsed.port or 8000,
                ssl=parsed.scheme == "https",
                settings=chroma_settings,
            )
        else:
            if path is None:
                raise ValueError("ChromaStore needs a path or a url")
            path.mkdir(parents=True, exist_ok=True)
            self._client = chromadb.PersistentClient(path=str(path), settings=chroma_settings)
        self._name = collection
        self._collection = self._client.get_or_create_collection(collection, metadata={**HNSW, **(hnsw or {})})
        self._max_batch = 0  # Chroma's most records per call, asked on the first add

    def drop(self) -> None:
        """Delete the whole collection (a knowledge base that is deleted); this store is unusable after."""
        import contextlib

        from chromadb.errors import NotFoundError

        with contextlib.suppress(NotFoundError, ValueError):  # already gone (another process dropped it)
            self._client.delete_collection(self._name)

    def count(self) -> int:
        return int(self._collection.count())

    def ids(self) -> set[str]:
        total = self.count()
        found: set[str] = set()
        page = 5000
        for offset in range(0, total, page):
            found.update(self._collection.get(include=[], limit=page, offset=offset)["ids"])
        return found

    def add(self, chunks: list[Chunk], vectors: np.ndarray) -> None:
        if not chunks:
            return
        self._max_batch = self._max_batch or int(self._client.get_max_batch_size())
        matrix = np.asarray(vectors, dtype=np.float32)
        for start in range(0, len(chunks), self._max_batch):  # Chroma refuses more than its max per call
            part = chunks[start : start + self._max_batch]
            self._collection.upsert(
                ids=[c.id for c in part],
                embeddings=matrix[start : start + self._max_batch],
                documents=[c.text for c in part],
                metadatas=[_metadata(c) for c in part],
            )

    def delete(self, ids: list[str]) -> None:
        for start in range(0, len(ids), 1000):
            self._collection.delete(ids=ids[start : start + 1000])

    def query(self, vector: np.ndarray, k: int, item_ids: list[str] | None = None) -> list[tuple[str, float]]:
        """Nearest chunks as (chunk id, cosine similarity), optionally restricted to some items.

        Chroma returns what it has when k is larger, so the collection is counted only when nothing came
        back (a count is a scan: 6.8 ms of a 10 ms query at 100x the seed notes, the query itself 1.3 ms)."""
        if item_ids is not None and not item_ids:
            self._refuse_if_empty()
            return []
        where = {"item_id": {"$in": item_ids}} if item_ids is not None else None
        res = self._collection.query(
            query_embeddings=[np.asarray(vector, dtype=np.float32).tolist()],
            n_results=k,
            where=where,  # type: ignore[arg-type]
            include=["distances"],
        )
        if not res["ids"][0]:
            self._refuse_if_empty()
        distances = res["distances"] or [[]]
        return [(cid, 1.0 - float(dist)) for cid, dist in zip(res["ids"][0], distances[0], strict=True)]

    def _refuse_if_empty(self) -> None:
        if self.count() == 0:
            raise IndexNotReady("the vector index is empty: run `interviewer ingest` first")

    def vectors(self, where: dict[str, Any] | None = None) -> tuple[list[str], list[dict[str, Any]], np.ndarray]:
        res = self._collection.get(where=where, include=["embeddings", "metadatas"])
        embeddings = res["embeddings"]
        matrix = np.asarray(embeddings, dtype=np.float32) if embeddings is not None and len(embeddings) else np.zeros((0, 0), np.float32)
        return list(res["ids"]), [dict(m or {}) for m in res["metadatas"] or []], matrix


def _metadata(chunk: Chunk) -> dict[str, Any]:
    return {
        "item_id": chunk.item_id,
        "kind": chunk.kind,
        "source": chunk.source,
        "section": chunk.section,
        "line_start": chunk.line_start,
        "line_end": chunk.line_end,
    }
