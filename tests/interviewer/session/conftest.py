"""A small hand-written bank (3 topics) and fake graders for the interview tests."""

from __future__ import annotations

from collections.abc import Callable
from types import SimpleNamespace

import pytest

from interviewer.grading.models import CRITERIA, Grade, GradeReference, GradeRequest, PointResult, RubricScore
from interviewer.session.interview import Interview
from knowledge.bank import QuestionBank
from knowledge.models import KeyPoint, QAItem, Reference

# item id -> (topic, source, section, question, key points, seed follow-ups)
_ITEMS: dict[str, tuple[str, str, str, str, list[str], list[str]]] = {
    "att-self": (
        "attention",
        "attention.md",
        "自注意力",
        "Transformer 中的自注意力是如何计算的？",
        [
            "查询键值：输入通过三个线性变换得到 Q、K、V 矩阵",
            "缩放点积：用 Q 与 K 的点积除以根号 d_k 得到注意力分数",
            "Softmax 归一化：对分数做 softmax 得到权重，再对 V 加权求和",
            "多头机制：多个头并行计算后拼接，捕捉不同子空间的信息",
            "因果掩码：解码器用掩码屏蔽未来位置，保证自回归",
            "输出投影：拼接结果再经过一个线性层映射回模型维度",
        ],
        ["为什么要除以根号 d_k？", "多头注意力相比单头有什么好处？"],
    ),
    "att-kv": (
        "attention",
        "attention.md",
        "KV Cache",
        "什么是 KV Cache，它解决了什么问题？",
        [
            "缓存键值：推理时缓存已生成 token 的 K 和 V 向量",
            "避免重复计算：新 token 只需计算自己的 Q、K、V",
            "显存开销：缓存随序列长度线性增长，占用大量显存",
        ],
        ["如何减少 KV Cache 的显存占用？"],
    ),
    "att-pos": (
        "attention",
        "positions.md",
        "位置编码",
        "位置编码有哪些常见方案？",
        [
            "正弦编码：原始 Transformer 使用固定的正余弦函数生成位置向量",
            "可学习编码：把每个位置的向量作为参数一起训练",
            "旋转编码：RoPE 通过旋转矩阵把相对位置信息注入注意力",
        ],
        ["RoPE 为什么能外推到更长的上下文？"],
    ),
    "ft-lora": (
        "finetuning",
        "finetune.md",
        "LoRA",
        "什么是 LoRA？它为什么省显存？",
        [
            "低秩分解：把权重更新分解为两个低秩矩阵的乘积",
            "冻结原模型：只训练新增的低秩矩阵，可训练参数量很小",
            "推理合并：训练后把低秩矩阵合并回原权重，推理没有额外延迟",
        ],
        ["LoRA 的秩 r 如何选择？"],
    ),
    "ft-rlhf": (
        "finetuning",
        "finetune.md",
        "对齐",
        "SFT 和 RLHF 有什么区别？",
        [
            "监督微调：SFT 用人工标注的输入输出对做有监督训练",
            "奖励模型：RLHF 先训练奖励模型来学习人类偏好",
            "强化学习优化：再用 PPO 等算法按奖励优化策略模型",
        ],
        ["DPO 为什么比 PPO 更稳定？"],
    ),
    "rag-flow": (
        "rag",
        "rag.md",
        "RAG 流程",
        "RAG 的基本流程是什么？",
        [
            "文档切分：把文档切成大小合适、语义完整的块",
            "向量检索：用嵌入模型检索与问题最相关的块",
            "生成回答：把检索到的内容放进提示词让模型生成答案",
        ],
        ["块的大小如何选择？", "如何评估检索的质量？"],
    ),
    "rag-hybrid": (
        "rag",
        "rag.md",
        "混合检索",
        "什么是混合检索？",
        [
            "稠密检索：基于向量相似度做语义检索",
            "稀疏检索：基于 BM25 做关键词检索",
            "结果融合：用 RRF 等方法融合两路检索结果",
        ],
        [],
    ),
}

NO_ANSWER_ID = "rag-design"


def make_item(item_id: str) -> QAItem:
    topic, source, section, question, points, follow_ups = _ITEMS[item_id]
    answer = "\n".join(points)
    return QAItem(
        id=item_id,
        question=question,
        answer=answer,
        key_points=[
            KeyPoint(source=source, section=section, text=p, line_start=i + 1) for i, p in enumerate(points)
        ],
        follow_ups=follow_ups,
        topics=[topic],
        references=[Reference(source=source, section=section, text=answer)],
    )


