"""`interviewer doctor`: check the configured LLM provider end to end, in seconds, and say what to set.

It lists the models (reachability, key, model name), then grades one known answer through the real
grader path (prompt, structured-output mode, parsing) under the configured deadline, and reports
which structured mode worked, the latency, and whether the grade is sane. Nothing is written.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from interviewer.grading.models import CRITERIA, Grade, GradeRequest, RubricScore
from interviewer.llm.capabilities import CapabilityMemory
from knowledge.models import KeyPoint

if TYPE_CHECKING:
    from interviewer.settings import Settings

SANE_MIN = 6.0  # the known answer is complete and correct: a sane grader gives it at least this
PROBE = GradeRequest(
    question="LoRA 的原理是什么？",
    answer="LoRA 冻结预训练模型的原始权重，在旁路加两个低秩矩阵 A 和 B，只训练它们，所以可训练参数和显存都大幅减少；"
    "推理时可以把 BA 合并回原权重，不增加推理延迟。",
    key_points=[
        KeyPoint(text="冻结原始权重，只训练低秩矩阵 A 和 B", source="doctor"),
        KeyPoint(text="可训练参数量大幅减少，显存占用低", source="doctor"),
        KeyPoint(text="推理时可以把 BA 合并回原权重，没有额外延迟", source="doctor"),
    ],
)


@dataclass
class Check:
    name: str
    status: str  # "ok" | "warn" | "fail"
    detail: str


@dataclass
class Diagnosis:
    checks: list[Check] = field(default_factory=list)
    advice: list[str] = field(default_factory=list)  # lines to set, e.g. "INTERVIEWER_LLM_TIMEOUT=90"

    @property
    def ok(self) -> bool:
        return all(c.status != "fail" for c in self.checks)

    def add(self, name: str, status: str, detail: str) -> None:
        self.checks.append(Check(name, status, detail))

    def as_dict(self) -> dict[str, Any]:
        return {"ok": self.ok, "checks": [vars(c) for c in self.checks], "set": self.advice}

    def render(self) -> str:
        marks = {"ok": "ok  ", "warn": "warn", "fail": "FAIL"}
        lines = [f"[{marks[c.status]}] {c.name}: {c.detail}" for c in self.checks]
        if self.advice:
            lines += ["", "Set:"] + [f"  export {line}" for line in self.advice]
        lines += ["", "LLM mode is ready." if self.ok else "LLM mode will fall back to the offline grader."]
        return "\n".join(lines)


class _NoFallback:
    """Stands in for the offline grader: the doctor wants to see the LLM's own grade, or why not."""

    def grade(self, request: GradeRequest) -> Grade:
        return Grade(score=0, rubric=[RubricScore(criterion=c, score=0) for c in CRITERIA], grader="offline")


def diagnose(settings: Settings, *, clock: Any = time.monotonic) -> Diagnosis:
    result = Diagnosis()
    where = settings.openai_base_url or "https://api.openai.com/v1"
    if not settings.llm_enabled:
        result.add("configuration", "fail", "no OPENAI_API_KEY: the embedded offline default is in use")
        result.advice.append("OPENAI_API_KEY=…   # any value for a local server (vLLM, Ollama, LM Studio, llama.cpp)")
        return result
    result.add("configuration", "ok", f"model {settings.llm_model} at {where}")
    if not _check_models(settings, result):
        return result
    _check_grade(settings, result, clock)
    return result


