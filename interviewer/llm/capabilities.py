"""What an OpenAI-compatible endpoint accepts, configured or learned, and remembered for the process.

Providers differ in ways the API shape does not reveal: LM Studio answers 400 to `response_format:
json_object`, some llama.cpp / vLLM builds reject `json_schema` or tools, OpenAI's o-series and gpt-5
reject `temperature`. Rather than a table that is out of date the day it ships, the adapter starts from
a sensible guess (`initial_mode`, `accepts_temperature`), and when the server says 400 about one of
these parameters it retries once without it and records that here, so the next turn does not pay again.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field
from typing import Literal, get_args

StructuredMode = Literal["auto", "json_schema", "tools", "json_object", "off"]
STRUCTURED_MODES: tuple[str, ...] = get_args(StructuredMode)

# Reasoning models: no temperature (OpenAI rejects it), and their thinking counts against max_tokens.
_REASONING_MODEL = re.compile(
    r"(?:^|[/:_-])(?:o\d(?:-mini|-pro)?|gpt-5(?!-chat)[\w.-]*|deepseek-reasoner|deepseek-r1[\w.-]*|r1[\w.-]*|qwq[\w.-]*)"
    r"(?:$|[/:_.-])",
    re.IGNORECASE,
)
_NO_TEMPERATURE_MODEL = re.compile(r"(?:^|/)(?:o\d(?:-mini|-pro|-preview)?|gpt-5(?!-chat))", re.IGNORECASE)
# The words a 400 uses when the structured-output parameters are what it refuses.
_STRUCTURED_WORDS = re.compile(
    r"response_format|response format|json_object|json_schema|json mode|json output|structured output|"
    r"guided_json|grammar|tool_choice|\btools?\b|function.?call",
    re.IGNORECASE,
)
_TEMPERATURE_WORDS = re.compile(r"temperature", re.IGNORECASE)


def is_reasoning_model(model: str) -> bool:
    """Known thinking models (o-series, gpt-5, deepseek-reasoner / R1, QwQ): slow, and they think in tokens."""
    return bool(_REASONING_MODEL.search(model or ""))


def accepts_temperature(model: str) -> bool:
    """False for the OpenAI models that answer 400 to any temperature but the default."""
    return not _NO_TEMPERATURE_MODEL.search(model or "")


def is_official_openai(base_url: str | None) -> bool:
    return not base_url or "api.openai.com" in base_url


def initial_mode(configured: StructuredMode, base_url: str | None, *, has_schema: bool) -> StructuredMode:
    """The structured-output mode to try first: `auto` means strict json_schema on OpenAI itself, and
    JSON mode elsewhere (the mode most compatible servers implement; a 400 downgrades it to prompt-only)."""
    if configured != "auto":
        if configured in ("json_schema", "tools") and not has_schema:
            return "json_object"
        return configured
    return "json_schema" if is_official_openai(base_url) and has_schema else "json_object"


def rejects_structured_output(status: int | None, message: str) -> bool:
    """A 400/422 whose reason is the response_format / tools parameters (not, say, the model name)."""
    return status in (400, 422) and bool(_STRUCTURED_WORDS.search(message or ""))


def rejects_temperature(status: int | None, message: str) -> bool:
    return status in (400, 422) and bool(_TEMPERATURE_WORDS.search(message or ""))


@dataclass
class Learned:
    """What one endpoint + model turned out to refuse, with the server's own words for the note."""

    structured: StructuredMode | None = None  # the mode that works, once a 400 has told us
    structured_reason: str = ""
    no_temperature: bool = False


@dataclass
class CapabilityMemory:
    """Per (base_url, model) facts learned from 400s; thread-safe, lives as long as the process."""

    _facts: dict[tuple[str, str], Learned] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def get(self, base_url: str | None, model: str) -> Learned:
        with self._lock:
            return self._facts.setdefault((base_url or "", model), Learned())

    def clear(self) -> None:
        with self._lock:
            self._facts.clear()


# One per process, as the issue asks ("a server that rejects response_format costs one extra request
# per process"); tests clear it, and an adapter can be given its own.
PROCESS_MEMORY = CapabilityMemory()
