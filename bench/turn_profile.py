"""Where an offline interview turn's CPU goes: practice interviews in this process, every answer distinct.

    python -m bench.turn_profile [--sessions 20] [--top 30] [--profile]

Builds the app the way `interviewer serve` does (offline, warmed up), then runs `--sessions` practice
interviews through `Interview.answer` with answers made of the reference's sentences, each sentence tagged
so none repeats (as `bench.load --unique-answers`: no help from the embedding cache). Prints the median and
p95 ms of a graded turn (no HTTP, no database), its median process CPU ms, the engine calls per turn and the texts they embedded,
and with --profile the top functions by cumulative time (cProfile).
"""

from __future__ import annotations

import argparse
import cProfile
import json
import pstats
import random
import statistics
import time
from typing import Any

from knowledge.textclean import LOST

SENTENCE_END = r"(?<=[。！？!?；;\n])"


class CountingEngine:
    """Counts the engine calls under the memory cache and the texts each embedded."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.calls: list[int] = []

    def embed_queries(self, texts: list[str]) -> Any:
        self.calls.append(len(texts))
        return self.inner.embed_queries(texts)

    def embed_passages(self, texts: list[str]) -> Any:
        self.calls.append(len(texts))
        return self.inner.embed_passages(texts)


def answers(item: Any, rng: random.Random, tag: str) -> list[str]:
    import re

    sentences = [s for s in re.split(SENTENCE_END, "".join(p.text + "。" for p in item.key_points)) if s.strip()]
    out = []
    for follow_ups in range(3):
        first = min(follow_ups * 2 + rng.randint(0, 1), len(sentences) - 1)
        text = "".join(sentences[first: first + rng.randint(1, 3)]).replace(LOST, "")
        text = ("我的理解是：" + text)[:400]
        out.append("".join(f"（{tag}f{follow_ups}）" + s for s in re.split(SENTENCE_END, text) if s))
    return out


def main(argv: list[str] | None = None) -> int:
    from interviewer import wiring
    from interviewer.session.models import SessionPlan
    from interviewer.settings import Settings

    ap = argparse.ArgumentParser(prog="python -m bench.turn_profile", description=__doc__.splitlines()[0])
    ap.add_argument("--sessions", type=int, default=20)
    ap.add_argument("--top", type=int, default=30)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--profile", action="store_true")
    args = ap.parse_args(argv)

    settings = Settings().model_copy(update={"openai_api_key": None})
    app = wiring.build_app(settings, ingest_if_missing=False, warm=True)
    cache = app.index.embedder
    counter = CountingEngine(getattr(cache, "inner", cache))
    if hasattr(cache, "inner"):
        cache.inner = counter
    interview = app.interview
    rng = random.Random(args.seed)
    profiler = cProfile.Profile() if args.profile else None
    times: list[float] = []
    cpu: list[float] = []  # process CPU, all threads (the engine's OpenMP workers included)
    calls_per_turn: list[list[int]] = []
    for n in range(args.sessions):
        state, reply = interview.start(SessionPlan(num_questions=2), session_id=f"profile-{args.seed}-{n}")
        for _ in range(12):
            if state.status == "finished":
                break
            item = app.bank.get(state.question_ids[state.current])
            asked = len(state.record.follow_ups_asked) if state.record else 0
            text = answers(item, rng, f"s{n}t{len(state.turns)}")[min(asked, 2)]
            before = len(counter.calls)
            started, cpu_started = time.perf_counter(), time.process_time()
            if profiler:
                profiler.enable()
            state, reply = interview.answer(state, text)
            if profiler:
                profiler.disable()
            times.append(1000 * (time.perf_counter() - started))
            cpu.append(1000 * (time.process_time() - cpu_started))
            calls_per_turn.append(counter.calls[before:])
    times.sort()
    print(json.dumps({
        "turns": len(times), "median_ms": round(statistics.median(times), 1),
        "p95_ms": round(times[int(0.95 * (len(times) - 1))], 1),
        "median_cpu_ms": round(statistics.median(cpu), 1),
        "engine_calls_per_turn": round(statistics.mean(len(c) for c in calls_per_turn), 2),
        "texts_embedded_per_turn": round(statistics.mean(sum(c) for c in calls_per_turn), 2),
    }))
    if profiler:
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(args.top)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
