"""ChatModel adapter for any OpenAI-compatible endpoint, through `langchain-openai`.

LangChain (~1 s to import) is imported on the first call, never when the service starts. The client's
own retries are off (`max_retries=0`): this module retries connection errors, 408, 429 and 5xx itself
with capped exponential backoff, honouring `Retry-After`, so the policy is one place and testable
(what a failure means and how long to wait: `openai_errors.py`).

Every call has a total deadline, not a per-read timeout: each attempt may use only what is left of
it, so a slow reasoning reply is waited for once and never retried into a multiple of the deadline.
A 400 about `response_format`/tools or `temperature` is answered by one retry without that parameter,
remembered for the process (`capabilities`); a strict mode steps down to JSON mode, JSON mode to the
prompt alone, so each refused mode costs one request per process. The text returned is the final answer: reasoning is
removed, and an empty reply, a refusal or an HTTP 200 error body raise `EmptyReplyError`.
"""

from __future__ import annotations

import json
import logging
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from interviewer.llm.capabilities import (
    PROCESS_MEMORY,
    CapabilityMemory,
    StructuredMode,
    accepts_temperature,
    initial_mode,
    is_official_openai,
    is_reasoning_model,
    rejects_structured_output,
    rejects_temperature,
)
from interviewer.llm.chat import EmptyReplyError, JsonSchema
from interviewer.llm.openai_errors import cut_off, describe_error, error_status, retry_wait
from interviewer.llm.reasoning import final_answer, has_reasoning
from knowledge.errors import LLMError

if TYPE_CHECKING:
    from interviewer.llm.chat import Message
    from interviewer.settings import Settings

log = logging.getLogger(__name__)

# What to try after a 400 about a structured mode: strict schemas fall back to plain JSON mode (older
# OpenAI models, vLLM builds without guided decoding), JSON mode to the prompt alone (LM Studio).
WEAKER_MODE: dict[str, StructuredMode] = {"json_schema": "json_object", "tools": "json_object", "json_object": "off",
                                          "auto": "off"}
TOOL_NAME = "submit"
DEFAULT_MAX_TOKENS = 4096
PHRASE_MAX_TOKENS = 512
REASONING_MAX_TOKENS = 16384  # thinking counts against the limit: a low one ends the reply mid-thought


@dataclass
class CallInfo:
    """What the last `complete` did, for `interviewer doctor` and the eval's cost/latency figures."""

    mode: str = "off"
    requests: int = 0
    seconds: float = 0.0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    finish_reason: str = ""
    notes: list[str] = field(default_factory=list)


