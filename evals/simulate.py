"""Simulated candidates: hundreds of whole interviews played offline, checking the interview's invariants.

    python -m evals.simulate [--sessions 200] [--seed 0] [--fake-grader] [--bank labelled|full] [--regrade 10] [--json]

Personas (strong, weak, silent, adversarial, mixed) answer each asked question with a labelled answer of
a fitting kind when the labelled sets have one for it, else with the reference (strong), generic
non-answers, attacks, or answers to other questions. Invariants checked on every session:
no question asked twice, the follow-up cap, no reference or key-point text in an interviewer message
before the candidate answered, a finished session with a complete report, and determinism (the session
replayed gives the same questions, replies and grades). Grades are cached by (item, answer), so a few
hundred sessions cost a few hundred distinct grades; by default only the questions with labelled answers
are asked (`--bank full`: all). `--fake-grader` swaps in a lexical stand-in and checks the state machine
alone, without an index. `--regrade N` replays N sessions with the uncached grader, so the grader's own
determinism is checked too.
"""


from __future__ import annotations

import argparse
import json
import random
import sys
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from evals.graders import CachedGrader, LexicalFakeGrader
from evals.invariants import check_invariants, fingerprint, play, replay_messages
from evals.labelled import load_labelled
from evals.personas import PERSONAS, AnswerPool, Candidate
from interviewer.grading.base import Grader
from interviewer.session.interview import Interview
from interviewer.session.models import SessionPlan
from knowledge.bank import QuestionBank
from knowledge.errors import InterviewerError

DEFAULT_LABELLED = Path(__file__).resolve().parent / "labelled"


@dataclass
class SimulationResult:
    sessions: int = 0
    turns: int = 0
    seconds: float = 0.0
    violations: list[dict[str, str]] = field(default_factory=list)
    by_invariant: Counter[str] = field(default_factory=Counter)
    personas: dict[str, dict[str, float]] = field(default_factory=dict)
    grades_computed: int = 0
    cache_hits: int = 0
    regraded: int = 0

    @property
    def passed(self) -> bool:
        return not self.violations

    def to_json(self) -> dict[str, Any]:
        return {"passed": self.passed, "sessions": self.sessions, "turns": self.turns,
                "seconds": round(self.seconds, 2),
                "sessions_per_second": round(self.sessions / self.seconds, 1) if self.seconds else None,
                "grades_computed": self.grades_computed, "cache_hits": self.cache_hits, "regraded": self.regraded,
                "violations": len(self.violations), "by_invariant": dict(self.by_invariant),
                "examples": self.violations[:10], "personas": self.personas}


def _kind_of(problem: str) -> str:
    for key in ("repeated", "follow-ups", "leaks", "did not finish", "report", "replay", "regrade"):
        if key in problem:
            return {"follow-ups": "follow_up_cap", "did not finish": "unfinished", "leaks": "leak",
                    "repeated": "repeated_question"}.get(key, key)
    return "report"


def _plan(rng: random.Random, bank: QuestionBank, language: str) -> SessionPlan:
    topics = list(bank.topics())
    chosen = [rng.choice(topics)] if topics and rng.random() < 0.3 else None
    return SessionPlan(num_questions=rng.randint(2, 6), topics=chosen, language=language,  # type: ignore[arg-type]
                       mode="exam" if rng.random() < 0.2 else "practice")


