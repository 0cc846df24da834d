"""The ChatModel protocol every LLM backend implements, and a scripted fake for unit tests."""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Protocol

from knowledge.errors import LLMError

Message = dict[str, str]  # {"role": "system" | "user" | "assistant", "content": ...}
JsonSchema = dict[str, Any]


class EmptyReplyError(LLMError):
    """The server answered, but with no usable final text: empty content, a refusal, all reasoning,
    or an HTTP 200 whose body is an error. Often caused by JSON mode, so worth one retry without it."""


class ChatModel(Protocol):
    def complete(
        self,
        messages: list[Message],
        *,
        json_mode: bool = False,
        schema: JsonSchema | None = None,
        deadline: float | None = None,
    ) -> str:
        """The assistant's final reply text (reasoning removed).

        `json_mode` asks for a JSON reply, by the strongest structured-output mode the backend has
        (`schema`, when given, for strict json_schema or tool calling); `deadline` is a
        `time.monotonic()` instant after which no attempt may still run. Raises `LLMError` when the
        backend fails after its retries, `EmptyReplyError` when it answered nothing usable.
        """
        ...


@dataclass(frozen=True)
class ChatCall:
    messages: list[Message]
    json_mode: bool
    schema: JsonSchema | None = None
    deadline: float | None = None


class ScriptedChatModel:
    """Replies from a script: each entry is a reply string or an exception to raise.

    When the script runs out it answers `default`, or raises `LLMError` if there is none.
    """

    def __init__(self, script: Iterable[str | BaseException] = (), *, default: str | None = None) -> None:
        self.script: deque[str | BaseException] = deque(script)
        self.default = default
        self.calls: list[ChatCall] = []

    def complete(
        self,
        messages: list[Message],
        *,
        json_mode: bool = False,
        schema: JsonSchema | None = None,
        deadline: float | None = None,
    ) -> str:
        self.calls.append(ChatCall([dict(m) for m in messages], json_mode, schema, deadline))
        if self.script:
            step = self.script.popleft()
        elif self.default is not None:
            step = self.default
        else:
            raise LLMError("scripted chat model: no reply left")
        if isinstance(step, BaseException):
            raise step
        return step
