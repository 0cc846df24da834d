"""The LLM phraser: natural wording for questions and follow-ups, or the caller's offline text on any failure.

The phraser only words what the server decided to ask; it never sees the reference answer. What the
model returns is cleaned (reasoning, markdown labels, preambles, quotes) and then rejected for the
fallback text when it is a refusal, rambles, is in the wrong language, repeats a follow-up already
asked for the question, or gives a missing key point away: quoted (12 characters) or paraphrased,
by the lexical coverage test the offline grader uses (`Lexicon.recall`). Each call has its own short
deadline, so a hanging server costs at most that per turn.
"""

from __future__ import annotations

import logging
import re
import threading
import time
from collections import OrderedDict, deque
from pathlib import Path
from typing import Any

from interviewer.llm.chat import ChatModel
from interviewer.llm.reasoning import final_answer
from interviewer.llm.reply_points import flatten, overlap
from interviewer.prompts import Prompt, load_prompt

log = logging.getLogger(__name__)

ASK_PROMPT = "ask_v2"
FOLLOW_UP_PROMPT = "follow_up_v2"
LANGUAGE_NAMES = {"zh": "Chinese (简体中文)", "en": "English"}
MAX_CHARS = 600  # a question longer than this is a rambling reply, not a question
LEAK_MIN_CHARS = 12  # quoting this much of a missing key point gives it away
LEAK_RECALL = 0.5  # the share of a missing point's (IDF-weighted) terms that gives it away
REPEAT_OVERLAP = 0.8  # this close to an earlier follow-up for the same question is a repeat
REMEMBERED_QUESTIONS = 512

_LABEL_WORDS = r"(?:follow[- ]?up(?:\s+question)?|question|next\s+question|interviewer|问题|追问|面试官|下一题)"
LABEL = re.compile(rf"^\s*{_LABEL_WORDS}\s*[:：]\s*", re.IGNORECASE)
_BARE_LABEL = re.compile(rf"^\s*{_LABEL_WORDS}\s*$", re.IGNORECASE)  # a "### 追问" heading line
_MARKDOWN = re.compile(r"\*\*|__|^#{1,6}\s*|^>\s*|^[-*]\s+", re.MULTILINE)
_PREAMBLE = re.compile(
    r"^\s*(?:sure|of course|certainly|okay|ok|absolutely|great|here(?:'s| is)|below is|好的|当然|没问题|以下是|下面是|这是)"
    r"[^?？]*$",
    re.IGNORECASE,
)
_REFUSAL = re.compile(
    r"\b(?:i\s*(?:can(?:'|no)?t|cannot|am\s+unable|won't)\s+(?:help|assist|provide|do|comply))|\bas an ai\b|"
    r"\bi'?m sorry\b|抱歉|对不起|无法(?:提供|协助|回答|完成)|不能(?:提供|协助)|作为(?:一个)?\s*ai",
    re.IGNORECASE,
)
_CJK = re.compile(r"[\u4e00-\u9fff]")
_LATIN = re.compile(r"[A-Za-z]{2,}")


