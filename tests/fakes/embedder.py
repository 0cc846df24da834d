"""A hashing embedder: character unigrams and bigrams into a fixed number of buckets, normalised. Fast,
deterministic and good enough to find a passage from its own words; no model is loaded."""

from __future__ import annotations

import hashlib

import numpy as np

DIM = 256


class HashingEmbedder:
    name = "hashing-test"

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        return self._embed(texts)

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        return self._embed(texts)

    def _embed(self, texts: list[str]) -> np.ndarray:
        out = np.zeros((len(texts), DIM), dtype=np.float32)
        for row, text in enumerate(texts):
            text = text.lower()
            for gram in [*text, *(text[i : i + 2] for i in range(len(text) - 1))]:
                if gram.strip():
                    out[row, int(hashlib.md5(gram.encode()).hexdigest()[:6], 16) % DIM] += 1.0
            norm = float(np.linalg.norm(out[row]))
            out[row] = out[row] / norm if norm else out[row]
            if not norm:
                out[row, 0] = 1.0
        return out
