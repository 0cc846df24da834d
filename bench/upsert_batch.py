"""Chroma upserts at ingest: chunks per upsert call and the collection's HNSW settings, before/after.

    python -m bench.upsert_batch [--scale 10] [--rounds 2] [--configs 512,5000,...]

The synthetic corpus (bench.synth, `--scale` times the seeds) is chunked as ingest chunks it and given seed
vectors (bench.embedders.SeedVectorEmbedder, computed once before timing). Each config then fills a fresh
embedded Chroma collection through `ChromaStore.add`, `batch` chunks per call, configs alternating round
after round; after filling, 200 perturbed chunk vectors are queried (top 10) and the ids compared with
the first config's first round (its later rounds show how repeatable one config is).
Writes bench/upsert-results.json.

A config is `BATCH` or `BATCH:hnsw:batch_size=N:hnsw:sync_threshold=M` (collection metadata at creation).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

OUT = Path(__file__).resolve().parent / "upsert-results.json"
DEFAULT_CONFIGS = "512,5000,512:hnsw:batch_size=1000:hnsw:sync_threshold=10000,5000:hnsw:batch_size=1000:hnsw:sync_threshold=10000"


def corpus(scale: int) -> tuple[list[Any], np.ndarray]:
    """The synthetic corpus's chunks and their seed vectors."""
    from bench.embedders import SeedVectorEmbedder
    from bench.synth import DEFAULT_SEEDS, generate
    from interviewer.settings import Settings
    from interviewer.wiring import build_index
    from knowledge.chunking import corpus_chunks
    from knowledge.parsing import parse_corpus

    seed_index = build_index(Settings())
    ids, _meta, matrix = seed_index.store.vectors()
    texts = {cid: chunk.text for cid, chunk in seed_index.chunks.items()}
    seed_vectors = {texts[cid]: matrix[row] for row, cid in enumerate(ids) if cid in texts}
    with tempfile.TemporaryDirectory() as tmp:
        generate(DEFAULT_SEEDS, Path(tmp) / "synth", scale=scale)
        chunks = corpus_chunks(parse_corpus(Path(tmp) / "synth").items)
    vectors = SeedVectorEmbedder(seed_index.embedder, seed_vectors).embed_passages([c.text for c in chunks])
    return chunks, vectors


def parse_config(text: str) -> tuple[int, dict[str, Any]]:
    batch, *pairs = text.split(":hnsw:")
    return int(batch), {f"hnsw:{k}": int(v) for k, v in (p.split("=") for p in pairs)}


def fill(chunks: list[Any], vectors: np.ndarray, batch: int, hnsw: dict[str, Any], where: Path,
         queries: np.ndarray) -> tuple[float, list[list[str]]]:
    from knowledge.store import ChromaStore

    store = ChromaStore("bench", path=where, hnsw=hnsw)
    started = time.perf_counter()
    for start in range(0, len(chunks), batch):
        store.add(chunks[start : start + batch], vectors[start : start + batch])
    seconds = time.perf_counter() - started
    found = [[cid for cid, _ in store.query(q, k=10)] for q in queries]
    assert store.count() == len(chunks)
    return seconds, found


def same(found: list[list[str]], first: list[list[str]]) -> int:
    return sum(a == b for a, b in zip(found, first, strict=True))


def overlap(found: list[list[str]], first: list[list[str]]) -> float:
    return round(statistics.fmean(len(set(a) & set(b)) / 10 for a, b in zip(found, first, strict=True)), 4)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--configs", default=DEFAULT_CONFIGS)
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    configs = args.configs.split(",")
    chunks, vectors = corpus(args.scale)
    rng = np.random.default_rng(0)
    picks = rng.choice(len(chunks), size=200, replace=False)
    queries = vectors[picks] + rng.normal(0, 0.02, (200, vectors.shape[1])).astype(np.float32)
    seconds: dict[str, list[float]] = {c: [] for c in configs}
    results: dict[str, list[list[list[str]]]] = {c: [] for c in configs}
    loadavg = [list(os.getloadavg())]
    for _ in range(args.rounds):
        for config in configs:
            batch, hnsw = parse_config(config)
            where = Path(tempfile.mkdtemp(prefix="upsert-bench-"))
            try:
                took, found = fill(chunks, vectors, batch, hnsw, where, queries)
            finally:
                shutil.rmtree(where, ignore_errors=True)
            seconds[config].append(round(took, 2))
            results[config].append(found)
            print(f"{config:<60} {took:7.2f} s", flush=True)
    loadavg.append(list(os.getloadavg()))
    first = results[configs[0]][0]  # the first config's first round: what every fill is compared with
    rows = {c: {"seconds": s, "median_s": round(statistics.median(s), 2),
                "chunks_per_s": round(len(chunks) / statistics.median(s), 1),
                "top10_identical_per_round": [same(found, first) for found in results[c]],
                "top10_overlap_per_round": [overlap(found, first) for found in results[c]]}
            for c, s in seconds.items()}
    out = {"command": f"python -m bench.upsert_batch --scale {args.scale} --rounds {args.rounds} "
                      f"--configs {args.configs}",
           "chunks": len(chunks), "queries": len(queries), "loadavg_start_end": loadavg, "configs": rows}
    args.out.write_text(json.dumps(out, indent=1) + "\n", encoding="utf-8")
    print(json.dumps(rows, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