class LLMPhraser:
    def __init__(self, chat: ChatModel, prompts_dir: Path, *, timeout: float | None = None) -> None:
        self.chat = chat
        self.prompts_dir = prompts_dir
        self.timeout = timeout  # None: the chat model's own deadline (the phrasing adapter's is short)
        self._prompts: dict[str, Prompt] = {}
        self._asked: OrderedDict[str, deque[str]] = OrderedDict()  # question -> recent follow-ups
        self._lock = threading.Lock()
        self._lexicon: Any = None

    def ask(self, question: str, topic: str, language: str, *, fallback: str | None = None) -> str:
        """The bank question worded for the interview; `fallback` (default: the question) on failure."""
        default = fallback if fallback is not None else question
        return self._phrase(
            ASK_PROMPT, default, [], question, language,
            question=question, topic=topic or "-", language=LANGUAGE_NAMES.get(language, language),
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
        text = self._phrase(
            FOLLOW_UP_PROMPT, default, missing, f"{question}\n{seed or ''}", language,
            question=question,
            missing="\n".join(f"- {m}" for m in missing) or "(none)",
            seed=seed or "(none)",
            language=LANGUAGE_NAMES.get(language, language),
        )
        if text != default and self._repeats(question, text):
            log.info("LLM follow-up repeats an earlier one; using the template")
            text = default
        self._remember(question, text)
        return text

    def _phrase(
        self, prompt: str, fallback: str, secrets: list[str], public: str, lang: str, **values: str
    ) -> str:
        deadline = time.monotonic() + self.timeout if self.timeout else None
        try:
            messages = self._prompt(prompt).messages(**values)
            text = clean(self.chat.complete(messages, deadline=deadline))
        except Exception as exc:  # noqa: BLE001 - wording is optional; the interview goes on
            log.warning("LLM phrasing (%s) fell back to the template: %s", prompt, exc)
            return fallback
        problem = self._problem(text, secrets, public, lang)
        if problem:
            log.info("LLM phrasing (%s) rejected (%s); using the template", prompt, problem)
            return fallback
        return text

    def _problem(self, text: str, secrets: list[str], public: str, language: str) -> str | None:
        if not text:
            return "empty"
        if len(text) > MAX_CHARS:
            return "too long"
        if _REFUSAL.search(text):
            return "a refusal"
        if _PREAMBLE.match(text):
            return "a preamble, no question"
        if not in_language(text, language):
            return "wrong language"
        if leaks(text, secrets, public) or self._paraphrases(text, secrets, public):
            return "gives a missing point away"
        return None

    def _paraphrases(self, text: str, secrets: list[str], public: str) -> bool:
        """The offline grader's lexical coverage test: would `text` count as covering a secret point?"""
        if not secrets:
            return False
        if self._lexicon is None:
            from interviewer.grading.lexical import Lexicon  # jieba: loaded on the first follow-up only

            self._lexicon = Lexicon()
        return any(self._lexicon.recall(secret, text, public) >= LEAK_RECALL for secret in secrets)

    def _repeats(self, question: str, text: str) -> bool:
        with self._lock:
            earlier = list(self._asked.get(question, ()))
        flat = flatten(text)
        return any(flat == flatten(e) or overlap(flat, flatten(e)) >= REPEAT_OVERLAP for e in earlier)

    def _remember(self, question: str, text: str) -> None:
        with self._lock:
            recent = self._asked.setdefault(question, deque(maxlen=3))
            recent.append(text)
            self._asked.move_to_end(question)
            while len(self._asked) > REMEMBERED_QUESTIONS:
                self._asked.popitem(last=False)

    def _prompt(self, name: str) -> Prompt:
        if name not in self._prompts:
            self._prompts[name] = load_prompt(name, self.prompts_dir)
        return self._prompts[name]


def clean(text: str) -> str:
    """The question alone: no reasoning, fences, markdown, labels, preamble lines or wrapping quotes."""
    text = final_answer(text).strip().strip("`").strip()
    text = _MARKDOWN.sub("", text)
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    while len(lines) > 1 and (_PREAMBLE.match(lines[0]) or re.search(r"[:：]$", lines[0]) or _BARE_LABEL.match(lines[0])):
        lines.pop(0)  # "Sure! Here's a natural way to ask it:" above the question
    text = " ".join(lines)
    for _ in range(2):
        text = LABEL.sub("", text).strip()
        for left, right in (('"', '"'), ("“", "”"), ("「", "」"), ("'", "'"), ("《", "》")):
            if len(text) > 1 and text.startswith(left) and text.endswith(right):
                text = text[1:-1].strip()
    return text


def in_language(text: str, language: str) -> bool:
    """An English interview is asked in English (Chinese technical terms allowed), and vice versa."""
    cjk, latin = len(_CJK.findall(text)), 1.5 * len(_LATIN.findall(text))
    if cjk + latin == 0:
        return True
    share = cjk / (cjk + latin)
    return share < 0.5 if language == "en" else share > 0.3 if language == "zh" else True


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
