"""The final answer of a reply, with any reasoning the server left in the content removed.

Thinking models put their drafts in one of three places: a separate `reasoning_content` / `reasoning`
field (DeepSeek, vLLM's reasoning parsers, newer Ollama) that the LangChain client never shows us, a
`<think>…</think>` block at the start of the content (Ollama, llama.cpp, vLLM without a parser), or
only the closing `</think>` when the chat template already opened the block (R1 distills). A draft
grade inside the reasoning is not the grade: only text after the reasoning counts.
"""

from __future__ import annotations

import re

_TAGS = r"think|thinking|reasoning|reflection|thought"
_BLOCK = re.compile(rf"<\s*({_TAGS})\s*>.*?<\s*/\s*\1\s*>", re.IGNORECASE | re.DOTALL)
_OPEN = re.compile(rf"<\s*(?:{_TAGS})\s*>", re.IGNORECASE)
_CLOSE = re.compile(rf"<\s*/\s*(?:{_TAGS})\s*>", re.IGNORECASE)
# Some chat templates (gpt-oss harmony via llama.cpp) leave channel markers in the content.
_FINAL_CHANNEL = re.compile(r"<\|channel\|>\s*final\s*<\|message\|>", re.IGNORECASE)


def final_answer(text: str) -> str:
    """`text` without reasoning; "" when the reply is all reasoning (e.g. cut off while thinking)."""
    if not text:
        return ""
    final = list(_FINAL_CHANNEL.finditer(text))
    if final:
        text = text[final[-1].end():]
    text = _BLOCK.sub("", text)
    closes = list(_CLOSE.finditer(text))
    if closes:  # a block whose opening tag was in the prompt: everything before the last close is thought
        text = text[closes[-1].end():]
    opened = _OPEN.search(text)
    if opened:  # thinking that never ended: no final answer after it
        text = text[: opened.start()]
    return text.strip()


def has_reasoning(text: str) -> bool:
    return bool(_OPEN.search(text or "") or _CLOSE.search(text or ""))
