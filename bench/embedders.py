"""Embedder wrappers for the bench (the index sees them through knowledge.embedders.Embedder).

TimedEmbedder   delegates and accounts for time and characters, per queries / passages.
SeedVectorEmbedder   for the synthetic corpus: a passage that derives from a seed chunk text gets that
    chunk's stored vector (a recombined passage, the mix of the seed chunks it is made of), plus a
    small deterministic perturbation so HNSW does not see N exact duplicates; anything else is
    embedded for real. Queries are always embedded for real.
"""

from __future__ import annotations

import time
import zlib
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from bench.synth import seed_text

JITTER = 0.003  # per-coordinate noise before renormalising: cosine to the seed vector ~0.998
MIN_COVER = 0.6  # a recombined text is at least this share (by bigrams) pieces of seed chunk texts


@dataclass
class EmbedCounters:
    calls: int = 0
    texts: int = 0
    chars: int = 0
    seconds: float = 0.0
    samples_ms: list[float] = field(default_factory=list)  # per call, for query latency breakdowns

    def as_dict(self) -> dict[str, float | int]:
        return {"calls": self.calls, "texts": self.texts, "chars": self.chars, "seconds": round(self.seconds, 3)}


class TimedEmbedder:
    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.name = inner.name
        self.queries = EmbedCounters()
        self.passages = EmbedCounters()

    def _timed(self, counters: EmbedCounters, fn: Callable[[list[str]], np.ndarray], texts: list[str]) -> np.ndarray:
        started = time.perf_counter()
        out = fn(texts)
        elapsed = time.perf_counter() - started
        counters.calls += 1
        counters.texts += len(texts)
        counters.chars += sum(len(t) for t in texts)
        counters.seconds += elapsed
        counters.samples_ms.append(elapsed * 1000)
        return out

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        return self._timed(self.queries, self.inner.embed_queries, texts)

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        return self._timed(self.passages, self.inner.embed_passages, texts)


def _bigrams(text: str) -> set[str]:
    return {text[i : i + 2] for i in range(len(text) - 1)} or {text}


class SeedVectorEmbedder:
    """Stored seed vectors for synthetic passages; the real embedder for everything else."""

    def __init__(self, real: Any, seed_vectors: dict[str, np.ndarray]) -> None:
        self.real = TimedEmbedder(real)
        self.name = real.name
        self._seeds = seed_vectors
        self._texts = list(seed_vectors)
        self._grams = [_bigrams(t) for t in self._texts]
        self._postings: dict[str, list[int]] = {}
        for n, grams in enumerate(self._grams):
            for g in grams:
                self._postings.setdefault(g, []).append(n)
        self.exact = 0  # passages whose marker-free text is a seed chunk text
        self.derived = 0  # recombined passages, given the mix of the seed chunks they are made of
        self.real_texts = 0  # passages embedded for real
        self.real_chars = 0
        self.lookup_seconds = 0.0

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        return self.real.embed_queries(texts)

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        started = time.perf_counter()
        out: list[np.ndarray] = []
        missing: list[int] = []
        for n, text in enumerate(texts):
            base = seed_text(text)
            vector = self._seeds.get(base)
            if vector is not None:
                self.exact += 1
            else:
                vector = self._recombined(base)
                if vector is not None:
                    self.derived += 1
            if vector is None:
                missing.append(n)
                out.append(np.zeros(0, np.float32))  # filled in below
            else:
                out.append(_perturb(vector, text))
        self.lookup_seconds += time.perf_counter() - started
        if missing:
            real = self.real.embed_passages([texts[n] for n in missing])
            self.real_texts += len(missing)
            self.real_chars += sum(len(texts[n]) for n in missing)
            for row, n in enumerate(missing):
                out[n] = np.asarray(real[row], dtype=np.float32)
        return np.vstack(out).astype(np.float32) if out else np.zeros((0, 384), np.float32)

    def _recombined(self, text: str) -> np.ndarray | None:
        """A recombined text (pieces of up to 3 seed chunks): the mix of those chunks' vectors.

        Greedy cover by character bigrams; each piece is weighted by the bigrams it covers. None when
        the pieces cover less than MIN_COVER of the text: it does not derive from the seeds.
        """
        remaining = _bigrams(text)
        total = len(remaining)
        mix = np.zeros(0, np.float32)
        covered = 0
        for _ in range(3):
            counts: Counter[int] = Counter()
            for g in remaining:
                counts.update(self._postings.get(g, ()))
            if not counts:
                break
            best, shared = max(counts.items(), key=lambda kv: (kv[1], -kv[0]))
            if shared < 0.1 * total:
                break
            vector = self._seeds[self._texts[best]] * shared
            mix = vector if not mix.size else mix + vector
            covered += shared
            remaining -= self._grams[best]
            if covered >= 0.9 * total:
                break
        if covered < MIN_COVER * total:
            return None
        return mix / max(float(np.linalg.norm(mix)), 1e-12)

    def stats(self) -> dict[str, float | int]:
        return {
            "exact_seed_vectors": self.exact,
            "derived_seed_vectors": self.derived,
            "embedded_for_real": self.real_texts,
            "embedded_for_real_chars": self.real_chars,
            "real_embedding_seconds": round(self.real.passages.seconds, 3),
            "lookup_seconds": round(self.lookup_seconds, 3),
        }


def _perturb(vector: np.ndarray, text: str) -> np.ndarray:
    rng = np.random.default_rng(zlib.crc32(text.encode()))
    noise = rng.standard_normal(vector.shape[-1], dtype=np.float32)
    v = np.asarray(vector, dtype=np.float32) + JITTER * noise
    return v / max(float(np.linalg.norm(v)), 1e-12)
