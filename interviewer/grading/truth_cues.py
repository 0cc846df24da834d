"""The cues the contradiction check (truth.py) reads: its thresholds, negators, hedges, conditions, antonym
pairs, units and the shapes of Q/K/V lists, contrasts and headed clauses. Tuned on evals/labelled/dev.jsonl
(`python -m evals.truth_check`); the test split is never read.
"""

from __future__ import annotations

import re

MIN_ANCHOR_IDF = 5.5  # below this a shared word ("数据", "使用") says nothing about what a clause is about
MIN_PAIR_WEIGHT = 9.0  # shared IDF mass for a sentence to be about a point at all (one rare term)
ASKED_SHARE = 0.3  # of its IDF a term of the question itself counts towards that mass (and a direction swap's)
BEST_SHARE = 0.75  # a sentence is held to the points sharing at least this share of its best mass
RARE_IDF = 9.0  # a technical term: one shared is enough to compare polarity; the sides of a headed swap
MIN_ENTITY_IDF = 7.5  # the subjects of an in-point swap ("encoder", "注意力")
MIN_ATTRIBUTE_IDF = 8.0  # what a swap moves between its subjects ("双向", "causal")
PREDICATE_SHARE = 0.5  # of the negated phrase's rare terms (by IDF) the other clause must state
NEG_GAP, NEG_GAP_LATIN = 4, 16  # characters a negator reaches over: "不涉及任何|参数", "doesn't need any |data"
NEAR = 12  # characters between a Q/K/V list and its anchor term

CLAUSE = re.compile(r"[，,；;。！？!?：:\n]|(?<=[a-z0-9)])\.(?=\s|$)")
NEGATOR = re.compile(
    r"并不|并非|不是|无需|没有|无法|不(?!断|同|少|仅|过|错|管|论|久|止|但|足|稳|均|一样|然|如|再)|没|未(?!来|知)"
    r"|非(?!常|线性|结构)|无(?!论|监督|限|损|关|序)|\b(?:not(?! only)|no(?! matter)|never|without|cannot|none)\b|n't"
)
# Words that leave a clause's polarity unclear ("避免遗忘" is neither for nor against "遗忘").
HEDGE = re.compile(
    r"避免|防止|减少|缓解|降低|消除|抑制|而非|而不是|否则|如果|若|是否|吗|难以|不仅|除了|也许|可能"
    r"|关闭|禁用|去掉|去除|移除|丢弃|停止|取消|省去|跳过|忽略|舍弃|拒绝|失去|缺少|缺乏|删除|冻结"
    r"|\b(?:avoid|prevent|reduce|unless|if|whether|only|instead|rather|may|might|disable|remove|drop|skip"
    r"|ignore|freeze)\b"
)
CONDITION = re.compile(r"如果|若|假如|倘若|除非|只要|一旦|否则|(?<![规原否法准细])则|当[^,，。;；]{0,15}时"
                        r"|\b(?:if|unless|when|otherwise)\b")
# "不会出现 OOV 的问题" says OOV is handled, which is what "优雅地处理 OOV 问题" says too.
PROBLEM = re.compile(r"问题|风险|错误|困难|瓶颈|缺陷|隐患|\b(?:problems?|issues?|risks?)\b")
# A potential complement ("塞不进上下文", "看不到后文"): the 不 says a verb cannot reach its result; what it denies
# is that verb, written before the 不, so the other side must use the same verb for the two to disagree.
POTENTIAL = re.compile(r"([\u4e00-\u9fff])不[进出上下来去回起开到完住掉动懂清见成够着]")
SCOPE_BREAK = re.compile(r"[的把将被对在从给让和与为]")  # "不把整个矩阵存下" negates 存, not 矩阵
ANTONYMS: tuple[tuple[str, str], ...] = (
    ("相对", "绝对"), ("增加", "减少"), ("增大", "减小"), ("提高", "降低"), ("提升", "降低"), ("上升", "下降"),
    ("之前", "之后"), ("以前", "以后"), ("并行", "串行"), ("稀疏", "稠密"), ("静态", "动态"), ("有监督", "无监督"),
    ("离线", "在线"), ("全局", "局部"), ("显式", "隐式"), ("单向", "双向"), ("编码器", "解码器"), ("分别", "一起"),
    ("独立", "联合"), ("精确", "近似"), ("更快", "更慢"), ("按行", "按列"), ("更大", "更小"), ("更多", "更少"),
    ("少数", "所有"), ("少数", "全部"), ("变大", "变小"), ("加快", "减慢"), ("batch", "单个样本"),
    ("more", "less"), ("increase", "decrease"), ("higher", "lower"), ("before", "after"),
    ("parallel", "sequential"), ("global", "local"), ("encoder", "decoder"), ("sparse", "dense"),
    ("static", "dynamic"), ("absolute", "relative"), ("exact", "approximate"), ("offline", "online"),
)
ANTONYM_SET = {tuple(sorted(pair)) for pair in ANTONYMS}
CUE_WORDS = sorted({w for pair in ANTONYMS for w in pair})
UNITS = {"层": "层", "layers": "层", "layer": "层", "个": "个", "维": "维", "dimensions": "维", "头": "头",
          "heads": "头", "head": "头", "亿": "亿", "万": "万", "倍": "倍", "x": "倍", "times": "倍", "位": "位",
          "bit": "位", "bits": "位", "%": "%", "b": "b", "billion": "b", "k": "k", "种": "种", "步": "步"}