def _check_models(settings: Settings, result: Diagnosis) -> bool:
    """Reachability, key and model name, from GET /models; False when there is no point going on."""
    import openai

    client = openai.OpenAI(
        api_key=settings.openai_api_key or "not-needed", base_url=settings.openai_base_url,
        timeout=min(10.0, settings.llm_timeout), max_retries=0,
    )
    try:
        served = [m.id for m in client.models.list()]
    except openai.APIConnectionError:
        result.add("reachable", "fail", f"could not connect to {settings.openai_base_url or 'api.openai.com'}; "
                   "is the server running, and does OPENAI_BASE_URL end in /v1?")
        return False
    except openai.AuthenticationError:
        result.add("reachable", "fail", "the server rejected the API key (401)")
        return False
    except openai.APIStatusError as exc:
        result.add("reachable", "warn", f"GET /models answered HTTP {exc.status_code}; trying a grade anyway")
        return True
    result.add("reachable", "ok", f"{len(served)} model(s) served")
    if served and settings.llm_model not in served:
        shown = ", ".join(served[:8]) + (" …" if len(served) > 8 else "")
        result.add("model", "warn", f"{settings.llm_model!r} is not among the served models: {shown}")
        result.advice.append(f"INTERVIEWER_LLM_MODEL={served[0]}")
    elif served:
        result.add("model", "ok", f"{settings.llm_model} is served")
    return True


def _check_grade(settings: Settings, result: Diagnosis, clock: Any) -> None:
    """One grade of a known complete answer through the real grader, timed."""
    from interviewer.llm.grader import LLMGrader
    from interviewer.llm.openai_chat import OpenAIChatModel

    memory = CapabilityMemory()  # learn afresh: the doctor reports what this server does now
    chat = OpenAIChatModel.from_settings(settings, memory=memory, clock=clock)
    grader = LLMGrader(chat, _NoFallback(), settings.prompts_dir, prompt=settings.llm_grade_prompt,
                       timeout=settings.llm_timeout, disagreement=0, clock=clock)
    chat.warm()  # time the server, not our first import
    started = clock()
    grade = grader.grade(PROBE)
    seconds = clock() - started
    learned = memory.get(chat.base_url, chat.model)
    if learned.structured_reason and learned.structured:
        refused = "; ".join(n for n in chat.last_call.notes if " refused " in n and "temperature" not in n)
        result.add("structured output", "warn", f"{refused or learned.structured_reason} (each refused mode costs "
                   "one extra request per process until this is set)")
        result.advice.append(f"INTERVIEWER_LLM_STRUCTURED={learned.structured}")
    if learned.no_temperature:
        result.add("temperature", "warn", "the model refuses temperature; it is no longer sent")
    if grade.grader != "llm":
        reason = grade.note.removeprefix("LLM grading unavailable (").split("); this is")[0]
        if "timed out" in reason or "deadline" in reason:
            result.add("grade", "fail", f"no reply within INTERVIEWER_LLM_TIMEOUT={settings.llm_timeout:g} s "
                       "(slow: a reasoning model or a busy local server)")
            result.advice.append(f"INTERVIEWER_LLM_TIMEOUT={max(60, math.ceil(settings.llm_timeout * 3))}")
        else:
            result.add("grade", "fail", f"the grade fell back: {reason}")
            if "max_tokens" in reason:
                result.advice.append("INTERVIEWER_LLM_MAX_TOKENS=16384")
        return
    mode = chat.last_call.mode
    result.add("structured output", "ok", f"{mode} works" if mode != "off" else "prompt-only JSON works")
    result.add("latency", "ok" if seconds <= settings.llm_timeout / 2 else "warn",
               f"one grade in {seconds:.1f} s (deadline {settings.llm_timeout:g} s)")
    if seconds > settings.llm_timeout / 2:
        result.advice.append(f"INTERVIEWER_LLM_TIMEOUT={math.ceil(seconds * 3)}")
    if grade.score >= SANE_MIN:
        result.add("sane grade", "ok", f"a complete answer scored {grade.score:.1f}/10 ({grade.prompt_version})")
    else:
        result.add("sane grade", "warn", f"a complete, correct answer scored only {grade.score:.1f}/10: this model "
                   "grades harshly or misreads the prompt; try a stronger model or INTERVIEWER_LLM_GRADE_PROMPT=grade_v1")
