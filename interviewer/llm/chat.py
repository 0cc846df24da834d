"""The ChatModel protocol every LLM backend implements, and a scripted fake for unit tests."""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol

from knowledge.errors import LLMError

Message = dict[str, str]  # {"role": "system" | "user" | "assistant", "content": ...}


class ChatModel(Protocol):
    def complete(self, messages: list[Message], *, json_mode: bool = False) -> str:
        """The assistant's reply text; raises `LLMError` when the backend fails after its retries."""
        ...


@dataclass(frozen=True)
class ChatCall:
    messages: list[Message]
    json_mode: bool


class ScriptedChatModel:
    """Replies from a script: each entry is a reply string or an exception to raise.

    When the script runs out it answers `default`, or raises `LLMError` if there is none.
    """

    def __init__(self, script: Iterable[str | BaseException] = (), *, default: str | None = None) -> None:
        self.script: deque[str | BaseException] = deque(script)
        self.default = default
        self.calls: list[ChatCall] = []

    def complete(self, messages: list[Message], *, json_mode: bool = False) -> str:
        self.calls.append(ChatCall([dict(m) for m in messages], json_mode))
        if self.script:
            step = self.script.popleft()
        elif self.default is not None:
            step = self.default
        else:
            raise LLMError("scripted chat model: no reply left")
        if isinstance(step, BaseException):
            raise step
        return step