NUMBER = re.compile(r"(?<![a-z0-9.\-])(\d+(?:\.\d+)?)\s*("
                     + "|".join(sorted(map(re.escape, UNITS), key=len, reverse=True)) + r")(?![a-z])")
# Q/K/V named together: "q 和 k", "查询矩阵q和键矩阵k", "q·k", "q, k and v".
AND = r"(?:\s*(?:和|与|及|and)\s*[\u4e00-\u9fff]{0,6}|\s*[、,/·*]\s*)"
LETTER_LIST = re.compile(r"(?<![a-z])([qkv])" + AND + r"([qkv])(?![a-z])(?:" + AND + r"([qkv])(?![a-z]))?")
CONTRAST = re.compile(r"(?:与|和|跟|同)[^，,。]{1,20}?(?:不同|相比|相反)|(?:不同于|相比于?|相较于?|区别于)[^，,。]{1,20}"
                       r"|\bunlike [^,.]{1,30}")
PARTIAL = re.compile(r"所有|全部|每[次个一]|都|总是|一定|完全|\b(?:all|every|always)\b")
COMPARE = re.compile(r"比|相比|而|\b(?:than|versus|vs)\b")
HEAD = re.compile(r"^([^:：。]{2,30})[:：]")  # "掩码模型 (masked models)：如 bert 系列…"
# Direction words said of a quantity ("温度调高", "特征值越大", "低困惑度", "x > 0"): the poles of a pairing
# check (truth_structure.direction_swap). Single characters count only right next to the quantity, through
# degree words; what follows must not make them part of another word ("大小", "多样", "高效", "长度").
UP, DOWN = "+", "-"
POLES = {"高": UP, "大": UP, "多": UP, "长": UP, "增大": UP, "增加": UP, "升高": UP, "提高": UP, "调高": UP,
         "变大": UP, "变高": UP, "低": DOWN, "小": DOWN, "少": DOWN, "短": DOWN, "减小": DOWN, "减少": DOWN,
         "降低": DOWN, "调低": DOWN, "变小": DOWN, "变低": DOWN}
POLES_EN = {"high": UP, "higher": UP, "highest": UP, "large": UP, "larger": UP, "largest": UP, "big": UP,
            "bigger": UP, "up": UP, "raise": UP, "raising": UP, "increase": UP, "increasing": UP,
            "low": DOWN, "lower": DOWN, "lowest": DOWN, "small": DOWN, "smaller": DOWN, "smallest": DOWN,
            "down": DOWN, "lowering": DOWN, "decrease": DOWN, "decreasing": DOWN, "reduce": DOWN, "reducing": DOWN}
_POLE = "|".join(sorted(POLES, key=len, reverse=True))
_DEGREE = r"(?:[很较越更太过极最偏]|非常|显著|比较|特别|调|变得?|得|设得?|的)"
_NOT_A_POLE = r"(?!小|少|样|效|秩|度|头|量|概|于|写|多数|部分|规模|模型|数|型|类|批|家|体|语|师|幅|半|约|致|端|期|处|质)"
_AFTER_EN = r"(?:is|are|gets?|goes|go|becomes?|was|set|turned)?\s*(?:(?:very|too|much|even|quite)\s+)?"
POLE_AFTER = re.compile(rf"\s*(?:{_DEGREE}{{0,2}}({_POLE}){_NOT_A_POLE}|{_AFTER_EN}\b({'|'.join(POLES_EN)})\b)")
POLE_BEFORE = re.compile(rf"(?:(?:最|较|更|很)?({_POLE})的?|\b({'|'.join(POLES_EN)})\s+(?:the\s+)?)\s*$")
# A direction said on its own ("而 high 的则…", "调低则…"): where what was said of the other direction ends.
POLE_WORD = re.compile(rf"(?:[很较越更太过]|调|变)([{''.join(p for p in POLES if len(p) == 1)}])"
                       rf"|({'|'.join(p for p in POLES if len(p) > 1)})"
                       rf"|\b({'|'.join(POLES_EN)})\b")
COMPARE_ZERO = re.compile(r"(?<![a-z])([a-z])\s*(>=|<=|>|<|≥|≤|大于|小于)\s*0(?![.\d])")  # "x > 0"
SIZE_NAMED = {"模型", "语言模型", "model", "models", "language"}  # "大模型" names a thing (an LLM), not a direction of the model
SENTENCE = re.compile(r"[。！？!?\n]|(?<=[a-z0-9)])\.(?=\s|$)")
# Where a new step of a sequence starts ("先…然后…最后", "预训练→SFT→RLHF", "first … then …"): what
# truth_structure.order_swap compares with a key point's arrows. Sentences that order backwards ("在 A 之前
# B", "before") are left out.
ARROW = re.compile(r"→|->|=>")  # a key point's list of steps
STEP = re.compile(r"→|->|=>|首先|先(?!前|验|进|出|天|知|生|后)|第[一二三四五六七八九十\d]步|然后|接着|随后|之后|再(?!次|者|说|加上)"
                  r"|最后|最终|\b(?:first|then|afterwards|next|finally|followed by)\b")
BACKWARDS = re.compile(r"之前|以前|\b(?:before|prior to)\b")
# IDF of the effects a direction swap moves (a number always counts). Chosen on dev (`python -m evals.truth_check`):
# 7.5 and 6.5 flag no correct answer, 6.5 three more wrong ones; 5.5 flags two correct English answers.
DIRECTION_WEIGHT = 6.5