def simulate(bank: QuestionBank, grader: Grader, sessions: int = 200, seed: int = 0, pool: AnswerPool | None = None,
             max_follow_ups: int = 2, regrade: int = 0) -> SimulationResult:
    """Play `sessions` interviews (seeded) and check the invariants; `regrade` sessions replayed uncached."""
    started = time.perf_counter()
    cached = CachedGrader(grader)
    clock = lambda: "2000-01-01T00:00:00+00:00"  # noqa: E731 - fixed, so replays compare equal
    live = Interview(bank, cached, clock=clock, max_follow_ups=max_follow_ups)
    again = Interview(bank, cached, clock=clock, max_follow_ups=max_follow_ups)  # a "restarted server"
    uncached = Interview(bank, grader, clock=clock, max_follow_ups=max_follow_ups)
    pool = pool or AnswerPool()
    result = SimulationResult()
    scores: dict[str, list[float]] = {}
    for n in range(sessions):
        rng = random.Random(f"{seed}-{n}")
        persona = PERSONAS[n % len(PERSONAS)]
        language = "en" if rng.random() < 0.2 else "zh"
        played = play(live, Candidate(persona, rng, pool, bank, language), _plan(rng, bank, language), f"sim-{seed}-{n}")
        problems = check_invariants(played, live, bank)
        state2, replies2 = replay_messages(again, played)
        if fingerprint(replies2) != fingerprint(played.replies) or state2.question_ids != played.state.question_ids:
            problems.append("replay differs: same messages gave different questions, replies or grades")
        if n < regrade:
            _, replies3 = replay_messages(uncached, played)
            result.regraded += 1
            if fingerprint(replies3) != fingerprint(played.replies):
                problems.append("regrade differs: the uncached grader gave different grades for the same answers")
        for problem in problems:
            result.violations.append({"session": played.session_id, "persona": persona, "problem": problem})
            result.by_invariant[_kind_of(problem)] += 1
        result.turns += len(played.messages)
        report = live.report(played.state)
        scores.setdefault(persona, []).append(report.score if report.score is not None else 0.0)
    result.sessions = sessions
    result.seconds = time.perf_counter() - started
    result.grades_computed, result.cache_hits = len(cached.cache), cached.hits
    result.personas = {p: {"sessions": len(v), "mean_score": round(sum(v) / len(v), 2)} for p, v in scores.items()}
    return result


# ---- the command ------------------------------------------------------------------------------------


def _setup(fake: bool) -> tuple[QuestionBank, Grader]:
    if fake:
        from interviewer.settings import Settings
        from knowledge.parsing import parse_corpus

        return QuestionBank(parse_corpus(Settings().docs_dir).items), LexicalFakeGrader()
    from evals.context import build_context

    ctx = build_context("offline")
    return ctx.bank, ctx.grader


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m evals.simulate", description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=200)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--fake-grader", action="store_true", help="lexical stand-in grader; no index needed")
    parser.add_argument("--regrade", type=int, default=10, help="sessions replayed with the uncached grader")
    parser.add_argument("--labelled", type=Path, nargs="*", default=sorted(DEFAULT_LABELLED.glob("*.jsonl")))
    parser.add_argument("--bank", choices=["labelled", "full"], default="labelled",
                        help="ask only the questions that have labelled answers (default), or the whole bank")
    parser.add_argument("--max-follow-ups", type=int, default=2)
    parser.add_argument("--json", action="store_true", help="end with one line of JSON")
    args = parser.parse_args(argv)
    try:
        if args.sessions < 1:
            raise InterviewerError("--sessions must be at least 1")
        bank, grader = _setup(args.fake_grader)
        pool = AnswerPool.from_sets([load_labelled(p) for p in args.labelled], bank)
        if args.bank == "labelled":
            if not pool.by_item:
                raise InterviewerError("no labelled answer matches a bank question: use --bank full")
            bank = QuestionBank([item for item in bank.items if item.id in pool.by_item])
        result = simulate(bank, grader, args.sessions, args.seed, pool, args.max_follow_ups, args.regrade)
    except InterviewerError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(f"{result.sessions} sessions over {len(bank)} questions, {result.turns} candidate turns in {result.seconds:.1f} s "
          f"({result.grades_computed} grades computed, {result.cache_hits} from cache, {result.regraded} regraded)")
    for persona, stats in result.personas.items():
        print(f"  {persona:<12} {stats['sessions']:>4} sessions, mean report score {stats['mean_score']:.2f}")
    print("invariants: " + ("all held" if result.passed else f"{len(result.violations)} violations "
                            + json.dumps(dict(result.by_invariant))))
    for v in result.violations[:10]:
        print(f"  {v['session']} ({v['persona']}): {v['problem']}")
    if args.json:
        print(json.dumps(result.to_json(), ensure_ascii=False))
    return 0 if result.passed else 1


if __name__ == "__main__":
    sys.exit(main())