class OpenAIChatModel:
    def __init__(
        self,
        *,
        model: str,
        base_url: str | None = None,
        api_key: str | None = None,
        timeout: float = 30.0,
        max_retries: int = 2,
        backoff_base: float = 0.5,
        backoff_cap: float = 8.0,
        max_retry_after: float = 20.0,
        temperature: float | None = 0.0,
        max_tokens: int | None = None,
        structured: StructuredMode = "auto",
        memory: CapabilityMemory | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.model = model
        self.base_url = base_url
        self._api_key = api_key
        self.timeout = timeout  # the total deadline of one call, all attempts together
        self.max_retries = max(0, max_retries)
        self.backoff_base = backoff_base
        self.backoff_cap = backoff_cap
        # A server asking us to wait longer than this gets no wait: the turn falls back instead.
        self.max_retry_after = max_retry_after
        self.temperature = temperature if accepts_temperature(model) else None
        if max_tokens is None:
            max_tokens = REASONING_MAX_TOKENS if is_reasoning_model(model) else DEFAULT_MAX_TOKENS
        self.max_tokens = max_tokens
        self.structured = structured
        self.memory = memory or PROCESS_MEMORY
        self._sleep = sleep
        self._clock = clock
        self._client: Any = None
        self.last_call = CallInfo()

    @classmethod
    def from_settings(cls, settings: Settings, *, purpose: str = "grade", **overrides: Any) -> OpenAIChatModel:
        """The grading adapter, or (`purpose="phrase"`) the phrasing one with its short deadline."""
        phrasing = purpose == "phrase"
        options: dict[str, Any] = {
            "model": settings.llm_model,
            "base_url": settings.openai_base_url,
            "api_key": settings.openai_api_key,
            "timeout": settings.llm_phrase_timeout if phrasing else settings.llm_timeout,
            "max_retries": settings.llm_max_retries,
            "temperature": settings.llm_temperature,
            "max_tokens": settings.llm_phrase_max_tokens if phrasing else settings.llm_max_tokens,
            "structured": settings.llm_structured,
        }
        if phrasing and options["max_tokens"] is None and not is_reasoning_model(settings.llm_model):
            options["max_tokens"] = PHRASE_MAX_TOKENS  # a question is a sentence or two
        return cls(**(options | overrides))

    # ---- the call ------------------------------------------------------------------------------

    def complete(
        self,
        messages: list[Message],
        *,
        json_mode: bool = False,
        schema: JsonSchema | None = None,
        deadline: float | None = None,
    ) -> str:
        self.warm()  # importing LangChain (seconds, once) is not the server's time
        started = self._clock()
        deadline = min(deadline if deadline is not None else float("inf"), started + self.timeout)
        learned = self.memory.get(self.base_url, self.model)
        mode: StructuredMode = "off"
        if json_mode:
            mode = learned.structured or initial_mode(self.structured, self.base_url, has_schema=schema is not None)
        info = self.last_call = CallInfo(mode=mode)
        prompt = [(m["role"], m["content"]) for m in messages]
        attempt = 0
        while True:
            remaining = deadline - self._clock()
            if remaining <= 0.01:
                raise LLMError(f"LLM request failed: deadline of {self.timeout:g} s reached")
            info.requests += 1
            try:
                result = self._invoke(prompt, mode, schema, remaining, learned.no_temperature)
            except Exception as exc:  # noqa: BLE001 - classified below; everything ends as LLMError
                status, reason = error_status(exc), describe_error(exc)
                if cut_off(exc):
                    raise EmptyReplyError(
                        f"LLM reply unusable: cut off at max_tokens {self.max_tokens} "
                        "(raise INTERVIEWER_LLM_MAX_TOKENS)"
                    ) from exc
                if status == 200:
                    raise EmptyReplyError(f"LLM reply unusable: {reason}") from exc
                if rejects_temperature(status, reason) and not learned.no_temperature:
                    learned.no_temperature = True  # for the rest of the process
                    info.notes.append(f"temperature refused ({reason}); sent without it")
                    log.warning("%s refuses temperature (%s); retrying without it", self.model, reason)
                    continue
                if mode != "off" and rejects_structured_output(status, reason):
                    weaker = WEAKER_MODE[mode]
                    learned.structured, learned.structured_reason = weaker, reason
                    info.notes.append(f"{mode} refused ({reason}); {weaker} from now on")
                    log.warning("%s refuses %s (%s); %s from now on", self.model, mode, reason, weaker)
                    mode = info.mode = weaker
                    continue
                wait = self._retry_wait(exc, attempt)
                if wait is None or attempt >= self.max_retries or not self._fits(wait, deadline):
                    raise LLMError(f"LLM request failed: {reason}") from exc
                log.warning("LLM attempt %d failed (%s); retrying in %.2fs", attempt + 1, reason, wait)
                self._sleep(wait)
                attempt += 1
                continue
            info.seconds = self._clock() - started
            return self._final_text(result, mode, info)

    def _fits(self, wait: float, deadline: float) -> bool:
        """Is there time for a wait and a useful attempt after it before the deadline?"""
        return self._clock() + wait + min(1.0, self.timeout / 4) < deadline

    def _invoke(
        self, prompt: list[tuple[str, str]], mode: StructuredMode, schema: JsonSchema | None, remaining: float,
        no_temperature: bool,
    ) -> Any:
        client = self._get_client()
        kwargs: dict[str, Any] = {"timeout": remaining}
        if self.temperature is not None and not no_temperature:
            kwargs["temperature"] = self.temperature
        if self.max_tokens:
            # OpenAI wants max_completion_tokens (o-series refuse max_tokens); most other servers
            # still read only max_tokens, which LangChain would rename, so it goes in the raw body.
            if is_official_openai(self.base_url):
                kwargs["max_completion_tokens"] = self.max_tokens
            else:
                kwargs["extra_body"] = {"max_tokens": self.max_tokens}
        if mode == "json_object":
            kwargs["response_format"] = {"type": "json_object"}
        elif mode == "json_schema" and schema is not None:
            kwargs["response_format"] = {
                "type": "json_schema", "json_schema": {"name": TOOL_NAME, "schema": schema, "strict": True},
            }
        elif mode == "tools" and schema is not None:
            tool = {"type": "function", "function": {
                "name": TOOL_NAME, "description": "Submit the result.", "parameters": schema,
            }}
            return client.bind_tools([tool], tool_choice=TOOL_NAME).invoke(prompt, **kwargs)
        return client.invoke(prompt, **kwargs)

    def _final_text(self, result: Any, mode: StructuredMode, info: CallInfo) -> str:
        meta = getattr(result, "response_metadata", {}) or {}
        info.finish_reason = str(meta.get("finish_reason") or "")
        usage = getattr(result, "usage_metadata", None) or {}
        info.prompt_tokens, info.completion_tokens = usage.get("input_tokens", 0), usage.get("output_tokens", 0)
        if mode == "tools":
            calls = getattr(result, "tool_calls", None) or []
            if calls:
                return json.dumps(calls[0].get("args", {}), ensure_ascii=False)
            invalid = getattr(result, "invalid_tool_calls", None) or []
            if invalid and invalid[0].get("args"):
                return str(invalid[0]["args"])
        content = message_text(result.content)
        text = final_answer(content)
        if text:
            return text
        refusal = (getattr(result, "additional_kwargs", {}) or {}).get("refusal")
        if refusal:
            raise EmptyReplyError(f"LLM refused: {str(refusal)[:200]}")
        reason = "the reply was all reasoning, no final answer" if has_reasoning(content) else "empty reply"
        if info.finish_reason == "length":
            reason += f" (max_tokens {self.max_tokens} reached: raise INTERVIEWER_LLM_MAX_TOKENS)"
        elif info.finish_reason:
            reason += f" (finish_reason {info.finish_reason})"
        raise EmptyReplyError(f"LLM reply unusable: {reason}")

    def warm(self) -> None:
        """Build the client now (LangChain's import takes seconds, once per process)."""
        self._get_client()

    def _get_client(self) -> Any:
        if self._client is None:
            self._client = self._build_client()
        return self._client

    def _build_client(self) -> Any:
        from langchain_openai import ChatOpenAI  # slow import: first use only
        from pydantic import SecretStr

        return ChatOpenAI(
            model=self.model,
            base_url=self.base_url,
            # Local servers (vLLM, Ollama, llama.cpp) need no key, but the client insists on one.
            api_key=SecretStr(self._api_key or "not-needed"),
            timeout=self.timeout,
            max_retries=0,
            use_responses_api=False,  # chat completions: what every compatible server speaks
        )

    def _retry_wait(self, exc: BaseException, attempt: int) -> float | None:
        """Seconds to wait before the next attempt, or None if `exc` is not worth retrying."""
        return retry_wait(exc, lambda: self._backoff(attempt), self.max_retry_after)

    def _backoff(self, attempt: int) -> float:
        # Half-jitter: spread concurrent turns apart, never below half the exponential step.
        step = min(self.backoff_cap, self.backoff_base * 2**attempt)
        return step * (0.5 + random.random() / 2)


def message_text(content: Any) -> str:
    """The text of a LangChain message content (a string, or a list of content blocks)."""
    if isinstance(content, str):
        return content
    parts: list[str] = []
    for block in content or []:
        if isinstance(block, str):
            parts.append(block)
        elif isinstance(block, dict) and block.get("type") == "text":
            parts.append(str(block.get("text", "")))
    return "".join(parts)
