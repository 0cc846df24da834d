"""Candidate messages -> intents; real answers that contain request words stay answers."""

from __future__ import annotations

import pytest

from interviewer.session.intents import classify

CASES = {
    "repeat": [
        "请重复一下问题",
        "能再说一遍吗",
        "能再说一遍吗？",
        "再说一遍",
        "重复一下",
        "没听清",
        "不好意思，没听清问题",
        "问题是什么？",
        "repeat the question",
        "Repeat the question, please.",
        "pardon",
        "Pardon?",
        "sorry, what was the question?",
        "can you say that again",
        "come again?",
    ],
    "hint": [
        "给个提示",
        "给个提示吧",
        "能给点提示吗",
        "有提示吗？",
        "提示一下",
        "给点思路",
        "hint please",
        "Hint",
        "can I get a hint?",
        "could you give me a hint",
        "any hints?",
        "I need a hint",
    ],
    "end": [
        "结束面试",
        "结束",
        "我想结束",
        "我想结束面试",
        "结束吧",
        "好吧，结束",
        "不面了",
        "到此为止吧",
        "退出",
        "end the interview",
        "End interview.",
        "stop",
        "Stop!",
        "quit",
        "exit",
        "I want to stop",
        "let's stop here",
        "I'm done",
        "that's all for today",
    ],
    "skip": [
        "跳过",
        "跳过这题",
        "下一题",
        "下一题吧",
        "换一题",
        "算了，跳过吧",
        "skip",
        "Skip this one",
        "next question",
        "next",
        "pass",
        "let's move on",
    ],
    "dont_know": [
        "我放弃",
        "I give up.",
        "不知道",
        "我不知道",
        "这题我不会",
        "不会",
        "不清楚",
        "不太了解",
        "想不起来了",
        "忘了",
        "I don't know",
        "i dont know",
        "I do not know.",
        "no idea",
        "I have no idea",
        "not sure",
        "idk",
        "dunno",
    ],
    "answer": [
        "stop tokens tell the decoder when to finish generating",
        "Stop sequences are strings that end generation early.",
        "结束符 EOS 用来告诉模型何时停止生成",
        "训练结束后要在验证集上评估",
        "早停（early stopping）是在验证损失不再下降时结束训练",
        "我不知道具体公式，但注意力是用 Q 和 K 的点积除以根号 d_k 再做 softmax",
        "不知道对不对：LoRA 是低秩分解",
        "skip connections let gradients flow through deep networks",
        "pass@k measures the chance that one of k samples passes the tests",
        "next-token prediction is the pre-training objective",
        "hint: the key is the KV cache",
        "I think we should end the interview with a summary of attention: Q, K, V...",
        "重复惩罚（repetition penalty）用于减少重复生成",
        "提示词工程包括少样本示例和思维链",
        "RLHF",
        "Q·K^T / sqrt(d_k)",
    ],
}


@pytest.mark.parametrize(
    ("message", "intent"),
    [(m, intent) for intent, messages in CASES.items() for m in messages],
)
def test_classify(message: str, intent: str) -> None:
    assert classify(message) == intent


def test_long_message_is_always_an_answer() -> None:
    assert classify("结束" + "。" * 5 + "这是一个很长的回答，" * 10) == "answer"
