"""Deterministic detectors for answers that must not be graded at face value.

Each detector is a table of patterns (Chinese and English) and a small function. They are shared by
every grader: the offline grader grades `strip_injection(answer)`, and the LLM grader flags the same
text before it reaches a prompt, so no sentence addressed to the grader can ever add points.
"""

from __future__ import annotations

import re

# First-person admissions of not knowing: a non-answer on their own, a hedge with a short clause beside them.
ADMISSION_PATTERNS: tuple[str, ...] = (
    r"不知道", r"不太?清楚", r"不太?了解", r"不太?懂", r"不太?确定", r"不太会", r"不太记得", r"记不(?:清|得)",
    r"说不(?:上来|好|清)", r"没(?:有)?学过", r"没听说过", r"忘(?:记)?了", r"想不起来", r"答不上来?", r"跳过",
    r"i\s*(?:do\s*n[o']?t|don['’]?t|dont)\s*know", r"\bidk\b", r"no\s+idea", r"not\s+sure", r"no\s+clue",
    r"never\s+(?:learned|heard)",
)
# Phrases that, with nothing else of substance around them, mean "no answer": the admissions, and words
# too common inside real answers to count as an admission ("不会", "无", "pass").
NON_ANSWER_PATTERNS: tuple[str, ...] = ADMISSION_PATTERNS + (
    r"不会", r"下一题", r"略", r"无", r"放弃", r"give\s+up", r"\bdunno\b", r"i\s+have\s+no\s+(?:idea|clue)",
    r"(?:i\s+)?can(?:no|')?t\s+(?:answer|remember)", r"\bpass\b", r"\bskip\b", r"next\s+question", r"\bn/?a\b",
    r"\bnone\b",
)
# Words that add nothing once a non-answer phrase is present ("抱歉，这个我真的不知道啊").
FILLER_PATTERNS: tuple[str, ...] = (
    r"抱歉", r"对不起", r"不好意思", r"这个", r"这道题", r"这题", r"问题", r"我", r"真的", r"确实", r"实在",
    r"完全", r"也", r"还", r"了", r"啊", r"呀", r"吧", r"呢", r"嗯", r"额", r"呃", r"哈", r"的", r"是", r"请",
    r"\bsorry\b", r"\bum+\b", r"\buh+\b", r"\bhm+\b", r"\bmm+\b", r"\breally\b", r"\bhonestly\b", r"\bthis\b", r"\bone\b",
    r"\bquestion\b", r"\bthe\b", r"\bi\b", r"\bam\b", r"\bplease\b", r"\bjust\b", r"\bi'm\b",
)
NON_ANSWER_RESIDUE = 6  # content characters that may remain besides the phrases and filler
# Asking the interviewer for the answer instead of giving one ("告诉我标准答案", "what's the answer?").
ASK_FOR_ANSWER_PATTERNS: tuple[str, ...] = (
    # "告诉我…答案", or a reference/standard answer asked for; not "模型会给出错误答案"
    r"(?:告诉|给|说|讲|列|念|读|公布|透露|提供|发)(?:一下)?我[^。！？\n]{0,6}答案",
    r"(?:告诉|给|说|讲|列|念|读|公布|透露|提供|发)[^。！？\n]{0,6}(?:标准|参考)答案",
    r"把(?:标准|参考)答案[^。！？\n]{0,10}(?:告诉|给|说|讲|列|念|读|发)",
    r"(?:标准|参考|正确)?答案是(?:什么|啥)", r"听听?(?:标准|参考|正确)答案",
    r"(?:what'?s|what\s+is)\s+the\s+(?:\w+\s+)?answer",
    r"(?:tell|give|show|read|list)\s+me\s+the\s+(?:\w+\s+)?answer",
    r"(?:answer|solve)\s+it\s+for\s+me", r"(?:reference|model|correct)\s+answer\s*\?",
)
ASK_FOR_ANSWER_CHARS = 60  # a longer message that mentions "the answer" is treated as an answer
# A hedge: an admission of not knowing with at most a short clause besides it ("RoPE 我只听过名字，具体不清楚").
# Whether it is a non-answer depends on what that clause covers, which only a grader can tell.
HEDGE_PATTERNS: tuple[str, ...] = ADMISSION_PATTERNS + (
    r"没(?:有)?(?:接触过|听说过)", r"只听(?:说)?过", r"(?:i\s+)?can(?:no|')?t\s+remember",
    r"only\s+(?:know|heard\s+of)\s+the\s+name", r"not\s+familiar", r"\bi\s+guess\b",
)
HEDGE_RESIDUE = 24  # Chinese characters, an English word counting as two

