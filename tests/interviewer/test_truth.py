"""The contradiction detector: each kind caught, and correct or unrelated answers left alone."""

from __future__ import annotations

import dataclasses

import pytest

from interviewer.grading.lexical import Lexicon
from interviewer.grading.truth import Contradiction, find_contradictions

LAYERNORM = "LayerNorm 对单个样本的所有特征做归一化，与 batch 大小无关。"
KV_CACHE = "KV cache 缓存每一层已生成 token 的 K 和 V，避免重复计算。"
ROPE = "RoPE 是一种相对位置编码，通过旋转矩阵把位置信息融入 query 和 key。"
LR = "增大 batch size 时学习率通常也要相应增大。"
SFT = "SFT 通常在 RLHF 之前进行，为奖励模型和策略提供初始化。"
PARALLEL = "自注意力机制支持并行计算，而 RNN 必须串行执行。"
BERT = "BERT base 有 12 层 Transformer encoder，隐藏维度 768。"
ENC_DEC = "Encoder 使用双向注意力，Decoder 使用 causal mask 保证自回归。"
DPO = "DPO 不需要训练单独的奖励模型，直接用偏好数据优化策略。"
MOE = "MoE 推理时只激活少数专家，计算量远小于参数量。"
FLASH = "Flash Attention 是精确注意力，结果与标准注意力完全一致。"
DROPOUT = "Dropout 在训练阶段随机置零神经元，推理阶段不使用 Dropout。"
FINETUNE = "模型仅在部分参数或全部参数上更新（LoRA、Fine-tune、PT）：常见方式包括全参数微调、LoRA 微调等。"
RNN = [
    "自注意力机制允许每个位置直接与所有其他位置交互，无论依赖关系有多远，都能在一次计算中捕捉到。",
    "相比之下，RNN 一步步传递信息，远距离依赖需要多步传播，容易造成梯度消失。",
    "此外，自注意力机制支持并行计算，而 RNN 必须串行执行，训练效率也低很多。",
]
TEMPERATURE = [
    "低温度 (e.g., < 1.0)：使得概率分布更加“尖锐”，模型更倾向于选择概率最高的Token。这会产生更确定性的输出。",
    "高温度 (e.g., > 1.0)：使得概率分布更加“平坦”，增加了低概率Token被选中的机会，但可能会牺牲事实准确性。",
]
RELU = ["当 x > 0 时，导数为 1。", "当 x < 0 时，导数为 0。"]
PCA = ["通过保留那些具有最大特征值的特征向量，并将原始数据投影到这些向量构成的子空间上实现降维。"]
PIPELINE = ["预训练→SFT→偏好/RM→RLHF或DPO等直接偏好优化→评测→部署与监控→数据闭环。"]
AR_MLM = [
    "自回归模型 (Autoregressive Models)：如GPT系列。它们以从左到右的方式生成文本，每次预测一个Token。",
    "掩码模型 (Masked Models)：如BERT系列。它们通过预测句子中被遮盖的部分来学习语言，能够理解双向上下文。",
]


@pytest.fixture(scope="module")
def lexicon() -> Lexicon:
    return Lexicon()


