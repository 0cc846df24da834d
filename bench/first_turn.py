"""The first graded answer after start-up against warm ones, with and without `wiring.warm_up`.

    python -m bench.first_turn [--turns 10]

Each mode runs in a fresh process (nothing cached in memory): it builds the index and grader the way the
service does, optionally warms up, then times the first graded answer and `--turns` more through
`GradingService.grade` (a bank question, a reference-sentence answer). Prints one JSON line per mode:
first turn ms, median warm ms, their ratio (issue #11's target: within 1.5x), warm-up seconds.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time


def run(warm: bool, turns: int) -> dict[str, float | bool]:
    from interviewer import wiring
    from interviewer.grading.service import GradingService
    from interviewer.settings import Settings
    from knowledge.textclean import LOST

    settings = Settings().model_copy(update={"openai_api_key": None})
    index = wiring.build_index(settings)
    index.load()
    grader = wiring.build_grader(settings, index)
    service = GradingService(index, grader)
    warm_s = wiring.warm_up(index, grader) if warm else 0.0
    items = index.bank.items[1:turns + 2]
    times = []
    for item in items:
        answer = ("；".join(p.text for p in item.key_points[:2]) or item.question).replace(LOST, "")
        started = time.perf_counter()
        service.grade(item.question, answer)
        times.append(1000 * (time.perf_counter() - started))
    first, median = times[0], statistics.median(times[1:])
    return {"warm_up": warm, "first_ms": round(first, 1), "median_warm_ms": round(median, 1),
            "ratio": round(first / median, 2), "warm_up_s": round(warm_s, 2)}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.first_turn", description=__doc__.splitlines()[0])
    ap.add_argument("--turns", type=int, default=10)
    ap.add_argument("--mode", choices=("cold", "warm"), help=argparse.SUPPRESS)  # the child process
    args = ap.parse_args(argv)
    if args.mode:
        print(json.dumps(run(args.mode == "warm", args.turns)))
        return 0
    for mode in ("cold", "warm"):
        out = subprocess.run([sys.executable, "-m", "bench.first_turn", "--mode", mode, "--turns", str(args.turns)],
                             capture_output=True, text=True, check=True)
        print(out.stdout.strip().splitlines()[-1])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
