"""The bench scenarios. Each runs in its own process, started by bench.run:

    python -m bench.scenarios NAME '{"json": "arguments"}'

and ends by printing one line `BENCH_RESULT {...}` with its figures, including the process's peak RSS.
The functions are plain and importable, so the smoke test runs them in-process on a tiny corpus.
Settings come from the environment (INTERVIEWER_DATA_DIR, INTERVIEWER_DOCS_DIR), as in the service.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

from bench.inputs import alter_question, load_answers, load_queries
from bench.measure import TimedStore, current_rss_mib, dir_bytes, peak_rss_mib, percentiles

RESULT_PREFIX = "BENCH_RESULT "
MODES = ("hybrid", "dense", "bm25")


def _settings(**overrides: Any) -> Any:
    from interviewer.settings import Settings

    return Settings(**overrides)


def ingest(settings: Any = None) -> dict[str, Any]:
    """Ingest settings.docs_dir into settings.data_dir with the configured (real) embedder."""
    from bench.embedders import TimedEmbedder
    from interviewer.wiring import build_index

    settings = settings or _settings()
    started = time.perf_counter()
    index = build_index(settings)
    setup = time.perf_counter() - started
    timed = TimedEmbedder(index.embedder)
    store = TimedStore(index.store)
    index.embedder, index.store = timed, store
    stats = index.ingest(settings.docs_dir)
    emb = timed.passages
    return {
        **_ingest_figures(stats, setup, store, Path(settings.data_dir)),
        "embed_seconds": round(emb.seconds, 3),
        "embed_chars": emb.chars,
        "chunks_per_s": round(emb.texts / emb.seconds, 2) if emb.seconds else None,
        "chars_per_s": round(emb.chars / emb.seconds, 1) if emb.seconds else None,
    }


def _ingest_figures(stats: Any, setup: float, store: TimedStore, data_dir: Path) -> dict[str, Any]:
    """What every ingest scenario reports: the IngestStats counts, set-up and store time, index size."""
    return {
        "seconds": stats.seconds,
        "setup_seconds": round(setup, 3),
        "documents": stats.documents,
        "items": stats.items,
        "chunks": stats.chunks,
        "embedded": stats.embedded,
        "store_add_seconds": round(store.add_seconds, 3),
        "index_bytes": dir_bytes(data_dir),
    }


def synth_ingest(seeds_data_dir: str, settings: Any = None) -> dict[str, Any]:
    """Ingest the synthetic corpus through KnowledgeIndex.ingest with seed vectors instead of embedding."""
    from bench.embedders import SeedVectorEmbedder, TimedEmbedder
    from interviewer.wiring import build_index

    settings = settings or _settings()
    started = time.perf_counter()
    seed_index = build_index(settings.model_copy(update={"data_dir": Path(seeds_data_dir)}))
    ids, _meta, matrix = seed_index.store.vectors()
    texts = {cid: chunk.text for cid, chunk in seed_index.chunks.items()}
    seed_vectors = {texts[cid]: matrix[row] for row, cid in enumerate(ids) if cid in texts}
    del seed_index
    index = build_index(settings)
    setup = time.perf_counter() - started
    seeded = SeedVectorEmbedder(index.embedder, seed_vectors)
    timed = TimedEmbedder(seeded)
    store = TimedStore(index.store)
    index.embedder, index.store = timed, store
    stats = index.ingest(settings.docs_dir)
    data = Path(settings.data_dir)
    return {
        **_ingest_figures(stats, setup, store, data),
        "embed_stage_seconds": round(timed.passages.seconds, 3),
        "embed_chars": timed.passages.chars,
        **seeded.stats(),
        "seed_vectors": len(seed_vectors),
        "chroma_bytes": dir_bytes(data / "chroma"),
        "tables_bytes": dir_bytes(data / "index"),
    }


def query(n_queries: int = 150, settings: Any = None) -> dict[str, Any]:
    """Latency of KnowledgeIndex.search per mode; modes interleaved per query so load drift hits all alike."""
    from bench.embedders import TimedEmbedder
    from interviewer.wiring import build_index

    settings = settings or _settings()
    started = time.perf_counter()
    index = build_index(settings)
    index.load()
    load = time.perf_counter() - started
    queries, source = load_queries(n_queries, index.bank)
    timed = TimedEmbedder(index.embedder)
    store = TimedStore(index.store)
    index.embedder, index.store = timed, store
    warm = {}
    for mode in MODES:  # one warm-up query per mode (first Chroma query, jieba dictionary, ...)
        t0 = time.perf_counter()
        index.search(queries[0], k=5, mode=mode)
        warm[mode] = round((time.perf_counter() - t0) * 1000, 1)
    timed.queries.samples_ms.clear()
    store.query_ms.clear()
    samples: dict[str, list[float]] = {m: [] for m in MODES}
    empty = dict.fromkeys(MODES, 0)
    embed_ms: list[float] = []
    chroma_ms: list[float] = []
    for n, q in enumerate(queries):
        for mode in MODES[n % 3 :] + MODES[: n % 3]:
            before_e, before_s = len(timed.queries.samples_ms), len(store.query_ms)
            t0 = time.perf_counter()
            hits = index.search(q, k=5, mode=mode)
            samples[mode].append((time.perf_counter() - t0) * 1000)
            if mode == "dense":
                embed_ms.extend(timed.queries.samples_ms[before_e:])
                chroma_ms.extend(store.query_ms[before_s:])
            empty[mode] += not hits
    return {
        "queries": len(queries),
        "query_source": source,
        "load_seconds": round(load, 3),
        "warmup_ms": warm,
        **{mode: percentiles(samples[mode]) for mode in MODES},
        "empty_results": empty,
        "dense_breakdown": {"query_embedding": percentiles(embed_ms), "chroma_query": percentiles(chroma_ms)},
        "items": len(index.bank),
        "chunks": len(index.chunks),
    }


def grading(n_answers: int = 60, settings: Any = None) -> dict[str, Any]:
    """GradingService.grade per answer (offline grader) on the index, and the memory of that process."""
    from interviewer.wiring import build_app

    settings = settings or _settings()
    if settings.llm_enabled:
        settings = settings.model_copy(update={"openai_api_key": None})
    started = time.perf_counter()
    app = build_app(settings, ingest_if_missing=False, warm=False)
    index, service = app.index, app.grading
    load = time.perf_counter() - started
    rss_loaded, peak_loaded = current_rss_mib(), peak_rss_mib()
    rows, source = load_answers(n_answers, index.bank)
    service.grade(rows[0]["question"], rows[0]["answer"])  # warm-up
    timings: list[tuple[int, float]] = []
    graders: dict[str, int] = {}
    for row in rows:
        t0 = time.perf_counter()
        grade = service.grade(row["question"], row["answer"])
        timings.append((len(row["answer"]), (time.perf_counter() - t0) * 1000))
        graders[grade.grader] = graders.get(grade.grader, 0) + 1
    lengths = sorted(n for n, _ in timings)
    third = len(timings) // 3
    cut1, cut2 = lengths[third], lengths[2 * third]
    buckets = {
        f"short (<{cut1} chars)": [ms for n, ms in timings if n < cut1],
        f"medium ({cut1}-{cut2 - 1})": [ms for n, ms in timings if cut1 <= n < cut2],
        f"long (>={cut2})": [ms for n, ms in timings if n >= cut2],
    }
    return {
        "answers": len(timings),
        "answer_source": source,
        "answer_chars": {"min": lengths[0], "median": lengths[len(lengths) // 2], "max": lengths[-1]},
        "graders": graders,
        "load_seconds": round(load, 3),
        "rss_loaded_mib": rss_loaded,
        "peak_rss_loaded_mib": peak_loaded,
        "latency_ms": percentiles([ms for _, ms in timings]),
        "by_length": {name: percentiles(ms) for name, ms in buckets.items()},
        "ms_per_char": round(statistics.fmean(ms / max(n, 1) for n, ms in timings), 3),
    }


def embed_micro(n_queries: int = 30, settings: Any = None) -> dict[str, Any]:
    """The bare embedder: one query per call, and one batch of 16 passages, under this process's OpenMP env."""
    from knowledge.embedders import load_embedder

    settings = settings or _settings()
    started = time.perf_counter()
    embedder = load_embedder(settings.embedder)
    load = time.perf_counter() - started
    queries, _source = load_queries(n_queries)
    queries = queries or [alter_question("LoRA 的原理", n) for n in range(n_queries)]
    embedder.embed_queries(queries[:1])
    per_query = []
    for q in queries:
        t0 = time.perf_counter()
        embedder.embed_queries([q])
        per_query.append((time.perf_counter() - t0) * 1000)
    passages = [a + b for a, b in zip(queries[:16], queries[1:17], strict=False)]
    t0 = time.perf_counter()
    embedder.embed_passages(passages)
    batch = time.perf_counter() - t0
    return {
        "omp_env": {k: v for k, v in os.environ.items() if k.startswith(("OMP_", "GOMP_"))},
        "load_seconds": round(load, 3),
        "query_ms": percentiles(per_query),
        "passage_batch": {"texts": len(passages), "chars": sum(map(len, passages)), "seconds": round(batch, 3),
                          "chars_per_s": round(sum(map(len, passages)) / batch, 1)},
    }


SCENARIOS: dict[str, Any] = {"embed_micro": embed_micro, "ingest": ingest, "synth_ingest": synth_ingest, "query": query, "grading": grading}


def main(argv: list[str]) -> int:
    name, args = argv[0], json.loads(argv[1]) if len(argv) > 1 else {}
    started = time.perf_counter()
    result = SCENARIOS[name](**args)
    result["process_seconds"] = round(time.perf_counter() - started, 3)
    result["peak_rss_mib"] = peak_rss_mib()
    result["pid"] = os.getpid()
    print(RESULT_PREFIX + json.dumps(result, ensure_ascii=False), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
