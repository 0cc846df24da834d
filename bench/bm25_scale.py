"""BM25 alone at the seeds and at N times the seeds: build, save, load and query, without Chroma.

    python -m bench.bm25_scale [--scale 100] [--queries 120] [--reference OLD_BM25_PY] [--out FILE.json]

The synthetic corpus (bench.synth) is parsed into items and BM25 is built over the same documents the
index gives it (`item_document`). `--reference` names another bm25.py (say the one from before the
sparse matrix: `git show 97934b9:knowledge/bm25.py > /tmp/bm25_old.py`); both are then measured on the
same documents and queries, alternating query by query, and their scores compared.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from types import ModuleType
from typing import Any

from bench.inputs import load_queries
from bench.synth import DEFAULT_OUT, DEFAULT_SEEDS, generate


def _documents(docs_dir: Path) -> dict[str, str]:
    from knowledge.bank import QuestionBank
    from knowledge.index import item_document
    from knowledge.parsing import parse_corpus

    return {item.id: item_document(item) for item in QuestionBank(parse_corpus(docs_dir).items).items}


def _module(path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location("bm25_reference", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _pct(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))], 2)


def measure(docs: dict[str, str], queries: list[str], impls: dict[str, Any], repeat_load: int = 3) -> dict[str, Any]:
    """Per implementation: build and save seconds, bytes on disk, best-of-n load, query p50/p95 (ms)."""
    out: dict[str, Any] = {"documents": len(docs), "queries": len(queries)}
    loaded: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for name, cls in impls.items():
            path = Path(tmp) / name / "bm25.json"
            started = time.perf_counter()
            cls.build(docs).save(path)
            build_s = time.perf_counter() - started
            size = sum(p.stat().st_size for p in path.parent.iterdir())
            loads = []
            for _ in range(repeat_load):
                started_load = time.perf_counter()
                loaded[name] = cls.load(path)
                loads.append(time.perf_counter() - started_load)
            out[name] = {"build_save_s": round(build_s, 2),
                         "bytes": size, "load_ms": round(min(loads) * 1000, 1)}
    for index in loaded.values():
        index.search(queries[0], 50)  # jieba's dictionary, lazy state
    samples: dict[str, list[float]] = {name: [] for name in loaded}
    worst, differ = 0.0, 0
    for query in queries:  # alternate, so the machine's load falls on both alike
        results = []
        for name, index in loaded.items():
            started = time.perf_counter()
            results.append(index.search(query, 50))
            samples[name].append((time.perf_counter() - started) * 1000)
        for other in results[1:]:
            differ += [d for d, _ in other] != [d for d, _ in results[0]]
            worst = max([worst] + [abs(a[1] - b[1]) for a, b in zip(results[0], other, strict=False)])
    for name, ms in samples.items():
        out[name].update(p50_ms=round(statistics.median(ms), 2), p95_ms=_pct(ms, 0.95))
    if len(loaded) > 1:
        out["rankings_that_differ"], out["worst_score_difference"] = differ, worst
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="BM25 build/load/query at the seeds and at N x the seeds.")
    parser.add_argument("--scale", type=int, default=100)
    parser.add_argument("--queries", type=int, default=120)
    parser.add_argument("--reference", type=Path, help="another bm25.py to measure alongside (the 'before')")
    parser.add_argument("--synthetic", type=Path, default=DEFAULT_OUT, help="reuse or write the corpus here")
    parser.add_argument("--out", type=Path, help="also write the figures here (JSON)")
    args = parser.parse_args(argv)

    from knowledge.bm25 import BM25Index

    impls: dict[str, Any] = {}
    if args.reference:
        impls["reference"] = _module(args.reference).BM25Index
    impls["current"] = BM25Index
    queries, _source = load_queries(args.queries)
    marker = args.synthetic / f".scale-{args.scale}"
    if not marker.exists():
        generate(DEFAULT_SEEDS, args.synthetic, args.scale)
        marker.touch()
    report: dict[str, Any] = {"seeds": measure(_documents(DEFAULT_SEEDS), queries, impls),
              f"synthetic {args.scale}x": measure(_documents(args.synthetic), queries, impls)}
    report["loadavg"] = [round(x, 2) for x in os.getloadavg()]
    text = json.dumps(report, indent=2, ensure_ascii=False)
    if args.out:
        args.out.write_text(text + "\n", encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
