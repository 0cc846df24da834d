"""Deterministic detectors for answers that must not be graded at face value.

Each detector is a table of patterns (Chinese and English) and a small function. They are shared by
every grader: the offline grader grades `strip_injection(answer)`, and the LLM grader flags the same
text before it reaches a prompt, so no sentence addressed to the grader can ever add points.
"""

from __future__ import annotations

import re

from interviewer.grading.intent import find_injection, strip_injection
from interviewer.grading.intent_patterns import ADDRESSED_PATTERNS, APPROVAL_BY_SOMEONE, MENTIONABLE_PATTERNS

__all__ = [
    "INJECTION_PATTERNS", "asks_for_answer", "content_chars", "find_injection", "is_hedge", "is_non_answer",
    "strip_injection", "without_injection",
]

# First-person admissions of not knowing: a non-answer on their own, a hedge with a short clause beside them.
ADMISSION_PATTERNS: tuple[str, ...] = (
    r"不知道", r"不太?清楚", r"不太?了解", r"不太?懂", r"不太?确定", r"不太会", r"不太记得", r"记不(?:清|得)",
    r"说不(?:上来|好|清)", r"没(?:有)?学过", r"没听说过", r"忘(?:记)?了", r"想不起来", r"答不上来?", r"跳过",
    r"i\s*(?:do\s*n[o']?t|don['’]?t|dont)\s*know", r"\bidk\b", r"no\s+idea", r"not\s+sure", r"no\s+clue",
    r"never\s+(?:learned|heard)", r"(?:could|can)(?:no|n['’]?)t\s+(?:tell\s+you|explain|say)",
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
    r"(?:tell|show)\s+me\s+what\s+the\s+(?:\w+\s+)?answer\s+(?:is|would\s+be)",
    r"(?:answer|solve)\s+it\s+for\s+me", r"(?:reference|model|correct)\s+answer\s*\?",
)
# A longer message that mentions "the answer" is treated as an answer. English needs about twice the
# letters of a Chinese request ("能告诉我标准答案吗？我宁愿学一下" is 15 characters, its English 70 letters).
ASK_FOR_ANSWER_CHARS = 80
# A hedge: an admission of not knowing with at most a short clause besides it ("RoPE 我只听过名字，具体不清楚").
# Whether it is a non-answer depends on what that clause covers, which only a grader can tell.
HEDGE_PATTERNS: tuple[str, ...] = ADMISSION_PATTERNS + (
    r"没(?:有)?(?:接触过|听说过)", r"只听(?:说)?过", r"(?:i\s+)?can(?:no|')?t\s+remember",
    r"only\s+(?:know|heard)\s+(?:of\s+)?(?:the\s+)?(?:name|term|word)", r"not\s+familiar", r"\bi\s+guess\b",
)
HEDGE_RESIDUE = 24  # Chinese characters, an English word counting as two

# Sentences addressed to the grader: detected by intent in `intent` (patterns in `intent_patterns`).
INJECTION_PATTERNS: tuple[str, ...] = ADDRESSED_PATTERNS + tuple(p for p, _ in APPROVAL_BY_SOMEONE) + MENTIONABLE_PATTERNS

_NON_ANSWER = re.compile("|".join(NON_ANSWER_PATTERNS), re.IGNORECASE)
_ASK_FOR_ANSWER = re.compile("|".join(ASK_FOR_ANSWER_PATTERNS), re.IGNORECASE)
_HEDGE = re.compile("|".join(HEDGE_PATTERNS), re.IGNORECASE)
_FILLER = re.compile("|".join(FILLER_PATTERNS), re.IGNORECASE)
_CONTENT = re.compile(r"[0-9A-Za-z\u4e00-\u9fff]")
_CJK = re.compile(r"[\u4e00-\u9fff]")
_WORD = re.compile(r"[0-9A-Za-z]+")


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


def without_injection(text: str) -> str:
    """`text` with any injection cut out; unchanged when it holds none (stripping also tidies tags)."""
    return strip_injection(text) if find_injection(text) else text


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