def all_items() -> list[QAItem]:
    no_answer = QAItem(
        id=NO_ANSWER_ID,
        question="如何设计一个企业知识库问答系统？",
        topics=["rag"],
        flags=["no_answer"],
        references=[Reference(source="rag.md", section="系统设计", text="")],
    )
    return [*(make_item(i) for i in _ITEMS), no_answer]


def label(point: str) -> str:
    """The label of a key point ("缩放点积"): what a candidate's answer mentions to cover it."""
    return point.split("：")[0]


def make_grade(
    score: float,
    covered: list[str] | None = None,
    missing: list[str] | None = None,
    flags: list[str] | None = None,
    grader: str = "offline",
    prompt_version: str = "",
    item: QAItem | None = None,
) -> Grade:
    covered = covered or []
    missing = missing or []
    points = [
        PointResult(text=p, source=kp.source, section=kp.section, covered=p in covered)
        for kp in (item.key_points if item else [])
        for p in [kp.text]
    ]
    return Grade(
        score=score,
        rubric=[
            RubricScore(criterion=c, score=min(10.0, score + (0.5 if c == "clarity" else 0)))
            for c in CRITERIA
        ],
        covered=covered,
        missing=missing,
        references=[
            GradeReference(source=r.source, section=r.section, text=r.text)
            for r in (item.references if item else [])
        ],
        flags=flags or [],
        grader=grader,  # type: ignore[arg-type]
        prompt_version=prompt_version,
        points=points,
        summary="已评分。",
        item_id=item.id if item else None,
    )


class LabelGrader:
    """Covers a key point when the answer mentions its label; the score is the covered share.

    "OFFTOPIC" in an answer flags it off-topic, "ignore previous" flags an injection attempt
    (which, as with a real grader, does not move the score).
    """

    def __init__(self) -> None:
        self.requests: list[GradeRequest] = []

    def grade(self, request: GradeRequest) -> Grade:
        self.requests.append(request)
        texts = [kp.text for kp in request.key_points]
        covered = [p for p in texts if label(p) in request.answer]
        missing = [p for p in texts if p not in covered]
        score = round(10 * len(covered) / len(texts), 1) if texts else 5.0
        flags = []
        if "OFFTOPIC" in request.answer:
            flags.append("off_topic")
            score = 0.0
        if "ignore previous" in request.answer.lower():
            flags.append("injection_attempt")
        grade = make_grade(score, covered, missing, flags)
        grade.points = [
            PointResult(text=kp.text, source=kp.source, section=kp.section, covered=kp.text in covered)
            for kp in request.key_points
        ]
        grade.item_id = request.item_id
        return grade


class ScriptedGrader:
    """Returns the grades it was given, in order (or built by a function of the request)."""

    def __init__(self, grades: list[Grade] | Callable[[GradeRequest], Grade]) -> None:
        self.script = grades
        self.requests: list[GradeRequest] = []

    def grade(self, request: GradeRequest) -> Grade:
        self.requests.append(request)
        if callable(self.script):
            return self.script(request)
        return self.script.pop(0)


def fixed_clock() -> str:
    return "2025-01-01T00:00:00+00:00"


@pytest.fixture
def bank() -> QuestionBank:
    return QuestionBank(all_items())


@pytest.fixture
def grader() -> LabelGrader:
    return LabelGrader()


@pytest.fixture
def interview(bank: QuestionBank, grader: LabelGrader) -> Interview:
    return Interview(bank, grader, clock=fixed_clock)


def strong_answer(item: QAItem) -> str:
    return "我的理解：" + "；".join(label(kp.text) for kp in item.key_points) + "。"


def weak_answer(item: QAItem) -> str:
    return f"我只知道{label(item.key_points[0].text)}，其他的不太确定，可能和训练有关系吧。"


@pytest.fixture
def kit() -> SimpleNamespace:
    """The helpers above, as a fixture: tests import nothing from conftest."""
    return SimpleNamespace(
        make_grade=make_grade,
        make_item=make_item,
        label=label,
        strong=strong_answer,
        weak=weak_answer,
        LabelGrader=LabelGrader,
        ScriptedGrader=ScriptedGrader,
        clock=fixed_clock,
        no_answer_id=NO_ANSWER_ID,
    )