@pytest.mark.parametrize(
    ("answer", "points", "kind", "cue"),
    [
        ("LayerNorm 是在整个 batch 上做归一化。", [LAYERNORM], "antonym", "单个样本 ↔ batch"),
        ("RoPE 是一种绝对位置编码，把位置向量加到词向量上。", [ROPE], "antonym", "相对 ↔ 绝对"),
        ("增大 batch size 时学习率通常要减小。", [LR], "antonym", "增大 ↔ 减小"),
        ("SFT 通常在 RLHF 之后进行。", [SFT], "antonym", "之前 ↔ 之后"),
        ("MoE 推理时会激活所有专家。", [MOE], "antonym", "少数 ↔ 所有"),
        ("Flash Attention 是近似注意力，结果与标准注意力不同。", [FLASH], "antonym", "精确 ↔ 近似"),
        ("DPO 需要训练单独的奖励模型。", [DPO], "negation", "不需要训练 ↔ 训练"),
        # a potential complement ("看不到") denies its verb, which the other side states
        ("解码器在训练时看得到后面位置的 token。", ["解码器使用 causal mask，看不到后面位置的 token。"], "negation", None),
        ("Dropout 在推理阶段也要开启。", [DROPOUT], "negation", None),
        ("微调是在推理阶段调整温度等超参数，整个过程不涉及任何参数更新。", [FINETUNE], "negation", None),
        ("BERT base 有 24 层 Transformer encoder。", [BERT], "number", "12层 ↔ 24层"),
        ("KV cache 缓存的是每个 token 的 Q 和 K。", [KV_CACHE], "swap", "K/V ↔ K/Q"),
        ("Transformer 的自注意力需要串行计算，RNN 可以并行。", [PARALLEL], "swap", None),
        ("自注意力是在 RNN 的隐藏状态上叠加门控，仍然需要按时间步串行计算。", RNN, "swap", None),
        ("Encoder 使用 causal mask，Decoder 使用双向注意力。", [ENC_DEC], "swap", None),
        ("自回归模型比如 BERT，靠还原被遮住的词训练；掩码模型比如 GPT，只能看左边。", AR_MLM, "swap", None),
        # a direction paired with what the reference says of the other direction
        ("温度调高，概率分布会变得更尖锐，输出更确定；温度调低，分布被拉平。", TEMPERATURE, "direction",
         "尖锐: 低温度 ↔ 温度调高"),
        ("ReLU 就是 max(0, x)，它的导数在 x>0 时是 0，x<0 时是 1。", RELU, "direction", "0: x < 0 ↔ x>0"),
        ("降维时应该保留特征值最小的那些特征向量。", PCA, "direction", "特征向量: 最大特征值 ↔ 特征值最小"),
        # steps in another order than a key point's list
        ("标准流程是：先做 RLHF 对齐，然后再做大规模预训练注入知识，最后用 SFT 收尾。", PIPELINE, "order",
         "sft → rlhf ↔ rlhf → sft"),
        # an antonym against a point the sentence is not mostly about (it is mostly about the first one)
        ("模型蒸馏就是用一个小的教师模型去教一个大的学生模型：先把小模型训好，再把它的硬标签给大模型去学，这样学生参数更多、能力更强。",
         ["模型蒸馏是一种模型压缩技术。它将一个大型、复杂的“教师模型”所学习到的知识，迁移到一个更小、更轻量的“学生模型”中。",
          "降低部署成本：学生模型参数更少，计算量更小，更容易部署到资源受限的环境中。"], "antonym", "更少 ↔ 更多"),
        # a later clause of a long sentence, about its own subject (the sentence's first term is Seq2Seq)
        ("Seq2Seq requires equal lengths; the decoder first compresses the input into a context vector, and then "
         "the encoder generates the output step by step.",
         ["A Seq2Seq model turns one sequence (the input) into another (the output), possibly of a different length: "
          "an encoder compresses the input into a context vector, and a decoder generates the output step by step."],
         "antonym", "encoder ↔ decoder"),
        # across scripts, only what reads the same in both: numbers and Q/K/V
        ("BERT base has 24 layers.", [BERT], "number", None),
        ("The KV cache stores the Q and K of every token.", [KV_CACHE], "swap", "K/V ↔ K/Q"),
    ],
)
def test_each_kind_is_caught(
    lexicon: Lexicon, answer: str, points: list[str], kind: str, cue: str | None
) -> None:
    found = find_contradictions(answer, points, lexicon)
    assert [c.kind for c in found] == [kind], found
    if cue is not None:
        assert found[0].cue == cue


