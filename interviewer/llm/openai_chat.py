"""ChatModel adapter for any OpenAI-compatible endpoint, through `langchain-openai`.

LangChain (~1 s to import) is imported on the first call, never when the service starts. The client's
own retries are off (`max_retries=0`): this module retries timeouts, 408, 429 and 5xx itself with capped
exponential backoff, honouring `Retry-After`, so the policy is one place and testable; any other 4xx
fails at once. After the last attempt it raises `LLMError`, which callers turn into a fallback.
"""

from __future__ import annotations

import email.utils
import logging
import random
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from knowledge.errors import LLMError

if TYPE_CHECKING:
    from interviewer.llm.chat import Message
    from interviewer.settings import Settings

log = logging.getLogger(__name__)

RETRYABLE_STATUS = frozenset({408, 429})  # plus every 5xx


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
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.model = model
        self.base_url = base_url
        self._api_key = api_key
        self.timeout = timeout
        self.max_retries = max(0, max_retries)
        self.backoff_base = backoff_base
        self.backoff_cap = backoff_cap
        # A server asking us to wait longer than this gets no wait: the turn falls back instead.
        self.max_retry_after = max_retry_after
        self.temperature = temperature
        self._sleep = sleep
        self._client: Any = None
        self._json_client: Any = None

    @classmethod
    def from_settings(cls, settings: Settings, **overrides: Any) -> OpenAIChatModel:
        options: dict[str, Any] = {
            "model": settings.llm_model,
            "base_url": settings.openai_base_url,
            "api_key": settings.openai_api_key,
            "timeout": settings.llm_timeout,
            "max_retries": settings.llm_max_retries,
        }
        return cls(**(options | overrides))

    def complete(self, messages: list[Message], *, json_mode: bool = False) -> str:
        runnable = self._runnable(json_mode)
        prompt = [(m["role"], m["content"]) for m in messages]
        attempts = self.max_retries + 1
        for attempt in range(attempts):
            try:
                result = runnable.invoke(prompt)
            except Exception as exc:  # noqa: BLE001 - classified below; everything ends as LLMError
                wait = self._retry_wait(exc, attempt)
                if wait is None or attempt == attempts - 1:
                    raise LLMError(f"LLM request failed: {describe_error(exc)}") from exc
                log.warning(
                    "LLM attempt %d/%d failed (%s); retrying in %.2fs",
                    attempt + 1,
                    attempts,
                    describe_error(exc),
                    wait,
                )
                self._sleep(wait)
                continue
            text = message_text(result.content)
            if not text.strip():
                raise LLMError("LLM request failed: empty reply")
            return text
        raise AssertionError("unreachable")

    def _runnable(self, json_mode: bool) -> Any:
        if self._client is None:
            self._client = self._build_client()
            self._json_client = self._client.bind(response_format={"type": "json_object"})
        return self._json_client if json_mode else self._client

    def _build_client(self) -> Any:
        from langchain_openai import ChatOpenAI  # slow import: first use only
        from pydantic import SecretStr

        options: dict[str, Any] = {}
        if self.temperature is not None:
            options["temperature"] = self.temperature
        return ChatOpenAI(
            model=self.model,
            base_url=self.base_url,
            # Local servers (vLLM, Ollama, llama.cpp) need no key, but the client insists on one.
            api_key=SecretStr(self._api_key or "not-needed"),
            timeout=self.timeout,
            max_retries=0,
            use_responses_api=False,  # chat completions: what every compatible server speaks
            **options,
        )

    def _retry_wait(self, exc: BaseException, attempt: int) -> float | None:
        """Seconds to wait before the next attempt, or None if `exc` is not worth retrying."""
        import openai

        if isinstance(exc, openai.APIConnectionError):  # includes timeouts
            return self._backoff(attempt)
        if not isinstance(exc, openai.APIStatusError):
            return None
        code = exc.status_code
        if code not in RETRYABLE_STATUS and code < 500:
            return None
        asked = retry_after_seconds(exc.response.headers)
        if asked is None:
            return self._backoff(attempt)
        if asked > self.max_retry_after:
            return None
        return asked

    def _backoff(self, attempt: int) -> float:
        # Half-jitter: spread concurrent turns apart, never below half the exponential step.
        step = min(self.backoff_cap, self.backoff_base * 2**attempt)
        return step * (0.5 + random.random() / 2)


def retry_after_seconds(headers: Any) -> float | None:
    """`retry-after-ms` or `Retry-After` (seconds or an HTTP date), if present and sensible."""
    try:
        millis = headers.get("retry-after-ms")
        if millis is not None:
            return max(0.0, float(millis) / 1000)
    except (TypeError, ValueError):
        pass
    value = headers.get("retry-after")
    if value is None:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


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


def describe_error(exc: BaseException) -> str:
    """A short, user-presentable reason (no stack trace, no request details)."""
    import openai

    if isinstance(exc, openai.APITimeoutError):
        return "timed out"
    if isinstance(exc, openai.APIConnectionError):
        return "could not connect to the LLM endpoint"
    if isinstance(exc, openai.APIStatusError):
        body = exc.body.get("error", exc.body) if isinstance(exc.body, dict) else None
        detail = body.get("message") if isinstance(body, dict) else None
        message = str(detail or exc.message or "").strip()
        return f"HTTP {exc.status_code}" + (f": {message[:200]}" if message else "")
    return f"{type(exc).__name__}: {str(exc)[:200]}"
