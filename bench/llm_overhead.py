"""Service-side overhead of one LLM grading turn: prompt, HTTP client, parsing, validation.

Grades N answers with the real LLMGrader -> OpenAIChatModel -> openai/LangChain stack against the fake
OpenAI-compatible server on loopback, which answers a valid grade after a fixed delay. Overhead is the
mean wall time minus that delay, also as a percentage of it. The first call (LangChain import, client
construction) is reported apart, as `first_call_ms`. Prints one JSON line.

    python bench/llm_overhead.py [--n 30] [--delay 0.2]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # `tests.fakes` is not an installed package

from interviewer.grading.models import CRITERIA, Grade, GradeRequest, RubricScore  # noqa: E402
from interviewer.llm.grader import LLMGrader  # noqa: E402
from interviewer.llm.openai_chat import OpenAIChatModel  # noqa: E402
from interviewer.settings import DEFAULT_PROMPTS  # noqa: E402
from knowledge.models import KeyPoint, Reference  # noqa: E402
from tests.fakes.openai_server import FakeOpenAIServer, delay, reply  # noqa: E402

REQUEST = GradeRequest(
    question="LoRA 的原理是什么？为什么它能降低微调成本？",
    answer="LoRA 冻结预训练权重，把权重更新 ΔW 分解为两个低秩矩阵 B·A，只训练 A 和 B；"
    "可训练参数大幅减少，显存占用低，推理时可以把 BA 合并回原权重，不增加延迟。" * 3,
    key_points=[
        KeyPoint(text=f"要点 {i}：LoRA 的一个关键性质", source="lora.md", section=f"LoRA > 第 {i} 节")
        for i in range(1, 7)
    ],
    references=[Reference(source="lora.md", section="LoRA", text="LoRA 冻结预训练权重……")],
)
GRADE_REPLY = json.dumps(
    {
        "score": 8.5,
        "rubric": [{"criterion": c, "score": 8, "comment": "清楚准确。"} for c in CRITERIA],
        "covered": [1, 2, 3, 4],
        "missing": [5, 6],
        "flags": [],
        "summary": "原理与优点讲得清楚，缺少秩的选择与初始化。",
    },
    ensure_ascii=False,
)


class _ConstantGrader:
    def grade(self, request: GradeRequest) -> Grade:
        return Grade(score=5, rubric=[RubricScore(criterion=c, score=5) for c in CRITERIA])


def run(n: int, seconds: float) -> dict[str, float | int | str]:
    with FakeOpenAIServer(default=delay(seconds, reply(GRADE_REPLY))) as server:
        chat = OpenAIChatModel(
            model="fake-model",
            base_url=server.base_url,
            api_key="bench",
            timeout=seconds * 10 + 5,
            max_retries=0,
        )
        grader = LLMGrader(chat, _ConstantGrader(), DEFAULT_PROMPTS)
        started = time.perf_counter()
        first = grader.grade(REQUEST)
        first_call = time.perf_counter() - started
        walls = []
        for _ in range(n):
            started = time.perf_counter()
            grade = grader.grade(REQUEST)
            walls.append(time.perf_counter() - started)
            if grade.grader != "llm":
                raise SystemExit(f"bench turn fell back: {grade.note}")
    if first.grader != "llm":
        raise SystemExit(f"bench warm-up fell back: {first.note}")
    overheads = sorted(w - seconds for w in walls)
    mean_overhead = statistics.fmean(overheads)
    return {
        "bench": "llm_overhead",
        "n": n,
        "delay_ms": round(seconds * 1000, 1),
        "mean_ms": round(statistics.fmean(walls) * 1000, 2),
        "overhead_ms": round(mean_overhead * 1000, 2),
        "overhead_pct": round(100 * mean_overhead / seconds, 2),
        "p95_overhead_ms": round(overheads[int(0.95 * (n - 1))] * 1000, 2),
        "first_call_ms": round(first_call * 1000, 1),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=30, help="graded turns to time (default 30)")
    parser.add_argument(
        "--delay", type=float, default=0.2, help="the fake LLM's latency in seconds (default 0.2)"
    )
    args = parser.parse_args(argv)
    if args.n < 1 or args.delay <= 0:
        parser.error("--n must be >= 1 and --delay > 0")
    print(json.dumps(run(args.n, args.delay)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
