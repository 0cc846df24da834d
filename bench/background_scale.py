"""What a graded turn costs as the bank grows: the offline grader compares every answer sentence with every
key point of the bank (its background, `index.background_vectors()`), so that part of a turn is linear in
the bank. Measured with the real grader and embedder on the built seed index; the background is the seeds'
key-point vectors copied N times (a small deterministic perturbation each, as bench.synth's corpus reuses
the seed vectors) with each copy its own items.

    python -m bench.background_scale [--scales 1,10,100,1000] [--answers 30] [--rounds 3]

Answers' sentence vectors are cached after the first pass (the embedder's memory cache), so the times are
a grade without its embedding: the part that grows with the bank. Writes bench/background-results.json.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time
from pathlib import Path

import numpy as np

from interviewer.grading.models import request_for_item
from interviewer.grading.offline import OfflineGrader
from interviewer.settings import Settings
from interviewer.wiring import ready_index

OUT = Path(__file__).resolve().parent / "background-results.json"


def tiled(seed: np.ndarray, items: list[str], scale: int) -> tuple[np.ndarray, list[str]]:
    rng = np.random.default_rng(scale)
    copies = np.tile(seed, (scale, 1))
    if scale > 1:
        copies += rng.normal(0.0, 0.01, copies.shape).astype(np.float32)
        copies /= np.linalg.norm(copies, axis=1, keepdims=True)
    return copies.astype(np.float32), [f"{item}~{n}" for n in range(scale) for item in items]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scales", default="1,10,100,1000")
    parser.add_argument("--answers", type=int, default=30)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    scales = [int(s) for s in args.scales.split(",")]

    index = ready_index(Settings(), ingest_if_missing=False)
    item_ids, seed = index.background_vectors()
    items = [i for i in index.bank.items if i.key_points][: args.answers]
    requests = [request_for_item(i, "；".join(p.text for p in i.key_points[:3]), "zh") for i in items]
    graders = {}
    for scale in scales:
        background, labels = tiled(seed, item_ids, scale)
        graders[scale] = OfflineGrader(index.embedder, background=background, background_items=labels)
    for request in requests:  # embeddings, jieba, the scorer file: loaded and cached before timing
        graders[scales[0]].grade(request)
    times: dict[int, list[float]] = {s: [] for s in scales}
    for _ in range(args.rounds):
        for scale in scales:  # alternating the sizes, round after round
            grader = graders[scale]
            for request in requests:
                started = time.perf_counter()
                grader.grade(request)
                times[scale].append((time.perf_counter() - started) * 1000)
    rows = {str(scale): {"background_rows": len(seed) * scale,
                         "background_mib": round(len(seed) * scale * seed.shape[1] * 4 / 2**20, 1),
                         "grade_ms_p50": round(statistics.median(t), 2),
                         "grade_ms_mean": round(statistics.fmean(t), 2),
                         "n": len(t)} for scale, t in times.items()}
    result = {"command": f"python -m bench.background_scale --scales {args.scales} --answers {args.answers} "
                         f"--rounds {args.rounds}",
              "what": "OfflineGrader.grade, answer embeddings cached, background = seed key points x scale",
              "dim": int(seed.shape[1]), "seed_rows": len(seed), "loadavg": list(os.getloadavg()),
              "scales": rows}
    args.out.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    for name, row in rows.items():
        print(f"{name:>5}x  {row['background_rows']:>8} rows  {row['background_mib']:>7} MiB  "
              f"grade p50 {row['grade_ms_p50']:>8} ms  mean {row['grade_ms_mean']:>8} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
