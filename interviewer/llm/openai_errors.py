"""What an OpenAI-compatible endpoint's failures mean: the HTTP status behind an exception, a reason
fit to show, and whether (and how long) to wait before trying again (see `openai_chat.py`).

`openai` is imported inside the functions: importing this module loads no SDK.
"""

from __future__ import annotations

import email.utils
import json
import time
from collections.abc import Callable
from typing import Any

RETRYABLE_STATUS = frozenset({408, 429})  # plus every 5xx


def retry_wait(exc: BaseException, backoff: Callable[[], float], max_retry_after: float) -> float | None:
    """Seconds to wait before the next attempt, or None if `exc` is not worth retrying.

    `backoff` gives the exponential wait; a server's own `Retry-After` is honoured up to `max_retry_after`.
    """
    import openai

    if isinstance(exc, openai.APITimeoutError):
        return backoff()  # only if time is left: the attempt had all that remained
    if isinstance(exc, openai.APIConnectionError):
        return backoff()
    if not isinstance(exc, openai.APIStatusError):
        return None
    code = exc.status_code
    if code not in RETRYABLE_STATUS and code < 500:
        return None
    asked = retry_after_seconds(exc.response.headers)
    if asked is None:
        return backoff()
    if asked > max_retry_after:
        return None
    return asked


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

def cut_off(exc: BaseException) -> bool:
    """The SDK's structured-output parser refuses a reply that hit max_tokens (its JSON is incomplete)."""
    import openai

    return isinstance(exc, openai.LengthFinishReasonError)


def error_status(exc: BaseException) -> int | None:
    """The HTTP status behind `exc`: 200 for a successful response whose body is unusable."""
    import openai

    if isinstance(exc, openai.APIStatusError):
        return exc.status_code
    if isinstance(exc, openai.APIConnectionError):
        return None
    # LangChain raises these while reading a 200 body that holds an error, no choices or no JSON.
    if isinstance(exc, ValueError | KeyError | TypeError) and not isinstance(exc, UnicodeError):
        return 200
    return None


def describe_error(exc: BaseException) -> str:
    """A short, user-presentable reason with the server's own words (no stack trace, no request)."""
    import openai

    if isinstance(exc, openai.APITimeoutError):
        return "timed out"
    if isinstance(exc, openai.APIConnectionError):
        return "could not connect to the LLM endpoint"
    if isinstance(exc, openai.APIStatusError):
        detail = _error_message(exc.body) or _error_message(_json_or_none(exc.response.text))
        message = (detail or exc.message or "").strip()
        return f"HTTP {exc.status_code}" + (f": {message[:240]}" if message else "")
    if error_status(exc) == 200:
        arg = exc.args[0] if exc.args else exc
        if isinstance(exc, TypeError | KeyError) and "choices" in str(arg):
            return "HTTP 200 without choices: the body is an error or not a chat completion"
        detail = _error_message(arg) or _error_message({"error": arg}) or str(arg)
        return f"HTTP 200 with an error body: {detail[:240]}"
    return f"{type(exc).__name__}: {str(exc)[:200]}"


def _error_message(body: Any) -> str | None:
    """The reason in an error body: {"error": {"message"}}, {"error": "…"}, {"message"}, {"detail"}."""
    if not isinstance(body, dict):
        return None
    error = body.get("error", body)
    if isinstance(error, str) and error.strip():
        return error
    if isinstance(error, dict):
        for key in ("message", "msg", "detail", "error"):
            value = error.get(key)
            if isinstance(value, str) and value.strip():
                return value
    return None


def _json_or_none(text: str) -> Any:
    try:
        return json.loads(text)
    except (TypeError, ValueError):
        return None
