"""What the candidate's message is, before anything is graded: an answer, or a request.

Requests are recognised only when the whole (short) message is the request, politeness and
fillers aside: "stop" ends the interview, "stop tokens tell the decoder to …" is an answer, and
"结束" ends it while "结束符 EOS 的作用是…" is an answer.
"""

from __future__ import annotations

import re
from typing import Literal

Intent = Literal["answer", "repeat", "hint", "end", "skip", "dont_know"]

MAX_REQUEST_CHARS = 40  # anything longer is an answer, whatever words it contains

_ZH_PREFIX = r"(?:请|麻烦|能不能|能否|可不可以|可以|能|你|您|再|帮我|给我|我|嗯|呃|额|那个|好的|好吧|好|算了|抱歉|不好意思|对不起|老师|面试官|这题|这道题|这个|那|就|先|还是|实在|真的|确实)*"
_ZH_SUFFIX = r"(?:吗|呢|吧|啊|呀|了|一下|谢谢|谢谢你|好吗|可以吗|行吗|好不好|吧谢谢|哈|哦)*"
_EN_PREFIX = r"(?:(?:please|sorry|um+|uh+|er+|ok|okay|so|well|hmm+|honestly|actually|i think|i'd like to|i would like to|i want to|let's|lets|can we|could we|can you|could you|would you|can i|could i|may i)\s+)*"
_EN_SUFFIX = r"(?:\s+(?:please|thanks|thank you|now|sorry|for now|for today|here))*"

_TABLE: dict[str, tuple[list[str], list[str]]] = {
    # intent: (Chinese cores, English cores); checked in this order
    "end": (
        [
            r"结束(?:面试|本次面试|这次面试|吧|了)?",
            r"想结束(?:面试)?",
            r"(?:不面了|不想面了|不想继续了|不继续了|到此为止|就到这里|退出(?:面试)?|停止(?:面试)?|不答了|结束答题)",
        ],
        [
            r"(?:end|stop|finish|quit|exit|terminate)(?: the| this)?(?: interview| session| here)?",
            r"(?:i'm|i am|we're|we are) done",
            r"that's all|that is all|that's it",
        ],
    ),
    "skip": (
        [
            r"跳过(?:这题|这道题|这个问题|此题)?",
            r"下一(?:题|道题|个问题|个)",
            r"换(?:一|个)(?:题|道题|个问题)",
            r"过",
        ],
        [
            r"skip(?: (?:this|that|it|the question|this question|this one))?",
            r"(?:go to |move to )?(?:the )?next(?: question| one)?",
            r"pass",
            r"move on",
        ],
    ),
    "dont_know": (
        [
            r"(?:不知道|不会|不清楚|不太清楚|不了解|不太了解|不懂|不太懂|没学过|没听说过|想不起来|忘了|不记得|答不上来|回答不了|不确定|放弃)",
        ],
        [
            r"(?:i )?(?:don't|do not|dont) know(?: the answer)?",
            r"(?:i )?(?:have )?no (?:idea|clue)",
            r"(?:i'm |i am )?not sure",
            r"idk|dunno",
            r"(?:i )?(?:can't|cannot) answer(?: this| that| it)?",
            r"i forgot",
            r"(?:i )?give up",
        ],
    ),
    "repeat": (
        [
            r"重复(?:一下|一遍|一次)?(?:问题|题目|这道题)?",
            r"(?:说|讲|问|念|读)(?:一遍|一次|一下)(?:问题|题目)?",
            r"没听(?:清|清楚|懂|明白)(?:问题)?",
            r"(?:刚才的?)?问题是什么",
            r"什么问题",
        ],
        [
            r"repeat(?: the| that| your)?(?: question| it| that)?",
            r"say (?:that|it) again",
            r"come again",
            r"pardon(?: me)?",
            r"what (?:was|is) the question",
            r"what's the question",
        ],
    ),
    "hint": (
        [
            r"(?:给|来|提供)?(?:个|一个|一点|点|些)?(?:提示|思路|线索)",
            r"有(?:没有)?(?:提示|思路)",
            r"提示(?:一下)?",
        ],
        [
            r"(?:give me |get |have )?(?:a |some |any )?(?:hint|hints|clue)",
            r"i need a hint",
        ],
    ),
}

_PUNCT = re.compile(r"[\s,.!?;:，。！？；：、…~～\"“”‘()（）]+")  # apostrophes stay: "don't"


def _compile(intent: str) -> re.Pattern[str]:
    zh, en = _TABLE[intent]
    zh_alt = "|".join(zh)
    en_alt = "|".join(en)
    # Up to three requests of the same kind in a row: "没听清，再说一遍", "sorry, pardon, repeat that".
    zh_one = rf"{_ZH_PREFIX}(?:{zh_alt}){_ZH_SUFFIX}"
    en_one = rf"{_EN_PREFIX}(?:{en_alt}){_EN_SUFFIX}"
    return re.compile(rf"(?:{zh_one}){{1,3}}|{en_one}(?:\s+{en_one}){{0,2}}")


_PATTERNS: dict[str, re.Pattern[str]] = {intent: _compile(intent) for intent in _TABLE}


def _normalise(text: str) -> str:
    low = text.strip().lower().replace("’", "'")
    return _PUNCT.sub(" ", low).strip()


def classify(text: str) -> Intent:
    """The intent of one candidate message; anything that is not clearly a request is an answer."""
    msg = _normalise(text)
    if not msg or len(msg) > MAX_REQUEST_CHARS:
        return "answer"
    for intent, pattern in _PATTERNS.items():
        # Chinese requests are written without spaces; English ones keep single spaces.
        if pattern.fullmatch(msg) or pattern.fullmatch(msg.replace(" ", "")):
            return intent  # type: ignore[return-value]
    return "answer"