@pytest.mark.parametrize(
    ("answer", "points"),
    [
        # paraphrases of the point
        ("LayerNorm 是对单个样本的所有特征做归一化。", [LAYERNORM]),
        ("KV cache 缓存的是每个 token 的 K 和 V，不缓存 Q。", [KV_CACHE]),
        ("RoPE 是一种相对位置编码，用旋转矩阵编码位置。", [ROPE]),
        ("BERT base 有 12 层，隐藏维度 768。", [BERT]),
        ("Encoder 使用双向注意力，Decoder 使用 causal mask。", [ENC_DEC]),
        ("和 RNN 不同，自注意力可以并行计算，RNN 只能串行。", [PARALLEL]),
        ("Dropout 在推理阶段需要关闭。", [DROPOUT]),
        ("SFT 一般放在 RLHF 之前。", [SFT]),
        # agreeing negations
        ("DPO 不需要奖励模型，也不需要强化学习。", [DPO]),
        ("DPO 无需单独训练奖励模型。", [DPO]),
        # negating a problem is the point's own claim
        ("现在的大模型都用 BPE 子词分词，所以基本不会出现 OOV 的问题。", ["现代LLM通过子词分词算法来优雅地处理OOV问题。"]),
        # the point's negation is about another subject, or one set aside as a contrast
        ("与 RNN 不同，自注意力让任意两个位置直接相连，梯度不会消失。", RNN),
        ("自注意力中任意两个位置的路径长度为 1，所以梯度不会消失，也能并行计算。", RNN),
        ("自注意力不需要按时间步串行计算，RNN 必须串行。", RNN),
        ("RNN 不能并行计算，自注意力可以并行。", RNN),
        # a part set against the whole; "not all" agreeing with "selectively"; the other entity's property
        ("像 LoRA 这种方法冻结原模型，不更新原模型参数，只训练新增的低秩矩阵。", [FINETUNE]),
        ("MoE 不是每次都激活所有专家，路由器只选 top-1 或 top-2 个专家。",
         ["路由器（Router/Gating Network）选择性激活专家：输入 token 经过 Router 后，会被分配到最相关的少量专家。"]),
        ("双编码器把查询和文档分别编码，文档向量可以离线预计算；交叉编码器要把两者一起编码。",
         ["交叉编码器需每次对查询和候选项一起编码，计算量大，无法快速扩展。"]),
        # both sides weigh the two words against each other
        ("Longformer 的全局注意力比局部注意力看得更远。", ["Longformer 的局部注意力只看窗口内，全局注意力看整个序列。"]),
        # two things contrasted, each stated right; a negation under a condition
        ("宜采用链表结构。在链表中插入或删除元素时，不需移动其他元素。", ["由于在顺序表中频繁进行插入和删除操作时，需要移动大量元素。"]),
        ("当 S1 满了且 S2 不为空时，则无法再入队。", ["入队：入队元素直接放入 S1 栈中（Push），出队时从 S2 出栈。"]),
        # directions paired as the reference pairs them, in other words or order; a negated or hedged pairing;
        # "大模型" names a thing, not a direction of the model
        ("温度低的时候分布更尖锐，输出更确定；温度高的时候分布更平坦，低概率的词更容易被选中。", TEMPERATURE),
        ("把温度调高，分布会更平坦；调低温度则更尖锐。", TEMPERATURE),
        ("温度调高并不会让分布更尖锐。", TEMPERATURE),
        ("ReLU 即 max(0,x)，x>0 时导数为 1，x<0 时导数为 0。", RELU),
        ("保留特征值最大的特征向量，丢掉特征值小的方向。", PCA),
        ("可以把大模型蒸馏成小模型，再配合剪枝和量化。", ["优化大模型推理速度包括模型压缩（如剪枝、量化等）。"]),
        # the steps in the list's order, an order stated backwards ("在 A 之前"), steps in different sentences
        ("先预训练，然后做 SFT，再做 RLHF 或者 DPO，最后评测上线。", PIPELINE),
        ("在 SFT 之前要先做预训练，然后再做 RLHF。", PIPELINE),
        ("RLHF 很重要。先预训练，然后 SFT。", PIPELINE),
        # "塞不进上下文" denies 塞进 (fitting in), which the point never states; it keeps 上下文 as much as it does
        ("分块主要是因为整篇文档太长，塞不进上下文。", ["滑动窗口分块：使用一定重叠率的滑窗分块，保留前后句的上下文信息。"]),
        # unrelated sentences
        ("梯度裁剪可以防止梯度爆炸。", [LAYERNORM]),
        ("TCP 不需要三次握手以外的步骤。", [DPO]),
        ("我觉得这个问题很难。", [KV_CACHE, BERT]),
        # the other entity's point: a sentence on the decoder is not a wrong statement of the encoder
        ("解码器由一堆解码器层堆叠而成。", ["编码器由一堆相同的编码器层堆叠而成。", "解码器也由一堆解码器层堆叠而成。"]),
        # across scripts, negations and antonyms are not compared
        ("SFT usually comes after RLHF.", [SFT]),
        ("DPO needs a separately trained reward model.", [DPO]),
        # English function words are no entities ("in/is: models <-> an" was a swap), "no matter" no negation
        ("Because the law is predictable, big labs can run experiments on small models first and then extrapolate.",
         ["In one sentence: scaling laws turned LLM building from empirical tuning into designing models by formula, "
          "and they drove the whole post-GPT-3 era of large models."]),
        ("So no matter how far apart two words are, the path length between them is 1.",
         ["Self-attention lets every position interact directly with every other position, so a dependency is "
          "captured no matter how far apart the positions are, with a path length of 1."]),
        # a hyphenated compound is another word: "no out-of-vocabulary tokens" does not negate "vocabulary"
        ("Subword algorithms keep the vocabulary small, so there are almost no out-of-vocabulary tokens.",
         ["Controlling vocabulary size: with sub-word units a modest vocabulary covers rare words."]),
        ("Softmax: apply softmax to each row, turning it into attention weights that sum to 1.",
         ["Scaling: divide the scores by sqrt(d_k); this keeps large dimensions from producing dot products so "
          "large that softmax saturates into regions with tiny gradients."]),
    ],
)
def test_correct_or_unrelated_answers_are_left_alone(lexicon: Lexicon, answer: str, points: list[str]) -> None:
    assert find_contradictions(answer, points, lexicon) == []


