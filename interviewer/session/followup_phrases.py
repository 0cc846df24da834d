"""The words of follow-ups and hints, per language and per kind of key point (see `followups.py`).

`{c}` is the point's concept, quoted whole; the openings of one kind differ so an interview can rotate
them. Nothing here quotes reference text.
"""

from __future__ import annotations

from typing import Literal

from interviewer.session.models import Language

Kind = Literal["definition", "why", "how", "comparison", "tradeoff", "example", "aspect"]

ASK: dict[Language, dict[Kind, tuple[str, ...]]] = {
    "zh": {
        "definition": ("「{c}」具体指的是什么？", "能解释一下「{c}」这个概念吗？", "如果向新同事介绍「{c}」，你会怎么讲？"),
        "why": ("为什么需要「{c}」？它解决了什么问题？", "「{c}」背后的原因是什么？", "如果没有「{c}」，会出现什么问题？"),
        "how": ("「{c}」具体是怎么做的？", "能讲讲「{c}」的关键步骤吗？", "如果让你来实现「{c}」，你会怎么做？"),
        "comparison": ("「{c}」和相近的做法相比，区别在哪里？", "能把「{c}」和其他方案对比一下吗？",
                       "在「{c}」这一点上，不同方法有什么差异？"),
        "tradeoff": ("「{c}」有什么代价或局限？", "使用「{c}」时需要权衡哪些因素？", "「{c}」在什么情况下并不适用？"),
        "example": ("能举一个「{c}」的实际例子吗？", "在实际项目里，「{c}」会用在什么场景？", "结合一个具体场景说说「{c}」吧？"),
        "aspect": ("能具体说说「{c}」吗？", "关于「{c}」，你会怎么回答？", "「{c}」这一点，你能展开讲讲吗？"),
    },
    "en": {
        "definition": ("What exactly is “{c}”?", "Could you explain the idea of “{c}”?",
                       "How would you explain “{c}” to a new colleague?"),
        "why": ("Why is “{c}” needed? What problem does it solve?", "What is the reason behind “{c}”?",
                "What would go wrong without “{c}”?"),
        "how": ("How does “{c}” work in practice?", "Could you walk me through the key steps of “{c}”?",
                "If you had to implement “{c}”, how would you go about it?"),
        "comparison": ("How does “{c}” differ from the alternatives?", "Could you compare “{c}” with other approaches?",
                       "Where do approaches differ on “{c}”?"),
        "tradeoff": ("What does “{c}” cost, or where does it fall short?", "What trade-offs come with “{c}”?",
                     "When is “{c}” not a good fit?"),
        "example": ("Could you give a concrete example of “{c}”?", "Where would you use “{c}” in a real project?",
                    "Could you walk through a real scenario involving “{c}”?"),
        "aspect": ("Could you say more about “{c}”?", "How would you answer on “{c}”?",
                   "Could you expand on “{c}”?"),
    },
}
ASK_GENERIC: dict[Language, dict[Kind, tuple[str, ...]]] = {
    "zh": {
        "definition": ("能先把这道题里最核心的概念定义清楚吗？", "这里的关键概念，你能给出一个准确的定义吗？"),
        "why": ("能再说说背后的原因吗？为什么要这样做？", "这样设计的动机是什么？"),
        "how": ("具体是怎么实现的？能一步步讲讲吗？", "如果落到实现上，关键步骤有哪些？"),
        "comparison": ("和其他常见做法相比，它有什么不同？", "能和相近的方案做个对比吗？"),
        "tradeoff": ("这种做法有什么代价或局限？", "在什么情况下它不是好的选择？"),
        "example": ("能举一个实际场景的例子吗？", "能结合你做过的项目具体说说吗？"),
        "aspect": ("这道题还有一个重要方面你没有谈到，能再想想吗？", "除了你说的，还有哪些关键点？"),
    },
    "en": {
        "definition": ("Could you first define the core concept here precisely?",
                       "What is the key idea here, stated precisely?"),
        "why": ("Could you say more about why? What is the motivation?", "What problem is this design solving?"),
        "how": ("How is it actually done? Could you go step by step?", "What are the key steps in implementing it?"),
        "comparison": ("How does this compare with the other common approaches?",
                       "Could you contrast it with a similar method?"),
        "tradeoff": ("What are the costs or limitations of this approach?", "When would it be the wrong choice?"),
        "example": ("Could you give a concrete example from a real scenario?",
                    "Could you illustrate it with a project you have worked on?"),
        "aspect": ("There is one more important aspect you have not covered. Can you think of it?",
                   "Beyond what you said, what are the other key points?"),
    },
}
MENTION = {"zh": "你提到了「{x}」，", "en": "You mentioned “{x}”. "}
LAST_RESORT = {
    "zh": ("关于这个问题，还有什么重要的方面你想补充吗？", "如果要把这个回答讲给面试官听，你还会补充哪一点？"),
    "en": ("Is there anything important about this question you would like to add?",
           "What else would you add to make this answer complete?"),
}
DIRECTION: dict[Language, dict[Kind, str]] = {
    "zh": {
        "definition": "提示：先把核心概念讲清楚——它是什么、由哪些部分组成。",
        "why": "提示：想想这样做的原因——它要解决什么问题？",
        "how": "提示：可以讲讲具体的做法，一步一步说清楚。",
        "comparison": "提示：试着和相近的方法比较一下，差别在哪里？",
        "tradeoff": "提示：别忘了代价和局限——什么时候它不好用？",
        "example": "提示：举一个具体的应用场景或例子会更有说服力。",
        "aspect": "提示：回答还少了一个重要方面，想想题目问的每一部分是否都答到了。",
    },
    "en": {
        "definition": "Hint: start by pinning down the core concept: what it is and what it is made of.",
        "why": "Hint: think about the reason: what problem does it solve?",
        "how": "Hint: describe how it is actually done, step by step.",
        "comparison": "Hint: compare it with a similar method: where do they differ?",
        "tradeoff": "Hint: do not forget the costs and limits: when does it work badly?",
        "example": "Hint: a concrete scenario or example would make the answer convincing.",
        "aspect": "Hint: one important aspect is missing; check that every part of the question is answered.",
    },
}
POINTER = {"zh": "再具体一点：可以从「{c}」这个角度展开。", "en": "More specifically: think about “{c}”."}