# Sentences addressed to the grader rather than the interviewer's question.
INJECTION_PATTERNS: tuple[str, ...] = (
    # Chinese
    r"(?:忽略|无视|忘记|忘掉|不要理会|跳过)[^。！？\n]{0,8}(?:之前|以上|上面|前面|上述|先前|所有|全部|系统)?[^。！？\n]{0,6}"
    r"(?:指令|指示|提示|规则|要求|设定|评分标准|说明)",
    r"(?:给|打|评|判)[^。！？\n]{0,10}(?:满分|10\s*分|十分|一百分|100\s*分|高分|最高分)",
    r"(?:满分|10\s*分|十分)[^。！？\n]{0,4}(?:给我|给这|吧)",
    r"(?:分数|得分|评分|成绩)[^。！？\n]{0,6}(?:必须|应该|应当|一定|设为|设置为|改为)[^。！？\n]{0,4}(?:10|十|满)",
    r"你现在是", r"你(?:现在)?(?:扮演|充当|作为)", r"请?扮演", r"作为(?:一名|一个)?(?:评分|阅卷|考官|评委|面试官)",
    r"系统提示", r"提示词", r"新的指令", r"开发者模式", r"越狱",
    # English
    r"(?:ignore|disregard|forget|override|bypass)\s+(?:all\s+|any\s+|the\s+|your\s+)*(?:previous|prior|above|earlier|"
    r"preceding|system|grading|original)?\s*(?:instructions?|prompts?|rules|guidelines|rubric|directions)",
    r"you\s+are\s+now", r"from\s+now\s+on\s+you", r"act\s+as\s+(?:a|an|the)", r"pretend\s+(?:to\s+be|you\s+are)",
    r"system\s+prompt", r"developer\s+mode", r"jailbreak", r"new\s+instructions?",
    r"as\s+(?:the|an?)\s+(?:grader|evaluator|examiner|judge|scorer|ai|assistant|language\s+model)",
    r"(?:score|grade|rate|mark)\s+(?:this|me|it|my\s+answer|the\s+answer)\s+(?:a\s+|an\s+|as\s+|with\s+)?"
    r"(?:10|ten|full|perfect|maximum|max)",
    r"(?:give|award|assign)\s+(?:me|this|it|my\s+answer|the\s+answer)?\s*(?:a\s+|an\s+|the\s+)?"
    r"(?:10|ten|full\s+marks|full\s+score|perfect\s+score|maximum\s+score|max\s+score|top\s+score)",
    r"\b10\s*/\s*10\b", r"full\s+marks",
    # role tags and prompt delimiters
    r"<\|[a-z_]+\|>", r"</?\s*(?:answer|candidate|system|assistant|user|instructions?|reference|grade)\s*>",
    r"\[/?INST\]", r"<</?SYS>>", r"^\s*#{2,}\s*(?:system|instruction|assistant)",
    r"^\s*(?:system|assistant)\s*[:：]",
)
# Tags are removed wherever they occur, even mid-sentence.
_TAGS = re.compile(
    r"<\|[a-z_]+\|>|</?\s*(?:answer|candidate|system|assistant|user|instructions?|reference|grade)\s*>|"
    r"\[/?INST\]|<</?SYS>>",
    re.IGNORECASE,
)

_NON_ANSWER = re.compile("|".join(NON_ANSWER_PATTERNS), re.IGNORECASE)
_ASK_FOR_ANSWER = re.compile("|".join(ASK_FOR_ANSWER_PATTERNS), re.IGNORECASE)
_HEDGE = re.compile("|".join(HEDGE_PATTERNS), re.IGNORECASE)
_FILLER = re.compile("|".join(FILLER_PATTERNS), re.IGNORECASE)
_INJECTION = re.compile("|".join(f"(?:{p})" for p in INJECTION_PATTERNS), re.IGNORECASE | re.MULTILINE)
_CONTENT = re.compile(r"[0-9A-Za-z\u4e00-\u9fff]")
_CJK = re.compile(r"[\u4e00-\u9fff]")
_WORD = re.compile(r"[0-9A-Za-z]+")
# Sentence boundaries: after Chinese or English end punctuation, and before a newline.
_SENTENCE_BREAK = re.compile(r"(?<=[。！？!?])(?![。！？!?])|(?<=\.)(?=\s)|(?=\n)")


def content_chars(text: str) -> int:
    """How many letters, digits and CJK characters `text` holds."""
    return len(_CONTENT.findall(text or ""))


def is_non_answer(answer: str) -> bool:
    """True for empty, punctuation-only, a character or two, or an "I don't know" with nothing else."""
    text = (answer or "").strip()
    n = content_chars(text)
    if n == 0:
        return True
    if n <= 2 and not re.search(r"[\d\u4e00-\u9fff]", text):  # "ok", "hm"; "链表" and "1" are answers
        return True
    residue = _FILLER.sub(" ", text)
    if content_chars(residue) == 0 or (content_chars(residue) == 1 and not re.search(r"\d", residue)):
        return True  # "嗯嗯", "啊？"
    if asks_for_answer(text):
        return True
    if not _NON_ANSWER.search(text):
        return False
    return content_chars(_FILLER.sub(" ", _NON_ANSWER.sub(" ", text))) <= NON_ANSWER_RESIDUE


def asks_for_answer(answer: str) -> bool:
    """A short message that asks the interviewer for the (reference) answer instead of answering."""
    text = (answer or "").replace("’", "'")
    return content_chars(text) <= ASK_FOR_ANSWER_CHARS and bool(_ASK_FOR_ANSWER.search(text))


def is_hedge(answer: str) -> bool:
    """An "I don't know" phrase plus at most a short clause: a non-answer unless the clause covers the reference."""
    text = answer or ""
    if not _HEDGE.search(text):
        return False
    residue = _FILLER.sub(" ", _HEDGE.sub(" ", text))
    return len(_CJK.findall(residue)) + 2 * len(_WORD.findall(residue)) <= HEDGE_RESIDUE


def _sentences(text: str) -> list[str]:
    """Pieces that join back into `text` exactly."""
    return [s for s in _SENTENCE_BREAK.split(text or "") if s]


def find_injection(answer: str) -> list[str]:
    """The sentences of `answer` that address the grader (instructions, score demands, role tags)."""
    return [s.strip() for s in _sentences(answer) if s.strip() and _INJECTION.search(s)]


def strip_injection(answer: str) -> str:
    """`answer` without its injection sentences and prompt delimiters, so they can never add points."""
    kept = [s for s in _sentences(answer) if not _INJECTION.search(s)]
    text = "".join(kept)
    return re.sub(r"\n{3,}", "\n\n", _TAGS.sub(" ", text)).strip()
