"""The LLM phraser words questions and follow-ups, and falls back to the template text on any failure."""

from __future__ import annotations

import pytest

from interviewer.llm.chat import ScriptedChatModel
from interviewer.llm.openai_chat import OpenAIChatModel
from interviewer.llm.phrasing import LLMPhraser, clean, leaks
from interviewer.settings import DEFAULT_PROMPTS
from knowledge.errors import LLMError
from tests.fakes.openai_server import FakeOpenAIServer, reply, status

QUESTION = "LoRA 的原理是什么？"
MISSING = ["推理时可以把 BA 合并回原权重，没有额外延迟"]


def phraser(*script: str | BaseException) -> tuple[LLMPhraser, ScriptedChatModel]:
    chat = ScriptedChatModel(script)
    return LLMPhraser(chat, DEFAULT_PROMPTS), chat


def test_ask_through_the_fake_server(openai_server: FakeOpenAIServer) -> None:
    chat = OpenAIChatModel(
        model="fake-model", base_url=openai_server.base_url, api_key="k", timeout=0.3, max_retries=0
    )
    openai_server.push(reply("我们来聊聊微调：能讲讲 LoRA 的原理吗？"))
    text = LLMPhraser(chat, DEFAULT_PROMPTS).ask(QUESTION, "微调", "zh", fallback="T")
    assert text == "我们来聊聊微调：能讲讲 LoRA 的原理吗？"
    system, user = openai_server.requests[0]["messages"]
    assert "Chinese" in system["content"] and "<bank_question>" in user["content"]
    assert "response_format" not in openai_server.requests[0]


def test_server_failure_gives_the_template(openai_server: FakeOpenAIServer) -> None:
    chat = OpenAIChatModel(
        model="fake-model", base_url=openai_server.base_url, api_key="k", timeout=0.3, max_retries=0
    )
    openai_server.push(status(500))
    assert LLMPhraser(chat, DEFAULT_PROMPTS).ask(QUESTION, "微调", "zh", fallback="T") == "T"


def test_follow_up_prompt_carries_missing_points_and_seed() -> None:
    p, chat = phraser("And at inference time, does LoRA add any overhead?")
    text = p.follow_up(QUESTION, MISSING, "推理时有额外延迟吗？", "en", fallback="T")
    assert text == "And at inference time, does LoRA add any overhead?"
    user = chat.calls[0].messages[1]["content"]
    assert f"- {MISSING[0]}" in user and "推理时有额外延迟吗？" in user
    assert "English" in chat.calls[0].messages[0]["content"]


@pytest.mark.parametrize(
    ("script", "expected"),
    [
        ([LLMError("timeout")], "T"),
        ([RuntimeError("bug")], "T"),
        (["   "], "T"),
        (["x" * 2000], "T"),
        ([f"你知道吗，{MISSING[0]}。那为什么？"], "T"),  # gives the missing point away
    ],
    ids=["llm-error", "bug", "blank", "rambling", "leak"],
)
def test_follow_up_falls_back(script: list[str | BaseException], expected: str) -> None:
    p, _ = phraser(*script)
    assert p.follow_up(QUESTION, MISSING, None, "zh", fallback="T") == expected


def test_defaults_when_no_fallback_is_given() -> None:
    p, _ = phraser(LLMError("down"), LLMError("down"), LLMError("down"))
    assert p.ask(QUESTION, "微调", "zh") == QUESTION
    assert p.follow_up(QUESTION, MISSING, "seed?", "zh") == "seed?"
    assert p.follow_up(QUESTION, MISSING, None, "zh") == QUESTION


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ('"What is LoRA?"', "What is LoRA?"),
        ("问题：LoRA 是什么？", "LoRA 是什么？"),
        ("「追问」", "追问"),
        ("Follow-up: why?", "why?"),
    ],
)
def test_clean(raw: str, expected: str) -> None:
    assert clean(raw) == expected


def test_quoting_the_question_is_not_a_leak() -> None:
    point = "LoRA 的原理是什么：冻结原始权重只训练低秩矩阵"
    assert not leaks("关于 LoRA 的原理是什么，再展开说说？", [point], public="LoRA 的原理是什么？")
    assert leaks("提示：冻结原始权重只训练低秩矩阵", [point], public="LoRA 的原理是什么？")
