"""Phrasing hygiene: reasoning, labels and preambles stripped; refusals, paraphrased hints, repeats and
the wrong language rejected for the template; a hanging server costs only the phrasing deadline."""

from __future__ import annotations

import time

import pytest

from interviewer.llm.chat import ScriptedChatModel
from interviewer.llm.openai_chat import OpenAIChatModel
from interviewer.llm.phrasing import LLMPhraser, clean, in_language
from interviewer.settings import DEFAULT_PROMPTS
from tests.fakes.openai_server import FakeOpenAIServer, delay, reply

QUESTION = "LoRA 的原理是什么？"
MISSING = ["推理时可以把 BA 合并回原权重，没有额外延迟"]
SEED = "推理时 LoRA 有额外开销吗？"


def phraser(*script: str) -> LLMPhraser:
    return LLMPhraser(ScriptedChatModel(script), DEFAULT_PROMPTS)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("追问：<think>The missing point is merging BA.</think>那推理阶段呢？", "那推理阶段呢？"),
        ("<think>The missing point is merging BA.</think>\n\n追问：那推理阶段呢？", "那推理阶段呢？"),
        ("**Question:** What is LoRA?", "What is LoRA?"),
        ("Sure! Here's a natural way to ask it:\n\nWhat happens at inference time?", "What happens at inference time?"),
        ("Follow-up question: why does it help?", "why does it help?"),
        ("### 追问\n推理的时候呢？", "推理的时候呢？"),
        ("好的，以下是追问：\n“推理的时候呢？”", "推理的时候呢？"),
        ("> **追问：** 推理的时候呢？", "推理的时候呢？"),
    ],
)
def test_clean(raw: str, expected: str) -> None:
    assert clean(raw) == expected


@pytest.mark.parametrize(
    ("reply_text", "language"),
    [
        ("I'm sorry, but I can't help with that request.", "en"),
        ("抱歉，我无法提供这个问题的改写。", "zh"),
        ("Sure! Here's a natural way to ask it:", "en"),
        ("推理的时候能不能把 BA 合并回原权重、从而没有额外延迟？", "zh"),  # a paraphrase of the missing point
        ("推理阶段 LoRA 会带来额外的开销吗？", "en"),  # an English interview asked in Chinese
        ("What about inference overhead?", "zh"),
        ("<think>Missing: merge BA into W at inference.</think>", "en"),  # reasoning only
    ],
    ids=["refusal-en", "refusal-zh", "preamble-only", "paraphrased-hint", "zh-in-en", "en-in-zh", "all-thought"],
)
def test_follow_up_rejections_give_the_template(reply_text: str, language: str) -> None:
    assert phraser(reply_text).follow_up(QUESTION, MISSING, SEED, language) == SEED


def test_a_question_about_the_area_passes() -> None:
    assert phraser("那部署推理的时候，LoRA 会不会带来额外的开销？").follow_up(QUESTION, MISSING, SEED, "zh") != SEED


def test_the_same_follow_up_is_never_asked_twice() -> None:
    p = phraser("部署的时候，这两个小矩阵还要单独算吗？", "部署的时候，这两个小矩阵还要单独算吗?", "换个角度：和全量微调比，训练显存怎么样？")
    first = p.follow_up(QUESTION, MISSING, SEED, "zh")
    second = p.follow_up(QUESTION, MISSING, "还有别的开销吗？", "zh")
    third = p.follow_up(QUESTION, MISSING, SEED, "zh")
    assert first == "部署的时候，这两个小矩阵还要单独算吗？"
    assert second == "还有别的开销吗？"  # the model repeated itself: the server's next seed instead
    assert third.startswith("换个角度")


def test_english_interviews_ask_for_english() -> None:
    p = phraser("Could you explain how LoRA works?")
    assert p.ask(QUESTION, "微调", "en") == "Could you explain how LoRA works?"
    system = p.chat.calls[0].messages[0]["content"]  # type: ignore[attr-defined]
    assert "translate the question" in system and "English" in system


@pytest.mark.parametrize(("text", "language", "ok"), [
    ("What is a KV cache?", "en", True), ("KV cache 为什么能加速推理？", "en", False),
    ("KV cache 为什么能加速推理？", "zh", True), ("Why does the KV cache help?", "zh", False),
    ("O(n^2)?", "en", True),
])
def test_in_language(text: str, language: str, ok: bool) -> None:
    assert in_language(text, language) is ok


def test_a_hanging_phraser_costs_only_its_short_deadline(openai_server: FakeOpenAIServer) -> None:
    chat = OpenAIChatModel(model="fake-model", base_url=openai_server.base_url, api_key="k", timeout=0.5,
                           max_retries=2)
    openai_server.push(delay(5, reply("too late")), delay(5, reply("too late")))
    started = time.monotonic()
    assert LLMPhraser(chat, DEFAULT_PROMPTS).ask(QUESTION, "微调", "zh", fallback="T") == "T"
    assert time.monotonic() - started < 0.5 + 1.0  # the deadline plus a generous margin, not 3 x 30 s
    assert len(openai_server.requests) == 1
