"""The LLM phraser: natural wording for questions and follow-ups, or the caller's offline text on any failure.

The phraser only words what the server decided to ask; it never sees the reference answer, and a
follow-up that quotes a missing key point (giving the answer away) is discarded for the fallback.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path

from interviewer.llm.chat import ChatModel
from interviewer.prompts import Prompt, load_prompt

log = logging.getLogger(__name__)

ASK_PROMPT = "ask_v1"
FOLLOW_UP_PROMPT = "follow_up_v1"
LANGUAGE_NAMES = {"zh": "Chinese (简体中文)", "en": "English"}
MAX_CHARS = 600  # a question longer than this is a rambling reply, not a question
LEAK_MIN_CHARS = 12  # quoting this much of a missing key point gives it away
LABEL = re.compile(r"^\s*(?:question|follow[- ]?up|问题|追问)\s*[:：]\s*", re.IGNORECASE)


class LLMPhraser:
    def __init__(self, chat: ChatModel, prompts_dir: Path) -> None:
        self.chat = chat
        self.prompts_dir = prompts_dir
        self._prompts: dict[str, Prompt] = {}

    def ask(self, question: str, topic: str, language: str, *, fallback: str | None = None) -> str:
        """The bank question worded for the interview; `fallback` (default: the question) on failure."""
        default = fallback if fallback is not None else question
        return self._phrase(
            ASK_PROMPT,
            default,
            [],
            "",
            question=question,
            topic=topic or "-",
            language=LANGUAGE_NAMES.get(language, language),
        )

    def follow_up(
        self,
        question: str,
        missing: list[str],
        seed: str | None,
        language: str,
        *,
        fallback: str | None = None,
    ) -> str:
        """A follow-up aimed at `missing` without revealing it; `fallback` (default: the seed) on failure."""
        default = fallback if fallback is not None else (seed or question)
        return self._phrase(
            FOLLOW_UP_PROMPT,
            default,
            missing,
            f"{question}\n{seed or ''}",
            question=question,
            missing="\n".join(f"- {m}" for m in missing) or "(none)",
            seed=seed or "(none)",
            language=LANGUAGE_NAMES.get(language, language),
        )

    def _phrase(self, prompt: str, fallback: str, secrets: list[str], public: str, **values: str) -> str:
        try:
            messages = self._prompt(prompt).messages(**values)
            text = clean(self.chat.complete(messages))
        except Exception as exc:  # noqa: BLE001 - wording is optional; the interview goes on
            log.warning("LLM phrasing (%s) fell back to the template: %s", prompt, exc)
            return fallback
        if not text or len(text) > MAX_CHARS or leaks(text, secrets, public):
            log.info("LLM phrasing (%s) rejected; using the template", prompt)
            return fallback
        return text

    def _prompt(self, name: str) -> Prompt:
        if name not in self._prompts:
            self._prompts[name] = load_prompt(name, self.prompts_dir)
        return self._prompts[name]


def clean(text: str) -> str:
    """Strip labels, quotes and fences a model likes to add around a one-line question."""
    text = text.strip().strip("`").strip()
    text = LABEL.sub("", text)
    pairs = (('"', '"'), ("“", "”"), ("「", "」"), ("'", "'"))
    for left, right in pairs:
        if len(text) > 1 and text.startswith(left) and text.endswith(right):
            text = text[1:-1].strip()
    return text


def leaks(text: str, secrets: list[str], public: str = "") -> bool:
    """True if `text` quotes LEAK_MIN_CHARS or more of a secret that `public` (the question) does not hold.

    Spaces and case are ignored.
    """
    flat, known = _flat(text), _flat(public)
    for secret in map(_flat, secrets):
        windows = (secret[i : i + LEAK_MIN_CHARS] for i in range(len(secret) - LEAK_MIN_CHARS + 1))
        if any(w in flat and w not in known for w in windows):
            return True
    return False


def _flat(text: str) -> str:
    return re.sub(r"\s+", "", text).lower()