@pytest.mark.parametrize("points", [[LAYERNORM, KV_CACHE, ROPE], [PARALLEL, ENC_DEC, BERT], AR_MLM, RNN, [DPO, FINETUNE],
                                    TEMPERATURE, RELU, PCA, PIPELINE])
def test_the_reference_never_contradicts_itself(lexicon: Lexicon, points: list[str]) -> None:
    assert find_contradictions("\n".join(points), points, lexicon) == []
    for point in points:
        assert find_contradictions(point, points, lexicon) == []


def test_an_answer_echoing_the_question_premise_is_not_a_contradiction(lexicon: Lexicon) -> None:
    question = "Flash Attention 并不能减少计算量，为什么能提升推理速度？"
    points = ["Flash Attention 通过增量计算 softmax 避免了重复计算，减少了计算量。"]
    assert find_contradictions("Flash Attention 并不能减少计算量，它减少的是显存读写。", points, lexicon, question) == []


def test_contradiction_names_point_claim_and_cue(lexicon: Lexicon) -> None:
    answer = "BERT 是一个双向的 Transformer 编码器模型。BERT base 有 24 层 Transformer encoder。"
    (found,) = find_contradictions(answer, ["无关的要点：TCP 三次握手。", BERT], lexicon)
    assert found == Contradiction(point_index=1, point=BERT, claim="BERT base 有 24 层 Transformer encoder。",
                                  kind="number", cue="12层 ↔ 24层")
    with pytest.raises(dataclasses.FrozenInstanceError):
        found.kind = "negation"  # type: ignore[misc]


def test_empty_inputs(lexicon: Lexicon) -> None:
    assert find_contradictions("", [BERT], lexicon) == []
    assert find_contradictions("BERT base 有 24 层。", [], lexicon) == []


# -- acronyms spelled out as something else ----------------------------------------------------------

def test_expansions_are_read_only_where_the_initials_spell_the_acronym() -> None:
    from interviewer.grading.acronyms import expansions

    text = ("LoRA（Low-Rank Adaptation）低秩适配；GRPO is Group Relative Policy Optimization which drops the critic; "
            "RLHF stands for reinforcement learning from human feedback; PPO (see below); RAG（检索增强）")
    assert expansions(text) == {"LORA": "Low-Rank Adaptation", "GRPO": "Group Relative Policy Optimization",
                                "RLHF": "reinforcement learning from human feedback"}


def test_a_wrong_expansion_contradicts_the_point_that_uses_the_acronym() -> None:
    points = ["先介绍背景：强化学习用于对齐。", "GRPO 是 Group Relative Policy Optimization（组相对策略优化），去掉了 critic。"]
    wrong = "GRPO 是 Generative Rejection Preference Optimization，通过生成-拒绝-偏好优化来训练。"
    found = find_contradictions(wrong, points, question="什么是 GRPO？")
    assert [(c.kind, c.point_index) for c in found] == [("expansion", 1)]
    assert found[0].cue == "Group Relative Policy Optimization ↔ Generative Rejection Preference Optimization"
    right = "GRPO（Group Relative Policy Optimization）用组内相对奖励估计优势。"
    assert find_contradictions(right, points, question="什么是 GRPO？") == []
    # An acronym the reference never spells out is not checked.
    assert find_contradictions("PPO 是 Proximal Policy Optimization。", points) == []
