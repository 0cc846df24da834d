"""Topic tags: a small fixed vocabulary, assigned by keyword rules (the one table below)."""

from __future__ import annotations

import re

# Order matters: the most specific topics first; at most MAX_TOPICS are kept, in this order.
TOPIC_RULES: dict[str, str] = {
    "hallucination": r"幻觉|hallucinat|事实性|捏造",
    "rag": r"\brag\b|检索|召回|retriev|向量数据库|知识库|重排|rerank|分块|chunk|倒排|知识图谱",
    "agents": r"智能体|agent|工具调用|function calling|tool use|react|langchain|插件",
    "multimodal": r"多模态|multimodal|\bclip\b|blip|图像|视觉|图文|语音|照片|gemini",
    "alignment": r"rlhf|\bdpo\b|\bppo\b|\bsft\b|对齐|偏好|奖励|reward|grpo|orpo|\bkto\b|强化学习|reinforcement"
    r"|\brl\b|r1-zero|rlaif|指令微调|instruction",
    "fine-tuning": r"微调|fine-?tun|\blora\b|qlora|peft|adapter|prefix[- ]?tuning|prompt tuning|灾难性遗忘"
    r"|全参|继续预训练|蒸馏|distill",
    "prompting": r"提示|prompt|思维链|\bcot\b|chain[- ]of[- ]thought|few-?shot|zero-?shot|零样本|少样本"
    r"|上下文学习|in-context|思维树|自洽",
    "attention": r"注意力|attention|\bmqa\b|\bgqa\b|\bqkv\b|query.{0,4}key|点积",
    "tokenization": r"分词|tokeniz|\bbpe\b|wordpiece|sentencepiece|词表|词汇表|\boov\b|词元|\btoken\b",
    "embedding": r"嵌入|embedding|词向量|word2vec|表征|编码器在|双编码器|交叉编码器|mteb|stsb|tsdae|相似度",
    "transformer": r"transformer|编码器|解码器|encoder|decoder|位置编码|rope|归一化|normali[sz]ation|\bnorm\b"
    r"|残差|\bffn\b|前馈|\bmoe\b|专家混合|mixture of experts|\bbert\b|\bgpt|seq2seq|自回归|掩码|架构",
    "inference": r"推理速度|推理阶段|推理性能|推理框架|推理优化|推理加速|推理成本|推理过程中|大模型推理|部署"
    r"|量化|quantiz|kv ?cache|kv 缓存|解码(?!器)|decoding|beam|束搜索|贪心|温度|temperature|top-?[kp]|采样"
    r"|延迟|吞吐|灰度|speculative|flash ?attention|复读|上下文(?:长度|窗口)|context window|长文本",
    "evaluation": r"评估|评测|评价|evaluat|benchmark|指标|困惑度|perplexity|\bf1\b|bleu|rouge|win-?rate|a/b",
    "training": r"训练|预训练|pre-?train|\bloss\b|损失|梯度|优化器|学习率|过拟合|欠拟合|正则|dropout|超参"
    r"|分布式|并行|反向传播|链式法则|雅可比|relu|scaling|扩展规律|数据集|样本|数据规模|数据构建",
    "basics": r"涌现|参数级别|基础模型|泛化|人工智能|神经网络|深度学习|统计语言模型|定义.{0,6}(?:大模型|大语言模型|llm)"
    r"|(?:什么是|何为)(?:大模型|大语言模型|llm)",
}


def _compile(rule: str) -> re.Pattern[str]:
    # `\b` in the table is an ASCII word edge: Python's own \b sees no edge between "个" and "token".
    rule = re.sub(r"\\b([^|()\\]*?)\\b", r"(?<![a-z0-9])\1(?![a-z0-9])", rule)
    return re.compile(rule.replace(r"\b", "(?<![a-z0-9])"))  # texts are lower-cased before matching


_COMPILED = {topic: _compile(rule) for topic, rule in TOPIC_RULES.items()}
TOPICS = tuple(TOPIC_RULES)
MAX_TOPICS = 3
FALLBACK = "basics"


def topics_for(question: str, heading: str = "", answer: str = "") -> list[str]:
    """Tags from the question and its heading; the answer only decides when they say nothing.

    The answer mentions many things in passing, so it counts only where a topic recurs (>= 2 hits).
    """
    asked, answer = f"{question}\n{heading}".lower(), answer.lower()
    found = [t for t, rule in _COMPILED.items() if rule.search(asked)]
    found = [t for t in found if t != FALLBACK] or found
    if not found:
        counts = {t: len(rule.findall(answer)) for t, rule in _COMPILED.items() if t != FALLBACK}
        recurring = [t for t, n in counts.items() if n >= 2]
        found = sorted(recurring, key=lambda t: (-counts[t], TOPICS.index(t)))[:2]
    return found[:MAX_TOPICS] or [FALLBACK]
